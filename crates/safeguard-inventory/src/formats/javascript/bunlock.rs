//! `bun.lock`, bun's text lockfile (lockfile versions 0 and 1).
//!
//! The file is JSON with comments and trailing commas. `packages` maps an install path
//! (`name`, or `parent/name` for a nested copy) to an array whose first element is the
//! package's `name@version` identifier; registry packages carry
//! `[ident, registry, {info}, "sha512-…"]`, git and local ones `[ident, {info}, …]`.
//! `info` holds the package's own `dependencies`, `optionalDependencies` and
//! `peerDependencies`, resolved here like node does: the nearest enclosing path first.
//! `workspaces` lists the project's packages and what they declare: those are the direct
//! dependencies, and scopes (dev, optional) follow from what reaches each package.
//! `workspace:` packages are the project's own and are not components.

use std::collections::HashMap;

use safeguard_model::{Component, Ecosystem, Relationship, Scope};

use super::json::{Dialect, Node};
use super::{
    Edge, Merger, classify, commit_of, groups_for, is_git_spec, looks_like_version, parse_json,
    split_at_version, sri_hashes,
};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `javascript/bunlock`: `bun.lock`.
pub struct BunLock;

impl Extractor for BunLock {
    fn id(&self) -> &'static str {
        "javascript/bunlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "bun.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let doc = parse_json(input, text, Dialect::Jsonc)?;
        let not_object = |node: &Node<'_>, what: &str| {
            input.error_at(
                text,
                node.offset,
                format!("{what} must be an object, found {}", node.kind()),
            )
        };
        if doc.as_object().is_none() {
            return Err(not_object(&doc, "the lockfile"));
        }
        let lines = LineIndex::new(text);

        let packages = match doc.get("packages") {
            None => &[][..],
            Some(p) => p.as_object().ok_or_else(|| not_object(p, "\"packages\""))?,
        };
        struct Pkg<'a> {
            key: &'a str,
            name: &'a str,
            version: &'a str,
            ident_rest: &'a str,
            line: u32,
            info: Option<&'a Node<'a>>,
            integrity: Option<&'a str>,
            workspace: bool,
        }
        let mut pkgs: Vec<Pkg<'_>> = Vec::with_capacity(packages.len());
        for m in packages {
            let Some(arr) = m.value.as_array() else {
                return Err(input.error_at(
                    text,
                    m.value.offset,
                    format!(
                        "package {:?} must be an array starting with \"name@version\", found {}",
                        m.key,
                        m.value.kind()
                    ),
                ));
            };
            let Some(first) = arr.first() else {
                return Err(input.error_at(
                    text,
                    m.value.offset,
                    format!("package {:?} is an empty array", m.key),
                ));
            };
            let ident = first.as_str().ok_or_else(|| {
                input.error_at(
                    text,
                    first.offset,
                    format!(
                        "package {:?}: the first element must be a \"name@version\" string, found {}",
                        m.key,
                        first.kind()
                    ),
                )
            })?;
            let (name, rest) = split_at_version(ident).ok_or_else(|| {
                input.error_at(
                    text,
                    first.offset,
                    format!(
                        "package {:?}: {ident:?} is not of the form name@version",
                        m.key
                    ),
                )
            })?;
            let version = if looks_like_version(rest) { rest } else { "" };
            let info = arr.iter().skip(1).find(|n| n.as_object().is_some());
            let integrity = arr
                .iter()
                .skip(2)
                .filter_map(Node::as_str)
                .find(|s| s.starts_with("sha") && s.contains('-'));
            pkgs.push(Pkg {
                key: &m.key,
                name,
                version,
                ident_rest: rest,
                line: lines.line(m.key_offset),
                info,
                integrity,
                workspace: rest.starts_with("workspace:"),
            });
        }
        let index: HashMap<&str, usize> =
            pkgs.iter().enumerate().map(|(i, p)| (p.key, i)).collect();

        // Resolves `dep` as required from install path `from`: `from/dep`, then each
        // enclosing path, then the top level. Scoped names count as one path segment.
        let mut buf = String::new();
        let mut resolve = |from: &str, dep: &str| -> Option<usize> {
            let mut ends: Vec<usize> = Vec::new();
            let mut i = 0;
            let bytes = from.as_bytes();
            while i < bytes.len() {
                let scoped = bytes[i] == b'@';
                let mut j = from[i..].find('/').map_or(from.len(), |k| i + k);
                if scoped && j < from.len() {
                    j = from[j + 1..].find('/').map_or(from.len(), |k| j + 1 + k);
                }
                ends.push(j);
                i = j + 1;
            }
            for end in ends.iter().rev() {
                buf.clear();
                buf.push_str(&from[..*end]);
                buf.push('/');
                buf.push_str(dep);
                if let Some(&t) = index.get(buf.as_str()) {
                    return Some(t);
                }
            }
            index.get(dep).copied()
        };

        let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); pkgs.len()];
        for (i, p) in pkgs.iter().enumerate() {
            let Some(info) = p.info else { continue };
            let optional_peers: Vec<&str> = info
                .get("optionalPeers")
                .and_then(Node::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::as_str)
                .collect();
            for (key, optional) in [
                ("dependencies", false),
                ("optionalDependencies", true),
                ("peerDependencies", false),
            ] {
                for d in info.members(key) {
                    let optional = optional
                        || (key == "peerDependencies" && optional_peers.contains(&d.key.as_ref()));
                    if let Some(to) = resolve(p.key, &d.key) {
                        edges[i].push(Edge { to, optional });
                    }
                }
            }
        }

        let (mut prod, mut optional, mut dev) = (Vec::new(), Vec::new(), Vec::new());
        if let Some(ws) = doc.get("workspaces") {
            let ws = ws
                .as_object()
                .ok_or_else(|| not_object(ws, "\"workspaces\""))?;
            for w in ws {
                let base = if w.key.is_empty() {
                    ""
                } else {
                    w.value.get_str("name").unwrap_or_default()
                };
                for (key, kind) in [
                    ("dependencies", 0),
                    ("peerDependencies", 0),
                    ("optionalDependencies", 1),
                    ("devDependencies", 2),
                ] {
                    for d in w.value.members(key) {
                        let Some(found) = resolve(base, &d.key) else {
                            continue;
                        };
                        match kind {
                            0 => prod.push(found),
                            1 => optional.push(found),
                            _ => dev.push(found),
                        }
                    }
                }
            }
        }
        let scopes = classify(&edges, &prod, &optional, &dev);
        let mut direct = vec![false; pkgs.len()];
        for &r in prod.iter().chain(&optional).chain(&dev) {
            direct[r] = true;
        }

        let mut merger = Merger::default();
        let mut comp_of: Vec<Option<usize>> = vec![None; pkgs.len()];
        for (i, p) in pkgs.iter().enumerate() {
            if p.workspace {
                continue;
            }
            let mut c = Component::new(
                Ecosystem::Npm,
                p.name,
                p.version,
                input.location(Some(p.line)),
            );
            if let Some(scope) = scopes[i] {
                c.scope = scope;
                c.groups = groups_for(scope);
            } else {
                c.scope = Scope::Runtime;
            }
            c.relationship = if direct[i] {
                Relationship::Direct
            } else {
                Relationship::Transitive
            };
            if let Some(sri) = p.integrity {
                c.hashes = sri_hashes(sri);
            }
            if p.version.is_empty() {
                c.source = Some(p.ident_rest.to_string()).filter(|s| !s.is_empty());
                if is_git_spec(p.ident_rest) {
                    c.commit = commit_of(p.ident_rest);
                }
            } else if let Some(registry) = registry_of(&packages[i].value) {
                c.source = Some(registry.to_string());
            }
            comp_of[i] = Some(merger.push(c));
        }
        for (i, es) in edges.iter().enumerate() {
            let Some(from) = comp_of[i] else { continue };
            for e in es {
                if let Some(to) = comp_of[e.to] {
                    let purl = merger.purl(to).to_string();
                    merger.get_mut(from).dependencies.push(purl);
                }
            }
        }
        Ok(merger.finish())
    }
}

