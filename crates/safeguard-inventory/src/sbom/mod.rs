//! SBOM documents: CycloneDX and SPDX, written with our own serde types and read back from
//! other tools.
//!
//! Writing:
//! - [`write_cyclonedx`]: CycloneDX JSON 1.5, 1.6 or 1.7 ([`CdxVersion`]).
//! - [`write_spdx`]: SPDX 2.3 JSON.
//!
//! Both merge the inventory's duplicate declarations (one package locked in two files) into one
//! component per purl that keeps every location, and both are deterministic: the same input
//! gives byte-identical output, with the serial number / document namespace derived from a
//! SHA-256 of the content.
//!
//! Reading ([`read`], format detected from the content):
//! - CycloneDX JSON 1.2–1.7 and CycloneDX XML 1.0–1.7;
//! - SPDX 2.1–2.3 as JSON, YAML, tag-value or RDF/XML.
//!
//! SPDX 3 (JSON-LD) is refused with a message saying so. Reading never panics: every problem
//! is a [`ParseError`] naming the file and, where known, the line and column.

mod cdx_xml;
mod common;
mod cyclonedx;
mod json_scan;
mod spdx;
mod spdx_rdf;
mod spdx_tv;

use std::collections::BTreeMap;

use safeguard_model::{Component, Ecosystem};
use serde::{Deserialize, Serialize};

use crate::discover::{Inventory, ScannedFile};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

pub use cyclonedx::{write_cyclonedx, write_cyclonedx_with_lifecycle};
pub use spdx::write_spdx;

/// Components nested deeper than this (CycloneDX `components` inside `components`) are not
/// read; it bounds the work done on hostile input.
pub const MAX_NESTING: usize = 32;

/// A CycloneDX specification version we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CdxVersion {
    #[serde(rename = "1.5")]
    V1_5,
    #[serde(rename = "1.6")]
    V1_6,
    #[serde(rename = "1.7")]
    V1_7,
}

impl CdxVersion {
    /// Every version we write, oldest first.
    pub const ALL: [CdxVersion; 3] = [CdxVersion::V1_5, CdxVersion::V1_6, CdxVersion::V1_7];

    /// The `specVersion` string (`"1.6"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CdxVersion::V1_5 => "1.5",
            CdxVersion::V1_6 => "1.6",
            CdxVersion::V1_7 => "1.7",
        }
    }

    /// Parses `"1.5"`, `"1.6"` or `"1.7"`.
    pub fn parse(s: &str) -> Option<CdxVersion> {
        CdxVersion::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

impl std::fmt::Display for CdxVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The product an SBOM describes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Product (or repository) name.
    pub name: String,
    /// Released version, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// VCS commit the SBOM was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The vendor's organisation name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
}

/// Document-level facts a writer needs besides the components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Name of the tool writing the SBOM (`safeguard`).
    pub tool_name: String,
    /// Its version.
    pub tool_version: String,
    /// Creation time; written in UTC with whole seconds.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: time::OffsetDateTime,
    /// The product described.
    pub subject: Subject,
}

/// The product version's lifecycle dates, written by [`write_cyclonedx_with_lifecycle`] as
/// `safeguard:lifecycle:*` properties of the subject. Values are dates as written
/// (`YYYY-MM-DD` or RFC 3339 date-times).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectLifecycle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_availability: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_security_support: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<String>,
}

/// Which SBOM format a document was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "kebab-case")]
pub enum SbomFormat {
    /// CycloneDX, with its `specVersion` (`"1.6"`).
    CycloneDx { spec_version: String },
    /// SPDX, with its version (`"SPDX-2.3"`).
    Spdx { version: String },
}

impl std::fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SbomFormat::CycloneDx { spec_version } => write!(f, "CycloneDX {spec_version}"),
            SbomFormat::Spdx { version } => f.write_str(version),
        }
    }
}

