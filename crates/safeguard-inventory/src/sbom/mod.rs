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

pub use cyclonedx::write_cyclonedx;
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
            common::json_error(path, &e)
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
    let mut merged: Vec<Component> = Vec::with_capacity(inv.components.len());
    for c in std::mem::take(&mut inv.components) {
        match merged.last_mut() {
            Some(last) if last.purl == c.purl && last.location == c.location => {
                common::absorb(last, c);
            }
            _ => merged.push(c),
        }
    }
    inv.components = merged;
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

/// Per-document counters used by both readers to derive Direct/Transitive from a dependency
/// graph rooted at the subject.
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
