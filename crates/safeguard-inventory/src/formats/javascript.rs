//! Readers for the javascript family. (Stub: being written.)
use crate::{Extractor, FileKind, Input, ParseError, file_name};
use safeguard_model::{Component, Ecosystem};

/// Reads `javascript/packagelockjson`.
pub struct PackageLockJson;

impl Extractor for PackageLockJson {
    fn id(&self) -> &'static str {
        "javascript/packagelockjson"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "package-lock.json" || name == "npm-shrinkwrap.json"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `javascript/yarnlock`.
pub struct YarnLock;

impl Extractor for YarnLock {
    fn id(&self) -> &'static str {
        "javascript/yarnlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "yarn.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `javascript/pnpmlock`.
pub struct PnpmLock;

impl Extractor for PnpmLock {
    fn id(&self) -> &'static str {
        "javascript/pnpmlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "pnpm-lock.yaml"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `javascript/bunlock`.
pub struct BunLock;

impl Extractor for BunLock {
    fn id(&self) -> &'static str {
        "javascript/bunlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "bun.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}

/// Reads `javascript/packagejson`.
pub struct PackageJson;

impl Extractor for PackageJson {
    fn id(&self) -> &'static str {
        "javascript/packagejson"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        let _ = (path, name);
        name == "package.json"
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        Err(input.error(None, None, "reader not written yet"))
    }
}
