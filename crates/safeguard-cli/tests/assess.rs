//! `safeguard assess` end to end: golden files for every export, schema validity,
//! determinism, strictness, imports and errors.

mod common;

use std::path::Path;

use common::*;

const REPORT_FILES: [&str; 7] = [
    "assessment.json",
    "self-assessment.yaml",
    "self-assessment.csv",
    "report.md",
    "report.html",
    "sbom.cdx.json",
    "sbom.spdx.json",
];

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compare with the golden copy; `UPDATE_GOLDEN=1` rewrites it instead.
fn check_golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if want != actual {
        let line = want
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(0, |i| i + 1);
        panic!(
            "{name} differs from {} at line {line}:\n  golden: {:?}\n  actual: {:?}\n(run with UPDATE_GOLDEN=1 to accept)",
            path.display(),
            want.lines().nth(line.saturating_sub(1)).unwrap_or(""),
            actual.lines().nth(line.saturating_sub(1)).unwrap_or("")
        );
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn exports_match_golden_files_and_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let out = tmp.path().join("report");
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in REPORT_FILES {
        check_golden(f, &read(&out, f));
    }
    check_golden(
        "assess-stdout.txt",
        &stdout(&o).replace(out.to_str().unwrap(), "<OUT>"),
    );

    // assessment.json is valid against the published schema.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assessment.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&read(&out, "assessment.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is strict enough to catch a broken document.
    let mut broken = doc.clone();
    broken["claims"][0]["status"] = "done".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn statuses_follow_the_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let out = tmp.path().join("report");
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let status = |id: &str| {
        a["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("1.1.4"), "met"); // everything committed
    assert_eq!(status("1.3.2"), "met"); // tests + CI running cargo test
    assert_eq!(status("1.4.1"), "partially_met"); // api.proto changed after the threat model
    // SECURITY.md gives an acknowledgement time but no remediation timeline, which the
    // disclosure-policy lint requires.
    assert_eq!(status("3.2.1"), "partially_met");
    assert_eq!(status("3.2.2"), "met");
    assert_eq!(status("1.1.2"), "met"); // manual evidence, digest matched
    assert_eq!(status("2.1.6"), "partially_met"); // manual evidence expired 2025-12-31
    assert_eq!(status("4.3.1"), "met"); // URL without a digest, and the argument says so
    assert_eq!(status("1.2.1"), "met"); // one crate, Cargo.lock covers Cargo.toml
    assert_eq!(status("1.2.2"), "met"); // its checksum is in Cargo.lock
    // The SBOM is in the report folder, and the composition evidence cites it by digest.
    let composition = a["evidence"]
        .as_object()
        .unwrap()
        .values()
        .find(|e| e["kind"] == "composition")
        .expect("composition evidence");
    assert_eq!(composition["facts"]["components"], 1);
    let cited: Vec<(String, String)> = composition["artefacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(cited.len(), 2);
    for (path, digest) in &cited {
        let name = path.strip_prefix("report:").expect("a report artefact");
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(&safeguard_model::sha256_bytes(&bytes), digest, "{name}");
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let text = doc.to_string();
        assert!(text.contains("pkg:cargo/itoa@1.0.11"), "{name}");
    }
    let arg = |id: &str| {
        a["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["argument"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(arg("1.4.1").contains("proto/api.proto"), "{}", arg("1.4.1"));
    assert!(
        arg("2.1.6").contains("expired on 2025-12-31"),
        "{}",
        arg("2.1.6")
    );
    assert!(
        arg("4.3.1").contains("no digest is recorded"),
        "{}",
        arg("4.3.1")
    );
    // Every cited id resolves to a record in the document.
    for c in a["claims"].as_array().unwrap() {
        for id in c["evidence"].as_array().unwrap() {
            assert!(
                a["evidence"].get(id.as_str().unwrap()).is_some(),
                "{id} cited by {} is missing",
                c["id"]
            );
        }
        let met = c["status"] == "met" || c["status"] == "partially_met";
        assert!(
            !met || !c["evidence"].as_array().unwrap().is_empty(),
            "{} is {} without evidence",
            c["id"],
            c["status"]
        );
    }
    assert_eq!(a["scope"]["sro"]["name"], "Grace Hopper");
    assert_eq!(a["brief"].as_array().unwrap().len(), 14);
}

#[test]
fn two_runs_give_identical_files_even_with_the_report_inside_the_repo() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    // Default --out (safeguard-report/) inside the repo, and a changed ledger in between.
    let first = safeguard(&repo, &["assess"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let a: Vec<String> = REPORT_FILES
        .iter()
        .map(|f| read(&repo.join("safeguard-report"), f))
        .collect();
    std::fs::remove_file(repo.join(".gitignore")).unwrap(); // report and ledger now untracked files
    git(
        &repo,
        &["checkout", "-q", "--", ".gitignore"],
        "2025-06-01T09:00:00Z",
    );
    let second = safeguard(&repo, &["assess"]);
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    let b: Vec<String> = REPORT_FILES
        .iter()
        .map(|f| read(&repo.join("safeguard-report"), f))
        .collect();
    for (i, f) in REPORT_FILES.iter().enumerate() {
        assert!(a[i] == b[i], "{f} differs between runs");
    }
    // The second run found every record already in the ledger.
    assert!(stdout(&second).contains("(0 new)"), "{}", stdout(&second));
}

#[test]
fn report_and_ledger_are_not_counted_as_untracked_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    std::fs::write(repo.join(".gitignore"), "/target\n").unwrap();
    git(
        &repo,
        &["commit", "-q", "-am", "narrower ignore"],
        "2025-06-02T09:00:00Z",
    );
    for _ in 0..2 {
        let o = safeguard(&repo, &["assess", "--format", "json"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let a: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let vcs = a["evidence"]
            .as_object()
            .unwrap()
            .values()
            .find(|e| e["kind"] == "vcs")
            .unwrap();
        assert_eq!(vcs["facts"]["untracked_files"], 0, "{vcs:#}");
    }
}

#[test]
fn strict_fails_when_a_claim_is_short_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            "r",
            "--strict",
            "-q",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1.4.1 (partially met)"),
        "{}",
        stderr(&o)
    );
    // Reseller: themes 1 and 2 are out of scope and not counted.
    let cfg = std::fs::read_to_string(repo.join("safeguard.toml"))
        .unwrap()
        .replace("developer-and-distributor", "reseller");
    std::fs::write(repo.join("safeguard.toml"), cfg).unwrap();
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            "r",
            "--format",
            "json",
        ],
    );
    let a: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(a["summary"]["counts"]["not_applicable"], 29);
    assert_eq!(a["themes"][0]["status"], "not_applicable");
}

#[test]
fn import_merges_a_hand_written_self_assessment() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/self-assessment-example.yaml");
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            "r",
            "--format",
            "json",
            "--import",
            example.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let claim = |id: &str| {
        a["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    // Brief principle 3 (SBOM, vetting) covers 1.2.x and 3.3.1; declared implemented.
    assert_eq!(claim("1.2.1")["status"], "met");
    assert!(
        claim("1.2.1")["argument"]
            .as_str()
            .unwrap()
            .contains("self-assessment-example.yaml")
    );
    // Brief principle 8 covers 3.3.x and 3.5.1.
    assert_eq!(claim("3.5.1")["status"], "met");
    // Not covered by the import.
    assert_eq!(claim("4.1.1")["status"], "needs_manual_evidence");
}

#[test]
fn errors_name_the_file_and_place_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());

    // Unknown principle id in an import.
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "vendor: V\nassessment_date: 2025-09-15\nassessment_scope:\n  product_lines: [a]\nprinciples:\n  - id: 15\n    theme: secure_design\n    statement: s\n    evidence: []\n    status: implemented\n").unwrap();
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            "r",
            "--import",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("bad.yaml:6:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("15"), "{}", stderr(&o));

    // Unknown claim id in the manual register.
    let cfg = std::fs::read_to_string(repo.join("safeguard.toml")).unwrap();
    std::fs::write(
        repo.join("safeguard.toml"),
        cfg.replace("claims = [\"4.3.1\"]", "claims = [\"4.3.9\"]"),
    )
    .unwrap();
    let o = safeguard(
        tmp.path(),
        &["assess", repo.to_str().unwrap(), "--out", "r"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("safeguard.toml:46:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("4.3.9"), "{}", stderr(&o));

    // Malformed TOML.
    std::fs::write(repo.join("safeguard.toml"), "[vendor\nname = 1\n").unwrap();
    let o = safeguard(
        tmp.path(),
        &["assess", repo.to_str().unwrap(), "--out", "r"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("safeguard.toml:1:"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));

    // Unreadable path.
    let o = safeguard(
        tmp.path(),
        &["assess", "/nonexistent/definitely-not-here", "--out", "r"],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("/nonexistent/definitely-not-here"),
        "{}",
        stderr(&o)
    );

    // Unreadable import.
    std::fs::write(repo.join("safeguard.toml"), "").unwrap();
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            "r",
            "--import",
            "missing.yaml",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.yaml"), "{}", stderr(&o));

    // Bad usage.
    let o = safeguard(tmp.path(), &["assess", "--format", "xml"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn signed_release_meets_3_1_1_and_validates_against_the_schema() {
    use safeguard_attest::intoto::ResourceDescriptor;
    use safeguard_attest::provenance::{self, ProvenanceInput};
    use safeguard_attest::signer::{Algorithm, Signer};
    use safeguard_attest::{bundle, dsse, hash, keys};

    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let key = keys::generate(Algorithm::EcdsaP256Sha256).unwrap();
    write(&repo, "keys/release.pub", &key.public_key().to_pem());
    write(&repo, "dist/acme-server-4.2.0.tar.gz", "release bytes");
    let data = std::fs::read(repo.join("dist/acme-server-4.2.0.tar.gz")).unwrap();
    let digest = hash::sha256(&data);
    let sig = bundle::sign_message_bundle(digest, &data, &key).unwrap();
    write(
        &repo,
        "dist/acme-server-4.2.0.tar.gz.sigstore.json",
        &sig.to_string(),
    );
    let statement = provenance::build(&ProvenanceInput {
        subjects: vec![ResourceDescriptor::sha256(
            "acme-server-4.2.0.tar.gz",
            &digest,
        )],
        hostname: Some("builder".into()),
        ..ProvenanceInput::default()
    });
    let env = dsse::sign(
        dsse::INTOTO_PAYLOAD_TYPE,
        statement.to_json().as_bytes(),
        &[&key as &dyn Signer],
    )
    .unwrap();
    let b = bundle::dsse_bundle(serde_json::from_str(&env.to_json()).unwrap(), key.key_id());
    write(&repo, "dist/provenance.sigstore.json", &b.to_string());
    write(
        &repo,
        "VERIFY.md",
        "Run `safeguard verify acme-server-4.2.0.tar.gz --bundle acme-server-4.2.0.tar.gz.sigstore.json --key release.pub`.\n",
    );
    let toml = std::fs::read_to_string(repo.join("safeguard.toml")).unwrap();
    write(
        &repo,
        "safeguard.toml",
        &format!(
            "{toml}\n[release]\nartifacts = [\"dist/*.tar.gz\"]\npublic_keys = [\"keys/release.pub\"]\nprovenance = [\"dist/provenance.sigstore.json\"]\nbuilder_id = \"local:builder\"\n"
        ),
    );
    let out = tmp.path().join("report");
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let claim = |id: &str| {
        doc["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let c = claim("3.1.1");
    assert_eq!(c["status"], "met", "{c}");
    assert!(
        c["argument"]
            .as_str()
            .unwrap()
            .contains("`VERIFY.md:1 safeguard verify`"),
        "{c}"
    );
    let c = claim("2.2.1");
    assert!(
        c["argument"]
            .as_str()
            .unwrap()
            .contains("names the builder (`local:builder with build type"),
        "{c}"
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assessment.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The releases record is there and the schema checks its facts.
    let mut broken = doc.clone();
    let rel = broken["evidence"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|e| e["kind"] == "releases")
        .expect("a releases record");
    rel["facts"]["artifacts"][0]["signature"]["status"] = "fine".into();
    assert!(!validator.is_valid(&broken));
}
