//! CVSS v2, v3.0, v3.1 and v4.0 vectors: parsing, scores and qualitative ratings.
//!
//! [`Cvss::parse`] checks a vector strictly (known metrics only, each at most once, every
//! mandatory base metric present, only the values the specification defines) and computes
//! its scores once; the score accessors then only read stored numbers.
//!
//! - v2 follows the FIRST CVSS v2 guide (base, temporal, environmental equations, rounded
//!   half up to one decimal). It is computed in exact integer arithmetic, so no binary
//!   floating-point error can move a score across a rounding boundary.
//! - v3.0 and v3.1 follow their specification documents; both use the v3.1 Appendix A
//!   `Roundup`, which is the floating-point-safe form of the "round up to one decimal" that
//!   v3.0 defines. v3.1 uses its own changed-scope modified impact equation.
//! - v4.0 follows the specification's macro-vector method: the six equivalence classes
//!   give a macro vector whose score comes from the published lookup table, and the score is
//!   lowered by the mean proportional severity distance to the next lower macro vectors.
//!   It is computed in exact rational arithmetic and rounded half up.
//!
//! Metrics may come in any order for every version. Scores are kept as tenths.

use std::fmt;

mod v2;
mod v3;
mod v4;
mod v4_lookup;

/// A CVSS specification version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CvssVersion {
    /// CVSS v2 (vectors without a prefix, optionally in parentheses or after `CVSS:2.0/`).
    #[serde(rename = "2.0")]
    V2,
    /// CVSS v3.0 (`CVSS:3.0/…`).
    #[serde(rename = "3.0")]
    V3_0,
    /// CVSS v3.1 (`CVSS:3.1/…`).
    #[serde(rename = "3.1")]
    V3_1,
    /// CVSS v4.0 (`CVSS:4.0/…`).
    #[serde(rename = "4.0")]
    V4_0,
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CvssVersion::V2 => "2.0",
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        })
    }
}

/// Qualitative severity rating. Ordered: `None < Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// v3/v4 score 0.0.
    None,
    /// v3/v4 0.1–3.9; v2 (NVD bands) 0.0–3.9.
    Low,
    /// 4.0–6.9.
    Medium,
    /// v3/v4 7.0–8.9; v2 (NVD bands) 7.0–10.0.
    High,
    /// v3/v4 9.0–10.0 (never for v2).
    Critical,
}

impl Rating {
    /// The rating of `score` in `version`'s bands.
    ///
    /// v3.x and v4.0 use the specification's scale: None 0.0, Low 0.1–3.9, Medium 4.0–6.9,
    /// High 7.0–8.9, Critical 9.0–10.0. v2 has no official scale; the NVD bands are used:
    /// Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0. Scores between two bands' one-decimal
    /// edges (e.g. 3.95) fall in the lower band; a NaN score is rated `None`.
    pub fn from_score(version: CvssVersion, score: f64) -> Rating {
        if score.is_nan() {
            return Rating::None;
        }
        match version {
            CvssVersion::V2 => {
                if score >= 7.0 {
                    Rating::High
                } else if score >= 4.0 {
                    Rating::Medium
                } else {
                    Rating::Low
                }
            }
            CvssVersion::V3_0 | CvssVersion::V3_1 | CvssVersion::V4_0 => {
                if score >= 9.0 {
                    Rating::Critical
                } else if score >= 7.0 {
                    Rating::High
                } else if score >= 4.0 {
                    Rating::Medium
                } else if score > 0.0 {
                    Rating::Low
                } else {
                    Rating::None
                }
            }
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rating::None => "none",
            Rating::Low => "low",
            Rating::Medium => "medium",
            Rating::High => "high",
            Rating::Critical => "critical",
        })
    }
}

/// A parsed vector with its scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Cvss {
    /// The specification version the vector was written for.
    pub version: CvssVersion,
    vector: Box<str>,
    base: u8,
    temporal: Option<u8>,
    environmental: Option<u8>,
}

/// Why a vector could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CVSS vector {vector:?}: {reason}")]
pub struct CvssError {
    /// The vector as given.
    pub vector: String,
    /// What is wrong with it, naming the metric concerned.
    pub reason: String,
}

/// Scores of one vector, in tenths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tenths {
    pub base: u8,
    pub temporal: Option<u8>,
    pub environmental: Option<u8>,
}

