//! The typed machine summaries carried by evidence records, one struct per kind.
//!
//! Adding a kind means adding a variant to [`Facts`]; evaluators match on it, so the compiler
//! points at every place that must learn about it.

use std::collections::BTreeMap;

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
    /// Commit provenance over a range: signatures, review, CODEOWNERS and branch protection
    /// (1.1.4, 2.2.1, 2.2.2).
    SourceProvenance(SourceProvenanceFacts),
    /// Static audits of the CI workflows, and the security checks they run (1.3.2, 2.1, 2.2.2).
    CiAudit(CiAuditFacts),
    /// Secrets found in the working tree and the git history, and which were reviewed
    /// (1.4.3, 1.4.5, 2.1.4).
    Secrets(SecretsFacts),
    /// Release artefacts: their signatures and provenance attestations, the verification
    /// instructions customers are given, and reproducible-build reports (3.1.1, 2.2.1, 2.2.2).
    Releases(ReleaseFacts),
    /// What customers are told: security.txt, the disclosure-policy lint, product lifecycle
    /// and end-of-support notice, the incident-support plan and incident timeliness
    /// (3.2.1, 3.2.2, 4.1.1, 4.1.2, 4.1.3, 4.2.1, 4.3.1, 4.3.2).
    Communication(CommunicationFacts),
    /// Vulnerability handling from the ticket store: the SLA policy and how tickets fared
    /// against it, triage, advisories issued, and fix-to-release times (3.3.2, 3.4.1, 3.4.2,
    /// 3.5.1).
    VulnHandling(VulnHandlingFacts),
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
            Facts::SourceProvenance(_) => "source-provenance",
            Facts::CiAudit(_) => "ci-audit",
            Facts::Secrets(_) => "secrets",
            Facts::Releases(_) => "releases",
            Facts::Communication(_) => "communication",
            Facts::VulnHandling(_) => "vuln-handling",
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
    /// Distinct components with at least one strong integrity hash (SHA-256, SHA-384,
    /// SHA-512 or Go's `h1:`) in a lockfile.
    pub with_integrity: u64,
    /// Distinct components whose only integrity hashes are weak (MD5 or SHA-1): not counted in
    /// `with_integrity`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weak_integrity: u64,
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
    /// Components with a strong integrity hash (see [`CompositionFacts::with_integrity`]).
    pub with_integrity: u64,
    /// Components whose only integrity hashes are MD5 or SHA-1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weak_integrity: u64,
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

/// Commit provenance over a range of history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceProvenanceFacts {
    /// The range read: `HEAD`, `A..B`, or `HEAD since YYYY-MM-DD`, and any cap applied.
    pub range: String,
    /// Commits read.
    pub commits: u64,
    /// The repository is a shallow clone: older history is absent.
    pub shallow: bool,
    /// Commits by signature kind: `none`, `ssh`, `openpgp`, `x509`, `unknown`.
    pub signature_kinds: BTreeMap<String, u64>,
    /// Signed commits by verification result: `good`, `bad`, `unknown-key`, `unsupported`,
    /// `malformed`, `not-checked` (no allowed-signers file or keyring given).
    pub verification: BTreeMap<String, u64>,
    /// The trust anchors verification used (`allowed-signers PATH`, `keyring PATH`).
    pub trust: Vec<String>,
    /// Non-merge commits with review evidence of any kind.
    pub reviewed: u64,
    /// Non-merge commits in the range (the denominator of `reviewed`).
    pub non_merge: u64,
    /// Commits by review evidence: `pull-request`, `trailer`, `forge-export`.
    pub review_sources: BTreeMap<String, u64>,
    /// Non-merge commits that changed CI configuration or build scripts.
    pub build_changes: u64,
    /// Of those, reviewed.
    pub build_changes_reviewed: u64,
    /// Of those, with a good signature.
    pub build_changes_signed: u64,
    /// Distinct commit authors (e-mail addresses) in the range.
    pub authors: u64,
    /// The CODEOWNERS file, when there is one, and what it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codeowners: Option<CodeownersFacts>,
    /// Branch protection read from forge settings exports.
    pub protection: Vec<ProtectionFacts>,
    /// Up to 20 commits with a bad signature: `short-id subject (reason)`.
    pub bad_signatures: Vec<String>,
    /// Up to 20 unreviewed commits that changed the build: `short-id subject`.
    pub unreviewed_build_changes: Vec<String>,
    /// Commits that could not be read.
    pub errors: Vec<String>,
}

