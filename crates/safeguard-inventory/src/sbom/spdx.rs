//! SPDX 2.x: JSON writer (2.3) and reader (JSON and YAML here; tag-value and RDF/XML build the
//! same input types in `spdx_tv` and `spdx_rdf`).

use std::collections::{BTreeMap, BTreeSet};

use safeguard_model::{Component, Hash, HashAlg, Location, Relationship, Scope, sha256_bytes};
use serde::{Deserialize, Serialize};

use super::common::{self, Entry, RawPackage};
use super::{Document, Metadata, SbomFormat, Subject, json_scan};
use crate::ParseError;
use crate::discover::Inventory;

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct OutDocument {
    #[serde(rename = "spdxVersion")]
    spdx_version: &'static str,
    #[serde(rename = "dataLicense")]
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    #[serde(rename = "documentNamespace")]
    document_namespace: String,
    #[serde(rename = "creationInfo")]
    creation_info: OutCreationInfo,
    packages: Vec<OutPackage>,
    relationships: Vec<OutRelationship>,
}

#[derive(Serialize)]
struct OutCreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
struct OutPackage {
    name: String,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(rename = "versionInfo", skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    supplier: String,
    #[serde(rename = "downloadLocation")]
    download_location: String,
    #[serde(rename = "filesAnalyzed")]
    files_analyzed: bool,
    #[serde(rename = "sourceInfo", skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<OutChecksum>,
    #[serde(rename = "externalRefs", skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<OutExternalRef>,
    #[serde(rename = "primaryPackagePurpose")]
    primary_package_purpose: &'static str,
}

#[derive(Serialize)]
struct OutChecksum {
    algorithm: &'static str,
    #[serde(rename = "checksumValue")]
    checksum_value: String,
}

#[derive(Serialize)]
struct OutExternalRef {
    #[serde(rename = "referenceCategory")]
    reference_category: &'static str,
    #[serde(rename = "referenceType")]
    reference_type: &'static str,
    #[serde(rename = "referenceLocator")]
    reference_locator: String,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct OutRelationship {
    #[serde(rename = "spdxElementId")]
    spdx_element_id: String,
    #[serde(rename = "relationshipType")]
    relationship_type: &'static str,
    #[serde(rename = "relatedSpdxElement")]
    related_spdx_element: String,
}

/// The SPDXID of the package for the subject.
const ROOT_ID: &str = "SPDXRef-Subject";
/// The external reference type carrying Go's `h1:` module hash, which SPDX has no checksum
/// algorithm for.
const GO_H1_REF_TYPE: &str = "go-h1";

fn spdx_checksum_name(alg: HashAlg) -> Option<&'static str> {
    Some(match alg {
        HashAlg::Md5 => "MD5",
        HashAlg::Sha1 => "SHA1",
        HashAlg::Sha256 => "SHA256",
        HashAlg::Sha384 => "SHA384",
        HashAlg::Sha512 => "SHA512",
        HashAlg::GoH1 => return None,
    })
}

/// Letters, digits, `.` and `-` only (what an SPDXID may hold), runs of anything else as one
/// `-`, at most `max` characters.
fn sanitise(s: &str, max: usize) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() || ch == '.' {
            out.push(ch);
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

/// `SPDXRef-Package-<name>-<version>-<hash of purl>`, unique within `used`.
fn package_id(e: &Entry<'_>, used: &mut BTreeSet<String>) -> String {
    let base = sanitise(&format!("{}-{}", e.first.name, e.first.version), 80);
    let hash = sha256_bytes(e.purl.as_bytes());
    for len in [8, 16, 64] {
        let id = if base.is_empty() {
            format!("SPDXRef-Package-{}", &hash[..len])
        } else {
            format!("SPDXRef-Package-{base}-{}", &hash[..len])
        };
        if used.insert(id.clone()) {
            return id;
        }
    }
    // Two purls with one SHA-256 do not happen; stay unique regardless.
    let mut n = used.len();
    loop {
        let id = format!("SPDXRef-Package-{}-{n}", &hash[..16]);
        if used.insert(id.clone()) {
            return id;
        }
        n += 1;
    }
}

/// Where SPDX tools accept a download location: `http(s)://host.tld/…`, or a VCS location
/// `git+https://host.tld/repo@revision`. Anything else (registry indexes, paths) is
/// NOASSERTION.
fn download_location(source: Option<&str>, commit: Option<&str>) -> String {
    fn host_ok(rest: &str) -> bool {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = host.split(':').next().unwrap_or_default();
        let Some((_, tld)) = host.rsplit_once('.') else {
            return false;
        };
        (2..=5).contains(&tld.len())
            && tld.chars().all(|c| c.is_ascii_alphabetic())
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !host.starts_with(['.', '-'])
    }
    let Some(s) = source.map(str::trim) else {
        return "NOASSERTION".into();
    };
    if s.chars().any(char::is_whitespace) {
        return "NOASSERTION".into();
    }
    for vcs in ["git+", "hg+", "svn+", "bzr+"] {
        if let Some(rest) = s.strip_prefix(vcs) {
            for scheme in ["https://", "http://", "ssh://", "git://"] {
                if let Some(after) = rest.strip_prefix(scheme)
                    && host_ok(after)
                {
                    let base = rest.split(['?', '#']).next().unwrap_or(rest);
                    let base = format!("{vcs}{base}");
                    // A revision is `@rev` after the repository path (not userinfo `git@`).
                    let path = after.split(['?', '#']).next().unwrap_or_default();
                    let path = path.split_once('/').map_or("", |(_, p)| p);
                    return match commit {
                        Some(c) if !c.is_empty() && !path.contains('@') => format!("{base}@{c}"),
                        _ => base,
                    };
                }
            }
            return "NOASSERTION".into();
        }
    }
    for scheme in ["https://", "http://"] {
        if let Some(after) = s.strip_prefix(scheme)
            && host_ok(after)
        {
            return s.to_string();
        }
    }
    "NOASSERTION".into()
}

/// Writes the inventory as an SPDX 2.3 JSON document: pretty-printed, with a trailing newline,
/// byte-identical for identical input.
///
/// The subject is the root package the document DESCRIBES; each distinct purl is one package
/// (`SPDXRef-Package-<name>-<version>-<hash>`) with its purl as a PACKAGE-MANAGER reference,
/// checksums under their SPDX algorithm names (Go's `h1:` hash as an OTHER reference of type
/// `go-h1`), `supplier` NOASSERTION (lockfiles do not say who supplies a package) and
/// `downloadLocation` NOASSERTION unless the source is a download or VCS URL. Relationships:
/// the root DEPENDS_ON its direct components, each component DEPENDS_ON its recorded
/// dependencies, dev components are DEV_DEPENDENCY_OF and optional ones
/// OPTIONAL_DEPENDENCY_OF the root. `documentNamespace` ends in a UUID derived from a SHA-256
/// of the rest of the document.
pub fn write_spdx(inv: &Inventory, meta: &Metadata) -> String {
    let entries = common::entries(inv);
    let subject = &meta.subject;
    let mut used = BTreeSet::new();
    let ids: Vec<String> = entries.iter().map(|e| package_id(e, &mut used)).collect();
    let id_of: BTreeMap<&str, &str> = entries
        .iter()
        .zip(&ids)
        .map(|(e, id)| (e.purl, id.as_str()))
        .collect();

    let mut packages = Vec::with_capacity(entries.len() + 1);
    packages.push(OutPackage {
        name: subject.name.clone(),
        spdx_id: ROOT_ID.into(),
        version_info: subject.version.clone().or_else(|| subject.commit.clone()),
        supplier: match &subject.supplier {
            Some(s) if !s.trim().is_empty() => format!("Organization: {}", s.trim()),
            _ => "NOASSERTION".into(),
        },
        download_location: "NOASSERTION".into(),
        files_analyzed: false,
        source_info: subject
            .commit
            .as_ref()
            .map(|c| format!("built from VCS commit {c}")),
        checksums: Vec::new(),
        external_refs: Vec::new(),
        primary_package_purpose: "APPLICATION",
    });
    let mut relationships = BTreeSet::new();
    let rel = |a: &str, ty: &'static str, b: &str| OutRelationship {
        spdx_element_id: a.to_string(),
        relationship_type: ty,
        related_spdx_element: b.to_string(),
    };
    for (e, id) in entries.iter().zip(&ids) {
        let mut checksums = Vec::new();
        let mut external_refs = vec![OutExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: e.purl.to_string(),
        }];
        for h in &e.hashes {
            match spdx_checksum_name(h.alg) {
                Some(algorithm) => checksums.push(OutChecksum {
                    algorithm,
                    checksum_value: h.value.clone(),
                }),
                None => external_refs.push(OutExternalRef {
                    reference_category: "OTHER",
                    reference_type: GO_H1_REF_TYPE,
                    reference_locator: common::go_h1_string(h),
                }),
            }
        }
        packages.push(OutPackage {
            name: e.first.name.clone(),
            spdx_id: id.clone(),
            version_info: (!e.first.version.is_empty()).then(|| e.first.version.clone()),
            supplier: "NOASSERTION".into(),
            download_location: download_location(e.source, e.commit),
            files_analyzed: false,
            source_info: None,
            checksums,
            external_refs,
            primary_package_purpose: "LIBRARY",
        });
        if e.relationship == Relationship::Direct {
            relationships.insert(rel(ROOT_ID, "DEPENDS_ON", id));
        }
        for d in &e.dependencies {
            if let Some(target) = id_of.get(d) {
                relationships.insert(rel(id, "DEPENDS_ON", target));
            }
        }
        match e.scope {
            Scope::Dev => {
                relationships.insert(rel(id, "DEV_DEPENDENCY_OF", ROOT_ID));
            }
            Scope::Optional => {
                relationships.insert(rel(id, "OPTIONAL_DEPENDENCY_OF", ROOT_ID));
            }
            Scope::Runtime => {}
        }
    }
    let mut relationships: Vec<OutRelationship> = relationships.into_iter().collect();
    relationships.insert(0, rel("SPDXRef-DOCUMENT", "DESCRIBES", ROOT_ID));

