//! `uv.lock` (lock `version = 1`, any revision), single projects and workspaces.
//!
//! The project's own packages — `source = { virtual = ... }`, `source = { editable = ... }`
//! and the `[manifest] members` of a workspace — are not components; their `dependencies`
//! are the direct runtime dependencies, their `[package.optional-dependencies]` the extras
//! (scope optional) and their `[package.dev-dependencies]` the development groups (scope
//! dev). Scope and groups of transitive packages follow from reachability. Hashes come from
//! `sdist` and `wheels`; git sources give the commit after `#`.

use std::collections::{BTreeMap, HashSet};

use safeguard_model::{Component, Ecosystem, Hash, Relationship, Scope};
use serde::Deserialize;
use toml::Spanned;

use super::{NameIndex, RootGroup, classify, normalize, parse_toml, push_hash};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `uv.lock`.
pub struct UvLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    manifest: Option<Manifest>,
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    dependencies: Vec<Dep>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<Dep>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<Dep>>,
    #[serde(default)]
    sdist: Option<Artifact>,
    #[serde(default)]
    wheels: Vec<Artifact>,
}

#[derive(Deserialize, Default)]
struct Source {
    #[serde(default)]
    registry: Option<String>,
    #[serde(default)]
    git: Option<String>,
    #[serde(default)]
    editable: Option<String>,
    #[serde(default, rename = "virtual")]
    virtual_: Option<String>,
    #[serde(default)]
    directory: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct Dep {
    name: String,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Artifact {
    #[serde(default)]
    hash: Option<String>,
}

impl Extractor for UvLock {
    fn id(&self) -> &'static str {
        "python/uvlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "uv.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Lock = parse_toml(input, text)?;
        let lines = LineIndex::new(text);
        let pkgs = &lock.package;

        let members: HashSet<String> = lock
            .manifest
            .iter()
            .flat_map(|m| m.members.iter())
            .map(|m| normalize(m))
            .collect();
        let is_root: Vec<bool> = pkgs
            .iter()
            .map(|p| {
                p.source
                    .as_ref()
                    .is_some_and(|s| s.virtual_.is_some() || s.editable.is_some())
                    || members.contains(&normalize(p.name.get_ref()))
            })
            .collect();

        let mut index = NameIndex::default();
        for (i, p) in pkgs.iter().enumerate() {
            index.insert(p.name.get_ref(), i);
        }
        let version_of = |i: usize| pkgs.get(i).and_then(|p| p.version.as_deref()).unwrap_or("");
        let resolve = |deps: &[Dep]| -> Vec<usize> {
            deps.iter()
                .flat_map(|d| index.resolve(&d.name, d.version.as_deref(), version_of))
                .collect()
        };

        // Edges: a project package's runtime dependencies; any other package's dependencies
        // and the dependencies of its extras (uv locks only extras someone asks for).
        let adj: Vec<Vec<usize>> = pkgs
            .iter()
            .zip(&is_root)
            .map(|(p, root)| {
                let mut v = resolve(&p.dependencies);
                if !root {
                    for deps in p.optional_dependencies.values() {
                        v.extend(resolve(deps));
                    }
                }
                v
            })
            .collect();

        let roots: Vec<usize> = (0..pkgs.len()).filter(|i| is_root[*i]).collect();
        let mut direct = vec![false; pkgs.len()];
        let mut groups = Vec::new();
        for &r in &roots {
            let p = &pkgs[r];
            for i in resolve(&p.dependencies) {
                direct[i] = true;
            }
            for (table, scope) in [
                (&p.optional_dependencies, Scope::Optional),
                (&p.dev_dependencies, Scope::Dev),
            ] {
                for (name, deps) in table {
                    let members = resolve(deps);
                    for &i in &members {
                        direct[i] = true;
                    }
                    groups.push(RootGroup {
                        name: name.clone(),
                        scope,
                        members,
                    });
                }
            }
        }
        let reach = classify(&adj, &roots, &groups);

        let mut out = Vec::with_capacity(pkgs.len());
        for (i, p) in pkgs.iter().enumerate() {
            if is_root[i] {
                continue;
            }
            let line = lines.line(p.name.span().start);
            let mut c = Component::new(
                Ecosystem::PyPI,
                p.name.get_ref(),
                version_of(i),
                input.location(Some(line)),
            );
            if let Some(r) = reach.get(i)
                && !r.runtime
            {
                c.scope = r.scope.unwrap_or(Scope::Runtime);
                c.groups = r.groups.clone();
            }
            if !roots.is_empty() {
                c.relationship = if direct[i] {
                    Relationship::Direct
                } else {
                    Relationship::Transitive
                };
            }
            for a in p.sdist.iter().chain(&p.wheels) {
                push_hash(
                    &mut c.hashes,
                    a.hash.as_deref().and_then(Hash::from_prefixed_hex),
                );
            }
            let src = p.source.as_ref();
            if let Some(git) = src.and_then(|s| s.git.as_deref()) {
                let (url, commit) = git.split_once('#').unwrap_or((git, ""));
                c.source = Some(url.to_string());
                c.commit = (!commit.is_empty()).then(|| commit.to_string());
            } else if let Some(s) = src {
                c.source = [&s.registry, &s.url, &s.directory, &s.path]
                    .into_iter()
                    .find_map(|v| v.clone());
            }
            let mut deps: Vec<String> = adj[i]
                .iter()
                .filter(|j| **j != i && !is_root.get(**j).copied().unwrap_or(true))
                .map(|&j| {
                    Ecosystem::PyPI
                        .purl(pkgs[j].name.get_ref(), version_of(j))
                        .to_string()
                })
                .collect();
            deps.sort();
            deps.dedup();
            c.dependencies = deps;
            out.push(c);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;

    const LOCK: &str = r#"version = 1
requires-python = ">=3.10"

[[package]]
name = "black"
version = "24.10.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "click" },
]
sdist = { url = "https://x/black-24.10.0.tar.gz", hash = "sha256:846ea64c97afe3bc677b761787993be4991810ecc7a4a937816dd6bddedc4875", size = 645813 }
wheels = [
    { url = "https://x/black-24.10.0-py3-none-any.whl", hash = "sha256:3bb2b7a1f7b685f85b11fed1ef10f8a9148bceb49853e47a294a3dd963c1dd7d", size = 206898 },
]

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "emoji"
version = "2.14.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.8.1"
source = { git = "https://github.com/astral-sh/ruff#84748be16341b76e073d117329f7f5f4ee2941ad" }

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "emoji" },
    { name = "ruff" },
]

[package.optional-dependencies]
fmt = [
    { name = "black" },
]

[package.dev-dependencies]
test = [
    { name = "pytest" },
]
"#;

