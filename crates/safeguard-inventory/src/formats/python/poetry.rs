//! `poetry.lock`, lock-version 1.x and 2.x.
//!
//! - 1.x: `category = "main" | "dev"` per package, hashes in `[metadata.files]` keyed by name.
//! - 2.x: `groups = ["main", "dev", ...]` per package, hashes in per-package `files`.
//!
//! `optional = true` makes a package an extra (scope optional, groups = the extras that list
//! it in `[extras]`). Git sources give the `resolved_reference` commit. Edges come from
//! `[package.dependencies]`. Direct dependencies are known when a `pyproject.toml` sits
//! beside the lockfile.

use std::collections::{BTreeMap, HashMap};

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Scope};
use serde::Deserialize;
use toml::Spanned;

use super::pyproject::read_pyproject;
use super::{NameIndex, normalize, parse_toml, push_hash, requirement_name};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `poetry.lock`.
pub struct PoetryLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    extras: BTreeMap<String, toml::Value>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    files: BTreeMap<String, Vec<FileEntry>>,
    /// Poetry before 1.0: bare sha256 hex digests by name.
    #[serde(default)]
    hashes: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct FileEntry {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    hash: Option<String>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    groups: Option<Vec<String>>,
    #[serde(default)]
    files: Vec<FileEntry>,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    dependencies: BTreeMap<String, serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    resolved_reference: Option<String>,
}

impl Extractor for PoetryLock {
    fn id(&self) -> &'static str {
        "python/poetrylock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "poetry.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Lock = parse_toml(input, text)?;
        let lines = LineIndex::new(text);
        let declared = read_pyproject(input);

        // Which extras list each optional package.
        let mut extras_of: HashMap<String, Vec<String>> = HashMap::new();
        for (extra, list) in &lock.extras {
            for item in list.as_array().into_iter().flatten() {
                if let Some(name) = item.as_str().and_then(requirement_name) {
                    extras_of
                        .entry(normalize(name))
                        .or_default()
                        .push(extra.clone());
                }
            }
        }
        let metadata_files: HashMap<String, &Vec<FileEntry>> = lock
            .metadata
            .iter()
            .flat_map(|m| m.files.iter())
            .map(|(name, files)| (normalize(name), files))
            .collect();

        let metadata_hashes: HashMap<String, &Vec<String>> = lock
            .metadata
            .iter()
            .flat_map(|m| m.hashes.iter())
            .map(|(name, hashes)| (normalize(name), hashes))
            .collect();

        let mut index = NameIndex::default();
        for (i, p) in lock.package.iter().enumerate() {
            index.insert(p.name.get_ref(), i);
        }
        let version = |i: usize| {
            lock.package
                .get(i)
                .and_then(|p| p.version.as_deref())
                .unwrap_or("")
        };

        let mut out = Vec::with_capacity(lock.package.len());
        for p in &lock.package {
            let name = p.name.get_ref().as_str();
            let ver = p.version.as_deref().unwrap_or("");
            let line = lines.line(p.name.span().start);
            let mut c = Component::new(Ecosystem::PyPI, name, ver, input.location(Some(line)));
            let norm = normalize(name);

            // Scope and groups.
            let (scope, groups) = match (&p.groups, p.category.as_deref()) {
                (Some(groups), _) if !groups.iter().any(|g| g == "main") => {
                    (Scope::Dev, groups.clone())
                }
                (None, Some("dev")) => (Scope::Dev, vec!["dev".to_string()]),
                (Some(groups), _) => (
                    Scope::Runtime,
                    groups.iter().filter(|g| *g != "main").cloned().collect(),
                ),
                _ => (Scope::Runtime, Vec::new()),
            };
            c.scope = scope;
            c.groups = groups;
            if p.optional && scope == Scope::Runtime {
                c.scope = Scope::Optional;
                match extras_of.get(&norm) {
                    Some(extras) => c.groups.extend(extras.iter().cloned()),
                    None => c.groups.push("optional".to_string()),
                }
            }

            // Hashes: 2.x per package; 1.x in [metadata.files], shared by every version of a
            // name, so keep only the files naming this version when there are several.
            let several = index.resolve(name, None, version).len() > 1;
            let files: Box<dyn Iterator<Item = &FileEntry>> = if p.files.is_empty() {
                Box::new(
                    metadata_files
                        .get(&norm)
                        .into_iter()
                        .flat_map(|f| f.iter())
                        .filter(|f| {
                            !several
                                || f.file.as_deref().is_some_and(|file| {
                                    !ver.is_empty() && file.contains(&format!("-{ver}"))
                                })
                        }),
                )
            } else {
                Box::new(p.files.iter())
            };
            for f in files {
                push_hash(
                    &mut c.hashes,
                    f.hash.as_deref().and_then(Hash::from_prefixed_hex),
                );
            }

            for hex in metadata_hashes
                .get(&norm)
                .into_iter()
                .flat_map(|h| h.iter())
            {
                push_hash(&mut c.hashes, Hash::from_hex(HashAlg::Sha256, hex));
            }

            if let Some(src) = &p.source {
                c.source = src.url.clone();
                if src.kind.as_deref() == Some("git") {
                    c.commit = src.resolved_reference.clone();
                }
            }

            let mut deps: Vec<String> = p
                .dependencies
                .keys()
                .flat_map(|dep| index.resolve(dep, None, version))
                .filter_map(|i| lock.package.get(i))
                .map(|d| {
                    Ecosystem::PyPI
                        .purl(d.name.get_ref(), d.version.as_deref().unwrap_or(""))
                        .to_string()
                })
                .filter(|purl| *purl != c.purl)
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

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        PoetryLock.extract(&Input::in_memory("poetry.lock", text.as_bytes()))
    }

