//! Package URLs (purl), as specified by ECMA-427 / the package-url project.
//!
//! [`Purl`] holds the seven components; [`Display`](std::fmt::Display) produces the canonical
//! string and [`Purl::parse`] reads one back. Type-specific normalisation (lower-casing npm
//! and PyPI names, `_` → `-` for PyPI, …) happens in [`Purl::new`], so two tools that build a
//! purl for the same package agree byte for byte.

use std::collections::BTreeMap;
use std::fmt;

/// A parsed or constructed package URL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Purl {
    /// Package type, lower case (`npm`, `cargo`, `maven`, …).
    pub ty: String,
    /// Optional namespace (npm scope with its `@`, Maven group id, Go module path prefix).
    pub namespace: Option<String>,
    /// Package name.
    pub name: String,
    /// Optional version, verbatim.
    pub version: Option<String>,
    /// Qualifiers, keys lower case, sorted.
    pub qualifiers: BTreeMap<String, String>,
    /// Optional sub-path inside the package.
    pub subpath: Option<String>,
}

/// Why a string is not a package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid package URL {input:?}: {reason}")]
pub struct PurlError {
    /// The rejected input.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl Purl {
    /// Builds a purl and applies the type's normalisation rules.
    pub fn new(ty: &str, namespace: Option<&str>, name: &str, version: Option<&str>) -> Self {
        let ty = ty.to_ascii_lowercase();
        let mut namespace = namespace
            .map(|n| n.trim_matches('/').to_string())
            .filter(|n| !n.is_empty());
        let mut name = name.trim_matches('/').to_string();
        match ty.as_str() {
            "npm" => {
                name = name.to_lowercase();
                namespace = namespace.map(|n| n.to_lowercase());
            }
            "pypi" => name = name.to_lowercase().replace('_', "-"),
            "composer" | "github" | "bitbucket" | "hex" | "pub" => {
                name = name.to_lowercase();
                namespace = namespace.map(|n| n.to_lowercase());
            }
            _ => {}
        }
        Purl {
            ty,
            namespace,
            name,
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            qualifiers: BTreeMap::new(),
            subpath: None,
        }
    }

    /// Splits `name` at its last `/`: the part before becomes the namespace. Used for types
    /// whose package names are paths (`golang`, `swift`, npm scopes).
    pub fn from_path_name(ty: &str, full_name: &str, version: Option<&str>) -> Self {
        match full_name.trim_matches('/').rsplit_once('/') {
            Some((ns, name)) => Purl::new(ty, Some(ns), name, version),
            None => Purl::new(ty, None, full_name, version),
        }
    }

