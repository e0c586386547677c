//! Security practices seen in CI files (publishing, signing, attestation, SAST, fuzzing,
//! tests), and the repository-level facts the repository audits need.

use std::path::Path;

use super::doc::{CiDoc, DocKind};
use super::github::{self, StepRef};
use super::gitlab;
use super::shell::{self, Practice};
use super::yaml::{self, Node};
use super::{Posture, Step};

/// A practice seen at a place in a CI file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// What kind of practice.
    pub practice: Practice,
    /// What exactly (`cargo publish`, `CodeQL (github/codeql-action/analyze)`).
    pub what: String,
    /// The job (GitHub job id or GitLab job name), if any.
    pub job: Option<String>,
    /// Position.
    pub line: u32,
    /// Position.
    pub column: u32,
}

/// Practices named by an action's `uses:`.
fn uses_practices(action: &str, step: &StepRef<'_>) -> Vec<(Practice, String)> {
    use Practice::*;
    let with = |k: &str| {
        step.with(k)
            .and_then(Node::as_str)
            .map(str::to_ascii_lowercase)
    };
    let mut out = Vec::new();
    let mut add = |p: Practice, what: &str| out.push((p, format!("{what} ({action})")));
    match action {
        "github/codeql-action/analyze" => add(Sast, "CodeQL"),
        "returntocorp/semgrep-action" | "semgrep/semgrep-action" => add(Sast, "Semgrep"),
        "securego/gosec" => add(Sast, "gosec"),
        "sonarsource/sonarcloud-github-action" | "sonarsource/sonarqube-scan-action" => {
            add(Sast, "SonarQube")
        }
        "zizmorcore/zizmor-action" => add(Sast, "zizmor"),
        "microsoft/security-devops-action" => add(Sast, "Microsoft Security DevOps"),
        "google/clusterfuzzlite/actions/run_fuzzers" => add(Fuzz, "ClusterFuzzLite"),
        "google/oss-fuzz/infra/cifuzz/actions/run_fuzzers" => add(Fuzz, "OSS-Fuzz CIFuzz"),
        "sigstore/cosign-installer" => add(Sign, "cosign"),
        "sigstore/gh-action-sigstore-python" => add(Sign, "sigstore-python"),
        "actions/attest-build-provenance" | "actions/attest" | "actions/attest-sbom" => {
            add(Attest, "GitHub artifact attestation")
        }
        "pypa/gh-action-pypi-publish" => {
            add(Publish, "PyPI upload");
            if with("attestations").as_deref() != Some("false") {
                add(Attest, "PyPI attestations");
            }
        }
        "softprops/action-gh-release"
        | "ncipollo/release-action"
        | "actions/create-release"
        | "actions/upload-release-asset"
        | "svenstaro/upload-release-action"
        | "js-devtools/npm-publish"
        | "katyo/publish-crates"
        | "rubygems/release-gem" => add(Publish, "release upload"),
        "goreleaser/goreleaser-action" => {
            let args = with("args").unwrap_or_default();
            if !args.contains("--snapshot") && !args.contains("build") && !args.contains("check") {
                add(Publish, "GoReleaser");
            }
        }
        "docker/build-push-action" | "docker/bake-action"
            if with("push").as_deref() == Some("true") =>
        {
            add(Publish, "image push")
        }
        "changesets/action" if step.with("publish").is_some() => add(Publish, "changesets publish"),
        _ if action.starts_with("slsa-framework/slsa-github-generator/") => {
            add(Attest, "SLSA provenance generator")
        }
        _ => {}
    }
    out
}