    let mut creators = vec![format!("Tool: {}-{}", meta.tool_name, meta.tool_version)];
    if let Some(s) = subject.supplier.as_deref().map(str::trim)
        && !s.is_empty()
    {
        creators.push(format!("Organization: {s}"));
    }
    let name = if subject.name.trim().is_empty() {
        "unnamed".to_string()
    } else {
        subject.name.clone()
    };
    let mut doc = OutDocument {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        document_namespace: String::new(),
        name,
        creation_info: OutCreationInfo {
            created: common::timestamp(meta.timestamp),
            creators,
        },
        packages,
        relationships,
    };
    let unsigned = serde_json::to_vec(&doc).unwrap_or_default();
    let slug = match sanitise(&doc.name, 64) {
        s if s.is_empty() => "sbom".to_string(),
        s => s,
    };
    doc.document_namespace = format!(
        "https://spdx.org/spdxdocs/{slug}-{}",
        common::uuid_from(&unsigned)
    );
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub(crate) struct SpdxIn {
    #[serde(rename = "spdxVersion")]
    pub spdx_version: String,
    #[serde(rename = "SPDXID", default)]
    pub spdx_id: Option<String>,
    #[serde(rename = "creationInfo", default)]
    pub creation_info: Option<CreationInfoIn>,
    #[serde(rename = "documentDescribes", default)]
    pub document_describes: Vec<String>,
    #[serde(default)]
    pub packages: Vec<PackageIn>,
    #[serde(default)]
    pub relationships: Vec<RelationshipIn>,
}

#[derive(Deserialize, Default)]
pub(crate) struct CreationInfoIn {
    #[serde(default)]
    pub creators: Vec<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct PackageIn {
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    pub name: String,
    #[serde(rename = "versionInfo", default)]
    pub version_info: Option<String>,
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(rename = "downloadLocation", default)]
    pub download_location: Option<String>,
    /// Read only so that a wrong type (`"false"`) is reported.
    #[serde(rename = "filesAnalyzed", default)]
    #[allow(dead_code)]
    pub files_analyzed: Option<bool>,
    #[serde(rename = "sourceInfo", default)]
    pub source_info: Option<String>,
    #[serde(default)]
    pub checksums: Vec<ChecksumIn>,
    #[serde(rename = "externalRefs", default)]
    pub external_refs: Vec<ExternalRefIn>,
    #[serde(skip)]
    pub line: Option<u32>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ChecksumIn {
    pub algorithm: String,
    #[serde(rename = "checksumValue")]
    pub checksum_value: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct ExternalRefIn {
    #[serde(rename = "referenceCategory")]
    pub reference_category: String,
    #[serde(rename = "referenceType")]
    pub reference_type: String,
    #[serde(rename = "referenceLocator")]
    pub reference_locator: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct RelationshipIn {
    #[serde(rename = "spdxElementId")]
    pub spdx_element_id: String,
    #[serde(rename = "relatedSpdxElement")]
    pub related_spdx_element: String,
    #[serde(rename = "relationshipType")]
    pub relationship_type: String,
}

pub(crate) fn read_json(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut doc: SpdxIn =
        serde_json::from_str(text).map_err(|e| ParseError::from_json(path, &e))?;
    let offsets = json_scan::element_offsets(text, "packages", false, 1);
    if offsets.len() == doc.packages.len() {
        let index = crate::LineIndex::new(text);
        for (p, o) in doc.packages.iter_mut().zip(offsets) {
            p.line = Some(index.line(o));
        }
    }
    convert(path, doc)
}

/// Whether the text looks like an SPDX document in YAML: a top-level `spdxVersion:` key.
pub(crate) fn looks_like_yaml(text: &str) -> bool {
    text.lines()
        .take(200)
        .any(|l| l.starts_with("spdxVersion:") || l.starts_with("\"spdxVersion\":"))
}

pub(crate) fn read_yaml(path: &str, text: &str) -> Result<Document, ParseError> {
    // The default budget suits configuration files; an SBOM has a few nodes per package.
    // Scale the node and event limits with the input so that alias expansion stays linear.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = text.len().max(budget.max_nodes);
    budget.max_events = text.len().saturating_mul(2).max(budget.max_events);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    let doc: SpdxIn = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let loc = e.location();
        let message = e.to_string();
        let mut first = message.lines().next().unwrap_or("cannot read the YAML");
        first = first.strip_prefix("error: ").unwrap_or(first);
        if let Some(l) = &loc {
            let at = format!("line {} column {}: ", l.line(), l.column());
            first = first.strip_prefix(at.as_str()).unwrap_or(first);
        }
        ParseError::new(
            path,
            loc.as_ref().map(|l| l.line() as u32).filter(|l| *l > 0),
            loc.as_ref().map(|l| l.column() as u32).filter(|c| *c > 0),
            format!("not a readable SPDX YAML document: {first}"),
        )
    })?;
    convert(path, doc)
}

fn purl_of(p: &PackageIn) -> Option<&str> {
    p.external_refs
        .iter()
        .find(|r| r.reference_type.eq_ignore_ascii_case("purl"))
        .map(|r| r.reference_locator.as_str())
        .filter(|l| l.trim_start().starts_with("pkg:"))
}

fn cpe_of(p: &PackageIn) -> Option<&str> {
    p.external_refs
        .iter()
        .find(|r| r.reference_type.starts_with("cpe"))
        .map(|r| r.reference_locator.as_str())
}

/// `Organization: Name (email)` → `Name`.
fn actor_name(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s == "NOASSERTION" {
        return None;
    }
    let s = s
        .strip_prefix("Organization:")
        .or_else(|| s.strip_prefix("Person:"))
        .unwrap_or(s)
        .trim();
    let s = match s.rfind('(') {
        Some(i) if s.ends_with(')') => s[..i].trim(),
        _ => s,
    };
    (!s.is_empty()).then(|| s.to_string())
}

/// The commit in a `sourceInfo` such as ours (`built from VCS commit <sha>`).
fn commit_in(source_info: &str) -> Option<String> {
    let rest = &source_info[source_info.find("commit ")? + "commit ".len()..];
    let word: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (7..=64).contains(&word.len()).then_some(word)
}

/// Turns the parsed document (from any SPDX serialisation) into a [`Document`].
pub(crate) fn convert(path: &str, doc: SpdxIn) -> Result<Document, ParseError> {
    let doc_id = doc
        .spdx_id
        .clone()
        .unwrap_or_else(|| "SPDXRef-DOCUMENT".into());
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in doc.packages.iter().enumerate() {
        index.entry(p.spdx_id.as_str()).or_insert(i);
    }

    // What the document describes: the subject when it is one package among others.
    let mut described: BTreeSet<usize> = doc
        .document_describes
        .iter()
        .filter_map(|id| index.get(id.as_str()).copied())
        .collect();
    for r in &doc.relationships {
        let ty = r.relationship_type.trim();
        if ty == "DESCRIBES"
            && (r.spdx_element_id == doc_id || r.spdx_element_id == "SPDXRef-DOCUMENT")
        {
            described.extend(index.get(r.related_spdx_element.as_str()));
        } else if ty == "DESCRIBED_BY"
            && (r.related_spdx_element == doc_id || r.related_spdx_element == "SPDXRef-DOCUMENT")
        {
            described.extend(index.get(r.spdx_element_id.as_str()));
        }
    }
    let subject_idx = match (described.len(), doc.packages.len()) {
        (1, n) if n > 1 => described.first().copied(),
        _ => None,
    };

    // A package without a purl that descends from one with a purl is that package again.
    let mut dropped = vec![false; doc.packages.len()];
    for r in &doc.relationships {
        let (desc, anc) = match r.relationship_type.trim() {
            "DESCENDANT_OF" => (&r.spdx_element_id, &r.related_spdx_element),
            "ANCESTOR_OF" => (&r.related_spdx_element, &r.spdx_element_id),
            _ => continue,
        };
        if let (Some(&d), Some(&a)) = (index.get(desc.as_str()), index.get(anc.as_str()))
            && d != a
            && purl_of(&doc.packages[d]).is_none()
            && purl_of(&doc.packages[a]).is_some()
        {
            dropped[d] = true;
        }
    }

    // One component per package (None for the subject and dropped ones).
    let mut slots: Vec<Option<Component>> = Vec::with_capacity(doc.packages.len());
    for (i, p) in doc.packages.iter().enumerate() {
        if Some(i) == subject_idx || dropped[i] {
            slots.push(None);
            continue;
        }
        let raw = RawPackage {
            purl: purl_of(p),
            group: None,
            name: Some(&p.name),
            version: p.version_info.as_deref(),
            cpe: cpe_of(p),
        };
        let location = Location {
            file: path.to_string(),
            line: p.line,
        };
        let Some(mut c) = common::make_component(&raw, location) else {
            tracing::warn!(
                "{path}:{}: skipping package {} with neither a name nor a purl",
                p.line.unwrap_or(0),
                p.spdx_id
            );
            slots.push(None);
            continue;
        };
        let mut hashes: BTreeSet<Hash> = p
            .checksums
            .iter()
            .filter_map(|h| common::parse_hash(&h.algorithm, &h.checksum_value))
            .collect();
        hashes.extend(
            p.external_refs
                .iter()
                .filter(|r| r.reference_type.eq_ignore_ascii_case(GO_H1_REF_TYPE))
                .filter_map(|r| common::parse_go_h1(&r.reference_locator)),
        );
        c.hashes = hashes.into_iter().collect();
        c.source = p
            .download_location
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "NOASSERTION" && *d != "NONE")
            .map(str::to_string);
        slots.push(Some(c));
    }