impl Cvss {
    /// Parses a vector: `CVSS:3.1/…`, `CVSS:3.0/…`, `CVSS:4.0/…`, or a v2 vector
    /// (`AV:N/AC:L/…`, optionally wrapped in `(…)` or prefixed `CVSS:2.0/`).
    ///
    /// Rejected, with a reason naming the metric: a prefix other than those, metrics the
    /// version does not define, a metric given twice, a missing mandatory base metric, a value
    /// the metric does not define, empty components (`//`, a trailing `/`), and surrounding
    /// whitespace. A vector without a prefix is read as v2.
    pub fn parse(vector: &str) -> Result<Cvss, CvssError> {
        match parse_inner(vector) {
            Ok((version, tenths)) => Ok(Cvss {
                version,
                vector: vector.into(),
                base: tenths.base,
                temporal: tenths.temporal,
                environmental: tenths.environmental,
            }),
            Err(reason) => Err(CvssError {
                vector: vector.to_owned(),
                reason,
            }),
        }
    }

    /// The vector exactly as it was given to [`Cvss::parse`].
    pub fn vector(&self) -> &str {
        &self.vector
    }

    /// The base score, 0.0–10.0, rounded as the version's specification says.
    /// (For v4.0 this is the score of the whole vector as given: CVSS-B, -BT, -BE or -BTE.)
    pub fn base_score(&self) -> f64 {
        f64::from(self.base) / 10.0
    }

    /// The v2/v3 temporal score, when the vector has at least one temporal metric (a metric
    /// given as not defined, `X`/`ND`, counts). Always `None` for v4.0, whose threat metric is
    /// part of [`Cvss::base_score`].
    pub fn temporal_score(&self) -> Option<f64> {
        self.temporal.map(|t| f64::from(t) / 10.0)
    }

    /// The v2/v3 environmental score, when the vector has at least one environmental metric
    /// (a metric given as not defined counts). Always `None` for v4.0, whose environmental
    /// metrics are part of [`Cvss::base_score`].
    pub fn environmental_score(&self) -> Option<f64> {
        self.environmental.map(|t| f64::from(t) / 10.0)
    }

    /// The qualitative rating of the base score (v2 has no official "critical": we use
    /// the NVD v2 bands low 0–3.9, medium 4–6.9, high 7–10).
    pub fn rating(&self) -> Rating {
        Rating::from_score(self.version, self.base_score())
    }
}

fn parse_inner(vector: &str) -> Result<(CvssVersion, Tenths), String> {
    if vector.is_empty() {
        return Err("the vector is empty".into());
    }
    if vector.trim() != vector {
        return Err("the vector has leading or trailing whitespace".into());
    }
    if let Some(rest) = vector.strip_prefix("CVSS:") {
        let (label, body) = match rest.split_once('/') {
            Some(split) => split,
            None => (rest, ""),
        };
        let version = match label {
            "2.0" => CvssVersion::V2,
            "3.0" => CvssVersion::V3_0,
            "3.1" => CvssVersion::V3_1,
            "4.0" => CvssVersion::V4_0,
            other => {
                return Err(format!(
                    "unsupported prefix \"CVSS:{}\" (expected CVSS:2.0, CVSS:3.0, CVSS:3.1 or CVSS:4.0)",
                    clip(other)
                ));
            }
        };
        if body.is_empty() {
            return Err(format!("no metrics after the CVSS:{label} prefix"));
        }
        let tenths = match version {
            CvssVersion::V2 => v2::score(body, false)?,
            CvssVersion::V3_0 => v3::score(body, false)?,
            CvssVersion::V3_1 => v3::score(body, true)?,
            CvssVersion::V4_0 => v4::score(body)?,
        };
        return Ok((version, tenths));
    }
    let body = if let Some(inner) = vector.strip_prefix('(') {
        match inner.strip_suffix(')') {
            Some(body) => body,
            None => return Err("opening '(' without a closing ')'".into()),
        }
    } else if vector.ends_with(')') {
        return Err("closing ')' without an opening '('".into());
    } else {
        vector
    };
    if body.is_empty() {
        return Err("no metrics inside the parentheses".into());
    }
    Ok((CvssVersion::V2, v2::score(body, true)?))
}

/// One metric a version defines: its abbreviation, its values in specification order, and
/// whether a vector must carry it.
pub(crate) struct MetricDef {
    pub key: &'static str,
    pub values: &'static [&'static str],
    pub mandatory: bool,
}

/// Marks a metric absent from the vector in the array [`parse_metrics`] returns.
pub(crate) const ABSENT: u8 = u8::MAX;

