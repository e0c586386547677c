//! The predicates of SBOM and vulnerability-scan attestations, and a check of any statement's
//! predicate against the rules of its type.
//!
//! - An SBOM attestation's predicate is the SBOM document itself. Its type follows the in-toto
//!   predicate registry: [`PREDICATE_CYCLONEDX`] for CycloneDX JSON of any version,
//!   [`PREDICATE_SPDX_V2_3`] for SPDX 2.3, [`PREDICATE_SPDX`] for earlier SPDX 2 versions,
//!   and [`PREDICATE_SPDX_V3`] for SPDX 3 JSON-LD. [`sbom_predicate_type`] picks it from the
//!   document.
//! - A scan attestation's predicate is [`Vulns`], the in-toto vulnerabilities predicate v0.2
//!   ([`PREDICATE_VULNS_V0_2`]): the scanner, its database and when it was last updated, the
//!   vulnerabilities found with their severities, and when the scan ran.
//!
//! [`check_predicate`] applies the rules of the known types to a statement (SLSA provenance v1,
//! the SBOM types, vulns v0.2) and accepts any other type as it is.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::intoto::{
    IntotoError, PREDICATE_CYCLONEDX, PREDICATE_SLSA_PROVENANCE_V1, PREDICATE_SPDX_V2_3,
    PREDICATE_SPDX_V3, PREDICATE_VULNS_V0_2, Statement,
};

/// The SPDX 2 predicate type without a version, for SPDX documents before 2.3.
pub const PREDICATE_SPDX: &str = "https://spdx.dev/Document";

/// Why a predicate does not follow the rules of its type. `at` names the field
/// (`predicate.scanner.result[3].id`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PredicateError {
    /// The document is not an SBOM this module recognises.
    #[error(
        "not a CycloneDX or SPDX JSON document: {0} (expected \"bomFormat\": \"CycloneDX\", an \"spdxVersion\", or an SPDX 3 \"@context\")"
    )]
    NotSbom(String),
    /// The predicate type names one SBOM format and the predicate is another (or another
    /// version).
    #[error("the predicate type is {predicate_type} but the predicate is {found}")]
    SbomTypeMismatch {
        /// The statement's predicate type.
        predicate_type: String,
        /// What the predicate is (`CycloneDX 1.6`, `SPDX-2.2`, …).
        found: String,
    },
    /// A required field is absent, empty, or of the wrong JSON type.
    #[error("{at}: {what}")]
    Field {
        /// Where.
        at: String,
        /// What is wrong.
        what: String,
    },
    /// A timestamp is not RFC 3339.
    #[error("{at}: {value:?} is not an RFC 3339 timestamp")]
    Timestamp {
        /// Where.
        at: String,
        /// The value (cut to 80 characters).
        value: String,
    },
    /// SLSA provenance rules.
    #[error("{0}")]
    Provenance(IntotoError),
}

fn field(at: impl Into<String>, what: impl Into<String>) -> PredicateError {
    PredicateError::Field {
        at: at.into(),
        what: what.into(),
    }
}

fn clip(s: &str) -> String {
    s.chars().take(80).flat_map(char::escape_default).collect()
}

/// The predicate type of an SBOM document, from its own fields.
pub fn sbom_predicate_type(doc: &Map<String, Value>) -> Result<&'static str, PredicateError> {
    Ok(match sbom_kind(doc)? {
        SbomKind::CycloneDx(_) => PREDICATE_CYCLONEDX,
        SbomKind::Spdx2(v) if v == "SPDX-2.3" => PREDICATE_SPDX_V2_3,
        SbomKind::Spdx2(_) => PREDICATE_SPDX,
        SbomKind::Spdx3 => PREDICATE_SPDX_V3,
    })
}

enum SbomKind {
    CycloneDx(String),
    Spdx2(String),
    Spdx3,
}

impl SbomKind {
    fn describe(&self) -> String {
        match self {
            SbomKind::CycloneDx(v) => format!("CycloneDX {v}"),
            SbomKind::Spdx2(v) => v.clone(),
            SbomKind::Spdx3 => "SPDX 3".to_owned(),
        }
    }
}

