//! `safeguard advisory validate|publish|osv`, and interop: the BSI/secvisogram
//! `@secvisogram/csaf-validator-lib` (the reference JavaScript validator, installed by `.ci/run`
//! into `.ci/node`) validates advisories and a CSAF VEX we generate, in strict mode, with its
//! schema tests and every mandatory test.
//!
//! The interop test is skipped (with a message) unless SAFEGUARD_INTEROP=1; then a missing
//! node or library is a failure. SAFEGUARD_NODE names the node binary (default `node`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use safeguard_handling::csaf::{self, AdvisoryOptions, TrackingStatus};
use safeguard_handling::model::{DocMeta, Justification, Severity, Status, Ticket};
use serde_json::{Value, json};
use time::macros::datetime;

fn ticket(id: i64, purl: &str, vuln: &str, status: Status) -> Ticket {
    Ticket {
        id,
        product: "acme-server".into(),
        product_version: Some("4.2.0".into()),
        purl: purl.into(),
        vuln_id: vuln.into(),
        aliases: vec![],
        summary: Some(format!("{vuln} in {purl}")),
        severity: Severity::High,
        cvss_score: None,
        cvss_vector: None,
        fixed_versions: vec![],
        references: vec![],
        published: None,
        first_seen: datetime!(2025-12-01 09:00 UTC),
        last_seen: datetime!(2025-12-20 09:00 UTC),
        first_scan: 1,
        last_scan: 2,
        status,
        justification: None,
        statement: None,
        acceptance: None,
        triaged_at: None,
        fixed_at: None,
        fixed_by_scan: None,
        released_in: None,
        released_at: None,
        history: vec![],
    }
}

fn meta(id: &str) -> DocMeta {
    DocMeta {
        publisher: "Acme Software Ltd".into(),
        namespace: "https://acme.example".into(),
        contact: None,
        product_name: "Acme Server".into(),
        product_version: Some("4.2.0".into()),
        product_purl: Some("pkg:generic/acme-server@4.2.0".into()),
        document_id: id.into(),
        timestamp: datetime!(2026-01-15 10:00 UTC),
    }
}

fn tickets() -> Vec<Ticket> {
    let mut a = ticket(
        1,
        "pkg:cargo/tokio@1.0.0",
        "RUSTSEC-2023-0001",
        Status::Affected,
    );
    a.aliases = vec!["CVE-2023-22466".into()];
    a.cvss_vector = Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into());
    a.cvss_score = Some(9.8);
    a.fixed_versions = vec!["1.18.4".into()];
    a.references = vec!["https://rustsec.org/advisories/RUSTSEC-2023-0001.html".into()];
    let mut b = ticket(
        2,
        "pkg:pypi/requests@2.19.0",
        "GHSA-x84v-xcm2-53pg",
        Status::NotAffected,
    );
    b.justification = Some(Justification::VulnerableCodeNotPresent);
    let c = ticket(3, "pkg:npm/ms@2.1.3", "CVE-2017-20165", Status::Fixed);
    let d = ticket(
        4,
        "pkg:maven/org.example/lib@1.2.3",
        "OSV-2024-1",
        Status::UnderInvestigation,
    );
    let mut e = ticket(
        5,
        "pkg:golang/golang.org/x/net@v0.17.0",
        "GO-2023-2102",
        Status::Affected,
    );
    e.statement = Some("Put the service behind the proxy.".into());
    vec![a, b, c, d, e]
}

/// Several ticket mixes as advisories (draft and final), plus a CSAF VEX.
fn documents() -> Vec<(String, Value)> {
    let t = tickets();
    let all: Vec<&Ticket> = t.iter().collect();
    let final_opts = AdvisoryOptions {
        status: TrackingStatus::Final,
        ..Default::default()
    };
    vec![
        (
            "all.json".into(),
            csaf::advisory(&all, &meta("ACME-SA-2026-001"), &final_opts).unwrap(),
        ),
        (
            "one.json".into(),
            csaf::advisory(
                &all[..1],
                &meta("ACME-SA-2026-002"),
                &AdvisoryOptions::default(),
            )
            .unwrap(),
        ),
        (
            "not-affected.json".into(),
            csaf::advisory(&all[1..3], &meta("ACME-SA-2026-003"), &final_opts).unwrap(),
        ),
        (
            "vex.json".into(),
            csaf::vex(&all, &meta("ACME-VEX-2026-001"), &final_opts).unwrap(),
        ),
    ]
}

