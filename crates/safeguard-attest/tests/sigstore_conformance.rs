//! Sigstore bundles: the sigstore-conformance `bundle-verify` suite run through
//! [`verify_bundle`] fully offline, and round trips of the bundles Safeguard writes.

use std::path::{Path, PathBuf};

use safeguard_attest::bundle::{
    Artifact, BUNDLE_MEDIA_TYPE_V03, BundleError, Policy, PublicKey, SignedContent, dsse_bundle,
    sign_message_bundle, verify_bundle,
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
        dir.parent()
            .expect("case folder has a parent")
            .join("a.txt")
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
    println!(
        "sigstore-conformance bundle-verify: {right}/{} right",
        cases.len()
    );
    for w in &wrong {
        println!("  wrong: {w}");
    }
    assert!(
        wrong.is_empty(),
        "cases judged wrongly:\n{}",
        wrong.join("\n")
    );
}

/// Two chain cases also lack a checkpoint, which rejects them early; without their inclusion
/// proofs (v0.1 bundles may carry only the promise) they must still fail, on the chain.
#[test]
fn conformance_chain_cases_fail_on_the_chain_itself() {
    let prod_root = production_root();
    let artifact_dir = Path::new(CONFORMANCE).join("test/assets/bundle-verify");
    for (case, expected) in [
        (
            "bundle-empty-certificate-chain_fail",
            "no signing certificate",
        ),
        (
            "bundle-with-root-cert_fail",
            "is a root (self-issued) certificate",
        ),
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

// ---------------------------------------------------------------------------------------------
// Bundles Safeguard writes, verified with a key: test-only signers over ed25519-dalek and p256.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use pkcs8::EncodePublicKey as _;
use safeguard_attest::signer::{Algorithm, SignError, Signer, Verifier};
use sha2::{Digest as _, Sha256};

enum TestKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl TestKey {
    fn ed25519(seed: u8) -> Self {
        Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }
    fn p256(seed: u8) -> Self {
        Self::P256(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("valid scalar"))
    }
    fn spki_der(&self) -> Vec<u8> {
        match self {
            Self::Ed25519(k) => k.verifying_key().to_public_key_der(),
            Self::P256(k) => k.verifying_key().to_public_key_der(),
        }
        .expect("SPKI encodes")
        .as_bytes()
        .to_vec()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Signer for TestKey {
    fn key_id(&self) -> String {
        hex(&Sha256::digest(self.spki_der()))
    }
    fn algorithm(&self) -> Algorithm {
        match self {
            Self::Ed25519(_) => Algorithm::Ed25519,
            Self::P256(_) => Algorithm::EcdsaP256Sha256,
        }
    }
    fn public_key_pem(&self) -> String {
        let line = pkcs8::LineEnding::LF;
        match self {
            Self::Ed25519(k) => k.verifying_key().to_public_key_pem(line),
            Self::P256(k) => k.verifying_key().to_public_key_pem(line),
        }
        .expect("PEM encodes")
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(match self {
            Self::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                k.sign(message).to_bytes().to_vec()
            }
            Self::P256(k) => {
                use p256::ecdsa::signature::Signer as _;
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
        })
    }
}

impl Verifier for TestKey {
    fn key_id(&self) -> String {
        Signer::key_id(self)
    }
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Ed25519(k) => {
                use ed25519_dalek::Verifier as _;
                ed25519_dalek::Signature::from_slice(signature)
                    .is_ok_and(|sig| k.verifying_key().verify(message, &sig).is_ok())
            }
            Self::P256(k) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|sig| k.verifying_key().verify(message, &sig).is_ok())
            }
        }
    }
}

const ARTIFACT: &[u8] = b"safeguard release 1.2.3\n";

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn key_policy(key: &TestKey) -> Policy<'_> {
    Policy::Key {
        key: PublicKey::Verifier(key),
        trusted_root_json: None,
    }
}

fn pem_policy(pem: &str) -> Policy<'_> {
    Policy::Key {
        key: PublicKey::Pem(pem),
        trusted_root_json: None,
    }
}

fn to_bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON serialises")
}

fn flip_base64(value: &mut serde_json::Value, index: usize) {
    let mut bytes = B64
        .decode(value.as_str().expect("base64 string"))
        .expect("base64");
    bytes[index] ^= 0x01;
    *value = serde_json::Value::String(B64.encode(bytes));
}