fn sbom_kind(doc: &Map<String, Value>) -> Result<SbomKind, PredicateError> {
    if let Some(format) = doc.get("bomFormat") {
        if format.as_str() != Some("CycloneDX") {
            return Err(PredicateError::NotSbom(format!(
                "bomFormat is {}",
                clip(&format.to_string())
            )));
        }
        let version = match doc.get("specVersion").and_then(Value::as_str) {
            Some(v) if !v.is_empty() => v,
            _ => {
                return Err(field(
                    "predicate.specVersion",
                    "a CycloneDX BOM needs a specVersion",
                ));
            }
        };
        return Ok(SbomKind::CycloneDx(clip(version)));
    }
    if let Some(v) = doc.get("spdxVersion") {
        return match v.as_str() {
            Some(s) if s.starts_with("SPDX-2.") => Ok(SbomKind::Spdx2(clip(s))),
            _ => Err(PredicateError::NotSbom(format!(
                "spdxVersion is {}, this reads SPDX 2.x",
                clip(&v.to_string())
            ))),
        };
    }
    let spdx3 = |v: &Value| v.as_str().is_some_and(|s| s.contains("spdx.org/rdf/3."));
    let is_spdx3 = match doc.get("@context") {
        Some(v @ Value::String(_)) => spdx3(v),
        Some(Value::Array(a)) => a.iter().any(spdx3),
        _ => false,
    };
    if is_spdx3 {
        Ok(SbomKind::Spdx3)
    } else {
        Err(PredicateError::NotSbom(
            "none of bomFormat, spdxVersion or an SPDX 3 @context is present".to_owned(),
        ))
    }
}

/// Check that an SBOM predicate is the format its predicate type names.
pub fn check_sbom(predicate_type: &str, doc: &Map<String, Value>) -> Result<(), PredicateError> {
    let kind = sbom_kind(doc)?;
    let fits = match (&kind, predicate_type) {
        (SbomKind::CycloneDx(_), PREDICATE_CYCLONEDX) => true,
        (SbomKind::CycloneDx(v), t) => t
            .strip_prefix(PREDICATE_CYCLONEDX)
            .and_then(|r| r.strip_prefix("/v"))
            .is_some_and(|tv| tv == v),
        (SbomKind::Spdx2(_), PREDICATE_SPDX) => true,
        (SbomKind::Spdx2(v), PREDICATE_SPDX_V2_3) => v == "SPDX-2.3",
        (SbomKind::Spdx3, PREDICATE_SPDX_V3) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(PredicateError::SbomTypeMismatch {
            predicate_type: clip(predicate_type),
            found: kind.describe(),
        })
    }
}

/// The in-toto vulnerabilities predicate, v0.2.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vulns {
    /// The scanner, its database and its results.
    pub scanner: Scanner,
    /// When the scan ran.
    pub metadata: ScanMetadata,
}

/// `predicate.scanner`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scanner {
    /// Identity of the scanner (required).
    pub uri: String,
    /// Version of the scanner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The vulnerability database (its `lastUpdate` is required).
    pub db: ScannerDb,
    /// The vulnerabilities found; empty when none were.
    pub result: Vec<VulnResult>,
}

/// `predicate.scanner.db`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScannerDb {
    /// Identity of the database's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Version of the database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When the database was last updated (RFC 3339).
    pub last_update: String,
}

/// One vulnerability in `predicate.scanner.result`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnResult {
    /// The vulnerability id (`GHSA-…`, `CVE-…`, `RUSTSEC-…`).
    pub id: String,
    /// One or more scores.
    pub severity: Vec<SeverityScore>,
    /// Scanner-specific key/value pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Map<String, Value>>,
}

/// A severity by one method (`cvss_score` → `"7.5"`, a rating → `"high"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityScore {
    /// The scoring method.
    pub method: String,
    /// The score, as a string.
    pub score: String,
}

/// `predicate.metadata`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanMetadata {
    /// When the scan started (RFC 3339).
    pub scan_started_on: String,
    /// When it finished (RFC 3339).
    pub scan_finished_on: String,
}

fn rfc3339(at: &str, value: &str) -> Result<(), PredicateError> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|_| ())
        .map_err(|_| PredicateError::Timestamp {
            at: at.to_owned(),
            value: clip(value),
        })
}

