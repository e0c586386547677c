//! CVSS v4.0 (FIRST specification document, sections 8.2–8.3: equivalence classes,
//! macro vectors and the interpolation between them).
//!
//! 1. The effective value of each metric is the modified (environmental) one when given,
//!    else the base one; E:X counts as E:A and CR/IR/AR:X as H (the highest severity).
//! 2. The six equivalence classes EQ1–EQ6 give the macro vector; its score comes from the
//!    published table.
//! 3. For EQ1, EQ2, EQ3+EQ6 (jointly), EQ4 and EQ5, the next lower macro vector (one class
//!    less severe) gives the available score distance. The vector's severity distance from
//!    the class's highest-severity vector, divided by the class depth, is the proportion of
//!    that distance to take away. Their mean (over the classes that have a lower macro
//!    vector) is subtracted from the macro vector's score.
//!
//! All quantities are integers (tenths, level counts) so the mean is computed as an exact
//! fraction and rounded half up to one decimal.

use super::v4_lookup::{
    EQ1_DEPTH, EQ1_MAX, EQ2_DEPTH, EQ2_MAX, EQ3_EQ6_DEPTH, EQ3_EQ6_MAX, EQ4_DEPTH, EQ4_MAX,
    MACRO_SCORES, NA,
};
use super::{ABSENT, MetricDef, Tenths, parse_metrics};

const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
const MAV: usize = 15;
const MAC: usize = 16;
const MAT: usize = 17;
const MPR: usize = 18;
const MUI: usize = 19;
const MVC: usize = 20;
const MVI: usize = 21;
const MVA: usize = 22;
const MSC: usize = 23;
const MSI: usize = 24;
const MSA: usize = 25;

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

// Values run from the most to the least severe, so a base value's index is its severity
// level; modified metrics list `X` first.
const CIA_V: &[&str] = &["H", "L", "N"];
const MCIA_V: &[&str] = &["X", "H", "L", "N"];
const MSUB_V: &[&str] = &["X", "S", "H", "L", "N"];
const REQ_V: &[&str] = &["X", "H", "M", "L"];

