//! Readers for the dotnet family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `dotnet/packageslockjson`.
pub struct PackagesLockJson;

impl Extractor for PackagesLockJson {
    fn id(&self) -> &'static str {
        "dotnet/packageslockjson"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "packages.lock.json"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `dotnet/packagesconfig`.
pub struct PackagesConfig;

impl Extractor for PackagesConfig {
    fn id(&self) -> &'static str {
        "dotnet/packagesconfig"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "packages.config"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `dotnet/nugetcpm`.
pub struct NugetCpm;

impl Extractor for NugetCpm {
    fn id(&self) -> &'static str {
        "dotnet/nugetcpm"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "Directory.Packages.props"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `dotnet/csproj`.
pub struct Csproj;

impl Extractor for Csproj {
    fn id(&self) -> &'static str {
        "dotnet/csproj"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name.ends_with(".csproj")
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
