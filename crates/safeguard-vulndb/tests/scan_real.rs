//! The RustSec advisories (OSV branch) against the bigrust benchmark lockfile: the same
//! findings as cargo-audit on the same snapshot (native branch). cargo-audit 0.22.2 reported,
//! with `--db ../shared/testdata/rustsec-advisory-db --no-fetch --stale`, 28 vulnerabilities and
//! 6 "unmaintained" warnings: the 34 pairs below.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use safeguard_inventory::{Input, extractor};
use safeguard_vulndb::db::{self, ImportOptions};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

const CARGO_AUDIT_VULNERABILITIES: &[(&str, &str, &str)] = &[
    ("RUSTSEC-2025-0140", "gix-date", "0.9.4"),
    ("RUSTSEC-2025-0021", "gix-features", "0.39.1"),
    ("RUSTSEC-2025-0001", "gix-worktree-state", "0.15.0"),
    ("RUSTSEC-2026-0258", "h2", "0.3.27"),
    ("RUSTSEC-2023-0071", "rsa", "0.9.10"),
    ("RUSTSEC-2026-0099", "rustls-webpki", "0.101.7"),
    ("RUSTSEC-2026-0104", "rustls-webpki", "0.101.7"),
    ("RUSTSEC-2026-0098", "rustls-webpki", "0.101.7"),
    ("RUSTSEC-2026-0099", "rustls-webpki", "0.102.8"),
    ("RUSTSEC-2026-0104", "rustls-webpki", "0.102.8"),
    ("RUSTSEC-2026-0098", "rustls-webpki", "0.102.8"),
    ("RUSTSEC-2026-0049", "rustls-webpki", "0.102.8"),
    ("RUSTSEC-2026-0222", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0094", "wasmtime", "27.0.0"),
    ("RUSTSEC-2025-0046", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0021", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0091", "wasmtime", "27.0.0"),
    ("RUSTSEC-2025-0118", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0092", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0095", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0087", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0020", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0093", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0096", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0085", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0088", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0086", "wasmtime", "27.0.0"),
    ("RUSTSEC-2026-0089", "wasmtime", "27.0.0"),
];

const CARGO_AUDIT_UNMAINTAINED: &[(&str, &str, &str)] = &[
    ("RUSTSEC-2025-0057", "fxhash", "0.2.1"),
    ("RUSTSEC-2024-0384", "instant", "0.1.13"),
    ("RUSTSEC-2024-0436", "paste", "1.0.15"),
    ("RUSTSEC-2024-0370", "proc-macro-error", "1.0.4"),
    ("RUSTSEC-2025-0134", "rustls-pemfile", "1.0.4"),
    ("RUSTSEC-2026-0215", "smallstr", "0.3.1"),
];

#[test]
fn bigrust_findings_equal_cargo_audits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("osv.db");
    db::import(
        &path,
        &[shared("testdata/rustsec-advisory-db-osv/crates")],
        ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let database = db::open(&path).unwrap();
    let lock = std::fs::read(shared("bench/inputs/bigrust/Cargo.lock")).unwrap();
    let components = extractor::by_id("rust/cargolock")
        .unwrap()
        .extract(&Input::in_memory("Cargo.lock", &lock))
        .unwrap();
    let report = safeguard_vulndb::scan::scan(&database, &components, "bigrust", "test").unwrap();

    let ours: BTreeSet<(String, String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.component.name.clone(),
                f.component.version.clone(),
            )
        })
        .collect();
    let theirs: BTreeSet<(String, String, String)> = CARGO_AUDIT_VULNERABILITIES
        .iter()
        .chain(CARGO_AUDIT_UNMAINTAINED)
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(ours, theirs);

    let unmaintained: BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.informational.as_deref() == Some("unmaintained"))
        .map(|f| f.id.as_str())
        .collect();
    let expected: BTreeSet<&str> = CARGO_AUDIT_UNMAINTAINED.iter().map(|t| t.0).collect();
    assert_eq!(
        unmaintained, expected,
        "cargo-audit's warnings are our informational findings"
    );

    // A vulnerability with a CVSS vector gets its score; wasmtime's fix is an upgrade.
    let rsa = report
        .findings
        .iter()
        .find(|f| f.id == "RUSTSEC-2023-0071")
        .unwrap();
    assert_eq!(
        rsa.severity.rating,
        Some(safeguard_vulndb::cvss::Rating::Medium)
    );
    assert_eq!(
        rsa.upgrade_to, None,
        "the Marvin attack has no fixed rsa release in this snapshot"
    );
    let h2 = report
        .findings
        .iter()
        .find(|f| f.id == "RUSTSEC-2026-0258")
        .unwrap();
    assert!(h2.upgrade_to.is_some(), "{h2:?}");
}
