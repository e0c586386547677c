//! Readers for the r family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `r/renvlock`.
pub struct RenvLock;

impl Extractor for RenvLock {
    fn id(&self) -> &'static str {
        "r/renvlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cran
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "renv.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
