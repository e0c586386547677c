//! `package-lock.json` and `npm-shrinkwrap.json`.
//!
//! - Lockfile v2 and v3: the `packages` object, keyed by install path
//!   (`node_modules/a/node_modules/b`, or a workspace folder such as `packages/x`). The `""`
//!   entry is the project itself and not a component; `link: true` entries are symlinks to
//!   another entry (workspaces, `file:` folders) and stand for their target.
//! - Lockfile v1: the nested `dependencies` object; each entry's `requires` names its edges.
//!   Used only when `packages` is absent (v2 files carry both).
//!
//! Edges are resolved as node does: from the requiring package's folder, the nearest
//! `node_modules/<name>` going up. Direct dependencies are those the root entry declares
//! (v2/v3; workspace members and what they declare count too) or, for v1, those the
//! `package.json` beside the lockfile declares. Without that manifest, a v1 top-level entry
//! nothing requires is direct, a nested one transitive, and the rest unknown.
//!
//! npm ignores `package-lock.json` when an `npm-shrinkwrap.json` sits beside it; so does this
//! reader (it returns no components for the ignored file).

use std::collections::{HashMap, HashSet};

use safeguard_model::{Component, Ecosystem, Relationship, Scope};

use super::json::{Dialect, Member, Node};
use super::{Manifest, Merger, commit_of, is_git_spec, parse_json, split_at_version, sri_hashes};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `javascript/packagelockjson`: `package-lock.json` and `npm-shrinkwrap.json`
/// (lockfile versions 1, 2 and 3).
pub struct PackageLockJson;

impl Extractor for PackageLockJson {
    fn id(&self) -> &'static str {
        "javascript/packagelockjson"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name == "package-lock.json" || name == "npm-shrinkwrap.json"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        if file_name(input.path) == "package-lock.json"
            && matches!(input.read_relative("npm-shrinkwrap.json"), Ok(Some(_)))
        {
            return Ok(Vec::new());
        }
        let doc = parse_json(input, text, Dialect::Strict)?;
        if doc.as_object().is_none() {
            return Err(input.error_at(
                text,
                doc.offset,
                format!("the lockfile must be a JSON object, found {}", doc.kind()),
            ));
        }
        let lines = LineIndex::new(text);
        let mut lock = Lock::default();
        if let Some(packages) = doc.get("packages") {
            let members = object(input, text, packages, "\"packages\"")?;
            lock.read_packages(input, text, &lines, members)?;
        } else if let Some(deps) = doc.get("dependencies") {
            let members = object(input, text, deps, "\"dependencies\"")?;
            lock.read_v1(input, text, &lines, members, "")?;
            lock.v1 = true;
        }
        Ok(lock.finish(input))
    }
}

fn object<'n, 'a>(
    input: &Input<'_>,
    text: &str,
    node: &'n Node<'a>,
    what: &str,
) -> Result<&'n [Member<'a>], ParseError> {
    node.as_object().ok_or_else(|| {
        input.error_at(
            text,
            node.offset,
            format!("{what} must be an object, found {}", node.kind()),
        )
    })
}

/// One entry of the lockfile, v1 entries given v2-style paths.
struct Entry<'a> {
    path: String,
    name: String,
    version: String,
    line: u32,
    node: &'a Node<'a>,
    /// For `link: true` entries, the path of the target entry.
    link: Option<String>,
    /// Declared dependencies: name and whether the edge is optional.
    deps: Vec<(&'a str, bool)>,
}

#[derive(Default)]
struct Lock<'a> {
    entries: Vec<Entry<'a>>,
    /// Names the root entry (`""`) declares.
    root_deps: Vec<&'a str>,
    v1: bool,
}

/// The package name an install path implies: what follows the last `node_modules/`, or the
/// folder name (with its scope) for paths outside `node_modules`.
fn name_from_path(path: &str) -> &str {
    if let Some(i) = path.rfind("node_modules/") {
        return &path[i + "node_modules/".len()..];
    }
    let mut it = path.rsplitn(3, '/');
    let last = it.next().unwrap_or(path);
    match it.next() {
        Some(scope) if scope.starts_with('@') => &path[path.len() - last.len() - scope.len() - 1..],
        _ => last,
    }
}

