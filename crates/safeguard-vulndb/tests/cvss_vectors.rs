//! Conformance of `safeguard_vulndb::cvss` against the Red Hat `cvss` library's test vectors
//! (read in place from the shared test-data folder).
//!
//! Line formats:
//! - v2 / v3 files: `VECTOR - (base, temporal, environmental)`, with `None` where the
//!   library gives no score (v2 without such metrics); v2 files may show `-0.0` or integers.
//! - v4 files: `VECTOR - (score,)` or `VECTOR - score`.
//!
//! The v3 files give temporal and environmental scores for every vector, also those without
//! such metrics (the specification's equations with every such metric not defined). Our API
//! returns `None` for a vector without temporal (environmental) metrics, so for those the
//! vector is scored again with `E:X` (`CR:X`) appended, which states the same thing
//! explicitly.
//!
//! Every mismatch fails the test. Set `UPDATE_CONFORMANCE=1` to write the summary table to
//! `docs/cvss-conformance.generated.md`.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use safeguard_vulndb::cvss::{Cvss, CvssVersion};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/cvss-vectors/tests"
);

const FILES: [&str; 11] = [
    "vectors_simple2",
    "vectors_calculator2",
    "vectors_cvsslib2",
    "vectors_simple3",
    "vectors_calculator3",
    "vectors_cvsslib3",
    "vectors_simple31",
    "vectors_simple4",
    "vectors_security4",
    "vectors_threat4",
    "vectors_supplemental4",
];

/// Pass / total for one kind of score.
#[derive(Default, Clone, Copy)]
struct Count {
    pass: usize,
    total: usize,
}

impl Count {
    fn record(&mut self, ok: bool) {
        self.total += 1;
        if ok {
            self.pass += 1;
        }
    }

    fn cell(&self) -> String {
        if self.total == 0 {
            "–".to_owned()
        } else {
            format!("{}/{}", self.pass, self.total)
        }
    }
}

struct FileResult {
    name: &'static str,
    prefixes: BTreeSet<String>,
    base: Count,
    temporal: Count,
    environmental: Count,
}

struct Expected {
    base: f64,
    temporal: Option<f64>,
    environmental: Option<f64>,
}

fn tenths(score: f64) -> i64 {
    (score * 10.0).round() as i64
}

fn number(text: &str, line: &str) -> Option<f64> {
    let text = text.trim();
    if text == "None" {
        return None;
    }
    match text.parse::<f64>() {
        Ok(value) => Some(value),
        Err(e) => panic!("bad number {text:?} in line {line:?}: {e}"),
    }
}

fn parse_line(line: &str) -> (&str, Expected) {
    let (vector, scores) = line
        .rsplit_once(" - ")
        .unwrap_or_else(|| panic!("line without \" - \": {line:?}"));
    let scores = scores.trim();
    let inner = scores
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(scores);
    let mut parts = inner.split(',').filter(|p| !p.trim().is_empty());
    let base = parts
        .next()
        .and_then(|p| number(p, line))
        .unwrap_or_else(|| panic!("no base score in line {line:?}"));
    let temporal = parts.next().and_then(|p| number(p, line));
    let environmental = parts.next().and_then(|p| number(p, line));
    assert!(parts.next().is_none(), "more than three scores: {line:?}");
    (
        vector.trim(),
        Expected {
            base,
            temporal,
            environmental,
        },
    )
}

fn prefix_of(vector: &str) -> String {
    match vector.split('/').next() {
        Some(first) if first.starts_with("CVSS:") => first.to_owned(),
        _ => "none (v2)".to_owned(),
    }
}

/// The score a v3 vector would have with `extra` (an explicitly not-defined metric)
/// appended, when `given` is `None`.
fn filled(
    given: Option<f64>,
    parsed: &Cvss,
    extra: &str,
    pick: fn(&Cvss) -> Option<f64>,
) -> Option<f64> {
    if given.is_some() || !matches!(parsed.version, CvssVersion::V3_0 | CvssVersion::V3_1) {
        return given;
    }
    let vector = format!("{}/{extra}", parsed.vector());
    let reparsed = Cvss::parse(&vector).unwrap_or_else(|e| panic!("{e}"));
    pick(&reparsed)
}