/// An SBOM read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The path it was read from (the location of every component).
    pub path: String,
    pub format: SbomFormat,
    /// The product it describes (CycloneDX `metadata.component`, the package an SPDX document
    /// describes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// Its components, flattened, in document order.
    pub components: Vec<Component>,
    /// The tool(s) that wrote it, as `name version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
}

/// Reads a CycloneDX or SPDX document, detecting the format from the content.
///
/// Accepts UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark.
/// Never panics; anything that is not a readable SBOM is a [`ParseError`] naming `path` and the
/// place in it.
pub fn read(path: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    let text = common::decode_text(path, bytes)?;
    let text = text.as_ref();
    let start = text.len() - text.trim_start().len();
    match text.as_bytes().get(start) {
        None => Err(ParseError::new(
            path,
            None,
            None,
            "the file is empty; expected a CycloneDX or SPDX document",
        )),
        Some(b'{' | b'[') => read_json(path, text, start),
        Some(b'<') => read_xml(path, text),
        Some(_) if spdx_tv::looks_like(text) => spdx_tv::read(path, text),
        Some(_) if spdx::looks_like_yaml(text) => spdx::read_yaml(path, text),
        Some(_) => {
            let (line, col) = crate::LineIndex::new(text).line_col(start);
            Err(ParseError::new(
                path,
                Some(line),
                Some(col),
                "not an SBOM: expected CycloneDX (JSON or XML) or SPDX (JSON, YAML, tag-value or RDF/XML)",
            ))
        }
    }
}

fn read_json(path: &str, text: &str, start: usize) -> Result<Document, ParseError> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "bomFormat")]
        bom_format: Option<serde_json::Value>,
        #[serde(rename = "specVersion")]
        spec_version: Option<serde_json::Value>,
        #[serde(rename = "spdxVersion")]
        spdx_version: Option<serde_json::Value>,
        #[serde(rename = "@context")]
        context: Option<serde_json::Value>,
        #[serde(rename = "@graph")]
        graph: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            let (line, col) = crate::LineIndex::new(text).line_col(start);
            ParseError::new(
                path,
                Some(line),
                Some(col),
                "not an SBOM: the document must be a JSON object",
            )
        } else {
            ParseError::from_json(path, &e)
        }
    })?;
    let at_start = || {
        let (line, col) = crate::LineIndex::new(text).line_col(start);
        (Some(line), Some(col))
    };
    if let Some(format) = &probe.bom_format {
        if format.as_str() != Some("CycloneDX") {
            let (line, col) = at_start();
            return Err(ParseError::new(
                path,
                line,
                col,
                format!(
                    "not a CycloneDX document: \"bomFormat\" is {format}, expected \"CycloneDX\""
                ),
            ));
        }
        let Some(version) = probe.spec_version.as_ref().and_then(|v| v.as_str()) else {
            let (line, col) = at_start();
            return Err(ParseError::new(
                path,
                line,
                col,
                "a CycloneDX document needs \"specVersion\" as a string such as \"1.6\"",
            ));
        };
        if !cyclonedx::supported_json_version(version) {
            let (line, col) = at_start();
            return Err(ParseError::new(
                path,
                line,
                col,
                format!(
                    "CycloneDX specVersion {version:?} is not supported as JSON; 1.2 to 1.7 are read"
                ),
            ));
        }
        return cyclonedx::read_json(path, text);
    }
    match probe.spdx_version.as_ref().and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("SPDX-2.") => return spdx::read_json(path, text),
        Some(v) => {
            let (line, col) = at_start();
            return Err(ParseError::new(
                path,
                line,
                col,
                format!("SPDX version {v:?} is not supported; SPDX 2.1 to 2.3 are read"),
            ));
        }
        None if probe.spdx_version.is_some() => {
            let (line, col) = at_start();
            return Err(ParseError::new(
                path,
                line,
                col,
                "\"spdxVersion\" must be a string such as \"SPDX-2.3\"",
            ));
        }
        None => {}
    }
    let (line, col) = at_start();
    let spdx3 = probe
        .context
        .as_ref()
        .is_some_and(|c| c.to_string().contains("spdx.org"))
        || probe.graph.is_some();
    Err(ParseError::new(
        path,
        line,
        col,
        if spdx3 {
            "SPDX 3 (JSON-LD) is not supported; export SPDX 2.3 or CycloneDX instead"
        } else {
            "not an SBOM: a JSON document needs \"bomFormat\": \"CycloneDX\" or \"spdxVersion\""
        },
    ))
}

