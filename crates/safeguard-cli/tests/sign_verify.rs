//! `safeguard key`, `sign`, `verify` and the sigstore-conformance CLI protocol, end to end.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{code, stderr, stdout};

const PASS: &str = "correct horse battery staple";

fn sg(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .current_dir(cwd)
        .args(args)
        .env("SAFEGUARD_KEY_PASSWORD", PASS)
        .env("SAFEGUARD_DB", "/nonexistent/safeguard-test/osv.db")
        .output()
        .unwrap()
}

#[test]
fn generate_sign_verify_and_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("app.bin"), b"release 1.2.3\n").unwrap();
    for (alg, name) in [("ed25519", "ed"), ("ecdsa-p256", "ec")] {
        let key = format!("{name}.key");
        let o = sg(d, &["key", "generate", "--algorithm", alg, "-o", &key]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let key_id = stdout(&o).trim().to_string();
        assert_eq!(key_id.len(), 64);
        let pem = std::fs::read_to_string(d.join(&key)).unwrap();
        assert!(
            pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{pem}"
        );
        let o = sg(d, &["key", "public", &key]);
        assert_eq!(
            stdout(&o),
            std::fs::read_to_string(d.join(format!("{name}.pub"))).unwrap()
        );
    }
    let o = sg(d, &["sign", "app.bin", "--key", "ed.key"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bundle_path = d.join("app.bin.sigstore.json");
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundle_path).unwrap()).unwrap();
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    let verify = |key: &str| {
        sg(
            d,
            &[
                "verify",
                "app.bin",
                "--bundle",
                "app.bin.sigstore.json",
                "--key",
                key,
            ],
        )
    };
    let o = verify("ed.pub");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("verified: "), "{}", stdout(&o));

    // A wrong key.
    let o = verify("ec.pub");
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: "),
        "{}",
        stderr(&o)
    );

    // One flipped byte in the signature.
    let mut flipped = bundle.clone();
    let sig = flipped["messageSignature"]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let mut chars: Vec<char> = sig.chars().collect();
    chars[4] = if chars[4] == 'A' { 'B' } else { 'A' };
    flipped["messageSignature"]["signature"] = chars.into_iter().collect::<String>().into();
    std::fs::write(&bundle_path, serde_json::to_vec(&flipped).unwrap()).unwrap();
    let o = verify("ed.pub");
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: "),
        "{}",
        stderr(&o)
    );

    // One flipped byte in the artefact.
    std::fs::write(&bundle_path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    std::fs::write(d.join("app.bin"), b"release 1.2.4\n").unwrap();
    let o = verify("ed.pub");
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("digest"), "{}", stderr(&o));

    // A wrong passphrase is an error naming the key file, not a panic.
    let o = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .current_dir(d)
        .args(["sign", "app.bin", "--key", "ed.key"])
        .env("SAFEGUARD_KEY_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("ed.key"), "{}", stderr(&o));
}

const CONFORMANCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/sigstore-conformance"
);
const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Every bundle-verify case of the sigstore-conformance suite through the conformance CLI
/// protocol (`safeguard sigstore verify-bundle …`): `*_fail` cases exit non-zero, the others 0.
/// Cases without their own trusted root use the production root built into the binary.
#[test]
fn sigstore_conformance_cli_protocol() {
    let base = PathBuf::from(CONFORMANCE).join("test/assets/bundle-verify");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("bundle.sigstore.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let artifact = if dir.join("artifact").exists() {
            dir.join("artifact")
        } else {
            base.join("a.txt")
        };
        let mut args: Vec<String> = vec![
            "sigstore".into(),
            "verify-bundle".into(),
            "--bundle".into(),
            dir.join("bundle.sigstore.json").display().to_string(),
        ];
        if dir.join("key.pub").exists() {
            args.extend(["--key".into(), dir.join("key.pub").display().to_string()]);
        } else {
            let read = |f: &str, d: &str| {
                std::fs::read_to_string(dir.join(f))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_else(|_| d.to_string())
            };
            args.extend([
                "--certificate-identity".into(),
                read("identity", IDENTITY),
                "--certificate-oidc-issuer".into(),
                read("issuer", ISSUER),
            ]);
        }
        if dir.join("trusted_root.json").exists() {
            args.extend([
                "--trusted-root".into(),
                dir.join("trusted_root.json").display().to_string(),
            ]);
        }
        args.push(artifact.display().to_string());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = sg(dir, &refs);
        let should_fail = name.ends_with("_fail");
        let failed = code(&o) != 0;
        if failed != should_fail {
            wrong.push(format!("{name}: exit {} {}", code(&o), stderr(&o).trim()));
        }
        if failed {
            assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
            assert!(
                stderr(&o).starts_with("verification failed: "),
                "{name}: {}",
                stderr(&o)
            );
        }
    }
    eprintln!(
        "sigstore-conformance via the CLI protocol: {}/{} right",
        cases.len() - wrong.len(),
        cases.len()
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn provenance_attestation_and_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("app.tar.gz"), b"artefact bytes").unwrap();
    let o = sg(d, &["key", "generate", "-o", "rel.key"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .current_dir(d)
        .args([
            "attest",
            "provenance",
            "--subject",
            "app.tar.gz",
            "--key",
            "rel.key",
            "-o",
            "prov.json",
        ])
        .env_clear()
        .env("SAFEGUARD_KEY_PASSWORD", PASS)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/app")
        .env(
            "GITHUB_WORKFLOW_REF",
            "acme/app/.github/workflows/release.yml@refs/tags/v1.2.0",
        )
        .env("GITHUB_REF", "refs/tags/v1.2.0")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_RUN_ATTEMPT", "1")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let builder = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0";
    let check = |extra: &[&str]| {
        let mut args = vec![
            "verify-attestation",
            "app.tar.gz",
            "--bundle",
            "prov.json",
            "--key",
            "rel.pub",
        ];
        args.extend_from_slice(extra);
        sg(d, &args)
    };
    let o = check(&[
        "--builder-id",
        builder,
        "--source-uri",
        "github.com/acme/app",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = check(&[
        "--builder-id",
        "https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: builder id mismatch"),
        "{}",
        stderr(&o)
    );
    let o = check(&["--source-uri", "github.com/evil/app"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: "),
        "{}",
        stderr(&o)
    );
    // A different artefact is not a subject.
    std::fs::write(d.join("app.tar.gz"), b"other bytes").unwrap();
    let o = check(&[]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn repro_reports_the_first_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("in.txt"), b"same\n").unwrap();
    let o = sg(
        d,
        &[
            "repro",
            "--artifact",
            "out/*",
            "--format",
            "json",
            "--",
            "sh",
            "-c",
            "mkdir -p out; cp in.txt out/a; printf 'built in %s' \"$PWD\" > out/b",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["reproducible"], false);
    assert_eq!(r["artifacts"][0]["path"], "out/a");
    assert_eq!(r["artifacts"][0]["status"], "identical");
    assert_eq!(r["artifacts"][1]["status"], "differs");
    assert!(r["artifacts"][1]["first_difference"].as_u64().unwrap() >= 9);
    let o = sg(
        d,
        &[
            "repro",
            "--artifact",
            "out/a",
            "--",
            "sh",
            "-c",
            "mkdir -p out; cp in.txt out/a",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("Reproducible"));
    let o = sg(
        d,
        &["repro", "--artifact", "out/a", "--", "sh", "-c", "exit 3"],
    );
    assert_eq!(code(&o), 2);
}
