//! Readers for Python lockfiles, one module per format:
//!
//! - [`PoetryLock`]: `poetry.lock`, lock-version 1.x (`category`, `[metadata.files]`) and 2.x
//!   (`groups`, per-package `files`).
//! - [`UvLock`]: `uv.lock` (version 1), including workspaces.
//! - [`PdmLock`]: `pdm.lock`, lock_version 3.x/4.x (old `[metadata.files]` and per-package
//!   `files`).
//! - [`PyLock`]: PEP 751 `pylock.toml` and `pylock.<name>.toml`, lock-version 1.0.
//! - [`PipfileLock`]: `Pipfile.lock` (pipfile-spec 6), every category section.
//! - [`Requirements`]: pip `requirements*.txt`, with `-r` includes and pip-compile `# via`
//!   annotations.
//!
//! Names are kept as the lockfile writes them; purls normalise them. Where a lockfile does
//! not say which packages the project asks for itself, the adjacent `pyproject.toml` (or
//! `Pipfile`) is read, when present, to tell direct from transitive dependencies.

mod json_keys;
mod pdm;
mod pipfile;
mod poetry;
mod pylock;
mod pyproject;
mod requirements;
mod uv;

use std::collections::HashMap;

use safeguard_model::{Hash, Scope};
use serde::de::DeserializeOwned;

use crate::{Input, ParseError};

pub(crate) use json_keys::member_lines;
pub use pdm::PdmLock;
pub use pipfile::PipfileLock;
pub use poetry::PoetryLock;
pub use pylock::PyLock;
pub use requirements::Requirements;
pub use uv::UvLock;

/// The PEP 503 normal form of a distribution name: lower case, runs of `-`, `_` and `.`
/// collapsed to one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The distribution name at the start of a PEP 508 requirement string (`requests[socks]>=2;
/// python_version > "3"` gives `requests`). `None` when it does not start with a name.
pub(crate) fn requirement_name(req: &str) -> Option<&str> {
    let req = req.trim_start();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = req.get(..end)?;
    (!name.is_empty()).then_some(name)
}

/// Parses TOML, turning a syntax or shape error into one that names the line and column.
pub(crate) fn parse_toml<T: DeserializeOwned>(
    input: &Input<'_>,
    text: &str,
) -> Result<T, ParseError> {
    toml::from_str(text).map_err(|e| {
        let msg = format!("not a valid lockfile: {}", e.message().trim());
        match e.span() {
            Some(span) => input.error_at(text, span.start.min(text.len()), msg),
            None => input.error(None, None, msg),
        }
    })
}

/// Parses JSON, turning an error into one that names the line and column.
pub(crate) fn parse_json<T: DeserializeOwned>(
    input: &Input<'_>,
    text: &str,
) -> Result<T, ParseError> {
    input.parse_json(text)
}

/// Adds `hash` unless it is already there.
pub(crate) fn push_hash(hashes: &mut Vec<Hash>, hash: Option<Hash>) {
    if let Some(h) = hash
        && !hashes.contains(&h)
    {
        hashes.push(h);
    }
}

/// Locked packages by normalised name, for resolving dependency edges to exact versions.
#[derive(Default)]
pub(crate) struct NameIndex {
    by_name: HashMap<String, Vec<usize>>,
}

impl NameIndex {
    /// Records package `idx` under `name`.
    pub(crate) fn insert(&mut self, name: &str, idx: usize) {
        self.by_name.entry(normalize(name)).or_default().push(idx);
    }

    /// The packages called `name`; when `version` is given and matches some of them, only
    /// those.
    pub(crate) fn resolve<'a>(
        &'a self,
        name: &str,
        version: Option<&str>,
        version_of: impl Fn(usize) -> &'a str,
    ) -> Vec<usize> {
        let Some(all) = self.by_name.get(&normalize(name)) else {
            return Vec::new();
        };
        if let Some(v) = version.filter(|v| !v.is_empty()) {
            let exact: Vec<usize> = all
                .iter()
                .copied()
                .filter(|i| version_of(*i) == v)
                .collect();
            if !exact.is_empty() {
                return exact;
            }
        }
        all.clone()
    }
}

/// Where each package sits in the dependency graph, as worked out by [`classify`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reach {
    /// Reachable from the project's runtime dependencies.
    pub runtime: bool,
    /// Scope when not runtime: `Optional` beats `Dev`.
    pub scope: Option<Scope>,
    /// Names of the non-runtime groups it is reachable from.
    pub groups: Vec<String>,
}

/// A named group of the project's own dependencies (an extra, a dev group).
pub(crate) struct RootGroup {
    pub name: String,
    pub scope: Scope,
    pub members: Vec<usize>,
}

