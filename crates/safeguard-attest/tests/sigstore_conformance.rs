//! Sigstore bundles: the sigstore-conformance `bundle-verify` suite run through
//! [`verify_bundle`] fully offline, and round trips of the bundles Safeguard writes.

use std::path::{Path, PathBuf};

use safeguard_attest::bundle::{
    Artifact, BUNDLE_MEDIA_TYPE_V03, BundleError, Policy, PublicKey, SignedContent,
    dsse_bundle, sign_message_bundle, verify_bundle,
};

const CONFORMANCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/sigstore-conformance"
);

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn production_root() -> Vec<u8> {
    let path = Path::new(CONFORMANCE).join(
        "prod-and-staging-trust-roots-from-sigstore-python-4.5.1/tuf-repo-cdn.sigstore.dev/trusted_root.json",
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

/// Run one conformance case the way the suite's CLI protocol describes it.
fn run_case(dir: &Path, prod_root: &[u8]) -> Result<(), BundleError> {
    let bundle = std::fs::read(dir.join("bundle.sigstore.json")).expect("case has a bundle");
    let artifact_path = if dir.join("artifact").exists() {
        dir.join("artifact")
    } else {
        dir.parent().expect("case folder has a parent").join("a.txt")
    };
    let artifact = std::fs::read(&artifact_path).expect("artifact is readable");
    let trusted_root =
        std::fs::read(dir.join("trusted_root.json")).unwrap_or_else(|_| prod_root.to_vec());
    if let Some(pem) = read_trimmed(&dir.join("key.pub")) {
        let policy = Policy::Key {
            key: PublicKey::Pem(&pem),
            trusted_root_json: Some(trusted_root),
        };
        return verify_bundle(&bundle, Artifact::Bytes(&artifact), &policy).map(|_| ());
    }
    let policy = Policy::Keyless {
        trusted_root_json: trusted_root,
        certificate_identity: read_trimmed(&dir.join("identity"))
            .unwrap_or_else(|| DEFAULT_IDENTITY.to_owned()),
        certificate_oidc_issuer: read_trimmed(&dir.join("issuer"))
            .unwrap_or_else(|| DEFAULT_ISSUER.to_owned()),
    };
    verify_bundle(&bundle, Artifact::Bytes(&artifact), &policy).map(|_| ())
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(CONFORMANCE).join("test/assets/bundle-verify");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("bundle.sigstore.json").is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn conformance_bundle_verify_suite() {
    let prod_root = production_root();
    let cases = cases();
    assert_eq!(cases.len(), 35, "the suite's bundle-verify cases");
    let mut right = 0usize;
    let mut wrong = Vec::new();
    for dir in &cases {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let must_fail = name.ends_with("_fail");
        let outcome = run_case(dir, &prod_root);
        if let Err(e) = &outcome {
            assert!(
                e.to_string().starts_with("verification failed: "),
                "{name}: {e}"
            );
        }
        match (&outcome, must_fail) {
            (Ok(()), false) => right += 1,
            (Err(e), true) => {
                right += 1;
                println!("  {name} fails as it must: {e}");
            }
            (Ok(()), true) => wrong.push(format!("{name}: verified but must fail")),
            (Err(e), false) => wrong.push(format!("{name}: {e}")),
        }
    }
    println!("sigstore-conformance bundle-verify: {right}/{} right", cases.len());
    for w in &wrong {
        println!("  wrong: {w}");
    }
    assert!(wrong.is_empty(), "cases judged wrongly:\n{}", wrong.join("\n"));
}

/// Two chain cases also lack a checkpoint, which rejects them early; without their inclusion
/// proofs (v0.1 bundles may carry only the promise) they must still fail, on the chain.
#[test]
fn conformance_chain_cases_fail_on_the_chain_itself() {
    let prod_root = production_root();
    let artifact_dir = Path::new(CONFORMANCE).join("test/assets/bundle-verify");
    for (case, expected) in [
        ("bundle-empty-certificate-chain_fail", "no signing certificate"),
        ("bundle-with-root-cert_fail", "zzz"),
    ] {
        let dir = artifact_dir.join(case);
        let mut bundle: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("bundle.sigstore.json")).unwrap())
                .unwrap();
        for entry in bundle["verificationMaterial"]["tlogEntries"]
            .as_array_mut()
            .unwrap()
        {
            entry.as_object_mut().unwrap().remove("inclusionProof");
        }
        let artifact_path = if dir.join("artifact").exists() {
            dir.join("artifact")
        } else {
            artifact_dir.join("a.txt")
        };
        let artifact = std::fs::read(artifact_path).unwrap();
        let policy = Policy::Keyless {
            trusted_root_json: prod_root.clone(),
            certificate_identity: DEFAULT_IDENTITY.to_owned(),
            certificate_oidc_issuer: DEFAULT_ISSUER.to_owned(),
        };
        let err = verify_bundle(
            &serde_json::to_vec(&bundle).unwrap(),
            Artifact::Bytes(&artifact),
            &policy,
        )
        .unwrap_err();
        println!("{case}: {err}");
        assert!(err.to_string().contains(expected), "{case}: {err}");
    }
}
