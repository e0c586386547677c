use serde::{Deserialize, Serialize};

use crate::{ClaimId, Facts, canonical_json, sha256_bytes};

/// What an evidence record is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Product id from `safeguard.toml`, when one is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Product version, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The commit the evidence was taken at, when the subject is under version control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// Who produced an evidence record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    pub tool: String,
    pub version: String,
    /// The collector id (`vcs`, `ci-config`, …).
    pub collector: String,
    /// CI run that produced it (a URL or an opaque id), when run in CI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_run: Option<String>,
}

/// An artefact an evidence record rests on: a file, identified by its digest.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtefactRef {
    /// Path relative to the assessed root, a URL, or `report:NAME` for a file the run wrote
    /// into its report folder.
    pub path: String,
    /// SHA-256 of the artefact's bytes, lower-case hex.
    pub sha256: String,
}

/// One typed evidence record.
///
/// Records are content-addressed: [`Evidence::id`] is `sha256:` followed by the SHA-256 of the
/// record's canonical JSON, so identical observations get identical ids.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub subject: Subject,
    /// RFC 3339 UTC time of the observation.
    pub observed_at: String,
    pub producer: Producer,
    /// The claims this record is evidence for.
    pub claims: Vec<ClaimId>,
    /// One human-readable sentence: what was seen.
    pub summary: String,
    /// The typed machine summary: `kind` and `facts`.
    #[serde(flatten)]
    pub facts: Facts,
    /// Files the record rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artefacts: Vec<ArtefactRef>,
}

impl Evidence {
    /// The record as a JSON value (the form that is hashed and stored).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("evidence always serialises")
    }

    /// The content address of this record: `sha256:<hex>` of its canonical JSON.
    pub fn id(&self) -> String {
        Self::id_of_json(&self.to_value())
    }

    /// The content address of any evidence record in JSON form (also for kinds this build
    /// does not know).
    pub fn id_of_json(value: &serde_json::Value) -> String {
        format!("sha256:{}", sha256_bytes(canonical_json(value).as_bytes()))
    }

    /// The short kind name, e.g. `vcs`.
    pub fn kind(&self) -> &'static str {
        self.facts.kind()
    }
}
