//! `pdm.lock`, lock_version 3.x and 4.x.
//!
//! Each `[[package]]` has `groups` (4.x; `default` is runtime), `dependencies` as PEP 508
//! strings, and hashes in per-package `files` (4.x) or in `[metadata.files]` keyed
//! `"name version"` (older). An entry repeated with `extras = [...]` is merged into the
//! package it extends. A group is optional when the adjacent `pyproject.toml` declares it in
//! `[project.optional-dependencies]` and dev when it is a dev group there; without one, the
//! group `dev` is dev and any other non-default group optional.

use std::collections::{BTreeMap, HashMap};

use safeguard_model::{Component, Ecosystem, Hash, Scope};
use serde::Deserialize;
use toml::Spanned;

use super::pyproject::{Declared, read_pyproject};
use super::{NameIndex, normalize, parse_toml, push_hash, requirement_name};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `pdm.lock`.
pub struct PdmLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    files: BTreeMap<String, Vec<FileEntry>>,
}

#[derive(Deserialize)]
struct FileEntry {
    #[serde(default)]
    hash: Option<String>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    files: Vec<FileEntry>,
    #[serde(default)]
    git: Option<String>,
    #[serde(default)]
    revision: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// One component: a package and the entries that repeat it with extras.
struct Merged<'a> {
    first: &'a Package,
    groups: Vec<String>,
    hashes: Vec<Hash>,
    deps: Vec<&'a str>,
}

fn group_scope(group: &str, declared: Option<&Declared>) -> Scope {
    if let Some(d) = declared {
        if d.optional_groups.contains(group) {
            return Scope::Optional;
        }
        if d.dev_groups.contains(group) {
            return Scope::Dev;
        }
    }
    if group == "dev" {
        Scope::Dev
    } else {
        Scope::Optional
    }
}