fn expect_failure(result: Result<safeguard_attest::bundle::Verified, BundleError>, needle: &str) {
    let err = result.expect_err("verification must fail");
    let text = err.to_string();
    assert!(text.starts_with("verification failed: "), "{text}");
    assert!(text.contains(needle), "expected {needle:?} in {text:?}");
}

#[test]
fn message_bundle_has_the_v03_shape() {
    let key = TestKey::p256(7);
    let bundle = sign_message_bundle(sha256(ARTIFACT), ARTIFACT, &key).unwrap();
    assert_eq!(bundle["mediaType"], BUNDLE_MEDIA_TYPE_V03);
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        bundle["verificationMaterial"]["publicKey"]["hint"],
        Signer::key_id(&key).as_str()
    );
    assert_eq!(
        bundle["messageSignature"]["messageDigest"]["algorithm"],
        "SHA2_256"
    );
    assert_eq!(
        bundle["messageSignature"]["messageDigest"]["digest"],
        B64.encode(sha256(ARTIFACT)).as_str()
    );
    let sig = B64
        .decode(bundle["messageSignature"]["signature"].as_str().unwrap())
        .unwrap();
    assert!(Verifier::verify(&key, ARTIFACT, &sig));
}

#[test]
fn message_bundles_verify_with_the_key_and_tampering_fails() {
    for (key, other) in [
        (TestKey::ed25519(1), TestKey::ed25519(2)),
        (TestKey::p256(3), TestKey::p256(4)),
    ] {
        let key_id = Signer::key_id(&key);
        let pem = key.public_key_pem();
        let bundle = sign_message_bundle(sha256(ARTIFACT), ARTIFACT, &key).unwrap();
        let json = to_bytes(&bundle);

        for policy in [key_policy(&key), pem_policy(&pem)] {
            let verified = verify_bundle(&json, Artifact::Bytes(ARTIFACT), &policy).unwrap();
            assert_eq!(verified.key_id.as_deref(), Some(key_id.as_str()));
            assert_eq!(verified.content, SignedContent::MessageSignature);
            assert!(!verified.tlog_verified);
            assert!(!verified.certificate_verified);
        }

        // A digest is enough for ECDSA; Ed25519 signs the message itself.
        let by_digest = verify_bundle(&json, Artifact::Sha256(sha256(ARTIFACT)), &pem_policy(&pem));
        match key.algorithm() {
            Algorithm::EcdsaP256Sha256 => assert!(by_digest.is_ok(), "{by_digest:?}"),
            Algorithm::Ed25519 => expect_failure(by_digest, "supply the artifact's bytes"),
        }

        // A flipped byte in the artifact.
        let mut tampered = ARTIFACT.to_vec();
        tampered[3] ^= 0x20;
        for policy in [key_policy(&key), pem_policy(&pem)] {
            expect_failure(
                verify_bundle(&json, Artifact::Bytes(&tampered), &policy),
                "does not match the bundle's messageDigest",
            );
        }

        // A flipped byte in the signature.
        let mut bad_sig = bundle.clone();
        flip_base64(&mut bad_sig["messageSignature"]["signature"], 10);
        for policy in [key_policy(&key), pem_policy(&pem)] {
            expect_failure(
                verify_bundle(&to_bytes(&bad_sig), Artifact::Bytes(ARTIFACT), &policy),
                &format!("the signature over the artifact does not verify with key {key_id}"),
            );
        }

        // The wrong key.
        let other_pem = other.public_key_pem();
        let other_id = Signer::key_id(&other);
        for policy in [key_policy(&other), pem_policy(&other_pem)] {
            expect_failure(
                verify_bundle(&json, Artifact::Bytes(ARTIFACT), &policy),
                &format!("does not verify with key {other_id}"),
            );
        }
    }
}

fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

fn signed_envelope(key: &TestKey, subject_sha256: [u8; 32]) -> serde_json::Value {
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "release.tar.gz", "digest": {"sha256": hex(&subject_sha256)}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"buildDefinition": {"buildType": "https://example.com/build"}},
    });
    let payload = serde_json::to_vec(&statement).unwrap();
    let payload_type = "application/vnd.in-toto+json";
    let sig = key.sign(&pae(payload_type, &payload)).unwrap();
    serde_json::json!({
        "payload": B64.encode(&payload),
        "payloadType": payload_type,
        "signatures": [{"keyid": Signer::key_id(key), "sig": B64.encode(sig)}],
    })
}

