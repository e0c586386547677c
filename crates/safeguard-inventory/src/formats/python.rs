//! Readers for the python family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `python/poetrylock`.
pub struct PoetryLock;

impl Extractor for PoetryLock {
    fn id(&self) -> &'static str {
        "python/poetrylock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "poetry.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `python/uvlock`.
pub struct UvLock;

impl Extractor for UvLock {
    fn id(&self) -> &'static str {
        "python/uvlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "uv.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `python/pdmlock`.
pub struct PdmLock;

impl Extractor for PdmLock {
    fn id(&self) -> &'static str {
        "python/pdmlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "pdm.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `python/pylock`.
pub struct PyLock;

impl Extractor for PyLock {
    fn id(&self) -> &'static str {
        "python/pylock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "pylock.toml" || (name.starts_with("pylock.") && name.ends_with(".toml"))
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `python/pipfilelock`.
pub struct PipfileLock;

impl Extractor for PipfileLock {
    fn id(&self) -> &'static str {
        "python/pipfilelock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "Pipfile.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `python/requirements`.
pub struct Requirements;

impl Extractor for Requirements {
    fn id(&self) -> &'static str {
        "python/requirements"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name.starts_with("requirements") && name.ends_with(".txt")
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
