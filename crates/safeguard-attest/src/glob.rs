//! Globs over relative paths: `*` and `?` within one component, `**` for any number of
//! components. Used for the artefacts of [`crate::repro`] and the released files `assess`
//! checks. Matching is iterative (no recursion, no exponential backtracking).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a glob cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("glob `{pattern}`: {reason}")]
pub struct GlobError {
    /// The glob as given.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Why [`Glob::collect`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The folder.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// More entries than the budget allowed were visited.
    #[error("glob `{pattern}`: stopped after visiting too many entries; narrow the pattern")]
    Budget {
        /// The glob.
        pattern: String,
    },
}

/// One component of a glob.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// `**`: any number of components.
    AnyDirs,
    /// A literal component.
    Literal(String),
    /// A component with `*` / `?`.
    Wild(Vec<char>),
}

/// A parsed glob over `/`-separated paths relative to a folder.
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    parts: Vec<Part>,
}

impl Glob {
    /// Parse `pattern`; it must be relative, stay inside the folder (no `..`), and use `**`
    /// only as a whole component.
    pub fn parse(pattern: &str) -> Result<Glob, GlobError> {
        let bad = |reason| GlobError {
            pattern: pattern.to_string(),
            reason,
        };
        if pattern.is_empty() {
            return Err(bad("it is empty"));
        }
        if pattern.starts_with('/') || pattern.starts_with('\\') {
            return Err(bad("it must be relative to the tree root, not absolute"));
        }
        let mut parts = Vec::new();
        for comp in pattern.split('/') {
            match comp {
                "" | "." => continue,
                ".." => return Err(bad("`..` would leave the tree")),
                "**" => {
                    if parts.last() != Some(&Part::AnyDirs) {
                        parts.push(Part::AnyDirs);
                    }
                }
                c if c.contains('*') || c.contains('?') => {
                    if c.contains("**") {
                        return Err(bad("`**` must be a whole path component, as in `a/**/b`"));
                    }
                    parts.push(Part::Wild(c.chars().collect()));
                }
                c => parts.push(Part::Literal(c.to_string())),
            }
        }
        if parts.is_empty() {
            return Err(bad("it names the tree root, not a file"));
        }
        Ok(Glob {
            pattern: pattern.to_string(),
            parts,
        })
    }

    /// The glob as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether `components` (a relative path split on `/`) matches.
    pub fn matches(&self, components: &[&str]) -> bool {
        // Greedy matching with backtracking to the last `**`: linear in practice, no recursion.
        let (mut p, mut c) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while c < components.len() {
            match self.parts.get(p) {
                Some(Part::AnyDirs) => {
                    star = Some((p, c));
                    p += 1;
                    continue;
                }
                Some(part) if components.get(c).is_some_and(|s| part_matches(part, s)) => {
                    p += 1;
                    c += 1;
                    continue;
                }
                _ => {}
            }
            match star {
                Some((sp, sc)) => {
                    star = Some((sp, sc + 1));
                    p = sp + 1;
                    c = sc + 1;
                }
                None => return false,
            }
        }
        self.parts
            .get(p..)
            .is_some_and(|rest| rest.iter().all(|x| *x == Part::AnyDirs))
    }

    /// Add the files under `tree` that match to `out` (relative, `/`-separated); true when at
    /// least one did. The walk starts at the glob's literal prefix, does not follow symbolic
    /// links to folders, and stops after visiting `budget` entries (see [`WalkError::Budget`]).
    pub fn collect(
        &self,
        tree: &Path,
        out: &mut BTreeSet<String>,
        budget: &mut usize,
    ) -> Result<bool, WalkError> {
        // Start at the literal prefix so that a glob like `target/release/app` does not walk the
        // whole tree.
        let mut base = tree.to_path_buf();
        let mut prefix: Vec<&str> = Vec::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => {
                    base.push(s);
                    prefix.push(s);
                }
                _ => break,
            }
        }
        let mut found = false;
        if prefix.len() == self.parts.len() {
            // No wildcard: one exact path.
            if fs::metadata(&base).is_ok_and(|m| m.is_file()) {
                out.insert(prefix.join("/"));
                found = true;
            }
            return Ok(found);
        }
        let prefix_str = prefix.join("/");
        let mut stack: Vec<(PathBuf, String)> = vec![(base, prefix_str)];
        while let Some((dir, rel)) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) if e.kind() == io::ErrorKind::NotADirectory => continue,
                Err(e) => {
                    return Err(WalkError::Read {
                        path: dir,
                        source: e,
                    });
                }
            };
            for entry in entries {
                if *budget == 0 {
                    return Err(WalkError::Budget {
                        pattern: self.pattern.clone(),
                    });
                }
                *budget -= 1;
                let entry = entry.map_err(|e| WalkError::Read {
                    path: dir.clone(),
                    source: e,
                })?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else {
                    continue; // Globs are UTF-8; a non-UTF-8 name cannot match.
                };
                let child_rel = if rel.is_empty() {
                    name.to_string()
                } else {
                    format!("{rel}/{name}")
                };
                let Ok(ty) = entry.file_type() else {
                    continue;
                };
                // Symbolic links to folders are not followed (loops); links to files count.
                let is_file = ty.is_file()
                    || (ty.is_symlink() && fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
                let (hit, descend) = {
                    let comps: Vec<&str> = child_rel.split('/').collect();
                    let hit = is_file && self.matches(&comps);
                    let descend = !is_file && ty.is_dir() && self.could_descend(&comps);
                    (hit, descend)
                };
                if hit {
                    out.insert(child_rel);
                    found = true;
                } else if descend {
                    stack.push((entry.path(), child_rel));
                }
            }
        }
        Ok(found)
    }

    /// Whether a folder at `components` can contain a match: its components must match a prefix
    /// of the glob, or a `**` has been reached.
    pub fn could_descend(&self, components: &[&str]) -> bool {
        for (i, comp) in components.iter().enumerate() {
            match self.parts.get(i) {
                Some(Part::AnyDirs) => return true,
                Some(part) if part_matches(part, comp) => {}
                _ => return false,
            }
        }
        // A folder needs at least one more component below it.
        self.parts.len() > components.len()
    }
}

