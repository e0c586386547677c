//! `dotnet/packageslockjson`: NuGet `packages.lock.json` (lock file versions 1 and 2).
//!
//! `dependencies` maps each target framework (`net8.0`, `net8.0/win-x64`, …) to the packages
//! restored for it. Each package with a `resolved` version is a component, reported once
//! across frameworks and located at its first entry:
//! - `type`: `Direct` → [`Relationship::Direct`]; `Transitive` and `CentralTransitive` →
//!   [`Relationship::Transitive`] (direct in any framework wins). `Project` entries are the
//!   solution's own projects, not third-party components.
//! - `contentHash`: the base64 SHA-512 of the `.nupkg` → a SHA-512 hash.
//! - `dependencies`: edges, resolved to the version locked for the same framework
//!   (package names compared ignoring case, as NuGet does); edges to projects are dropped.
//!
//! The lock file does not say which packages are development-only.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Relationship};

use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `dotnet/packageslockjson`.
pub struct PackagesLockJson;

impl Extractor for PackagesLockJson {
    fn id(&self) -> &'static str {
        "dotnet/packageslockjson"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "packages.lock.json"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: LockFile = input.parse_json(text)?;
        Ok(components(input, text, &lock))
    }
}

#[derive(Deserialize)]
struct LockFile {
    #[serde(default)]
    dependencies: Ordered<Ordered<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type", default)]
    ty: Option<String>,
    #[serde(default)]
    resolved: Option<String>,
    #[serde(rename = "contentHash", default)]
    content_hash: Option<String>,
    #[serde(default)]
    dependencies: Ordered<String>,
}

impl Entry {
    fn is_project(&self) -> bool {
        self.ty
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("project"))
    }
    /// The locked version of a package entry; `None` for projects and unresolved entries.
    fn version(&self) -> Option<&str> {
        if self.is_project() {
            return None;
        }
        self.resolved
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
    fn relationship(&self) -> Relationship {
        match self.ty.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("direct") => Relationship::Direct,
            Some("transitive" | "centraltransitive") => Relationship::Transitive,
            _ => Relationship::Unknown,
        }
    }
}

