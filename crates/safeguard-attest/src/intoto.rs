//! in-toto attestation Statements (v1) with strict validation, and typed SLSA Provenance v1
//! predicates.
//!
//! [`Statement::from_json`] reads and validates in one step. Validation follows the in-toto
//! attestation spec (`spec/v1`) and the reference Go implementation's checks and order:
//! `_type` is exactly [`STATEMENT_TYPE_V1`]; `subject` is non-empty; every subject has a digest
//! set with at least one entry; digests of the algorithms the spec names are lowercase hex of the
//! right length (unknown algorithms are accepted as they are); `predicateType` is set and so is
//! `predicate`. It is stricter than the Go code in two places: uppercase hex is refused (the spec
//! says lowercase), and the legacy `https://in-toto.io/Statement/v0.1` type is refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `_type` of a v1 Statement.
pub const STATEMENT_TYPE_V1: &str = "https://in-toto.io/Statement/v1";
/// SLSA Provenance v1.
pub const PREDICATE_SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// SPDX 2.3 documents.
pub const PREDICATE_SPDX_V2_3: &str = "https://spdx.dev/Document/v2.3";
/// SPDX 3 documents.
pub const PREDICATE_SPDX_V3: &str = "https://spdx.dev/Document/v3";
/// CycloneDX BOMs (the type URI without a version suffix).
pub const PREDICATE_CYCLONEDX: &str = "https://cyclonedx.org/bom";
/// Vulnerability scan results, in-toto `vulns` predicate v0.2 (what Safeguard's scans emit).
pub const PREDICATE_VULNS_V0_2: &str = "https://in-toto.io/attestation/vulns/v0.2";

/// The largest Statement JSON [`Statement::from_json`] reads (64 MiB).
pub const MAX_STATEMENT_BYTES: usize = 64 << 20;

/// Why a Statement or predicate is not valid. Variants mirror the reference implementation's
/// error categories; `at` names the place (`subject[2]`, `predicate.buildDefinition
/// .resolvedDependencies[0]`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IntotoError {
    /// Not JSON, or a field has the wrong JSON type (line and column from the parser).
    #[error("not an in-toto statement: {0}")]
    Json(String),
    /// The input is larger than [`MAX_STATEMENT_BYTES`].
    #[error("the statement is too large: {size} bytes, the limit is {MAX_STATEMENT_BYTES}")]
    TooLarge {
        /// Its size.
        size: usize,
    },
    /// `_type` is not [`STATEMENT_TYPE_V1`].
    #[error("wrong statement type {found:?}: expected \"{STATEMENT_TYPE_V1}\"")]
    InvalidStatementType {
        /// What was there (empty when absent).
        found: String,
    },
    /// `subject` is absent or empty.
    #[error("the statement has no subject; at least one is required")]
    SubjectRequired,
    /// A resource descriptor has none of `name`, `uri`, `digest`.
    #[error("{at}: at least one of name, uri or digest is required")]
    ResourceDescriptorRequiredField {
        /// Where.
        at: String,
    },
    /// A subject has no digest.
    #[error("{at}: a subject must have a digest with at least one entry")]
    DigestRequired {
        /// Where.
        at: String,
    },
    /// A digest of a known algorithm is not lowercase hex.
    #[error("{at}: the {algorithm} digest {value:?} is not lowercase hex")]
    InvalidDigestEncoding {
        /// Where.
        at: String,
        /// The algorithm key.
        algorithm: String,
        /// The value (cut to 80 characters).
        value: String,
    },
    /// A digest of a known algorithm has the wrong length.
    #[error("{at}: the {algorithm} digest has {got} hex digits; expected {want}")]
    IncorrectDigestLength {
        /// Where.
        at: String,
        /// The algorithm key.
        algorithm: String,
        /// Hex digits found.
        got: usize,
        /// Allowed lengths, e.g. `64` or `40 or 64`.
        want: String,
    },
    /// `predicateType` is absent or empty.
    #[error("the statement has no predicateType")]
    PredicateTypeRequired,
    /// `predicate` is absent or null.
    #[error("the statement has no predicate object")]
    PredicateRequired,
    /// The predicate is not of the type asked for.
    #[error("the predicate type is {found:?}, not {expected:?}")]
    PredicateTypeMismatch {
        /// Wanted.
        expected: String,
        /// Found.
        found: String,
    },
    /// SLSA provenance without `buildDefinition`.
    #[error("SLSA provenance: buildDefinition is required")]
    BuildDefinitionRequired,
    /// SLSA provenance without `buildDefinition.buildType`.
    #[error("SLSA provenance: buildDefinition.buildType is required")]
    BuildTypeRequired,
    /// SLSA provenance without `buildDefinition.externalParameters`.
    #[error("SLSA provenance: buildDefinition.externalParameters is required (it may be empty)")]
    ExternalParametersRequired,
    /// SLSA provenance without `runDetails`.
    #[error("SLSA provenance: runDetails is required")]
    RunDetailsRequired,
    /// SLSA provenance without `runDetails.builder`.
    #[error("SLSA provenance: runDetails.builder is required")]
    BuilderRequired,
    /// SLSA provenance without `runDetails.builder.id`.
    #[error("SLSA provenance: runDetails.builder.id is required")]
    BuilderIdRequired,
    /// A metadata timestamp is not RFC 3339.
    #[error("SLSA provenance: runDetails.metadata.{field} {value:?} is not an RFC 3339 timestamp")]
    InvalidTimestamp {
        /// `startedOn` or `finishedOn`.
        field: &'static str,
        /// The value (cut to 80 characters).
        value: String,
    },
}