static DEFS: [MetricDef; 32] = [
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("AT", &["N", "P"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "P", "A"]),
    base("VC", CIA_V),
    base("VI", CIA_V),
    base("VA", CIA_V),
    base("SC", CIA_V),
    base("SI", CIA_V),
    base("SA", CIA_V),
    // Threat.
    optional("E", &["X", "A", "P", "U"]),
    // Environmental.
    optional("CR", REQ_V),
    optional("IR", REQ_V),
    optional("AR", REQ_V),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MAT", &["X", "N", "P"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "P", "A"]),
    optional("MVC", MCIA_V),
    optional("MVI", MCIA_V),
    optional("MVA", MCIA_V),
    optional("MSC", MCIA_V),
    optional("MSI", MSUB_V),
    optional("MSA", MSUB_V),
    // Supplemental: no effect on the score.
    optional("S", &["X", "N", "P"]),
    optional("AU", &["X", "N", "Y"]),
    optional("R", &["X", "A", "U", "I"]),
    optional("V", &["X", "D", "C"]),
    optional("RE", &["X", "L", "M", "H"]),
    optional("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

/// Effective severity levels of the scoring metrics.
struct Levels {
    av: u8,
    ac: u8,
    at: u8,
    pr: u8,
    ui: u8,
    vc: u8,
    vi: u8,
    va: u8,
    /// Subsequent system: S 0 (safety, MSI/MSA only), H 1, L 2, N 3.
    sc: u8,
    si: u8,
    sa: u8,
    cr: u8,
    ir: u8,
    ar: u8,
    /// Exploit maturity: A 0, P 1, U 2.
    e: u8,
}

/// Level of a metric that a modified metric (listing `X` first) may override.
fn effective(m: &[u8; 32], base: usize, modified: usize) -> u8 {
    match m[modified] {
        ABSENT | 0 => m[base],
        given => given - 1,
    }
}

/// Level of an optional metric whose `X` (or absence) means its most severe value.
fn defaulting_to_highest(value: u8) -> u8 {
    match value {
        ABSENT | 0 => 0,
        given => given - 1,
    }
}

/// Subsequent-system level: base H/L/N are 1–3; MSI/MSA add S at 0, MSC has no S.
fn subsequent(m: &[u8; 32], base: usize, modified: usize, has_safety: bool) -> u8 {
    match m[modified] {
        ABSENT | 0 => m[base].saturating_add(1),
        given if has_safety => given - 1,
        given => given,
    }
}

impl Levels {
    fn of(m: &[u8; 32]) -> Levels {
        Levels {
            av: effective(m, AV, MAV),
            ac: effective(m, AC, MAC),
            at: effective(m, AT, MAT),
            pr: effective(m, PR, MPR),
            ui: effective(m, UI, MUI),
            vc: effective(m, VC, MVC),
            vi: effective(m, VI, MVI),
            va: effective(m, VA, MVA),
            sc: subsequent(m, SC, MSC, false),
            si: subsequent(m, SI, MSI, true),
            sa: subsequent(m, SA, MSA, true),
            cr: defaulting_to_highest(m[CR]),
            ir: defaulting_to_highest(m[IR]),
            ar: defaulting_to_highest(m[AR]),
            e: defaulting_to_highest(m[E]),
        }
    }
}

/// Parses the metrics after the `CVSS:4.0/` prefix and computes the score.
pub(super) fn score(body: &str) -> Result<Tenths, String> {
    let m = parse_metrics(body, &DEFS, "v4.0", "")?;
    Ok(Tenths {
        base: score_levels(&Levels::of(&m)),
        temporal: None,
        environmental: None,
    })
}

fn macro_index(eq: [u8; 6]) -> usize {
    let [eq1, eq2, eq3, eq4, eq5, eq6] = eq.map(usize::from);
    ((((eq1 * 2 + eq2) * 3 + eq3) * 3 + eq4) * 3 + eq5) * 2 + eq6
}

/// The macro vector's score in tenths, or `None` where the table has no such macro vector.
fn macro_score(eq: [u8; 6]) -> Option<i64> {
    if eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1 {
        return None;
    }
    match MACRO_SCORES.get(macro_index(eq)) {
        Some(&score) if score != NA => Some(i64::from(score)),
        _ => None,
    }
}

/// Sum of the level differences between the vector and the first highest-severity vector
/// of the class that it does not exceed in severity anywhere (every difference ≥ 0). If no
/// such vector exists (not the case for the published data), the last one is used.
fn severity_distance<const K: usize>(current: [u8; K], maxes: &[[u8; K]]) -> i64 {
    let distance = |max: &[u8; K]| -> Option<i64> {
        let mut sum = 0;
        for (c, m) in current.iter().zip(max.iter()) {
            let d = i64::from(*c) - i64::from(*m);
            if d < 0 {
                return None;
            }
            sum += d;
        }
        Some(sum)
    };
    if let Some(found) = maxes.iter().find_map(distance) {
        return found;
    }
    maxes.last().map_or(0, |max| {
        current
            .iter()
            .zip(max.iter())
            .map(|(c, m)| i64::from(*c) - i64::from(*m))
            .sum()
    })
}

fn score_levels(l: &Levels) -> u8 {
    // No impact on either system: 0.0.
    if l.vc == 2 && l.vi == 2 && l.va == 2 && l.sc == 3 && l.si == 3 && l.sa == 3 {
        return 0;
    }

    let eq1 = if l.av == 0 && l.pr == 0 && l.ui == 0 {
        0
    } else if (l.av == 0 || l.pr == 0 || l.ui == 0) && l.av != 3 {
        1
    } else {
        2
    };
    let eq2 = if l.ac == 0 && l.at == 0 { 0 } else { 1 };
    let eq3 = if l.vc == 0 && l.vi == 0 {
        0
    } else if l.vc == 0 || l.vi == 0 || l.va == 0 {
        1
    } else {
        2
    };
    let eq4 = if l.si == 0 || l.sa == 0 {
        0
    } else if l.sc == 1 || l.si == 1 || l.sa == 1 {
        1
    } else {
        2
    };
    let eq5 = l.e.min(2);
    let eq6 = if (l.cr == 0 && l.vc == 0) || (l.ir == 0 && l.vi == 0) || (l.ar == 0 && l.va == 0) {
        0
    } else {
        1
    };
    let eq = [eq1, eq2, eq3, eq4, eq5, eq6];
    let Some(value) = macro_score(eq) else {
        return 0;
    };

    // Next lower macro vectors. EQ3 and EQ6 move together: 00 has two lower neighbours
    // (01 and 10), of which the higher-scoring one counts; 01 → 11, 10 → 11, 11 → 21.
    let lower = |eq_index: usize| {
        let mut next = eq;
        next[eq_index] += 1;
        macro_score(next)
    };
    let lower_eq3_eq6 = match (eq3, eq6) {
        (0, 0) => match (lower(5), lower(2)) {
            (Some(left), Some(right)) => Some(left.max(right)),
            (left, right) => left.or(right),
        },
        (1, 0) => lower(5),
        (_, 1) => lower(2),
        _ => None,
    };

    let eq3_eq6_class = usize::from(eq3) * 2 + usize::from(eq6);
    let eq1_distance = severity_distance(
        [l.av, l.pr, l.ui],
        EQ1_MAX.get(usize::from(eq1)).copied().unwrap_or(&[]),
    );
    let eq2_distance = severity_distance(
        [l.ac, l.at],
        EQ2_MAX.get(usize::from(eq2)).copied().unwrap_or(&[]),
    );
    let eq3_eq6_distance = severity_distance(
        [l.vc, l.vi, l.va, l.cr, l.ir, l.ar],
        EQ3_EQ6_MAX.get(eq3_eq6_class).copied().unwrap_or(&[]),
    );
    let eq4_distance = severity_distance(
        [l.sc, l.si, l.sa],
        EQ4_MAX.get(usize::from(eq4)).copied().unwrap_or(&[]),
    );

    // (lower macro score, severity distance, class depth) for each class.
    let parts = [
        (lower(0), eq1_distance, EQ1_DEPTH.get(usize::from(eq1))),
        (lower(1), eq2_distance, EQ2_DEPTH.get(usize::from(eq2))),
        (
            lower_eq3_eq6,
            eq3_eq6_distance,
            EQ3_EQ6_DEPTH.get(eq3_eq6_class),
        ),
        (lower(3), eq4_distance, EQ4_DEPTH.get(usize::from(eq4))),
        // EQ5's severity distance is always 0, but its lower macro vector still counts.
        (lower(4), 0, Some(&1)),
    ];

    // Every depth divides 840, so Σ available × distance / depth is a whole number of
    // 1/840 tenths.
    const COMMON: i64 = 840;
    let mut numerator = 0i64;
    let mut existing = 0i64;
    for (lower_score, distance, depth) in parts {
        let Some(lower_score) = lower_score else {
            continue;
        };
        existing += 1;
        let depth = depth.copied().map_or(0, i64::from);
        if depth > 0 {
            numerator += (value - lower_score) * distance * (COMMON / depth);
        }
    }
    if existing == 0 {
        return u8::try_from(value.clamp(0, 100)).unwrap_or(0);
    }
    // score = value − numerator / (COMMON × existing), rounded half up.
    let denominator = COMMON * existing;
    let exact = value * denominator - numerator;
    let rounded = (2 * exact + denominator).div_euclid(2 * denominator);
    u8::try_from(rounded.clamp(0, 100)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(body: &str) -> u8 {
        score(body).unwrap_or_else(|e| panic!("{body}: {e}")).base
    }

    #[test]
    fn highest_macro_vectors_score_their_table_value() {
        assert_eq!(
            base("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"),
            100
        );
        assert_eq!(
            base("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            93
        );
    }

    #[test]
    fn x_values_equal_their_defaults() {
        let plain = base("AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N");
        let with_x = base(
            "AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MSI:X/U:X",
        );
        let with_defaults = base(
            "AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:A/CR:H/IR:H/AR:H/MAV:N/MSI:N",
        );
        assert_eq!(plain, 69);
        assert_eq!(with_x, plain);
        assert_eq!(with_defaults, plain);
    }

    #[test]
    fn modified_metrics_override_base() {
        // MSI:S puts the vector in EQ4 class 0 (safety impact).
        let safety = base("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S");
        assert_eq!(safety, 100);
        // Modifying every impact to None gives 0.0.
        let none = base(
            "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N",
        );
        assert_eq!(none, 0);
    }

    #[test]
    fn supplemental_metrics_do_not_change_the_score() {
        let plain = base("AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:H/VA:N/SC:L/SI:N/SA:H");
        let with = base(
            "AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:H/VA:N/SC:L/SI:N/SA:H/S:P/AU:Y/R:I/V:C/RE:H/U:Red",
        );
        assert_eq!(plain, with);
    }
}
