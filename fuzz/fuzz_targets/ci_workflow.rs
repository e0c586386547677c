#![no_main]
//! CI audits: never panic on any text, as a workflow, an action or GitLab CI; findings are
//! sorted and positioned; SARIF output is produced for any report.
use libfuzzer_sys::fuzz_target;
use safeguard_source::ci_audit::{Report, audit_file, sarif};

const PATHS: &[&str] = &[
    ".github/workflows/fuzz.yml",
    "action.yml",
    ".gitlab-ci.yml",
    "ci/unknown.yml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let path = PATHS[usize::from(selector) % PATHS.len()];
    let (findings, error) = audit_file(path, text);
    if let Some(e) = &error {
        assert!(findings.is_empty());
        assert!(e.line >= 1 && e.column >= 1);
        assert!(!e.message.is_empty());
    }
    for f in &findings {
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        assert!(!f.message.is_empty() && !f.fix.is_empty());
    }
    assert!(findings.windows(2).all(|w| {
        (&w[0].file, w[0].line, w[0].column, w[0].audit)
            <= (&w[1].file, w[1].line, w[1].column, w[1].audit)
    }));
    let report = Report {
        findings,
        errors: error.into_iter().collect(),
        ..Report::default()
    };
    let doc = sarif(&report, "0.0.0");
    assert_eq!(doc["version"], "2.1.0");
});
