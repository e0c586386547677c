#![no_main]
//! A scan report from arbitrary JSON recorded twice into a fresh store: never panics, the
//! second recording of the same report is a no-op, and the audit trail always verifies.
use libfuzzer_sys::fuzz_target;
use safeguard_store::{OpenMode, ScanInput, Store};
use safeguard_vulndb::finding::ScanReport;

fuzz_target!(|data: &[u8]| {
    let Ok(report) = serde_json::from_slice::<ScanReport>(data) else { return };
    let Ok(dir) = tempfile::tempdir() else { return };
    let mut store = Store::open(&dir.path().join("store.db"), OpenMode::Create).expect("a new store opens");
    let input = ScanInput {
        product: "fuzz".into(),
        product_version: None,
        target: report.target.clone(),
        scanned_at: report.scanned_at,
        db_newest: report.db.newest_modified,
        components: report.components,
        findings: report.findings.clone(),
        digest: format!("{:x}", data.len()),
        complete: true,
    };
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let first = store.record_scan(&input, "fuzz", now).expect("recording succeeds");
    let second = store.record_scan(&input, "fuzz", now).expect("recording succeeds");
    assert_eq!(second.already_recorded, Some(first.scan_id));
    let r = store.verify().expect("verify runs");
    assert!(r.ok(), "{r:?}");
});
