//! Readers for the JavaScript (npm registry) family.
//!
//! - [`PackageLockJson`]: `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1
//!   (nested `dependencies`), 2 and 3 (`packages` keyed by `node_modules/…` paths).
//! - [`YarnLock`]: `yarn.lock`, yarn classic (v1 text format) and berry (v2 and later, YAML).
//! - [`PnpmLock`]: `pnpm-lock.yaml`, lockfile versions 5.x, 6.x, 7 and 9.
//! - [`BunLock`]: `bun.lock`, bun's text lockfile (JSON with comments and trailing commas).
//! - [`PackageJson`]: a `package.json` manifest, read as the package it describes.
//!
//! Shared here: SRI integrity decoding, git commit detection, merging of repeated
//! installs of one package, and scope classification by reachability from the project's
//! declared dependencies.

mod bunlock;
mod json;
mod packagejson;
mod packagelockjson;
mod pnpmlock;
mod yaml;
mod yarnlock;

pub use bunlock::BunLock;
pub use packagejson::PackageJson;
pub use packagelockjson::PackageLockJson;
pub use pnpmlock::PnpmLock;
pub use yarnlock::YarnLock;

use std::collections::{HashMap, VecDeque};

use base64::Engine as _;
use safeguard_model::{Component, Hash, HashAlg, Relationship, Scope};

use crate::{Input, ParseError};

/// Parses a JSON (or JSONC) document, turning a syntax error into a located [`ParseError`].
fn parse_json<'a>(
    input: &Input<'_>,
    text: &'a str,
    dialect: json::Dialect,
) -> Result<json::Node<'a>, ParseError> {
    json::parse(text, dialect).map_err(|e| input.error_at(text, e.offset, e.message))
}

