//! Dart and Flutter: `pubspec.lock` (every format pub writes; YAML).
//!
//! Each entry of `packages` is a component located at the line of its key:
//! - `dependency: direct main` and `direct overridden` are [`Relationship::Direct`],
//!   `direct dev` is direct, [`Scope::Dev`] and in the `dev` group, `transitive` is
//!   [`Relationship::Transitive`];
//! - `source: hosted` gives the registry URL as source and `description.sha256` (pub 3.0+)
//!   as a SHA-256 hash; `source: git` gives the URL and `description.resolved-ref` as the
//!   commit; `source: path` the path; `source: sdk` (`flutter`, …) the SDK name.
//!
//! Path and SDK packages are reported, as osv-scalibr does. `pubspec.lock` records no edges.

use std::fmt;

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Relationship, Scope};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `pubspec.lock` (`dart/pubspec`).
pub struct PubspecLock;

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    packages: Option<Packages>,
}

/// The `packages` mapping in file order, with the location of each key.
struct Packages(Vec<(Spanned<String>, Package)>);

impl<'de> Deserialize<'de> for Packages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Packages;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of package names to packages")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Packages, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Packages(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
struct Package {
    #[serde(default)]
    dependency: Option<String>,
    #[serde(default)]
    description: Option<Description>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Description {
    Details(Details),
    /// `sdk` packages name their SDK (`flutter`); very old path packages give the path.
    Text(String),
}

#[derive(Deserialize, Default)]
struct Details {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default, rename = "resolved-ref")]
    resolved_ref: Option<String>,
}

impl Extractor for PubspecLock {
    fn id(&self) -> &'static str {
        "dart/pubspec"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Pub
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pubspec.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Ok(Vec::new());
        }
        let lock: Lockfile = serde_saphyr::from_str(text).map_err(|e| {
            let loc = e.location();
            let msg = e.without_snippet().to_string();
            let msg = msg.lines().next().unwrap_or("invalid YAML");
            let msg = msg
                .rfind(" at line ")
                .map_or(msg, |i| &msg[..i])
                .to_string();
            input.error(
                loc.map(|l| l.line() as u32),
                loc.map(|l| l.column() as u32),
                msg,
            )
        })?;
        let packages = lock.packages.map(|p| p.0).unwrap_or_default();
        let mut out = Vec::with_capacity(packages.len());
        for (key, p) in packages {
            let line = key.referenced.line() as u32;
            let line = (line > 0).then_some(line);
            let Some(version) = p.version.as_deref() else {
                return Err(input.error(
                    line,
                    None,
                    format!("package {:?} has no version", key.value),
                ));
            };
            let mut c = Component::new(Ecosystem::Pub, &key.value, version, input.location(line));
            match p.dependency.as_deref() {
                Some("direct dev") => {
                    c.relationship = Relationship::Direct;
                    c.scope = Scope::Dev;
                    c.groups.push("dev".to_string());
                }
                Some(d) if d.starts_with("direct") => c.relationship = Relationship::Direct,
                Some("transitive") => c.relationship = Relationship::Transitive,
                _ => {}
            }
            let source = p.source.as_deref().unwrap_or("");
            match p.description {
                Some(Description::Details(d)) => {
                    if let Some(h) = d.sha256.and_then(|h| Hash::from_hex(HashAlg::Sha256, &h)) {
                        c.hashes.push(h);
                    }
                    if source == "git" {
                        c.commit = d.resolved_ref.filter(|r| !r.is_empty());
                    }
                    c.source = if source == "path" {
                        d.path.or(d.url)
                    } else {
                        d.url.or(d.path)
                    };
                }
                Some(Description::Text(t)) => c.source = Some(t),
                None => {}
            }
            out.push(c);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        PubspecLock.extract(&Input::in_memory("pubspec.lock", text.as_bytes()))
    }

    const LOCK: &str = r#"# Generated by pub
