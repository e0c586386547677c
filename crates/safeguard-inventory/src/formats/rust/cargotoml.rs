//! `Cargo.toml` manifests (not run by discovery: a manifest holds ranges, the lockfile holds
//! versions).
//!
//! Reported, following osv-scalibr:
//! - the `[package]` itself (name and version), in the
//!   `first_party` flag so it is not taken for a third-party
//!   crate;
//! - each dependency that names a version (`regex = "1.5"`, `{ version = "=1.2.3" }`), with
//!   the requirement as written (a leading `=` removed);
//! - each git dependency pinned to a full commit (`rev = "<40 hex>"`), with an empty version
//!   and the commit. Git dependencies on a branch or tag, and path or workspace dependencies
//!   without a version, pin nothing and are skipped.
//!
//! `[dependencies]` are runtime; `[dev-dependencies]` and `[build-dependencies]` are
//! [`Scope::Dev`] with the groups `dev` and `build`. `[target.'cfg(..)'.*]` tables are read
//! the same way. A dependency is renamed through its `package` key.

use std::collections::BTreeMap;

use safeguard_model::{Component, Ecosystem, Relationship, Scope};
use serde::Deserialize;
use toml::Spanned;

use super::{is_commit, toml_error};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `Cargo.toml` manifests (`rust/cargotoml`).
pub struct CargoToml;

type DepTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    package: Option<PackageSection>,
    #[serde(default)]
    dependencies: DepTable,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: DepTable,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: DepTable,
    #[serde(default)]
    target: BTreeMap<String, TargetSection>,
}

#[derive(Deserialize)]
struct PackageSection {
    name: Option<Spanned<String>>,
    #[serde(default)]
    version: Option<toml::Value>,
}

#[derive(Deserialize)]
struct TargetSection {
    #[serde(default)]
    dependencies: DepTable,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: DepTable,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: DepTable,
}

impl Extractor for CargoToml {
    fn id(&self) -> &'static str {
        "rust/cargotoml"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Cargo.toml"
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let manifest: Manifest = toml::from_str(text).map_err(|e| toml_error(input, text, &e))?;
        let lines = LineIndex::new(text);
        let mut out = Vec::new();
        if let Some(pkg) = &manifest.package
            && let Some(name) = &pkg.name
        {
            // `version` may be absent (0.0.0 since Rust 1.75) or `{ workspace = true }`.
            let version = match &pkg.version {
                Some(toml::Value::String(v)) => v.as_str(),
                None => "0.0.0",
                Some(_) => "",
            };
            let mut c = Component::new(
                Ecosystem::Cargo,
                name.get_ref(),
                version,
                input.location(Some(lines.line(name.span().start))),
            );
            c.first_party = true;
            out.push(c);
        }
        let mut sections: Vec<(&DepTable, Option<&str>)> = vec![
            (&manifest.dependencies, None),
            (&manifest.dev_dependencies, Some("dev")),
            (&manifest.build_dependencies, Some("build")),
        ];
        for t in manifest.target.values() {
            sections.push((&t.dependencies, None));
            sections.push((&t.dev_dependencies, Some("dev")));
            sections.push((&t.build_dependencies, Some("build")));
        }
        let first_dep = out.len();
        for (table, group) in sections {
            let mut deps: Vec<_> = table.iter().collect();
            deps.sort_by_key(|(k, _)| k.span().start);
            for (key, value) in deps {
                let Some(mut c) = dependency(input, text, key, value)? else {
                    continue;
                };
                c.location = input.location(Some(lines.line(key.span().start)));
                c.relationship = Relationship::Direct;
                if let Some(g) = group {
                    c.scope = Scope::Dev;
                    c.groups.push(g.to_string());
                }
                let dup = out[first_dep..].iter_mut().find(|o| o.purl == c.purl);
                match dup {
                    // The same crate in [dependencies] and [dev-dependencies] is runtime.
                    Some(o) => {
                        if c.scope == Scope::Runtime {
                            o.scope = Scope::Runtime;
                        }
                        for g in c.groups {
                            if !o.groups.contains(&g) {
                                o.groups.push(g);
                            }
                        }
                    }
                    None => out.push(c),
                }
            }
        }
        Ok(out)
    }
}

