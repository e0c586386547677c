//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x, 7 and 9.
//!
//! - `packages` holds one entry per resolved package, keyed by its dependency path:
//!   `/name/1.0.0_peer@2.0.0` (v5), `/name@1.0.0(peer@2.0.0)` (v6–8), `name@1.0.0` (v9),
//!   or a tarball / git / `file:` locator with explicit `name` and `version` fields. A v5 key
//!   may start with a registry host (`registry.npmjs.org/name/1.0.0`).
//! - v9 moves each package's edges into `snapshots` (one per peer-dependency variant).
//! - `importers` (or, before v9 in single-project repositories, the top-level
//!   `dependencies` / `devDependencies` / `optionalDependencies`) are what the project
//!   declares: the direct dependencies, and the roots from which dev and optional scopes are
//!   worked out where the entries' own `dev` / `optional` flags do not say.
//!
//! `resolution.integrity` gives the hash, `resolution.tarball` / `repo` / `directory` the
//! source and `resolution.commit` (or a GitHub codeload tarball URL) the commit.
//! A key that is not a dependency path, on an entry without a `name`, is an error.

use std::collections::HashMap;
use std::fmt;

use safeguard_model::{Component, Ecosystem, Relationship, Scope};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::yaml::{self, Entries};
use super::{
    Edge, Merger, as_commit, classify, commit_of, groups_for, is_git_spec, looks_like_version,
    split_at_version, sri_hashes,
};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `javascript/pnpmlock`: `pnpm-lock.yaml` (lockfile versions 5 to 9).
pub struct PnpmLock;

impl Extractor for PnpmLock {
    fn id(&self) -> &'static str {
        "javascript/pnpmlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pnpm-lock.yaml"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let lock: Option<Lockfile> = yaml::parse(input, text)?;
        match lock {
            Some(lock) => read(input, lock),
            None => Ok(Vec::new()),
        }
    }
}

type Deps = Entries<Option<DepRef>>;

#[derive(Deserialize, Default)]
struct Lockfile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<String>,
    #[serde(default)]
    importers: Entries<Option<Importer>>,
    #[serde(default)]
    dependencies: Deps,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: Deps,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Deps,
    #[serde(default)]
    packages: Entries<Option<Package>>,
    #[serde(default)]
    snapshots: Entries<Option<Snapshot>>,
}

#[derive(Deserialize, Default)]
struct Importer {
    #[serde(default)]
    dependencies: Deps,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: Deps,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Deps,
}

#[derive(Deserialize, Default)]
struct Package {
    resolution: Option<Resolution>,
    name: Option<String>,
    version: Option<String>,
    dev: Option<bool>,
    optional: Option<bool>,
    #[serde(default)]
    dependencies: Deps,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Deps,
}

#[derive(Deserialize, Default)]
struct Snapshot {
    optional: Option<bool>,
    #[serde(default)]
    dependencies: Deps,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Deps,
}

#[derive(Deserialize, Default)]
struct Resolution {
    integrity: Option<String>,
    tarball: Option<String>,
    commit: Option<String>,
    repo: Option<String>,
    directory: Option<String>,
}

/// A dependency's resolved version: a plain string (v5, and package edges in every
/// version) or `{specifier, version}` (importers from v6 on).
#[derive(Debug, Default)]
struct DepRef(String);