/// Every practice seen in a CI file.
pub fn practices(doc: &CiDoc) -> Vec<Seen> {
    let mut out = Vec::new();
    match doc.kind {
        DocKind::Workflow | DocKind::Action => {
            for step in github::all_steps(doc) {
                let job = step.job.map(|j| j.id.to_string());
                if let (Some((node, _)), Some(action)) = (step.uses(), step.action()) {
                    for (practice, what) in uses_practices(&action, &step) {
                        out.push(Seen {
                            practice,
                            what,
                            job: job.clone(),
                            line: node.line,
                            column: node.column,
                        });
                    }
                }
                if let Some(run) = step.run() {
                    script_practices(doc, run, job.as_deref(), &mut out);
                }
                if let Some(env) = step.step.get("env") {
                    provenance_env(env, job.as_deref(), &mut out);
                }
            }
            if doc.kind == DocKind::Workflow {
                for job in github::jobs(&doc.root) {
                    if let Some(u) = job.node.get("uses")
                        && let Some(id) = u.as_str().and_then(github::action_id)
                        && id.starts_with("slsa-framework/slsa-github-generator/")
                    {
                        out.push(Seen {
                            practice: Practice::Attest,
                            what: format!("SLSA provenance generator ({id})"),
                            job: Some(job.id.to_string()),
                            line: u.line,
                            column: u.column,
                        });
                    }
                    if let Some(env) = job.node.get("env") {
                        provenance_env(env, Some(job.id), &mut out);
                    }
                }
                if let Some(env) = doc.root.get("env") {
                    provenance_env(env, None, &mut out);
                }
            }
        }
        DocKind::GitLab => {
            for inc in gitlab::includes(&doc.root) {
                let (n, what) = match inc {
                    gitlab::Include::Template(n) => (n, "GitLab template"),
                    gitlab::Include::Component(n) => (n, "GitLab component"),
                    _ => continue,
                };
                let name = n.as_str().unwrap_or_default();
                let lower = name.to_ascii_lowercase();
                let practice = if lower.contains("sast") {
                    Practice::Sast
                } else if lower.contains("fuzzing") {
                    Practice::Fuzz
                } else {
                    continue;
                };
                out.push(Seen {
                    practice,
                    what: format!("{what} {name}"),
                    job: None,
                    line: n.line,
                    column: n.column,
                });
            }
            for line in gitlab::scripts(&doc.root) {
                script_practices(doc, line, None, &mut out);
            }
            if let Some(d) = doc.root.get("default") {
                for line in gitlab::scripts(d) {
                    script_practices(doc, line, None, &mut out);
                }
            }
            gitlab_metadata(doc.root.get("variables"), None, &mut out);
            for job in gitlab::jobs(&doc.root) {
                let name = Some(job.name);
                for line in gitlab::scripts(job.node) {
                    script_practices(doc, line, name, &mut out);
                }
                if let Some(r) = job.node.get_entry("release") {
                    out.push(Seen {
                        practice: Practice::Publish,
                        what: "GitLab release".to_string(),
                        job: name.map(str::to_string),
                        line: r.key.line,
                        column: r.key.column,
                    });
                }
                gitlab_metadata(job.node.get("variables"), name, &mut out);
            }
        }
    }
    out
}

/// `NPM_CONFIG_PROVENANCE: true` makes `npm publish` attest.
fn provenance_env(env: &Node, job: Option<&str>, out: &mut Vec<Seen>) {
    if let Some(e) = env.get_entry("NPM_CONFIG_PROVENANCE")
        && e.value
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        out.push(Seen {
            practice: Practice::Attest,
            what: "npm provenance (NPM_CONFIG_PROVENANCE)".to_string(),
            job: job.map(str::to_string),
            line: e.key.line,
            column: e.key.column,
        });
    }
}

/// `RUNNER_GENERATE_ARTIFACTS_METADATA: "true"` makes GitLab runners write SLSA provenance.
fn gitlab_metadata(vars: Option<&Node>, job: Option<&str>, out: &mut Vec<Seen>) {
    let Some(e) = vars.and_then(|v| v.get_entry("RUNNER_GENERATE_ARTIFACTS_METADATA")) else {
        return;
    };
    if e.value
        .as_str()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        out.push(Seen {
            practice: Practice::Attest,
            what: "GitLab artifact provenance (RUNNER_GENERATE_ARTIFACTS_METADATA)".to_string(),
            job: job.map(str::to_string),
            line: e.key.line,
            column: e.key.column,
        });
    }
}

