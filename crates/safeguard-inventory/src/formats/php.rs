//! Composer: `composer.lock` (every lockfile version Composer 1 and 2 write).
//!
//! - `packages` are runtime components, `packages-dev` are [`Scope::Dev`] in the `dev`
//!   group; each is located at the line of its `"name"` key.
//! - `dist.shasum` (SHA-1 of the dist archive; often empty) becomes a hash.
//! - `source.reference` (or `dist.reference`) becomes the commit when it is a full git
//!   commit id; `source.url` (or `dist.url`) is the source.
//! - `require` entries naming other locked packages become edges; platform requirements
//!   (`php`, `ext-*`, `lib-*`, `composer-*`) are not packages and are skipped.
//! - When a `composer.json` sits beside the lockfile, the packages its `require` and
//!   `require-dev` name are [`Relationship::Direct`] and the rest
//!   [`Relationship::Transitive`]; without it the relationship is unknown.

use std::collections::{HashMap, HashSet};

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Relationship, Scope};
use serde::Deserialize;
use serde_json::Value;

use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `composer.lock` (`php/composerlock`).
pub struct ComposerLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: Option<Vec<Package>>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Option<Vec<Package>>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<Reference>,
    #[serde(default)]
    dist: Option<Reference>,
    /// An object of name to constraint; PHP writes an empty one as `[]`.
    #[serde(default)]
    require: Value,
}

#[derive(Deserialize, Default)]
struct Reference {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    shasum: Option<String>,
}

impl Extractor for ComposerLock {
    fn id(&self) -> &'static str {
        "php/composerlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Packagist
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "composer.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Lock = input.parse_json(text)?;
        let direct = direct_names(input);
        Ok(build(input, text, lock, direct.as_ref()))
    }
}

/// The lower-cased names `composer.json` requires, when it exists and can be read.
fn direct_names(input: &Input<'_>) -> Option<HashSet<String>> {
    let (path, bytes) = match input.read_relative("composer.json") {
        Ok(Some(found)) => found,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!("{e}");
            return None;
        }
    };
    let json: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(file = path, "cannot read composer.json: {e}");
            return None;
        }
    };
    let mut out = HashSet::new();
    for key in ["require", "require-dev"] {
        if let Some(obj) = json.get(key).and_then(Value::as_object) {
            out.extend(obj.keys().map(|k| k.to_ascii_lowercase()));
        }
    }
    Some(out)
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Platform requirements, which are not installable packages.
fn is_platform(name: &str) -> bool {
    name == "php"
        || name.starts_with("php-")
        || name.starts_with("ext-")
        || name.starts_with("lib-")
        || name == "composer"
        || name.starts_with("composer-")
        || name == "hhvm"
}

/// Finds, from `from`, the next `"key": "value"` in `text` and returns the offset of the
/// key. One forward scan per call; callers advance `from` so the whole file is scanned once.
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

