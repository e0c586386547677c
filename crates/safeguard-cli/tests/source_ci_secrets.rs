//! `safeguard source`, `safeguard ci` and `safeguard secrets` end to end: output formats, exit
//! codes, the reviewed baseline and SARIF validity.

mod common;

use std::path::Path;

use common::{code, git, safeguard, stderr, stdout, write};
use serde_json::Value;

const DATE: &str = "2026-01-01T00:00:00Z";

fn sarif_errors(doc: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/sarif/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    validator.iter_errors(doc).map(|e| e.to_string()).collect()
}

/// A fake, format-valid Slack bot token, built at run time so this file holds no token.
fn slack_token() -> String {
    format!(
        "xoxb-{}-{}-{}",
        "2417384923", "5719283746512", "aB3dE5fG7hJ9kL1mN3pQ5rS7"
    )
}

fn repo(parent: &Path) -> std::path::PathBuf {
    let root = parent.join("svc");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q"], DATE);
    write(
        &root,
        ".github/workflows/ci.yml",
        "on: pull_request_target\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: echo \"${{ github.event.pull_request.title }}\"\n      - run: cargo test\n",
    );
    write(&root, "src/main.rs", "fn main() {}\n");
    write(
        &root,
        "config/slack.env",
        &format!("SLACK_BOT_TOKEN={}\n", slack_token()),
    );
    git(&root, &["add", "-A"], DATE);
    git(&root, &["commit", "-q", "-m", "start"], DATE);
    root
}

#[test]
fn secrets_table_json_sarif_and_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    let token = slack_token();

    let o = safeguard(&root, &["secrets", "--fail-on-new"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.contains("slack-bot-token"), "{table}");
    assert!(table.contains("config/slack.env:1:17"), "{table}");
    assert!(
        !table.contains(&token),
        "the table must not print the secret"
    );
    assert!(
        table.contains("1 open secret (1 in the working tree)"),
        "{table}"
    );

    let o = safeguard(&root, &["secrets", "--format", "json", "--history"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!stdout(&o).contains(&token));
    let fp = json["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(json["findings"][0]["status"], "open");
    assert_eq!(json["commits"], 1);

    let o = safeguard(&root, &["secrets", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(sarif_errors(&sarif), Vec::<String>::new());
    assert_eq!(
        sarif["runs"][0]["results"][0]["partialFingerprints"]["safeguardSecret/v1"],
        fp.as_str()
    );

    // Review it: the baseline file appears, the finding stops alerting.
    let o = safeguard(
        &root,
        &[
            "secrets",
            "review",
            &fp,
            "--reason",
            "test workspace token, revoked",
            "--reviewer",
            "ada@acme.example",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let baseline = std::fs::read_to_string(root.join(".safeguard-secrets.toml")).unwrap();
    assert!(
        baseline.contains(&format!("fingerprint = \"{fp}\"")),
        "{baseline}"
    );
    assert!(baseline.contains("date = \"2026-01-01\""), "{baseline}");
    let o = safeguard(&root, &["secrets", "--fail-on-new"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 open secrets (0 in the working tree), 1 reviewed"));

    // A new secret still fails.
    write(
        &root,
        "deploy.env",
        &format!("TOKEN={}\n", slack_token().replace("aB3", "zZ9")),
    );
    let o = safeguard(&root, &["secrets", "--fail-on-new"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));

    // A broken baseline is a clear error naming the file and line.
    write(
        &root,
        ".safeguard-secrets.toml",
        "[[reviewed]]\nfingerprint = \"abc\"\nreason = \"r\"\nreviewer = \"x\"\ndate = \"2026-01-01\"\n",
    );
    let o = safeguard(&root, &["secrets"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(".safeguard-secrets.toml:1: fingerprint \"abc\" is not 64 hex digits"),
        "{}",
        stderr(&o)
    );

    let o = safeguard(&root, &["secrets", "rules", "--format", "json"]);
    let rules: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(rules.as_array().unwrap().len() >= 100);
}

#[test]
fn ci_audit_formats_and_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    let o = safeguard(&root, &["ci", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let audits: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["audit"].as_str().unwrap())
        .collect();
    for want in [
        "dangerous-triggers",
        "template-injection",
        "unpinned-uses",
        "persist-credentials",
    ] {
        assert!(audits.contains(&want), "{want} missing from {audits:?}");
    }
    let o = safeguard(&root, &["ci", "--fail-on", "high"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains(".github/workflows/ci.yml:9:"),
        "{}",
        stdout(&o)
    );
    let o = safeguard(&root, &["ci", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(sarif_errors(&sarif), Vec::<String>::new());
    let o = safeguard(&root, &["ci", "--list"]);
    assert!(stdout(&o).contains("secrets-inherit"));
}

#[test]
fn source_reports_and_fails_on_conditions() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    let o = safeguard(&root, &["source", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["commits"].as_array().unwrap().len(), 1);
    assert_eq!(json["commits"][0]["signature"], "none");
    assert_eq!(
        json["commits"][0]["build_files"],
        serde_json::json!([".github/workflows/ci.yml"])
    );
    let o = safeguard(&root, &["source", "--fail-on", "unsigned"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("Signatures:    none 1"),
        "{}",
        stdout(&o)
    );
    let o = safeguard(&root, &["source", "--fail-on", "bad"]);
    assert_eq!(code(&o), 0);
    let o = safeguard(&root, &["source", "--range", "nope..HEAD"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("nope..HEAD: git cannot read this range"),
        "{}",
        stderr(&o)
    );
    write(&root, "prot.json", "{\"url\": 3}");
    let o = safeguard(&root, &["source", "--protection", "prot.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("prot.json"), "{}", stderr(&o));
}
