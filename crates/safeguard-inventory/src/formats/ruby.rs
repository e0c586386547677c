//! Readers for the ruby family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `ruby/gemfilelock`.
pub struct GemfileLock;

impl Extractor for GemfileLock {
    fn id(&self) -> &'static str {
        "ruby/gemfilelock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::RubyGems
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "Gemfile.lock" || name == "gems.locked"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
