//! Readers for the rust family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `rust/cargolock`.
pub struct CargoLock;

impl Extractor for CargoLock {
    fn id(&self) -> &'static str {
        "rust/cargolock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "Cargo.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `rust/cargotoml`.
pub struct CargoToml;

impl Extractor for CargoToml {
    fn id(&self) -> &'static str {
        "rust/cargotoml"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "Cargo.toml"
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