/// A reference to a software artifact or resource (in-toto ResourceDescriptor v1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDescriptor {
    /// Name, e.g. a file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URI of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Digest set: algorithm to encoded value (lowercase hex for the known algorithms).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    /// The resource's content, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Where the resource can be downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_location: Option<String>,
    /// Media type of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Free-form annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Map<String, Value>>,
}

impl ResourceDescriptor {
    /// A descriptor naming `name` with a sha256 digest.
    pub fn sha256(name: impl Into<String>, digest: &[u8; 32]) -> ResourceDescriptor {
        ResourceDescriptor {
            name: Some(name.into()),
            digest: BTreeMap::from([("sha256".to_owned(), crate::hash::to_hex(digest))]),
            ..ResourceDescriptor::default()
        }
    }

    /// Check the descriptor: one of name, uri, digest is set, and digests of known algorithms
    /// are well formed. `at` names it in errors.
    pub fn validate(&self, at: &str) -> Result<(), IntotoError> {
        let unset = |s: &Option<String>| s.as_deref().unwrap_or("").is_empty();
        if unset(&self.name) && unset(&self.uri) && self.digest.is_empty() {
            return Err(IntotoError::ResourceDescriptorRequiredField { at: at.to_owned() });
        }
        for (algorithm, value) in &self.digest {
            check_digest(at, algorithm, value)?;
        }
        Ok(())
    }
}

/// Allowed hex lengths for the algorithms the spec names; `&[]` means any non-empty even length
/// (variable-length functions).
fn known_algorithm(alg: &str) -> Option<&'static [usize]> {
    Some(match alg {
        "md5" => &[32],
        "sha1" | "ripemd160" => &[40],
        "sha224" | "sha512_224" | "sha3_224" => &[56],
        "sha256" | "sha512_256" | "sha3_256" | "sm3" | "dirHash" => &[64],
        "sha384" | "sha3_384" => &[96],
        "sha512" | "sha3_512" => &[128],
        "gitCommit" | "gitTree" | "gitBlob" | "gitTag" => &[40, 64],
        "shake128" | "shake256" | "blake2b" | "blake2s" | "gost" => &[],
        _ => return None,
    })
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

fn check_digest(at: &str, algorithm: &str, value: &str) -> Result<(), IntotoError> {
    let Some(lengths) = known_algorithm(algorithm) else {
        return Ok(());
    };
    if !value
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        || value.len() % 2 == 1
    {
        return Err(IntotoError::InvalidDigestEncoding {
            at: at.to_owned(),
            algorithm: algorithm.to_owned(),
            value: clip(value),
        });
    }
    let ok = if lengths.is_empty() {
        !value.is_empty()
    } else {
        lengths.contains(&value.len())
    };
    if !ok {
        let want = if lengths.is_empty() {
            "at least 2".to_owned()
        } else {
            lengths
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        };
        return Err(IntotoError::IncorrectDigestLength {
            at: at.to_owned(),
            algorithm: algorithm.to_owned(),
            got: value.len(),
            want,
        });
    }
    Ok(())
}

/// An in-toto Statement v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE_V1`] for a valid statement.
    #[serde(rename = "_type", default)]
    pub statement_type: String,
    /// The artifacts the statement is about.
    #[serde(default)]
    pub subject: Vec<ResourceDescriptor>,
    /// URI of the predicate's type, e.g. [`PREDICATE_SLSA_PROVENANCE_V1`].
    #[serde(rename = "predicateType", default)]
    pub predicate_type: String,
    /// The predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Map<String, Value>>,
}