/// Decodes npm-style Subresource Integrity strings (`sha512-<base64>`, several separated by
/// spaces, each possibly followed by `?options`). Unknown algorithms and malformed digests
/// are skipped.
pub(crate) fn sri_hashes(sri: &str) -> Vec<Hash> {
    let mut out: Vec<Hash> = Vec::new();
    for part in sri.split_whitespace() {
        let Some((alg, digest)) = part.split_once('-') else {
            continue;
        };
        let Some(alg) = HashAlg::parse(alg) else {
            continue;
        };
        let digest = digest.split_once('?').map_or(digest, |(d, _)| d);
        let Ok(bytes) = base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT.decode(digest)
        else {
            continue;
        };
        if bytes.len() != alg.digest_len() {
            continue;
        }
        let h = Hash {
            alg,
            value: hex(&bytes),
        };
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// Lower-case hex of `bytes` (a table lookup; formatting each byte is slow on big files).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// `s` when it looks like an abbreviated or full git commit id (7 to 64 hex digits).
pub(crate) fn as_commit(s: &str) -> Option<String> {
    (7..=64)
        .contains(&s.len())
        .then_some(s)
        .filter(|s| s.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

/// The commit a git-ish URL or specifier pins: a `#<sha>` / `#commit=<sha>` /
/// `#commit:<sha>` fragment, GitHub's `codeload…/tar.gz/<sha>`, GitLab's `?ref=<sha>`.
pub(crate) fn commit_of(url: &str) -> Option<String> {
    if let Some((_, frag)) = url.rsplit_once('#') {
        for piece in frag.split('&') {
            let piece = piece
                .strip_prefix("commit=")
                .or_else(|| piece.strip_prefix("commit:"))
                .unwrap_or(piece);
            if let Some(c) = as_commit(piece) {
                return Some(c);
            }
        }
    }
    let path = url.split(['#', '?']).next().unwrap_or(url);
    if let Some((_, tail)) = path.rsplit_once("/tar.gz/")
        && let Some(c) = as_commit(tail.trim_end_matches('/'))
    {
        return Some(c);
    }
    if let Some((_, query)) = url.split_once('?') {
        for kv in query.split('&') {
            if let Some(c) = kv.strip_prefix("ref=").and_then(as_commit) {
                return Some(c);
            }
        }
    }
    None
}

/// Whether a version specifier or resolved URL points at a git repository rather than a
/// registry tarball or a local path.
pub(crate) fn is_git_spec(s: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "git+",
        "git:",
        "git@",
        "ssh:",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ];
    PREFIXES.iter().any(|p| s.starts_with(p))
        || s.contains("codeload.github.com/")
        || ((s.starts_with("http://") || s.starts_with("https://"))
            && (s.contains(".git#") || s.ends_with(".git") || s.contains("/archive.tar.gz?ref=")))
        // `owner/repo#ref` shorthand for GitHub.
        || (!s.contains(':')
            && !s.starts_with(['.', '/', '@', '~'])
            && s.split('#').next().is_some_and(|p| p.matches('/').count() == 1))
}

/// Splits `name@rest` where `name` may be scoped (`@scope/name@rest`). `None` when there is
/// no `@` after the name.
pub(crate) fn split_at_version(ident: &str) -> Option<(&str, &str)> {
    let from = usize::from(ident.starts_with('@'));
    let at = ident.get(from..)?.find('@')? + from;
    Some((&ident[..at], &ident[at + 1..]))
}

/// Whether `v` looks like a plain (semver-ish) version rather than a URL, path or tag.
pub(crate) fn looks_like_version(v: &str) -> bool {
    v.as_bytes().first().is_some_and(u8::is_ascii_digit) && !v.contains(['/', ':', ' '])
}

/// Collapses repeated installs of one package (same purl and commit) into one component.
///
/// The merged component keeps the first line, the strongest relationship, the union of
/// hashes and edges, and the scope that matters most at run time (runtime over optional over
/// dev), with that copy's groups (on a tie, the groups every copy shares).
#[derive(Default)]
pub(crate) struct Merger {
    components: Vec<Component>,
    index: HashMap<(String, Option<String>), usize>,
}

impl Merger {
    /// Adds a component; returns the index of the component it ended up in.
    pub(crate) fn push(&mut self, c: Component) -> usize {
        let key = (c.purl.clone(), c.commit.clone());
        if let Some(&i) = self.index.get(&key) {
            let have = &mut self.components[i];
            let rank = |s: Scope| match s {
                Scope::Runtime => 0,
                Scope::Optional => 1,
                Scope::Dev => 2,
            };
            match rank(c.scope).cmp(&rank(have.scope)) {
                std::cmp::Ordering::Less => {
                    have.scope = c.scope;
                    have.groups = c.groups;
                }
                std::cmp::Ordering::Equal => have.groups.retain(|g| c.groups.contains(g)),
                std::cmp::Ordering::Greater => {}
            }
            let rel = |r: Relationship| match r {
                Relationship::Direct => 0,
                Relationship::Transitive => 1,
                Relationship::Unknown => 2,
            };
            if rel(c.relationship) < rel(have.relationship) {
                have.relationship = c.relationship;
            }
            have.location.line = match (have.location.line, c.location.line) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            for h in c.hashes {
                if !have.hashes.contains(&h) {
                    have.hashes.push(h);
                }
            }
            have.dependencies.extend(c.dependencies);
            if have.source.is_none() {
                have.source = c.source;
            }
            i
        } else {
            self.index.insert(key, self.components.len());
            self.components.push(c);
            self.components.len() - 1
        }
    }

    /// The component at `i`.
    pub(crate) fn get_mut(&mut self, i: usize) -> &mut Component {
        &mut self.components[i]
    }

    /// The purl of the component at `i`.
    pub(crate) fn purl(&self, i: usize) -> &str {
        &self.components[i].purl
    }

    /// The components, with each one's edges sorted and de-duplicated.
    pub(crate) fn finish(mut self) -> Vec<Component> {
        for c in &mut self.components {
            c.dependencies.sort();
            c.dependencies.dedup();
            c.dependencies.retain(|d| *d != c.purl);
        }
        self.components
    }
}

/// An edge to another node; `optional` edges come from `optionalDependencies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub to: usize,
    pub optional: bool,
}

/// Scopes by reachability. Nodes reachable from `prod` roots over non-optional edges are
/// runtime; then nodes reachable from `prod` or `optional` roots over any edge are optional;
/// then nodes reachable from `dev` roots are dev. Unreachable nodes get `None`.
pub(crate) fn classify(
    edges: &[Vec<Edge>],
    prod: &[usize],
    optional: &[usize],
    dev: &[usize],
) -> Vec<Option<Scope>> {
    let n = edges.len();
    let mut scope: Vec<Option<Scope>> = vec![None; n];
    let mut walk = |roots: &mut dyn Iterator<Item = usize>, follow_optional: bool, mark: Scope| {
        let mut seen = vec![false; n];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for r in roots {
            if r < n && !seen[r] {
                seen[r] = true;
                queue.push_back(r);
            }
        }
        while let Some(i) = queue.pop_front() {
            if scope[i].is_none() {
                scope[i] = Some(mark);
            }
            for e in &edges[i] {
                if (follow_optional || !e.optional) && e.to < n && !seen[e.to] {
                    seen[e.to] = true;
                    queue.push_back(e.to);
                }
            }
        }
    };
    walk(&mut prod.iter().copied(), false, Scope::Runtime);
    walk(
        &mut prod.iter().chain(optional).copied(),
        true,
        Scope::Optional,
    );
    walk(&mut dev.iter().copied(), true, Scope::Dev);
    scope
}

/// The group names matching a scope found by [`classify`].
pub(crate) fn groups_for(scope: Scope) -> Vec<String> {
    match scope {
        Scope::Runtime => Vec::new(),
        Scope::Optional => vec!["optional".to_string()],
        Scope::Dev => vec!["dev".to_string()],
    }
}

/// The dependency names a `package.json` declares, by kind.
#[derive(Debug, Default, Clone)]
pub(crate) struct Manifest {
    pub dependencies: Vec<(String, String)>,
    pub dev: Vec<(String, String)>,
    pub optional: Vec<(String, String)>,
    pub peer: Vec<(String, String)>,
    pub has_workspaces: bool,
}

impl Manifest {
    /// Reads the `package.json` at `rel` (relative to the input), if present and valid.
    /// A manifest that cannot be read or parsed is ignored: it only refines the lockfile.
    pub(crate) fn read(input: &Input<'_>, rel: &str) -> Option<Manifest> {
        let (_, bytes) = input.read_relative(rel).ok()??;
        let text = std::str::from_utf8(&bytes).ok()?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc = json::parse(text, json::Dialect::Strict).ok()?;
        doc.as_object()?;
        let pairs = |key: &str| -> Vec<(String, String)> {
            doc.members(key)
                .iter()
                .map(|m| {
                    (
                        m.key.to_string(),
                        m.value.as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        };
        Some(Manifest {
            dependencies: pairs("dependencies"),
            dev: pairs("devDependencies"),
            optional: pairs("optionalDependencies"),
            peer: pairs("peerDependencies"),
            has_workspaces: doc.get("workspaces").is_some(),
        })
    }

    /// Every declared dependency name.
    pub(crate) fn all_names(&self) -> impl Iterator<Item = &str> {
        self.dependencies
            .iter()
            .chain(&self.dev)
            .chain(&self.optional)
            .chain(&self.peer)
            .map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_decodes_to_hex() {
        let h = sri_hashes("sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].alg, HashAlg::Sha1);
        assert_eq!(h[0].value, "b5243d8f3ec1aa35f1364605bc0d1036e30ab69f");
        let both = sri_hashes(
            "sha512-l4Sp/DRseor9wL6EvV2+TuQn63dMkPjZ/sp9XkghTEbV9KlPS1xUsZ3u7/IQO4wxtcFB4bgpQPRcR3QCvezPcQ== sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=?opt",
        );
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].alg, HashAlg::Sha512);
        assert_eq!(both[0].value.len(), 128);
        assert_eq!(both[1].alg, HashAlg::Sha1);
        assert!(sri_hashes("md4-xyz sha512-notbase64!!").is_empty());
        // Wrong length for the algorithm.
        assert!(sri_hashes("sha512-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=").is_empty());
    }

    #[test]
    fn commits_from_urls() {
        let sha = "0a2d2506c1fe299691fc5db53a2097db3bd615bc";
        assert_eq!(
            commit_of(&format!("git+ssh://git@github.com:G-Rath/r#{sha}")).as_deref(),
            Some(sha)
        );
        assert_eq!(
            commit_of(&format!("https://codeload.github.com/o/r/tar.gz/{sha}")).as_deref(),
            Some(sha)
        );
        assert_eq!(
            commit_of(&format!(
                "https://gitlab.com/k/b/repository/archive.tar.gz?ref={sha}"
            ))
            .as_deref(),
            Some(sha)
        );
        assert_eq!(
            commit_of(&format!("x@https://github.com/o/r.git#commit={sha}")).as_deref(),
            Some(sha)
        );
        assert_eq!(commit_of("github:o/r#master"), None);
        assert_eq!(commit_of("https://github.com/o/r.git#v1.2.3"), None);
    }

    #[test]
    fn git_specs() {
        assert!(is_git_spec("github:o/r#x"));
        assert!(is_git_spec("git+ssh://git@github.com/o/r.git#abc"));
        assert!(is_git_spec("o/r#v1"));
        assert!(is_git_spec("https://github.com/o/r.git"));
        assert!(!is_git_spec("https://registry.npmjs.org/a/-/a-1.0.0.tgz"));
        assert!(!is_git_spec("file:../x"));
        assert!(!is_git_spec("1.2.3"));
        assert!(!is_git_spec("@scope/name"));
    }

    #[test]
    fn names_and_versions_split() {
        assert_eq!(split_at_version("a@1.0.0"), Some(("a", "1.0.0")));
        assert_eq!(split_at_version("@s/a@1.0.0"), Some(("@s/a", "1.0.0")));
        assert_eq!(
            split_at_version("a@git+ssh://git@h/x"),
            Some(("a", "git+ssh://git@h/x"))
        );
        assert_eq!(split_at_version("@s/a"), None);
        assert!(looks_like_version("1.0.0-beta.1+git"));
        assert!(!looks_like_version("bar"));
        assert!(!looks_like_version("1.0.0/x"));
    }

    #[test]
    fn reachability_scopes() {
        // 0 -> 1 -> 2 (optional edge) ; 3 dev root -> 1, 4 ; 5 unreachable
        let e = |to, optional| Edge { to, optional };
        let edges = vec![
            vec![e(1, false)],
            vec![e(2, true)],
            vec![],
            vec![e(1, false), e(4, false)],
            vec![],
            vec![],
        ];
        let s = classify(&edges, &[0], &[], &[3]);
        assert_eq!(
            s,
            vec![
                Some(Scope::Runtime),
                Some(Scope::Runtime),
                Some(Scope::Optional),
                Some(Scope::Dev),
                Some(Scope::Dev),
                None
            ]
        );
    }

    #[test]
    fn merger_keeps_strongest() {
        let loc = |l| crate::Input::in_memory("x", b"").location(Some(l));
        let mut m = Merger::default();
        let mut a = Component::new(safeguard_model::Ecosystem::Npm, "a", "1.0.0", loc(9));
        a.scope = Scope::Dev;
        a.groups = vec!["dev".into()];
        a.relationship = Relationship::Transitive;
        let mut b = Component::new(safeguard_model::Ecosystem::Npm, "a", "1.0.0", loc(3));
        b.relationship = Relationship::Direct;
        assert_eq!(m.push(a), 0);
        assert_eq!(m.push(b), 0);
        let out = m.finish();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].scope, Scope::Runtime);
        assert!(out[0].groups.is_empty());
        assert_eq!(out[0].relationship, Relationship::Direct);
        assert_eq!(out[0].location.line, Some(3));
    }

    /// Truncated and corrupted copies of the fixtures: every reader must return (a value or
    /// an error) rather than panic or overflow its stack.
    #[test]
    fn hostile_inputs_do_not_panic() {
        use crate::Extractor;
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/osv-scalibr-extractors/javascript/"
        );
        let cases: [(&dyn Extractor, &str); 6] = [
            (&PackageLockJson, "packagelockjson/testdata/commits.v2.json"),
            (
                &PackageLockJson,
                "packagelockjson/testdata/nested-dependencies.v1.json",
            ),
            (&YarnLock, "yarnlock/testdata/commits.v1.lock"),
            (&YarnLock, "yarnlock/testdata/with-aliases.v2.lock"),
            (
                &PnpmLock,
                "pnpmlock/testdata/peer-dependencies-advanced.v9.yaml",
            ),
            (&BunLock, "bunlock/testdata/commits.json5"),
        ];
        for (ex, rel) in cases {
            let bytes = std::fs::read(format!("{base}{rel}")).unwrap();
            let whole = ex.extract(&Input::in_memory(rel, &bytes)).unwrap();
            assert!(!whole.is_empty(), "{rel}");
            let step = (bytes.len() / 150).max(1);
            for cut in (0..bytes.len()).step_by(step) {
                let _ = ex.extract(&Input::in_memory(rel, &bytes[..cut]));
                for b in [b'"', b'{', b'[', b':', b'\n', b'@', b'/', 0xFF] {
                    let mut m = bytes.clone();
                    m[cut] = b;
                    let _ = ex.extract(&Input::in_memory(rel, &m));
                }
            }
        }
        let deep = format!(
            "{}{}",
            "{\"dependencies\": {\"a\": ".repeat(200),
            "}".repeat(400)
        );
        assert!(
            PackageLockJson
                .extract(&Input::in_memory("package-lock.json", deep.as_bytes()))
                .is_err()
        );
        let deep = "[".repeat(1_000_000);
        assert!(
            BunLock
                .extract(&Input::in_memory("bun.lock", deep.as_bytes()))
                .is_err()
        );
        let deep = "a:\n".to_string() + &" - [".repeat(100_000);
        assert!(
            PnpmLock
                .extract(&Input::in_memory("pnpm-lock.yaml", deep.as_bytes()))
                .is_err()
        );
    }
}
