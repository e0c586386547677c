//! Readers for the dart family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `dart/pubspec`.
pub struct PubspecLock;

impl Extractor for PubspecLock {
    fn id(&self) -> &'static str {
        "dart/pubspec"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Pub
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "pubspec.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
