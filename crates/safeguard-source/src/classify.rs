//! The one table that says which files are configuration items, and of which category.
//!
//! Patterns are case-insensitive globs (`*` stays within one path segment). A pattern with a `/`
//! is matched against the whole relative path (anchored at the assessed root); a pattern
//! without one is matched against the file name wherever the file is. The first match wins.

use crate::util::{file_name, glob, in_dependency_dir};

pub const BUILD: &str = "build";
pub const LOCKFILE: &str = "lockfile";
pub const CI: &str = "ci";
pub const CONTAINER: &str = "container";
pub const INFRASTRUCTURE: &str = "infrastructure";
pub const TOOLING: &str = "tooling";

/// One row of the classification table.
pub struct Rule {
    pub pattern: &'static str,
    pub category: &'static str,
    /// For CI rows: the CI system the file configures.
    pub ci_system: Option<&'static str>,
}

const fn r(pattern: &'static str, category: &'static str) -> Rule {
    Rule {
        pattern,
        category,
        ci_system: None,
    }
}

const fn ci(pattern: &'static str, system: &'static str) -> Rule {
    Rule {
        pattern,
        category: CI,
        ci_system: Some(system),
    }
}

#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // CI first: these paths would otherwise match nothing or something more generic.
    ci(".github/workflows/*.yml", "github-actions"),
    ci(".github/workflows/*.yaml", "github-actions"),
    ci(".gitlab-ci.yml", "gitlab-ci"),
    ci(".gitlab-ci.yaml", "gitlab-ci"),
    ci(".gitlab/ci/*.yml", "gitlab-ci"),
    ci(".gitlab/ci/*.yaml", "gitlab-ci"),
    ci("Jenkinsfile", "jenkins"),
    ci("Jenkinsfile.*", "jenkins"),
    ci("azure-pipelines.yml", "azure-pipelines"),
    ci("azure-pipelines.yaml", "azure-pipelines"),
    ci(".azure-pipelines/*.yml", "azure-pipelines"),
    ci(".azure-pipelines/*.yaml", "azure-pipelines"),
    ci(".circleci/config.yml", "circleci"),
    ci(".circleci/config.yaml", "circleci"),
    ci("bitbucket-pipelines.yml", "bitbucket-pipelines"),
    ci(".travis.yml", "travis-ci"),
    ci(".buildkite/*", "buildkite"),
    ci(".drone.yml", "drone"),
    ci(".drone.yaml", "drone"),
    ci(".woodpecker.yml", "woodpecker"),
    ci(".woodpecker.yaml", "woodpecker"),
    ci(".woodpecker/*.yml", "woodpecker"),
    ci(".woodpecker/*.yaml", "woodpecker"),
    // Tooling (before build, so `.github/dependabot.yml` is not mistaken for anything else).
    r(".github/dependabot.yml", TOOLING),
    r(".github/dependabot.yaml", TOOLING),
    r(".github/renovate.json", TOOLING),
    r(".github/renovate.json5", TOOLING),
    r("renovate.json", TOOLING),
    r("renovate.json5", TOOLING),
    r(".renovaterc", TOOLING),
    r(".renovaterc.json", TOOLING),
    r("rust-toolchain", TOOLING),
    r("rust-toolchain.toml", TOOLING),
    r(".tool-versions", TOOLING),
    r(".mise.toml", TOOLING),
    r("mise.toml", TOOLING),
    r(".nvmrc", TOOLING),
    r(".node-version", TOOLING),
    r(".python-version", TOOLING),
    r(".ruby-version", TOOLING),
    r(".java-version", TOOLING),
    r(".sdkmanrc", TOOLING),
    r("global.json", TOOLING),
    r(".pre-commit-config.yaml", TOOLING),
    r(".pre-commit-config.yml", TOOLING),
    // Lockfiles.
    r("Cargo.lock", LOCKFILE),
    r("package-lock.json", LOCKFILE),
    r("npm-shrinkwrap.json", LOCKFILE),
    r("yarn.lock", LOCKFILE),
    r("pnpm-lock.yaml", LOCKFILE),
    r("bun.lock", LOCKFILE),
    r("bun.lockb", LOCKFILE),
    r("deno.lock", LOCKFILE),
    r("poetry.lock", LOCKFILE),
    r("uv.lock", LOCKFILE),
    r("pdm.lock", LOCKFILE),
    r("Pipfile.lock", LOCKFILE),
    r("requirements*.txt", LOCKFILE),
    r("constraints*.txt", LOCKFILE),
    r("go.sum", LOCKFILE),
    r("go.work.sum", LOCKFILE),
    r("Gemfile.lock", LOCKFILE),
    r("composer.lock", LOCKFILE),
    r("gradle.lockfile", LOCKFILE),
    r("packages.lock.json", LOCKFILE),
    r("Package.resolved", LOCKFILE),
    r("pubspec.lock", LOCKFILE),
    r("mix.lock", LOCKFILE),
    r("flake.lock", LOCKFILE),
    r("conan.lock", LOCKFILE),
    r(".terraform.lock.hcl", LOCKFILE),
    // Build definitions.
    r("Cargo.toml", BUILD),
    r("build.rs", BUILD),
    r(".cargo/config.toml", BUILD),
    r(".cargo/config", BUILD),
    r("package.json", BUILD),
    r("deno.json", BUILD),
    r("deno.jsonc", BUILD),
    r("pyproject.toml", BUILD),
    r("setup.py", BUILD),
    r("setup.cfg", BUILD),
    r("Pipfile", BUILD),
    r("go.mod", BUILD),
    r("go.work", BUILD),
    r("pom.xml", BUILD),
    r("build.gradle", BUILD),
    r("build.gradle.kts", BUILD),
    r("settings.gradle", BUILD),
    r("settings.gradle.kts", BUILD),
    r("build.sbt", BUILD),
    r("*.csproj", BUILD),
    r("*.fsproj", BUILD),
    r("*.vbproj", BUILD),
    r("*.sln", BUILD),
    r("Directory.Build.props", BUILD),
    r("Directory.Packages.props", BUILD),
    r("Makefile", BUILD),
    r("GNUmakefile", BUILD),
    r("CMakeLists.txt", BUILD),
    r("meson.build", BUILD),
    r("configure.ac", BUILD),
    r("BUILD", BUILD),
    r("BUILD.bazel", BUILD),
    r("WORKSPACE", BUILD),
    r("WORKSPACE.bazel", BUILD),
    r("MODULE.bazel", BUILD),
    r("Gemfile", BUILD),
    r("*.gemspec", BUILD),
    r("composer.json", BUILD),
    r("mix.exs", BUILD),
    r("Package.swift", BUILD),
    r("pubspec.yaml", BUILD),
    r("vcpkg.json", BUILD),
    r("conanfile.txt", BUILD),
    r("conanfile.py", BUILD),
    r("flake.nix", BUILD),
    // Containers.
    r("Dockerfile", CONTAINER),
    r("Dockerfile.*", CONTAINER),
    r("*.dockerfile", CONTAINER),
    r("Containerfile", CONTAINER),
    r("Containerfile.*", CONTAINER),
    r("docker-compose*.yml", CONTAINER),
    r("docker-compose*.yaml", CONTAINER),
    r("compose.yml", CONTAINER),
    r("compose.yaml", CONTAINER),
    r("compose.*.yml", CONTAINER),
    r("compose.*.yaml", CONTAINER),
    // Infrastructure as code.
    r("*.tf", INFRASTRUCTURE),
    r("Chart.yaml", INFRASTRUCTURE),
    r("kustomization.yaml", INFRASTRUCTURE),
    r("kustomization.yml", INFRASTRUCTURE),
    r("*.bicep", INFRASTRUCTURE),
    r("serverless.yml", INFRASTRUCTURE),
    r("serverless.yaml", INFRASTRUCTURE),
    r("Pulumi.yaml", INFRASTRUCTURE),
];