fn read_xml(path: &str, text: &str) -> Result<Document, ParseError> {
    // Cheap sniffing on the first few KiB: the root element's namespace tells the format.
    let head: &str = {
        let mut end = text.len().min(8192);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    };
    if head.contains("cyclonedx.org/schema/bom") {
        cdx_xml::read(path, text)
    } else if head.contains("spdx.org/rdf/terms") {
        spdx_rdf::read(path, text)
    } else {
        Err(ParseError::new(
            path,
            Some(1),
            Some(1),
            "not an SBOM: an XML document must be CycloneDX (namespace http://cyclonedx.org/schema/bom/1.x) or SPDX RDF/XML",
        ))
    }
}

/// Puts the components of several documents into one inventory: every component keeps its
/// own location (the SBOM file), so the same package in two documents appears twice, and the
/// writers merge it into one component with both locations. `files` lists each document.
pub fn merge(docs: &[Document]) -> Inventory {
    let mut inv = Inventory::default();
    for doc in docs {
        let extractor = match doc.format {
            SbomFormat::CycloneDx { .. } => "sbom/cdx",
            SbomFormat::Spdx { .. } => "sbom/spdx",
        };
        inv.components.extend(doc.components.iter().cloned());
        inv.files.push(ScannedFile {
            path: doc.path.clone(),
            extractor,
            ecosystem: Ecosystem::Generic,
            kind: FileKind::Sbom,
            components: doc.components.len(),
            failed: false,
        });
    }
    inv.components
        .sort_by(|a, b| (&a.purl, &a.location, &a.scope).cmp(&(&b.purl, &b.location, &b.scope)));
    // The same purl at the same place twice (a nested duplicate) is one declaration; merge
    // what the copies say rather than dropping it.
    let mut merged: Vec<(Component, bool)> = Vec::with_capacity(inv.components.len());
    for c in std::mem::take(&mut inv.components) {
        match merged.last_mut() {
            Some((last, absorbed)) if last.purl == c.purl && last.location == c.location => {
                common::absorb(last, c);
                *absorbed = true;
            }
            _ => merged.push((c, false)),
        }
    }
    inv.components = merged
        .into_iter()
        .map(|(mut c, absorbed)| {
            if absorbed {
                common::tidy(&mut c);
            }
            c
        })
        .collect();
    inv.files.sort_by(|a, b| a.path.cmp(&b.path));
    inv
}

/// Reads components from a CycloneDX file (`sbom/cdx`): JSON 1.2–1.7 or XML. An SPDX file
/// given to it is read as SPDX.
pub struct CycloneDxFile;

impl Extractor for CycloneDxFile {
    fn id(&self) -> &'static str {
        "sbom/cdx"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Generic
    }
    fn kind(&self) -> FileKind {
        FileKind::Sbom
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        name.ends_with(".cdx.json")
            || name.ends_with(".cdx.xml")
            || name == "bom.json"
            || name == "bom.xml"
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        read(input.path, input.bytes).map(|d| d.components)
    }
}

/// Reads components from an SPDX 2.x file (`sbom/spdx`): JSON, YAML, tag-value or RDF/XML.
/// A CycloneDX file given to it is read as CycloneDX.
pub struct SpdxFile;

