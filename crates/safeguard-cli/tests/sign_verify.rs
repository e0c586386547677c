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
    std::fs::write(d.join("Cargo.lock"), CARGO_LOCK).unwrap();
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
    // The lockfile's component is a resolved dependency, with its checksum.
    let st = statement_of(&d.join("prov.json"));
    let deps = st["predicate"]["buildDefinition"]["resolvedDependencies"]
        .as_array()
        .unwrap();
    let itoa = deps
        .iter()
        .find(|r| r["uri"] == "pkg:cargo/itoa@1.0.11")
        .unwrap_or_else(|| panic!("{deps:?}"));
    assert_eq!(itoa["digest"]["sha256"], ITOA_SHA256);
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

const ITOA_SHA256: &str = "49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b";
const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b\"\n";

/// The in-toto statement inside an attestation bundle (not verified: the tests verify with the
/// CLI).
fn statement_of(bundle: &Path) -> serde_json::Value {
    use base64::Engine as _;
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(bundle).unwrap()).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(b["dsseEnvelope"]["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

fn verify_att(d: &Path, file: &str, bundle: &str, predicate_type: Option<&str>) -> Output {
    let mut args = vec![
        "verify-attestation",
        file,
        "--bundle",
        bundle,
        "--key",
        "rel.pub",
    ];
    if let Some(t) = predicate_type {
        args.extend(["--predicate-type", t]);
    }
    sg(d, &args)
}

#[test]
fn sbom_attestations() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("app.tar.gz"), b"artefact bytes").unwrap();
    std::fs::write(d.join("Cargo.lock"), CARGO_LOCK).unwrap();
    assert_eq!(code(&sg(d, &["key", "generate", "-o", "rel.key"])), 0);
    let cdx = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"zlib","version":"1.3.1","purl":"pkg:generic/zlib@1.3.1"}]}"#;
    std::fs::write(d.join("app.cdx.json"), cdx).unwrap();
    let spdx = r#"{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"app","documentNamespace":"https://example.com/app","creationInfo":{"created":"2025-01-01T00:00:00Z","creators":["Tool: x"]},"packages":[]}"#;
    std::fs::write(d.join("app.spdx.json"), spdx).unwrap();

    // A given CycloneDX SBOM is the predicate, as it is.
    let o = sg(
        d,
        &[
            "attest",
            "sbom",
            "--subject",
            "app.tar.gz",
            "--sbom",
            "app.cdx.json",
            "--key",
            "rel.key",
            "-o",
            "cdx.att.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let st = statement_of(&d.join("cdx.att.json"));
    assert_eq!(st["predicateType"], "https://cyclonedx.org/bom");
    assert_eq!(
        st["predicate"],
        serde_json::from_str::<serde_json::Value>(cdx).unwrap()
    );
    let o = verify_att(
        d,
        "app.tar.gz",
        "cdx.att.json",
        Some("https://cyclonedx.org/bom"),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("https://cyclonedx.org/bom"),
        "{}",
        stdout(&o)
    );
    // The default policy asks for SLSA provenance.
    let o = verify_att(d, "app.tar.gz", "cdx.att.json", None);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: predicate type mismatch"),
        "{}",
        stderr(&o)
    );

    // SPDX 2.3 gets the versioned type.
    let o = sg(
        d,
        &[
            "attest",
            "sbom",
            "--subject",
            "app.tar.gz",
            "--sbom",
            "app.spdx.json",
            "--key",
            "rel.key",
            "-o",
            "spdx.att.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        statement_of(&d.join("spdx.att.json"))["predicateType"],
        "https://spdx.dev/Document/v2.3"
    );
    let o = verify_att(
        d,
        "app.tar.gz",
        "spdx.att.json",
        Some("https://spdx.dev/Document/v2.3"),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Without --sbom: a CycloneDX SBOM of the repository's lockfiles.
    let o = sg(
        d,
        &[
            "attest",
            "sbom",
            "--subject",
            "app.tar.gz",
            "--key",
            "rel.key",
            "-o",
            "gen.att.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let st = statement_of(&d.join("gen.att.json"));
    assert_eq!(st["predicate"]["bomFormat"], "CycloneDX");
    let purls: Vec<&str> = st["predicate"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(purls, ["pkg:cargo/itoa@1.0.11"]);

    // Not an SBOM: a clear error naming the file, and nothing written.
    std::fs::write(d.join("notes.json"), r#"{"hello": "world"}"#).unwrap();
    let o = sg(
        d,
        &[
            "attest",
            "sbom",
            "--subject",
            "app.tar.gz",
            "--sbom",
            "notes.json",
            "--key",
            "rel.key",
            "-o",
            "bad.att.json",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("notes.json: not a CycloneDX or SPDX JSON document"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("bad.att.json").exists());
    std::fs::write(d.join("trunc.json"), &cdx[..40]).unwrap();
    let o = sg(
        d,
        &[
            "attest",
            "sbom",
            "--subject",
            "app.tar.gz",
            "--sbom",
            "trunc.json",
            "--key",
            "rel.key",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("trunc.json: not a JSON object"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_predicate_that_contradicts_its_type_fails_verification() {
    use safeguard_attest::{
        bundle, dsse,
        intoto::{ResourceDescriptor, Statement},
        keys,
    };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("app.tar.gz"), b"artefact bytes").unwrap();
    let key = keys::generate(safeguard_attest::signer::Algorithm::Ed25519).unwrap();
    std::fs::write(d.join("rel.pub"), key.public_key().to_pem()).unwrap();
    let digest = safeguard_attest::hash::sha256(b"artefact bytes");
    let predicate = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6"});
    let st = Statement::new(
        vec![ResourceDescriptor::sha256("app.tar.gz", &digest)],
        "https://spdx.dev/Document/v2.3",
        predicate.as_object().unwrap().clone(),
    );
    let env = dsse::sign(dsse::INTOTO_PAYLOAD_TYPE, st.to_json().as_bytes(), &[&key]).unwrap();
    let b = bundle::dsse_bundle(serde_json::from_str(&env.to_json()).unwrap(), key.key_id());
    std::fs::write(d.join("lie.json"), b.to_string()).unwrap();
    let o = verify_att(
        d,
        "app.tar.gz",
        "lie.json",
        Some("https://spdx.dev/Document/v2.3"),
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(
        stderr(&o).trim(),
        "verification failed: the https://spdx.dev/Document/v2.3 predicate is not valid: the predicate type is https://spdx.dev/Document/v2.3 but the predicate is CycloneDX 1.6"
    );
}

fn scan_report(newest_modified: &str) -> String {
    format!(
        r#"{{"target":".","tool_version":"0.1.0","scanned_at":"2026-11-20T10:00:00Z",
        "db":{{"path":"osv.db","records":1234,"newest_modified":{newest_modified}}},"components":2,
        "findings":[
          {{"component":{{"ecosystem":"crates.io","name":"itoa","version":"1.0.11","purl":"pkg:cargo/itoa@1.0.11","relationship":"direct"}},
           "id":"GHSA-aaaa-bbbb-cccc","aliases":["CVE-2099-0001"],"severity":{{"rating":"high","score":7.5,"vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N","cvss_version":"3.1","source":"cvss"}},"upgrade_to":"1.0.12","modified":"2026-11-01T00:00:00Z"}},
          {{"component":{{"ecosystem":"crates.io","name":"ryu","version":"1.0.0","purl":"pkg:cargo/ryu@1.0.0","relationship":"direct"}},
           "id":"RUSTSEC-2099-0002","severity":{{"rating":null,"source":"unknown"}},"modified":"2026-11-01T00:00:00Z",
           "suppressed":{{"kind":"vex","file":"t.json","status":"not_affected"}}}}
        ]}}"#
    )
}

#[test]
fn scan_attestations() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("app.tar.gz"), b"artefact bytes").unwrap();
    assert_eq!(code(&sg(d, &["key", "generate", "-o", "rel.key"])), 0);
    std::fs::write(d.join("scan.json"), scan_report("\"2026-11-19T23:00:00Z\"")).unwrap();
    let o = sg(
        d,
        &[
            "attest",
            "scan",
            "--subject",
            "app.tar.gz",
            "--report",
            "scan.json",
            "--key",
            "rel.key",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let st = statement_of(&d.join("scan.sigstore.json"));
    assert_eq!(
        st["predicateType"],
        "https://in-toto.io/attestation/vulns/v0.2"
    );
    let p = &st["predicate"];
    assert_eq!(p["scanner"]["db"]["lastUpdate"], "2026-11-19T23:00:00Z");
    assert_eq!(p["metadata"]["scanFinishedOn"], "2026-11-20T10:00:00Z");
    // The suppressed finding is left out; the open one carries its scores.
    let result = p["scanner"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 1, "{result:?}");
    assert_eq!(result[0]["id"], "GHSA-aaaa-bbbb-cccc");
    assert_eq!(
        result[0]["severity"],
        serde_json::json!([
            {"method": "rating", "score": "high"},
            {"method": "cvss_score", "score": "7.5"},
            {"method": "cvss_vector", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}
        ])
    );
    assert_eq!(result[0]["annotations"][0]["fixedVersion"], "1.0.12");
    let o = verify_att(
        d,
        "app.tar.gz",
        "scan.sigstore.json",
        Some("https://in-toto.io/attestation/vulns/v0.2"),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Tampering with the payload (one flipped character in the base64) fails.
    let mut b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("scan.sigstore.json")).unwrap()).unwrap();
    let payload = b["dsseEnvelope"]["payload"].as_str().unwrap().to_string();
    let mut chars: Vec<char> = payload.chars().collect();
    chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
    b["dsseEnvelope"]["payload"] = chars.into_iter().collect::<String>().into();
    std::fs::write(d.join("tampered.json"), b.to_string()).unwrap();
    let o = verify_att(
        d,
        "app.tar.gz",
        "tampered.json",
        Some("https://in-toto.io/attestation/vulns/v0.2"),
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("verification failed: "),
        "{}",
        stderr(&o)
    );

    // A database that does not say when it was updated cannot make a vulns predicate.
    std::fs::write(d.join("old.json"), scan_report("null")).unwrap();
    let o = sg(
        d,
        &[
            "attest",
            "scan",
            "--subject",
            "app.tar.gz",
            "--report",
            "old.json",
            "--key",
            "rel.key",
            "-o",
            "old.att.json",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("old.json")
            && stderr(&o).contains("does not say when it was last updated"),
        "{}",
        stderr(&o)
    );
    // Not a scan report.
    std::fs::write(d.join("junk.json"), "[1, 2").unwrap();
    let o = sg(
        d,
        &[
            "attest",
            "scan",
            "--subject",
            "app.tar.gz",
            "--report",
            "junk.json",
            "--key",
            "rel.key",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("junk.json: not a `safeguard scan --format json` report"),
        "{}",
        stderr(&o)
    );
}

/// Files of 64 MiB and more are memory-mapped rather than read: sign and verify one of 65 MiB
/// (sparse, so cheap to make) with both key types, then change its last byte.
#[test]
fn large_artefacts_are_mapped() {
    use std::io::Write as _;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let big = d.join("big.img");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(65 << 20).unwrap();
    drop(f);
    let mut f = std::fs::OpenOptions::new().append(true).open(&big).unwrap();
    f.write_all(b"tail").unwrap();
    drop(f);
    for (alg, name) in [("ed25519", "ed"), ("ecdsa-p256", "ec")] {
        let key = format!("{name}.key");
        let o = sg(d, &["key", "generate", "--algorithm", alg, "-o", &key]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let o = sg(
            d,
            &[
                "sign",
                "big.img",
                "--key",
                &key,
                "--suffix",
                &format!(".{name}.json"),
            ],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let bundle = format!("big.img.{name}.json");
        let pubkey = format!("{name}.pub");
        let o = sg(
            d,
            &["verify", "big.img", "--bundle", &bundle, "--key", &pubkey],
        );
        assert_eq!(code(&o), 0, "{alg}: {}", stderr(&o));
    }
    let mut f = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
    std::io::Seek::seek(&mut f, std::io::SeekFrom::End(-1)).unwrap();
    f.write_all(b"X").unwrap();
    drop(f);
    for name in ["ed", "ec"] {
        let bundle = format!("big.img.{name}.json");
        let pubkey = format!("{name}.pub");
        let o = sg(
            d,
            &["verify", "big.img", "--bundle", &bundle, "--key", &pubkey],
        );
        assert_eq!(code(&o), 1, "{name}");
        assert!(
            stderr(&o).starts_with("verification failed: "),
            "{}",
            stderr(&o)
        );
    }
}

/// `sign` and `attest` through an external signer program (an OpenSSL key behind the protocol),
/// verified with the public key it reports.
#[test]
fn external_signer_program_through_the_cli() {
    let have_openssl = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_openssl {
        assert_ne!(
            std::env::var("SAFEGUARD_INTEROP").as_deref(),
            Ok("1"),
            "SAFEGUARD_INTEROP=1 but `openssl` cannot be run"
        );
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED external_signer_program_through_the_cli: `openssl` cannot be run"
        );
        return;
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../safeguard-attest/tests/fixtures/keys/openssl-signer.sh"
    );
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("app.bin"), b"release 2.0.0\n").unwrap();
    for (alg, name) in [
        (safeguard_attest::signer::Algorithm::Ed25519, "ed25519"),
        (safeguard_attest::signer::Algorithm::EcdsaP256Sha256, "p256"),
    ] {
        let key = safeguard_attest::keys::generate(alg).unwrap();
        std::fs::write(
            d.join("hsm.pem"),
            key.to_unencrypted_pem().unwrap().as_str(),
        )
        .unwrap();
        std::fs::write(d.join("rel.pub"), key.public_key().to_pem()).unwrap();
        let program = [
            "--signer-program",
            "/bin/sh",
            "--signer-arg",
            script,
            "--signer-arg",
            "hsm.pem",
            "--signer-arg",
            name,
        ];
        let mut args = vec!["sign", "app.bin"];
        args.extend(program);
        let o = sg(d, &args);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        let o = sg(
            d,
            &[
                "verify",
                "app.bin",
                "--bundle",
                "app.bin.sigstore.json",
                "--key",
                "rel.pub",
            ],
        );
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));

        let mut args = vec![
            "attest",
            "provenance",
            "--subject",
            "app.bin",
            "--no-components",
        ];
        args.extend(program);
        let o = sg(d, &args);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        let o = verify_att(d, "app.bin", "provenance.sigstore.json", None);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        assert!(stdout(&o).contains(key.key_id()), "{}", stdout(&o));
    }
}
