//! PEP 751 lockfiles, `pylock.toml` and `pylock.<name>.toml` (lock-version 1.0), as written
//! by pip, pdm, uv and others.
//!
//! Each `[[packages]]` entry is a component, except the project itself (a `directory`
//! package at `.`, or an editable `directory`). `version` may be absent for VCS, directory and
//! archive packages; those are reported with an empty version and, for VCS, the `commit-id`.
//! Hashes come from `archive`, `sdist` and `wheels` (`hashes = { sha256 = "..." }`). The
//! `marker` tells extras (`"x" in extras`: scope optional) and dependency groups
//! (`"g" in dependency_groups`: dev unless `g` is one of the file's `default-groups`) apart.
//! Edges come from `dependencies`; direct dependencies are known when a `pyproject.toml`
//! sits beside the lockfile.

use std::collections::BTreeMap;

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Scope};
use serde::Deserialize;
use toml::Spanned;

use super::pyproject::read_pyproject;
use super::{NameIndex, parse_toml, push_hash};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `pylock.toml` and `pylock.<name>.toml`.
pub struct PyLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default, rename = "default-groups")]
    default_groups: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    marker: Option<String>,
    #[serde(default)]
    dependencies: Vec<DepRef>,
    #[serde(default)]
    vcs: Option<Vcs>,
    #[serde(default)]
    directory: Option<Directory>,
    #[serde(default)]
    archive: Option<Artifact>,
    #[serde(default)]
    index: Option<String>,
    #[serde(default)]
    sdist: Option<Artifact>,
    #[serde(default)]
    wheels: Vec<Artifact>,
}

#[derive(Deserialize)]
struct DepRef {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Vcs {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default, rename = "commit-id")]
    commit_id: Option<String>,
}

#[derive(Deserialize)]
struct Directory {
    #[serde(default)]
    path: String,
    #[serde(default)]
    editable: bool,
}

#[derive(Deserialize)]
struct Artifact {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    hashes: BTreeMap<String, String>,
}

/// The extras and dependency groups a marker tests for: `("extras", "x")`,
/// `("dependency_groups", "g")`. `not in` tests are ignored.
fn marker_groups(marker: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let mut rest = marker;
    while let Some(open) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[open] as char;
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find(quote) else {
            break;
        };
        let literal = &after_open[..close];
        rest = &after_open[close + 1..];
        let mut words = rest.split_whitespace();
        if words.next() == Some("in") {
            let target = words
                .next()
                .unwrap_or("")
                .trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
            for kind in ["extras", "dependency_groups"] {
                if target == kind {
                    out.push((kind, literal));
                }
            }
        }
    }
    out
}

impl Extractor for PyLock {
    fn id(&self) -> &'static str {
        "python/pylock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name == "pylock.toml"
            || name
                .strip_prefix("pylock.")
                .and_then(|n| n.strip_suffix(".toml"))
                .is_some_and(|middle| !middle.is_empty() && !middle.contains('.'))
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Lock = parse_toml(input, text)?;
        let lines = LineIndex::new(text);
        let declared = read_pyproject(input);

        let kept: Vec<&Package> = lock
            .packages
            .iter()
            .filter(|p| {
                !p.directory
                    .as_ref()
                    .is_some_and(|d| d.editable || matches!(d.path.trim_end_matches('/'), "" | "."))
            })
            .collect();
        let mut index = NameIndex::default();
        for (i, p) in kept.iter().enumerate() {
            index.insert(p.name.get_ref(), i);
        }
        let version_of = |i: usize| kept.get(i).and_then(|p| p.version.as_deref()).unwrap_or("");