impl Extractor for SpdxFile {
    fn id(&self) -> &'static str {
        "sbom/spdx"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Generic
    }
    fn kind(&self) -> FileKind {
        FileKind::Sbom
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        [
            ".spdx.json",
            ".spdx",
            ".spdx.yml",
            ".spdx.yaml",
            ".spdx.rdf",
            ".spdx.rdf.xml",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        read(input.path, input.bytes).map(|d| d.components)
    }
}

/// Derives Direct/Transitive from a dependency graph rooted at the subject: `root_deps` are
/// Direct, components reachable from them through `dependencies` are Transitive, the rest
/// stay Unknown. Relationships already set (from our own properties) are kept. Used by both
/// readers.
pub(crate) fn classify_relationships(components: &mut [Component], root_deps: Option<&[String]>) {
    use safeguard_model::Relationship;
    let Some(root_deps) = root_deps else {
        return;
    };
    if root_deps.is_empty() {
        return;
    }
    let mut by_purl: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in components.iter().enumerate() {
        by_purl.entry(c.purl.as_str()).or_default().push(i);
    }
    let mut reach = vec![0u8; components.len()]; // 0 unknown, 1 direct, 2 transitive
    let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    for p in root_deps {
        for &i in by_purl.get(p.as_str()).into_iter().flatten() {
            if reach[i] != 1 {
                reach[i] = 1;
                queue.push_back(i);
            }
        }
    }
    while let Some(i) = queue.pop_front() {
        for d in &components[i].dependencies {
            for &j in by_purl.get(d.as_str()).into_iter().flatten() {
                if reach[j] == 0 {
                    reach[j] = 2;
                    queue.push_back(j);
                }
            }
        }
    }
    for (c, r) in components.iter_mut().zip(reach) {
        if c.relationship != Relationship::Unknown {
            continue;
        }
        c.relationship = match r {
            1 => Relationship::Direct,
            2 => Relationship::Transitive,
            _ => Relationship::Unknown,
        };
    }
}

#[cfg(test)]
mod tests {
    use safeguard_model::{HashAlg, Relationship, Scope};

    use super::common::{RawPackage, cpe_version, make_component, timestamp, uuid_from};
    use super::*;