/// Splits `body` (the part after the prefix) into `KEY:VALUE` components and returns, for
/// each definition, the index of the value given in `defs[i].values`, or [`ABSENT`].
pub(crate) fn parse_metrics<const N: usize>(
    body: &str,
    defs: &[MetricDef; N],
    label: &str,
    unknown_hint: &str,
) -> Result<[u8; N], String> {
    let mut found = [ABSENT; N];
    for (position, part) in body.split('/').enumerate() {
        let position = position + 1;
        if part.is_empty() {
            return Err(format!(
                "component {position} is empty (a stray '/'); components are KEY:VALUE separated by single '/'"
            ));
        }
        let Some((key, value)) = part.split_once(':') else {
            return Err(format!(
                "component {position} {:?} is not KEY:VALUE (no ':')",
                clip(part)
            ));
        };
        let Some(slot) = defs.iter().position(|d| d.key == key) else {
            return Err(format!(
                "unknown metric {:?} (component {position}) for CVSS {label}{unknown_hint}",
                clip(key)
            ));
        };
        let def = &defs[slot];
        let Some(index) = def.values.iter().position(|v| *v == value) else {
            return Err(format!(
                "metric {key} has invalid value {:?}; CVSS {label} allows {}",
                clip(value),
                def.values.join(", ")
            ));
        };
        if found[slot] != ABSENT {
            return Err(format!("metric {key} is given more than once"));
        }
        // At most a few dozen values per metric: the index always fits.
        found[slot] = u8::try_from(index).unwrap_or(ABSENT);
    }
    let mut missing = defs
        .iter()
        .zip(found.iter())
        .filter(|(def, value)| def.mandatory && **value == ABSENT)
        .map(|(def, _)| def.key)
        .peekable();
    if missing.peek().is_some() {
        let list: Vec<&str> = missing.collect();
        let noun = if list.len() == 1 { "metric" } else { "metrics" };
        return Err(format!(
            "missing mandatory base {noun} {} for CVSS {label}",
            list.join(", ")
        ));
    }
    Ok(found)
}