        let mut out = Vec::with_capacity(kept.len());
        for (i, p) in kept.iter().enumerate() {
            let name = p.name.get_ref();
            let line = lines.line(p.name.span().start);
            let mut c = Component::new(
                Ecosystem::PyPI,
                name,
                version_of(i),
                input.location(Some(line)),
            );

            for a in p.archive.iter().chain(&p.sdist).chain(&p.wheels) {
                for (alg, hex) in &a.hashes {
                    push_hash(
                        &mut c.hashes,
                        HashAlg::parse(alg).and_then(|alg| Hash::from_hex(alg, hex)),
                    );
                }
            }

            if let Some(vcs) = &p.vcs {
                c.source = vcs.url.clone().or_else(|| vcs.path.clone());
                c.commit = vcs.commit_id.clone();
            } else if let Some(a) = &p.archive {
                c.source = a.url.clone().or_else(|| a.path.clone());
            } else if let Some(d) = &p.directory {
                c.source = Some(d.path.clone());
            } else {
                c.source = p.index.clone();
            }

            let tests = p.marker.as_deref().map(marker_groups).unwrap_or_default();
            let runtime = tests.is_empty()
                || tests.iter().any(|(kind, g)| {
                    *kind == "dependency_groups" && lock.default_groups.iter().any(|d| d == g)
                });
            if !runtime {
                c.scope = if tests.iter().any(|(kind, _)| *kind == "extras") {
                    Scope::Optional
                } else {
                    Scope::Dev
                };
                for (_, g) in tests {
                    if !c.groups.iter().any(|x| x == g) {
                        c.groups.push(g.to_string());
                    }
                }
            }

            let mut deps: Vec<String> = p
                .dependencies
                .iter()
                .filter_map(|d| d.name.as_deref().map(|n| (n, d.version.as_deref())))
                .flat_map(|(n, v)| index.resolve(n, v, version_of))
                .filter(|j| *j != i)
                .filter_map(|j| kept.get(j).map(|d| (j, d)))
                .map(|(j, d)| {
                    Ecosystem::PyPI
                        .purl(d.name.get_ref(), version_of(j))
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

    const LOCK: &str = r#"lock-version = "1.0"
default-groups = ["default"]
created-by = "pdm"

[[packages]]
name = "certifi"
version = "2025.1.31"
marker = "python_version >= \"3.6\" and \"security\" in extras"
sdist = { name = "certifi-2025.1.31.tar.gz", hashes = { sha256 = "3d5da6925056f6f18f119200434a4780a94263f10d1c21d032a6f6b2baa20651" } }

[[packages]]
name = 'idna'
version = '2.7'
marker = "\"default\" in dependency_groups or \"security\" in extras"
dependencies = [{ name = "certifi" }]

[[packages]]
name = "pytest"
version = "8.0"
marker = "'test' in dependency_groups"

[[packages]]
name = "mleroc"
vcs = { type = "git", url = "https://github.com/Veggente/mleroc.git", commit-id = "735093f03c4d8be70bfaaae44074ac92d7419b6d" }

[[packages]]
name = "me"
directory = { path = ".", editable = true }
"#;

    #[test]
    fn scopes_hashes_vcs_and_self() {
        let got = PyLock
            .extract(&Input::in_memory("pylock.toml", LOCK.as_bytes()))
            .unwrap();
        assert_eq!(got.len(), 4, "the project itself is not a component");
        let certifi = &got[0];
        assert_eq!(certifi.location.line, Some(6));
        assert_eq!(
            (certifi.scope, certifi.groups.as_slice()),
            (Scope::Optional, &["security".to_string()][..])
        );
        assert_eq!(certifi.hashes.len(), 1);
        assert_eq!(certifi.hashes[0].alg, HashAlg::Sha256);
        let idna = &got[1];
        assert_eq!(idna.scope, Scope::Runtime);
        assert_eq!(idna.dependencies, ["pkg:pypi/certifi@2025.1.31"]);
        assert_eq!(got[2].scope, Scope::Dev);
        let vcs = &got[3];
        assert_eq!(vcs.version, "");
        assert_eq!(
            vcs.commit.as_deref(),
            Some("735093f03c4d8be70bfaaae44074ac92d7419b6d")
        );
    }

    #[test]
    fn marker_tests() {
        assert_eq!(
            marker_groups("extra == 'x' or 'a' in extras and \"g\" in dependency_groups"),
            [("extras", "a"), ("dependency_groups", "g")]
        );
        assert!(marker_groups("'a' not in extras").is_empty());
        assert!(marker_groups("unterminated 'x").is_empty());
    }

    #[test]
    fn names() {
        assert!(PyLock.matches("a/pylock.toml"));
        assert!(PyLock.matches("pylock.dev.toml"));
        assert!(!PyLock.matches("pylock..toml"));
        assert!(!PyLock.matches("mypylock.toml"));
        assert!(!PyLock.matches("pylock.a.b.toml"));
    }

    #[test]
    fn errors_name_the_place() {
        let err = PyLock
            .extract(&Input::in_memory(
                "pylock.toml",
                b"[[packages]]\nname = 'a'\nwheels = 3\n",
            ))
            .unwrap_err();
        assert_eq!(err.line, Some(3));
    }
}
