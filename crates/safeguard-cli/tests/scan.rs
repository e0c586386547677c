//! `safeguard db` and `safeguard scan` end to end, on a small database of hand-written OSV
//! records and a repository with vulnerable lockfile entries.

mod common;

use std::path::{Path, PathBuf};

use common::{code, safeguard, stderr, stdout, write};
use serde_json::Value;

/// A crates.io record with a direct-dependency chain, an npm record with CVSS 3.1, a PyPI record
/// with two ranges, and one broken record.
const RECORDS: &str = r#"{"id":"RUSTSEC-2020-0071","modified":"2024-01-01T00:00:00Z","published":"2020-11-18T00:00:00Z","aliases":["CVE-2020-26235"],"summary":"Potential segfault in the time crate","affected":[{"package":{"ecosystem":"crates.io","name":"time"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"0.2.23"}]}]}],"references":[{"type":"ADVISORY","url":"https://rustsec.org/advisories/RUSTSEC-2020-0071"}],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H"}]}
{"id":"GHSA-35jh-r3h4-6jhm","modified":"2024-02-01T00:00:00Z","aliases":["CVE-2021-23337"],"summary":"Command injection in lodash","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}]}
{"id":"PYSEC-2023-100","modified":"2024-03-01T00:00:00Z","summary":"Django denial of service","affected":[{"package":{"ecosystem":"PyPI","name":"django"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"3.2"},{"fixed":"3.2.19"},{"introduced":"4.0"},{"fixed":"4.1.9"}]}]}],"database_specific":{"severity":"MODERATE"}}
{"id":"PYSEC-2023-101","modified":"2024-03-01T00:00:00Z","summary":"Not this version","affected":[{"package":{"ecosystem":"PyPI","name":"django"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.0"},{"fixed":"4.1.9"}]}]}]}
{"id":"GHSA-broken","modified":"2024-03-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1.0"}]}]}]}
"#;

fn repo(parent: &Path) -> PathBuf {
    let root = parent.join("app");
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nchrono = \"0.4\"\n",
    );
    write(
        &root,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"chrono\",\n]\n\n[[package]]\nname = \"chrono\"\nversion = \"0.4.19\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\ndependencies = [\n \"time\",\n]\n\n[[package]]\nname = \"time\"\nversion = \"0.1.43\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    write(
        &root,
        "web/package-lock.json",
        r#"{"name":"web","lockfileVersion":3,"packages":{"":{"name":"web","dependencies":{"lodash":"^4.17.0"}},"node_modules/lodash":{"version":"4.17.20"}}}"#,
    );
    write(&root, "py/requirements.txt", "Django==3.2.4\n");
    root
}

