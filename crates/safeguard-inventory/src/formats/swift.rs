//! Swift Package Manager: `Package.resolved`, format version 1 (`object.pins` with
//! `package` / `repositoryURL`) and versions 2 and 3 (`pins` with `identity` / `location`).
//!
//! Each pin is a component named by its repository URL without scheme, user and `.git`
//! (`https://github.com/apple/swift-nio.git` → `github.com/apple/swift-nio`), the form
//! osv-scalibr and OSV's `SwiftURL` ecosystem use. Its version is `state.version` (empty for
//! a pin on a branch or revision), `state.revision` is the commit and the URL the source. The
//! file records neither edges nor which pins the manifest asks for.

use safeguard_model::{Component, Ecosystem};
use serde::Deserialize;

use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `Package.resolved` (`swift/packageresolved`).
pub struct PackageResolved;

#[derive(Deserialize)]
struct Resolved {
    #[serde(default)]
    pins: Option<Vec<Pin>>,
    #[serde(default)]
    object: Option<V1Object>,
}

#[derive(Deserialize)]
struct V1Object {
    #[serde(default)]
    pins: Vec<Pin>,
}

#[derive(Deserialize)]
struct Pin {
    /// v2+.
    #[serde(default)]
    identity: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    /// v1.
    #[serde(default)]
    package: Option<String>,
    #[serde(default, rename = "repositoryURL")]
    repository_url: Option<String>,
    #[serde(default)]
    state: State,
}

#[derive(Deserialize, Default)]
struct State {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    revision: Option<String>,
}

impl Extractor for PackageResolved {
    fn id(&self) -> &'static str {
        "swift/packageresolved"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Swift
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Package.resolved"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let resolved: Resolved = input.parse_json(text)?;
        let (pins, v1) = match (resolved.pins, resolved.object) {
            (Some(p), _) => (p, false),
            (None, Some(o)) => (o.pins, true),
            (None, None) => {
                return Err(input.error(
                    Some(1),
                    Some(1),
                    "neither \"pins\" (format 2 and later) nor \"object.pins\" (format 1) is present",
                ));
            }
        };
        let lines = LineIndex::new(text);
        let mut pos = 0;
        let mut scanning = true;
        let mut out = Vec::with_capacity(pins.len());
        for pin in pins {
            let (key, id) = if v1 {
                ("package", pin.package.as_deref())
            } else {
                ("identity", pin.identity.as_deref())
            };
            let url = if v1 {
                pin.repository_url.as_deref()
            } else {
                pin.location.as_deref()
            };
            let line = match id {
                Some(id) if scanning => match find_key_value(text, pos, key, id) {
                    Some(at) => {
                        pos = at + 1;
                        Some(lines.line(at))
                    }
                    None => {
                        scanning = false;
                        None
                    }
                },
                _ => None,
            };
            let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
                return Err(input.error(
                    line,
                    None,
                    format!(
                        "pin {:?} has no {}",
                        id.unwrap_or("?"),
                        if v1 { "repositoryURL" } else { "location" }
                    ),
                ));
            };
            let local = matches!(
                pin.kind.as_deref(),
                Some("localSourceControl" | "fileSystem")
            );
            let name = if local {
                url.trim_end_matches('/').to_string()
            } else {
                package_name(url)
            };
            let version = pin.state.version.as_deref().unwrap_or("");
            let mut c = Component::new(Ecosystem::Swift, &name, version, input.location(line));
            c.source = Some(url.to_string());
            c.commit = pin.state.revision.filter(|r| !r.is_empty());
            out.push(c);
        }
        Ok(out)
    }
}

/// A repository URL without scheme, user, `.git` suffix and trailing `/`; scp-like
/// `git@host:owner/repo` becomes `host/owner/repo`.
fn package_name(url: &str) -> String {
    let url = url.trim();
    let (rest, had_scheme) = match url.split_once("://") {
        Some((_, r)) => (r, true),
        None => (url, false),
    };
    let rest = match rest.split_once('@') {
        Some((user, r)) if !user.contains('/') => r,
        _ => rest,
    };
    let rest = if had_scheme {
        rest.to_string()
    } else {
        match rest.split_once(':') {
            Some((host, path)) if !host.contains('/') => format!("{host}/{path}"),
            _ => rest.to_string(),
        }
    };
    let rest = rest.trim_end_matches('/');
    rest.strip_suffix(".git").unwrap_or(rest).to_string()
}