impl Statement {
    /// A v1 statement about `subject`.
    pub fn new(
        subject: Vec<ResourceDescriptor>,
        predicate_type: impl Into<String>,
        predicate: Map<String, Value>,
    ) -> Statement {
        Statement {
            statement_type: STATEMENT_TYPE_V1.to_owned(),
            subject,
            predicate_type: predicate_type.into(),
            predicate: Some(predicate),
        }
    }

    /// Read a statement from JSON and [`validate`](Statement::validate) it.
    pub fn from_json(json: &[u8]) -> Result<Statement, IntotoError> {
        let st = Self::from_json_unvalidated(json)?;
        st.validate()?;
        Ok(st)
    }

    /// Read a statement from JSON without validating it (for diagnostics).
    pub fn from_json_unvalidated(json: &[u8]) -> Result<Statement, IntotoError> {
        if json.len() > MAX_STATEMENT_BYTES {
            return Err(IntotoError::TooLarge { size: json.len() });
        }
        serde_json::from_slice(json).map_err(|e| IntotoError::Json(e.to_string()))
    }

    /// The statement as compact JSON.
    pub fn to_json(&self) -> String {
        // Strings, maps and JSON values always serialize.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Check every rule in the module documentation; the first failure is returned.
    pub fn validate(&self) -> Result<(), IntotoError> {
        if self.statement_type != STATEMENT_TYPE_V1 {
            return Err(IntotoError::InvalidStatementType {
                found: clip(&self.statement_type),
            });
        }
        if self.subject.is_empty() {
            return Err(IntotoError::SubjectRequired);
        }
        for (i, rd) in self.subject.iter().enumerate() {
            let at = format!("subject[{i}]");
            rd.validate(&at)?;
            if rd.digest.is_empty() {
                return Err(IntotoError::DigestRequired { at });
            }
        }
        if self.predicate_type.is_empty() {
            return Err(IntotoError::PredicateTypeRequired);
        }
        if self.predicate.is_none() {
            return Err(IntotoError::PredicateRequired);
        }
        Ok(())
    }

    /// The predicate as SLSA Provenance v1 (the predicate type must be
    /// [`PREDICATE_SLSA_PROVENANCE_V1`]).
    pub fn provenance(&self) -> Result<Provenance, IntotoError> {
        if self.predicate_type != PREDICATE_SLSA_PROVENANCE_V1 {
            return Err(IntotoError::PredicateTypeMismatch {
                expected: PREDICATE_SLSA_PROVENANCE_V1.to_owned(),
                found: clip(&self.predicate_type),
            });
        }
        match &self.predicate {
            Some(p) => Provenance::from_predicate(p),
            None => Err(IntotoError::PredicateRequired),
        }
    }
}

/// SLSA Provenance v1 predicate (`https://slsa.dev/provenance/v1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    /// The inputs of the build.
    pub build_definition: BuildDefinition,
    /// The run that produced the outputs.
    pub run_details: RunDetails,
}

/// What the build was asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildDefinition {
    /// URI of the build template (defines the meaning of the parameters).
    pub build_type: String,
    /// Parameters under the control of the build's invoker (untrusted).
    pub external_parameters: Map<String, Value>,
    /// Parameters set by the build platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_parameters: Option<Map<String, Value>>,
    /// Artifacts fetched during the build (sources, dependencies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved_dependencies: Vec<ResourceDescriptor>,
}

/// How the build ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunDetails {
    /// The build platform.
    pub builder: Builder,
    /// Run metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BuildMetadata>,
    /// Additional artifacts produced by the build (logs, intermediate outputs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub byproducts: Vec<ResourceDescriptor>,
}

/// The build platform that ran the build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Builder {
    /// URI identifying the builder (its trust boundary).
    pub id: String,
    /// Versions of the builder's components.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub version: BTreeMap<String, String>,
    /// Dependencies of the builder itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builder_dependencies: Vec<ResourceDescriptor>,
}

/// Metadata of a build run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildMetadata {
    /// Identifier of this invocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invocation_id: Option<String>,
    /// When the build started (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_on: Option<String>,
    /// When the build finished (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_on: Option<String>,
}

/// An absent, null or empty-object member counts as missing (as in the reference checks).
fn member<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) if m.is_empty() => None,
        Some(v) => Some(v),
    }
}

fn non_empty_str(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::String(s)) if !s.is_empty())
}