fn script_practices(doc: &CiDoc, node: &Node, job: Option<&str>, out: &mut Vec<Seen>) {
    let Some(text) = node.as_str() else {
        return;
    };
    // The first place of each practice per script is enough (and keeps this linear).
    let mut seen: Vec<(Practice, &str)> = Vec::new();
    for cmd in shell::commands(text) {
        if let Some((practice, what)) = shell::practice(&cmd) {
            if seen.contains(&(practice, what)) {
                continue;
            }
            seen.push((practice, what));
            let (line, column) = yaml::locate(&doc.src, node, cmd.offset, cmd.program.len());
            out.push(Seen {
                practice,
                what: what.to_string(),
                job: job.map(str::to_string),
                line,
                column,
            });
        }
    }
    for test in crate::test_commands(text) {
        let (line, column) = match text.find(test.as_str()) {
            Some(off) => yaml::locate(&doc.src, node, off, test.len()),
            None => (node.line, node.column),
        };
        out.push(Seen {
            practice: Practice::Test,
            what: test,
            job: job.map(str::to_string),
            line,
            column,
        });
    }
}

/// Facts about the whole tree for the repository-level audits.
#[derive(Debug, Clone, Default)]
pub struct RepoFacts {
    /// The posture (also returned in the report).
    pub posture: Posture,
    /// Where repository-level findings are placed: `.github` or `.`.
    pub location: String,
    /// Whether the tree has anything dependency tooling would update (manifests, workflows).
    pub has_dependencies: bool,
    /// Whether `.goreleaser.yml` signs what GoReleaser publishes.
    pub goreleaser_signs: bool,
    /// Whether any CI configuration was found.
    pub has_ci: bool,
}

const DEPENDABOT: &[&str] = &[".github/dependabot.yml", ".github/dependabot.yaml"];

const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
];

/// File names of dependency manifests (what update tools act on).
const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "go.mod",
    "requirements.txt",
    "pyproject.toml",
    "setup.py",
    "Pipfile",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
    "packages.config",
    "Dockerfile",
    "mix.exs",
    "pubspec.yaml",
    "Package.swift",
    "build.sbt",
    "vcpkg.json",
    "conanfile.txt",
    "Chart.yaml",
];

fn step(file: &str, line: u32, what: String) -> Step {
    Step {
        file: file.to_string(),
        line,
        what,
    }
}

/// Gather the posture and the facts the repository-level audits need.
pub fn repo_facts(root: &Path, files: &[String], docs: &[CiDoc]) -> RepoFacts {
    let mut f = RepoFacts {
        location: if files.iter().any(|p| p.starts_with(".github/")) {
            ".github".to_string()
        } else {
            ".".to_string()
        },
        has_ci: !docs.is_empty(),
        ..RepoFacts::default()
    };
    let p = &mut f.posture;
    for path in files {
        if DEPENDABOT.contains(&path.as_str()) {
            p.dependency_updates.push(format!("dependabot ({path})"));
        } else if RENOVATE.contains(&path.as_str()) {
            p.dependency_updates.push(format!("renovate ({path})"));
        } else if path == "package.json" && package_json_has_renovate(root) {
            p.dependency_updates
                .push("renovate (package.json \"renovate\" key)".to_string());
        }
        let name = crate::util::file_name(path);
        if !crate::util::in_dependency_dir(path)
            && (MANIFESTS.contains(&name)
                || name.ends_with(".csproj")
                || (name.starts_with("requirements") && name.ends_with(".txt")))
        {
            f.has_dependencies = true;
        }
        if path == ".clusterfuzzlite/project.yaml" {
            p.fuzzing
                .push(step(path, 1, "ClusterFuzzLite project".to_string()));
        }
        if (path == "fuzz/Cargo.toml" || path.ends_with("/fuzz/Cargo.toml"))
            && !crate::util::in_dependency_dir(path)
        {
            p.fuzzing
                .push(step(path, 1, "cargo-fuzz targets".to_string()));
        }
        if matches!(path.as_str(), ".goreleaser.yml" | ".goreleaser.yaml")
            && let Some((line, key)) = goreleaser_signing(root, path)
        {
            f.goreleaser_signs = true;
            p.signing
                .push(step(path, line, format!("GoReleaser `{key}`")));
        }
    }
    if docs.iter().any(|d| d.kind != DocKind::Action) {
        f.has_dependencies = true;
    }
    for doc in docs {
        for s in practices(doc) {
            let list = match s.practice {
                Practice::Sast => &mut p.sast,
                Practice::Fuzz => &mut p.fuzzing,
                Practice::Test => &mut p.tests,
                Practice::Sign => &mut p.signing,
                Practice::Attest => &mut p.attestation,
                Practice::Publish => continue,
            };
            list.push(step(&doc.path, s.line, s.what));
        }
    }
    for doc in docs {
        p.installs.extend(installs(root, doc));
    }
    for list in [
        &mut p.installs,
        &mut p.sast,
        &mut p.fuzzing,
        &mut p.tests,
        &mut p.signing,
        &mut p.attestation,
    ] {
        list.sort();
        list.dedup();
    }
    p.dependency_updates.sort();
    p.dependency_updates.dedup();
    f
}

