//! `safeguard disclosure`: security.txt check/generate and the policy lint.

use std::process::Command;

const SHARED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/securitytxt"
);
const FIX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../safeguard-disclosure/tests/fixtures"
);

fn safeguard(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1748736000") // 2025-06-01T00:00:00Z
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn securitytxt_check_exit_codes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let rfc = format!("{SHARED}/rfc9116-section-2.6-unsigned.txt");
    // The RFC's example expired on 2021-12-31.
    let (code, out, _) = safeguard(
        dir.path(),
        &[
            "disclosure",
            "securitytxt",
            "check",
            &rfc,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"][0]["code"], "expired");
    assert_eq!(v["errors"][0]["line"], 13);
    assert_eq!(v["signature"]["status"], "unsigned");

    // Default path, a good file.
    std::fs::create_dir(dir.path().join(".well-known")).unwrap();
    std::fs::write(
        dir.path().join(".well-known/security.txt"),
        "Contact: mailto:security@example.com\nExpires: 2025-12-01T00:00:00Z\n",
    )
    .unwrap();
    let (code, out, err) = safeguard(dir.path(), &["disclosure", "securitytxt", "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("valid: 0 errors, 1 recommendations"), "{out}");
    assert!(out.contains("not_signed"), "{out}");

    // A signed file checked with its keyring.
    let signed = format!("{FIX}/securitytxt/signed.txt");
    let keyring = format!("{FIX}/securitytxt/keyring.asc");
    let (code, out, err) = safeguard(
        dir.path(),
        &[
            "disclosure",
            "securitytxt",
            "check",
            &signed,
            "--keyring",
            &keyring,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["signature"]["status"], "good");

    // Unreadable input and bad usage exit 2.
    let (code, _, err) = safeguard(
        dir.path(),
        &["disclosure", "securitytxt", "check", "missing.txt"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing.txt"), "{err}");
    let (code, _, err) = safeguard(
        dir.path(),
        &["disclosure", "securitytxt", "check", "--url", "http://x/"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("https://"), "{err}");
}

#[test]
fn securitytxt_generate_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("safeguard.toml"),
        "[disclosure]\ncontact = \"mailto:security@example.com\"\nexpires_in_days = 30\npolicy = \"https://example.com/policy\"\n",
    )
    .unwrap();
    let (code, _, err) = safeguard(
        dir.path(),
        &[
            "disclosure",
            "securitytxt",
            "generate",
            "-o",
            ".well-known/security.txt",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join(".well-known/security.txt")).unwrap();
    assert!(text.contains("\nContact: mailto:security@example.com\nPolicy: https://example.com/policy\nExpires: 2025-07-01T00:00:00Z\n"), "{text}");
    let (code, out, _) = safeguard(dir.path(), &["disclosure", "securitytxt", "check"]);
    assert_eq!(code, 0, "{out}");

    std::fs::write(
        dir.path().join("safeguard.toml"),
        "[disclosure]\ncontact = \"mailto:a@example.com\"\nemail = \"x\"\n",
    )
    .unwrap();
    let (code, _, err) = safeguard(dir.path(), &["disclosure", "securitytxt", "generate"]);
    assert_eq!(code, 2);
    assert!(err.contains("safeguard.toml:3:1"), "{err}");
}

#[test]
fn lint_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = safeguard(dir.path(), &["disclosure", "lint"]);
    assert_eq!(code, 1);
    assert!(err.contains("SECURITY.md"), "{err}");

    let complete = format!("{FIX}/lint/complete.md");
    let absent = format!("{FIX}/lint/absent.md");
    let (code, out, _) = safeguard(dir.path(), &["disclosure", "lint", &complete]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("confidential_channel"), "{out}");

    let (code, out, _) = safeguard(
        dir.path(),
        &["disclosure", "lint", &complete, &absent, "--format", "json"],
    );
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["missing_required"].as_array().unwrap().len(), 0);
    assert_eq!(
        v[1]["missing_required"],
        serde_json::json!([
            "confidential_channel",
            "scope",
            "acknowledgement_timeline",
            "response_timeline"
        ])
    );
    assert_eq!(v[0]["elements"][0]["line"], 13);

    std::fs::write(
        dir.path().join("SECURITY.md"),
        std::fs::read(&complete).unwrap(),
    )
    .unwrap();
    let (code, out, _) = safeguard(dir.path(), &["disclosure", "lint"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("SECURITY.md\n"), "{out}");
}