/// What a CODEOWNERS file covers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeownersFacts {
    pub path: String,
    /// CI configuration files, and how many have an owner.
    pub ci_files: u64,
    pub ci_owned: u64,
    /// Build scripts and build definitions, and how many have an owner.
    pub build_files: u64,
    pub build_owned: u64,
    /// CODEOWNERS itself has an owner.
    pub self_owned: bool,
    /// Up to 20 CI or build files without an owner.
    pub unowned: Vec<String>,
}

/// One branch protection rule, normalised across forges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtectionFacts {
    /// `github-branch-protection`, `github-ruleset`, `gitlab-protected-branch`.
    pub source: String,
    /// Branch name or pattern.
    pub branch: String,
    /// The rule applies to the default branch.
    pub applies_to_default: bool,
    pub require_pull_request: bool,
    pub required_approvals: u32,
    pub code_owner_review: bool,
    pub dismiss_stale_reviews: bool,
    pub require_signed_commits: bool,
    pub allow_force_push: bool,
    pub allow_deletion: bool,
    pub enforce_for_admins: bool,
}

/// Static audits of CI workflows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiAuditFacts {
    /// Workflow, action and pipeline files audited.
    pub files: u64,
    /// Files that could not be read or parsed: `path:line:col message`.
    pub errors: Vec<String>,
    /// Findings by severity: `critical`, `high`, `medium`, `low`, `info`.
    pub findings: BTreeMap<String, u64>,
    /// Findings by audit id.
    pub by_audit: BTreeMap<String, u64>,
    /// Up to 50 findings, most severe first: `path:line:col audit: message`.
    pub sample: Vec<String>,
    /// Dependency-update tools configured (`dependabot (.github/dependabot.yml)`).
    pub dependency_updates: Vec<String>,
    /// Static analysis steps: `path:line what`.
    pub sast: Vec<String>,
    /// Fuzzing steps.
    pub fuzzing: Vec<String>,
    /// Test steps.
    pub tests: Vec<String>,
    /// Signing and attestation steps in release jobs.
    pub signing: Vec<String>,
    /// Dependency installs in CI and whether they enforce the lockfile's hashes:
    /// `path:line command verified|unverified`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub installs: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What customers are told, as checks: one per element, document or clock, each supporting
/// one claim.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunicationFacts {
    /// The documents and files read (paths relative to the assessed tree or the
    /// configuration), sorted.
    pub sources: Vec<String>,
    /// The checks, in source order.
    pub checks: Vec<CommunicationCheck>,
    /// Inputs that could not be read or are malformed (`path: message`).
    pub errors: Vec<String>,
}

/// One check of [`CommunicationFacts`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunicationCheck {
    /// The claim it supports (`3.2.1`, `4.2.1`, …).
    pub claim: String,
    /// Where it comes from: `security.txt`, `disclosure-policy`, `lifecycle`,
    /// `incident-plan`, `incident-log`.
    pub source: String,
    /// What was checked (`contact`, `notice-period`, `cra-early-warning`, …).
    pub check: String,
    /// `pass` or `fail` (`pending` for a clock whose deadline has not passed).
    pub status: String,
    /// A failure of this check alone keeps the claim from being met (a required element of a
    /// policy); other failures are reported in the argument.
    #[serde(default)]
    pub required: bool,
    /// The file and line, or the product version or incident, when specific.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// What was found, in words.
    pub detail: String,
}

/// Vulnerability handling, read from the ticket store (`safeguard vulns`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnHandlingFacts {
    /// The store file (relative to the assessed tree when inside it).
    pub store: String,
    /// `ok`, `missing` (no scan was ever recorded), or what is wrong with it.
    pub store_state: String,
    /// The SLA policy in force: days per severity (`critical` → 7, …) and where the clock
    /// starts (`first_seen` or `published`).
    pub sla_days: BTreeMap<String, u32>,
    pub sla_clock: String,
    /// `[vulns.sla]` is in `safeguard.toml` (otherwise the defaults apply).
    pub sla_configured: bool,
    pub scans: u64,
    /// The latest recorded scan's time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_scan: Option<String>,
    pub tickets: u64,
    /// Tickets by status (`under_investigation`, `affected`, …).
    pub by_status: BTreeMap<String, u64>,
    /// Open tickets (under investigation, affected, accepted) by severity.
    pub open_by_severity: BTreeMap<String, u64>,
    /// Open tickets never triaged by a person.
    pub untriaged_open: u64,
    /// Of those, the ones first seen more than a week before the run (`VULN-n severity`).
    pub untriaged_stale: Vec<String>,
    /// Median hours from first seen to the first triage decision, over triaged tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_hours_to_triage: Option<f64>,
    /// Closed tickets (fixed or not affected) with an SLA, and how many closed within it.
    pub closed_with_sla: u64,
    pub closed_within_sla: u64,
    /// Open tickets past their due date (`VULN-n severity due`).
    pub breached_open: Vec<String>,
    /// Open risk acceptances, each with its approver and expiry.
    pub accepted: Vec<String>,
    /// Fixed tickets, and how many shipped in a recorded release.
    pub fixed: u64,
    pub released: u64,
    /// Fixed tickets not shipped in a recorded release (`VULN-n severity fixed YYYY-MM-DD`).
    pub fixed_unreleased: Vec<String>,
    /// Median and maximum hours from fix to release, over released tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_hours_fix_to_release: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hours_fix_to_release: Option<f64>,
    /// Releases recorded.
    pub releases: u64,
    /// Advisories issued (tracking id and version), and the tickets they cover.
    pub advisories: Vec<String>,
    pub tickets_with_advisory: u64,
    /// High and critical tickets that affected customers (affected, accepted or fixed) with no
    /// advisory.
    pub needing_advisory: Vec<String>,
    /// The audit trail: entries, the head hash, and whether it verified.
    pub audit_entries: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<String>,
    pub audit_problems: Vec<String>,
}