fn part_matches(part: &Part, name: &str) -> bool {
    match part {
        Part::AnyDirs => true,
        Part::Literal(s) => s == name,
        Part::Wild(p) => wild_match(p, name),
    }
}

/// Whether one path component `name` matches `pattern` (`*` any run of characters, `?` one
/// character; case-sensitive).
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    wild_match(&p, name)
}

/// `*` / `?` matching of one component, iterative.
fn wild_match(pattern: &[char], name: &str) -> bool {
    let text: Vec<char> = name.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some('?') => {
                p += 1;
                t += 1;
                continue;
            }
            Some(c) if text.get(t) == Some(c) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                star = Some((sp, st + 1));
                p = sp + 1;
                t = st + 1;
            }
            None => return false,
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        let g = Glob::parse(glob).expect("valid glob");
        let comps: Vec<&str> = path.split('/').collect();
        g.matches(&comps)
    }

    #[test]
    fn globs() {
        assert!(m("target/release/app", "target/release/app"));
        assert!(!m("target/release/app", "target/release/app2"));
        assert!(m("dist/*.whl", "dist/x-1.0.whl"));
        assert!(!m("dist/*.whl", "dist/sub/x.whl"));
        assert!(m("out/?.bin", "out/a.bin"));
        assert!(!m("out/?.bin", "out/ab.bin"));
        assert!(m("**/*.bin", "a.bin"));
        assert!(m("**/*.bin", "x/y/z/a.bin"));
        assert!(m("a/**/b", "a/b"));
        assert!(m("a/**/b", "a/x/y/b"));
        assert!(!m("a/**/b", "a/x/y/c"));
        assert!(m("a/**", "a/x/y"));
        assert!(!m("a/**", "b/x"));
        assert!(m("./a/*", "a/.hidden"));
        assert!(m("*a*b*c", "xxaybzzc"));
        assert!(!m("*a*b*c", "xxaybzz"));
    }

    #[test]
    fn bad_globs() {
        for g in ["", "/abs", "../x", "a/b**/c", ".", "./"] {
            assert!(matches!(Glob::parse(g), Err(GlobError { .. })), "{g}");
        }
    }

    #[test]
    fn descend() {
        let g = Glob::parse("a/*/c").expect("valid glob");
        assert!(g.could_descend(&["a"]));
        assert!(g.could_descend(&["a", "b"]));
        assert!(!g.could_descend(&["b"]));
        assert!(!g.could_descend(&["a", "b", "c"]));
        let g = Glob::parse("x/**/y").expect("valid glob");
        assert!(g.could_descend(&["x", "p", "q"]));
    }

    #[test]
    fn wildcard_components() {
        assert!(wildcard("*.tar.gz", "app-1.0.tar.gz"));
        assert!(!wildcard("*.tar.gz", "app-1.0.tar.gz.sig"));
        assert!(wildcard("app-?.whl", "app-1.whl"));
        assert!(!wildcard("app-?.whl", "app-10.whl"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("?", ""));
        // Linear even on patterns that make naive backtracking exponential.
        let long = "a".repeat(10_000);
        assert!(!wildcard("*a*a*a*a*a*a*a*a*b", &long));
    }

    #[test]
    fn collect_walks_from_the_literal_prefix_within_a_budget() {
        let d = tempfile::tempdir().expect("tempdir");
        for f in ["dist/a.whl", "dist/b.tar.gz", "dist/sub/c.whl", "src/x.whl"] {
            let p = d.path().join(f);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, b"x").expect("write");
        }
        let mut out = BTreeSet::new();
        let mut budget = 100;
        let g = Glob::parse("dist/**/*.whl").expect("valid");
        assert!(g.collect(d.path(), &mut out, &mut budget).expect("walk"));
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            ["dist/a.whl", "dist/sub/c.whl"]
        );
        // Only `dist` was walked: 3 entries in dist, 1 in dist/sub.
        assert_eq!(budget, 96);
        let mut out = BTreeSet::new();
        let mut budget = 2;
        let err = Glob::parse("**/*.whl")
            .expect("valid")
            .collect(d.path(), &mut out, &mut budget)
            .expect_err("over budget");
        assert!(matches!(err, WalkError::Budget { .. }), "{err}");
        let mut out = BTreeSet::new();
        assert!(
            !Glob::parse("nothing/*.whl")
                .expect("valid")
                .collect(d.path(), &mut out, &mut 100)
                .expect("walk")
        );
    }
}