    /// Adds a qualifier (empty values are dropped, as the spec requires).
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.qualifiers
                .insert(key.to_ascii_lowercase(), value.to_string());
        }
        self
    }

    /// Parses a purl string.
    pub fn parse(input: &str) -> Result<Purl, PurlError> {
        let err = |reason| PurlError {
            input: input.to_string(),
            reason,
        };
        let rest = input
            .strip_prefix("pkg:")
            .ok_or_else(|| err("it does not start with \"pkg:\""))?;
        let rest = rest.trim_start_matches('/');
        let (rest, subpath) = match rest.split_once('#') {
            Some((r, s)) => {
                let segments = s
                    .split('/')
                    .map(decode)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| err("the subpath has a bad percent escape"))?;
                let s = segments
                    .iter()
                    .flat_map(|seg| seg.split('/'))
                    .filter(|p| !p.is_empty() && *p != "." && *p != "..")
                    .collect::<Vec<_>>()
                    .join("/");
                (r, (!s.is_empty()).then_some(s))
            }
            None => (rest, None),
        };
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((r, q)) => {
                let mut map = BTreeMap::new();
                for pair in q.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair
                        .split_once('=')
                        .ok_or_else(|| err("a qualifier has no '='"))?;
                    let v = decode(v).ok_or_else(|| err("a qualifier has a bad percent escape"))?;
                    if k.is_empty() {
                        return Err(err("a qualifier key is empty"));
                    }
                    if !v.is_empty() {
                        map.insert(k.to_ascii_lowercase(), v);
                    }
                }
                (r, map)
            }
            None => (rest, BTreeMap::new()),
        };
        let rest = rest.trim_end_matches('/');
        let (ty, path) = rest
            .split_once('/')
            .ok_or_else(|| err("it has no name after the type"))?;
        if ty.is_empty()
            || !ty.starts_with(|c: char| c.is_ascii_alphabetic())
            || !ty
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+')
        {
            return Err(err(
                "the type is empty or has characters other than a-z 0-9 . + -",
            ));
        }
        let (path, version) = match path.rfind('@') {
            Some(at) => (
                &path[..at],
                Some(
                    decode(&path[at + 1..])
                        .ok_or_else(|| err("the version has a bad percent escape"))?,
                ),
            ),
            None => (path, None),
        };
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| err("the name has a bad percent escape"))?;
        let name = segments.pop().ok_or_else(|| err("the name is empty"))?;
        if name.is_empty() {
            return Err(err("the name is empty"));
        }
        let namespace = (!segments.is_empty()).then(|| segments.join("/"));
        let mut purl = Purl::new(ty, namespace.as_deref(), &name, version.as_deref());
        if purl.name.is_empty() {
            return Err(err("the name is empty"));
        }
        purl.qualifiers = qualifiers;
        purl.subpath = subpath;
        Ok(purl)
    }

    /// The package name with its namespace, joined the way the ecosystem writes it
    /// (`@scope/name` for npm, `group:artifact` for Maven, `path/name` otherwise).
    pub fn full_name(&self) -> String {
        match (&self.namespace, self.ty.as_str()) {
            (None, _) => self.name.clone(),
            (Some(ns), "maven") => format!("{ns}:{}", self.name),
            (Some(ns), _) => format!("{ns}/{}", self.name),
        }
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        if let Some(ns) = &self.namespace {
            for segment in ns.split('/').filter(|s| !s.is_empty()) {
                write!(f, "{}/", encode(segment))?;
            }
        }
        f.write_str(&encode(&self.name))?;
        if let Some(v) = &self.version {
            write!(f, "@{}", encode(v))?;
        }
        let mut sep = '?';
        for (k, v) in &self.qualifiers {
            write!(f, "{sep}{k}={}", encode(v))?;
            sep = '&';
        }
        if let Some(sub) = &self.subpath {
            f.write_str("#")?;
            let parts: Vec<String> = sub.split('/').map(encode).collect();
            f.write_str(&parts.join("/"))?;
        }
        Ok(())
    }
}

/// Percent-encodes everything except the unreserved characters and `:`, which the
/// specification says must stay literal.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_scope_is_encoded() {
        let p = Purl::from_path_name("npm", "@types/react", Some("18.0.20"));
        assert_eq!(p.to_string(), "pkg:npm/%40types/react@18.0.20");
        assert_eq!(Purl::parse("pkg:npm/%40types/react@18.0.20").unwrap(), p);
    }

    #[test]
    fn pypi_names_are_normalised() {
        let p = Purl::new("pypi", None, "Django_Rest", Some("1.0"));
        assert_eq!(p.to_string(), "pkg:pypi/django-rest@1.0");
    }

    #[test]
    fn maven_and_qualifiers() {
        let p = Purl::new(
            "maven",
            Some("org.apache.commons"),
            "commons-lang3",
            Some("3.12.0"),
        )
        .with_qualifier("type", "jar")
        .with_qualifier("classifier", "");
        assert_eq!(
            p.to_string(),
            "pkg:maven/org.apache.commons/commons-lang3@3.12.0?type=jar"
        );
        assert_eq!(p.full_name(), "org.apache.commons:commons-lang3");
    }

    #[test]
    fn versions_with_plus_and_go_paths() {
        let p = Purl::from_path_name("golang", "github.com/Foo/bar", Some("v1.2.3+incompatible"));
        assert_eq!(
            p.to_string(),
            "pkg:golang/github.com/Foo/bar@v1.2.3%2Bincompatible"
        );
        let back = Purl::parse(&p.to_string()).unwrap();
        assert_eq!(back.version.as_deref(), Some("v1.2.3+incompatible"));
        assert_eq!(back.full_name(), "github.com/Foo/bar");
    }

    #[test]
    fn parse_rejects_garbage() {
        for bad in [
            "",
            "npm/foo",
            "pkg:",
            "pkg:npm",
            "pkg:1npm/x",
            "pkg:npm/%zz",
            "pkg:npm/a?b",
        ] {
            assert!(Purl::parse(bad).is_err(), "{bad} was accepted");
        }
        let p = Purl::parse(
            "pkg:generic/openssl@1.1.10g?download_url=https://x/y.tgz&checksum=sha256:de4d#src/lib",
        )
        .unwrap();
        assert_eq!(p.qualifiers["download_url"], "https://x/y.tgz");
        assert_eq!(p.subpath.as_deref(), Some("src/lib"));
    }
}
