#![no_main]
//! VEX reading (OpenVEX, in-toto, CycloneDX): a document or a located error, never a panic;
//! applying what was read never panics either.
use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::finding::{AffectedComponent, Finding, Severity, SeveritySource};
use safeguard_vulndb::vex;

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
        aliases: vec![id.to_ascii_lowercase()],
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
    match vex::read("vex.json", data) {
        Ok(doc) => {
            // One finding per (statement, product): each names what its statement is about.
            let mut findings = Vec::new();
            for st in &doc.statements {
                assert!(!st.vulnerability.trim().is_empty());
                assert!(!st.products.is_empty());
                for p in &st.products {
                    findings.push(finding(&st.vulnerability, &p.id));
                }
            }
            let n = vex::apply(&doc, &mut findings);
            assert!(n <= findings.len());
            assert_eq!(
                n,
                findings.iter().filter(|f| f.suppressed.is_some()).count()
            );
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            if let Some(l) = e.line {
                assert!(l >= 1);
                assert!(e.column.is_some_and(|c| c >= 1));
            }
        }
    }
});
