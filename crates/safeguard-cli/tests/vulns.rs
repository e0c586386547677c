//! `safeguard vulns`: tickets from saved scan reports, triage, release, verify; two writers at
//! once; a writer killed mid-write; a foreign store file.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{code, safeguard, stderr, stdout, write};

/// A `safeguard scan --format json` report with `n` findings (`GHSA-<k>` in `pkg:npm/p<k>`),
/// scanned at `at`.
fn report(n: usize, at: &str, skip: &[usize]) -> String {
    let findings: Vec<serde_json::Value> = (0..n)
        .filter(|k| !skip.contains(k))
        .map(|k| {
            let rating = ["critical", "high", "medium", "low"][k % 4];
            serde_json::json!({
                "component": {"ecosystem": "npm", "name": format!("p{k}"), "version": "1.0.0",
                              "purl": format!("pkg:npm/p{k}@1.0.0"), "relationship": "direct"},
                "id": format!("GHSA-{k:04}"),
                "aliases": [format!("CVE-2025-{:04}", 1000 + k)],
                "summary": format!("a flaw in p{k}"),
                "severity": {"rating": rating, "score": 9.1, "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", "source": "cvss"},
                "fixed_versions": ["1.0.1"],
                "published": "2025-01-01T00:00:00Z",
                "modified": "2025-01-02T00:00:00Z",
            })
        })
        .collect();
    serde_json::json!({
        "target": "repo",
        "tool_version": "test",
        "scanned_at": at,
        "db": {"path": "osv.db", "records": 1, "newest_modified": "2025-01-02T00:00:00Z"},
        "components": n,
        "findings": findings,
    })
    .to_string()
}

fn repo(dir: &Path) -> PathBuf {
    let root = dir.join("repo");
    write(
        &root,
        "safeguard.toml",
        "[vendor]\nname = \"Acme\"\nurl = \"https://acme.example\"\n\n[[products]]\nid = \"acme-server\"\nname = \"Acme Server\"\nversion = \"4.2.0\"\n",
    );
    root
}