fn build(
    input: &Input<'_>,
    text: &str,
    lock: Lock,
    direct: Option<&HashSet<String>>,
) -> Vec<Component> {
    let lines = LineIndex::new(text);
    let runtime = lock.packages.unwrap_or_default();
    let dev = lock.packages_dev.unwrap_or_default();
    let mut out: Vec<Component> = Vec::with_capacity(runtime.len() + dev.len());
    let mut requires: Vec<Vec<String>> = Vec::with_capacity(runtime.len() + dev.len());
    let mut pos = 0;
    let mut scanning = true;
    for (p, is_dev) in runtime
        .into_iter()
        .map(|p| (p, false))
        .chain(dev.into_iter().map(|p| (p, true)))
    {
        let line = if scanning {
            match find_key_value(text, pos, "name", &p.name) {
                Some(at) => {
                    pos = at + 1;
                    Some(lines.line(at))
                }
                None => {
                    // Escaped names: give up on lines rather than rescan the file.
                    scanning = false;
                    None
                }
            }
        } else {
            None
        };
        let mut c = Component::new(
            Ecosystem::Packagist,
            &p.name,
            &p.version,
            input.location(line),
        );
        if is_dev {
            c.scope = Scope::Dev;
            c.groups.push("dev".to_string());
        }
        let source = p.source.unwrap_or_default();
        let dist = p.dist.unwrap_or_default();
        if let Some(h) = dist
            .shasum
            .as_deref()
            .and_then(|s| Hash::from_hex(HashAlg::Sha1, s))
        {
            c.hashes.push(h);
        }
        c.commit = [&source.reference, &dist.reference]
            .into_iter()
            .flatten()
            .find(|r| is_commit(r))
            .cloned();
        c.source = source.url.or(dist.url).filter(|u| !u.is_empty());
        c.relationship = match direct {
            Some(d) if d.contains(&p.name.to_ascii_lowercase()) => Relationship::Direct,
            Some(_) => Relationship::Transitive,
            None => Relationship::Unknown,
        };
        requires.push(
            p.require
                .as_object()
                .map(|o| {
                    o.keys()
                        .filter(|k| !is_platform(k))
                        .map(|k| k.to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default(),
        );
        out.push(c);
    }
    let mut by_name: HashMap<String, usize> = HashMap::with_capacity(out.len());
    for (i, c) in out.iter().enumerate() {
        by_name.entry(c.name.to_ascii_lowercase()).or_insert(i);
    }
    for (i, req) in requires.iter().enumerate() {
        let deps: Vec<String> = req
            .iter()
            .filter_map(|r| by_name.get(r).map(|&j| out[j].purl.clone()))
            .collect();
        out[i].dependencies = deps;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "content-hash": "x",
    "packages": [
        {
            "name": "guzzlehttp/guzzle",
            "version": "7.8.1",
            "source": {
                "type": "git",
                "url": "https://github.com/guzzle/guzzle.git",
                "reference": "41042bc7ab002487b876a0683fc8dce04ddce104"
            },
            "dist": {
                "type": "zip",
                "url": "https://api.github.com/repos/guzzle/guzzle/zipball/41042bc7ab002487b876a0683fc8dce04ddce104",
                "reference": "41042bc7ab002487b876a0683fc8dce04ddce104",
                "shasum": "0123456789ABCDEF0123456789abcdef01234567"
            },
            "require": {
                "php": "^7.2.5 || ^8.0",
                "ext-json": "*",
                "Psr/Log": "^1.0"
            },
            "authors": [{"name": "Michael Dowling"}]
        },
        {
            "name": "psr/log",
            "version": "1.1.4",
            "dist": {"type": "zip", "url": "https://x/psr-log.zip", "reference": "v1.1.4", "shasum": ""},
            "require": []
        }
    ],
    "packages-dev": [
        {
            "name": "phpunit/phpunit",
            "version": "10.0.0",
            "require": {"psr/log": "*"}
        }
    ]
}"#;

    #[test]
    fn packages_scopes_hashes_commits_edges_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("composer.lock"), LOCK).unwrap();
        std::fs::write(
            dir.path().join("composer.json"),
            r#"{"require": {"guzzlehttp/guzzle": "^7"}, "require-dev": {"phpunit/phpunit": "^10"}}"#,
        )
        .unwrap();
        let input = Input {
            path: "composer.lock",
            bytes: LOCK.as_bytes(),
            root: Some(dir.path()),
        };
        let c = ComposerLock.extract(&input).unwrap();
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
                    "guzzlehttp/guzzle",
                    "7.8.1",
                    Scope::Runtime,
                    Relationship::Direct,
                    Some(5)
                ),
                (
                    "psr/log",
                    "1.1.4",
                    Scope::Runtime,
                    Relationship::Transitive,
                    Some(26)
                ),
                (
                    "phpunit/phpunit",
                    "10.0.0",
                    Scope::Dev,
                    Relationship::Direct,
                    Some(34)
                ),
            ]
        );
        assert_eq!(c[0].purl, "pkg:composer/guzzlehttp/guzzle@7.8.1");
        assert_eq!(
            c[0].hashes,
            [Hash {
                alg: HashAlg::Sha1,
                value: "0123456789abcdef0123456789abcdef01234567".into()
            }]
        );
        assert!(c[1].hashes.is_empty());
        assert_eq!(
            c[0].commit.as_deref(),
            Some("41042bc7ab002487b876a0683fc8dce04ddce104")
        );
        assert_eq!(c[1].commit, None);
        assert_eq!(
            c[0].source.as_deref(),
            Some("https://github.com/guzzle/guzzle.git")
        );
        assert_eq!(c[0].dependencies, ["pkg:composer/psr/log@1.1.4"]);
        assert_eq!(c[2].dependencies, ["pkg:composer/psr/log@1.1.4"]);
        assert_eq!(c[2].groups, ["dev"]);

        // Without composer.json nothing is known about directness.
        let c = ComposerLock
            .extract(&Input::in_memory("composer.lock", LOCK.as_bytes()))
            .unwrap();
        assert!(c.iter().all(|c| c.relationship == Relationship::Unknown));
    }

    #[test]
    fn errors_name_the_place() {
        let err = ComposerLock
            .extract(&Input::in_memory(
                "composer.lock",
                b"{\n  \"packages\": [\n    {\"name\": 3}\n  ]\n}",
            ))
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.column.is_some());
        assert!(err.message.contains("invalid type"), "{}", err.message);
        let err = ComposerLock
            .extract(&Input::in_memory("composer.lock", b"null"))
            .unwrap_err();
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn cdxgen_lockfiles() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data"
        );
        for (f, runtime, dev) in [
            ("composer-2.lock", 28, 45),
            ("composer-3.lock", 62, 0),
            ("composer-4.lock", 50, 0),
        ] {
            let bytes = std::fs::read(format!("{dir}/{f}")).unwrap();
            let c = ComposerLock
                .extract(&Input::in_memory("composer.lock", &bytes))
                .unwrap();
            assert_eq!(
                c.iter().filter(|c| c.scope == Scope::Runtime).count(),
                runtime
            );
            assert_eq!(c.iter().filter(|c| c.scope == Scope::Dev).count(), dev);
            assert!(c.iter().all(|c| c.location.line.is_some()), "{f}");
            assert!(c.iter().any(|c| !c.dependencies.is_empty()), "{f}");
        }
        // composer.lock beside composer.json: the one package is direct.
        let bytes = std::fs::read(format!("{dir}/composer.lock")).unwrap();
        let input = Input {
            path: "composer.lock",
            bytes: &bytes,
            root: Some(std::path::Path::new(dir)),
        };
        let c = ComposerLock.extract(&input).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "quickbooks/v3-php-sdk");
        assert_eq!(c[0].relationship, Relationship::Direct);
    }
}