    fn raw<'a>(
        purl: Option<&'a str>,
        name: Option<&'a str>,
        version: Option<&'a str>,
    ) -> RawPackage<'a> {
        RawPackage {
            purl,
            name,
            version,
            ..RawPackage::default()
        }
    }

    fn component(r: RawPackage<'_>) -> Component {
        make_component(&r, safeguard_model::Location::default()).unwrap()
    }

    #[test]
    fn components_from_purls_and_names() {
        // An encoded slash in an npm name is rebuilt canonically.
        let c = component(raw(
            Some("pkg:npm/%40gar%2Fpromisify@1.1.3"),
            Some("x"),
            None,
        ));
        assert_eq!(
            (c.ecosystem, c.name.as_str()),
            (Ecosystem::Npm, "@gar/promisify")
        );
        assert_eq!(c.purl, "pkg:npm/%40gar/promisify@1.1.3");
        // Maven: group:artifact, qualifiers kept.
        let c = component(raw(
            Some("pkg:maven/log4j/log4j@1.2.15?type=jar"),
            Some("v1_2_15"),
            None,
        ));
        assert_eq!(
            (c.name.as_str(), c.version.as_str()),
            ("log4j:log4j", "1.2.15")
        );
        assert_eq!(c.purl, "pkg:maven/log4j/log4j@1.2.15?type=jar");
        // Generic and OS types: the namespace is a vendor or distribution, not the name.
        let c = component(raw(Some("pkg:deb/debian/curl@7.0"), None, None));
        assert_eq!((c.ecosystem, c.name.as_str()), (Ecosystem::Generic, "curl"));
        let c = component(raw(Some("pkg:github/package-url/purl-spec@v1"), None, None));
        assert_eq!(c.name, "package-url/purl-spec");
        // The version field fills a purl without one, and goes into the purl.
        let c = component(raw(
            Some("pkg:cargo/rustls"),
            Some("rustls"),
            Some("0.23.13"),
        ));
        assert_eq!(
            (c.version.as_str(), c.purl.as_str()),
            ("0.23.13", "pkg:cargo/rustls@0.23.13")
        );
        // Not a purl: name and version, as pkg:generic.
        let c = component(raw(Some("a-purl-1"), Some("package-1"), Some("1.0.1")));
        assert_eq!(
            (c.ecosystem, c.purl.as_str()),
            (Ecosystem::Generic, "pkg:generic/package-1@1.0.1")
        );
        // No version anywhere but a CPE.
        let c = component(RawPackage {
            name: Some("Nginx"),
            cpe: Some("cpe:2.3:a:nginx:nginx:1.21.1:*:*:*:*:*:*:*"),
            group: Some("f5"),
            ..RawPackage::default()
        });
        assert_eq!((c.name.as_str(), c.version.as_str()), ("Nginx", "1.21.1"));
        assert_eq!(c.purl, "pkg:generic/f5/Nginx@1.21.1");
        assert!(make_component(&raw(None, Some("  "), None), Default::default()).is_none());
    }

    #[test]
    fn cpe_versions() {
        assert_eq!(
            cpe_version("cpe:2.3:a:nginx:nginx:1.21.1").as_deref(),
            Some("1.21.1")
        );
        assert_eq!(
            cpe_version("cpe:2.3:a:x:y\\:z:2.0\\.1:*:*:*:*:*:*:*").as_deref(),
            Some("2.0.1")
        );
        assert_eq!(cpe_version("cpe:2.3:*:some:package:*:*:*:*:*:*:*:*"), None);
        assert_eq!(
            cpe_version("cpe:/a:apache:log4j:1.2.15").as_deref(),
            Some("1.2.15")
        );
        assert_eq!(cpe_version("cpe:2.3:a:short"), None);
        assert_eq!(cpe_version("not a cpe"), None);
    }

    #[test]
    fn uuids_and_timestamps() {
        let u = uuid_from(b"abc");
        assert_eq!(u, uuid_from(b"abc"));
        assert_ne!(u, uuid_from(b"abd"));
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'));
        assert!(parts[3].starts_with(['8', '9', 'a', 'b']));
        // sha256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 …
        assert_eq!(u, "ba7816bf-8f01-5fea-8141-40de5dae2223");
        let t = time::macros::datetime!(2025-12-31 23:59:59.999 -01:00);
        assert_eq!(timestamp(t), "2026-01-01T00:59:59Z");
    }

    const CDX: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "metadata": {
    "tools": [{"vendor": "x", "name": "old-tool", "version": "1"}],
    "component": {"type": "application", "bom-ref": "root", "name": "app"}
  },
  "components": [
    {"type": "library", "bom-ref": "a", "name": "a", "version": "1", "purl": "pkg:npm/a@1",
     "hashes": [{"alg": "SHA-256", "content": "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"},
                {"alg": "SHA3-256", "content": "00"}],
     "properties": [{"name": "safeguard:hash:go-h1", "value": "h1:Zx2dPfWOx7ccBmuT4TC1TGf8hCmx8GTJtO1lTD1OfqM="}]},
    {"type": "library", "bom-ref": "b", "name": "b", "version": "2", "purl": "pkg:npm/b@2",
     "scope": "excluded"},
    {"type": "library", "bom-ref": "c", "name": "c", "version": "3", "purl": "pkg:npm/c@3",
     "scope": "optional"}
  ],
  "dependencies": [
    {"ref": "root", "dependsOn": ["a"]},
    {"ref": "a", "dependsOn": ["b", "nowhere", "b"]}
  ]
}"#;

    #[test]
    fn cyclonedx_hashes_scopes_edges_lines() {
        let doc = read("x.cdx.json", CDX.as_bytes()).unwrap();
        assert_eq!(doc.tool.as_deref(), Some("old-tool 1"));
        assert_eq!(doc.subject.as_ref().unwrap().name, "app");
        let [a, b, c] = doc.components.as_slice() else {
            panic!("{:?}", doc.components)
        };
        assert_eq!(
            a.hashes.len(),
            2,
            "SHA-256 and go-h1; SHA3 has no model name"
        );
        assert_eq!(a.hashes[0].alg, HashAlg::Sha256);
        assert_eq!(a.hashes[0].value, "ab".repeat(32));
        assert_eq!(a.hashes[1].alg, HashAlg::GoH1);
        assert_eq!(a.dependencies, ["pkg:npm/b@2"]);
        assert_eq!(
            (a.scope, b.scope, c.scope),
            (Scope::Runtime, Scope::Dev, Scope::Optional)
        );
        assert_eq!(
            (a.relationship, b.relationship, c.relationship),
            (
                Relationship::Direct,
                Relationship::Transitive,
                Relationship::Unknown
            )
        );
        assert_eq!(
            (a.location.line, b.location.line, c.location.line),
            (Some(9), Some(13), Some(15))
        );
        assert_eq!(a.location.file, "x.cdx.json");
    }

    #[test]
    fn spdx_tag_value_scopes_edges_lines() {
        let text = "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nCreator: Tool: t-1\n\
            Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-root\n\n\
            PackageName: root\nSPDXID: SPDXRef-root\nPackageVersion: 9\n\
            PackageSupplier: Organization: Acme (ops@acme.test)\n\
            PackageSourceInfo: <text>built from VCS commit 0123abcd\nsecond line</text>\n\n\
            PackageName: left-pad\nSPDXID: SPDXRef-lp\nPackageVersion: 1.3.0\n\
            PackageChecksum: SHA1: 0000000000000000000000000000000000000001\n\
            ExternalRef: PACKAGE-MANAGER purl pkg:npm/left-pad@1.3.0\n\n\
            PackageName: jest\nSPDXID: SPDXRef-jest\nPackageVersion: 29\n\
            FileName: ./a.txt\nSPDXID: SPDXRef-file\n\
            Relationship: SPDXRef-root DEPENDS_ON SPDXRef-lp\n\
            Relationship: SPDXRef-jest DEV_DEPENDENCY_OF SPDXRef-root\n\
            Relationship: SPDXRef-jest DEPENDS_ON SPDXRef-lp\n";
        let doc = read("x.spdx", text.as_bytes()).unwrap();
        let subject = doc.subject.unwrap();
        assert_eq!(subject.supplier.as_deref(), Some("Acme"));
        assert_eq!(subject.commit.as_deref(), Some("0123abcd"));
        assert_eq!(subject.version.as_deref(), Some("9"));
        assert_eq!(doc.tool.as_deref(), Some("t-1"));
        let [lp, jest] = doc.components.as_slice() else {
            panic!("{:?}", doc.components)
        };
        assert_eq!((lp.location.line, jest.location.line), (Some(13), Some(19)));
        assert_eq!(lp.hashes[0].alg, HashAlg::Sha1);
        assert_eq!(lp.relationship, Relationship::Direct);
        assert_eq!(jest.scope, Scope::Dev);
        assert_eq!(
            jest.relationship,
            Relationship::Unknown,
            "not reachable from the root"
        );
        assert_eq!(jest.dependencies, ["pkg:npm/left-pad@1.3.0"]);
    }

    #[test]
    fn merge_folds_duplicates_at_one_place() {
        let one = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","purl":"pkg:npm/a@1","scope":"excluded"},{"type":"library","name":"a","purl":"pkg:npm/a@1"}]}"#;
        let doc = read("min.json", one.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 2);
        let inv = merge(&[doc]);
        assert_eq!(
            inv.components.len(),
            1,
            "same purl, same line of a minified file"
        );
        assert_eq!(inv.components[0].scope, Scope::Runtime);
        assert_eq!(inv.files[0].components, 2);
    }
}
