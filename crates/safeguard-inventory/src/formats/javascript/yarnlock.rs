//! `yarn.lock`: yarn classic (v1) and yarn berry (v2 and later).
//!
//! - Classic: yarn's own indented text format. Each entry starts with the specifiers it
//!   satisfies (`"a@^1.0.0", a@~1.2.0:`) and holds `version`, `resolved`, `integrity` and the
//!   `dependencies` / `optionalDependencies` it was resolved with.
//! - Berry: YAML with a `__metadata` entry; entries carry `version`, `resolution`
//!   (`name@npm:1.2.3`, `name@https://…#commit=…`, `name@workspace:path`, `patch:`…) and
//!   `checksum` (yarn's SHA-512 of its cache archive, reported as the SHA-512 hash).
//!   `workspace:` entries are the project's own packages: the root (`workspace:.`) is left
//!   out, other workspaces are reported with `first_party` set, and what they depend on is
//!   what the project depends on directly.
//!
//! Edges are resolved through the specifiers (`name@range`). The root `package.json` (and,
//! for berry, each workspace's `package.json`) read from beside the lockfile tell direct
//! dependencies and dev / optional scopes; without them the relationship is unknown.
//! Git sources give the commit, from `resolved` / `resolution` or else from the specifier.

use std::collections::HashMap;

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Relationship};
use serde::Deserialize;

use super::yaml::{self, Entries};
use super::{
    Edge, Manifest, Merger, as_commit, classify, commit_of, groups_for, is_git_spec,
    split_at_version, sri_hashes,
};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `javascript/yarnlock`: `yarn.lock`, classic (v1) and berry (v2+).
pub struct YarnLock;

impl Extractor for YarnLock {
    fn id(&self) -> &'static str {
        "javascript/yarnlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "yarn.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        // Berry files start with `__metadata`; a berry file stripped of it still uses
        // `resolution:` fields, which classic files never have.
        let berry = text.lines().any(|l| {
            l.starts_with("__metadata:")
                || l.starts_with("\"__metadata\":")
                || l.starts_with("  resolution: ")
        });
        let entries = if berry {
            parse_berry(input, text)?
        } else {
            parse_classic(input, text)?
        };
        Ok(build(input, entries, berry))
    }
}

/// One lockfile entry, either format.
#[derive(Debug, Default)]
struct Entry {
    specs: Vec<String>,
    line: u32,
    version: String,
    /// Classic `resolved` URL or berry `resolution` locator.
    resolved: Option<String>,
    integrity: Option<String>,
    checksum: Option<String>,
    /// Name, range, optional.
    deps: Vec<(String, String, bool)>,
}

// ---- classic (v1) ----

/// Reads a possibly quoted token at the start of `s`: the token and the rest after it.
fn token(s: &str) -> Result<(String, &str), &'static str> {
    if let Some(body) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, &body[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err("unterminated quoted string")
    } else {
        let end = s.find([' ', '\t']).unwrap_or(s.len());
        Ok((s[..end].to_string(), &s[end..]))
    }
}

/// Splits an entry header (without its final `:`) into its specifiers.
fn header_specs(s: &str) -> Result<Vec<String>, &'static str> {
    let mut specs = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (spec, after) = if rest.starts_with('"') {
            token(rest)?
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            (rest[..end].trim().to_string(), &rest[end..])
        };
        if spec_name(&spec).is_empty() {
            return Err("a specifier has no package name (expected `name@range`)");
        }
        specs.push(spec);
        rest = after.trim_start();
        match rest.strip_prefix(',') {
            Some(r) => rest = r.trim_start(),
            None if rest.is_empty() => {}
            None => return Err("expected `,` between specifiers"),
        }
    }
    Ok(specs)
}

/// A `key value` or `key:` line: the key and, for the first form, the value.
fn key_value(s: &str) -> Result<(String, Option<String>), &'static str> {
    let (mut key, rest) = token(s)?;
    let rest = rest.trim();
    if rest.is_empty() || rest == ":" {
        if !s.starts_with('"') && key.ends_with(':') {
            key.pop();
            return Ok((key, None));
        }
        if rest == ":" {
            return Ok((key, None));
        }
        return Ok((key, Some(String::new())));
    }
    let rest = rest.strip_prefix(':').map_or(rest, str::trim_start);
    let value = if rest.starts_with('"') {
        token(rest)?.0
    } else {
        rest.to_string()
    };
    Ok((key, Some(value)))
}