impl Vulns {
    /// Read the predicate of a statement and [`validate`](Vulns::validate) it. A field of the
    /// wrong type or a missing required field is reported with its place.
    pub fn from_predicate(predicate: &Map<String, Value>) -> Result<Vulns, PredicateError> {
        let v: Vulns = serde_json::from_value(Value::Object(predicate.clone()))
            .map_err(|e| field("predicate", e.to_string()))?;
        v.validate()?;
        Ok(v)
    }

    /// The predicate as a JSON object.
    pub fn to_predicate(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// Check the rules of the predicate type: the required strings are not empty, every
    /// result has an id and at least one severity with a method and a score, and the
    /// timestamps are RFC 3339.
    pub fn validate(&self) -> Result<(), PredicateError> {
        if self.scanner.uri.trim().is_empty() {
            return Err(field(
                "predicate.scanner.uri",
                "the scanner uri is required",
            ));
        }
        rfc3339(
            "predicate.scanner.db.lastUpdate",
            &self.scanner.db.last_update,
        )?;
        for (i, r) in self.scanner.result.iter().enumerate() {
            let at = format!("predicate.scanner.result[{i}]");
            if r.id.trim().is_empty() {
                return Err(field(
                    format!("{at}.id"),
                    "the vulnerability id is required",
                ));
            }
            if r.severity.is_empty() {
                return Err(field(
                    format!("{at}.severity"),
                    "at least one severity is required",
                ));
            }
            for (j, s) in r.severity.iter().enumerate() {
                if s.method.trim().is_empty() || s.score.trim().is_empty() {
                    return Err(field(
                        format!("{at}.severity[{j}]"),
                        "a severity needs a method and a score",
                    ));
                }
            }
        }
        rfc3339(
            "predicate.metadata.scanStartedOn",
            &self.metadata.scan_started_on,
        )?;
        rfc3339(
            "predicate.metadata.scanFinishedOn",
            &self.metadata.scan_finished_on,
        )?;
        Ok(())
    }
}

/// Check a (structurally valid) statement's predicate against the rules of its type: SLSA
/// Provenance v1, the SBOM types and vulns v0.2. Other types are accepted as they are.
pub fn check_predicate(statement: &Statement) -> Result<(), PredicateError> {
    let Some(predicate) = &statement.predicate else {
        return Err(PredicateError::Provenance(IntotoError::PredicateRequired));
    };
    let t = statement.predicate_type.as_str();
    if t == PREDICATE_SLSA_PROVENANCE_V1 {
        let p = statement.provenance().map_err(PredicateError::Provenance)?;
        return p.validate().map_err(PredicateError::Provenance);
    }
    if t == PREDICATE_VULNS_V0_2 {
        return Vulns::from_predicate(predicate).map(|_| ());
    }
    let sbom_type = t == PREDICATE_CYCLONEDX
        || t.starts_with(&format!("{PREDICATE_CYCLONEDX}/v"))
        || t == PREDICATE_SPDX
        || t == PREDICATE_SPDX_V2_3
        || t == PREDICATE_SPDX_V3;
    if sbom_type {
        return check_sbom(t, predicate);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn sbom_types() {
        let cdx = obj(json!({"bomFormat": "CycloneDX", "specVersion": "1.6"}));
        assert_eq!(sbom_predicate_type(&cdx), Ok(PREDICATE_CYCLONEDX));
        assert_eq!(check_sbom("https://cyclonedx.org/bom/v1.6", &cdx), Ok(()));
        assert!(matches!(
            check_sbom("https://cyclonedx.org/bom/v1.4", &cdx),
            Err(PredicateError::SbomTypeMismatch { .. })
        ));
        let spdx23 = obj(json!({"spdxVersion": "SPDX-2.3"}));
        assert_eq!(sbom_predicate_type(&spdx23), Ok(PREDICATE_SPDX_V2_3));
        let spdx22 = obj(json!({"spdxVersion": "SPDX-2.2"}));
        assert_eq!(sbom_predicate_type(&spdx22), Ok(PREDICATE_SPDX));
        assert_eq!(
            check_sbom(PREDICATE_SPDX_V2_3, &spdx22),
            Err(PredicateError::SbomTypeMismatch {
                predicate_type: PREDICATE_SPDX_V2_3.to_owned(),
                found: "SPDX-2.2".to_owned()
            })
        );
        let spdx3 = obj(json!({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}));
        assert_eq!(sbom_predicate_type(&spdx3), Ok(PREDICATE_SPDX_V3));
        assert!(matches!(
            sbom_predicate_type(&obj(json!({"bomFormat": "Other"}))),
            Err(PredicateError::NotSbom(_))
        ));
        assert!(matches!(
            sbom_predicate_type(&obj(json!({"name": "x"}))),
            Err(PredicateError::NotSbom(_))
        ));
        assert_eq!(
            sbom_predicate_type(&obj(json!({"bomFormat": "CycloneDX"}))),
            Err(field(
                "predicate.specVersion",
                "a CycloneDX BOM needs a specVersion"
            ))
        );
        assert_eq!(
            check_sbom(PREDICATE_CYCLONEDX, &spdx23),
            Err(PredicateError::SbomTypeMismatch {
                predicate_type: PREDICATE_CYCLONEDX.to_owned(),
                found: "SPDX-2.3".to_owned()
            })
        );
    }

    fn vulns() -> Value {
        json!({
            "scanner": {
                "uri": "https://safeguard.dev/scan",
                "version": "0.1.0",
                "db": {"lastUpdate": "2025-03-01T10:00:00Z"},
                "result": [
                    {"id": "GHSA-aaaa-bbbb-cccc", "severity": [{"method": "rating", "score": "high"}]}
                ]
            },
            "metadata": {"scanStartedOn": "2025-03-01T10:00:00Z", "scanFinishedOn": "2025-03-01T10:00:01Z"}
        })
    }

    #[test]
    fn vulns_round_trip_and_rules() {
        let v = Vulns::from_predicate(&obj(vulns())).expect("valid");
        assert_eq!(v.scanner.result[0].id, "GHSA-aaaa-bbbb-cccc");
        assert_eq!(Value::Object(v.to_predicate()), vulns());

        let mut bad = vulns();
        bad["scanner"]["result"][0]["severity"] = json!([]);
        assert_eq!(
            Vulns::from_predicate(&obj(bad)),
            Err(field(
                "predicate.scanner.result[0].severity",
                "at least one severity is required"
            ))
        );
        let mut bad = vulns();
        bad["scanner"]["db"]["lastUpdate"] = json!("yesterday");
        assert_eq!(
            Vulns::from_predicate(&obj(bad)),
            Err(PredicateError::Timestamp {
                at: "predicate.scanner.db.lastUpdate".into(),
                value: "yesterday".into()
            })
        );
        let mut bad = vulns();
        bad["scanner"]["uri"] = json!(" ");
        assert!(matches!(
            Vulns::from_predicate(&obj(bad)),
            Err(PredicateError::Field { at, .. }) if at == "predicate.scanner.uri"
        ));
        let mut bad = vulns();
        bad["metadata"]
            .as_object_mut()
            .map(|m| m.remove("scanFinishedOn"));
        assert!(matches!(
            Vulns::from_predicate(&obj(bad)),
            Err(PredicateError::Field { at, what }) if at == "predicate" && what.contains("scanFinishedOn")
        ));
    }

    #[test]
    fn check_dispatches_on_type() {
        let st = |t: &str, p: Value| Statement::new(Vec::new(), t, obj(p));
        assert_eq!(check_predicate(&st(PREDICATE_VULNS_V0_2, vulns())), Ok(()));
        assert!(check_predicate(&st(PREDICATE_VULNS_V0_2, json!({"scanner": {}}))).is_err());
        assert!(matches!(
            check_predicate(&st(
                PREDICATE_SPDX_V2_3,
                json!({"bomFormat": "CycloneDX", "specVersion": "1.6"})
            )),
            Err(PredicateError::SbomTypeMismatch { .. })
        ));
        assert_eq!(
            check_predicate(&st("https://example.com/custom/v1", json!({"x": 1}))),
            Ok(())
        );
        assert_eq!(
            check_predicate(&st(PREDICATE_SLSA_PROVENANCE_V1, json!({}))),
            Err(PredicateError::Provenance(
                IntotoError::BuildDefinitionRequired
            ))
        );
    }
}
