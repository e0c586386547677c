//! `Pipfile.lock` (pipfile-spec 6).
//!
//! `default` is runtime; `develop` and any other category section (pipenv's custom
//! categories) are development groups. A package locked with the same version in `default`
//! and another section is reported once, as runtime. `version` is `==X`; `hashes` are
//! `sha256:...`. Git entries have no version: they are reported with an empty version, the
//! git URL as source and `ref` as commit; local path entries (the project itself, usually)
//! are skipped. Direct dependencies are known when a `Pipfile` sits beside the lockfile.

use std::collections::{BTreeMap, HashMap};

use safeguard_model::{Component, Ecosystem, Hash, Scope};
use serde::Deserialize;
use serde_json::Value;

use super::pyproject::read_pipfile;
use super::{member_lines, normalize, parse_json, push_hash};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `Pipfile.lock`.
pub struct PipfileLock;

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    hashes: Vec<String>,
    #[serde(default)]
    git: Option<String>,
    #[serde(rename = "ref", default)]
    git_ref: Option<String>,
    #[serde(default)]
    index: Option<String>,
}

impl Extractor for PipfileLock {
    fn id(&self) -> &'static str {
        "python/pipfilelock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Pipfile.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let doc: BTreeMap<String, Value> = parse_json(input, text)?;
        let sources: HashMap<String, String> = doc
            .get("_meta")
            .and_then(|m| m.get("sources"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some((
                    s.get("name")?.as_str()?.to_string(),
                    s.get("url")?.as_str()?.to_string(),
                ))
            })
            .collect();

        // `default` first, then `develop`, then custom categories.
        let mut sections: Vec<(&str, &serde_json::Map<String, Value>)> = doc
            .iter()
            .filter(|(k, _)| k.as_str() != "_meta")
            .filter_map(|(k, v)| Some((k.as_str(), v.as_object()?)))
            .collect();
        sections.sort_by_key(|(k, _)| match *k {
            "default" => 0,
            "develop" => 1,
            _ => 2,
        });
        let names: Vec<&str> = sections.iter().map(|(k, _)| *k).collect();
        let lines = member_lines(text, &names);
        let declared = read_pipfile(input);

        let mut out: Vec<Component> = Vec::new();
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (section, entries) in sections {
            for (name, raw) in entries {
                let line = lines.get(&(section.to_string(), name.clone())).copied();
                let entry: Entry = Entry::deserialize(raw)
                    .map_err(|e| input.error(line, None, format!("{section}.{name}: {e}")))?;
                let version = entry
                    .version
                    .as_deref()
                    .map(|v| {
                        v.trim()
                            .trim_start_matches("===")
                            .trim_start_matches("==")
                            .trim()
                    })
                    .filter(|v| !v.is_empty() && *v != "*");
                if version.is_none() && entry.git.is_none() {
                    continue; // a local path or file: usually the project itself
                }
                let version = version.unwrap_or("");
                let key = (normalize(name), version.to_string());
                if let Some(&i) = seen.get(&key) {
                    // Same package in another section: add the group, keep the first scope.
                    let c: &mut Component = &mut out[i];
                    if c.scope != Scope::Runtime && !c.groups.iter().any(|g| g == section) {
                        c.groups.push(section.to_string());
                    }
                    continue;
                }
                let mut c = Component::new(Ecosystem::PyPI, name, version, input.location(line));
                if section != "default" {
                    c.scope = Scope::Dev;
                    c.groups.push(section.to_string());
                }
                for h in &entry.hashes {
                    push_hash(&mut c.hashes, Hash::from_prefixed_hex(h));
                }
                if let Some(git) = &entry.git {
                    c.source = Some(git.clone());
                    c.commit = entry.git_ref.clone();
                } else if let Some(index) = &entry.index {
                    c.source = Some(sources.get(index).cloned().unwrap_or_else(|| index.clone()));
                }
                if let Some(d) = &declared {
                    c.relationship = d.relationship(name);
                }
                seen.insert(key, out.len());
                out.push(c);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;
    use safeguard_model::Relationship;

    const LOCK: &str = r#"{
    "_meta": {
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]
    },
    "default": {
        "itsdangerous": {
            "hashes": [
                "sha256:2c2349112351b88699d8d4b6b075022c0808887cb7ad10069318a8b0bc88db44",
                "sha256:123"
            ],
            "index": "pypi",
            "version": "==2.1.2"
        },
        "markupsafe": {
            "editable": true,
            "git": "https://github.com/pallets/markupsafe",
            "ref": "b36054111bc1e8bbadb5d0d60158feb72926f467"
        },
        "me": {"editable": true, "path": "."}
    },
    "develop": {
        "itsdangerous": {"version": "==2.1.2"},
        "pluggy": {"version": "==1.0.0"}
    }
}"#;

    #[test]
    fn sections_hashes_git_lines() {
        let got = PipfileLock
            .extract(&Input::in_memory("Pipfile.lock", LOCK.as_bytes()))
            .unwrap();
        let pairs: Vec<(&str, &str)> = got
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("itsdangerous", "2.1.2"),
                ("markupsafe", ""),
                ("pluggy", "1.0.0")
            ]
        );
        let its = &got[0];
        assert_eq!(its.location.line, Some(6));
        assert_eq!(its.scope, Scope::Runtime);
        assert_eq!(its.hashes.len(), 1, "the malformed hash is dropped");
        assert_eq!(its.hashes[0].alg, HashAlg::Sha256);
        assert_eq!(its.source.as_deref(), Some("https://pypi.org/simple"));
        assert_eq!(
            got[1].commit.as_deref(),
            Some("b36054111bc1e8bbadb5d0d60158feb72926f467")
        );
        assert_eq!(got[2].scope, Scope::Dev);
        assert_eq!(got[2].groups, ["develop"]);
        assert_eq!(got[2].location.line, Some(23));
    }

    #[test]
    fn direct_from_pipfile() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Pipfile"),
            "[packages]\nItsDangerous = \"*\"\n",
        )
        .unwrap();
        let input = Input {
            path: "Pipfile.lock",
            bytes: LOCK.as_bytes(),
            root: Some(dir.path()),
        };
        let got = PipfileLock.extract(&input).unwrap();
        assert_eq!(got[0].relationship, Relationship::Direct);
        assert_eq!(got[2].relationship, Relationship::Transitive);
    }

    #[test]
    fn errors_name_the_place() {
        let err = PipfileLock
            .extract(&Input::in_memory(
                "Pipfile.lock",
                b"{\n \"default\": {\n  \"a\": {\"hashes\": 3}\n }\n}",
            ))
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("default.a"), "{}", err.message);
        let err = PipfileLock
            .extract(&Input::in_memory(
                "Pipfile.lock",
                b"{\n \"default\": {,}\n}",
            ))
            .unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(14)));
    }

    #[test]
    fn big_real_lockfile() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data/Pipfile.lock"
        );
        let bytes = std::fs::read(path).unwrap();
        let got = PipfileLock
            .extract(&Input::in_memory("Pipfile.lock", &bytes))
            .unwrap();
        // 9 runtime and 37 development entries, 7 of them the same package and version.
        assert_eq!(got.len(), 39);
        let click = got.iter().find(|c| c.name == "click").unwrap();
        assert_eq!(
            (click.version.as_str(), click.scope),
            ("7.0", Scope::Runtime)
        );
        assert_eq!(got.iter().filter(|c| c.scope == Scope::Dev).count(), 30);
        assert!(
            got.iter()
                .all(|c| c.location.line.is_some() && c.has_integrity())
        );
    }
}
