//! Third-party components, as read from lockfiles and SBOMs.

use serde::{Deserialize, Serialize};

use crate::purl::Purl;

/// A package ecosystem. Serialised with the OSV ecosystem names, so the same value keys the
/// vulnerability database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "crates.io")]
    Cargo,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "Go")]
    Go,
    #[serde(rename = "RubyGems")]
    RubyGems,
    #[serde(rename = "Packagist")]
    Packagist,
    #[serde(rename = "Maven")]
    Maven,
    #[serde(rename = "NuGet")]
    NuGet,
    #[serde(rename = "SwiftURL")]
    Swift,
    #[serde(rename = "Pub")]
    Pub,
    #[serde(rename = "Hex")]
    Hex,
    #[serde(rename = "CRAN")]
    Cran,
    /// Anything else an SBOM names by purl type.
    #[serde(rename = "generic")]
    Generic,
}

impl Ecosystem {
    /// Every ecosystem, in display order.
    pub const ALL: [Ecosystem; 13] = [
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Go,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::Maven,
        Ecosystem::NuGet,
        Ecosystem::Swift,
        Ecosystem::Pub,
        Ecosystem::Hex,
        Ecosystem::Cran,
        Ecosystem::Generic,
    ];

    /// The OSV ecosystem name.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Maven => "Maven",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Swift => "SwiftURL",
            Ecosystem::Pub => "Pub",
            Ecosystem::Hex => "Hex",
            Ecosystem::Cran => "CRAN",
            Ecosystem::Generic => "generic",
        }
    }

    /// The purl type used for this ecosystem's packages.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Go => "golang",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::NuGet => "nuget",
            Ecosystem::Swift => "swift",
            Ecosystem::Pub => "pub",
            Ecosystem::Hex => "hex",
            Ecosystem::Cran => "cran",
            Ecosystem::Generic => "generic",
        }
    }

    /// The ecosystem a purl type belongs to.
    pub fn from_purl_type(ty: &str) -> Ecosystem {
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.purl_type().eq_ignore_ascii_case(ty))
            .unwrap_or(Ecosystem::Generic)
    }

    /// The purl of a package called `name` (as the ecosystem writes it) at `version`.
    pub fn purl(self, name: &str, version: &str) -> Purl {
        let version = Some(version);
        match self {
            Ecosystem::Npm if name.starts_with('@') => Purl::from_path_name("npm", name, version),
            Ecosystem::Go | Ecosystem::Swift | Ecosystem::Packagist => {
                Purl::from_path_name(self.purl_type(), name, version)
            }
            Ecosystem::Maven => match name.split_once(':') {
                Some((group, artifact)) => Purl::new("maven", Some(group), artifact, version),
                None => Purl::new("maven", None, name, version),
            },
            _ => Purl::new(self.purl_type(), None, name, version),
        }
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// How a component is used by the product.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Shipped with, or needed by, the product at run time.
    #[default]
    Runtime,
    /// Optional at run time (npm `optional`, Python extras).
    Optional,
    /// Only for development, tests or builds.
    Dev,
}

/// A hash algorithm, named as CycloneDX names it. [`HashAlg::GoH1`] is Go's module hash
/// (`h1:`), which no SBOM format has a name for; writers carry it as a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum HashAlg {
    #[serde(rename = "MD5")]
    Md5,
    #[serde(rename = "SHA-1")]
    Sha1,
    #[serde(rename = "SHA-256")]
    Sha256,
    #[serde(rename = "SHA-384")]
    Sha384,
    #[serde(rename = "SHA-512")]
    Sha512,
    #[serde(rename = "go-h1")]
    GoH1,
}

impl HashAlg {
    /// The CycloneDX / display name.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
            HashAlg::GoH1 => "go-h1",
        }
    }

    /// Expected digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 | HashAlg::GoH1 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Parses the names lockfiles use: `sha256`, `sha-256`, `SHA512`, `md5`, …
    pub fn parse(name: &str) -> Option<HashAlg> {
        let n: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match n.as_str() {
            "md5" => HashAlg::Md5,
            "sha1" => HashAlg::Sha1,
            "sha256" => HashAlg::Sha256,
            "sha384" => HashAlg::Sha384,
            "sha512" => HashAlg::Sha512,
            "h1" | "goh1" => HashAlg::GoH1,
            _ => return None,
        })
    }
}

/// An integrity hash of a component's artefact, hex encoded in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hash {
    pub alg: HashAlg,
    pub value: String,
}