impl<'de> Deserialize<'de> for DepRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DepRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a version string or a {specifier, version} mapping")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DepRef, E> {
                Ok(DepRef(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DepRef, E> {
                Ok(DepRef(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DepRef, E> {
                Ok(DepRef(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DepRef, E> {
                Ok(DepRef(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DepRef, A::Error> {
                let mut version = String::new();
                while let Some(k) = map.next_key::<String>()? {
                    if k == "version" {
                        version = map.next_value::<String>()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(DepRef(version))
            }
        }
        d.deserialize_any(V)
    }
}

/// The major lockfile version; guessed from the key style when the field is missing.
fn major_version(lock: &Lockfile) -> u32 {
    if let Some(v) = &lock.lockfile_version {
        let digits: String = v
            .trim_matches(['\'', '"'])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse() {
            return n;
        }
    }
    match lock.packages.0.first() {
        Some((k, _)) if k.text.starts_with('/') && !k.text.contains('@') => 5,
        Some((k, _)) if k.text.starts_with('/') => 6,
        _ => 9,
    }
}

/// Removes the peer-dependency suffix of a dependency path: `(…)` from v6 on, `_…` after
/// the version in v5.
fn strip_peers(key: &str, major: u32) -> &str {
    let key = key.split_once('(').map_or(key, |(k, _)| k);
    if major >= 6 {
        return key;
    }
    let last_slash = key.rfind('/').map_or(0, |i| i + 1);
    match key[last_slash..].find('_') {
        Some(i) => &key[..last_slash + i],
        None => key,
    }
}

/// What a `packages` key says about the package.
enum KeyInfo<'k> {
    Package {
        name: &'k str,
        version: &'k str,
    },
    /// Not a registry dependency path (a folder, a tarball, a repository): the entry's own
    /// `name` and `version` must say.
    Locator,
    /// Unparseable.
    Invalid,
}

fn parse_key(key: &str, major: u32) -> KeyInfo<'_> {
    if key.starts_with("file:") || key.starts_with("link:") {
        return KeyInfo::Locator;
    }
    if major < 6 {
        let path = if key.starts_with('/') {
            key
        } else {
            match key.find('/') {
                Some(i) => &key[i..], // drop the registry host
                None => return KeyInfo::Invalid,
            }
        };
        let path = strip_peers(path, major);
        let mut segs = path[1..].split('/');
        let first = segs.next().unwrap_or_default();
        let (name, version) = if first.starts_with('@') {
            let Some(second) = segs.next() else {
                return KeyInfo::Locator;
            };
            (&path[1..first.len() + second.len() + 2], segs.next())
        } else {
            (first, segs.next())
        };
        match version {
            Some(v) if looks_like_version(v) && !name.is_empty() => {
                KeyInfo::Package { name, version: v }
            }
            _ => KeyInfo::Locator,
        }
    } else {
        let key = strip_peers(key.strip_prefix('/').unwrap_or(key), major);
        match split_at_version(key) {
            Some((name, rest)) if !name.is_empty() => KeyInfo::Package {
                name,
                version: if looks_like_version(rest) { rest } else { "" },
            },
            _ => KeyInfo::Invalid,
        }
    }
}

fn read(input: &Input<'_>, lock: Lockfile) -> Result<Vec<Component>, ParseError> {
    let major = major_version(&lock);
    let pkgs = &lock.packages.0;

    // Indexes from dependency paths to entries.
    let mut exact: HashMap<&str, usize> = HashMap::with_capacity(pkgs.len() * 2);
    let mut base: HashMap<&str, usize> = HashMap::with_capacity(pkgs.len());
    for (i, (k, _)) in pkgs.iter().enumerate() {
        exact.entry(k.text.as_str()).or_insert(i);
        if let Some(rest) = k.text.strip_prefix('/') {
            exact.entry(rest).or_insert(i);
        }
        let b = strip_peers(&k.text, major);
        base.entry(b).or_insert(i);
        base.entry(b.strip_prefix('/').unwrap_or(b)).or_insert(i);
    }
    let mut buf = String::new();
    let mut resolve = |name: &str, value: &str| -> Option<usize> {
        if value.is_empty() || value.starts_with("link:") {
            return None;
        }
        buf.clear();
        if value.as_bytes()[0].is_ascii_digit() {
            if major < 6 {
                buf.push('/');
                buf.push_str(name);
                buf.push('/');
            } else {
                buf.push_str(name);
                buf.push('@');
            }
            buf.push_str(value);
        } else {
            // An alias (`/other/1.0.0`, `other@1.0.0`) or a locator (`github.com/o/r/<sha>`).
            buf.push_str(name);
            buf.push('@');
            buf.push_str(value);
            if let Some(&i) = exact.get(buf.as_str()) {
                return Some(i);
            }
            buf.clear();
            buf.push_str(value);
        }
        let candidate = buf.as_str();
        let stripped = candidate.strip_prefix('/').unwrap_or(candidate);
        exact
            .get(candidate)
            .or_else(|| exact.get(stripped))
            .or_else(|| base.get(strip_peers(candidate, major)))
            .or_else(|| base.get(strip_peers(stripped, major)))
            .copied()
    };

    let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); pkgs.len()];
    let mut snapshot_optional = vec![false; pkgs.len()];
    let mut add_edges = |from: usize, deps: &Deps, optional: bool, edges: &mut Vec<Vec<Edge>>| {
        for (name, v) in deps.iter() {
            if let Some(DepRef(value)) = v
                && let Some(to) = resolve(name, value)
                && !edges[from].iter().any(|e| e.to == to)
            {
                edges[from].push(Edge { to, optional });
            }
        }
    };
    if major >= 9 || !lock.snapshots.0.is_empty() {
        for (k, snap) in &lock.snapshots.0 {
            let Some(&from) = base
                .get(strip_peers(&k.text, major))
                .or_else(|| base.get(strip_peers(k.text.trim_start_matches('/'), major)))
            else {
                continue;
            };
            let Some(snap) = snap else { continue };
            snapshot_optional[from] |= snap.optional.unwrap_or(false);
            add_edges(from, &snap.dependencies, false, &mut edges);
            add_edges(from, &snap.optional_dependencies, true, &mut edges);
        }
    }
    for (i, (_, p)) in pkgs.iter().enumerate() {
        if let Some(p) = p {
            add_edges(i, &p.dependencies, false, &mut edges);
            add_edges(i, &p.optional_dependencies, true, &mut edges);
        }
    }

    // Roots: the importers, or the single project's own declarations.
    let (mut prod, mut optional, mut dev) = (Vec::new(), Vec::new(), Vec::new());
    let mut importers: Vec<(&Deps, &Deps, &Deps)> = lock
        .importers
        .0
        .iter()
        .filter_map(|(_, imp)| imp.as_ref())
        .map(|i| {
            (
                &i.dependencies,
                &i.optional_dependencies,
                &i.dev_dependencies,
            )
        })
        .collect();
    let roots_known = !importers.is_empty()
        || !lock.dependencies.0.is_empty()
        || !lock.dev_dependencies.0.is_empty()
        || !lock.optional_dependencies.0.is_empty();
    importers.push((
        &lock.dependencies,
        &lock.optional_dependencies,
        &lock.dev_dependencies,
    ));
    for (deps, opt, devs) in importers {
        for (list, out) in [(deps, &mut prod), (opt, &mut optional), (devs, &mut dev)] {
            for (name, v) in list.iter() {
                if let Some(DepRef(value)) = v
                    && let Some(to) = resolve(name, value)
                {
                    out.push(to);
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
    for (i, (key, p)) in pkgs.iter().enumerate() {
        let empty = Package::default();
        let p = p.as_ref().unwrap_or(&empty);
        let field_name = p.name.as_deref().filter(|n| !n.is_empty());
        let field_version = p.version.as_deref().filter(|v| !v.is_empty());
        let (name, version) = match (parse_key(&key.text, major), field_name) {
            (_, Some(n)) => {
                let from_key = match parse_key(&key.text, major) {
                    KeyInfo::Package { name, version } if name == n => version,
                    _ => "",
                };
                (n, field_version.unwrap_or(from_key))
            }
            (KeyInfo::Package { name, version }, None) => (name, field_version.unwrap_or(version)),
            (KeyInfo::Locator, None) => continue,
            (KeyInfo::Invalid, None) => {
                return Err(input.error(
                    (key.line > 0).then_some(key.line),
                    (key.column > 0).then_some(key.column),
                    format!(
                        "{:?} is not a dependency path (expected {})",
                        key.text,
                        if major < 6 {
                            "`/name/version`"
                        } else {
                            "`name@version`"
                        }
                    ),
                ));
            }
        };
        let mut c = Component::new(
            Ecosystem::Npm,
            name,
            version,
            input.location((key.line > 0).then_some(key.line)),
        );
        c.scope = match (p.dev, p.optional, scopes[i]) {
            (Some(true), _, _) => Scope::Dev,
            (_, Some(true), _) => Scope::Optional,
            (Some(false), _, Some(Scope::Dev)) => Scope::Runtime,
            (_, _, Some(s)) => s,
            (_, _, None) if snapshot_optional[i] => Scope::Optional,
            _ => Scope::Runtime,
        };
        c.groups = groups_for(c.scope);
        c.relationship = if direct[i] {
            Relationship::Direct
        } else if roots_known {
            Relationship::Transitive
        } else {
            Relationship::Unknown
        };
        if let Some(r) = &p.resolution {
            if let Some(sri) = &r.integrity {
                c.hashes = sri_hashes(sri);
            }
            c.source = r
                .tarball
                .clone()
                .or_else(|| r.repo.clone())
                .or_else(|| r.directory.clone());
            c.commit = r.commit.as_deref().and_then(as_commit).or_else(|| {
                r.tarball
                    .as_deref()
                    .filter(|t| is_git_spec(t))
                    .and_then(commit_of)
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        PnpmLock.extract(&Input::in_memory("pnpm-lock.yaml", text.as_bytes()))
    }

    fn find<'c>(cs: &'c [Component], name: &str, version: &str) -> &'c Component {
        cs.iter()
            .find(|c| c.name == name && c.version == version)
            .unwrap_or_else(|| panic!("{name}@{version} missing from {cs:#?}"))
    }

    #[test]
    fn keys() {
        let pkg = |k, m| match parse_key(k, m) {
            KeyInfo::Package { name, version } => Some((name, version)),
            _ => None,
        };
        assert_eq!(pkg("/a/1.0.0", 5), Some(("a", "1.0.0")));
        assert_eq!(pkg("/@s/a/1.0.0_b@2.0.0", 5), Some(("@s/a", "1.0.0")));
        assert_eq!(
            pkg("registry.npmjs.org/@s/a/1.1.0", 5),
            Some(("@s/a", "1.1.0"))
        );
        assert_eq!(
            pkg("/a/1.4.0_@types+babel__core@7.1.14", 5),
            Some(("a", "1.4.0"))
        );
        assert_eq!(pkg("/foo/bar", 5), None);
        assert!(matches!(parse_key("invalidpath", 5), KeyInfo::Invalid));
        assert_eq!(
            pkg("/@s/a@1.0.0(b@2.0.0)(c@1.0.0)", 6),
            Some(("@s/a", "1.0.0"))
        );
        assert_eq!(pkg("a@1.0.0(@s/b@1.0.0(c@1))", 9), Some(("a", "1.0.0")));
        assert_eq!(
            pkg("a@https://codeload.github.com/o/a/tar.gz/abc", 9),
            Some(("a", ""))
        );
        assert!(matches!(parse_key("invalidpath", 9), KeyInfo::Invalid));
        assert!(matches!(parse_key("file:../x", 9), KeyInfo::Locator));
    }

    const V9: &str = "lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(p@2.0.0)
      al:
        specifier: npm:b@^1
        version: b@1.0.0
    optionalDependencies:
      o:
        specifier: ^1
        version: 1.0.0
    devDependencies:
      d:
        specifier: ^1
        version: 1.0.0
      ws:
        specifier: workspace:*
        version: link:packages/ws

packages:

  a@1.0.0:
    resolution: {integrity: sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=}

  b@1.0.0:
    resolution: {integrity: sha512-l4Sp/DRseor9wL6EvV2+TuQn63dMkPjZ/sp9XkghTEbV9KlPS1xUsZ3u7/IQO4wxtcFB4bgpQPRcR3QCvezPcQ==}

  p@2.0.0:
    resolution: {integrity: sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=}

  o@1.0.0:
    resolution: {integrity: sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=}

  d@1.0.0:
    resolution: {tarball: https://codeload.github.com/o/d/tar.gz/0a2d2506c1fe299691fc5db53a2097db3bd615bc}
    version: 1.0.0

  t@3.0.0:
    resolution: {integrity: sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=}

snapshots:

  a@1.0.0(p@2.0.0):
    dependencies:
      p: 2.0.0
      t: 3.0.0

  b@1.0.0: {}

  p@2.0.0: {}

  o@1.0.0:
    optional: true

  d@1.0.0:
    dependencies:
      t: 3.0.0

  t@3.0.0: {}
";

    #[test]
    fn v9_importers_snapshots_and_scopes() {
        let cs = extract(V9).unwrap();
        assert_eq!(cs.len(), 6);
        let a = find(&cs, "a", "1.0.0");
        assert_eq!(a.location.line, Some(27));
        assert_eq!(
            (a.relationship, a.scope),
            (Relationship::Direct, Scope::Runtime)
        );
        assert_eq!(a.dependencies, vec!["pkg:npm/p@2.0.0", "pkg:npm/t@3.0.0"]);
        assert_eq!(a.hashes[0].alg, HashAlg::Sha1);
        let b = find(&cs, "b", "1.0.0");
        assert_eq!(b.relationship, Relationship::Direct);
        assert_eq!(b.hashes[0].alg, HashAlg::Sha512);
        let p = find(&cs, "p", "2.0.0");
        assert_eq!(
            (p.relationship, p.scope),
            (Relationship::Transitive, Scope::Runtime)
        );
        assert_eq!(find(&cs, "o", "1.0.0").scope, Scope::Optional);
        let d = find(&cs, "d", "1.0.0");
        assert_eq!(
            (d.scope, d.groups.clone()),
            (Scope::Dev, vec!["dev".to_string()])
        );
        assert_eq!(
            d.commit.as_deref(),
            Some("0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
        // t is needed at run time through a, even though d (dev) needs it too.
        assert_eq!(find(&cs, "t", "3.0.0").scope, Scope::Runtime);
    }

    #[test]
    fn v5_flags_edges_and_peers() {
        let text = "lockfileVersion: 5.4

specifiers:
  a: ^1.0.0

dependencies:
  a: 1.0.0_p@2.0.0

devDependencies:
  g: github.com/o/g/0a2d2506c1fe299691fc5db53a2097db3bd615bc

packages:

  /a/1.0.0_p@2.0.0:
    resolution: {integrity: sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=}
    dependencies:
      p: 2.0.0
    dev: false

  /p/2.0.0:
    resolution: {integrity: sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=}
    dev: false
    optional: true

  github.com/o/g/0a2d2506c1fe299691fc5db53a2097db3bd615bc:
    resolution: {commit: 0a2d2506c1fe299691fc5db53a2097db3bd615bc, repo: git+ssh://git@github.com/o/g.git, type: git}
    name: g
    version: 1.0.0
    dev: true
";
        let cs = extract(text).unwrap();
        let a = find(&cs, "a", "1.0.0");
        assert_eq!(a.location.line, Some(14));
        assert_eq!(a.relationship, Relationship::Direct);
        assert_eq!(a.dependencies, vec!["pkg:npm/p@2.0.0"]);
        assert_eq!(find(&cs, "p", "2.0.0").scope, Scope::Optional);
        let g = find(&cs, "g", "1.0.0");
        assert_eq!(
            (g.relationship, g.scope),
            (Relationship::Direct, Scope::Dev)
        );
        assert_eq!(
            g.commit.as_deref(),
            Some("0a2d2506c1fe299691fc5db53a2097db3bd615bc")
        );
        assert_eq!(
            g.source.as_deref(),
            Some("git+ssh://git@github.com/o/g.git")
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = extract("lockfileVersion: 5.3\npackages:\n  /a/1.0.0:\n    dev: false\n  bad:\n    dev: false\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(3)));
        assert!(e.message.contains("\"bad\""), "{e}");
        let e = extract("lockfileVersion: 5.3\npackages: [\n").unwrap_err();
        assert!(e.line.is_some(), "{e}");
        assert!(extract("this is not yaml").is_err());
        assert!(extract("# empty\n").unwrap().is_empty());
    }

    fn cdxgen(rel: &str) -> Vec<Component> {
        let path = format!(
            "{}/../../../shared/testdata/cdxgen-testdata/test/{rel}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        PnpmLock
            .extract(&Input::in_memory("pnpm-lock.yaml", &bytes))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    #[test]
    fn real_lockfiles() {
        for (rel, min) in [
            ("data/pnpm-lock.yaml", 300),
            ("data/pnpm-lock3.yaml", 300),
            ("data/pnpm-lock6.yaml", 100),
            ("data/pnpm-lock6a.yaml", 100),
            ("data/pnpm-lock9a.yaml", 500),
            ("data/pnpm-lock9b.yaml", 500),
            ("data/pnpm-lock9c.yaml", 200),
            ("data/pnpm_locks/bytemd-pnpm-lock.yaml", 500),
            ("pnpm-lock.yaml", 500),
        ] {
            let cs = cdxgen(rel);
            assert!(cs.len() >= min, "{rel}: only {} components", cs.len());
            let hashed = cs.iter().filter(|c| c.has_integrity()).count();
            assert!(hashed * 10 >= cs.len() * 9, "{rel}: {hashed}/{}", cs.len());
            assert!(
                cs.iter().any(|c| !c.dependencies.is_empty()),
                "{rel}: no edges"
            );
            assert!(
                cs.iter().any(|c| c.relationship == Relationship::Direct),
                "{rel}: no direct"
            );
            assert!(
                cs.iter()
                    .all(|c| !c.version.is_empty() || c.source.is_some()),
                "{rel}"
            );
        }
        for rel in [
            "data/pnpm-lock2.yaml",
            "data/pnpm-lock4.yaml",
            "data/pnpm-lock6b.yaml",
        ] {
            cdxgen(rel);
        }
    }
}
