//! The reader interface and the one list of readers.

use safeguard_model::{Component, Ecosystem};

use crate::error::ParseError;
use crate::formats;
use crate::input::Input;

/// What kind of file an extractor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A file pinning exact resolved versions (Cargo.lock, package-lock.json, …).
    Lockfile,
    /// A file declaring dependencies, usually as ranges (package.json, Cargo.toml, pom.xml).
    Manifest,
    /// A software bill of materials written by another tool.
    Sbom,
}

/// One file format reader.
///
/// Implementations are unit structs registered in [`all`]. `extract` must never panic:
/// malformed input returns a [`ParseError`] naming the file and, when known, the line.
pub trait Extractor: Send + Sync {
    /// Stable id, `family/format`. Matches the folder names of osv-scalibr's extractors so
    /// conformance results line up (`javascript/packagelockjson`).
    fn id(&self) -> &'static str;
    /// The ecosystem of the components it returns.
    fn ecosystem(&self) -> Ecosystem;
    /// Lockfile, manifest or SBOM.
    fn kind(&self) -> FileKind;
    /// Whether `path` (root-relative, `/`-separated) is a file this extractor reads.
    fn matches(&self, path: &str) -> bool;
    /// Whether `safeguard sbom` runs this extractor when it walks a repository. Readers of a
    /// project's own manifest (package.json, Cargo.toml) and of SBOM files only serve
    /// conformance, coverage and explicit `--sbom` inputs.
    fn in_discovery(&self) -> bool {
        true
    }
    /// Reads the components from one file.
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError>;
}

/// The file name part of a root-relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, f)| f)
}

/// Every extractor, in a stable order. This is the one place readers are registered.
pub fn all() -> &'static [&'static dyn Extractor] {
    static ALL: &[&dyn Extractor] = &[
        &formats::rust::CargoLock,
        &formats::rust::CargoToml,
        &formats::javascript::PackageLockJson,
        &formats::javascript::YarnLock,
        &formats::javascript::PnpmLock,
        &formats::javascript::BunLock,
        &formats::javascript::PackageJson,
        &formats::python::PoetryLock,
        &formats::python::UvLock,
        &formats::python::PdmLock,
        &formats::python::PyLock,
        &formats::python::PipfileLock,
        &formats::python::Requirements,
        &formats::golang::GoMod,
        &formats::ruby::GemfileLock,
        &formats::php::ComposerLock,
        &formats::java::PomXml,
        &formats::java::GradleLockfile,
        &formats::java::GradleVerificationMetadata,
        &formats::dotnet::PackagesLockJson,
        &formats::dotnet::PackagesConfig,
        &formats::dotnet::NugetCpm,
        &formats::dotnet::Csproj,
        &formats::swift::PackageResolved,
        &formats::dart::PubspecLock,
        &formats::erlang::MixLock,
        &formats::r::RenvLock,
        &crate::sbom::CycloneDxFile,
        &crate::sbom::SpdxFile,
    ];
    ALL
}

/// The extractor with this id.
pub fn by_id(id: &str) -> Option<&'static dyn Extractor> {
    all().iter().copied().find(|e| e.id() == id)
}

/// The first discovery extractor that reads `path`.
pub fn for_path(path: &str) -> Option<&'static dyn Extractor> {
    all()
        .iter()
        .copied()
        .find(|e| e.in_discovery() && e.matches(path))
}
