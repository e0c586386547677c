//! The database file: incremental imports, withdrawn records, bad input beside good input, and
//! damage detection and repair.

use std::path::{Path, PathBuf};

use safeguard_vulndb::db::{self, DbError, ImportOptions};
use safeguard_vulndb::store::StoreError;

fn record(id: &str, modified: &str, package: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"{modified}","summary":"s {modified}","affected":[{{"package":{{"ecosystem":"PyPI","name":"{package}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"2.0"}}]}}]}}]{extra}}}"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn import(db: &Path, inputs: &[PathBuf]) -> db::ImportReport {
    db::import(db, inputs, ImportOptions::default(), &mut |_| {}).unwrap()
}

fn summary_of(db: &Path, id: &str) -> String {
    let d = db::open(db).unwrap();
    let i = d.find_id(id).unwrap();
    let r = safeguard_vulndb::osv::Record::from_json(d.record_json(i).unwrap()).unwrap();
    r.summary.unwrap()
}

#[test]
fn updates_are_incremental_by_modified() {
    let dir = tempfile::tempdir().unwrap();
    let dbp = dir.path().join("db/osv.db");
    let a = write(
        dir.path(),
        "in1/a.json",
        &record("PYSEC-1", "2024-01-01T00:00:00Z", "Requests", ""),
    );
    let b = write(
        dir.path(),
        "in1/b.json",
        &record("PYSEC-2", "2024-01-01T00:00:00Z", "flask", ""),
    );
    let r = import(&dbp, &[a, b]);
    assert_eq!((r.read, r.added, r.updated, r.unchanged), (2, 2, 0, 0));

    // A newer copy replaces; an older one is ignored; a new id is added; the rest is kept.
    let newer = write(
        dir.path(),
        "in2/a.json",
        &record("PYSEC-1", "2024-02-01T00:00:00Z", "requests", ""),
    );
    let older = write(
        dir.path(),
        "in2/b.json",
        &record("PYSEC-2", "2023-01-01T00:00:00Z", "flask", ""),
    );
    let new = write(
        dir.path(),
        "in2/c.yaml",
        "id: PYSEC-3\nmodified: 2024-03-01T00:00:00Z\naffected:\n  - package: {ecosystem: PyPI, name: Django}\n    versions: ['1.0']\n",
    );
    let r = import(&dbp, &[newer, older, new]);
    assert_eq!(
        (r.read, r.added, r.updated, r.unchanged),
        (3, 1, 1, 1),
        "{r:?}"
    );
    assert_eq!(r.stats.records, 3);
    assert_eq!(summary_of(&dbp, "PYSEC-1"), "s 2024-02-01T00:00:00Z");
    assert_eq!(summary_of(&dbp, "PYSEC-2"), "s 2024-01-01T00:00:00Z");

    let d = db::open(&dbp).unwrap();
    // PyPI names are looked up PEP 503-normalised.
    assert_eq!(d.lookup("PyPI", "REQUESTS").unwrap().len(), 1);
    assert_eq!(
        d.lookup("PyPI", "django")
            .unwrap()
            .get(0)
            .unwrap()
            .affected
            .versions,
        vec!["1.0"]
    );
    assert!(d.lookup("npm", "requests").unwrap().is_empty());
    let stats = d.stats().unwrap();
    assert_eq!(stats.ecosystems["PyPI"].records, 3);
    assert_eq!(
        stats.newest_modified,
        safeguard_vulndb::osv::Timestamp::parse("2024-03-01T00:00:00Z").map(|t| t.0)
    );
}

#[test]
fn withdrawn_records_are_kept_but_never_matched() {
    let dir = tempfile::tempdir().unwrap();
    let dbp = dir.path().join("osv.db");
    let a = write(
        dir.path(),
        "a.json",
        &record("PYSEC-1", "2024-01-01T00:00:00Z", "requests", ""),
    );
    import(&dbp, &[a]);
    assert_eq!(
        db::open(&dbp)
            .unwrap()
            .lookup("PyPI", "requests")
            .unwrap()
            .len(),
        1
    );
    let w = write(
        dir.path(),
        "w.json",
        &record(
            "PYSEC-1",
            "2024-05-01T00:00:00Z",
            "requests",
            r#","withdrawn":"2024-05-01T00:00:00Z""#,
        ),
    );
    let r = import(&dbp, &[w]);
    assert_eq!(r.updated, 1);
    assert_eq!(r.stats.withdrawn, 1);
    let d = db::open(&dbp).unwrap();
    assert!(d.lookup("PyPI", "requests").unwrap().is_empty());
    // The older, unwithdrawn copy cannot bring it back.
    let a = write(
        dir.path(),
        "a2.json",
        &record("PYSEC-1", "2024-01-01T00:00:00Z", "requests", ""),
    );
    let r = import(&dbp, &[a]);
    assert_eq!(r.unchanged, 1);
    assert!(
        db::open(&dbp)
            .unwrap()
            .lookup("PyPI", "requests")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_broken_record_is_reported_and_the_rest_import() {
    let dir = tempfile::tempdir().unwrap();
    let dbp = dir.path().join("osv.db");
    let good = record("PYSEC-1", "2024-01-01T00:00:00Z", "requests", "");
    let bad_range = r#"{"id":"PYSEC-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1.0"}]}]}]}"#;
    let nd = write(
        dir.path(),
        "all.ndjson",
        &format!("{good}\n{bad_range}\n{{\"id\": \n"),
    );
    let r = import(&dbp, &[nd, dir.path().join("missing.json")]);
    assert_eq!(r.added, 1);
    assert_eq!(r.rejected.len(), 2, "{:?}", r.rejected);
    assert_eq!(r.rejected[0].id.as_deref(), Some("PYSEC-2"));
    assert!(
        r.rejected[0].origin.ends_with("all.ndjson:2"),
        "{}",
        r.rejected[0].origin
    );
    assert!(
        r.rejected[0]
            .reason
            .contains("affected[0].ranges[0].events")
            && r.rejected[0].reason.contains("introduced")
    );
    assert!(r.rejected[1].origin.ends_with("all.ndjson:3"));
    assert!(
        r.rejected[1].reason.starts_with("1:"),
        "syntax errors give line:column: {}",
        r.rejected[1].reason
    );
    assert_eq!(r.source_errors.len(), 1);
    assert!(
        r.source_errors[0].contains("missing.json") && r.source_errors[0].contains("no such file")
    );
}

#[test]
fn a_zip_export_imports_and_a_truncated_one_is_an_error_that_keeps_the_database() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let dbp = dir.path().join("osv.db");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..50 {
        w.start_file(format!("PYSEC-{i}.json"), opts).unwrap();
        w.write_all(
            record(
                &format!("PYSEC-{i}"),
                "2024-01-01T00:00:00Z",
                &format!("p{i}"),
                "",
            )
            .as_bytes(),
        )
        .unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let good = write(dir.path(), "PyPI/all.zip", "");
    std::fs::write(&good, &zip).unwrap();
    let r = import(&dbp, std::slice::from_ref(&good));
    assert_eq!(r.added, 50);
    let truncated = dir.path().join("npm-all.zip");
    std::fs::write(&truncated, &zip[..zip.len() - 100]).unwrap();
    let r = import(&dbp, &[truncated]);
    assert_eq!(r.source_errors.len(), 1);
    assert!(
        r.source_errors[0].contains("npm-all.zip") && r.source_errors[0].contains("zip"),
        "{:?}",
        r.source_errors
    );
    assert_eq!(r.stats.records, 50, "nothing stored may be lost");
}

#[test]
fn a_corrupt_index_is_detected_and_import_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let dbp = dir.path().join("osv.db");
    let inputs: Vec<PathBuf> = (0..20)
        .map(|i| {
            write(
                dir.path(),
                &format!("in/{i}.json"),
                &record(
                    &format!("PYSEC-{i}"),
                    "2024-01-01T00:00:00Z",
                    &format!("pkg{i}"),
                    "",
                ),
            )
        })
        .collect();
    import(&dbp, &inputs);
    let mut bytes = std::fs::read(&dbp).unwrap();
    let n = bytes.len();
    // Flip a byte near the end: in the lookup sections.
    bytes[n - 40] ^= 0xff;
    std::fs::write(&dbp, &bytes).unwrap();
    match db::open(&dbp) {
        Err(DbError::Store(StoreError::Corrupt { what, .. })) => {
            assert!(what.contains("checksum"), "{what}")
        }
        other => panic!("corruption not detected: {:?}", other.map(|_| ())),
    }
    let msg = db::open(&dbp).err().unwrap().to_string();
    assert!(
        msg.contains("safeguard db import") && msg.contains("osv.db"),
        "{msg}"
    );

    let extra = write(
        dir.path(),
        "extra.json",
        &record("PYSEC-99", "2024-01-01T00:00:00Z", "extra", ""),
    );
    let r = import(&dbp, &[extra]);
    assert!(
        r.rebuilt
            .as_deref()
            .is_some_and(|s| s.contains("20 intact")),
        "{:?}",
        r.rebuilt
    );
    assert_eq!(r.stats.records, 21);
    let d = db::open(&dbp).unwrap();
    assert_eq!(d.lookup("PyPI", "pkg7").unwrap().len(), 1);

    // A damaged record frame is dropped, the others survive.
    let mut bytes = std::fs::read(&dbp).unwrap();
    let at = bytes.windows(8).position(|w| w == b"PYSEC-3\"").unwrap();
    bytes[at + 2] = b'X';
    let n = bytes.len();
    bytes[n - 40] ^= 0xff;
    std::fs::write(&dbp, &bytes).unwrap();
    let r = import(&dbp, &[]);
    assert!(
        r.rebuilt
            .as_deref()
            .is_some_and(|s| s.contains("1 damaged")),
        "{:?}",
        r.rebuilt
    );
    assert_eq!(r.stats.records, 20);
}

#[test]
fn a_truncated_or_foreign_file_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let dbp = dir.path().join("osv.db");
    let a = write(
        dir.path(),
        "a.json",
        &record("PYSEC-1", "2024-01-01T00:00:00Z", "requests", ""),
    );
    import(&dbp, &[a]);
    let bytes = std::fs::read(&dbp).unwrap();
    std::fs::write(&dbp, &bytes[..bytes.len() - 10]).unwrap();
    let e = db::open(&dbp).err().unwrap().to_string();
    assert!(e.contains("corrupt"), "{e}");

    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "my notes").unwrap();
    let e = db::import(&foreign, &[], ImportOptions::default(), &mut |_| {})
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("refusing to overwrite"), "{e}");
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "my notes");

    let e = db::open(&dir.path().join("none.db"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("safeguard db import") || e.contains("db update"),
        "{e}"
    );
}