fn parse_classic(input: &Input<'_>, text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut field_indent = 0usize;
    let mut section: Option<(String, usize)> = None; // (map key, indent of its children)
    for (n, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim_start();
        let trimmed = trimmed.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let at = |msg: &str, col: usize| {
            input.error(
                Some(line_no),
                Some(u32::try_from(col + 1).unwrap_or(u32::MAX)),
                msg.to_string(),
            )
        };
        if indent == 0 {
            let Some(header) = trimmed.strip_suffix(':') else {
                return Err(at(
                    "expected an entry header such as `name@^1.0.0:` (a line ending with `:`)",
                    0,
                ));
            };
            let specs = header_specs(header).map_err(|m| at(m, 0))?;
            entries.push(Entry {
                specs,
                line: line_no,
                ..Entry::default()
            });
            field_indent = 0;
            section = None;
            continue;
        }
        let Some(entry) = entries.last_mut() else {
            return Err(at("indented line before the first entry", indent));
        };
        if field_indent == 0 {
            field_indent = indent;
        }
        if indent <= field_indent {
            let (key, value) = key_value(trimmed).map_err(|m| at(m, indent))?;
            match value {
                None => section = Some((key, 0)),
                Some(v) => {
                    section = None;
                    match key.as_str() {
                        "version" => entry.version = v,
                        "resolved" => entry.resolved = Some(v),
                        "integrity" => entry.integrity = Some(v),
                        _ => {}
                    }
                }
            }
        } else if let Some((name, child_indent)) = &mut section {
            if *child_indent == 0 {
                *child_indent = indent;
            }
            if indent != *child_indent {
                continue; // deeper levels (dependenciesMeta entries) are not needed
            }
            let optional = match name.as_str() {
                "dependencies" => false,
                "optionalDependencies" => true,
                _ => continue,
            };
            let (dep, range) = key_value(trimmed).map_err(|m| at(m, indent))?;
            entry.deps.push((dep, range.unwrap_or_default(), optional));
        }
    }
    Ok(entries)
}

// ---- berry (v2+) ----

#[derive(Deserialize, Default)]
struct BerryEntry {
    version: Option<String>,
    resolution: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Entries<Option<String>>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Entries<Option<String>>,
    #[serde(default, rename = "dependenciesMeta")]
    dependencies_meta: Entries<Option<DependencyMeta>>,
}

#[derive(Deserialize, Default)]
struct DependencyMeta {
    optional: Option<bool>,
}

fn parse_berry(input: &Input<'_>, text: &str) -> Result<Vec<Entry>, ParseError> {
    let doc: Option<Entries<Option<BerryEntry>>> = yaml::parse(input, text)?;
    let mut out = Vec::new();
    for (key, value) in doc.unwrap_or_default().0 {
        if key.text == "__metadata" {
            continue;
        }
        let e = value.unwrap_or_default();
        // Berry lists optional dependencies with the others and flags them in
        // `dependenciesMeta`.
        let optional_names: Vec<&str> = e
            .dependencies_meta
            .iter()
            .filter(|(_, m)| m.as_ref().and_then(|m| m.optional).unwrap_or(false))
            .map(|(n, _)| n)
            .collect();
        let mut deps = Vec::new();
        for (list, optional) in [(&e.dependencies, false), (&e.optional_dependencies, true)] {
            for (k, v) in list.iter() {
                let optional = optional || optional_names.contains(&k);
                deps.push((k.to_string(), v.clone().unwrap_or_default(), optional));
            }
        }
        let specs = header_specs(&key.text).unwrap_or_else(|_| vec![key.text.clone()]);
        let resolved_name = e
            .resolution
            .as_deref()
            .and_then(split_at_version)
            .map_or("", |(n, _)| n);
        if resolved_name.is_empty()
            && (specs.is_empty() || specs.iter().any(|s| spec_name(s).is_empty()))
        {
            return Err(input.error(
                Some(key.line),
                None,
                format!(
                    "the entry {:?} names no package (expected `name@range`)",
                    key.text.chars().take(80).collect::<String>()
                ),
            ));
        }
        out.push(Entry {
            specs,
            line: key.line,
            version: e.version.unwrap_or_default(),
            resolved: e.resolution,
            integrity: None,
            checksum: e.checksum,
            deps,
        });
    }
    Ok(out)
}