/// The scripts of a CI file (`run:` blocks, GitLab `script:` lines).
fn scripts(doc: &CiDoc) -> Vec<&Node> {
    let mut out = Vec::new();
    match doc.kind {
        DocKind::Workflow | DocKind::Action => {
            out.extend(github::all_steps(doc).iter().filter_map(|s| s.run()));
        }
        DocKind::GitLab => {
            out.extend(gitlab::scripts(&doc.root));
            if let Some(d) = doc.root.get("default") {
                out.extend(gitlab::scripts(d));
            }
            for job in gitlab::jobs(&doc.root) {
                out.extend(gitlab::scripts(job.node));
            }
        }
    }
    out
}

/// Dependency installs in a CI file, and whether each enforces the lockfile's hashes. A
/// `pip install -r FILE` counts as verified when FILE (read relative to the repository root)
/// pins hashes with `--hash=`.
pub fn installs(root: &Path, doc: &CiDoc) -> Vec<Step> {
    let mut out = Vec::new();
    for node in scripts(doc) {
        let Some(text) = node.as_str() else {
            continue;
        };
        for cmd in shell::commands(text) {
            let Some((what, check)) = shell::install(&cmd) else {
                continue;
            };
            let verified = match check {
                shell::InstallCheck::Verified => true,
                shell::InstallCheck::Unverified => false,
                shell::InstallCheck::HashesIn(files) => files.iter().any(|f| pins_hashes(root, f)),
            };
            let (line, _) = yaml::locate(&doc.src, node, cmd.offset, cmd.program.len());
            out.push(step(
                &doc.path,
                line,
                format!(
                    "{what} {}",
                    if verified { "verified" } else { "unverified" }
                ),
            ));
        }
    }
    out
}

/// Whether a requirements file inside the tree pins hashes (`--hash=`).
fn pins_hashes(root: &Path, rel: &str) -> bool {
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    if rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('$')
        || rel.split(['/', '\\']).any(|c| c == "..")
    {
        return false;
    }
    crate::util::read_text(root, rel).is_some_and(|t| t.contains("--hash="))
}

fn package_json_has_renovate(root: &Path) -> bool {
    crate::util::read_text(root, "package.json")
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v.get("renovate").is_some())
}

/// The line and key of GoReleaser's signing configuration, if any.
fn goreleaser_signing(root: &Path, path: &str) -> Option<(u32, &'static str)> {
    let text = crate::util::read_text(root, path)?;
    let parsed = yaml::parse(&text).ok()?;
    let doc = parsed.docs.first()?;
    for key in ["signs", "docker_signs", "binary_signs"] {
        if let Some(e) = doc.get_entry(key) {
            return Some((e.key.line, key));
        }
    }
    None
}
