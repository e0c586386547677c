//! What a scan reports: findings, their severity, and why some are suppressed.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::cvss::{CvssVersion, Rating};

/// The component a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedComponent {
    /// OSV ecosystem name (`crates.io`, `npm`, `PyPI`, …).
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    pub purl: String,
    /// Where the component was declared (lockfile or SBOM), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// `direct`, `transitive` or `unknown`.
    pub relationship: String,
    /// The direct dependencies that bring this component in (purls). Empty when the component
    /// is itself direct, or when the input records no dependency edges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub introduced_by: Vec<String>,
}

/// Where a severity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeveritySource {
    /// Scored from a CVSS vector in the record.
    Cvss,
    /// The database's own rating (`database_specific.severity`, e.g. GHSA "HIGH", Ubuntu priority).
    Database,
    /// The record gives no severity.
    Unknown,
}

/// The severity of a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// `None` when the record gives no severity at all (`source` is `unknown`).
    pub rating: Option<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss_version: Option<CvssVersion>,
    pub source: SeveritySource,
}

/// Why a finding is not reported as open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suppression {
    /// A VEX statement says the product is `not_affected`.
    Vex {
        /// The VEX file.
        file: String,
        /// `not_affected` (the only status that suppresses).
        status: String,
        /// The VEX justification (`vulnerable_code_not_present`, `code_not_reachable`, …), when given.
        #[serde(skip_serializing_if = "Option::is_none")]
        justification: Option<String>,
        /// Free-text impact statement / detail, when given.
        #[serde(skip_serializing_if = "Option::is_none")]
        statement: Option<String>,
    },
    /// An entry of the ignore file.
    Ignored {
        file: String,
        reason: String,
        #[serde(with = "time::serde::rfc3339")]
        expires: OffsetDateTime,
    },
}

/// One vulnerability in one component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub component: AffectedComponent,
    /// The OSV id (`RUSTSEC-2023-0001`, `GHSA-…`, `PYSEC-…`).
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub severity: Severity,
    /// Every `fixed` version of the ranges that apply to this package, in version order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    /// The smallest version above the current one that no range of the record affects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade_to: Option<String>,
    /// Advisory URLs (`references` of type ADVISORY first, then WEB/REPORT).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub published: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub modified: OffsetDateTime,
    /// Set when the advisory is informational rather than a vulnerability: RustSec's
    /// `unmaintained`, `unsound` and `notice` (cargo-audit reports these as warnings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    /// Set when a VEX statement or an ignore entry suppresses the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

impl Finding {
    /// The rating used for sorting: an unknown severity sorts with `None`. (`--fail-on` counts
    /// an unknown severity as `low`: see `report::exit_rating_reached`.)
    pub fn rating(&self) -> Rating {
        self.severity.rating.unwrap_or(Rating::None)
    }
}

/// Facts about the database a scan used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSummary {
    pub path: String,
    pub records: u64,
    /// The newest `modified` of any record.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub newest_modified: Option<OffsetDateTime>,
}

/// The result of a scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// What was scanned: a repository folder or an SBOM file.
    pub target: String,
    pub tool_version: String,
    #[serde(with = "time::serde::rfc3339")]
    pub scanned_at: OffsetDateTime,
    pub db: DbSummary,
    /// Components checked.
    pub components: u64,
    /// Components whose ecosystem or version could not be checked, with the reason
    /// (no version, unsupported ecosystem, unparsable version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<Unchecked>,
    /// Open findings first (by rating, highest first), then suppressed ones.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unchecked {
    pub purl: String,
    pub reason: String,
}
