//! Readers for the java family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `java/pomxml`.
pub struct PomXml;

impl Extractor for PomXml {
    fn id(&self) -> &'static str {
        "java/pomxml"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "pom.xml"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `java/gradlelockfile`.
pub struct GradleLockfile;

impl Extractor for GradleLockfile {
    fn id(&self) -> &'static str {
        "java/gradlelockfile"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name.ends_with(".lockfile")
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `java/gradleverificationmetadataxml`.
pub struct GradleVerificationMetadata;

impl Extractor for GradleVerificationMetadata {
    fn id(&self) -> &'static str {
        "java/gradleverificationmetadataxml"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        path.ends_with("gradle/verification-metadata.xml")
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