#[test]
fn dsse_bundles_verify_with_the_key_and_tampering_fails() {
    for (key, other) in [
        (TestKey::ed25519(5), TestKey::ed25519(6)),
        (TestKey::p256(8), TestKey::p256(9)),
    ] {
        let key_id = Signer::key_id(&key);
        let pem = key.public_key_pem();
        let envelope = signed_envelope(&key, sha256(ARTIFACT));
        let bundle = dsse_bundle(envelope.clone(), &key_id);
        assert_eq!(bundle["mediaType"], BUNDLE_MEDIA_TYPE_V03);
        assert_eq!(
            bundle["verificationMaterial"]["publicKey"]["hint"],
            key_id.as_str()
        );
        assert_eq!(bundle["dsseEnvelope"], envelope);
        let json = to_bytes(&bundle);
        let payload = B64.decode(envelope["payload"].as_str().unwrap()).unwrap();

        for policy in [key_policy(&key), pem_policy(&pem)] {
            for artifact in [
                Artifact::Bytes(ARTIFACT),
                Artifact::Sha256(sha256(ARTIFACT)),
            ] {
                let verified = verify_bundle(&json, artifact, &policy).unwrap();
                assert_eq!(verified.key_id.as_deref(), Some(key_id.as_str()));
                assert_eq!(
                    verified.content,
                    SignedContent::Dsse {
                        payload_type: "application/vnd.in-toto+json".into(),
                        payload: payload.clone(),
                    }
                );
            }
        }

        // An artifact the statement does not name.
        let mut tampered = ARTIFACT.to_vec();
        tampered[0] ^= 0x01;
        for policy in [key_policy(&key), pem_policy(&pem)] {
            expect_failure(
                verify_bundle(&json, Artifact::Bytes(&tampered), &policy),
                &format!(
                    "no subject of the in-toto statement has the artifact's digest (sha256 {})",
                    hex(&sha256(&tampered))
                ),
            );
        }

        // A flipped byte in the payload, and in the signature.
        let mut bad_payload = bundle.clone();
        flip_base64(&mut bad_payload["dsseEnvelope"]["payload"], 40);
        let mut bad_sig = bundle.clone();
        flip_base64(&mut bad_sig["dsseEnvelope"]["signatures"][0]["sig"], 12);
        for bad in [&bad_payload, &bad_sig] {
            for policy in [key_policy(&key), pem_policy(&pem)] {
                expect_failure(
                    verify_bundle(&to_bytes(bad), Artifact::Bytes(ARTIFACT), &policy),
                    &format!("the DSSE envelope's signature does not verify with key {key_id}"),
                );
            }
        }

        // The wrong key.
        let other_pem = other.public_key_pem();
        let other_id = Signer::key_id(&other);
        for policy in [key_policy(&other), pem_policy(&other_pem)] {
            expect_failure(
                verify_bundle(&json, Artifact::Bytes(ARTIFACT), &policy),
                &format!("does not verify with key {other_id}"),
            );
        }
    }
}

#[test]
fn dsse_bundle_keeps_only_the_named_signature() {
    let key = TestKey::p256(11);
    let second = TestKey::ed25519(12);
    let mut envelope = signed_envelope(&key, sha256(ARTIFACT));
    let first_sig = envelope["signatures"][0].clone();
    envelope["signatures"].as_array_mut().unwrap().insert(
        0,
        serde_json::json!({"keyid": Signer::key_id(&second), "sig": "AAAA"}),
    );
    let bundle = dsse_bundle(envelope, &Signer::key_id(&key));
    assert_eq!(
        bundle["dsseEnvelope"]["signatures"],
        serde_json::json!([first_sig])
    );
    let verified = verify_bundle(
        &to_bytes(&bundle),
        Artifact::Bytes(ARTIFACT),
        &key_policy(&key),
    );
    assert_eq!(verified.unwrap().key_id, Some(Signer::key_id(&key)));
}

