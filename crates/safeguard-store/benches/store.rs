//! The store's hot paths: recording a large scan, re-recording one, verifying the trail.
//! `cargo bench -p safeguard-store`.

use safeguard_store::{OpenMode, ScanInput, Store};
use safeguard_vulndb::finding::Finding;
use time::macros::datetime;

fn main() {
    divan::main();
}

fn findings(n: usize, skip: usize) -> Vec<Finding> {
    (0..n)
        .filter(|k| *k != skip)
        .map(|k| {
            let rating = ["critical", "high", "medium", "low"][k % 4];
            serde_json::from_value(serde_json::json!({
                "component": {"ecosystem": "npm", "name": format!("p{k}"), "version": "1.0.0",
                              "purl": format!("pkg:npm/p{k}@1.0.0"), "relationship": "direct"},
                "id": format!("GHSA-{k:05}"),
                "aliases": [format!("CVE-2025-{k:05}")],
                "summary": "a flaw",
                "severity": {"rating": rating, "score": 7.5, "source": "cvss"},
                "fixed_versions": ["1.0.1"],
                "modified": "2025-01-02T00:00:00Z",
            }))
            .expect("a finding")
        })
        .collect()
}

fn input(findings: Vec<Finding>, digest: &str) -> ScanInput {
    ScanInput {
        product: "bench".into(),
        product_version: None,
        target: "repo".into(),
        scanned_at: datetime!(2025-03-01 00:00 UTC),
        db_newest: None,
        components: findings.len() as u64,
        findings,
        digest: digest.into(),
        complete: true,
    }
}

/// A fresh store, one scan of 2,000 findings: 2,000 tickets and 2,001 audit entries.
#[divan::bench(sample_count = 10)]
fn record_new_2000(b: divan::Bencher) {
    let scan = input(findings(2000, usize::MAX), "a");
    b.with_inputs(|| tempfile::tempdir().expect("tmp"))
        .bench_local_refs(|dir| {
            let mut s = Store::open(&dir.path().join("s.db"), OpenMode::Create).expect("open");
            s.record_scan(&scan, "bench", datetime!(2025-03-01 00:00 UTC))
                .expect("record")
        });
}

/// A store holding 2,000 tickets, a new scan with one finding gone: 1,999 refreshed, 1 fixed.
#[divan::bench(sample_count = 10)]
fn record_again_2000(b: divan::Bencher) {
    let first = input(findings(2000, usize::MAX), "a");
    let second = input(findings(2000, 7), "b");
    b.with_inputs(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open(&dir.path().join("s.db"), OpenMode::Create).expect("open");
        s.record_scan(&first, "bench", datetime!(2025-03-01 00:00 UTC))
            .expect("record");
        (dir, s)
    })
    .bench_local_refs(|(_, s)| {
        s.record_scan(&second, "bench", datetime!(2025-03-02 00:00 UTC))
            .expect("record")
    });
}

/// Verify a trail of 2,001 entries against 2,000 tickets.
#[divan::bench(sample_count = 10)]
fn verify_2000(b: divan::Bencher) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&dir.path().join("s.db"), OpenMode::Create).expect("open");
    s.record_scan(
        &input(findings(2000, usize::MAX), "a"),
        "bench",
        datetime!(2025-03-01 00:00 UTC),
    )
    .expect("record");
    b.bench_local(|| {
        let r = s.verify().expect("verify");
        assert!(r.ok());
        r
    });
}