/// One dependency entry, or `None` when it pins no version.
fn dependency(
    input: &Input<'_>,
    text: &str,
    key: &Spanned<String>,
    value: &Spanned<toml::Value>,
) -> Result<Option<Component>, ParseError> {
    let at = |msg: String| input.error_at(text, value.span().start, msg);
    let key_name = key.get_ref();
    let new = |name: &str, version: &str| {
        Component::new(Ecosystem::Cargo, name, version, input.location(None))
    };
    match value.get_ref() {
        toml::Value::String(req) => Ok(Some(new(key_name, clean_req(req)))),
        toml::Value::Table(t) => {
            let string = |k: &str| -> Result<Option<&str>, ParseError> {
                match t.get(k) {
                    None => Ok(None),
                    Some(toml::Value::String(s)) => Ok(Some(s.as_str())),
                    Some(_) => Err(at(format!(
                        "dependency {key_name:?}: `{k}` must be a string"
                    ))),
                }
            };
            let name = string("package")?.unwrap_or(key_name);
            let version = string("version")?;
            let git = string("git")?;
            let rev = string("rev")?;
            string("tag")?;
            string("branch")?;
            string("path")?;
            if let Some(v) = version {
                let mut c = new(name, clean_req(v));
                if let Some(g) = git {
                    c.source = Some(g.to_string());
                    c.commit = rev.filter(|r| is_commit(r)).map(str::to_string);
                }
                return Ok(Some(c));
            }
            match (git, rev) {
                (Some(g), Some(r)) if is_commit(r) => {
                    let mut c = new(name, "");
                    c.source = Some(g.to_string());
                    c.commit = Some(r.to_string());
                    Ok(Some(c))
                }
                _ => Ok(None),
            }
        }
        other => Err(at(format!(
            "dependency {key_name:?} must be a version string or a table, not a {}",
            other.type_str()
        ))),
    }
}

/// A version requirement as written, without a leading `=` (an exact pin).
fn clean_req(req: &str) -> &str {
    let r = req.trim();
    r.strip_prefix('=').map_or(r, str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        CargoToml.extract(&Input::in_memory("Cargo.toml", text.as_bytes()))
    }

    #[test]
    fn package_and_dependencies() {
        let c = extract(
            r#"[package]
name = "app"
version = "1.2.0"

[dependencies]
serde = { version = "=1.0.200", features = ["derive"] }
regex = { git = "https://github.com/rust-lang/regex", rev = "0c0990399270277832fbb5b91a1fa118e6f63dba" }
tokio = { git = "https://github.com/tokio-rs/tokio", branch = "master" }
local = { path = "../local" }
ws = { workspace = true }
renamed = { package = "real-name", version = "2" }

[dev-dependencies]
proptest = "1"
serde = "1"

[target.'cfg(unix)'.build-dependencies]
cc = "1.0"
"#,
        )
        .unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.scope,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("app", "1.2.0", Scope::Runtime, Some(2)),
                ("serde", "1.0.200", Scope::Runtime, Some(6)),
                ("regex", "", Scope::Runtime, Some(7)),
                ("real-name", "2", Scope::Runtime, Some(11)),
                ("proptest", "1", Scope::Dev, Some(14)),
                ("serde", "1", Scope::Dev, Some(15)),
                ("cc", "1.0", Scope::Dev, Some(18)),
            ]
        );
        assert!(c[0].first_party);
        assert_eq!(
            c[2].commit.as_deref(),
            Some("0c0990399270277832fbb5b91a1fa118e6f63dba")
        );
        assert_eq!(c[6].groups, ["build"]);
        assert!(
            c[1..]
                .iter()
                .all(|c| c.relationship == Relationship::Direct)
        );
    }

    #[test]
    fn bad_dependency_names_the_place() {
        let err = extract("[dependencies]\nregex = { git = { a = 1 } }\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.contains("`git` must be a string"),
            "{}",
            err.message
        );
        let err = extract("[dependencies]\nregex = 3\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(9)));
    }
}