#[test]
fn key_bundles_do_not_pass_other_policies() {
    let key = TestKey::p256(13);
    let json = to_bytes(&sign_message_bundle(sha256(ARTIFACT), ARTIFACT, &key).unwrap());
    let keyless = Policy::Keyless {
        trusted_root_json: production_root(),
        certificate_identity: "someone@example.com".into(),
        certificate_oidc_issuer: "https://accounts.google.com".into(),
    };
    expect_failure(
        verify_bundle(&json, Artifact::Bytes(ARTIFACT), &keyless),
        "the bundle was signed with a key",
    );
    // A log can only be checked against a PEM key.
    let with_root = Policy::Key {
        key: PublicKey::Verifier(&key),
        trusted_root_json: Some(production_root()),
    };
    expect_failure(
        verify_bundle(&json, Artifact::Bytes(ARTIFACT), &with_root),
        "needs the public key as PEM",
    );
    // With a trusted root the log is required, and this bundle has none.
    let pem = key.public_key_pem();
    let pem_with_root = Policy::Key {
        key: PublicKey::Pem(&pem),
        trusted_root_json: Some(production_root()),
    };
    assert!(verify_bundle(&json, Artifact::Bytes(ARTIFACT), &pem_with_root).is_err());
    // A certificate bundle is not accepted under a key policy.
    let happy = std::fs::read(
        Path::new(CONFORMANCE)
            .join("test/assets/bundle-verify/happy-path-v0.3/bundle.sigstore.json"),
    )
    .unwrap();
    expect_failure(
        verify_bundle(&happy, Artifact::Bytes(ARTIFACT), &key_policy(&key)),
        "carries a signing certificate, not a public-key hint",
    );
}

#[test]
fn malformed_input_is_reported_with_its_position() {
    let key = TestKey::ed25519(14);
    let err = verify_bundle(
        b"{\n  \"mediaType\": 5\n}",
        Artifact::Bytes(ARTIFACT),
        &key_policy(&key),
    )
    .unwrap_err();
    match &err {
        BundleError::Malformed { line, .. } => assert_eq!(*line, 2, "{err}"),
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("verification failed: the bundle is not a valid Sigstore bundle (line 2,")
    );
    let err = verify_bundle(b"\xff\xfe", Artifact::Bytes(ARTIFACT), &key_policy(&key)).unwrap_err();
    assert!(
        matches!(err, BundleError::Malformed { line: 1, .. }),
        "{err}"
    );
    let err = verify_bundle(
        &to_bytes(&sign_message_bundle(sha256(ARTIFACT), ARTIFACT, &key).unwrap()),
        Artifact::Bytes(ARTIFACT),
        &pem_policy("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    )
    .unwrap_err();
    assert!(matches!(err, BundleError::Key(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("verification failed: the public key is not usable")
    );
}

/// Truncated and bit-flipped conformance bundles never panic, and every error they cause reads
/// `verification failed: …`; truncated ones never verify.
#[test]
fn mutated_conformance_bundles_fail_cleanly() {
    let prod_root = production_root();
    let artifact =
        std::fs::read(Path::new(CONFORMANCE).join("test/assets/bundle-verify/a.txt")).unwrap();
    let policy = Policy::Keyless {
        trusted_root_json: prod_root,
        certificate_identity: DEFAULT_IDENTITY.to_owned(),
        certificate_oidc_issuer: DEFAULT_ISSUER.to_owned(),
    };
    for case in ["happy-path-v0.1", "happy-path-v0.3"] {
        let bundle = std::fs::read(
            Path::new(CONFORMANCE)
                .join("test/assets/bundle-verify")
                .join(case)
                .join("bundle.sigstore.json"),
        )
        .unwrap();
        assert!(verify_bundle(&bundle, Artifact::Bytes(&artifact), &policy).is_ok());
        for cut in (0..bundle.len()).step_by(97) {
            let err = verify_bundle(&bundle[..cut], Artifact::Bytes(&artifact), &policy)
                .expect_err("a truncated bundle is not JSON");
            assert!(
                matches!(err, BundleError::Malformed { .. }),
                "{case}@{cut}: {err}"
            );
        }
        for at in (0..bundle.len()).step_by(53) {
            let mut flipped = bundle.clone();
            flipped[at] ^= 0x04;
            if let Err(e) = verify_bundle(&flipped, Artifact::Bytes(&artifact), &policy) {
                assert!(e.to_string().starts_with("verification failed: "), "{e}");
            }
        }
    }
}