    // Relationships: edges, scopes, the subject's direct dependencies.
    let mut root_deps: Vec<String> = Vec::new();
    let mut has_root_edges = false;
    let mut dev = vec![false; slots.len()];
    let mut optional = vec![false; slots.len()];
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for r in &doc.relationships {
        let ty = r.relationship_type.trim();
        let (from, to, edge) = match ty {
            "DEPENDS_ON" => (&r.spdx_element_id, &r.related_spdx_element, true),
            "DEPENDENCY_OF" | "RUNTIME_DEPENDENCY_OF" | "PROVIDED_DEPENDENCY_OF" => {
                (&r.related_spdx_element, &r.spdx_element_id, true)
            }
            "DEV_DEPENDENCY_OF"
            | "TEST_DEPENDENCY_OF"
            | "BUILD_DEPENDENCY_OF"
            | "DEV_TOOL_OF"
            | "BUILD_TOOL_OF"
            | "TEST_TOOL_OF" => {
                if let Some(&i) = index.get(r.spdx_element_id.as_str()) {
                    dev[i] = true;
                }
                (
                    &r.related_spdx_element,
                    &r.spdx_element_id,
                    ty.ends_with("DEPENDENCY_OF"),
                )
            }
            "OPTIONAL_DEPENDENCY_OF" => {
                if let Some(&i) = index.get(r.spdx_element_id.as_str()) {
                    optional[i] = true;
                }
                (&r.related_spdx_element, &r.spdx_element_id, true)
            }
            _ => continue,
        };
        let (Some(&a), Some(&b)) = (index.get(from.as_str()), index.get(to.as_str())) else {
            continue;
        };
        if Some(a) == subject_idx {
            // Scope relationships to the subject say nothing about being direct.
            if ty == "DEPENDS_ON" || ty == "DEPENDENCY_OF" || ty == "RUNTIME_DEPENDENCY_OF" {
                has_root_edges = true;
                if let Some(Some(c)) = slots.get(b) {
                    root_deps.push(c.purl.clone());
                }
            }
        } else if edge && a != b {
            edges.push((a, b));
        }
    }
    for (a, b) in edges {
        let Some(Some(target)) = slots.get(b).map(|s| s.as_ref().map(|c| c.purl.clone())) else {
            continue;
        };
        if let Some(Some(c)) = slots.get_mut(a)
            && c.purl != target
        {
            c.dependencies.push(target);
        }
    }
    for (i, slot) in slots.iter_mut().enumerate() {
        if let Some(c) = slot {
            c.dependencies.sort();
            c.dependencies.dedup();
            c.scope = if dev[i] {
                Scope::Dev
            } else if optional[i] {
                Scope::Optional
            } else {
                Scope::Runtime
            };
        }
    }
    let mut components: Vec<Component> = slots.into_iter().flatten().collect();
    if has_root_edges {
        super::classify_relationships(&mut components, Some(&root_deps));
    }