#[test]
fn conformance_with_published_vectors() {
    let mut results = Vec::new();
    let mut mismatches = Vec::new();
    for name in FILES {
        let path = format!("{DIR}/{name}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut result = FileResult {
            name,
            prefixes: BTreeSet::new(),
            base: Count::default(),
            temporal: Count::default(),
            environmental: Count::default(),
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (vector, expected) = parse_line(line);
            result.prefixes.insert(prefix_of(vector));
            let parsed = match Cvss::parse(vector) {
                Ok(parsed) => parsed,
                Err(e) => {
                    result.base.record(false);
                    mismatches.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let base = parsed.base_score();
            let ok = tenths(base) == tenths(expected.base);
            result.base.record(ok);
            if !ok {
                mismatches.push(format!(
                    "{name}: {vector}: base {base}, expected {}",
                    expected.base
                ));
            }
            // Both Option<f64>: `None` must match `None`, only given values are counted.
            let temporal = filled(
                parsed.temporal_score(),
                &parsed,
                "E:X",
                Cvss::temporal_score,
            );
            let environmental = filled(
                parsed.environmental_score(),
                &parsed,
                "CR:X",
                Cvss::environmental_score,
            );
            for (kind, got, want, count) in [
                (
                    "temporal",
                    temporal,
                    expected.temporal,
                    &mut result.temporal,
                ),
                (
                    "environmental",
                    environmental,
                    expected.environmental,
                    &mut result.environmental,
                ),
            ] {
                let ok = got.map(tenths) == want.map(tenths);
                if want.is_some() {
                    count.record(ok);
                }
                if !ok {
                    mismatches.push(format!(
                        "{name}: {vector}: {kind} {got:?}, expected {want:?}"
                    ));
                }
            }
        }
        results.push(result);
    }

    let mut table = String::from(
        "# CVSS conformance\n\n\
         Generated by `crates/safeguard-vulndb/tests/cvss_vectors.rs` from the Red Hat `cvss` \
         library's test vectors. Temporal and environmental counts cover the vectors whose \
         expected score is given; for a v3 vector without temporal (environmental) metrics the \
         score compared is that of the vector with `E:X` (`CR:X`) appended.\n\n\
         | File | Prefix | Base | Temporal | Environmental |\n\
         |---|---|---|---|---|\n",
    );
    let mut total = Count::default();
    for r in &results {
        let prefixes: Vec<&str> = r.prefixes.iter().map(String::as_str).collect();
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} |",
            r.name,
            prefixes.join(", "),
            r.base.cell(),
            r.temporal.cell(),
            r.environmental.cell()
        );
        total.pass += r.base.pass;
        total.total += r.base.total;
    }
    let temporal_total = results.iter().fold(Count::default(), |a, r| Count {
        pass: a.pass + r.temporal.pass,
        total: a.total + r.temporal.total,
    });
    let environmental_total = results.iter().fold(Count::default(), |a, r| Count {
        pass: a.pass + r.environmental.pass,
        total: a.total + r.environmental.total,
    });
    let _ = writeln!(
        table,
        "| **all** | | **{}** | **{}** | **{}** |",
        total.cell(),
        temporal_total.cell(),
        environmental_total.cell()
    );
    println!("{table}");

    common::check_doc_section(
        "cvss",
        &format!(
            "## CVSS scores\n\n{}",
            table.trim_start_matches("# CVSS conformance\n\n")
        ),
    );

    // The data set is what we think it is: a silent empty read must not pass.
    assert!(total.total > 7000, "only {} vectors read", total.total);
    assert!(temporal_total.total > 5000 && environmental_total.total > 5000);
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn line_formats_are_read() {
    let (v, e) = parse_line("AV:L/AC:H/Au:M/C:N/I:N/A:N - (-0.0, None, None)");
    assert_eq!(v, "AV:L/AC:H/Au:M/C:N/I:N/A:N");
    assert_eq!(
        (tenths(e.base), e.temporal, e.environmental),
        (0, None, None)
    );
    let (_, e) = parse_line("AV:N/AC:M/Au:M/C:C/I:N/A:P/RL:W - (6.4, 5.5, 4)");
    assert_eq!(
        (e.base, e.temporal, e.environmental),
        (6.4, Some(5.5), Some(4.0))
    );
    let (v, e) =
        parse_line("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L - (9.2,)");
    assert!(v.ends_with("SA:L"));
    assert_eq!((e.base, e.temporal), (9.2, None));
    let (_, e) =
        parse_line("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A - 0.0");
    assert_eq!(e.base, 0.0);
}
