//! Tests 6.1.9 (Invalid CVSS computation) and 6.1.10 (Inconsistent CVSS) on one `cvss_v2` or
//! `cvss_v3` object. Scores come from the project's CVSS calculator (`safeguard-vulndb`), which
//! is checked against FIRST's and Red Hat's test vectors.

use serde_json::Value;

use safeguard_vulndb::cvss::{Cvss, CvssVersion, Rating};

/// One metric: vector abbreviation, JSON property, and (vector value, JSON value) pairs.
type Metric = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const V3_BASE_AV: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
];
const V3_MAV: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
    ("X", "NOT_DEFINED"),
];
const V3_AC: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH")];
const V3_MAC: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH"), ("X", "NOT_DEFINED")];
const V3_PR: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")];
const V3_MPR: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const V3_UI: &[(&str, &str)] = &[("N", "NONE"), ("R", "REQUIRED")];
const V3_MUI: &[(&str, &str)] = &[("N", "NONE"), ("R", "REQUIRED"), ("X", "NOT_DEFINED")];
const V3_S: &[(&str, &str)] = &[("U", "UNCHANGED"), ("C", "CHANGED")];
const V3_MS: &[(&str, &str)] = &[("U", "UNCHANGED"), ("C", "CHANGED"), ("X", "NOT_DEFINED")];
const V3_CIA: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")];
const V3_MCIA: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const V3_E: &[(&str, &str)] = &[
    ("U", "UNPROVEN"),
    ("P", "PROOF_OF_CONCEPT"),
    ("F", "FUNCTIONAL"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const V3_RL: &[(&str, &str)] = &[
    ("O", "OFFICIAL_FIX"),
    ("T", "TEMPORARY_FIX"),
    ("W", "WORKAROUND"),
    ("U", "UNAVAILABLE"),
    ("X", "NOT_DEFINED"),
];
const V3_RC: &[(&str, &str)] = &[
    ("U", "UNKNOWN"),
    ("R", "REASONABLE"),
    ("C", "CONFIRMED"),
    ("X", "NOT_DEFINED"),
];
const V3_REQ: &[(&str, &str)] = &[
    ("L", "LOW"),
    ("M", "MEDIUM"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];

const V3_METRICS: &[Metric] = &[
    ("AV", "attackVector", V3_BASE_AV),
    ("AC", "attackComplexity", V3_AC),
    ("PR", "privilegesRequired", V3_PR),
    ("UI", "userInteraction", V3_UI),
    ("S", "scope", V3_S),
    ("C", "confidentialityImpact", V3_CIA),
    ("I", "integrityImpact", V3_CIA),
    ("A", "availabilityImpact", V3_CIA),
    ("E", "exploitCodeMaturity", V3_E),
    ("RL", "remediationLevel", V3_RL),
    ("RC", "reportConfidence", V3_RC),
    ("CR", "confidentialityRequirement", V3_REQ),
    ("IR", "integrityRequirement", V3_REQ),
    ("AR", "availabilityRequirement", V3_REQ),
    ("MAV", "modifiedAttackVector", V3_MAV),
    ("MAC", "modifiedAttackComplexity", V3_MAC),
    ("MPR", "modifiedPrivilegesRequired", V3_MPR),
    ("MUI", "modifiedUserInteraction", V3_MUI),
    ("MS", "modifiedScope", V3_MS),
    ("MC", "modifiedConfidentialityImpact", V3_MCIA),
    ("MI", "modifiedIntegrityImpact", V3_MCIA),
    ("MA", "modifiedAvailabilityImpact", V3_MCIA),
];

const V2_AV: &[(&str, &str)] = &[("L", "LOCAL"), ("A", "ADJACENT_NETWORK"), ("N", "NETWORK")];
const V2_AC: &[(&str, &str)] = &[("H", "HIGH"), ("M", "MEDIUM"), ("L", "LOW")];
const V2_AU: &[(&str, &str)] = &[("M", "MULTIPLE"), ("S", "SINGLE"), ("N", "NONE")];
const V2_CIA: &[(&str, &str)] = &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")];
const V2_E: &[(&str, &str)] = &[
    ("U", "UNPROVEN"),
    ("POC", "PROOF_OF_CONCEPT"),
    ("F", "FUNCTIONAL"),
    ("H", "HIGH"),
    ("ND", "NOT_DEFINED"),
];
const V2_RL: &[(&str, &str)] = &[
    ("OF", "OFFICIAL_FIX"),
    ("TF", "TEMPORARY_FIX"),
    ("W", "WORKAROUND"),
    ("U", "UNAVAILABLE"),
    ("ND", "NOT_DEFINED"),
];
const V2_RC: &[(&str, &str)] = &[
    ("UC", "UNCONFIRMED"),
    ("UR", "UNCORROBORATED"),
    ("C", "CONFIRMED"),
    ("ND", "NOT_DEFINED"),
];
const V2_CDP: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("LM", "LOW_MEDIUM"),
    ("MH", "MEDIUM_HIGH"),
    ("H", "HIGH"),
    ("ND", "NOT_DEFINED"),
];
const V2_TD: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("M", "MEDIUM"),
    ("H", "HIGH"),
    ("ND", "NOT_DEFINED"),
];
const V2_REQ: &[(&str, &str)] = &[
    ("L", "LOW"),
    ("M", "MEDIUM"),
    ("H", "HIGH"),
    ("ND", "NOT_DEFINED"),
];

const V2_METRICS: &[Metric] = &[
    ("AV", "accessVector", V2_AV),
    ("AC", "accessComplexity", V2_AC),
    ("Au", "authentication", V2_AU),
    ("C", "confidentialityImpact", V2_CIA),
    ("I", "integrityImpact", V2_CIA),
    ("A", "availabilityImpact", V2_CIA),
    ("E", "exploitability", V2_E),
    ("RL", "remediationLevel", V2_RL),
    ("RC", "reportConfidence", V2_RC),
    ("CDP", "collateralDamagePotential", V2_CDP),
    ("TD", "targetDistribution", V2_TD),
    ("CR", "confidentialityRequirement", V2_REQ),
    ("IR", "integrityRequirement", V2_REQ),
    ("AR", "availabilityRequirement", V2_REQ),
];

/// Which CVSS object is examined.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    V2,
    V3,
}

