//! `safeguard evidence list|show|verify` on a real assessment's ledger.

mod common;

use common::*;

#[test]
fn list_show_and_verify_detect_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let o = safeguard(&repo, &["assess", "-q"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let repo_arg = repo.to_str().unwrap();

    let o = safeguard(tmp.path(), &["evidence", "verify", "--repo", repo_arg]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("ok: 15 entries"), "{}", stdout(&o));

    let o = safeguard(
        tmp.path(),
        &["evidence", "list", "--repo", repo_arg, "--format", "json"],
    );
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["record"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "vcs",
            "ci-config",
            "test-suites",
            "threat-model",
            "source-provenance",
            "ci-audit",
            "secrets",
            "security-policy",
            "composition",
            "vulnerabilities",
            "communication",
            "vuln-handling",
            "manual-document",
            "manual-document",
            "manual-document"
        ]
    );
    let third = list[2]["id"].as_str().unwrap().to_string();

    let o = safeguard(
        tmp.path(),
        &["evidence", "show", &third[7..19], "--repo", repo_arg],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(shown["id"], third.as_str());
    let o = safeguard(
        tmp.path(),
        &["evidence", "show", "deadbeefdeadbeef", "--repo", repo_arg],
    );
    assert_eq!(code(&o), 2);

    // Edit the third record: verify names it and exits 1.
    let path = repo.join(".safeguard/ledger.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen("\"test_files\":", "\"test_files\":1", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = safeguard(tmp.path(), &["evidence", "verify", "--repo", repo_arg]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains(&format!("entry 3 (record {}) was edited", &third[7..19])),
        "{}",
        stdout(&o)
    );

    // And assess refuses to append to it.
    let o = safeguard(&repo, &["assess", "-q"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("fails verification"), "{}", stderr(&o));

    // Remove it instead: named by id, JSON output for machines.
    lines = text.lines().map(str::to_string).collect();
    lines.remove(2);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = safeguard(
        tmp.path(),
        &["evidence", "verify", "--repo", repo_arg, "--format", "json"],
    );
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][0]["kind"], "removed");
    assert_eq!(v["problems"][0]["id"], third.as_str());
}

#[test]
fn catalogue_and_init() {
    let tmp = tempfile::tempdir().unwrap();
    let o = safeguard(tmp.path(), &["catalogue", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let claims: usize = c["themes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["principles"].as_array().unwrap())
        .map(|p| p["claims"].as_array().unwrap().len())
        .sum();
    assert_eq!(claims, 45);
    assert_eq!(c["brief_numbering"].as_array().unwrap().len(), 14);
    assert_eq!(c["applicability"]["reseller"], serde_json::json!([3, 4]));
    let o = safeguard(tmp.path(), &["catalogue"]);
    assert!(
        stdout(&o).contains("4 themes, 14 principles, 45 claims"),
        "{}",
        stdout(&o)
    );

    let o = safeguard(tmp.path(), &["init", "--vendor", "Acme Ltd"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(tmp.path().join("safeguard.toml")).unwrap();
    assert!(text.contains("name = \"Acme Ltd\""));
    let o = safeguard(tmp.path(), &["init"]);
    assert_eq!(code(&o), 2, "refuses to overwrite");
    assert!(stderr(&o).contains("--force"));
    // The written file is what assess reads.
    let o = safeguard(
        tmp.path(),
        &["assess", "--no-record", "--format", "json", "--out", "r"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(a["scope"]["vendor"], "Acme Ltd");
    assert_eq!(a["scope"]["configured"], true);
    assert!(
        !tmp.path().join(".safeguard").exists(),
        "--no-record wrote a ledger"
    );
}