packages:
  async:
    dependency: transitive
    description:
      name: async
      sha256: "947bfcf187f74dbc5e146c9eb9c0f10c9f8b30743e341481c1e2ed3ecc18c20c"
      url: "https://pub.dev"
    source: hosted
    version: "2.11.0"
  build_runner:
    dependency: "direct dev"
    description:
      name: build_runner
      sha256: cb6d7f03e1de671e34607e909a7213e31d7752be4fb66a86d29fe1eb14bfb5cf
      url: "https://pub.dev"
    source: hosted
    version: 2.2.1
  flutter:
    dependency: "direct main"
    description: flutter
    source: sdk
    version: "0.0.0"
  window_manager:
    dependency: "direct overridden"
    description:
      path: "."
      ref: master
      resolved-ref: "88487257cbafc501599ab4f82ec343b46acec020"
      url: "https://github.com/Kingtous/rustdesk_window_manager"
    source: git
    version: "0.2.7"
  local:
    dependency: "direct main"
    description:
      path: "../local"
      relative: true
    source: path
    version: "1.0.0"
sdks:
  dart: ">=3.2.0-0 <4.0.0"
"#;

    #[test]
    fn packages_scopes_hashes_commits_lines() {
        let c = extract(LOCK).unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.scope,
                    c.relationship,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "async",
                    "2.11.0",
                    Scope::Runtime,
                    Relationship::Transitive,
                    Some(3)
                ),
                (
                    "build_runner",
                    "2.2.1",
                    Scope::Dev,
                    Relationship::Direct,
                    Some(11)
                ),
                (
                    "flutter",
                    "0.0.0",
                    Scope::Runtime,
                    Relationship::Direct,
                    Some(19)
                ),
                (
                    "window_manager",
                    "0.2.7",
                    Scope::Runtime,
                    Relationship::Direct,
                    Some(24)
                ),
                (
                    "local",
                    "1.0.0",
                    Scope::Runtime,
                    Relationship::Direct,
                    Some(33)
                ),
            ]
        );
        assert_eq!(c[0].purl, "pkg:pub/async@2.11.0");
        assert_eq!(
            c[0].hashes[0].value,
            "947bfcf187f74dbc5e146c9eb9c0f10c9f8b30743e341481c1e2ed3ecc18c20c"
        );
        assert_eq!(c[1].hashes[0].alg, HashAlg::Sha256);
        assert_eq!(c[1].groups, ["dev"]);
        assert_eq!(c[0].source.as_deref(), Some("https://pub.dev"));
        assert_eq!(c[2].source.as_deref(), Some("flutter"));
        assert_eq!(
            c[3].commit.as_deref(),
            Some("88487257cbafc501599ab4f82ec343b46acec020")
        );
        assert_eq!(c[4].source.as_deref(), Some("../local"));
        assert!(c[4].commit.is_none());
    }

    #[test]
    fn empty_and_errors() {
        assert!(extract("").unwrap().is_empty());
        assert!(extract("packages: {}\n").unwrap().is_empty());
        assert!(extract("packages:\n").unwrap().is_empty());
        let err = extract("packages:\n  a:\n    version: [1\n").unwrap_err();
        assert!(err.line.is_some(), "{err}");
        assert!(!err.message.contains('\n'));
        assert_eq!(err.message, "expected string scalar");
        let err = extract("packages:\n  a:\n    dependency: transitive\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("no version"), "{err}");
        let err = extract("packages: 3\n").unwrap_err();
        assert_eq!(err.line, Some(1), "{err}");
    }

    #[test]
    fn cdxgen_lockfile() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data/pubspec.lock"
        );
        let bytes = std::fs::read(path).unwrap();
        let c = PubspecLock
            .extract(&Input::in_memory("pubspec.lock", &bytes))
            .unwrap();
        assert_eq!(c.len(), 28);
        let flare = c.iter().find(|c| c.name == "flare_flutter").unwrap();
        assert_eq!(flare.version, "3.0.2");
        assert_eq!(flare.relationship, Relationship::Direct);
        assert_eq!(
            flare.hashes[0].value,
            "99d63c60f00fac81249ce6410ee015d7b125c63d8278a30da81edf3317a1f6a0"
        );
        assert!(
            c.iter()
                .filter(|c| c.source.as_deref() == Some("https://pub.dev"))
                .all(|c| c.has_integrity())
        );
        assert!(c.iter().all(|c| c.location.line.is_some()));
    }
}
