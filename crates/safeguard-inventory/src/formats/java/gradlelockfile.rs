//! `java/gradlelockfile`: Gradle dependency lockfiles.
//!
//! - Gradle 6+ writes one file per project, `gradle.lockfile` (and
//!   `buildscript-gradle.lockfile` / `settings-gradle.lockfile` for the build's own
//!   classpath), with lines `group:artifact:version=configuration1,configuration2` and a
//!   closing `empty=configurations-without-dependencies` line.
//! - Gradle 4.8–5 wrote one file per configuration, `gradle/dependency-locks/<configuration>.lockfile`,
//!   with lines `group:artifact:version`.
//!
//! Comments (`#`) and blank lines are skipped; so are lines that are not a
//! `group:artifact:version` coordinate, as Gradle itself would reject them on the next
//! build rather than guess. The configurations are the component's `groups`; a component
//! only in test, annotation-processor, `developmentOnly` or build-script configurations is
//! [`Scope::Dev`]. The lockfile does not say which dependencies are direct.

use safeguard_model::{Component, Ecosystem, Scope};

use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `java/gradlelockfile`.
pub struct GradleLockfile;

impl Extractor for GradleLockfile {
    fn id(&self) -> &'static str {
        "java/gradlelockfile"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        matches!(
            name,
            "gradle.lockfile" | "buildscript-gradle.lockfile" | "settings-gradle.lockfile"
        ) || (name.ends_with(".lockfile") && is_legacy_lock_dir(path))
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let name = file_name(input.path);
        // Legacy per-configuration files: the configuration is the file name.
        let file_configuration = is_legacy_lock_dir(input.path)
            .then(|| name.strip_suffix(".lockfile").unwrap_or(name))
            .filter(|c| !c.is_empty());
        let build_script = name.starts_with("buildscript-") || name.starts_with("settings-");
        let mut out = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (coordinate, configurations) = match line.split_once('=') {
                Some((c, confs)) => (c.trim(), Some(confs)),
                None => (line, None),
            };
            if coordinate == "empty" {
                continue;
            }
            let mut parts = coordinate.split(':');
            let (Some(group), Some(artifact), Some(version), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                tracing::debug!("{}:{}: not a gradle lockfile entry", input.path, i + 1);
                continue;
            };
            let valid = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
            if !(valid(group) && valid(artifact) && valid(version)) {
                tracing::debug!("{}:{}: not a gradle lockfile entry", input.path, i + 1);
                continue;
            }
            let mut groups: Vec<String> = match configurations {
                Some(confs) => confs
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                None => file_configuration.map(str::to_string).into_iter().collect(),
            };
            groups.dedup();
            let line_no = u32::try_from(i + 1).ok();
            let name = format!("{group}:{artifact}");
            let mut c = Component::new(Ecosystem::Maven, &name, version, input.location(line_no));
            let dev = build_script || (!groups.is_empty() && groups.iter().all(|g| is_dev(g)));
            if dev {
                c.scope = Scope::Dev;
            }
            c.groups = groups;
            out.push(c);
        }
        Ok(out)
    }
}

/// Whether the file is directly inside a `gradle/dependency-locks` folder.
fn is_legacy_lock_dir(path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    dir == "gradle/dependency-locks" || dir.ends_with("/gradle/dependency-locks")
}

/// Configurations that do not reach the product at run time.
fn is_dev(configuration: &str) -> bool {
    let c = configuration.to_ascii_lowercase();
    c.contains("test")
        || c.contains("annotationprocessor")
        || c.starts_with("kapt")
        || c.starts_with("ksp")
        || c == "developmentonly"
        || c == "classpath"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_gradle_lockfiles() {
        let ex = GradleLockfile;
        assert!(ex.matches("gradle.lockfile"));
        assert!(ex.matches("app/gradle.lockfile"));
        assert!(ex.matches("app/buildscript-gradle.lockfile"));
        assert!(ex.matches("gradle/dependency-locks/compileClasspath.lockfile"));
        assert!(ex.matches("lib/gradle/dependency-locks/runtimeClasspath.lockfile"));
        assert!(!ex.matches("some/other.lockfile"));
        assert!(!ex.matches("gradle/other/x.lockfile"));
        assert!(!ex.matches("flake.lockfile"));
    }

    #[test]
    fn scopes_groups_lines() {
        let src = "# comment\n\
a:runtime:1.0=compileClasspath,runtimeClasspath\n\
a:test:2.0=testCompileClasspath,testRuntimeClasspath\n\
a:apt:3.0=annotationProcessor\n\
bad line\n\
a:b:c:d=x\n\
empty=debugAnnotationProcessor\n";
        let cs = GradleLockfile
            .extract(&Input::in_memory("gradle.lockfile", src.as_bytes()))
            .unwrap();
        let got: Vec<_> = cs
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.scope,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a:runtime", "1.0", Scope::Runtime, Some(2)),
                ("a:test", "2.0", Scope::Dev, Some(3)),
                ("a:apt", "3.0", Scope::Dev, Some(4)),
            ]
        );
        assert_eq!(cs[0].groups, ["compileClasspath", "runtimeClasspath"]);
        assert_eq!(cs[0].purl, "pkg:maven/a/runtime@1.0");
    }

    #[test]
    fn legacy_and_buildscript_files() {
        let src = "# header\norg.x:y:1.2.3\n";
        let cs = GradleLockfile
            .extract(&Input::in_memory(
                "gradle/dependency-locks/testRuntimeClasspath.lockfile",
                src.as_bytes(),
            ))
            .unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].scope, cs[0].groups.clone()),
            (Scope::Dev, vec!["testRuntimeClasspath".into()])
        );
        let cs = GradleLockfile
            .extract(&Input::in_memory(
                "buildscript-gradle.lockfile",
                b"org.x:plugin:1=classpath\n",
            ))
            .unwrap();
        assert_eq!(cs[0].scope, Scope::Dev);
    }

    #[test]
    fn not_utf8_is_an_error_with_place() {
        let e = GradleLockfile
            .extract(&Input::in_memory("gradle.lockfile", b"a:b:1=x\n\xff"))
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
    }

    #[test]
    fn large_lockfile() {
        let mut src = String::from("# This is a Gradle generated file\n");
        for i in 0..5000 {
            src.push_str(&format!(
                "org.example.g{}:artifact-{i}:1.{i}.0=compileClasspath,runtimeClasspath,testRuntimeClasspath\n",
                i % 37
            ));
        }
        src.push_str("empty=\n");
        let cs = GradleLockfile
            .extract(&Input::in_memory("gradle.lockfile", src.as_bytes()))
            .unwrap();
        assert_eq!(cs.len(), 5000);
        assert_eq!(cs[4999].name, "org.example.g4:artifact-4999");
        assert_eq!(cs[4999].location.line, Some(5001));
    }
}
