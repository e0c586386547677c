//! CVSS v3.0 and v3.1 (FIRST specification documents, section 7 "CVSS v3.x Equations", and
//! the v3.1 `Roundup` of Appendix A).

use super::{ABSENT, MetricDef, Tenths, parse_metrics};

const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;
const E: usize = 8;
const RL: usize = 9;
const RC: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;
const MAV: usize = 14;
const MAC: usize = 15;
const MPR: usize = 16;
const MUI: usize = 17;
const MS: usize = 18;
const MC: usize = 19;
const MI: usize = 20;
const MA: usize = 21;

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

// Base values are listed in specification order; each modified metric lists `X` first and
// then the base metric's values in the same order, so `modified index − 1 == base index`.
const AV_V: &[&str] = &["N", "A", "L", "P"];
const AC_V: &[&str] = &["L", "H"];
const PR_V: &[&str] = &["N", "L", "H"];
const UI_V: &[&str] = &["N", "R"];
const S_V: &[&str] = &["U", "C"];
const CIA_V: &[&str] = &["H", "L", "N"];
const MCIA_V: &[&str] = &["X", "H", "L", "N"];
const REQ_V: &[&str] = &["X", "H", "M", "L"];

static DEFS: [MetricDef; 22] = [
    base("AV", AV_V),
    base("AC", AC_V),
    base("PR", PR_V),
    base("UI", UI_V),
    base("S", S_V),
    base("C", CIA_V),
    base("I", CIA_V),
    base("A", CIA_V),
    optional("E", &["X", "H", "F", "P", "U"]),
    optional("RL", &["X", "U", "W", "T", "O"]),
    optional("RC", &["X", "C", "R", "U"]),
    optional("CR", REQ_V),
    optional("IR", REQ_V),
    optional("AR", REQ_V),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "R"]),
    optional("MS", &["X", "U", "C"]),
    optional("MC", MCIA_V),
    optional("MI", MCIA_V),
    optional("MA", MCIA_V),
];

const AV_W: [f64; 4] = [0.85, 0.62, 0.55, 0.2];
const AC_W: [f64; 2] = [0.77, 0.44];
/// Privileges required with scope unchanged / changed.
const PR_W_UNCHANGED: [f64; 3] = [0.85, 0.62, 0.27];
const PR_W_CHANGED: [f64; 3] = [0.85, 0.68, 0.5];
const UI_W: [f64; 2] = [0.85, 0.62];
const CIA_W: [f64; 3] = [0.56, 0.22, 0.0];
const E_W: [f64; 5] = [1.0, 1.0, 0.97, 0.94, 0.91];
const RL_W: [f64; 5] = [1.0, 1.0, 0.97, 0.96, 0.95];
const RC_W: [f64; 4] = [1.0, 1.0, 0.96, 0.92];
const REQ_W: [f64; 4] = [1.0, 1.5, 1.0, 0.5];

const CHANGED: u8 = 1;

fn weight<const K: usize>(table: &[f64; K], value: u8, default: f64) -> f64 {
    table.get(usize::from(value)).copied().unwrap_or(default)
}

/// The value index in effect for a base metric: the modified metric's when it is given and
/// not `X`, else the base metric's.
fn effective(m: &[u8; 22], base: usize, modified: usize) -> u8 {
    match m[modified] {
        ABSENT | 0 => m[base],
        given => given - 1,
    }
}

/// Appendix A `Roundup`: the smallest one-decimal number ≥ `value`, in tenths, computed so
/// that floating-point noise just above a one-decimal number does not round it up.
fn roundup(value: f64) -> u8 {
    if value.is_nan() || value <= 0.0 {
        return 0;
    }
    let int_input = (value * 100_000.0).round();
    let tenths = if int_input % 10_000.0 == 0.0 {
        int_input / 10_000.0
    } else {
        (int_input / 10_000.0).floor() + 1.0
    };
    // `value` is at most 10 here, so this is 0..=100.
    tenths.clamp(0.0, 100.0) as u8
}

fn tenths_value(tenths: u8) -> f64 {
    f64::from(tenths) / 10.0
}