impl Hash {
    /// A hash from a hex string; `None` unless the length fits the algorithm.
    pub fn from_hex(alg: HashAlg, hex: &str) -> Option<Hash> {
        let hex = hex.trim();
        (hex.len() == alg.digest_len() * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(
            || Hash {
                alg,
                value: hex.to_ascii_lowercase(),
            },
        )
    }

    /// A hash from raw digest bytes.
    pub fn from_bytes(alg: HashAlg, bytes: &[u8]) -> Option<Hash> {
        (bytes.len() == alg.digest_len()).then(|| Hash {
            alg,
            value: crate::hex(bytes),
        })
    }

    /// `alg:hex` or `alg-hex` or `alg=hex` forms (`sha256:ab…`, `sha512-ab…`).
    pub fn from_prefixed_hex(s: &str) -> Option<Hash> {
        let (alg, hex) = s.split_once([':', '-', '='])?;
        Hash::from_hex(HashAlg::parse(alg)?, hex)
    }
}

/// Where a component was declared.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scanned root, with `/` separators.
    pub file: String,
    /// 1-based line, when the format lets us know it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// Whether the product asks for a component itself or gets it through another one.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    Direct,
    Transitive,
    /// The lockfile does not say.
    #[default]
    Unknown,
}

/// One third-party component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub ecosystem: Ecosystem,
    /// Name as the ecosystem writes it (`@types/react`, `org.slf4j:slf4j-api`,
    /// `github.com/pkg/errors`).
    pub name: String,
    /// Exact resolved version; empty when the source does not pin one.
    pub version: String,
    /// Canonical package URL.
    pub purl: String,
    #[serde(default)]
    pub scope: Scope,
    /// Dependency groups as the lockfile names them (`dev`, `optional`, `test`, extras…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    pub location: Location,
    #[serde(default)]
    pub relationship: Relationship,
    /// purls of the components this one depends on, where the lockfile records edges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Where it was fetched from: registry URL, git URL, local path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// VCS commit, for git sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The project's own package (a workspace member), listed by a lockfile beside the
    /// third-party ones. Inventories leave these out; readers still report them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_party: bool,
}

impl Component {
    /// A runtime component of `ecosystem` with its canonical purl and no other detail.
    pub fn new(ecosystem: Ecosystem, name: &str, version: &str, location: Location) -> Self {
        Component {
            ecosystem,
            name: name.to_string(),
            version: version.to_string(),
            purl: ecosystem.purl(name, version).to_string(),
            scope: Scope::Runtime,
            groups: Vec::new(),
            hashes: Vec::new(),
            location,
            relationship: Relationship::Unknown,
            dependencies: Vec::new(),
            source: None,
            commit: None,
            first_party: false,
        }
    }

    /// Whether any integrity hash is recorded.
    pub fn has_integrity(&self) -> bool {
        !self.hashes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_per_ecosystem() {
        let cases = [
            (
                Ecosystem::Npm,
                "@types/react",
                "18.0.20",
                "pkg:npm/%40types/react@18.0.20",
            ),
            (
                Ecosystem::Npm,
                "JSONStream",
                "1.3.5",
                "pkg:npm/jsonstream@1.3.5",
            ),
            (
                Ecosystem::Cargo,
                "serde_json",
                "1.0.0",
                "pkg:cargo/serde_json@1.0.0",
            ),
            (
                Ecosystem::PyPI,
                "Flask_Login",
                "0.6.0",
                "pkg:pypi/flask-login@0.6.0",
            ),
            (
                Ecosystem::Go,
                "golang.org/x/net",
                "v0.1.0",
                "pkg:golang/golang.org/x/net@v0.1.0",
            ),
            (
                Ecosystem::Maven,
                "org.slf4j:slf4j-api",
                "2.0.9",
                "pkg:maven/org.slf4j/slf4j-api@2.0.9",
            ),
            (
                Ecosystem::Packagist,
                "Symfony/Console",
                "v6.0.0",
                "pkg:composer/symfony/console@v6.0.0",
            ),
            (
                Ecosystem::NuGet,
                "Newtonsoft.Json",
                "13.0.1",
                "pkg:nuget/Newtonsoft.Json@13.0.1",
            ),
            (Ecosystem::RubyGems, "rails", "7.0.0", "pkg:gem/rails@7.0.0"),
        ];
        for (eco, name, version, want) in cases {
            assert_eq!(eco.purl(name, version).to_string(), want);
        }
    }

    #[test]
    fn hashes_check_length() {
        assert!(Hash::from_hex(HashAlg::Sha256, "ab").is_none());
        let h = Hash::from_prefixed_hex(&format!("sha256:{}", "A".repeat(64))).unwrap();
        assert_eq!(h.value, "a".repeat(64));
        assert_eq!(HashAlg::parse("SHA-512"), Some(HashAlg::Sha512));
        assert_eq!(
            serde_json::to_string(&HashAlg::Sha256).unwrap(),
            "\"SHA-256\""
        );
        assert_eq!(
            serde_json::to_string(&Ecosystem::Cargo).unwrap(),
            "\"crates.io\""
        );
    }
}
