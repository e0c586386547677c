//! Helpers shared by the SBOM readers and writers.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use safeguard_model::{
    Component, Ecosystem, Hash, HashAlg, Location, Purl, Relationship, Scope, sha256_bytes,
};

use crate::discover::Inventory;
use crate::{Input, ParseError};

/// The prefix of the CycloneDX property names we write.
pub(crate) const PROP_PREFIX: &str = "safeguard:";

/// The file's text: UTF-8 (byte-order mark stripped) or UTF-16 with a byte-order mark.
pub(crate) fn decode_text<'a>(path: &'a str, bytes: &'a [u8]) -> Result<Cow<'a, str>, ParseError> {
    let utf16 = |rest: &[u8], le: bool| -> Result<Cow<'a, str>, ParseError> {
        if !rest.len().is_multiple_of(2) {
            return Err(ParseError::new(
                path,
                None,
                None,
                "the file starts with a UTF-16 byte-order mark but has an odd number of bytes",
            ));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|_| ParseError::new(path, None, None, "the file is not valid UTF-16"))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    }
    Input::in_memory(path, bytes).text().map(Cow::Borrowed)
}

/// A name-based UUID (version 5 layout) from the SHA-256 of `content`.
pub(crate) fn uuid_from(content: &[u8]) -> String {
    let hex = sha256_bytes(content);
    let mut nibbles: Vec<u8> = hex
        .bytes()
        .take(32)
        .map(|b| match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => 0,
        })
        .collect();
    nibbles.resize(32, 0);
    nibbles[12] = 5; // version
    nibbles[16] = (nibbles[16] & 0x3) | 0x8; // RFC 4122 variant
    let s: String = nibbles
        .iter()
        .map(|n| char::from_digit(u32::from(*n), 16).unwrap_or('0'))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &s[0..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..32]
    )
}

