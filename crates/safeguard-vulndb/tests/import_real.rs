//! Imports the real advisory databases under `../shared/testdata` and checks what was rejected.

use std::path::PathBuf;

use safeguard_vulndb::db::{self, ImportOptions};

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata"
    ))
    .join(rel)
}

#[test]
fn real_databases_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("osv.db");
    let sets = [
        ("RustSec (OSV)", "rustsec-advisory-db-osv/crates"),
        ("Go vulndb", "golang-vulndb/data/osv"),
        ("PyPA (YAML)", "pypa-advisory-database/vulns"),
        ("GHSA sample", "ghsa-sample/advisories"),
    ];
    println!("| data | records read | imported | rejected |");
    println!("|---|---|---|---|");
    let mut rejected = Vec::new();
    for (label, rel) in sets {
        let report = db::import(
            &path,
            &[testdata(rel)],
            ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        assert!(
            report.source_errors.is_empty(),
            "{label}: {:?}",
            report.source_errors
        );
        println!(
            "| {label} | {} | {} | {} |",
            report.read,
            report.added + report.updated,
            report.rejected.len()
        );
        for r in &report.rejected {
            println!(
                "    rejected {} ({}): {}",
                r.origin,
                r.id.as_deref().unwrap_or("?"),
                r.reason
            );
        }
        rejected.extend(
            report
                .rejected
                .iter()
                .map(|r| (r.id.clone().unwrap_or_default(), r.reason.clone())),
        );
        assert!(report.read > 0, "{label}: nothing read");
    }
    let database = db::open(&path).unwrap();
    let stats = database.stats().unwrap();
    println!("{stats:#?}");
    // Seven PyPA records break the schema: their GIT `fixed` events are abbreviated commits or
    // carry a `.patch` suffix. The official schema rejects the same seven (tests/osv_schema.rs).
    let mut ids: Vec<&str> = rejected.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "PYSEC-2017-27",
            "PYSEC-2019-155",
            "PYSEC-2021-371",
            "PYSEC-2021-424",
            "PYSEC-2021-425",
            "PYSEC-2021-436",
            "PYSEC-2023-80"
        ]
    );
    assert!(
        rejected
            .iter()
            .all(|(_, reason)| reason.contains("not a full-length commit hash"))
    );
    assert_eq!(stats.ecosystems["crates.io"].records, 1206);
    assert_eq!(stats.ecosystems["PyPI"].records, 2654);
    assert_eq!(stats.records, 1206 + 4291 + 2654 + 4);
}
