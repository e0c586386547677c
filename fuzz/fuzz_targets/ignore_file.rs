#![no_main]
//! The ignore file: any input is read or fails with a line and column inside the text, never
//! a panic; every entry read has an id, a reason and an expiry, and applying it never panics.
use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::finding::{AffectedComponent, Finding, Severity, SeveritySource};
use safeguard_vulndb::ignore;

fn finding(id: &str, purl: &str) -> Finding {
    Finding {
        component: AffectedComponent {
            ecosystem: String::new(),
            name: String::new(),
            version: String::new(),
            purl: purl.to_string(),
            file: None,
            line: None,
            relationship: "unknown".into(),
            introduced_by: Vec::new(),
        },
        id: id.to_string(),
        aliases: Vec::new(),
        summary: None,
        severity: Severity {
            rating: None,
            score: None,
            vector: None,
            cvss_version: None,
            source: SeveritySource::Unknown,
        },
        fixed_versions: Vec::new(),
        upgrade_to: None,
        references: Vec::new(),
        published: None,
        modified: time::OffsetDateTime::UNIX_EPOCH,
        informational: None,
        suppressed: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    match ignore::read(".safeguard-ignore.toml", data) {
        Ok(file) => {
            let mut findings = Vec::new();
            for e in &file.entries {
                assert!(!e.id.trim().is_empty());
                assert!(!e.reason.trim().is_empty());
                assert!(e.line >= 1 && e.line <= lines);
                assert_eq!(e.purl.is_some(), e.package.is_some());
                findings.push(finding(
                    &e.id,
                    e.purl.as_deref().unwrap_or("pkg:generic/x@1"),
                ));
            }
            let warnings = ignore::apply(&file, &mut findings, time::OffsetDateTime::UNIX_EPOCH);
            assert!(warnings.len() <= file.entries.len());
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "{e}");
            assert!(e.column >= 1, "{e}");
            assert!(!e.message.is_empty());
        }
    }
});