/// `2026-01-01T00:00:00Z`: UTC, whole seconds.
pub(crate) fn timestamp(t: time::OffsetDateTime) -> String {
    let t = t.checked_to_offset(time::UtcOffset::UTC).unwrap_or(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year().clamp(0, 9999),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Purl types outside our ecosystems whose namespace is part of the package's name (an owner
/// and repository) rather than a distribution or vendor.
const NAMESPACED_GENERIC_TYPES: &[&str] = &["github", "gitlab", "bitbucket", "huggingface"];

/// The fields an SBOM gives for one package.
#[derive(Default)]
pub(crate) struct RawPackage<'a> {
    pub purl: Option<&'a str>,
    pub group: Option<&'a str>,
    pub name: Option<&'a str>,
    pub version: Option<&'a str>,
    pub cpe: Option<&'a str>,
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Builds a component from what an SBOM says about a package: ecosystem, name and version
/// from the purl when it has a valid one, otherwise from the name and version fields with a
/// `pkg:generic` purl. `None` when there is neither a name nor a purl.
pub(crate) fn make_component(raw: &RawPackage<'_>, location: Location) -> Option<Component> {
    let field_version = non_empty(raw.version)
        .map(str::to_string)
        .or_else(|| raw.cpe.and_then(cpe_version));
    if let Some(purl) = non_empty(raw.purl).and_then(|p| Purl::parse(p).ok()) {
        let ecosystem = Ecosystem::from_purl_type(&purl.ty);
        let version = purl
            .version
            .clone()
            .filter(|v| !v.is_empty())
            .or(field_version)
            .unwrap_or_default();
        let name = if ecosystem != Ecosystem::Generic
            || NAMESPACED_GENERIC_TYPES.contains(&purl.ty.as_str())
        {
            purl.full_name()
        } else {
            purl.name.clone()
        };
        let mut canonical = if ecosystem != Ecosystem::Generic && purl.name.contains('/') {
            // An encoded slash in the name (`pkg:npm/%40scope%2Fname`): rebuild it the way our
            // lockfile readers do so the two agree.
            let mut p = ecosystem.purl(&purl.full_name(), &version);
            p.qualifiers = purl.qualifiers.clone();
            p.subpath = purl.subpath.clone();
            p
        } else {
            purl
        };
        canonical.version = (!version.is_empty()).then(|| version.clone());
        let mut c = Component::new(ecosystem, &name, &version, location);
        c.purl = canonical.to_string();
        return Some(c);
    }
    let name = non_empty(raw.name)?;
    let version = field_version.unwrap_or_default();
    let group = non_empty(raw.group);
    let mut c = Component::new(Ecosystem::Generic, name, &version, location);
    c.purl = Purl::new("generic", group, name, Some(&version)).to_string();
    Some(c)
}

/// The version field of a CPE 2.3 formatted string or CPE 2.2 URI, when it names one.
pub(crate) fn cpe_version(cpe: &str) -> Option<String> {
    let cpe = cpe.trim();
    let field = if let Some(rest) = cpe.strip_prefix("cpe:2.3:") {
        // part:vendor:product:version:…, with `\:` escapes.
        split_cpe23(rest).into_iter().nth(3)
    } else if let Some(rest) = cpe.strip_prefix("cpe:/") {
        rest.split(':').nth(3).map(str::to_string)
    } else {
        None
    }?;
    let v: String = field.replace('\\', "");
    (!v.is_empty() && v != "*" && v != "-").then_some(v)
}

fn split_cpe23(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for ch in s.chars() {
        if escaped {
            cur.push('\\');
            cur.push(ch);
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == ':' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    out.push(cur);
    out
}

/// Parses a hash as an SBOM writes it: algorithm name (CycloneDX `SHA-256`, SPDX `SHA256`)
/// and hex content.
pub(crate) fn parse_hash(alg: &str, content: &str) -> Option<Hash> {
    let alg = HashAlg::parse(alg.trim())?;
    if alg == HashAlg::GoH1 {
        return parse_go_h1(content).or_else(|| Hash::from_hex(alg, content));
    }
    Hash::from_hex(alg, content)
}

/// `h1:<base64>` as go.sum writes it.
pub(crate) fn parse_go_h1(s: &str) -> Option<Hash> {
    use base64::Engine;
    let b64 = s.trim().strip_prefix("h1:")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Hash::from_bytes(HashAlg::GoH1, &bytes)
}

/// The go.sum form `h1:<base64>` of a Go module hash (stored as hex).
pub(crate) fn go_h1_string(h: &Hash) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..h.value.len() / 2)
        .filter_map(|i| h.value.get(2 * i..2 * i + 2))
        .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
        .collect();
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Folds `other` (same purl, same place) into `into`. Lists are extended; call [`tidy`] on
/// `into` once everything is folded in.
pub(crate) fn absorb(into: &mut Component, other: Component) {
    into.scope = into.scope.min(other.scope);
    into.relationship = into.relationship.min(other.relationship);
    into.groups.extend(other.groups);
    into.hashes.extend(other.hashes);
    into.dependencies.extend(other.dependencies);
    into.source = into.source.take().or(other.source);
    into.commit = into.commit.take().or(other.commit);
}

/// Sorts and de-duplicates a component's lists after [`absorb`].
pub(crate) fn tidy(c: &mut Component) {
    c.groups.sort();
    c.groups.dedup();
    c.hashes.sort();
    c.hashes.dedup();
    c.dependencies.sort();
    c.dependencies.dedup();
}

/// One distinct purl of an inventory, with what all its declarations say.
pub(crate) struct Entry<'a> {
    pub purl: &'a str,
    /// The declaration with the smallest location: name, version, ecosystem.
    pub first: &'a Component,
    /// Every place it is declared, sorted, without repeats.
    pub locations: Vec<&'a Location>,
    /// Runtime if any declaration is, else Optional if any is, else Dev.
    pub scope: Scope,
    /// Direct if any declaration is, else Transitive if any is, else Unknown.
    pub relationship: Relationship,
    pub groups: BTreeSet<&'a str>,
    /// All hashes, sorted, without repeats.
    pub hashes: BTreeSet<&'a Hash>,
    /// Dependencies present in the inventory, sorted, without itself.
    pub dependencies: BTreeSet<&'a str>,
    /// Whether a file it is declared in records dependency edges, so that no edges means
    /// no dependencies rather than unknown.
    pub edges_known: bool,
    pub source: Option<&'a str>,
    pub commit: Option<&'a str>,
}

/// The inventory's components merged by purl, sorted by purl.
pub(crate) fn entries(inv: &Inventory) -> Vec<Entry<'_>> {
    let mut by_purl: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
    let mut files_with_edges: BTreeSet<&str> = BTreeSet::new();
    for c in &inv.components {
        by_purl.entry(c.purl.as_str()).or_default().push(c);
        if !c.dependencies.is_empty() {
            files_with_edges.insert(c.location.file.as_str());
        }
    }
    let mut out = Vec::with_capacity(by_purl.len());
    for (purl, mut decls) in by_purl.iter().map(|(k, v)| (*k, v.clone())) {
        decls.sort_by(|a, b| {
            (&a.location, a.scope, &a.name, &a.version).cmp(&(
                &b.location,
                b.scope,
                &b.name,
                &b.version,
            ))
        });
        let Some(first) = decls.first().copied() else {
            continue;
        };
        let mut locations: Vec<&Location> = decls.iter().map(|c| &c.location).collect();
        locations.dedup();
        let scope = decls.iter().map(|c| c.scope).min().unwrap_or_default();
        let relationship = decls
            .iter()
            .map(|c| c.relationship)
            .min()
            .unwrap_or_default();
        let groups = decls
            .iter()
            .flat_map(|c| c.groups.iter().map(String::as_str))
            .collect();
        let hashes = decls.iter().flat_map(|c| c.hashes.iter()).collect();
        let dependencies = decls
            .iter()
            .flat_map(|c| c.dependencies.iter().map(String::as_str))
            .filter(|d| *d != purl && by_purl.contains_key(d))
            .collect();
        let edges_known = decls
            .iter()
            .any(|c| files_with_edges.contains(c.location.file.as_str()));
        let source = decls.iter().find_map(|c| c.source.as_deref());
        let commit = decls.iter().find_map(|c| c.commit.as_deref());
        out.push(Entry {
            purl,
            first,
            locations,
            scope,
            relationship,
            groups,
            hashes,
            dependencies,
            edges_known,
            source,
            commit,
        });
    }
    out
}

/// Whether `s` is an absolute URI that JSON-schema `iri-reference` checkers accept: a scheme,
/// no whitespace or characters that must be escaped.
pub(crate) fn is_plain_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
        && s.matches('#').count() <= 1
}

/// Whether a source is a version-control location (as opposed to a registry or archive).
pub(crate) fn is_vcs_source(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("git+")
        || s.starts_with("git://")
        || s.starts_with("hg+")
        || s.starts_with("svn+")
        || s.split(['?', '#'])
            .next()
            .is_some_and(|p| p.ends_with(".git"))
}

/// The offset of the `<` that opens the tag ending at `end` (quick-xml's position after a
/// start tag).
pub(crate) fn tag_start(text: &str, end: u64) -> usize {
    let end = usize::try_from(end).unwrap_or(usize::MAX).min(text.len());
    text.get(..end).and_then(|t| t.rfind('<')).unwrap_or(0)
}