/// Breadth-first reachability over `adj` from the runtime roots and from each group's roots.
/// Linear in the graph per group; groups are few.
pub(crate) fn classify(adj: &[Vec<usize>], runtime: &[usize], groups: &[RootGroup]) -> Vec<Reach> {
    let n = adj.len();
    let mut out = vec![Reach::default(); n];
    let mut seen = vec![false; n];
    let walk = |roots: &[usize], seen: &mut Vec<bool>, visit: &mut dyn FnMut(usize)| {
        seen.iter_mut().for_each(|s| *s = false);
        let mut stack: Vec<usize> = roots.iter().copied().filter(|r| *r < n).collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            visit(i);
            stack.extend(adj[i].iter().copied().filter(|j| *j < n && !seen[*j]));
        }
    };
    walk(runtime, &mut seen, &mut |i| out[i].runtime = true);
    for g in groups {
        let mut reached = Vec::new();
        walk(&g.members, &mut seen, &mut |i| reached.push(i));
        for i in reached {
            let r = &mut out[i];
            if r.runtime {
                continue;
            }
            if !r.groups.contains(&g.name) {
                r.groups.push(g.name.clone());
            }
            r.scope = match (r.scope, g.scope) {
                (Some(Scope::Optional), _) | (_, Scope::Optional) => Some(Scope::Optional),
                (_, s) => Some(s),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_as_pep_503_says() {
        assert_eq!(normalize("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(
            normalize("combination-._-.also_-._valid"),
            "combination-also-valid"
        );
        assert_eq!(requirement_name("requests[socks]>=2"), Some("requests"));
        assert_eq!(
            requirement_name("zope.interface ; x"),
            Some("zope.interface")
        );
        assert_eq!(requirement_name(">=1"), None);
    }

    #[test]
    fn reachability_gives_scopes_and_groups() {
        // 0 -> 1 -> 2; 3 -> 2; 4 alone.
        let adj = vec![vec![1], vec![2], vec![], vec![2], vec![]];
        let groups = [
            RootGroup {
                name: "test".into(),
                scope: Scope::Dev,
                members: vec![3],
            },
            RootGroup {
                name: "cli".into(),
                scope: Scope::Optional,
                members: vec![4, 3],
            },
        ];
        let r = classify(&adj, &[0], &groups);
        assert!(r[0].runtime && r[1].runtime && r[2].runtime);
        assert!(!r[3].runtime);
        assert_eq!(r[3].scope, Some(Scope::Optional));
        assert_eq!(r[3].groups, ["test", "cli"]);
        assert_eq!(r[4].groups, ["cli"]);
        assert!(r[2].groups.is_empty());
    }
}

#[cfg(test)]
mod robustness {
    use crate::{Extractor, Input};

    /// Every fixture of every reader here, cut short at many places and with bytes changed,
    /// either reads or fails with an error naming the file; nothing panics.
    #[test]
    fn damaged_inputs_fail_cleanly() {
        let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/");
        let readers: [(&dyn Extractor, &str); 7] = [
            (
                &super::PoetryLock,
                "osv-scalibr-extractors/python/poetrylock/testdata",
            ),
            (
                &super::UvLock,
                "osv-scalibr-extractors/python/uvlock/testdata",
            ),
            (
                &super::PdmLock,
                "osv-scalibr-extractors/python/pdmlock/testdata",
            ),
            (
                &super::PyLock,
                "osv-scalibr-extractors/python/pylock/testdata",
            ),
            (
                &super::PipfileLock,
                "osv-scalibr-extractors/python/pipfilelock/testdata",
            ),
            (
                &super::Requirements,
                "osv-scalibr-extractors/python/requirements/testdata",
            ),
            (
                &crate::formats::r::RenvLock,
                "osv-scalibr-extractors/r/renvlock/testdata",
            ),
        ];
        let mut errors = 0;
        let mut oks = 0;
        for (reader, dir) in readers {
            let mut files: Vec<_> = std::fs::read_dir(format!("{base}{dir}"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                let step = (bytes.len() / 64).max(1);
                let mut variants: Vec<Vec<u8>> = Vec::new();
                for cut in (0..bytes.len()).step_by(step) {
                    variants.push(bytes[..cut].to_vec());
                    for b in [b'"', b'[', b'{', b'\\', b'=', 0xff, b'\n', b'#'] {
                        let mut v = bytes.clone();
                        v[cut] = b;
                        variants.push(v);
                    }
                }
                for v in &variants {
                    match reader.extract(&Input::in_memory("x/lockfile", v)) {
                        Ok(_) => oks += 1,
                        Err(e) => {
                            assert_eq!(e.file, "x/lockfile");
                            assert!(!e.message.is_empty());
                            errors += 1;
                        }
                    }
                }
            }
        }
        assert!(errors > 1000 && oks > 1000, "{errors} errors, {oks} reads");
    }
}