    const V1: &str = r#"[[package]]
name = "proto-plus"
version = "1.22.0"
description = ""
category = "main"
optional = false
python-versions = ">=3.6"

[package.dependencies]
protobuf = ">=3.19.0,<5.0.0dev"

[[package]]
name = "protobuf"
version = "4.21.5"
category = "dev"
optional = false
python-versions = ">=3.7"

[[package]]
name = "ike"
version = "0.2.0"
category = "main"
optional = true
python-versions = "^3.6"

[package.source]
type = "git"
url = "https://github.com/dzshn/ike"
reference = "main"
resolved_reference = "cd66602cd29f61a2d2e7fb995fef1e61708c034d"

[extras]
evil = ["ike (>=0.2)"]

[metadata]
lock-version = "1.1"

[metadata.files]
proto-plus = [
    {file = "proto-plus-1.22.0.tar.gz", hash = "sha256:c2e6693fdf68c405a6428226915a8625d21d0513793598ae3287a1210478d8ec"},
]
protobuf = []
"#;

    #[test]
    fn v1_scopes_hashes_edges_and_git() {
        let got = extract(V1).unwrap();
        assert_eq!(got.len(), 3);
        let pp = &got[0];
        assert_eq!(
            (pp.name.as_str(), pp.version.as_str()),
            ("proto-plus", "1.22.0")
        );
        assert_eq!(pp.location.line, Some(2));
        assert_eq!(pp.scope, Scope::Runtime);
        assert_eq!(pp.hashes.len(), 1);
        assert_eq!(pp.hashes[0].alg, HashAlg::Sha256);
        assert!(pp.hashes[0].value.starts_with("c2e6693f"));
        assert_eq!(pp.dependencies, ["pkg:pypi/protobuf@4.21.5"]);
        assert_eq!(pp.relationship, Relationship::Unknown);
        assert_eq!(got[1].scope, Scope::Dev);
        assert_eq!(got[1].groups, ["dev"]);
        let ike = &got[2];
        assert_eq!(ike.scope, Scope::Optional);
        assert_eq!(ike.groups, ["evil"]);
        assert_eq!(
            ike.commit.as_deref(),
            Some("cd66602cd29f61a2d2e7fb995fef1e61708c034d")
        );
        assert_eq!(ike.source.as_deref(), Some("https://github.com/dzshn/ike"));
    }

    #[test]
    fn v2_groups() {
        let text = r#"
[[package]]
name = "faker"
version = "33.3.0"
optional = false
groups = ["dev", "test"]
files = [
    {file = "faker-33.3.0.tar.gz", hash = "sha256:2abb551a05b75d268780b6095100a48afc43c53e97422002efbfc1272ebf5f26"},
]

[[package]]
name = "six"
version = "1.17.0"
optional = false
groups = ["main", "dev"]
"#;
        let got = extract(text).unwrap();
        assert_eq!(got[0].scope, Scope::Dev);
        assert_eq!(got[0].groups, ["dev", "test"]);
        assert_eq!(got[0].hashes.len(), 1);
        assert_eq!(got[0].location.line, Some(3));
        assert_eq!(got[1].scope, Scope::Runtime);
        assert_eq!(got[1].groups, ["dev"]);
    }

    #[test]
    fn pre_1_0_metadata_hashes() {
        let text = "[[package]]\nname = \"six\"\nversion = \"1.0\"\n[metadata.hashes]\nsix = [\"8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254\"]\n";
        let got = extract(text).unwrap();
        assert_eq!(got[0].hashes.len(), 1);
        assert_eq!(
            got[0].hashes[0].value,
            "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"
        );
    }

    #[test]
    fn direct_from_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.poetry.dependencies]\npython = \"^3.10\"\nproto-plus = \"*\"\n",
        )
        .unwrap();
        let input = Input {
            path: "poetry.lock",
            bytes: V1.as_bytes(),
            root: Some(dir.path()),
        };
        let got = PoetryLock.extract(&input).unwrap();
        assert_eq!(got[0].relationship, Relationship::Direct);
        assert_eq!(got[1].relationship, Relationship::Transitive);
    }

    #[test]
    fn errors_name_the_place() {
        let err = extract("[[package]]\nname = \"x\"\nversion = \n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.column.is_some());
        let err = extract("[[package]]\nversion = \"1\"\n").unwrap_err();
        assert!(err.message.contains("name"), "{}", err.message);
    }

    #[test]
    fn big_real_lockfiles() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data/"
        );
        for (file, count, known) in [
            ("poetry.lock", 32, ("certifi", "2019.9.11")),
            ("poetry1.lock", 68, ("attrs", "22.1.0")),
            ("poetry-cpggen.lock", 69, ("httpx", "0.24.1")),
        ] {
            let bytes = std::fs::read(format!("{dir}{file}")).unwrap();
            let got = PoetryLock
                .extract(&Input::in_memory("poetry.lock", &bytes))
                .unwrap();
            assert_eq!(got.len(), count, "{file}");
            assert!(
                got.iter()
                    .any(|c| (c.name.as_str(), c.version.as_str()) == known),
                "{file}: {known:?}"
            );
            assert!(got.iter().all(|c| c.location.line.is_some()));
            assert!(
                got.iter().filter(|c| c.has_integrity()).count() > count / 2,
                "{file}"
            );
        }
    }
}