impl Provenance {
    /// Read and validate a provenance predicate: required fields (in the reference order:
    /// buildDefinition, buildType, externalParameters, runDetails, builder, builder.id), every
    /// resource descriptor, and the metadata timestamps.
    pub fn from_predicate(predicate: &Map<String, Value>) -> Result<Provenance, IntotoError> {
        let Some(bd) = member(predicate, "buildDefinition") else {
            return Err(IntotoError::BuildDefinitionRequired);
        };
        if let Value::Object(bd) = bd {
            if !non_empty_str(bd.get("buildType")) {
                return Err(IntotoError::BuildTypeRequired);
            }
            if matches!(bd.get("externalParameters"), None | Some(Value::Null)) {
                return Err(IntotoError::ExternalParametersRequired);
            }
        }
        let Some(rd) = member(predicate, "runDetails") else {
            return Err(IntotoError::RunDetailsRequired);
        };
        if let Value::Object(rd) = rd {
            match member(rd, "builder") {
                None => return Err(IntotoError::BuilderRequired),
                Some(Value::Object(b)) if !non_empty_str(b.get("id")) => {
                    return Err(IntotoError::BuilderIdRequired);
                }
                Some(_) => {}
            }
        }
        let p: Provenance = serde_json::from_value(Value::Object(predicate.clone()))
            .map_err(|e| IntotoError::Json(format!("SLSA provenance: {e}")))?;
        p.validate()?;
        Ok(p)
    }

    /// Check the typed predicate (for one built in code before it is signed).
    pub fn validate(&self) -> Result<(), IntotoError> {
        if self.build_definition.build_type.is_empty() {
            return Err(IntotoError::BuildTypeRequired);
        }
        if self.run_details.builder.id.is_empty() {
            return Err(IntotoError::BuilderIdRequired);
        }
        let lists = [
            (
                "predicate.buildDefinition.resolvedDependencies",
                &self.build_definition.resolved_dependencies,
            ),
            (
                "predicate.runDetails.builder.builderDependencies",
                &self.run_details.builder.builder_dependencies,
            ),
            (
                "predicate.runDetails.byproducts",
                &self.run_details.byproducts,
            ),
        ];
        for (name, list) in lists {
            for (i, rd) in list.iter().enumerate() {
                rd.validate(&format!("{name}[{i}]"))?;
            }
        }
        if let Some(m) = &self.run_details.metadata {
            for (field, value) in [("startedOn", &m.started_on), ("finishedOn", &m.finished_on)] {
                if let Some(v) = value
                    && time::OffsetDateTime::parse(
                        v,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .is_err()
                {
                    return Err(IntotoError::InvalidTimestamp {
                        field,
                        value: clip(v),
                    });
                }
            }
        }
        Ok(())
    }

    /// The predicate as a JSON object, for [`Statement::new`].
    pub fn to_predicate(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_rules() {
        let ok = |alg: &str, v: &str| check_digest("s", alg, v);
        assert_eq!(ok("sha256", &"ab".repeat(32)), Ok(()));
        assert_eq!(ok("sha512", &"0f".repeat(64)), Ok(()));
        assert_eq!(ok("gitCommit", &"1".repeat(40)), Ok(()));
        assert_eq!(ok("gitCommit", &"1".repeat(64)), Ok(()));
        assert_eq!(ok("blake2b", "abcd"), Ok(()));
        assert_eq!(
            ok("arn", "arn:aws:ec2:region:123:image/ami-123abcd"),
            Ok(())
        );
        assert!(matches!(
            ok("sha256", &"AB".repeat(32)),
            Err(IntotoError::InvalidDigestEncoding { .. })
        ));
        assert_eq!(
            ok("sha1", "abc123").unwrap_err().to_string(),
            "s: the sha1 digest has 6 hex digits; expected 40"
        );
        assert_eq!(
            ok("gitTree", "ab").unwrap_err().to_string(),
            "s: the gitTree digest has 2 hex digits; expected 40 or 64"
        );
        assert!(matches!(
            ok("shake256", ""),
            Err(IntotoError::IncorrectDigestLength { got: 0, .. })
        ));
    }

    #[test]
    fn statement_round_trip() {
        let st = Statement::new(
            vec![ResourceDescriptor::sha256("a.tar", &[0x11; 32])],
            PREDICATE_VULNS_V0_2,
            Map::new(),
        );
        let json = st.to_json();
        assert_eq!(
            json,
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a.tar","digest":{{"sha256":"{}"}}}}],"predicateType":"https://in-toto.io/attestation/vulns/v0.2","predicate":{{}}}}"#,
                "11".repeat(32)
            )
        );
        assert_eq!(Statement::from_json(json.as_bytes()), Ok(st));
    }
}
