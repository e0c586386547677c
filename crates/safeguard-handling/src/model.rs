//! The ticket model shared by the store, the SLA policy, VEX, advisories and the reports.
//!
//! A ticket is one vulnerability in one component of one product, keyed by
//! (product, component purl, vulnerability id). Its status follows the VEX vocabulary, plus
//! `accepted` for a risk accepted by a named approver until an expiry.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A ticket's severity, from the finding's rating. `Unknown` when the advisory gives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses the lower-case name written by [`Severity::as_str`].
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "unknown" => Severity::Unknown,
            "none" => Severity::None,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    /// Highest first, as reports list them.
    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
        Severity::Unknown,
    ];
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Found by a scan and not yet triaged (VEX `under_investigation`).
    UnderInvestigation,
    /// The product is affected and a fix is due (VEX `affected`).
    Affected,
    /// The product is not affected, with a VEX justification (VEX `not_affected`).
    NotAffected,
    /// Fixed: the finding is gone from a later scan, or a person said so (VEX `fixed`).
    Fixed,
    /// The risk is accepted by an approver until an expiry. The SLA clock is paused meanwhile.
    /// VEX documents state it as `affected` with the acceptance as the action statement.
    Accepted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::UnderInvestigation => "under_investigation",
            Status::Affected => "affected",
            Status::NotAffected => "not_affected",
            Status::Fixed => "fixed",
            Status::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "under_investigation" => Status::UnderInvestigation,
            "affected" => Status::Affected,
            "not_affected" => Status::NotAffected,
            "fixed" => Status::Fixed,
            "accepted" => Status::Accepted,
            _ => return None,
        })
    }

    /// Still needs work: the SLA clock runs (or, for `accepted`, is paused).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::UnderInvestigation | Status::Affected | Status::Accepted
        )
    }
}

/// The VEX justifications for `not_affected` (the OpenVEX names; CycloneDX and CSAF have their
/// own spellings, mapped by their writers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

impl Justification {
    pub fn as_str(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "component_not_present",
            Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }

    pub fn parse(s: &str) -> Option<Justification> {
        Some(match s {
            "component_not_present" => Justification::ComponentNotPresent,
            "vulnerable_code_not_present" => Justification::VulnerableCodeNotPresent,
            "vulnerable_code_not_in_execute_path" => Justification::VulnerableCodeNotInExecutePath,
            "vulnerable_code_cannot_be_controlled_by_adversary" => {
                Justification::VulnerableCodeCannotBeControlledByAdversary
            }
            "inline_mitigations_already_exist" => Justification::InlineMitigationsAlreadyExist,
            _ => return None,
        })
    }

    pub const ALL: [Justification; 5] = [
        Justification::ComponentNotPresent,
        Justification::VulnerableCodeNotPresent,
        Justification::VulnerableCodeNotInExecutePath,
        Justification::VulnerableCodeCannotBeControlledByAdversary,
        Justification::InlineMitigationsAlreadyExist,
    ];
}

/// An accepted risk: who approved it, until when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub approver: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires: OffsetDateTime,
    pub reason: String,
}

/// One status a ticket held, from `at` until the next change (the SLA clock reads these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub status: Status,
    /// For `accepted`: when the acceptance lapses (the clock runs again from then).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub accepted_until: Option<OffsetDateTime>,
    /// Who made the change (`scan` for changes a scan made).
    pub by: String,
}

/// One vulnerability in one component of one product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// The store's number for it (shown as `VULN-<n>`).
    pub id: i64,
    /// The product (its id in `safeguard.toml`, or the scanned folder's name).
    pub product: String,
    /// The product version the latest scan described, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_version: Option<String>,
    /// The component's purl, with its version.
    pub purl: String,
    /// The advisory id (`GHSA-…`, `RUSTSEC-…`, `CVE-…`).
    pub vuln_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_vector: Option<String>,
    /// Versions of the component that fix it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// When the advisory was published.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub published: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
    /// The scan that first showed it.
    pub first_scan: i64,
    /// The latest scan that showed it.
    pub last_scan: i64,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// Why the product is or is not affected (VEX impact statement), or what to do (action).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// The first triage decision (any change a person made).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub triaged_at: Option<OffsetDateTime>,
    /// When it became `fixed`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub fixed_at: Option<OffsetDateTime>,
    /// The scan that showed it gone, when a scan closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_by_scan: Option<i64>,
    /// The product release that shipped the fix, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released_in: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub released_at: Option<OffsetDateTime>,
    /// Every status the ticket has held, oldest first (the first is its creation).
    pub history: Vec<StatusChange>,
}

impl Ticket {
    /// `VULN-<n>`.
    pub fn key(&self) -> String {
        format!("VULN-{}", self.id)
    }
}

/// Who issues a document (VEX or advisory) and which product it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// The vendor issuing it (`[vendor] name`).
    pub publisher: String,
    /// The vendor's web namespace (`https://acme.example`): CSAF's `publisher.namespace`, and
    /// the base of OpenVEX `@id`s.
    pub namespace: String,
    /// How to reach the vendor's security team (an email or URL), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The product's display name.
    pub product_name: String,
    /// The product version the document speaks about, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_version: Option<String>,
    /// The product's own purl, when it has one (`pkg:generic/acme-server@4.2.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_purl: Option<String>,
    /// The document's id (CSAF `tracking.id`, OpenVEX `@id` suffix, CycloneDX serial seed).
    pub document_id: String,
    /// When it is issued (`SOURCE_DATE_EPOCH` or the clock).
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
}
