//! CVSS v2 (FIRST "A Complete Guide to the Common Vulnerability Scoring System Version 2.0",
//! section 3.2 equations).
//!
//! Every constant of the guide has at most three decimals, so the equations are evaluated
//! exactly in scaled integers and rounded half up to one decimal ("round_to_1_decimal").

use super::{MetricDef, Tenths, parse_metrics};

const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;
const E: usize = 6;
const RL: usize = 7;
const RC: usize = 8;
const CDP: usize = 9;
const TD: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;

const fn base(key: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        key,
        values,
        mandatory: true,
    }
}

const fn optional(key: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        key,
        values,
        mandatory: false,
    }
}

const CIA: &[&str] = &["N", "P", "C"];
const REQUIREMENT: &[&str] = &["L", "M", "H", "ND"];

static DEFS: [MetricDef; 14] = [
    base("AV", &["L", "A", "N"]),
    base("AC", &["H", "M", "L"]),
    base("Au", &["M", "S", "N"]),
    base("C", CIA),
    base("I", CIA),
    base("A", CIA),
    optional("E", &["U", "POC", "F", "H", "ND"]),
    optional("RL", &["OF", "TF", "W", "U", "ND"]),
    optional("RC", &["UC", "UR", "C", "ND"]),
    optional("CDP", &["N", "L", "LM", "MH", "H", "ND"]),
    optional("TD", &["N", "L", "M", "H", "ND"]),
    optional("CR", REQUIREMENT),
    optional("IR", REQUIREMENT),
    optional("AR", REQUIREMENT),
];

// Weights in the order of the values above, scaled as noted.
/// Access vector, thousandths.
const AV_W: [i128; 3] = [395, 646, 1000];
/// Access complexity, hundredths.
const AC_W: [i128; 3] = [35, 61, 71];
/// Authentication, thousandths.
const AU_W: [i128; 3] = [450, 560, 704];
/// Confidentiality / integrity / availability impact, thousandths.
const CIA_W: [i128; 3] = [0, 275, 660];
/// Exploitability, hundredths (ND = 1.00).
const E_W: [i128; 5] = [85, 90, 95, 100, 100];
/// Remediation level, hundredths.
const RL_W: [i128; 5] = [87, 90, 95, 100, 100];
/// Report confidence, hundredths.
const RC_W: [i128; 4] = [90, 95, 100, 100];
/// Collateral damage potential, tenths (ND = 0).
const CDP_W: [i128; 6] = [0, 1, 3, 4, 5, 0];
/// Target distribution, hundredths (ND = 1.00).
const TD_W: [i128; 5] = [0, 25, 75, 100, 100];
/// Security requirements, hundredths (ND = 1.00).
const REQ_W: [i128; 4] = [50, 100, 151, 100];

/// The weight of value index `value` (or of `default` when absent) in `table`.
fn weight<const K: usize>(table: &[i128; K], value: u8, default: i128) -> i128 {
    table.get(usize::from(value)).copied().unwrap_or(default)
}

/// `value / scale` rounded to an integer, halves away from zero (the guide's
/// round_to_1_decimal, which is "round half up" for the non-negative final scores).
fn round_half_away(value: i128, scale: i128) -> i128 {
    let magnitude = (value.abs() + scale / 2) / scale;
    if value < 0 { -magnitude } else { magnitude }
}

/// A final score in tenths, kept within 0.0–10.0.
fn final_tenths(tenths: i128) -> u8 {
    u8::try_from(tenths.clamp(0, 100)).unwrap_or(0)
}

/// Parses the metrics after any prefix or parentheses and computes the scores.
pub(super) fn score(body: &str, unprefixed: bool) -> Result<Tenths, String> {
    let hint = if unprefixed {
        " (a vector without a prefix is read as CVSS v2; v3 and v4 vectors must start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/)"
    } else {
        ""
    };
    let m = parse_metrics(body, &DEFS, "v2", hint)?;

    let exploitability =
        20 * weight(&AV_W, m[AV], 0) * weight(&AC_W, m[AC], 0) * weight(&AU_W, m[AU], 0);
    let impacts = [m[C], m[I], m[A]].map(|v| weight(&CIA_W, v, 0));
    let none = [100; 3];
    let base = base_tenths(impacts, none, false, exploitability);

    let temporal_given = m[E..=RC].iter().any(|v| *v != super::ABSENT);
    let environmental_given = m[CDP..=AR].iter().any(|v| *v != super::ABSENT);
    let factors = weight(&E_W, m[E], 100) * weight(&RL_W, m[RL], 100) * weight(&RC_W, m[RC], 100);

    let temporal = temporal_given.then(|| final_tenths(temporal_tenths(base, factors)));
    let environmental = environmental_given.then(|| {
        let requirements = [m[CR], m[IR], m[AR]].map(|v| weight(&REQ_W, v, 100));
        // With low security requirements the adjusted base can come out below zero; the
        // guide's equations carry that value on, and so do we (only final scores are kept
        // within 0–10).
        let adjusted_base = base_tenths(impacts, requirements, true, exploitability);
        let adjusted_temporal = temporal_tenths(adjusted_base, factors);
        let cdp = weight(&CDP_W, m[CDP], 0);
        let td = weight(&TD_W, m[TD], 100);
        // (AdjustedTemporal + (10 - AdjustedTemporal) * CDP) * TD, scaled by 10^4.
        let value = (adjusted_temporal * 10 + (100 - adjusted_temporal) * cdp) * td;
        final_tenths(round_half_away(value, 1_000))
    });
    Ok(Tenths {
        base: final_tenths(base),
        temporal,
        environmental,
    })
}