/// A JSON object read in document order, duplicates kept.
struct Ordered<T>(Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

fn components(input: &Input<'_>, text: &str, lock: &LockFile) -> Vec<Component> {
    let lines = LineIndex::new(text);
    let offsets = package_key_offsets(text);
    let total: usize = lock.dependencies.0.iter().map(|(_, f)| f.0.len()).sum();
    // The scan and the parse see the same keys in the same order; if they ever disagree,
    // lines are left out rather than wrong.
    let offsets = (offsets.len() == total).then_some(offsets);
    let mut nth = 0usize;

    let mut out: Vec<Component> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (_, framework) in &lock.dependencies.0 {
        // Locked versions of this framework, by lower-cased name.
        let locked: HashMap<String, (&str, &str)> = framework
            .0
            .iter()
            .filter_map(|(name, e)| {
                Some((name.to_ascii_lowercase(), (name.as_str(), e.version()?)))
            })
            .collect();
        for (name, entry) in &framework.0 {
            let offset = offsets.as_ref().and_then(|o| o.get(nth).copied());
            nth += 1;
            let Some(version) = entry.version() else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let edges = entry.dependencies.0.iter().filter_map(|(dep, _)| {
                let (dep_name, dep_version) = locked.get(&dep.trim().to_ascii_lowercase())?;
                Some(
                    Ecosystem::NuGet
                        .purl(dep_name.trim(), dep_version)
                        .to_string(),
                )
            });
            let key = (name.to_ascii_lowercase(), version.to_string());
            let c = match index.get(&key) {
                Some(&i) => &mut out[i],
                None => {
                    let line = offset.map(|o| lines.line(o));
                    let mut c =
                        Component::new(Ecosystem::NuGet, name, version, input.location(line));
                    c.hashes = entry
                        .content_hash
                        .as_deref()
                        .and_then(|h| {
                            base64::engine::general_purpose::STANDARD
                                .decode(h.trim())
                                .ok()
                        })
                        .and_then(|b| Hash::from_bytes(HashAlg::Sha512, &b))
                        .into_iter()
                        .collect();
                    index.insert(key, out.len());
                    out.push(c);
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            c.relationship = match (c.relationship, entry.relationship()) {
                (Relationship::Direct, _) | (_, Relationship::Direct) => Relationship::Direct,
                (Relationship::Transitive, _) | (_, Relationship::Transitive) => {
                    Relationship::Transitive
                }
                _ => Relationship::Unknown,
            };
            for edge in edges {
                if !c.dependencies.contains(&edge) {
                    c.dependencies.push(edge);
                }
            }
        }
    }
    out
}

/// Byte offsets of the package keys (`"dependencies" → framework → package`), in document
/// order. One pass over the already-validated JSON.
fn package_key_offsets(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_dependencies = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(b.len());
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b.get(j) == Some(&b':') {
                    if depth == 1 {
                        in_dependencies = b.get(start + 1..end) == Some(b"dependencies".as_slice());
                    } else if depth == 3 && in_dependencies {
                        out.push(start);
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Result<Vec<Component>, ParseError> {
        PackagesLockJson.extract(&Input::in_memory("packages.lock.json", src.as_bytes()))
    }

    const LOCK: &str = r#"{
  "version": 2,
  "dependencies": {
    "net6.0": {
      "Core.Dep": {
        "type": "Direct",
        "requested": "[1.24.0, )",
        "resolved": "1.24.0",
        "contentHash": "+/qI1j2oU1S4/nvxb2k/wDsol00iGf1AyJX5g3epV7eOpQEP/2xcgh/cxgKMeFgn3U2fmgSiBnQZdkV+l5y0Uw==",
        "dependencies": { "some.dep": "1.1.0", "My.Project": "[1.0.0, )" }
      },
      "Some.Dep": { "type": "Transitive", "resolved": "1.1.1" },
      "My.Project": { "type": "Project", "dependencies": { "Some.Dep": "[1.1.1, )" } }
    },
    "net8.0": {
      "Some.Dep": { "type": "CentralTransitive", "requested": "[1.1.1, )", "resolved": "1.1.1" },
      "Core.Dep": { "type": "Direct", "resolved": "1.24.0" }
    }
  }
}"#;

    #[test]
    fn relationships_hashes_edges_lines() {
        let cs = read(LOCK).unwrap();
        let got: Vec<_> = cs
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.relationship,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Core.Dep", "1.24.0", Relationship::Direct, Some(5)),
                ("Some.Dep", "1.1.1", Relationship::Transitive, Some(12)),
            ]
        );
        assert_eq!(cs[0].hashes.len(), 1);
        assert_eq!(cs[0].hashes[0].alg, HashAlg::Sha512);
        assert!(cs[0].hashes[0].value.starts_with("fbfa88d63da8"));
        assert_eq!(cs[0].hashes[0].value.len(), 128);
        // Resolved to the locked version; the project edge is dropped.
        assert_eq!(cs[0].dependencies, ["pkg:nuget/Some.Dep@1.1.1"]);
        assert!(cs[1].hashes.is_empty());
    }

    #[test]
    fn errors_name_the_place() {
        let e = read("{\n  \"dependencies\": {\n    \"net6.0\": [1]\n  }\n}").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("expected an object"), "{e}");
        let e = read("not\njson").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn key_scan_ignores_strings_and_other_sections() {
        let src = r#"{"x": {"a": {"b": {}}}, "dependencies": {"t": {"p\"q": {"dependencies": {"r": "1"}}, "s": {}}}}"#;
        let offs = package_key_offsets(src);
        assert_eq!(offs.len(), 2);
        assert_eq!(&src[offs[0]..offs[0] + 3], "\"p\\");
        assert_eq!(&src[offs[1]..offs[1] + 3], "\"s\"");
    }

    #[test]
    fn real_lockfiles() {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data"
        );
        let load = |f: &str| {
            let bytes = std::fs::read(format!("{base}/{f}")).unwrap();
            PackagesLockJson
                .extract(&Input::in_memory(f, &bytes))
                .unwrap()
        };
        let cs = load("packages2.lock.json");
        assert_eq!(cs.len(), 34);
        assert_eq!(
            cs.iter()
                .filter(|c| c.relationship == Relationship::Direct)
                .count(),
            3
        );
        assert!(
            cs.iter()
                .all(|c| c.hashes.len() == 1 && c.location.line.is_some())
        );
        let hosting = cs
            .iter()
            .find(|c| c.name == "Microsoft.Extensions.Hosting")
            .unwrap();
        assert_eq!(hosting.version, "6.0.1");
        assert_eq!(hosting.location.line, Some(16));
        assert_eq!(hosting.dependencies.len(), 21);
        assert!(hosting.dependencies.contains(
            &"pkg:nuget/Microsoft.Extensions.Configuration.UserSecrets@6.0.1".to_string()
        ));
        // The project entry is not a component.
        let cs = load("packages3.lock.json");
        assert_eq!(cs.len(), 14);
    }
}