fn write_docs(dir: &Path) -> Vec<PathBuf> {
    documents()
        .into_iter()
        .map(|(name, doc)| {
            let p = dir.join(name);
            std::fs::write(&p, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
            p
        })
        .collect()
}

#[test]
fn validate_reports_every_file_and_sets_the_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let files = write_docs(tmp.path());
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let mut argv = vec!["advisory", "validate"];
    argv.extend(&args);
    let o = safeguard(tmp.path(), &argv);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o).matches(" valid").count(), 4, "{}", stdout(&o));

    // one invalid (6.1.1) and one unreadable file among good ones: all reported, exit 2
    let mut broken: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    broken["vulnerabilities"][0]["product_status"]["known_affected"] = json!(["CSAFPID-404"]);
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&broken).unwrap()).unwrap();
    let garbage = tmp.path().join("garbage.json");
    std::fs::write(&garbage, "{\n  \"document\": \n").unwrap();
    let o = safeguard(
        tmp.path(),
        &[
            "advisory",
            "validate",
            args[1],
            bad.to_str().unwrap(),
            garbage.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let out: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(out[0]["valid"], true);
    assert_eq!(out[1]["valid"], false);
    assert_eq!(out[1]["findings"][0]["test"], "6.1.1");
    assert_eq!(
        out[1]["findings"][0]["path"],
        "/vulnerabilities/0/product_status/known_affected/0"
    );
    assert!(
        out[2]["error"].as_str().unwrap().contains("line 3"),
        "{}",
        out[2]
    );
    // invalid but readable: exit 1
    let o = safeguard(tmp.path(), &["advisory", "validate", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("[6.1.1] /vulnerabilities/0/product_status/known_affected/0"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn publish_refuses_invalid_documents_and_publishes_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let files = write_docs(tmp.path());
    let mut broken: Value = serde_json::from_slice(&std::fs::read(&files[1]).unwrap()).unwrap();
    broken["document"]["tracking"]["id"] = json!("ACME-BROKEN-1");
    broken["document"]["tracking"]["version"] = json!("7");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&broken).unwrap()).unwrap();
    let site = tmp.path().join("site");
    let o = safeguard(
        tmp.path(),
        &[
            "advisory",
            "publish",
            "--dir",
            site.to_str().unwrap(),
            "--base-url",
            "https://acme.example/.well-known/csaf",
            files[0].to_str().unwrap(),
            bad.to_str().unwrap(),
            files[3].to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("refused"), "{}", stdout(&o));
    assert!(stdout(&o).contains("[6.1.16]"), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(site.join("index.txt")).unwrap(),
        "2026/acme-sa-2026-001.json\n2026/acme-vex-2026-001.json\n"
    );
    for f in [
        "provider-metadata.json",
        "changes.csv",
        "2026/acme-sa-2026-001.json.sha512",
    ] {
        assert!(site.join(f).is_file(), "{f}");
    }
    // again with only the good ones: unchanged, exit 0
    let o = safeguard(
        tmp.path(),
        &[
            "advisory",
            "publish",
            "--dir",
            site.to_str().unwrap(),
            "--base-url",
            "https://acme.example/.well-known/csaf",
            "--format",
            "json",
            files[0].to_str().unwrap(),
            files[3].to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(out[0]["outcome"], "unchanged");
    assert_eq!(out[1]["path"], "2026/acme-vex-2026-001.json");
}

#[test]
fn osv_prints_one_record_per_vulnerability() {
    let tmp = tempfile::tempdir().unwrap();
    let files = write_docs(tmp.path());
    let o = safeguard(tmp.path(), &["advisory", "osv", files[0].to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let records: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "x_ACME-SA-2026-001_CVE-2017-20165",
            "x_ACME-SA-2026-001_CVE-2023-22466",
            "x_ACME-SA-2026-001_GHSA-x84v-xcm2-53pg",
            "x_ACME-SA-2026-001_GO-2023-2102",
            "x_ACME-SA-2026-001_OSV-2024-1",
        ]
    );
    let o = safeguard(tmp.path(), &["advisory", "osv", "missing.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.json"));
}

#[test]
fn help_has_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let o = safeguard(tmp.path(), &["advisory", "--help"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("safeguard advisory publish --dir"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("Exit codes"));
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn csaf_validator_lib_accepts_our_advisories_and_vex() {
    if std::env::var("SAFEGUARD_INTEROP").as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED interop test csaf_validator_lib_accepts_our_advisories_and_vex: set SAFEGUARD_INTEROP=1 (as .ci/run does) to run it"
        );
        return;
    }
    let node = std::env::var("SAFEGUARD_NODE").unwrap_or_else(|_| "node".into());
    let script = repo_root().join(".ci/csaf-validate.mjs");
    let lib = repo_root().join(".ci/node/node_modules/@secvisogram/csaf-validator-lib");
    assert!(
        lib.is_dir(),
        "SAFEGUARD_INTEROP=1 but {} is missing; run .ci/run (npm install --prefix .ci/node)",
        lib.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let files = write_docs(tmp.path());
    let mut cmd = Command::new(&node);
    cmd.arg(&script).args(&files);
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("SAFEGUARD_INTEROP=1 but {node} cannot run: {e}"));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let results: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), files.len());
    for r in results {
        assert!(
            r["tests_run"].as_u64().unwrap() >= 30,
            "too few tests ran: {r}"
        );
        assert_eq!(r["isValid"], true, "the CSAF validator lib rejects {r:#}");
    }
    // the lib is not a rubber stamp: a document broken on purpose fails its test 6.1.1
    let mut broken: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    broken["vulnerabilities"][0]["product_status"]["known_affected"] = json!(["CSAFPID-404"]);
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&broken).unwrap()).unwrap();
    let o = Command::new(&node).arg(&script).arg(&bad).output().unwrap();
    let results: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(results[0]["isValid"], false, "{results:#}");
    assert!(
        results[0]["failed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().ends_with("6_1_1")),
        "{results:#}"
    );
}
