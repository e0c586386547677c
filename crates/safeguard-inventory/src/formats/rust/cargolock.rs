//! `Cargo.lock`, lockfile format versions 1 to 4.
//!
//! - Every `[[package]]` becomes a component, in file order, with the line of its `name` key.
//! - `checksum` (v2+) or the v1 `[metadata]` table (`"checksum name version (source)" =
//!   "hex"`) gives the SHA-256 of the `.crate` file.
//! - `dependencies` entries (`"name"`, `"name version"`, `"name version (source)"`) are
//!   resolved to the exact locked packages and become edges.
//! - Packages without `source` are the project's own crates (workspace members and local
//!   path crates). They are reported, as osv-scalibr does, but in the
//!   `first_party` flag and without a registry source, so they
//!   do not pose as third-party code. Dependencies of these crates are
//!   [`Relationship::Direct`]; the rest are [`Relationship::Transitive`].
//! - `source` is the registry or git URL without its `registry+` / `sparse+` / `git+` prefix;
//!   for git sources the `#commit` fragment becomes [`Component::commit`].

use std::collections::{HashMap, HashSet};

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Relationship};
use serde::Deserialize;
use toml::Spanned;

use super::{is_commit, toml_error};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `Cargo.lock` files (`rust/cargolock`).
pub struct CargoLock;

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<Package>,
    /// Format v1 keeps checksums here; other tools may add their own keys.
    #[serde(default)]
    metadata: HashMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<Spanned<String>>,
}

impl Extractor for CargoLock {
    fn id(&self) -> &'static str {
        "rust/cargolock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Cargo.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Lockfile = toml::from_str(text).map_err(|e| toml_error(input, text, &e))?;
        build(input, text, &lock)
    }
}

/// A `dependencies` entry split into its parts.
struct DepRef<'a> {
    name: &'a str,
    version: Option<&'a str>,
    source: Option<&'a str>,
}

fn split_dep(s: &str) -> DepRef<'_> {
    let s = s.trim();
    let (head, source) = match s.split_once(" (") {
        Some((h, rest)) => (h, Some(rest.strip_suffix(')').unwrap_or(rest))),
        None => (s, None),
    };
    let mut words = head.split_whitespace();
    DepRef {
        name: words.next().unwrap_or(""),
        version: words.next(),
        source,
    }
}

/// A source without its `#fragment` (git commit), for tolerant comparison.
fn source_base(s: &str) -> &str {
    s.split_once('#').map_or(s, |(b, _)| b)
}

/// The URL of a Cargo source id and, for git sources, the commit in its fragment.
fn source_url(source: &str) -> (String, Option<String>) {
    let (kind, url) = source.split_once('+').unwrap_or(("", source));
    if kind == "git" {
        match url.split_once('#') {
            Some((u, frag)) => (
                u.to_string(),
                Some(frag.to_string()).filter(|f| is_commit(f)),
            ),
            None => (url.to_string(), None),
        }
    } else {
        (url.to_string(), None)
    }
}

