//! Readers for the golang family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `golang/gomod`.
pub struct GoMod;

impl Extractor for GoMod {
    fn id(&self) -> &'static str {
        "golang/gomod"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Go
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "go.mod"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