/// BaseScore = round_to_1_decimal(((0.6 × Impact) + (0.4 × Exploitability) − 1.5) × f(Impact)),
/// Impact = 10.41 × (1 − (1 − C×CR) × (1 − I×IR) × (1 − A×AR)), capped at 10 for the
/// environmental AdjustedImpact. `impacts` are thousandths, `requirements` hundredths,
/// `exploitability` is scaled by 10^8.
fn base_tenths(
    impacts: [i128; 3],
    requirements: [i128; 3],
    cap: bool,
    exploitability: i128,
) -> i128 {
    // Each (1 − impact × requirement) term is scaled by 10^5; their product by 10^15.
    let product: i128 = impacts
        .iter()
        .zip(requirements.iter())
        .map(|(impact, requirement)| 100_000 - impact * requirement)
        .product();
    // Impact scaled by 10^17.
    let mut impact = 1041 * (1_000_000_000_000_000 - product);
    if cap {
        impact = impact.min(10 * 100_000_000_000_000_000);
    }
    if impact == 0 {
        return 0;
    }
    // (0.6 × Impact + 0.4 × Exploitability − 1.5) scaled by 10^18, × 1.176 → 10^21.
    let value =
        (6 * impact + 4 * exploitability * 1_000_000_000 - 15 * 100_000_000_000_000_000) * 1176;
    round_half_away(value, 100_000_000_000_000_000_000)
}

/// TemporalScore = round_to_1_decimal(BaseScore × Exploitability × RemediationLevel ×
/// ReportConfidence); `factors` is the product of the three, scaled by 10^6.
fn temporal_tenths(base: i128, factors: i128) -> i128 {
    round_half_away(base * factors, 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(vector: &str) -> Tenths {
        score(vector, true).unwrap_or_else(|e| panic!("{vector}: {e}"))
    }

    #[test]
    fn guide_examples() {
        // The three worked examples of the CVSS v2 guide, section 3.3.
        let t = scores("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C");
        assert_eq!((t.base, t.temporal), (78, Some(64)));
        let t = scores("AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C");
        assert_eq!((t.base, t.temporal), (100, Some(83)));
        let t = scores("AV:L/AC:H/Au:N/C:C/I:C/A:C/E:POC/RL:OF/RC:C");
        assert_eq!((t.base, t.temporal), (62, Some(49)));
    }

    #[test]
    fn environmental_with_collateral_damage_and_distribution() {
        // The guide's first example: base 7.8, temporal 6.4; CDP:H, TD:H, CR:M, IR:M, AR:H:
        // adjusted impact = min(10, 10.41 × (1 − (1 − 0.66 × 1.51))) = 10, adjusted base
        // (6 + 0.4 × 9.9968 − 1.5) × 1.176 = 9.9945 → 10.0; adjusted temporal
        // 10 × 0.95 × 0.87 = 8.265 → 8.3; environmental (8.3 + 1.7 × 0.5) × 1 = 9.15 → 9.2.
        let t = scores("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H");
        assert_eq!(t.environmental, Some(92));
        // TD:N zeroes the environmental score.
        let t = scores("AV:N/AC:L/Au:N/C:C/I:C/A:C/TD:N");
        assert_eq!((t.base, t.temporal, t.environmental), (100, None, Some(0)));
    }

    #[test]
    fn no_impact_is_zero() {
        let t = scores("AV:N/AC:L/Au:N/C:N/I:N/A:N");
        assert_eq!(t.base, 0);
    }

    #[test]
    fn negative_adjusted_base_is_carried_into_environmental() {
        // Base 0.8. With IR:L the adjusted impact is 10.41 × 0.1375 = 1.431375 and the
        // adjusted base (0.858825 + 0.49772 − 1.5) × 1.176 = −0.1687 → −0.2; adjusted
        // temporal −0.2 × 0.90 = −0.18 → −0.2; environmental (−0.2 + 10.2 × 0.5) × 1 = 4.9.
        let t = scores("AV:L/AC:H/Au:M/C:N/I:P/A:N/RL:TF/CDP:H/TD:ND/IR:L");
        assert_eq!(
            (t.base, t.temporal, t.environmental),
            (8, Some(7), Some(49))
        );
        // Final scores never go below zero: with CDP:N the same vector's environmental
        // score (−0.2) is reported as 0.0.
        let t = scores("AV:L/AC:H/Au:M/C:N/I:P/A:N/RL:TF/CDP:N/TD:ND/IR:L");
        assert_eq!(t.environmental, Some(0));
    }

    #[test]
    fn rounding_is_exact_at_halves() {
        assert_eq!(round_half_away(15, 10), 2);
        assert_eq!(round_half_away(14, 10), 1);
        assert_eq!(round_half_away(-15, 10), -2);
        assert_eq!(round_half_away(-14, 10), -1);
    }
}