/// Names of an object of dependencies (`{"a": "^1.0.0"}`), with the optional marker.
fn dep_names<'a>(node: &'a Node<'a>, key: &str, optional: bool, out: &mut Vec<(&'a str, bool)>) {
    for m in node.members(key) {
        out.push((&m.key, optional));
    }
}

impl<'a> Lock<'a> {
    fn read_packages(
        &mut self,
        input: &Input<'_>,
        text: &str,
        lines: &LineIndex,
        members: &'a [Member<'a>],
    ) -> Result<(), ParseError> {
        self.entries.reserve(members.len());
        for m in members {
            let node = &m.value;
            if node.as_object().is_none() {
                object(input, text, node, &format!("\"packages\".{:?}", m.key))?;
            }
            if m.key.is_empty() {
                for key in [
                    "dependencies",
                    "devDependencies",
                    "optionalDependencies",
                    "peerDependencies",
                ] {
                    self.root_deps
                        .extend(node.members(key).iter().map(|d| d.key.as_ref()));
                }
                continue;
            }
            let link = node
                .flag("link")
                .then(|| node.get_str("resolved").unwrap_or_default().to_string());
            let mut deps = Vec::new();
            dep_names(node, "dependencies", false, &mut deps);
            dep_names(node, "optionalDependencies", true, &mut deps);
            dep_names(node, "peerDependencies", true, &mut deps);
            let name = node
                .get_str("name")
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| name_from_path(&m.key));
            self.entries.push(Entry {
                path: m.key.to_string(),
                name: name.to_string(),
                version: node.get_str("version").unwrap_or_default().to_string(),
                line: lines.line(m.key_offset),
                node,
                link,
                deps,
            });
        }
        Ok(())
    }

    fn read_v1(
        &mut self,
        input: &Input<'_>,
        text: &str,
        lines: &LineIndex,
        members: &'a [Member<'a>],
        parent: &str,
    ) -> Result<(), ParseError> {
        for m in members {
            let node = &m.value;
            if node.as_object().is_none() {
                object(input, text, node, &format!("\"dependencies\".{:?}", m.key))?;
            }
            let path = if parent.is_empty() {
                format!("node_modules/{}", m.key)
            } else {
                format!("{parent}/node_modules/{}", m.key)
            };
            let mut deps = Vec::new();
            dep_names(node, "requires", false, &mut deps);
            let version = node.get_str("version").unwrap_or_default();
            // `npm:<real-name>@<version>` aliases install another package under this name.
            let (name, version) = match version.strip_prefix("npm:").and_then(split_at_version) {
                Some((n, v)) => (n, v),
                None => (m.key.as_ref(), version),
            };
            self.entries.push(Entry {
                path: path.clone(),
                name: name.to_string(),
                version: version.to_string(),
                line: lines.line(m.key_offset),
                node,
                link: None,
                deps,
            });
            if let Some(children) = node.get("dependencies") {
                let children = object(input, text, children, &format!("{:?}.dependencies", m.key))?;
                // The JSON parser already caps nesting, so this recursion is bounded.
                self.read_v1(input, text, lines, children, &path)?;
            }
        }
        Ok(())
    }

    fn finish(self, input: &Input<'_>) -> Vec<Component> {
        let entries = &self.entries;
        let index: HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.as_str(), i))
            .collect();
        let mut buf = String::new();
        let resolve = |from: &str, name: &str, buf: &mut String| -> Option<usize> {
            let mut base = from;
            let mut found = loop {
                buf.clear();
                if !base.is_empty() {
                    buf.push_str(base);
                    buf.push('/');
                }
                buf.push_str("node_modules/");
                buf.push_str(name);
                if let Some(&i) = index.get(buf.as_str()) {
                    break i;
                }
                if base.is_empty() {
                    return None;
                }
                base = base.rfind("/node_modules/").map_or("", |i| &base[..i]);
            };
            // Follow links (workspaces, `file:` folders) to their target.
            for _ in 0..8 {
                match &entries[found].link {
                    Some(target) => found = *index.get(target.as_str())?,
                    None => break,
                }
            }
            entries[found].link.is_none().then_some(found)
        };

        // Edges, by entry.
        let edges: Vec<Vec<usize>> = entries
            .iter()
            .map(|e| {
                if e.link.is_some() {
                    return Vec::new();
                }
                e.deps
                    .iter()
                    .filter_map(|(name, _)| resolve(&e.path, name, &mut buf))
                    .collect()
            })
            .collect();

        // Direct dependencies.
        let mut direct: HashSet<usize> = HashSet::new();
        let mut relationship_known = true;
        let mut v1_required: Vec<bool> = Vec::new();
        if self.v1 {
            match Manifest::read(input, "package.json") {
                Some(manifest) => {
                    for name in manifest.all_names() {
                        direct.extend(resolve("", name, &mut buf));
                    }
                }
                None => {
                    relationship_known = false;
                    v1_required = vec![false; entries.len()];
                    for targets in &edges {
                        for &t in targets {
                            v1_required[t] = true;
                        }
                    }
                }
            }
        } else {
            for name in &self.root_deps {
                direct.extend(resolve("", name, &mut buf));
            }
            // Workspace members (link targets outside node_modules) and what they declare.
            for e in entries {
                if let Some(target) = &e.link
                    && !target.contains("node_modules/")
                    && let Some(&t) = index.get(target.as_str())
                {
                    direct.insert(t);
                    direct.extend(edges[t].iter().copied());
                }
            }
        }

        // Workspace members (link targets outside node_modules) are the project's own code.
        let mut workspace_member = vec![false; entries.len()];
        for e in entries {
            if let Some(target) = &e.link
                && !target.contains("node_modules/")
                && let Some(&t) = index.get(target.as_str())
            {
                workspace_member[t] = true;
            }
        }

        let mut merger = Merger::default();
        let mut comp_of: Vec<Option<usize>> = vec![None; entries.len()];
        for (i, e) in entries.iter().enumerate() {
            if e.link.is_some() {
                continue;
            }
            let node = e.node;
            let resolved = node.get_str("resolved");
            let mut version = e.version.as_str();
            let mut source = resolved.map(str::to_string);
            let mut commit = resolved.filter(|r| is_git_spec(r)).and_then(commit_of);
            // v1 writes git, tarball and folder dependencies' locators as the "version".
            if version.starts_with("file:")
                || version.starts_with("link:")
                || is_git_spec(version)
                || version.contains("://")
            {
                if commit.is_none() && is_git_spec(version) {
                    commit = commit_of(version);
                }
                if source.is_none() {
                    source = Some(version.to_string());
                }
                version = "";
            }
            let mut c = Component::new(
                Ecosystem::Npm,
                &e.name,
                version,
                input.location(Some(e.line)),
            );
            c.first_party = workspace_member[i];
            let (dev, optional, dev_optional) = (
                node.flag("dev"),
                node.flag("optional"),
                node.flag("devOptional"),
            );
            c.scope = if dev {
                Scope::Dev
            } else if optional || dev_optional {
                Scope::Optional
            } else {
                Scope::Runtime
            };
            if dev || dev_optional {
                c.groups.push("dev".into());
            }
            if optional || dev_optional {
                c.groups.push("optional".into());
            }
            if node.flag("peer") {
                c.groups.push("peer".into());
            }
            if node.flag("inBundle") || node.flag("bundled") {
                c.groups.push("bundled".into());
            }
            c.groups.sort();
            if let Some(sri) = node.get_str("integrity") {
                c.hashes = sri_hashes(sri);
            }
            c.source = source;
            c.commit = commit;
            c.relationship = if direct.contains(&i) {
                Relationship::Direct
            } else if relationship_known {
                Relationship::Transitive
            } else if e.path.contains("/node_modules/") {
                // v1 without a manifest: nested copies are never the project's own choice.
                Relationship::Transitive
            } else if !v1_required.get(i).copied().unwrap_or(true) {
                Relationship::Direct
            } else {
                Relationship::Unknown
            };
            comp_of[i] = Some(merger.push(c));
        }
        for (i, targets) in edges.iter().enumerate() {
            let Some(from) = comp_of[i] else { continue };
            for &t in targets {
                if let Some(to) = comp_of[t] {
                    let purl = merger.purl(to).to_string();
                    merger.get_mut(from).dependencies.push(purl);
                }
            }
        }
        merger.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;

    fn extract(path: &str, text: &str) -> Result<Vec<Component>, ParseError> {
        PackageLockJson.extract(&Input::in_memory(path, text.as_bytes()))
    }

    fn find<'c>(cs: &'c [Component], name: &str, version: &str) -> &'c Component {
        cs.iter()
            .find(|c| c.name == name && c.version == version)
            .unwrap_or_else(|| panic!("{name}@{version} missing"))
    }

    const V3: &str = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "name": "app",
      "workspaces": ["packages/*"],
      "dependencies": { "a": "^1.0.0" },
      "devDependencies": { "d": "^1.0.0" }
    },
    "node_modules/a": {
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
      "integrity": "sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=",
      "dependencies": { "b": "^2.0.0", "@s/c": "*" },
      "optionalDependencies": { "o": "*" }
    },
    "node_modules/a/node_modules/b": { "version": "2.0.0" },
    "node_modules/b": { "version": "1.0.0", "dev": true },
    "node_modules/@s/c": { "version": "3.0.0", "devOptional": true },
    "node_modules/o": { "version": "0.1.0", "optional": true, "peer": true },
    "node_modules/d": { "version": "4.0.0", "dev": true, "dependencies": { "b": "1" } },
    "node_modules/ws": { "resolved": "packages/ws", "link": true },
    "packages/ws": { "name": "ws", "version": "0.0.1", "dependencies": { "e": "*" } },
    "node_modules/e": {
      "version": "5.0.0",
      "resolved": "git+ssh://git@github.com/o/e.git#0a2d2506c1fe299691fc5db53a2097db3bd615bc"
    }
  }
}"#;

    #[test]
    fn v3_scopes_edges_lines_and_hashes() {
        let cs = extract("package-lock.json", V3).unwrap();
        assert_eq!(cs.len(), 8, "{cs:#?}");
        let a = find(&cs, "a", "1.0.0");
        assert_eq!(a.location.line, Some(11));
        assert_eq!(a.relationship, Relationship::Direct);
        assert_eq!(a.scope, Scope::Runtime);
        assert_eq!(a.hashes[0].alg, HashAlg::Sha1);
        assert_eq!(
            a.hashes[0].value,
            "b5243d8f3ec1aa35f1364605bc0d1036e30ab69f"
        );
        assert_eq!(
            a.source.as_deref(),
            Some("https://registry.npmjs.org/a/-/a-1.0.0.tgz")
        );
        // Nearest node_modules wins: a's b is the nested 2.0.0.
        assert_eq!(
            a.dependencies,
            vec![
                "pkg:npm/%40s/c@3.0.0".to_string(),
                "pkg:npm/b@2.0.0".to_string(),
                "pkg:npm/o@0.1.0".to_string()
            ]
        );
        let b1 = find(&cs, "b", "1.0.0");
        assert_eq!(
            (b1.scope, b1.groups.clone()),
            (Scope::Dev, vec!["dev".to_string()])
        );
        assert_eq!(b1.relationship, Relationship::Transitive);
        let c = find(&cs, "@s/c", "3.0.0");
        assert_eq!(c.scope, Scope::Optional);
        assert_eq!(c.groups, vec!["dev", "optional"]);
        let o = find(&cs, "o", "0.1.0");
        assert_eq!(o.groups, vec!["optional", "peer"]);
        assert_eq!(find(&cs, "d", "4.0.0").relationship, Relationship::Direct);
        assert_eq!(
            find(&cs, "d", "4.0.0").dependencies,
            vec!["pkg:npm/b@1.0.0".to_string()]
        );
        // The workspace member and its own dependencies are direct.
        let ws = find(&cs, "ws", "0.0.1");
        assert_eq!(ws.relationship, Relationship::Direct);
        assert!(
            ws.first_party,
            "a workspace member is the project's own code"
        );
        assert!(!find(&cs, "a", "1.0.0").first_party);
        let e = find(&cs, "e", "5.0.0");
        assert_eq!(e.relationship, Relationship::Direct);
        assert_eq!(
            e.commit.as_deref(),
            Some("0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
        assert!(!cs.iter().any(|c| c.name == "app"));
    }

    #[test]
    fn v1_nesting_aliases_and_relationships() {
        let text = r#"{
  "lockfileVersion": 1,
  "dependencies": {
    "x": {
      "version": "1.0.0",
      "requires": { "y": "^1.0.0" },
      "dependencies": {
        "y": { "version": "1.5.0" }
      }
    },
    "y": { "version": "2.0.0", "dev": true },
    "z": { "version": "npm:@s/real@3.0.0", "requires": { "y": "2" } },
    "g": { "version": "github:o/g#0a2d2506c1fe299691fc5db53a2097db3bd615bc" }
  }
}"#;
        let cs = extract("package-lock.json", text).unwrap();
        let x = find(&cs, "x", "1.0.0");
        assert_eq!(x.dependencies, vec!["pkg:npm/y@1.5.0".to_string()]);
        assert_eq!(x.relationship, Relationship::Direct);
        let nested = find(&cs, "y", "1.5.0");
        assert_eq!(nested.location.line, Some(8));
        assert_eq!(nested.relationship, Relationship::Transitive);
        // Required by z, so not known to be direct without the manifest.
        assert_eq!(find(&cs, "y", "2.0.0").relationship, Relationship::Unknown);
        let z = find(&cs, "@s/real", "3.0.0");
        assert_eq!(z.dependencies, vec!["pkg:npm/y@2.0.0".to_string()]);
        let g = find(&cs, "g", "");
        assert_eq!(
            g.commit.as_deref(),
            Some("0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
        assert_eq!(
            g.source.as_deref(),
            Some("github:o/g#0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
    }

    #[test]
    fn v1_direct_from_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"dependencies": {"y": "2"}}"#,
        )
        .unwrap();
        let text = r#"{"lockfileVersion": 1, "dependencies": {
            "x": {"version": "1.0.0"}, "y": {"version": "2.0.0", "requires": {"x": "1"}}}}"#;
        let input = Input {
            path: "package-lock.json",
            bytes: text.as_bytes(),
            root: Some(dir.path()),
        };
        let cs = PackageLockJson.extract(&input).unwrap();
        assert_eq!(find(&cs, "y", "2.0.0").relationship, Relationship::Direct);
        assert_eq!(
            find(&cs, "x", "1.0.0").relationship,
            Relationship::Transitive
        );
    }

    #[test]
    fn shrinkwrap_takes_precedence() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("npm-shrinkwrap.json"), "{}").unwrap();
        let text =
            r#"{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"}}}"#;
        let input = |path| Input {
            path,
            bytes: text.as_bytes(),
            root: Some(dir.path()),
        };
        assert!(
            PackageLockJson
                .extract(&input("package-lock.json"))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            PackageLockJson
                .extract(&input("npm-shrinkwrap.json"))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = extract(
            "package-lock.json",
            "{\n  \"packages\": {\n    \"node_modules/a\": 3\n  }\n}",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(23)));
        assert!(e.message.contains("must be an object"), "{e}");
        let e = extract("package-lock.json", "{\n  \"packages\": {,}\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(16)));
        let e = extract("package-lock.json", "null").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(extract("package-lock.json", "{}").unwrap().is_empty());
    }

    #[test]
    fn name_from_paths() {
        assert_eq!(name_from_path("node_modules/a/node_modules/@s/b"), "@s/b");
        assert_eq!(name_from_path("packages/@s/ws"), "@s/ws");
        assert_eq!(name_from_path("deps/etag"), "etag");
        assert_eq!(name_from_path("etag"), "etag");
    }

    fn cdxgen(rel: &str) -> Vec<Component> {
        let path = format!(
            "{}/../../../shared/testdata/cdxgen-testdata/{rel}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        PackageLockJson
            .extract(&Input::in_memory("package-lock.json", &bytes))
            .unwrap()
    }

    #[test]
    fn real_lockfiles() {
        for (rel, min) in [
            ("test/data/package-lock-v1.json", 300),
            ("test/data/package-lock-v2.json", 1000),
            ("test/data/package-lock-v3.json", 300),
            ("test/data/package-json/v2-workspace/package-lock.json", 500),
        ] {
            let cs = cdxgen(rel);
            assert!(cs.len() >= min, "{rel}: only {} components", cs.len());
            // (The v1 sample omits `integrity` for about two thirds of its entries.)
            let with_hash = cs.iter().filter(|c| c.has_integrity()).count();
            assert!(with_hash * 4 >= cs.len(), "{rel}: {with_hash}/{}", cs.len());
            let with_edges = cs.iter().filter(|c| !c.dependencies.is_empty()).count();
            assert!(with_edges > 0, "{rel}: no edges");
            assert!(
                cs.iter().any(|c| c.relationship == Relationship::Direct),
                "{rel}"
            );
        }
        let big = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/bench/inputs/bignode/package-lock.json"
        ))
        .unwrap();
        let cs = PackageLockJson
            .extract(&Input::in_memory("package-lock.json", &big))
            .unwrap();
        assert!(cs.len() > 1500, "{}", cs.len());
    }
}
