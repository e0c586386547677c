#![no_main]
//! CVSS vector parsing and scoring: never panics on any text, and every score of a vector
//! that parses lies within 0.0–10.0 with at most one decimal.
use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::cvss::{Cvss, Rating};

fn check(score: f64) {
    assert!((0.0..=10.0).contains(&score), "score {score} out of range");
    let tenths = score * 10.0;
    assert!(
        (tenths - tenths.round()).abs() < 1e-9,
        "score {score} has more than one decimal"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Cvss::parse(text) {
        Ok(cvss) => {
            let base = cvss.base_score();
            check(base);
            assert_eq!(cvss.rating(), Rating::from_score(cvss.version, base));
            assert_eq!(cvss.vector(), text);
            if let Some(t) = cvss.temporal_score() {
                check(t);
            }
            if let Some(e) = cvss.environmental_score() {
                check(e);
            }
        }
        Err(e) => {
            assert!(!e.reason.is_empty());
            assert_eq!(e.vector, text);
        }
    }
});
