//! The typed machine summaries carried by evidence records, one struct per kind.
//!
//! Adding a kind means adding a variant to [`Facts`]; evaluators match on it, so the compiler
//! points at every place that must learn about it.

use serde::{Deserialize, Serialize};

/// The kind of an evidence record and its facts. Serialised as `"kind": "...", "facts": {...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "facts", rename_all = "kebab-case")]
pub enum Facts {
    /// Version control in use and what is under it (1.1.4).
    Vcs(VcsFacts),
    /// CI configuration present, and whether it runs tests (1.3.2).
    CiConfig(CiFacts),
    /// Test suites detected per language (1.3.2).
    TestSuites(TestFacts),
    /// Security policy / vulnerability disclosure documents (3.2.1, 3.2.2).
    SecurityPolicy(SecurityPolicyFacts),
    /// Threat-model documents and their freshness against architecture changes (1.4.1).
    ThreatModel(ThreatModelFacts),
    /// Third-party components found in lockfiles, lockfile coverage and integrity hashes
    /// (1.2.1, 1.2.2).
    Composition(CompositionFacts),
    /// The components checked against the offline vulnerability database, and how current the
    /// database is (3.3.1).
    Vulnerabilities(VulnerabilityFacts),
    /// One entry of the manual evidence register in `safeguard.toml`.
    ManualDocument(ManualDocumentFacts),
    /// One principle of a hand-written self-assessment imported with `assess --import`.
    ImportedStatement(ImportedStatementFacts),
}