/// Release artefacts and what vouches for them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseFacts {
    /// The `[release] artifacts` globs; empty when none are configured.
    pub patterns: Vec<String>,
    /// Trusted release keys loaded: `path (key id)`.
    pub keys: Vec<String>,
    /// Provenance bundles read, sorted.
    pub provenance_bundles: Vec<String>,
    /// Each artefact checked, sorted by path.
    pub artifacts: Vec<ReleaseArtifact>,
    /// Signature and attestation files committed in the repository (looked for when no
    /// artefacts are configured), sorted by path.
    pub committed: Vec<CommittedSignature>,
    /// Instructions telling customers how to verify a release: `path:line tool`, sorted.
    pub instructions: Vec<String>,
    /// Reproducible-build reports (`safeguard repro --format json`) read.
    pub repro: Vec<ReproSummary>,
    /// What could not be checked: `path: reason` (a glob matching nothing, an unreadable key
    /// or bundle, a file too large).
    pub gaps: Vec<String>,
}

/// One release artefact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseArtifact {
    /// Path relative to the configuration's folder, `/`-separated.
    pub path: String,
    /// SHA-256 (hex); absent when the file could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub size: u64,
    /// The signature bundle beside the artefact.
    pub signature: ReleaseCheck,
    /// A provenance attestation naming the artefact as a subject.
    pub provenance: ReleaseCheck,
}

/// The result of checking a signature or an attestation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseCheck {
    /// `verified`, `failed` or `missing`.
    pub status: String,
    /// The bundle checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// The id of the key that verified it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Why it failed or is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Provenance: the builder id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
    /// Provenance: the build type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_type: Option<String>,
    /// Provenance: the source repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_uri: Option<String>,
    /// Provenance: the source commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_commit: Option<String>,
}

/// A signature or attestation file found in the repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommittedSignature {
    pub path: String,
    /// `sigstore-bundle`, `in-toto` or `detached-signature`.
    pub kind: String,
    /// The file it sits beside and presumably signs, when that file exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `verified`, `failed` or `not-checked` (no key configured, or a format Safeguard does not
    /// verify).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One reproducible-build report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReproSummary {
    pub path: String,
    /// Whether both builds gave identical artefacts; absent when the report could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reproducible: Option<bool>,
    /// Artefacts compared, and how many were identical.
    pub artifacts: u64,
    pub identical: u64,
    /// The first artefact that differs: `path differs at byte N` or `path missing in the
    /// second build`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_difference: Option<String>,
    /// Why the report could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Secrets found in the tree and history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsFacts {
    /// Detection rules applied.
    pub rules: u64,
    /// Files scanned in the working tree, and their bytes.
    pub files: u64,
    pub bytes: u64,
    /// The git history was scanned too.
    pub history: bool,
    /// Distinct history blobs scanned, and commits they come from.
    pub blobs: u64,
    pub commits: u64,
    /// The history is shallow: older commits were not scanned.
    pub shallow: bool,
    /// The reviewed-baseline file, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Distinct secrets not reviewed, present in the working tree.
    pub open_in_tree: u64,
    /// Distinct secrets not reviewed, only in the history.
    pub open_in_history: u64,
    /// Distinct secrets the baseline marks as reviewed.
    pub reviewed: u64,
    /// Open secrets by rule family (`cloud`, `vcs`, `private-key`, `generic`, …).
    pub by_family: BTreeMap<String, u64>,
    /// Up to 50 open findings, redacted: `path:line rule redacted`.
    pub sample: Vec<String>,
    /// Files or blobs skipped (binary, too large, unreadable): counts by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Problems that limited the scan (a damaged repository, an unreadable baseline).
    pub errors: Vec<String>,
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