/// Parses the metrics after the `CVSS:3.x/` prefix and computes the scores.
pub(super) fn score(body: &str, v3_1: bool) -> Result<Tenths, String> {
    let label = if v3_1 { "v3.1" } else { "v3.0" };
    let m = parse_metrics(body, &DEFS, label, "")?;

    let base = {
        let impacts = [m[C], m[I], m[A]].map(|v| weight(&CIA_W, v, 0.0));
        let iss = 1.0 - (1.0 - impacts[0]) * (1.0 - impacts[1]) * (1.0 - impacts[2]);
        let changed = m[S] == CHANGED;
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
        } else {
            6.42 * iss
        };
        let exploitability = exploitability(m[AV], m[AC], m[PR], m[UI], changed);
        combine(impact, exploitability, changed)
    };

    let factors = weight(&E_W, m[E], 1.0) * weight(&RL_W, m[RL], 1.0) * weight(&RC_W, m[RC], 1.0);
    let temporal_given = m[E..=RC].iter().any(|v| *v != ABSENT);
    let temporal = temporal_given.then(|| roundup(tenths_value(base) * factors));

    let environmental_given = m[CR..=MA].iter().any(|v| *v != ABSENT);
    let environmental = environmental_given.then(|| {
        let changed = effective(&m, S, MS) == CHANGED;
        let requirements = [m[CR], m[IR], m[AR]].map(|v| weight(&REQ_W, v, 1.0));
        let impacts = [
            effective(&m, C, MC),
            effective(&m, I, MI),
            effective(&m, A, MA),
        ]
        .map(|v| weight(&CIA_W, v, 0.0));
        let miss = (1.0
            - (1.0 - requirements[0] * impacts[0])
                * (1.0 - requirements[1] * impacts[1])
                * (1.0 - requirements[2] * impacts[2]))
            .min(0.915);
        let impact = if !changed {
            6.42 * miss
        } else if v3_1 {
            7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13)
        } else {
            7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15)
        };
        let exploitability = exploitability(
            effective(&m, AV, MAV),
            effective(&m, AC, MAC),
            effective(&m, PR, MPR),
            effective(&m, UI, MUI),
            changed,
        );
        let modified_base = combine(impact, exploitability, changed);
        roundup(tenths_value(modified_base) * factors)
    });

    Ok(Tenths {
        base,
        temporal,
        environmental,
    })
}

/// 8.22 × AttackVector × AttackComplexity × PrivilegesRequired × UserInteraction.
fn exploitability(av: u8, ac: u8, pr: u8, ui: u8, changed: bool) -> f64 {
    let pr_table = if changed {
        &PR_W_CHANGED
    } else {
        &PR_W_UNCHANGED
    };
    8.22 * weight(&AV_W, av, 0.0)
        * weight(&AC_W, ac, 0.0)
        * weight(pr_table, pr, 0.0)
        * weight(&UI_W, ui, 0.0)
}

/// 0 when the impact is not positive; else Roundup(min(impact + exploitability, 10)), with
/// the sum multiplied by 1.08 when the scope is changed.
fn combine(impact: f64, exploitability: f64, changed: bool) -> u8 {
    if impact <= 0.0 {
        return 0;
    }
    let sum = impact + exploitability;
    let sum = if changed { 1.08 * sum } else { sum };
    roundup(sum.min(10.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundup_matches_appendix_a() {
        assert_eq!(roundup(4.02), 41);
        assert_eq!(roundup(4.0), 40);
        // Floating-point noise above a one-decimal number does not round it up.
        assert_eq!(roundup(4.000_000_000_1), 40);
        assert_eq!(roundup(0.0), 0);
        assert_eq!(roundup(-1.0), 0);
        assert_eq!(roundup(f64::NAN), 0);
        assert_eq!(roundup(10.0), 100);
    }

    #[test]
    fn specification_examples() {
        // Well-known scores (the first three are in FIRST's v3.1 examples document).
        let cases = [
            ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75), // Heartbleed, CVE-2014-0160
            ("AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61), // reflected XSS, CVE-2013-1937
            ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98),
            ("AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64),
            ("AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0),
        ];
        for (body, expected) in cases {
            let t = score(body, true).unwrap_or_else(|e| panic!("{body}: {e}"));
            assert_eq!(t.base, expected, "{body}");
        }
    }

    #[test]
    fn modified_scope_changes_privileges_weight() {
        // Base S:U with PR:L (0.62); MS:C makes the modified PR weight 0.68.
        let t = score("AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N/MS:C", true).unwrap();
        assert_eq!(t.base, 43);
        // Modified: MISS 0.22; impact 7.52 × 0.191 − 3.25 × (0.22 × 0.9731 − 0.02)^13 ≈ 1.436;
        // exploitability 8.22 × 0.85 × 0.77 × 0.68 × 0.85 ≈ 3.109; 1.08 × 4.545 ≈ 4.909 → 5.0.
        assert_eq!(t.environmental, Some(50));
    }
}