/// The registry URL of a registry package (`[ident, "https://…", {…}, integrity]`), when it
/// is not the default one (bun writes `""` for that).
fn registry_of<'a>(entry: &'a Node<'a>) -> Option<&'a str> {
    let arr = entry.as_array()?;
    let reg = arr.get(1)?.as_str()?;
    (!reg.is_empty()).then_some(reg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        BunLock.extract(&Input::in_memory("bun.lock", text.as_bytes()))
    }

    fn find<'c>(cs: &'c [Component], name: &str, version: &str) -> &'c Component {
        cs.iter()
            .find(|c| c.name == name && c.version == version)
            .unwrap_or_else(|| panic!("{name}@{version} missing from {cs:#?}"))
    }

    const LOCK: &str = r#"{
  // bun writes this file
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": { "chalk": "^4.0.0", },
      "devDependencies": { "@s/t": "^1", },
      "optionalDependencies": { "fsevents": "*" },
    },
  },
  "packages": {
    "chalk": ["chalk@4.1.2", "", { "dependencies": { "supports-color": "^7.1.0" }, "peerDependencies": { "pp": "*" }, "optionalPeers": ["pp"] }, "sha512-oKnbhFyRIXpUuez8iBMmyEa4nbj4IOQyuhc/wy9kY7/WVPcwIO9VA668Pu8RkO7+0G76SLROeyw9CpQ061i4mA=="],
    "supports-color": ["supports-color@5.5.0", "", {}, ""],
    "chalk/supports-color": ["supports-color@7.2.0", "", { "dependencies": { "has-flag": "^4" } }, ""],
    "has-flag": ["has-flag@4.0.0", "", {}, ""],
    "@s/t": ["@s/t@1.0.0", "https://npm.example.com/", { "dependencies": { "supports-color": "5" } }, ""],
    "fsevents": ["fsevents@2.0.0", "", { "dependencies": { "nan": "*" } }, ""],
    "pp": ["pp@1.0.0", "", {}, ""],
    "nan": ["nan@2.0.0", "", {}, ""],
    "g": ["g@github:o/g#6609a88", {}, "o-g-6609a88"],
    "ws": ["ws@workspace:packages/ws", {}],
  },
}"#;

    #[test]
    fn scopes_edges_hashes_and_lines() {
        let cs = extract(LOCK).unwrap();
        assert_eq!(cs.len(), 9, "{cs:#?}");
        let chalk = find(&cs, "chalk", "4.1.2");
        assert_eq!(chalk.location.line, Some(13));
        assert_eq!(chalk.relationship, Relationship::Direct);
        assert_eq!(chalk.scope, Scope::Runtime);
        assert_eq!(chalk.hashes[0].alg, HashAlg::Sha512);
        assert_eq!(
            chalk.dependencies,
            vec!["pkg:npm/pp@1.0.0", "pkg:npm/supports-color@7.2.0"]
        );
        let sc7 = find(&cs, "supports-color", "7.2.0");
        assert_eq!(sc7.relationship, Relationship::Transitive);
        assert_eq!(sc7.dependencies, vec!["pkg:npm/has-flag@4.0.0"]);
        assert_eq!(find(&cs, "has-flag", "4.0.0").scope, Scope::Runtime);
        let dev = find(&cs, "supports-color", "5.5.0");
        assert_eq!(
            (dev.scope, dev.groups.clone()),
            (Scope::Dev, vec!["dev".to_string()])
        );
        let t = find(&cs, "@s/t", "1.0.0");
        assert_eq!(t.source.as_deref(), Some("https://npm.example.com/"));
        assert_eq!(find(&cs, "nan", "2.0.0").scope, Scope::Optional);
        assert_eq!(find(&cs, "pp", "1.0.0").scope, Scope::Optional);
        let g = find(&cs, "g", "");
        assert_eq!(g.commit.as_deref(), Some("6609a88"));
        assert!(!cs.iter().any(|c| c.name == "ws"));
    }

    #[test]
    fn errors_name_the_place() {
        let e = extract("{\n  \"packages\": {\n    \"a\": [123, \"\", {}]\n  }\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(11)));
        let e = extract("{\n  \"packages\": {\n    \"a\": {}\n  }\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(10)));
        let e = extract("{\n  \"packages\": [}").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(extract("{}").unwrap().is_empty());
        assert!(extract("not json").is_err());
    }
}