fn build(input: &Input<'_>, text: &str, lock: &Lockfile) -> Result<Vec<Component>, ParseError> {
    let lines = LineIndex::new(text);
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::with_capacity(lock.package.len());
    for (i, p) in lock.package.iter().enumerate() {
        by_name
            .entry(p.name.get_ref().as_str())
            .or_default()
            .push(i);
    }
    let resolve = |dep: &str| -> Option<usize> {
        let d = split_dep(dep);
        let candidates = by_name.get(d.name)?;
        let mut found = candidates
            .iter()
            .copied()
            .filter(|&i| d.version.is_none_or(|v| lock.package[i].version == v));
        let first = found.next()?;
        let Some(src) = d.source else {
            return Some(first);
        };
        let same_source = |i: usize, exact: bool| {
            lock.package[i].source.as_deref().is_some_and(|s| {
                if exact {
                    s == src
                } else {
                    source_base(s) == source_base(src)
                }
            })
        };
        std::iter::once(first)
            .chain(found)
            .find(|&i| same_source(i, true))
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .filter(|&i| d.version.is_none_or(|v| lock.package[i].version == v))
                    .find(|&i| same_source(i, false))
            })
            .or(Some(first))
    };

    // Resolve every edge once.
    let mut edges: Vec<Vec<usize>> = Vec::with_capacity(lock.package.len());
    for p in &lock.package {
        let mut out = Vec::with_capacity(p.dependencies.len());
        for dep in &p.dependencies {
            match resolve(dep.get_ref()) {
                Some(i) => {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
                None => tracing::debug!(
                    file = input.path,
                    line = lines.line(dep.span().start),
                    "dependency {:?} of {} is not a locked package",
                    dep.get_ref(),
                    p.name.get_ref()
                ),
            }
        }
        edges.push(out);
    }

    let members: Vec<usize> = (0..lock.package.len())
        .filter(|&i| lock.package[i].source.is_none())
        .collect();
    let direct: HashSet<usize> = members
        .iter()
        .flat_map(|&m| edges[m].iter().copied())
        .collect();

    // v1 checksums: "checksum name version (source)" = "hex".
    let mut v1_sums: HashMap<&str, &str> = HashMap::new();
    for (key, value) in &lock.metadata {
        if let (Some(rest), Some(hex)) = (key.strip_prefix("checksum "), value.as_str()) {
            v1_sums.insert(rest, hex);
        }
    }

    let mut out: Vec<Component> = Vec::with_capacity(lock.package.len());
    for (i, p) in lock.package.iter().enumerate() {
        let name = p.name.get_ref();
        let line = lines.line(p.name.span().start);
        let mut c = Component::new(
            Ecosystem::Cargo,
            name,
            &p.version,
            input.location(Some(line)),
        );
        let checksum = p.checksum.as_deref().or_else(|| {
            let src = p.source.as_deref()?;
            v1_sums
                .get(format!("{name} {} ({src})", p.version).as_str())
                .copied()
        });
        if let Some(h) = checksum.and_then(|h| Hash::from_hex(HashAlg::Sha256, h)) {
            c.hashes.push(h);
        }
        match p.source.as_deref() {
            Some(src) => {
                let (url, commit) = source_url(src);
                c.source = Some(url);
                c.commit = commit;
            }
            None => c.first_party = true,
        }
        c.relationship = if direct.contains(&i) {
            Relationship::Direct
        } else if members.is_empty() || p.source.is_none() {
            Relationship::Unknown
        } else {
            Relationship::Transitive
        };
        out.push(c);
    }
    for (i, deps) in edges.iter().enumerate() {
        let mut purls: Vec<String> = Vec::with_capacity(deps.len());
        for &d in deps {
            if !purls.contains(&out[d].purl) {
                purls.push(out[d].purl.clone());
            }
        }
        out[i].dependencies = purls;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        CargoLock.extract(&Input::in_memory("Cargo.lock", text.as_bytes()))
    }

    const V3: &str = r#"# generated
version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "serde 1.0.1",
 "cfg-if",
 "helper",
]

[[package]]
name = "helper"
version = "0.2.0"
dependencies = ["serde 2.0.0"]

[[package]]
name = "serde"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "F71489FF30030D2AE598524F61326B902466F72A0FB1A8564C001CC63425BCC7"

[[package]]
name = "serde"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["cfg-if"]