/// At most 40 characters of a piece of hostile input, for an error message.
fn clip(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(vector: &str) -> String {
        match Cvss::parse(vector) {
            Ok(parsed) => panic!("{vector} parsed as {parsed:?}"),
            Err(e) => {
                assert_eq!(e.vector, vector);
                e.reason
            }
        }
    }

    #[test]
    fn parses_each_version_and_keeps_the_vector() {
        let cases = [
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C", CvssVersion::V2, 10.0),
            ("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", CvssVersion::V2, 7.5),
            ("CVSS:2.0/AV:N/AC:M/Au:N/C:P/I:N/A:N", CvssVersion::V2, 4.3),
            (
                "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                CvssVersion::V3_0,
                9.8,
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
                CvssVersion::V3_1,
                9.9,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                CvssVersion::V4_0,
                9.3,
            ),
        ];
        for (vector, version, score) in cases {
            let parsed = Cvss::parse(vector).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.version, version, "{vector}");
            assert_eq!(parsed.base_score(), score, "{vector}");
            assert_eq!(parsed.vector(), vector);
        }
    }

    #[test]
    fn any_metric_order_scores_the_same() {
        let a = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N").unwrap();
        let b = Cvss::parse("CVSS:3.1/S:C/C:L/A:N/I:L/UI:R/PR:N/AC:L/AV:N").unwrap();
        assert_eq!(a.base_score(), 6.1);
        assert_eq!(b.base_score(), 6.1);
        let c =
            Cvss::parse("CVSS:4.0/VC:H/AV:N/AC:L/AT:N/PR:N/UI:N/VI:H/VA:H/SA:N/SC:N/SI:N").unwrap();
        assert_eq!(c.base_score(), 9.3);
    }

    #[test]
    fn temporal_and_environmental_only_when_present() {
        let base = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!(base.temporal_score(), None);
        assert_eq!(base.environmental_score(), None);
        let t = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:R").unwrap();
        assert_eq!(t.temporal_score(), Some(8.2));
        assert_eq!(t.environmental_score(), None);
        let e = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L").unwrap();
        assert_eq!(e.temporal_score(), None);
        assert_eq!(e.environmental_score(), Some(8.4));
        let x = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/CR:X").unwrap();
        assert_eq!(x.temporal_score(), Some(9.8));
        assert_eq!(x.environmental_score(), Some(9.8));
        let v2 = Cvss::parse("AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C").unwrap();
        assert_eq!(v2.temporal_score(), Some(8.3));
        assert_eq!(v2.environmental_score(), None);
        let v4 = Cvss::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")
            .unwrap();
        assert_eq!(v4.temporal_score(), None);
        assert_eq!(v4.environmental_score(), None);
    }

    #[test]
    fn errors_name_the_problem() {
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            (" CVSS:3.1/AV:N", "whitespace"),
            (
                "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "unsupported prefix \"CVSS:3.2\"",
            ),
            ("CVSS:3.1", "no metrics after the CVSS:3.1 prefix"),
            ("CVSS:3.1/", "no metrics after the CVSS:3.1 prefix"),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
                "missing mandatory base metric A ",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H",
                "missing mandatory base metrics I, A ",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N",
                "metric AV is given more than once",
            ),
            (
                "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "metric AV has invalid value \"Q\"",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y",
                "unknown metric \"XX\"",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:ND",
                "metric E has invalid value \"ND\"",
            ),
            (
                "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "component 2 is empty",
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
                "component 9 is empty",
            ),
            (
                "CVSS:3.1/AV:N/ACL/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "component 2 \"ACL\" is not KEY:VALUE",
            ),
            (
                "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "metric AV has invalid value \"n\"",
            ),
            (
                "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",
                "metric S has invalid value \"X\"",
            ),
            (
                "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "unknown metric \"PR\"",
            ),
            ("AV:N/AC:L/Au:N/C:C/I:C", "missing mandatory base metric A "),
            (
                "AV:N/AC:L/Au:N/C:C/I:C/A:C/E:X",
                "metric E has invalid value \"X\"",
            ),
            (
                "AV:N/AC:L/Au:N/C:C/I:C/A:C/CDP:Q",
                "metric CDP has invalid value \"Q\"",
            ),
            ("(AV:N/AC:L/Au:N/C:C/I:C/A:C", "without a closing ')'"),
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C)", "without an opening '('"),
            ("()", "no metrics inside the parentheses"),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
                "missing mandatory base metric SA ",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:X",
                "metric SA has invalid value \"X\"",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
                "metric SI has invalid value \"S\"",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S",
                "metric MSC has invalid value \"S\"",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:green",
                "metric U has invalid value \"green\"",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:A",
                "metric E is given more than once",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:C",
                "metric S has invalid value \"C\"",
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O",
                "unknown metric \"RL\"",
            ),
        ];
        for (vector, expected) in cases {
            let got = reason(vector);
            assert!(
                got.contains(expected),
                "{vector}: {got:?} lacks {expected:?}"
            );
        }
    }

    #[test]
    fn error_display_includes_vector_and_reason() {
        let err = Cvss::parse("CVSS:3.1/AV:N").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("CVSS vector \"CVSS:3.1/AV:N\": missing mandatory base metrics AC, PR, UI, S, C, I, A"), "{text}");
    }

    #[test]
    fn long_hostile_tokens_are_clipped_in_reasons() {
        let long = "Z".repeat(500);
        let got = reason(&format!("CVSS:3.1/{long}:N"));
        assert!(got.len() < 200, "{got}");
        assert!(got.contains(&"Z".repeat(40)));
    }

    #[test]
    fn v3_v4_rating_band_edges() {
        for version in [CvssVersion::V3_0, CvssVersion::V3_1, CvssVersion::V4_0] {
            let cases = [
                (0.0, Rating::None),
                (0.1, Rating::Low),
                (3.9, Rating::Low),
                (4.0, Rating::Medium),
                (6.9, Rating::Medium),
                (7.0, Rating::High),
                (8.9, Rating::High),
                (9.0, Rating::Critical),
                (10.0, Rating::Critical),
                (f64::NAN, Rating::None),
            ];
            for (score, rating) in cases {
                assert_eq!(
                    Rating::from_score(version, score),
                    rating,
                    "{version} {score}"
                );
            }
        }
    }

    #[test]
    fn v2_rating_band_edges() {
        let cases = [
            (0.0, Rating::Low),
            (3.9, Rating::Low),
            (4.0, Rating::Medium),
            (6.9, Rating::Medium),
            (7.0, Rating::High),
            (9.0, Rating::High),
            (10.0, Rating::High),
        ];
        for (score, rating) in cases {
            assert_eq!(
                Rating::from_score(CvssVersion::V2, score),
                rating,
                "{score}"
            );
        }
    }

    #[test]
    fn rating_of_parsed_vectors() {
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", Rating::None),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", Rating::Low),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
                Rating::Medium,
            ),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Rating::High),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                Rating::Critical,
            ),
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C", Rating::High),
            ("AV:L/AC:H/Au:M/C:N/I:N/A:N", Rating::Low),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
                Rating::None,
            ),
        ];
        for (vector, rating) in cases {
            assert_eq!(Cvss::parse(vector).unwrap().rating(), rating, "{vector}");
        }
    }

    #[test]
    fn version_display_and_serde_names_agree() {
        for version in [
            CvssVersion::V2,
            CvssVersion::V3_0,
            CvssVersion::V3_1,
            CvssVersion::V4_0,
        ] {
            let json = serde_json::to_string(&version).unwrap();
            assert_eq!(json, format!("\"{version}\""));
        }
    }
}