fn db_with_records(dir: &Path) -> PathBuf {
    let input = dir.join("records.ndjson");
    std::fs::write(&input, RECORDS).unwrap();
    let db = dir.join("osv.db");
    let o = safeguard(
        dir,
        &[
            "db",
            "import",
            "--db",
            db.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    db
}

fn scan(cwd: &Path, args: &[&str]) -> std::process::Output {
    safeguard(cwd, &[&["scan"], args].concat())
}

#[test]
fn import_reports_broken_records_and_stats_count_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("records.ndjson");
    std::fs::write(&input, RECORDS).unwrap();
    let db = tmp.path().join("osv.db");
    let db_arg = db.to_str().unwrap();
    let o = safeguard(
        tmp.path(),
        &["db", "import", "--db", db_arg, input.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("records.ndjson:5 (GHSA-broken)") && err.contains("introduced"),
        "{err}"
    );
    assert!(stdout(&o).contains("4 added"), "{}", stdout(&o));

    let o = safeguard(
        tmp.path(),
        &["db", "stats", "--db", db_arg, "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let stats: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["records"], 4);
    assert_eq!(stats["ecosystems"]["PyPI"]["records"], 2);
    assert_eq!(
        stats["ecosystems"]["npm"]["newest_modified"],
        "2024-02-01T00:00:00Z"
    );
    let o = safeguard(tmp.path(), &["db", "stats", "--db", db_arg]);
    assert!(
        stdout(&o).contains("crates.io") && stdout(&o).contains("4 record(s)"),
        "{}",
        stdout(&o)
    );

    // Importing the same data again changes nothing.
    let o = safeguard(
        tmp.path(),
        &[
            "db",
            "import",
            "--db",
            db_arg,
            input.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (report["added"].as_u64(), report["unchanged"].as_u64()),
        (Some(0), Some(4))
    );

    // A missing input is exit 2 and named.
    let o = safeguard(tmp.path(), &["db", "import", "--db", db_arg, "nope.zip"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("nope.zip"), "{}", stderr(&o));
}

#[test]
fn scan_finds_exact_versions_with_upgrade_and_introducer() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_with_records(tmp.path());
    let root = repo(tmp.path());
    let o = scan(&root, &["--db", db.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let ids: Vec<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
    // High (lodash 7.2), medium (time 5.9), the database's MODERATE (Django); PYSEC-2023-101 only
    // affects 4.x and must not match 3.2.4.
    assert_eq!(
        ids,
        ["GHSA-35jh-r3h4-6jhm", "RUSTSEC-2020-0071", "PYSEC-2023-100"]
    );
    let time = &findings[1];
    assert_eq!(time["component"]["purl"], "pkg:cargo/time@0.1.43");
    assert_eq!(
        time["component"]["introduced_by"],
        serde_json::json!(["pkg:cargo/chrono@0.4.19"])
    );
    assert_eq!(time["upgrade_to"], "0.2.23");
    assert_eq!(time["aliases"], serde_json::json!(["CVE-2020-26235"]));
    assert_eq!(time["severity"]["score"], 5.9);
    assert_eq!(time["severity"]["rating"], "medium");
    let lodash = &findings[0];
    assert_eq!(lodash["severity"]["score"], 7.2);
    assert_eq!(lodash["severity"]["rating"], "high");
    let django = &findings[2];
    assert_eq!(django["severity"]["source"], "database");
    assert_eq!(
        django["fixed_versions"],
        serde_json::json!(["3.2.19", "4.1.9"])
    );
    assert_eq!(django["upgrade_to"], "3.2.19");
    assert_eq!(django["component"]["file"], "py/requirements.txt");

    // The table names the finding and the upgrade.
    let o = scan(&root, &["--db", db.to_str().unwrap()]);
    let table = stdout(&o);
    assert!(
        table.contains("GHSA-35jh-r3h4-6jhm") && table.contains("4.17.21"),
        "{table}"
    );
    assert!(
        stderr(&o).contains("safeguard db update"),
        "stale data is pointed out: {}",
        stderr(&o)
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_with_records(tmp.path());
    let root = repo(tmp.path());
    let db_arg = db.to_str().unwrap();
    assert_eq!(
        code(&scan(&root, &["--db", db_arg, "--fail-on", "high", "-q"])),
        1
    );
    assert_eq!(
        code(&scan(
            &root,
            &["--db", db_arg, "--fail-on", "critical", "-q"]
        )),
        0
    );
    assert_eq!(code(&scan(&root, &["--db", db_arg, "-q"])), 0);
}

#[test]
fn vex_and_ignore_file_suppress_with_their_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_with_records(tmp.path());
    let root = repo(tmp.path());
    let db_arg = db.to_str().unwrap();
    let vex = tmp.path().join("app.openvex.json");
    std::fs::write(
        &vex,
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/1","author":"Acme","timestamp":"2024-05-01T00:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"CVE-2021-23337"},"products":[{"@id":"pkg:npm/lodash@4.17.20"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path","impact_statement":"template() is never called"}]}"#,
    )
    .unwrap();
    write(
        &root,
        ".safeguard-ignore.toml",
        "[[ignore]]\nid = \"RUSTSEC-2020-0071\"\nreason = \"chrono never calls localtime_r here\"\nexpires = \"2999-01-01\"\n\n[[ignore]]\nid = \"PYSEC-2023-100\"\nreason = \"old decision\"\nexpires = \"2020-01-01\"\n",
    );
    let o = scan(
        &root,
        &[
            "--db",
            db_arg,
            "--vex",
            vex.to_str().unwrap(),
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(
        code(&o),
        0,
        "lodash is not affected per VEX: {}",
        stdout(&o)
    );
    let out = stdout(&o);
    assert!(!out.contains("GHSA-35jh-r3h4-6jhm"), "{out}");
    assert!(
        out.contains("PYSEC-2023-100"),
        "an expired ignore entry does not suppress: {out}"
    );
    assert!(stderr(&o).contains("expired"), "{}", stderr(&o));

    let o = scan(
        &root,
        &[
            "--db",
            db_arg,
            "--vex",
            vex.to_str().unwrap(),
            "--show-suppressed",
        ],
    );
    let out = stdout(&o);
    assert!(
        out.contains("vulnerable_code_not_in_execute_path")
            && out.contains("template() is never called"),
        "{out}"
    );
    assert!(out.contains("chrono never calls localtime_r here"), "{out}");

    // An ignore entry without a reason is an error naming the line.
    write(
        &root,
        ".safeguard-ignore.toml",
        "[[ignore]]\nid = \"X\"\nexpires = \"2999-01-01\"\n",
    );
    let o = scan(&root, &["--db", db_arg]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(".safeguard-ignore.toml") && stderr(&o).contains("reason"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sarif_and_cyclonedx_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_with_records(tmp.path());
    let root = repo(tmp.path());
    let db_arg = db.to_str().unwrap();
    let o = scan(&root, &["--db", db_arg, "--format", "sarif"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let sarif: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let schema: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/sarif/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);

    let out = tmp.path().join("vdr.cdx.json");
    let o = scan(
        &root,
        &[
            "--db",
            db_arg,
            "--format",
            "cyclonedx-json",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 3);
    let time = vulns
        .iter()
        .find(|v| v["id"] == "RUSTSEC-2020-0071")
        .unwrap();
    assert_eq!(time["affects"][0]["ref"], "pkg:cargo/time@0.1.43");
    assert!(
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["bom-ref"] == "pkg:cargo/time@0.1.43")
    );
}

#[test]
fn scan_reads_sboms() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_with_records(tmp.path());
    let sbom = tmp.path().join("vendor.cdx.json");
    std::fs::write(
        &sbom,
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"},{"type":"library","name":"lodash-es","version":"4.17.20","purl":"pkg:npm/lodash-es@4.17.20"}]}"#,
    )
    .unwrap();
    let o = scan(
        tmp.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "--sbom",
            sbom.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["components"], 2);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["GHSA-35jh-r3h4-6jhm"]);
}

#[test]
fn no_database_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    let o = scan(
        &root,
        &["--db", tmp.path().join("none/osv.db").to_str().unwrap()],
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("none/osv.db") && err.contains("safeguard db update"),
        "{err}"
    );
}

#[test]
fn assess_uses_the_database_for_3_3_1() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_with_records(tmp.path());
    let root = repo(tmp.path());
    let out = tmp.path().join("report");
    let o = safeguard(
        &root,
        &[
            "assess",
            "--db",
            db.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
            "--no-record",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let claim = a["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "3.3.1")
        .unwrap();
    // The records were modified in 2024; the fixed clock is later: not current.
    assert_eq!(claim["status"], "partially_met", "{claim}");
    let arg = claim["argument"].as_str().unwrap();
    assert!(
        arg.contains("3 open findings") && arg.contains("more than 24 h"),
        "{arg}"
    );
    let scan: Value =
        serde_json::from_slice(&std::fs::read(out.join("vulnerabilities.json")).unwrap()).unwrap();
    assert_eq!(scan["findings"].as_array().unwrap().len(), 3);
}

/// `db update` against a loopback server that serves one ecosystem's all.zip (and 404 for
/// another): the served records are imported, the failure is named, the exit code is 2.
#[cfg(feature = "db-update")]
#[test]
fn db_update_downloads_and_imports_from_a_loopback_server() {
    use std::io::{BufRead, BufReader, Write};
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for line in RECORDS.lines().filter(|l| l.contains("\"PyPI\"")) {
        let id = line.split('"').nth(3).unwrap();
        zip.start_file(
            format!("{id}.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(line.as_bytes()).unwrap();
    }
    let body = zip.finish().unwrap().into_inner();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut request).unwrap();
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            if request.starts_with("GET /PyPI/all.zip ") {
                write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .unwrap();
                stream.write_all(&body).unwrap();
            } else {
                stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .unwrap();
            }
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cache/osv.db");
    let base = format!("http://127.0.0.1:{port}");
    let o = safeguard(
        tmp.path(),
        &[
            "db",
            "update",
            "--db",
            db.to_str().unwrap(),
            "--base-url",
            &base,
            "--ecosystem",
            "PyPI",
            "--ecosystem",
            "npm",
        ],
    );
    assert_eq!(code(&o), 2, "npm was not served: {}", stderr(&o));
    assert!(
        stderr(&o).contains("npm") && stderr(&o).contains("404"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("2 added"), "{}", stdout(&o));
    assert!(tmp.path().join("cache/exports/PyPI.zip").is_file());
    let o = safeguard(
        tmp.path(),
        &[
            "db",
            "stats",
            "--db",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let stats: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["ecosystems"]["PyPI"]["records"], 2);
}
