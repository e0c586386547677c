//! Readers for the php family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `php/composerlock`.
pub struct ComposerLock;

impl Extractor for ComposerLock {
    fn id(&self) -> &'static str {
        "php/composerlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Packagist
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "composer.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