[[package]]
name = "cfg-if"
version = "1.0.0"
source = "git+https://github.com/x/cfg-if?branch=main#0c0990399270277832fbb5b91a1fa118e6f63dba"
"#;

    #[test]
    fn v3_edges_direct_hashes_and_workspace() {
        let c = extract(V3).unwrap();
        let names: Vec<_> = c
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("app", "0.1.0"),
                ("helper", "0.2.0"),
                ("serde", "1.0.1"),
                ("serde", "2.0.0"),
                ("cfg-if", "1.0.0")
            ]
        );
        assert!(c[0].first_party);
        assert_eq!(c[0].source, None);
        assert_eq!(c[0].relationship, Relationship::Unknown);
        assert_eq!(
            c[0].dependencies,
            [
                "pkg:cargo/serde@1.0.1",
                "pkg:cargo/cfg-if@1.0.0",
                "pkg:cargo/helper@0.2.0"
            ]
        );
        // helper is a member that app depends on.
        assert_eq!(c[1].relationship, Relationship::Direct);
        assert_eq!(c[2].relationship, Relationship::Direct);
        assert_eq!(c[3].relationship, Relationship::Direct); // via helper
        assert_eq!(c[4].relationship, Relationship::Direct);
        assert_eq!(c[3].dependencies, ["pkg:cargo/cfg-if@1.0.0"]);
        assert_eq!(
            c[2].hashes,
            [Hash {
                alg: HashAlg::Sha256,
                value: "f71489ff30030d2ae598524f61326b902466f72a0fb1a8564c001cc63425bcc7".into()
            }]
        );
        assert!(c[3].hashes.is_empty());
        assert_eq!(
            c[2].source.as_deref(),
            Some("https://github.com/rust-lang/crates.io-index")
        );
        assert_eq!(
            c[4].source.as_deref(),
            Some("https://github.com/x/cfg-if?branch=main")
        );
        assert_eq!(
            c[4].commit.as_deref(),
            Some("0c0990399270277832fbb5b91a1fa118e6f63dba")
        );
        let lines: Vec<_> = c.iter().map(|c| c.location.line.unwrap()).collect();
        assert_eq!(lines, [5, 14, 19, 25, 31]);
    }

    #[test]
    fn transitive_when_not_a_member_dependency() {
        let text = r#"
[[package]]
name = "root"
version = "0.1.0"
dependencies = ["a"]

[[package]]
name = "a"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["b"]

[[package]]
name = "b"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        let c = extract(text).unwrap();
        assert_eq!(c[1].relationship, Relationship::Direct);
        assert_eq!(c[2].relationship, Relationship::Transitive);
    }

    #[test]
    fn v1_metadata_checksums_and_full_dependency_ids() {
        let text = r#"
[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "libc 0.2.40 (registry+https://github.com/rust-lang/crates.io-index)",
 "libc 0.2.40 (git+https://github.com/me/libc#0c0990399270277832fbb5b91a1fa118e6f63dba)",
]

[[package]]
name = "libc"
version = "0.2.40"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "libc"
version = "0.2.40"
source = "git+https://github.com/me/libc#0c0990399270277832fbb5b91a1fa118e6f63dba"

[metadata]
"checksum libc 0.2.40 (registry+https://github.com/rust-lang/crates.io-index)" = "e32a70cf75e5846d53a673923498228bbec6a8624708a9ea5645f075d6276122"
"checksum libc 0.2.40 (git+https://github.com/me/libc#0c0990399270277832fbb5b91a1fa118e6f63dba)" = "<none>"
"#;
        let c = extract(text).unwrap();
        assert_eq!(
            c[1].hashes[0].value,
            "e32a70cf75e5846d53a673923498228bbec6a8624708a9ea5645f075d6276122"
        );
        assert!(c[2].hashes.is_empty());
        assert_eq!(c[0].dependencies.len(), 1, "both ids share one purl");
        assert_eq!(c[1].relationship, Relationship::Direct);
        assert_eq!(c[2].relationship, Relationship::Direct);
    }

    #[test]
    fn dependency_resolution_prefers_the_exact_source() {
        let lock: Lockfile = toml::from_str(
            r#"
[[package]]
name = "x"
version = "1.0.0"
source = "registry+https://a"
[[package]]
name = "x"
version = "1.0.0"
source = "registry+https://b"
[[package]]
name = "y"
version = "1.0.0"
dependencies = ["x 1.0.0 (registry+https://b)"]
"#,
        )
        .unwrap();
        // Both have the same purl, so check the Direct flag landed on the right one.
        let c = build(&Input::in_memory("Cargo.lock", b""), "", &lock).unwrap();
        assert_eq!(c[0].relationship, Relationship::Transitive);
        assert_eq!(c[1].relationship, Relationship::Direct);
    }

    #[test]
    fn errors_name_the_place() {
        let err = extract("[[package]]\nname = \"a\"\nversion = \n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.column.is_some());
        let err = extract("[[package]]\nname = \"a\"\n").unwrap_err();
        assert!(err.message.contains("version"), "{}", err.message);
        assert!(err.line.is_some());
    }

    #[test]
    fn big_real_lockfiles() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/bench/inputs/bigrust/Cargo.lock"
        );
        let bytes = std::fs::read(path).unwrap();
        let c = CargoLock
            .extract(&Input::in_memory("Cargo.lock", &bytes))
            .unwrap();
        assert_eq!(c.len(), 1066);
        assert!(c.iter().any(|c| c.name == "serde"));
        let third_party = c.iter().filter(|c| c.source.is_some()).count();
        assert!(third_party > 900, "{third_party}");
        assert!(c.iter().filter(|c| c.source.is_some()).all(|c| {
            c.has_integrity()
                || c.commit.is_some()
                || !c.source.as_deref().unwrap_or("").contains("crates.io")
        }));
        assert!(c.iter().any(|c| c.relationship == Relationship::Direct));
        assert!(c.iter().any(|c| c.relationship == Relationship::Transitive));

        for rel in ["test/Cargo.lock", "test/data/Cargom.lock"] {
            let path = format!(
                "{}/../../../shared/testdata/cdxgen-testdata/{rel}",
                env!("CARGO_MANIFEST_DIR")
            );
            let bytes = std::fs::read(&path).unwrap();
            let c = CargoLock
                .extract(&Input::in_memory("Cargo.lock", &bytes))
                .unwrap();
            assert!(c.len() > 150, "{rel}: {}", c.len());
            assert!(c.iter().all(|c| c.location.line.is_some()));
        }
    }
}