/// The version a requirement string pins with `==`, if it does.
fn pinned(req: &str) -> Option<&str> {
    let (_, rest) = req.split_once("==")?;
    let rest = rest.trim_start_matches('=');
    let end = rest.find([';', ',', ' ']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

impl Extractor for PdmLock {
    fn id(&self) -> &'static str {
        "python/pdmlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pdm.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Lock = parse_toml(input, text)?;
        let lines = LineIndex::new(text);
        let declared = read_pyproject(input);

        // Old layout: `"name version"` or `"name[extra] version"` -> files.
        let mut old_files: HashMap<(String, &str), &Vec<FileEntry>> = HashMap::new();
        for (key, files) in lock.metadata.iter().flat_map(|m| m.files.iter()) {
            if let Some((name, version)) = key.rsplit_once(' ') {
                let name = requirement_name(name).unwrap_or(name);
                old_files.insert((normalize(name), version.trim()), files);
            }
        }

        let mut merged: Vec<Merged<'_>> = Vec::with_capacity(lock.package.len());
        let mut by_key: HashMap<(String, &str), usize> = HashMap::new();
        for p in &lock.package {
            if p.path
                .as_deref()
                .is_some_and(|path| path.trim_end_matches('/') == ".")
            {
                continue; // the project itself
            }
            let version = p.version.as_deref().unwrap_or("");
            let key = (normalize(p.name.get_ref()), version);
            let idx = *by_key.entry(key).or_insert_with(|| {
                merged.push(Merged {
                    first: p,
                    groups: Vec::new(),
                    hashes: Vec::new(),
                    deps: Vec::new(),
                });
                merged.len() - 1
            });
            let m = &mut merged[idx];
            for g in &p.groups {
                if !m.groups.contains(g) {
                    m.groups.push(g.clone());
                }
            }
            for f in &p.files {
                push_hash(
                    &mut m.hashes,
                    f.hash.as_deref().and_then(Hash::from_prefixed_hex),
                );
            }
            m.deps.extend(p.dependencies.iter().map(String::as_str));
        }

        let mut index = NameIndex::default();
        for (i, m) in merged.iter().enumerate() {
            index.insert(m.first.name.get_ref(), i);
        }
        let version_of = |i: usize| {
            merged
                .get(i)
                .and_then(|m| m.first.version.as_deref())
                .unwrap_or("")
        };

        let mut out = Vec::with_capacity(merged.len());
        for (i, m) in merged.iter().enumerate() {
            let p = m.first;
            let name = p.name.get_ref();
            let line = lines.line(p.name.span().start);
            let mut c = Component::new(
                Ecosystem::PyPI,
                name,
                version_of(i),
                input.location(Some(line)),
            );
            c.hashes = m.hashes.clone();
            for f in old_files
                .get(&(normalize(name), version_of(i)))
                .into_iter()
                .flat_map(|f| f.iter())
            {
                push_hash(
                    &mut c.hashes,
                    f.hash.as_deref().and_then(Hash::from_prefixed_hex),
                );
            }

            if !m.groups.is_empty() && !m.groups.iter().any(|g| g == "default") {
                let scopes: Vec<Scope> = m
                    .groups
                    .iter()
                    .map(|g| group_scope(g, declared.as_ref()))
                    .collect();
                c.scope = if scopes.contains(&Scope::Optional) {
                    Scope::Optional
                } else {
                    Scope::Dev
                };
            }
            c.groups = m
                .groups
                .iter()
                .filter(|g| *g != "default")
                .cloned()
                .collect();

            if let Some(git) = &p.git {
                c.source = Some(git.clone());
                c.commit = p.revision.clone();
            } else {
                c.source = p.url.clone().or_else(|| p.path.clone());
            }

            let self_norm = normalize(name);
            let mut deps: Vec<String> = m
                .deps
                .iter()
                .filter_map(|req| requirement_name(req).map(|n| (n, pinned(req))))
                .filter(|(n, _)| normalize(n) != self_norm)
                .flat_map(|(n, pin)| index.resolve(n, pin, version_of))
                .map(|j| {
                    Ecosystem::PyPI
                        .purl(merged[j].first.name.get_ref(), version_of(j))
                        .to_string()
                })
                .collect();
            deps.sort();
            deps.dedup();
            c.dependencies = deps;

            if let Some(d) = &declared {
                c.relationship = d.relationship(name);
            }
            out.push(c);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::Relationship;

    const LOCK: &str = r#"# This file is @generated by PDM.
[metadata]
groups = ["default", "dev", "tmp"]
lock_version = "4.4.1"

[[package]]
name = "pyroute2"
version = "0.7.11"
groups = ["tmp"]
dependencies = [
    "win-inet-pton; platform_system == \"Windows\"",
]
files = [
    {file = "pyroute2-0.7.11-py3-none-any.whl", hash = "sha256:95852e702149b3d6abc8484d3291c38c45660168e8db76e5566a60ef0e133d5b"},
]

[[package]]
name = "toml"
version = "0.10.2"
git = "https://github.com/uiri/toml.git"
revision = "65bab7582ce14c55cdeec2244c65ea23039c9e6f"
groups = ["default"]

[[package]]
name = "win-inet-pton"
version = "1.1.0"
groups = ["dev"]

[[package]]
name = "pyroute2"
version = "0.7.11"
extras = ["x"]
groups = ["dev"]
dependencies = ["pyroute2==0.7.11", "toml"]
"#;

    #[test]
    fn scopes_groups_edges_merge() {
        let got = PdmLock
            .extract(&Input::in_memory("pdm.lock", LOCK.as_bytes()))
            .unwrap();
        assert_eq!(got.len(), 3, "the extras entry merges into pyroute2");
        let pr = &got[0];
        assert_eq!(pr.location.line, Some(7));
        assert_eq!(pr.scope, Scope::Optional);
        assert_eq!(pr.groups, ["tmp", "dev"]);
        assert_eq!(pr.hashes.len(), 1);
        assert_eq!(
            pr.dependencies,
            ["pkg:pypi/toml@0.10.2", "pkg:pypi/win-inet-pton@1.1.0"]
        );
        let toml = &got[1];
        assert_eq!(toml.scope, Scope::Runtime);
        assert!(toml.groups.is_empty());
        assert_eq!(
            toml.commit.as_deref(),
            Some("65bab7582ce14c55cdeec2244c65ea23039c9e6f")
        );
        assert_eq!(got[2].scope, Scope::Dev);
        assert_eq!(got[2].relationship, Relationship::Unknown);
    }

    #[test]
    fn pyproject_decides_group_kinds_and_directness() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\ndependencies = [\"toml\"]\n[dependency-groups]\ntmp = [\"pyroute2\"]\n",
        )
        .unwrap();
        let input = Input {
            path: "pdm.lock",
            bytes: LOCK.as_bytes(),
            root: Some(dir.path()),
        };
        let got = PdmLock.extract(&input).unwrap();
        assert_eq!(got[0].scope, Scope::Dev);
        assert_eq!(got[0].relationship, Relationship::Direct);
        assert_eq!(got[1].relationship, Relationship::Direct);
        assert_eq!(got[2].relationship, Relationship::Transitive);
    }

    #[test]
    fn errors_name_the_place() {
        let err = PdmLock
            .extract(&Input::in_memory(
                "pdm.lock",
                b"[[package]]\nname = \"a\"\ngroups = \"x\"\n",
            ))
            .unwrap_err();
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn big_real_lockfile() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data/pdm.lock"
        );
        let bytes = std::fs::read(path).unwrap();
        let got = PdmLock
            .extract(&Input::in_memory("pdm.lock", &bytes))
            .unwrap();
        assert_eq!(got.len(), 37, "39 entries, two of them extras of others");
        let cc = got.iter().find(|c| c.name == "cachecontrol").unwrap();
        assert_eq!(cc.version, "0.13.1");
        assert!(
            cc.dependencies
                .contains(&"pkg:pypi/filelock@3.12.2".to_string()),
            "{:?}",
            cc.dependencies
        );
        assert!(got.iter().all(|c| c.has_integrity()));
    }
}