/// The table row a path matches, if any. Files in dependency folders never match.
pub fn rule_for(path: &str) -> Option<&'static Rule> {
    if in_dependency_dir(path) {
        return None;
    }
    let name = file_name(path);
    RULES.iter().find(|rule| {
        if rule.pattern.contains('/') {
            glob(rule.pattern, path)
        } else {
            glob(rule.pattern, name)
        }
    })
}

/// The configuration category of a path (`build`, `lockfile`, `ci`, …), if it is one.
pub fn config_category(path: &str) -> Option<&'static str> {
    rule_for(path).map(|r| r.category)
}

/// The CI system a path configures, if it is a CI file.
pub fn ci_system(path: &str) -> Option<&'static str> {
    rule_for(path).and_then(|r| r.ci_system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_representative_files() {
        let cases = [
            ("Cargo.toml", Some(BUILD)),
            ("crates/x/Cargo.toml", Some(BUILD)),
            ("Cargo.lock", Some(LOCKFILE)),
            ("requirements-dev.txt", Some(LOCKFILE)),
            ("src/App/App.csproj", Some(BUILD)),
            (".github/workflows/ci.yml", Some(CI)),
            ("docs/.github/workflows/ci.yml", None),
            (".github/dependabot.yml", Some(TOOLING)),
            ("Dockerfile", Some(CONTAINER)),
            ("deploy/api.Dockerfile", Some(CONTAINER)),
            ("docker-compose.override.yml", Some(CONTAINER)),
            ("infra/main.tf", Some(INFRASTRUCTURE)),
            ("infra/prod.tfvars", None),
            ("charts/app/Chart.yaml", Some(INFRASTRUCTURE)),
            ("rust-toolchain.toml", Some(TOOLING)),
            (".dockerignore", None),
            ("web/node_modules/left-pad/package.json", None),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(config_category(path), want, "{path}");
        }
        assert_eq!(ci_system(".gitlab-ci.yml"), Some("gitlab-ci"));
        assert_eq!(ci_system("Jenkinsfile"), Some("jenkins"));
        assert_eq!(ci_system(".buildkite/pipeline.yml"), Some("buildkite"));
        assert_eq!(ci_system("Cargo.toml"), None);
    }
}
