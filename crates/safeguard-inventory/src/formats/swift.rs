//! Readers for the swift family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `swift/packageresolved`.
pub struct PackageResolved;

impl Extractor for PackageResolved {
    fn id(&self) -> &'static str {
        "swift/packageresolved"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Swift
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "Package.resolved"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
