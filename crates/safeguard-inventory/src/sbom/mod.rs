//! SBOM documents: CycloneDX and SPDX reading and writing. (Stub: being written.)

use safeguard_model::{Component, Ecosystem};

use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads components from a CycloneDX JSON file (`sbom/cdx`).
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
        let name = file_name(path);
        name.ends_with(".cdx.json") || name == "bom.json"
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads components from an SPDX 2.3 JSON file (`sbom/spdx`).
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
        file_name(path).ends_with(".spdx.json")
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
