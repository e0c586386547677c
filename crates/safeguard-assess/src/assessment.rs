//! The result of an assessment: every claim's status, argument and cited evidence, rolled up
//! per principle and theme. This is what `assessment.json` contains; `docs/assessment.schema.json`
//! documents it.

use std::collections::BTreeMap;

use safeguard_model::{ClaimId, Evidence, PrincipleId, VendorRole};
use serde::{Deserialize, Serialize};

/// The version of the `assessment.json` format. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A claim's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    PartiallyMet,
    NotMet,
    /// Outside the vendor's role (the Code, table 1).
    NotApplicable,
    /// No collector can observe it and no manual evidence covers it.
    NeedsManualEvidence,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Met,
        Status::PartiallyMet,
        Status::NotMet,
        Status::NeedsManualEvidence,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::PartiallyMet => "partially_met",
            Status::NotMet => "not_met",
            Status::NotApplicable => "not_applicable",
            Status::NeedsManualEvidence => "needs_manual_evidence",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "Met",
            Status::PartiallyMet => "Partially met",
            Status::NotMet => "Not met",
            Status::NotApplicable => "Not applicable",
            Status::NeedsManualEvidence => "Needs manual evidence",
        }
    }

    /// Strength of a status, used to pick the better of two: met > partial > not met.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Status::Met => 4,
            Status::PartiallyMet => 3,
            Status::NotMet => 2,
            Status::NeedsManualEvidence => 1,
            Status::NotApplicable => 0,
        }
    }
}

/// How many claims have each status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub met: u32,
    pub partially_met: u32,
    pub not_met: u32,
    pub needs_manual_evidence: u32,
    pub not_applicable: u32,
}

impl Counts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Met => self.met += 1,
            Status::PartiallyMet => self.partially_met += 1,
            Status::NotMet => self.not_met += 1,
            Status::NeedsManualEvidence => self.needs_manual_evidence += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    pub fn get(&self, s: Status) -> u32 {
        match s {
            Status::Met => self.met,
            Status::PartiallyMet => self.partially_met,
            Status::NotMet => self.not_met,
            Status::NeedsManualEvidence => self.needs_manual_evidence,
            Status::NotApplicable => self.not_applicable,
        }
    }

    pub fn total(&self) -> u32 {
        Status::ALL.iter().map(|&s| self.get(s)).sum()
    }

    /// Claims in scope (everything but not applicable).
    pub fn in_scope(&self) -> u32 {
        self.total() - self.not_applicable
    }

    /// The roll-up status of a group of claims:
    /// all in-scope claims met → met; none in scope → not applicable; nothing met or
    /// partially met and something not met → not met; only claims needing manual evidence →
    /// needs manual evidence; anything else → partially met.
    pub fn rollup(&self) -> Status {
        let in_scope = self.in_scope();
        if in_scope == 0 {
            Status::NotApplicable
        } else if self.met == in_scope {
            Status::Met
        } else if self.needs_manual_evidence == in_scope {
            Status::NeedsManualEvidence
        } else if self.met + self.partially_met == 0 && self.not_met > 0 {
            Status::NotMet
        } else {
            Status::PartiallyMet
        }
    }
}

/// One claim's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimResult {
    pub id: ClaimId,
    pub principle: PrincipleId,
    pub theme: u8,
    pub title: String,
    pub status: Status,
    /// One or two sentences an assessor can read: why this status.
    pub argument: String,
    /// Ids of the evidence records cited, sorted.
    pub evidence: Vec<String>,
    /// The brief's 1–14 principles that cover this claim.
    pub brief_principles: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrincipleResult {
    pub id: PrincipleId,
    pub title: String,
    pub status: Status,
    pub counts: Counts,
    pub claims: Vec<ClaimId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThemeResult {
    pub id: u8,
    pub key: String,
    pub title: String,
    pub applicable: bool,
    pub status: Status,
    pub counts: Counts,
    pub principles: Vec<PrincipleResult>,
}

/// The brief's 1–14 view of the same results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefResult {
    pub id: u8,
    pub theme: String,
    pub statement: String,
    /// `implemented`, `partial`, `not_implemented` or `not_applicable`.
    pub status: String,
    pub claims: Vec<ClaimId>,
    /// Evidence references for the template: artefact paths and manual documents, sorted.
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sro {
    pub name: String,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductLine {
    pub id: String,
    pub name: Option<String>,
    pub products: Vec<String>,
}

/// What was assessed, for whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub vendor: String,
    pub vendor_role: VendorRole,
    pub sro: Option<Sro>,
    pub product_lines: Vec<ProductLine>,
    /// The assessed folder's name (never an absolute path, so reports are reproducible).
    pub root: String,
    pub commit: Option<String>,
    /// `safeguard.toml` was found (`false`: embedded defaults were used).
    pub configured: bool,
}

/// A collector that could not look. Its claims are evaluated without its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorFailure {
    pub collector: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerState {
    /// Entries in the ledger after this run.
    pub entries: u64,
    /// The hash of the last entry: keep it to detect later rewriting of history.
    pub head: String,
    /// Records this run appended (the others were already in the ledger). Not written to
    /// `assessment.json`, which must not depend on what earlier runs recorded.
    #[serde(skip)]
    pub appended: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub status: Status,
    pub counts: Counts,
}

/// The whole assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339 UTC; `SOURCE_DATE_EPOCH` when set.
    pub generated_at: String,
    /// `YYYY-MM-DD` of `generated_at`.
    pub assessment_date: String,
    pub scope: Scope,
    pub summary: Summary,
    pub themes: Vec<ThemeResult>,
    pub claims: Vec<ClaimResult>,
    pub brief: Vec<BriefResult>,
    /// Every evidence record cited or produced in this run, keyed by id.
    pub evidence: BTreeMap<String, Evidence>,
    pub collector_failures: Vec<CollectorFailure>,
    pub ledger: Option<LedgerState>,
    /// Files collectors produced for the report folder (the SBOM, …). Evidence cites them as
    /// `report:NAME` with their digest; they are written beside the report files.
    #[serde(skip)]
    pub artefacts: Vec<safeguard_model::ReportFile>,
}

impl Assessment {
    pub fn claim(&self, id: ClaimId) -> Option<&ClaimResult> {
        self.claims.iter().find(|c| c.id == id)
    }

    /// Claims in scope whose status is not met.
    pub fn unmet_in_scope(&self) -> impl Iterator<Item = &ClaimResult> {
        self.claims.iter().filter(|c| c.status == Status::NotMet)
    }
}