// ---- both ----

/// The package name of a specifier (`a@^1`, `@s/a@npm:^1`, `alias@npm:real@^1`, `a`).
fn spec_name(spec: &str) -> &str {
    match split_at_version(spec) {
        Some((name, range)) => range
            .strip_prefix("npm:")
            .and_then(split_at_version)
            .map_or(name, |(real, _)| real),
        None => spec,
    }
}

/// The range part of a specifier.
fn spec_range(spec: &str) -> &str {
    split_at_version(spec).map_or("", |(_, r)| r)
}

/// The workspace folder of a berry `name@workspace:<path>` resolution.
fn workspace_path(entry: &Entry) -> Option<&str> {
    let (_, rest) = split_at_version(entry.resolved.as_deref()?)?;
    rest.strip_prefix("workspace:")
}

fn build(input: &Input<'_>, entries: Vec<Entry>, berry: bool) -> Vec<Component> {
    let mut specs: HashMap<&str, usize> = HashMap::with_capacity(entries.len() * 2);
    for (i, e) in entries.iter().enumerate() {
        for s in &e.specs {
            specs.entry(s.as_str()).or_insert(i);
        }
    }
    let mut buf = String::new();
    let mut lookup = |name: &str, range: &str| -> Option<usize> {
        for protocol in ["", "npm:"] {
            buf.clear();
            buf.push_str(name);
            buf.push('@');
            buf.push_str(protocol);
            buf.push_str(range);
            if let Some(&i) = specs.get(buf.as_str()) {
                return Some(i);
            }
        }
        None
    };

    let edges: Vec<Vec<Edge>> = entries
        .iter()
        .map(|e| {
            e.deps
                .iter()
                .filter_map(|(n, r, optional)| {
                    lookup(n, r).map(|to| Edge {
                        to,
                        optional: *optional,
                    })
                })
                .collect()
        })
        .collect();

    // Roots: what the project declares.
    let (mut prod, mut optional, mut dev) = (Vec::new(), Vec::new(), Vec::new());
    let mut roots_known = false;
    let mut partial = false;
    if berry {
        let mut manifests_read = 0;
        for (i, e) in entries.iter().enumerate() {
            let Some(path) = workspace_path(e) else {
                continue;
            };
            roots_known = true;
            let manifest = (manifests_read < 256)
                .then(|| {
                    manifests_read += 1;
                    let rel = if path == "." || path.is_empty() {
                        "package.json".to_string()
                    } else {
                        format!("{}/package.json", path.trim_end_matches('/'))
                    };
                    Manifest::read(input, &rel)
                })
                .flatten();
            for (edge, (name, _, _)) in edges[i].iter().zip(&e.deps) {
                let kind = manifest.as_ref().map_or(0, |m| {
                    let has = |l: &[(String, String)]| l.iter().any(|(n, _)| n == name);
                    if has(&m.dependencies) || has(&m.peer) {
                        0
                    } else if has(&m.optional) {
                        1
                    } else if has(&m.dev) {
                        2
                    } else {
                        0
                    }
                });
                match kind {
                    0 if !edge.optional => prod.push(edge.to),
                    0 | 1 => optional.push(edge.to),
                    _ => dev.push(edge.to),
                }
            }
        }
    } else if let Some(m) = Manifest::read(input, "package.json") {
        roots_known = true;
        partial = m.has_workspaces;
        prod.extend(m.dependencies.iter().filter_map(|(n, r)| lookup(n, r)));
        prod.extend(m.peer.iter().filter_map(|(n, r)| lookup(n, r)));
        optional.extend(m.optional.iter().filter_map(|(n, r)| lookup(n, r)));
        dev.extend(m.dev.iter().filter_map(|(n, r)| lookup(n, r)));
    }
    let scopes = classify(&edges, &prod, &optional, &dev);
    let mut direct = vec![false; entries.len()];
    for &r in prod.iter().chain(&optional).chain(&dev) {
        direct[r] = true;
    }

    let mut merger = Merger::default();
    let mut comp_of: Vec<Option<usize>> = vec![None; entries.len()];
    for (i, e) in entries.iter().enumerate() {
        // The root workspace is the project; other workspaces are its own packages, reported
        // but marked first-party so inventories leave them out.
        let workspace = workspace_path(e);
        if workspace.is_some_and(|p| p == "." || p.is_empty()) {
            continue;
        }
        let first = e.specs.first().map_or("", String::as_str);
        let resolution = e.resolved.as_deref().and_then(split_at_version);
        let name = match (berry, resolution) {
            (true, Some((n, _))) if !n.is_empty() => n,
            _ => spec_name(first),
        };
        let mut c = Component::new(
            Ecosystem::Npm,
            name,
            &e.version,
            input.location(Some(e.line)),
        );
        c.first_party = workspace.is_some();
        if let Some(scope) = scopes[i] {
            c.scope = scope;
            c.groups = groups_for(scope);
        }
        c.relationship = if direct[i] {
            Relationship::Direct
        } else if roots_known && !(partial && scopes[i].is_none()) {
            Relationship::Transitive
        } else {
            Relationship::Unknown
        };
        if berry {
            if let Some((_, rest)) = resolution
                && !rest.starts_with("npm:")
                && !rest.starts_with("patch:")
            {
                c.source = Some(rest.to_string());
                if is_git_spec(rest) || rest.contains("#commit") {
                    c.commit = commit_of(rest);
                }
            }
            if let Some(sum) = &e.checksum {
                let hex = sum.rsplit_once('/').map_or(sum.as_str(), |(_, h)| h);
                c.hashes.extend(Hash::from_hex(HashAlg::Sha512, hex));
            }
        } else {
            if let Some(sri) = &e.integrity {
                c.hashes = sri_hashes(sri);
            }
            if let Some(url) = &e.resolved {
                let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
                if path.ends_with(".tgz") {
                    // Registry tarballs: the fragment is the tarball's SHA-1.
                    if c.hashes.is_empty() {
                        c.hashes.extend(Hash::from_hex(HashAlg::Sha1, fragment));
                    }
                } else {
                    c.commit = commit_of(url);
                }
                c.source = Some(url.clone());
            }
        }
        if c.commit.is_none() {
            // The specifier may pin the commit (`name@https://host/repo.git#<sha>`).
            let range = spec_range(first);
            if is_git_spec(range) || range.contains("://") {
                c.commit = range.rsplit_once('#').and_then(|(_, f)| as_commit(f));
            }
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
    merger.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::Scope;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        YarnLock.extract(&Input::in_memory("yarn.lock", text.as_bytes()))
    }

    fn extract_with_manifest(text: &str, files: &[(&str, &str)]) -> Vec<Component> {
        let dir = tempfile::tempdir().unwrap();
        for (p, body) in files {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, body).unwrap();
        }
        YarnLock
            .extract(&Input {
                path: "yarn.lock",
                bytes: text.as_bytes(),
                root: Some(dir.path()),
            })
            .unwrap()
    }

    fn find<'c>(cs: &'c [Component], name: &str, version: &str) -> &'c Component {
        cs.iter()
            .find(|c| c.name == name && c.version == version)
            .unwrap_or_else(|| panic!("{name}@{version} missing from {cs:#?}"))
    }

    const CLASSIC: &str = r#"# yarn lockfile v1


