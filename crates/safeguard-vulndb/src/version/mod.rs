//! Exact version ordering per ecosystem.
//!
//! STUB: the interface below is fixed; the implementation is being written.

use std::cmp::Ordering;

/// A version scheme: how one ecosystem spells and orders versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// SemVer 2.0.0 (crates.io, npm, Pub, Hex, SwiftURL, and OSV `SEMVER` ranges).
    SemVer,
    /// Go modules: SemVer with a `v` prefix, pseudo-versions and `+incompatible`.
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven (ComparableVersion rules).
    Maven,
    /// NuGet (SemVer 2 with up to four numeric parts, case-insensitive labels).
    NuGet,
    /// RubyGems (`Gem::Version`).
    RubyGems,
    /// Packagist (Composer's version normalisation).
    Packagist,
    /// Debian (dpkg: epoch, upstream, revision; also Ubuntu).
    Debian,
    /// Alpine (apk-tools).
    Alpine,
    /// CRAN (R package versions).
    Cran,
}

/// A version that could not be parsed under its scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{scheme:?} version {version:?}: {reason}")]
pub struct VersionError {
    pub scheme: Scheme,
    pub version: String,
    pub reason: String,
}

/// A parsed version; only versions of the same scheme are compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    raw: String,
}

impl Version {
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl Scheme {
    /// The scheme of an OSV ecosystem name (the part before any `:` suffix is used).
    pub fn for_ecosystem(_ecosystem: &str) -> Option<Scheme> {
        None
    }

    pub fn parse(self, version: &str) -> Result<Version, VersionError> {
        Err(VersionError {
            scheme: self,
            version: version.to_owned(),
            reason: "not written yet".into(),
        })
    }

    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        let a = self.parse(a)?;
        let b = self.parse(b)?;
        Ok(a.raw.cmp(&b.raw))
    }
}