    let subject = subject_idx.and_then(|i| doc.packages.get(i)).map(|p| {
        let commit = p.source_info.as_deref().and_then(commit_in);
        Subject {
            name: p.name.clone(),
            version: p
                .version_info
                .clone()
                .filter(|v| !v.trim().is_empty() && Some(v) != commit.as_ref()),
            commit,
            supplier: p.supplier.as_deref().and_then(actor_name),
        }
    });
    let tools: Vec<&str> = doc
        .creation_info
        .iter()
        .flat_map(|ci| ci.creators.iter())
        .filter_map(|c| c.trim().strip_prefix("Tool:"))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    Ok(Document {
        path: path.to_string(),
        format: SbomFormat::Spdx {
            version: doc.spdx_version.trim().to_string(),
        },
        subject,
        components,
        tool: (!tools.is_empty()).then(|| tools.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_locations_spdx_tools_accept() {
        let c = "0123456789abcdef";
        for (source, commit, want) in [
            (None, None, "NOASSERTION"),
            (
                Some("https://registry.npmjs.org/a/-/a-1.tgz"),
                None,
                "https://registry.npmjs.org/a/-/a-1.tgz",
            ),
            (
                Some("git+https://github.com/o/r?rev=x#abc"),
                Some(c),
                "git+https://github.com/o/r@0123456789abcdef",
            ),
            (
                Some("git+ssh://git@github.com/o/r.git"),
                Some(c),
                "git+ssh://git@github.com/o/r.git@0123456789abcdef",
            ),
            (
                Some("git+https://github.com/o/r@v1"),
                Some(c),
                "git+https://github.com/o/r@v1",
            ),
            (
                Some("registry+https://github.com/rust-lang/crates.io-index"),
                None,
                "NOASSERTION",
            ),
            (Some("https://localhost/x"), None, "NOASSERTION"),
            (Some("https://example.com/a b"), None, "NOASSERTION"),
            (Some("../vendor/x"), None, "NOASSERTION"),
            (Some("git+file:///tmp/x"), None, "NOASSERTION"),
        ] {
            assert_eq!(download_location(source, commit), want, "{source:?}");
        }
    }

    #[test]
    fn spdx_ids_are_sanitised_and_unique() {
        assert_eq!(sanitise("@types/react-18.0.0", 80), "types-react-18.0.0");
        assert_eq!(sanitise("org.slf4j:slf4j api", 80), "org.slf4j-slf4j-api");
        assert_eq!(sanitise("ünïcode", 80), "n-code");
        assert_eq!(sanitise(&"a".repeat(200), 80).len(), 80);
        let inv = Inventory {
            components: ["pkg:npm/a@1", "pkg:pypi/a@1"]
                .iter()
                .map(|p| {
                    let mut c = Component::new(
                        safeguard_model::Ecosystem::Npm,
                        "a",
                        "1",
                        Location::default(),
                    );
                    c.purl = p.to_string();
                    c
                })
                .collect(),
            ..Inventory::default()
        };
        let entries = common::entries(&inv);
        let mut used = BTreeSet::new();
        let ids: Vec<String> = entries.iter().map(|e| package_id(e, &mut used)).collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1], "same name and version, different purls");
        assert!(ids[0].starts_with("SPDXRef-Package-a-1-"));
    }

    #[test]
    fn actors_and_commits() {
        assert_eq!(
            actor_name("Organization: Acme, Inc. (a@b.c)").as_deref(),
            Some("Acme, Inc.")
        );
        assert_eq!(actor_name("NOASSERTION"), None);
        assert_eq!(
            commit_in("built from VCS commit 0123abcd").as_deref(),
            Some("0123abcd")
        );
        assert_eq!(commit_in("commit xyz"), None);
    }
}
