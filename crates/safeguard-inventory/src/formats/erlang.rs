//! Readers for the erlang family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `erlang/mixlock`.
pub struct MixLock;

impl Extractor for MixLock {
    fn id(&self) -> &'static str {
        "erlang/mixlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Hex
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "mix.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