/// A finding for one CVSS object: (test id, pointer suffix below the object, message).
pub(crate) type Issue = (&'static str, String, String);

/// Runs tests 6.1.9 and 6.1.10 on one CVSS object.
pub(crate) fn check(kind: Kind, obj: &Value) -> Vec<Issue> {
    let mut out = Vec::new();
    let Some(vector) = obj.get("vectorString").and_then(Value::as_str) else {
        return out; // the schema reports the missing vector (6.1.8)
    };
    let cvss = match Cvss::parse(vector) {
        Ok(c) => c,
        Err(e) => {
            out.push((
                "6.1.10",
                "/vectorString".into(),
                format!("the vector cannot be read: {}", e.reason),
            ));
            return out;
        }
    };
    let expected_version = match (kind, cvss.version) {
        (Kind::V2, CvssVersion::V2) => "2.0",
        (Kind::V3, CvssVersion::V3_0) => "3.0",
        (Kind::V3, CvssVersion::V3_1) => "3.1",
        (k, v) => {
            let slot = if k == Kind::V2 { "cvss_v2" } else { "cvss_v3" };
            out.push((
                "6.1.10",
                "/vectorString".into(),
                format!("a CVSS {v} vector does not belong in {slot}"),
            ));
            return out;
        }
    };
    if let Some(given) = obj.get("version").and_then(Value::as_str)
        && given != expected_version
    {
        out.push((
            "6.1.10",
            "/version".into(),
            format!("version is {given} but the vector is CVSS {expected_version}"),
        ));
    }
    // 6.1.10: every property that restates a metric must agree with the vector.
    let metrics = if kind == Kind::V2 {
        V2_METRICS
    } else {
        V3_METRICS
    };
    let body = vector
        .strip_prefix("CVSS:")
        .and_then(|r| r.split_once('/').map(|(_, b)| b))
        .unwrap_or(vector);
    let body = body.trim_start_matches('(').trim_end_matches(')');
    let in_vector: Vec<(&str, &str)> = body.split('/').filter_map(|p| p.split_once(':')).collect();
    for (abbr, prop, values) in metrics {
        let Some(given) = obj.get(*prop).and_then(Value::as_str) else {
            continue;
        };
        let code = in_vector
            .iter()
            .find(|(k, _)| k == abbr)
            .map(|(_, v)| *v)
            .unwrap_or(if kind == Kind::V2 { "ND" } else { "X" });
        let Some(expected) = values.iter().find(|(c, _)| *c == code).map(|(_, n)| *n) else {
            continue;
        };
        if given != expected {
            out.push((
                "6.1.10",
                format!("/{prop}"),
                format!("{prop} is {given} but the vector says {abbr}:{code} ({expected})"),
            ));
        }
    }
    // 6.1.9: the scores and severities must be the ones the vector computes.
    let base = cvss.base_score();
    let temporal = cvss
        .temporal_score()
        .or_else(|| with_extra(vector, kind, true))
        .unwrap_or(base);
    let environmental = cvss
        .environmental_score()
        .or_else(|| with_extra(vector, kind, false))
        .unwrap_or(temporal);
    for (score_prop, severity_prop, value) in [
        ("baseScore", "baseSeverity", base),
        ("temporalScore", "temporalSeverity", temporal),
        ("environmentalScore", "environmentalSeverity", environmental),
    ] {
        if let Some(given) = obj.get(score_prop).and_then(Value::as_f64)
            && (given - value).abs() > 0.049
        {
            out.push((
                "6.1.9",
                format!("/{score_prop}"),
                format!("{score_prop} is {given} but the vector computes {value:.1}"),
            ));
        }
        if kind == Kind::V3
            && let Some(given) = obj.get(severity_prop).and_then(Value::as_str)
        {
            let expected = severity_name(Rating::from_score(cvss.version, value));
            if given != expected {
                out.push((
                    "6.1.9",
                    format!("/{severity_prop}"),
                    format!("{severity_prop} is {given} but a score of {value:.1} is {expected}"),
                ));
            }
        }
    }
    out
}

/// The temporal (or environmental) score of a vector that has no such metric: the vector with
/// one "not defined" metric of that group appended.
fn with_extra(vector: &str, kind: Kind, temporal: bool) -> Option<f64> {
    let extra = match (kind, temporal) {
        (Kind::V2, true) => "E:ND",
        (Kind::V2, false) => "CDP:ND",
        (Kind::V3, true) => "E:X",
        (Kind::V3, false) => "CR:X",
    };
    let body = vector
        .strip_prefix('(')
        .and_then(|v| v.strip_suffix(')'))
        .unwrap_or(vector);
    let c = Cvss::parse(&format!("{body}/{extra}")).ok()?;
    if temporal {
        c.temporal_score()
    } else {
        c.environmental_score()
    }
}

/// The CSAF (FIRST schema) spelling of a rating.
pub(crate) fn severity_name(r: Rating) -> &'static str {
    match r {
        Rating::None => "NONE",
        Rating::Low => "LOW",
        Rating::Medium => "MEDIUM",
        Rating::High => "HIGH",
        Rating::Critical => "CRITICAL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consistent_object_passes() {
        let o = json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "baseScore": 9.8, "baseSeverity": "CRITICAL", "attackVector": "NETWORK",
            "exploitCodeMaturity": "NOT_DEFINED", "temporalScore": 9.8});
        assert_eq!(check(Kind::V3, &o), vec![]);
    }

    #[test]
    fn wrong_scores_and_contradicting_metrics_are_named() {
        let o = json!({"version": "3.1", "vectorString": "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H",
            "baseScore": 10.0, "baseSeverity": "LOW", "attackVector": "NETWORK", "scope": "CHANGED"});
        let got: Vec<(&str, String)> = check(Kind::V3, &o)
            .into_iter()
            .map(|(t, p, _)| (t, p))
            .collect();
        assert_eq!(
            got,
            vec![
                ("6.1.10", "/attackVector".to_string()),
                ("6.1.10", "/scope".to_string()),
                ("6.1.9", "/baseScore".to_string()),
                ("6.1.9", "/baseSeverity".to_string()),
            ]
        );
    }

    #[test]
    fn v2_temporal_score_without_temporal_metrics_equals_base() {
        let o = json!({"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C",
            "baseScore": 10.0, "temporalScore": 10.0, "accessVector": "NETWORK"});
        assert_eq!(check(Kind::V2, &o), vec![]);
        let bad = json!({"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C",
            "baseScore": 10.0, "temporalScore": 7.0});
        assert_eq!(check(Kind::V2, &bad).len(), 1);
    }
}