"@s/a@^1.0.0", "@s/a@~1.2.0":
  version "1.2.3"
  resolved "https://registry.yarnpkg.com/@s/a/-/a-1.2.3.tgz#41ae2eeb65efa62268aebfea83ac7d79299b0887"
  dependencies:
    b "^2.0.0"
  optionalDependencies:
    "c" "1"
  dependenciesMeta:
    c:
      optional true

b@^2.0.0:
  version "2.0.1"
  integrity sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=

c@1:
  version "1.0.0"

d@^4:
  version "4.0.0"
  dependencies:
    b "^2.0.0"

"g@https://github.com/o/g.git#v1":
  version "0.1.0"
  resolved "git+https://github.com/o/g.git#0a2d2506c1fe299691fc5db53a2097db3bd615bc"
"#;

    #[test]
    fn specifiers_without_a_name_are_errors() {
        // Found by the `lockfile` fuzz target: a header starting with `,` made a component with
        // an empty name.
        let err =
            extract("# yarn lockfile v1\n\n, cat-x@1.0.1:\n  version \"1.0.1\"\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("no package name"), "{}", err.message);
        let err = extract("__metadata:\n  version: 6\n\n\"\":\n  version: 1.0.0\n").unwrap_err();
        assert!(err.message.contains("names no package"), "{}", err.message);
    }

    #[test]
    fn classic_fields_edges_and_lines() {
        let cs = extract(CLASSIC).unwrap();
        assert_eq!(cs.len(), 5);
        let a = find(&cs, "@s/a", "1.2.3");
        assert_eq!(a.location.line, Some(4));
        assert_eq!(
            a.hashes,
            vec![
                Hash::from_hex(HashAlg::Sha1, "41ae2eeb65efa62268aebfea83ac7d79299b0887").unwrap()
            ]
        );
        assert_eq!(a.commit, None);
        assert_eq!(a.dependencies, vec!["pkg:npm/b@2.0.1", "pkg:npm/c@1.0.0"]);
        assert_eq!(a.relationship, Relationship::Unknown);
        let b = find(&cs, "b", "2.0.1");
        assert_eq!(
            b.hashes[0].value,
            "b5243d8f3ec1aa35f1364605bc0d1036e30ab69f"
        );
        let g = find(&cs, "g", "0.1.0");
        assert_eq!(
            g.commit.as_deref(),
            Some("0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
    }

    #[test]
    fn classic_scopes_from_the_manifest() {
        let cs = extract_with_manifest(
            CLASSIC,
            &[(
                "package.json",
                r#"{"dependencies": {"@s/a": "^1.0.0"}, "devDependencies": {"d": "^4"}}"#,
            )],
        );
        let a = find(&cs, "@s/a", "1.2.3");
        assert_eq!(
            (a.relationship, a.scope),
            (Relationship::Direct, Scope::Runtime)
        );
        assert_eq!(find(&cs, "b", "2.0.1").scope, Scope::Runtime);
        assert_eq!(find(&cs, "c", "1.0.0").scope, Scope::Optional);
        let d = find(&cs, "d", "4.0.0");
        assert_eq!(
            (d.relationship, d.scope),
            (Relationship::Direct, Scope::Dev)
        );
        let g = find(&cs, "g", "0.1.0");
        assert_eq!(g.relationship, Relationship::Transitive);
    }

    const BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 8
  cacheKey: 10c0

"a@npm:^1.0.0":
  version: 1.0.0
  resolution: "a@npm:1.0.0"
  dependencies:
    b: "npm:^2.0.0"
  checksum: 10c0/a91daeddd54746338478eef88af3439a7edf30f8e23196e2d6ed182da9add559c601266dbef01c2efa46a958ad6f1f8b176799657616c702b5b02e799e7fd8dc
  languageName: node
  linkType: hard

"b-alias@npm:b@^2.0.0, b@npm:^2.0.0":
  version: 2.0.0
  resolution: "b@npm:2.0.0"
  languageName: node
  linkType: hard

"g@https://github.com/o/g.git#main":
  version: 1.10
  resolution: "g@https://github.com/o/g.git#commit=0a2d2506c1fe299691fc5db53a2097db3bd615bc"

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    a: "npm:^1.0.0"
    g: "https://github.com/o/g.git#main"
    lib: "workspace:^"
  languageName: unknown
  linkType: soft

"lib@workspace:^, lib@workspace:packages/lib":
  version: 0.0.0-use.local
  resolution: "lib@workspace:packages/lib"
  dependencies:
    b: ^2.0.0
  languageName: unknown
  linkType: soft
"#;

    #[test]
    fn berry_fields_workspaces_and_scopes() {
        let cs = extract_with_manifest(
            BERRY,
            &[
                (
                    "package.json",
                    r#"{"dependencies": {"a": "^1"}, "devDependencies": {"g": "x", "lib": "workspace:^"}}"#,
                ),
                (
                    "packages/lib/package.json",
                    r#"{"devDependencies": {"b": "^2.0.0"}}"#,
                ),
            ],
        );
        assert_eq!(cs.len(), 4, "{cs:#?}");
        let lib = cs
            .iter()
            .find(|c| c.name == "lib")
            .expect("workspace member");
        assert!(lib.first_party);
        assert!(
            cs.iter()
                .filter(|c| c.name != "lib")
                .all(|c| !c.first_party)
        );
        let a = find(&cs, "a", "1.0.0");
        assert_eq!(a.location.line, Some(7));
        assert_eq!(a.hashes[0].alg, HashAlg::Sha512);
        assert!(a.hashes[0].value.starts_with("a91daedd"));
        assert_eq!(a.dependencies, vec!["pkg:npm/b@2.0.0"]);
        assert_eq!(
            (a.relationship, a.scope),
            (Relationship::Direct, Scope::Runtime)
        );
        assert_eq!(a.source, None);
        // b is runtime through a, although lib only needs it for development.
        let b = find(&cs, "b", "2.0.0");
        assert_eq!(
            (b.relationship, b.scope),
            (Relationship::Direct, Scope::Runtime)
        );
        let g = find(&cs, "g", "1.10");
        assert_eq!(
            g.commit.as_deref(),
            Some("0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
        assert_eq!(g.scope, Scope::Dev);
        assert!(!cs.iter().any(|c| c.name == "app"));
    }

    #[test]
    fn berry_optional_dependencies_meta() {
        let text = "\"app@workspace:.\":
  version: 0.0.0-use.local
  resolution: \"app@workspace:.\"
  dependencies:
    f: \"npm:^2\"
  dependenciesMeta:
    f:
      optional: true

\"f@npm:^2\":
  version: 2.0.0
  resolution: \"f@npm:2.0.0\"
";
        let cs = extract(text).unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].scope, Scope::Optional);
        assert_eq!(cs[0].relationship, Relationship::Direct);
        assert_eq!(cs[0].location.line, Some(10));
    }

    #[test]
    fn errors_name_the_place() {
        let e = extract("# yarn lockfile v1\n\na@1:\n  version \"1\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(3)));
        let e = extract("# yarn lockfile v1\nnot a header\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        let e = extract("__metadata:\n  version: 8\n\"a@npm:1\":\n  version: [1\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(extract("").unwrap().is_empty());
        assert!(extract("__metadata:\n  version: 8\n").unwrap().is_empty());
    }

    fn cdxgen(rel: &str) -> Vec<Component> {
        let path = format!(
            "{}/../../../shared/testdata/cdxgen-testdata/test/data/{rel}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        YarnLock
            .extract(&Input::in_memory("yarn.lock", &bytes))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    #[test]
    fn real_lockfiles() {
        for (rel, min) in [
            ("yarn_locks/yarn.lock", 1000),
            ("yarn_locks/yarn-multi.lock", 1000),
            ("yarn_locks/yarnv1-fs.lock", 300),
            ("yarn_locks/yarnv2.lock", 500),
            ("yarn_locks/yarnv3.lock", 200),
            ("yarn_locks/yarnv4.lock", 1000),
            ("yarn_locks/yarnv4.1.lock", 500),
            ("yarn_locks/yarn7.lock", 500),
        ] {
            let cs = cdxgen(rel);
            assert!(cs.len() >= min, "{rel}: only {} components", cs.len());
            let hashed = cs.iter().filter(|c| c.has_integrity()).count();
            assert!(hashed * 2 >= cs.len(), "{rel}: {hashed}/{}", cs.len());
            assert!(
                cs.iter().any(|c| !c.dependencies.is_empty()),
                "{rel}: no edges"
            );
            assert!(
                cs.iter().all(|c| !c.name.is_empty()),
                "{rel}: nameless component"
            );
        }
        for rel in [
            "yarn_locks/yarn-at.lock",
            "yarn_locks/yarn3.lock",
            "yarn_locks/yarn4.lock",
        ] {
            cdxgen(rel);
        }
    }
}