    fn get<'a>(cs: &'a [Component], name: &str) -> &'a Component {
        cs.iter().find(|c| c.name == name).unwrap()
    }

    #[test]
    fn roots_scopes_edges_hashes() {
        let got = UvLock
            .extract(&Input::in_memory("uv.lock", LOCK.as_bytes()))
            .unwrap();
        assert_eq!(got.len(), 5, "the project itself is not a component");
        let black = get(&got, "black");
        assert_eq!(black.location.line, Some(5));
        assert_eq!(black.scope, Scope::Optional);
        assert_eq!(black.groups, ["fmt"]);
        assert_eq!(black.relationship, Relationship::Direct);
        assert_eq!(black.dependencies, ["pkg:pypi/click@8.1.7"]);
        assert_eq!(black.hashes.len(), 2);
        assert_eq!(black.hashes[0].alg, HashAlg::Sha256);
        let click = get(&got, "click");
        assert_eq!(click.scope, Scope::Optional);
        assert_eq!(click.relationship, Relationship::Transitive);
        let pytest = get(&got, "pytest");
        assert_eq!(
            (pytest.scope, pytest.groups.as_slice()),
            (Scope::Dev, &["test".to_string()][..])
        );
        let emoji = get(&got, "emoji");
        assert_eq!(
            (emoji.scope, emoji.relationship),
            (Scope::Runtime, Relationship::Direct)
        );
        assert!(emoji.groups.is_empty());
        let ruff = get(&got, "ruff");
        assert_eq!(
            ruff.commit.as_deref(),
            Some("84748be16341b76e073d117329f7f5f4ee2941ad")
        );
        assert_eq!(
            ruff.source.as_deref(),
            Some("https://github.com/astral-sh/ruff")
        );
    }

    #[test]
    fn errors_name_the_place() {
        let err = UvLock
            .extract(&Input::in_memory(
                "uv.lock",
                b"version = 1\n[[package]]\nname = [\n",
            ))
            .unwrap_err();
        assert!(err.line.is_some_and(|l| l >= 3), "{err}");
    }

    #[test]
    fn big_real_lockfiles() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data/"
        );
        let bytes = std::fs::read(format!("{dir}uv.lock")).unwrap();
        let got = UvLock
            .extract(&Input::in_memory("uv.lock", &bytes))
            .unwrap();
        assert_eq!(got.len(), 62);
        assert!(got.iter().all(|c| c.relationship != Relationship::Unknown));
        assert!(got.iter().all(|c| c.has_integrity()));
        assert!(got.iter().any(|c| c.name == "requests"));

        let bytes = std::fs::read(format!("{dir}uv-workspace.lock")).unwrap();
        let got = UvLock
            .extract(&Input::in_memory("uv.lock", &bytes))
            .unwrap();
        let names: Vec<&str> = got.iter().map(|c| c.name.as_str()).collect();
        assert!(!names.contains(&"my-app") && !names.contains(&"my-lib"));
        assert_eq!(got.len(), 8);
        assert_eq!(get(&got, "pytest").scope, Scope::Dev);
    }
}