impl Facts {
    pub fn kind(&self) -> &'static str {
        match self {
            Facts::Vcs(_) => "vcs",
            Facts::CiConfig(_) => "ci-config",
            Facts::TestSuites(_) => "test-suites",
            Facts::SecurityPolicy(_) => "security-policy",
            Facts::ThreatModel(_) => "threat-model",
            Facts::Composition(_) => "composition",
            Facts::Vulnerabilities(_) => "vulnerabilities",
            Facts::ManualDocument(_) => "manual-document",
            Facts::ImportedStatement(_) => "imported-statement",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VcsFacts {
    /// `git`, or `None` when the tree is not under version control.
    pub system: Option<String>,
    pub head_commit: Option<String>,
    pub branch: Option<String>,
    /// Commits reachable from HEAD.
    pub commits: u64,
    pub shallow: bool,
    /// Files tracked under the assessed path.
    pub tracked_files: u64,
    /// Files present, not ignored and not tracked.
    pub untracked_files: u64,
    /// Up to 20 of them, sorted.
    pub untracked_sample: Vec<String>,
    /// Tracked files with uncommitted changes.
    pub modified_files: u64,
    /// Configuration items (build definitions, lockfiles, CI, container and infrastructure
    /// definitions) and whether each is tracked.
    pub config_items: Vec<ConfigItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigItem {
    pub path: String,
    /// `build`, `lockfile`, `ci`, `container`, `infrastructure` or `tooling`.
    pub category: String,
    pub tracked: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiFacts {
    /// CI systems with configuration present (`github-actions`, `gitlab-ci`, …), sorted.
    pub systems: Vec<String>,
    pub files: Vec<CiFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiFile {
    pub path: String,
    pub system: String,
    /// Test commands the file invokes (`cargo test`, `pytest`, …), sorted and deduplicated.
    pub test_commands: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFacts {
    pub languages: Vec<LanguageTests>,
    /// Fuzz targets found (paths), sorted.
    pub fuzz_targets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageTests {
    pub language: String,
    pub test_files: u64,
    /// Test frameworks or runners recognised (`cargo-test`, `pytest`, `jest`, …), sorted.
    pub frameworks: Vec<String>,
    /// Up to 10 test file paths, sorted.
    pub sample: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityPolicyFacts {
    pub documents: Vec<PolicyDocument>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    pub path: String,
    /// `markdown`, `text`, `restructuredtext`, `asciidoc` or `security.txt`.
    pub format: String,
    pub sha256: String,
    /// Contact e-mail addresses found, sorted.
    pub emails: Vec<String>,
    /// Contact or policy URLs found, sorted.
    pub urls: Vec<String>,
    /// Confidential reporting channels recognised (`email`, `private-advisory`,
    /// `encryption-key`, `web-form`, `bug-bounty`), sorted.
    pub confidential_channels: Vec<String>,
    /// The document asks reporters not to disclose publicly (e.g. "do not open a public issue").
    pub discourages_public_reports: bool,
    /// The document states a response or fix time.
    pub states_response_time: bool,
    /// The document lists supported versions.
    pub lists_supported_versions: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatModelFacts {
    /// Threat-model documents found, sorted.
    pub documents: Vec<String>,
    /// Architecture-relevant files found (count; see `architecture_sample`).
    pub architecture_files: u64,
    pub architecture_sample: Vec<String>,
    /// Last commit that changed a threat-model document.
    pub last_threat_model_change: Option<Change>,
    /// Last commit that changed an architecture-relevant file.
    pub last_architecture_change: Option<Change>,
    /// Architecture files changed in commits after the last threat-model change (up to 20).
    pub changed_since_threat_model: Vec<String>,
    /// `Some(true)` when architecture changed after the threat model was last revised;
    /// `None` when it could not be compared (no history, or nothing to compare).
    pub stale: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub commit: String,
    /// Committer time, RFC 3339 UTC.
    pub time: String,
    /// Committer time, seconds since the Unix epoch (for comparisons).
    pub unix: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompositionFacts {
    /// Distinct components (by package URL).
    pub components: u64,
    /// Distinct components the product asks for itself, and through others; the rest are
    /// from lockfiles that do not say.
    pub direct: u64,
    pub transitive: u64,
    /// Distinct components with at least one integrity hash in a lockfile.
    pub with_integrity: u64,
    /// Per ecosystem, sorted by ecosystem name.
    pub ecosystems: Vec<EcosystemComposition>,
    /// Every lockfile or manifest read, sorted by path.
    pub files: Vec<CompositionFile>,
    /// Manifests with no lockfile pinning their dependencies, sorted.
    pub manifests_without_lockfile: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcosystemComposition {
    /// OSV ecosystem name (`crates.io`, `npm`, `PyPI`, …).
    pub ecosystem: String,
    pub components: u64,
    pub with_integrity: u64,
    /// Lockfiles (and manifests with pinned versions) read.
    pub files: u64,
    /// Manifests of this ecosystem without a lockfile.
    pub manifests_without_lockfile: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompositionFile {
    pub path: String,
    /// The reader's id (`rust/cargolock`, `javascript/packagelockjson`, …).
    pub format: String,
    pub components: u64,
    /// Why the file could not be read (`line:column: message`), when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityFacts {
    /// The database file used.
    pub database: String,
    /// Why the database could not be used (missing, damaged); nothing was checked then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Live records in the database.
    pub records: u64,
    /// The newest `modified` of any record (RFC 3339 UTC): how current the data is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<String>,
    /// Hours between `newest_modified` and the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_hours: Option<i64>,
    /// Distinct components checked.
    pub components: u64,
    /// Components that could not be checked (no OSV ecosystem, no version, version not
    /// parsable under the ecosystem's rules).
    pub unchecked: u64,
    /// Open findings by rating: `critical`, `high`, `medium`, `low`, `unknown`.
    pub open: std::collections::BTreeMap<String, u64>,
    /// Findings suppressed by VEX or an ignore file.
    pub suppressed: u64,
    /// Up to 50 open findings, highest rated first: `id component@version (rating)`.
    pub sample: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualDocumentFacts {
    /// The register entry's id.
    pub entry: String,
    pub title: String,
    /// Path (relative to the configuration file) or URL.
    pub location: String,
    pub owner: String,
    /// Date of the last review, `YYYY-MM-DD`.
    pub reviewed: Option<String>,
    /// Expiry date, `YYYY-MM-DD`.
    pub expires: Option<String>,
    pub expected_sha256: Option<String>,
    pub actual_sha256: Option<String>,
    /// `matched`, `mismatched`, `missing` (file not found), `unverifiable` (a URL; offline),
    /// or `not-recorded` (no digest in the register).
    pub digest: String,
    pub expired: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedStatementFacts {
    /// The imported file's name.
    pub source: String,
    pub source_sha256: String,
    /// The brief's principle number, 1–14.
    pub principle: u8,
    pub theme: String,
    pub statement: String,
    pub evidence: Vec<String>,
    /// `implemented`, `partial`, `not_implemented` or `not_applicable`.
    pub status: String,
}