/// Finds, from `from`, the next `"key": "value"` in `text` and returns the offset of the
/// key. Callers advance `from`, so a whole file is scanned once.
fn find_key_value(text: &str, from: usize, key: &str, value: &str) -> Option<usize> {
    let quoted_key = format!("\"{key}\"");
    let mut pos = from;
    loop {
        let at = pos + text.get(pos..)?.find(&quoted_key)?;
        let rest = text[at + quoted_key.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix(':')
            && let Some(rest) = rest.trim_start().strip_prefix('"')
            && rest.starts_with(value)
            && rest[value.len()..].starts_with('"')
        {
            return Some(at);
        }
        pos = at + quoted_key.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        PackageResolved.extract(&Input::in_memory("Package.resolved", text.as_bytes()))
    }

    #[test]
    fn version_1() {
        let c = extract(
            r#"{
  "object": {
    "pins": [
      {
        "package": "Alamofire",
        "repositoryURL": "https://github.com/Alamofire/Alamofire.git",
        "state": {
          "branch": null,
          "revision": "f96b619bcb2383b43d898402283924b80e2c4bae",
          "version": "5.4.3"
        }
      },
      {
        "package": "Kit",
        "repositoryURL": "git@github.com:me/Kit.git",
        "state": {
          "branch": "main",
          "revision": "0c0990399270277832fbb5b91a1fa118e6f63dba",
          "version": null
        }
      }
    ]
  },
  "version": 1
}"#,
        )
        .unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str(), c.location.line))
            .collect();
        assert_eq!(
            got,
            [
                ("github.com/Alamofire/Alamofire", "5.4.3", Some(5)),
                ("github.com/me/Kit", "", Some(14)),
            ]
        );
        assert_eq!(c[0].purl, "pkg:swift/github.com/Alamofire/Alamofire@5.4.3");
        assert_eq!(
            c[0].commit.as_deref(),
            Some("f96b619bcb2383b43d898402283924b80e2c4bae")
        );
        assert_eq!(c[1].source.as_deref(), Some("git@github.com:me/Kit.git"));
    }

    #[test]
    fn version_2_with_local_pin() {
        let c = extract(
            r#"{
  "pins" : [
    {
      "identity" : "swift-nio",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/apple/swift-nio.git",
      "state" : { "revision" : "1f61ca6a9cc3f0b7f7f73e5e7f9a2b8a8e1f3f7a", "version" : "2.65.0" }
    },
    {
      "identity" : "local",
      "kind" : "localSourceControl",
      "location" : "/src/local",
      "state" : { "revision" : "0c0990399270277832fbb5b91a1fa118e6f63dba" }
    }
  ],
  "version" : 3
}"#,
        )
        .unwrap();
        assert_eq!(c[0].name, "github.com/apple/swift-nio");
        assert_eq!(c[0].location.line, Some(4));
        assert_eq!(c[1].name, "/src/local");
        assert_eq!(c[1].version, "");
        assert_eq!(c[1].location.line, Some(10));
    }

    #[test]
    fn names_from_urls() {
        for (url, name) in [
            ("https://github.com/a/b.git", "github.com/a/b"),
            ("https://github.com/a/b/", "github.com/a/b"),
            ("ssh://git@gitlab.com/a/b.git", "gitlab.com/a/b"),
            ("git@github.com:a/b.git", "github.com/a/b"),
        ] {
            assert_eq!(package_name(url), name);
        }
    }

    #[test]
    fn errors_name_the_place() {
        let err = extract("{\n  \"pins\": [\n    {\"identity\": \"x\", \"state\": 3}\n  ]\n}")
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.column.is_some());
        let err = extract("{\"version\": 2}").unwrap_err();
        assert!(err.message.contains("pins"), "{}", err.message);
        let err = extract("{\"pins\": [{\"identity\": \"x\"}]}").unwrap_err();
        assert!(err.message.contains("location"), "{}", err.message);
    }
}