fn sync(root: &Path, name: &str, text: &str) -> std::process::Output {
    let file = root.join(name);
    std::fs::write(&file, text).unwrap();
    safeguard(
        root,
        &[
            "vulns",
            "sync",
            "--report",
            file.to_str().unwrap(),
            "--by",
            "ci",
        ],
    )
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn sync_list_triage_show_release_verify() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo(dir.path());
    let o = sync(&root, "s1.json", &report(4, "2025-03-01T10:00:00Z", &[]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("scan 1 recorded for acme-server: 4 new tickets, 0 seen again, 0 reopened, 0 closed as fixed."),
        "{}",
        stderr(&o)
    );
    assert!(root.join(".safeguard/store.db").is_file());

    let o = safeguard(&root, &["vulns", "list", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["vuln_id"].as_str().unwrap())
        .collect();
    // Highest severity first.
    assert_eq!(
        ids,
        vec!["GHSA-0000", "GHSA-0001", "GHSA-0002", "GHSA-0003"]
    );
    assert_eq!(v[0]["product"], "acme-server");
    assert_eq!(v[0]["product_version"], "4.2.0");

    // Refusals name what is missing.
    let o = safeguard(
        &root,
        &[
            "vulns",
            "triage",
            "VULN-2",
            "--status",
            "not_affected",
            "--reason",
            "x",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("needs a justification"),
        "{}",
        stderr(&o)
    );
    let o = safeguard(
        &root,
        &[
            "vulns",
            "triage",
            "VULN-3",
            "--status",
            "accepted",
            "--approver",
            "CISO",
            "--reason",
            "x",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("needs an expiry"), "{}", stderr(&o));

    let o = safeguard(
        &root,
        &[
            "vulns",
            "triage",
            "VULN-2",
            "--status",
            "not_affected",
            "--justification",
            "vulnerable_code_not_in_execute_path",
            "--reason",
            "the parser is never reached",
            "--by",
            "ann",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "VULN-2 is now not_affected.");
    let o = safeguard(
        &root,
        &[
            "vulns",
            "triage",
            "3",
            "--status",
            "accepted",
            "--approver",
            "CISO",
            "--expires",
            "2027-03-31",
            "--reason",
            "WAF rule in place",
            "--by",
            "bob",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // The next scan no longer has p0: VULN-1 closes as fixed, citing scan 2.
    let o = sync(&root, "s2.json", &report(4, "2025-03-05T10:00:00Z", &[0]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("1 closed as fixed"), "{}", stderr(&o));
    let o = safeguard(&root, &["vulns", "show", "VULN-1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("VULN-1  GHSA-0000  fixed\n"), "{text}");
    assert!(text.contains("(gone from scan 2)"), "{text}");
    assert!(text.contains("fixed_by_scan"), "{text}");

    let o = safeguard(
        &root,
        &[
            "vulns",
            "release",
            "4.2.1",
            "--at",
            "2025-03-06",
            "--by",
            "rel",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "acme-server 4.2.1 released at 2025-03-06T00:00:00Z: it ships the fix of 1 tickets (VULN-1)."
    );

    let o = safeguard(
        &root,
        &["vulns", "list", "--status", "all", "--format", "json"],
    );
    let statuses: Vec<String> = json(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}={}", t["id"], t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            "1=fixed",
            "2=not_affected",
            "3=accepted",
            "4=under_investigation"
        ]
    );

    let o = safeguard(&root, &["vulns", "verify", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["integrity"], "ok");
    assert_eq!(v["problems"], serde_json::json!([]));
    // 2 scans, 4 created, 2 triaged, 1 fixed, 1 release, 1 released.
    assert_eq!(v["entries"], 11);

    // KPIs at a fixed time: VULN-1 (critical, 7 days) fixed in 4 days; VULN-4 (low) open.
    let o = safeguard(
        &root,
        &[
            "vulns",
            "report",
            "--format",
            "json",
            "--now",
            "2025-03-10T10:00:00Z",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let k = json(&o);
    assert_eq!(k["tickets"], 4);
    assert_eq!(k["open"], 2);
    assert_eq!(k["within_sla_overall"]["closed"], 1);
    assert_eq!(k["within_sla_overall"]["within"], 1);
    assert_eq!(k["time_to_remediate_overall"]["mean_days"], 4.0);
    let o = safeguard(
        &root,
        &[
            "vulns",
            "report",
            "--format",
            "html",
            "--now",
            "2025-03-10T10:00:00Z",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("<svg"), "{}", stdout(&o));

    // The list shows each open ticket's due date: VULN-4 is low (180 days from 2025-03-01).
    let o = safeguard(&root, &["vulns", "list"]);
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("VULN-4 "))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(line.contains("2025-08-28"), "{}", stdout(&o));

    // VEX from the triage decisions: the triaged and fixed tickets, valid OpenVEX.
    let o = safeguard(&root, &["vulns", "vex", "--format", "openvex"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let vex = json(&o);
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/openvex-spec/openvex_json_schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&vex).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let stated: Vec<String> = vex["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s["vulnerability"]["name"].as_str().unwrap(),
                s["status"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        stated,
        vec![
            "GHSA-0000=fixed",
            "GHSA-0001=not_affected",
            "GHSA-0002=affected"
        ]
    );
    assert_eq!(vex["author"], "Acme");
    let o = safeguard(&root, &["vulns", "vex", "--format", "cyclonedx", "--all"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        json(&o)["vulnerabilities"].as_array().map(Vec::len),
        Some(4)
    );

    // assess reads the store: at 2026-01-01 (SOURCE_DATE_EPOCH) VULN-3 and VULN-4 are past
    // due and VULN-4 was never triaged; VULN-1 (critical) was fixed in 4 days and shipped 14 h
    // later, with no advisory.
    let out = dir.path().join("report");
    let o = safeguard(
        &root,
        &["assess", ".", "--no-record", "--out", out.to_str().unwrap()],
    );
    assert!(code(&o) == 0, "{}", stderr(&o));
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("assessment.json")).unwrap()).unwrap();
    let claim = |id: &str| {
        a["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| {
                (
                    c["status"].as_str().unwrap().to_string(),
                    c["argument"].as_str().unwrap().to_string(),
                )
            })
            .unwrap()
    };
    let (st, arg) = claim("3.3.2");
    assert_eq!(st, "partially_met", "{arg}");
    assert!(
        arg.contains("The default SLA policy (critical 7 days, high 30, medium 90, low 180"),
        "{arg}"
    );
    assert!(arg.contains("VULN-4 low due 2025-08-28"), "{arg}");
    let (st, arg) = claim("3.4.1");
    assert_eq!(st, "partially_met", "{arg}");
    assert!(
        arg.contains("Waiting more than 7 days for triage: `VULN-4 low`"),
        "{arg}"
    );
    let (st, arg) = claim("3.4.2");
    assert_eq!(st, "not_met", "{arg}");
    assert!(arg.contains("`VULN-1 critical`"), "{arg}");
    let (st, arg) = claim("3.5.1");
    assert_eq!(st, "met", "{arg}");
    assert!(arg.contains("1 of 1 fixed tickets shipped in 1 recorded release; fix to release took a median of 0.6 days, at most 0.6 days"), "{arg}");

    // An advisory for VULN-1: drafted from the store, valid, published, recorded; then 3.4.2
    // is met.
    let sa = root.join("sa.json");
    let o = safeguard(
        &root,
        &[
            "advisory",
            "new",
            "--ticket",
            "VULN-1",
            "--final",
            "-o",
            sa.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&sa).unwrap()).unwrap();
    assert_eq!(
        doc["document"]["tracking"]["id"],
        "ACME-SERVER-SA-2026-0001"
    );
    assert_eq!(
        doc["document"]["publisher"]["namespace"],
        "https://acme.example"
    );
    let o = safeguard(&root, &["advisory", "validate", sa.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let site = dir.path().join("site");
    let o = safeguard(
        &root,
        &[
            "advisory",
            "publish",
            "--dir",
            site.to_str().unwrap(),
            "--base-url",
            "https://acme.example/.well-known/csaf",
            sa.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o)
            .contains("advisory ACME-SERVER-SA-2026-0001 version 1 recorded, covering 1 tickets."),
        "{}",
        stderr(&o)
    );
    assert!(site.join("2026/acme-server-sa-2026-0001.json").is_file());
    let o = safeguard(
        &root,
        &["assess", ".", "--no-record", "--out", out.to_str().unwrap()],
    );
    assert!(code(&o) == 0, "{}", stderr(&o));
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("assessment.json")).unwrap()).unwrap();
    let c = a["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "3.4.2")
        .unwrap();
    assert_eq!(c["status"], "met", "{}", c["argument"]);

    // CSAF VEX from the triage decisions passes our validator.
    let cv = root.join("vex.csaf.json");
    let o = safeguard(
        &root,
        &[
            "vulns",
            "vex",
            "--format",
            "csaf",
            "-o",
            cv.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = safeguard(&root, &["advisory", "validate", cv.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// Tampering through SQLite behind the tool's back makes `verify` exit 1 and name the entry.
#[test]
fn verify_fails_on_a_tampered_trail() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo(dir.path());
    assert_eq!(
        code(&sync(
            &root,
            "s1.json",
            &report(3, "2025-03-01T10:00:00Z", &[])
        )),
        0
    );
    let o = safeguard(&root, &["vulns", "verify"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Flip one byte of an audit row's reason in the file itself (same length, so the page
    // stays well-formed): the text "found by scan 1" exists only in audit rows.
    let db = root.join(".safeguard/store.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let needle = b"found by scan 1";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the audit reason is in the file");
    bytes[at] = b'F';
    std::fs::write(&db, &bytes).unwrap();
    let o = safeguard(&root, &["vulns", "verify"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("its contents do not match its hash"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_foreign_store_file_is_an_error_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo(dir.path());
    write(&root, ".safeguard/store.db", "not a database at all\n");
    for args in [
        vec!["vulns", "list"],
        vec!["vulns", "sync", "--report", "s.json"],
    ] {
        std::fs::write(root.join("s.json"), report(1, "2025-03-01T10:00:00Z", &[])).unwrap();
        let o = safeguard(&root, &args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(
            stderr(&o).contains(".safeguard/store.db: not a Safeguard store (not an SQLite database); it was left untouched"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        std::fs::read_to_string(root.join(".safeguard/store.db")).unwrap(),
        "not a database at all\n"
    );
    // A malformed report names the file and place; nothing is created.
    std::fs::remove_file(root.join(".safeguard/store.db")).unwrap();
    let o = sync(&root, "bad.json", "{\"target\": \"x\", \"findings\": [");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("bad.json: line 1, column"),
        "{}",
        stderr(&o)
    );
    assert!(!root.join(".safeguard/store.db").exists());
}

fn spawn_sync(root: &Path, file: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .current_dir(root)
        .args([
            "vulns",
            "sync",
            "--report",
            file.to_str().unwrap(),
            "--quiet",
        ])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two processes record scans into the same store at the same moment: both scans and every
/// ticket are there once, and the trail verifies.
#[test]
fn two_processes_recording_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo(dir.path());
    let a = root.join("a.json");
    let b = root.join("b.json");
    // The same findings (so both try to create the same tickets), scanned at different times.
    std::fs::write(&a, report(300, "2025-03-01T10:00:00Z", &[])).unwrap();
    std::fs::write(&b, report(300, "2025-03-01T10:00:01Z", &[])).unwrap();
    for round in 0..8 {
        for f in ["store.db", "store.db-wal", "store.db-shm"] {
            let _ = std::fs::remove_file(root.join(".safeguard").join(f));
        }
        let pa = spawn_sync(&root, &a);
        let pb = spawn_sync(&root, &b);
        for p in [pa, pb] {
            let out = p.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let o = safeguard(&root, &["vulns", "verify", "--format", "json"]);
        assert_eq!(code(&o), 0, "round {round}: {}", stdout(&o));
        let v = json(&o);
        assert_eq!(
            (v["scans"].as_u64(), v["tickets"].as_u64()),
            (Some(2), Some(300)),
            "round {round}"
        );
        // 2 scan entries + 300 creations: nobody created a ticket twice.
        assert_eq!(v["entries"], 302, "round {round}");
    }
}

/// A writer killed (SIGKILL) at random points, many times, never leaves a damaged store or a
/// broken trail; the next writer carries on.
#[test]
#[cfg(unix)]
fn a_writer_killed_mid_write_leaves_a_consistent_store() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo(dir.path());
    // Each report differs (time and one missing finding), so each is a real write: creations,
    // closings and reopenings.
    let files: Vec<PathBuf> = (0..6)
        .map(|i| {
            let f = root.join(format!("r{i}.json"));
            std::fs::write(
                &f,
                report(1500, &format!("2025-03-0{}T10:00:00Z", i + 1), &[i * 7]),
            )
            .unwrap();
            f
        })
        .collect();
    // One undisturbed run creates the store and says how long a run takes; the kills are
    // spread over that span (a cheap deterministic sequence, not timing-sensitive: any point
    // in the run is a valid place to die).
    let started = std::time::Instant::now();
    let out = spawn_sync(&root, &files[5]).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let span = (started.elapsed().as_millis() as u64).max(10);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut killed = 0;
    for round in 0..24 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = 1 + seed % span;
        let mut child = spawn_sync(&root, &files[round % files.len()]);
        std::thread::sleep(std::time::Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        let _ = child.wait();
        if round % 6 == 5 {
            let o = safeguard(&root, &["vulns", "verify"]);
            assert_eq!(
                code(&o),
                0,
                "after round {round}: {}{}",
                stdout(&o),
                stderr(&o)
            );
        }
    }
    eprintln!("span {span} ms, {killed} of 24 writers killed");
    assert!(
        killed > 0,
        "no writer was killed mid-run: the test proved nothing"
    );
    // A writer left alone finishes, and the store still verifies.
    let out = spawn_sync(&root, &files[0]).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let o = safeguard(&root, &["vulns", "verify", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["integrity"], "ok");
    assert!(v["scans"].as_u64().unwrap() >= 1);
}
