#![no_main]
//! Sigstore bundles from arbitrary bytes: verifying never panics, every error reads
//! `verification failed: …`, and nothing verifies under a key nobody holds.
use libfuzzer_sys::fuzz_target;
use safeguard_attest::bundle::{Artifact, Policy, PublicKey, verify_bundle};

/// An Ed25519 public key whose private half was discarded when it was generated: no fuzz
/// input can hold a signature by it.
const KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
MCowBQYDK2VwAyEAeonpCvZ21vtZvrJHZmT1117miPC2nn+fzty3+LQ8JBM=\n\
-----END PUBLIC KEY-----\n";

/// The Sigstore production trusted root the conformance suite ships.
const PROD_ROOT: &[u8] = include_bytes!(
    "../../../shared/testdata/sigstore-conformance/prod-and-staging-trust-roots-from-sigstore-python-4.5.1/tuf-repo-cdn.sigstore.dev/trusted_root.json"
);

fn check(
    result: Result<safeguard_attest::bundle::Verified, safeguard_attest::bundle::BundleError>,
) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => {
            assert!(e.to_string().starts_with("verification failed: "), "{e}");
            false
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Layout: bundle JSON, NUL, artifact bytes.
    let mut parts = data.splitn(2, |&b| b == 0);
    let bundle = parts.next().unwrap_or_default();
    let artifact = parts.next().unwrap_or_default();
    let mut digest = [0u8; 32];
    for (d, a) in digest.iter_mut().zip(artifact) {
        *d = *a;
    }

    let key = Policy::Key {
        key: PublicKey::Pem(KEY_PEM),
        trusted_root_json: None,
    };
    assert!(!check(verify_bundle(
        bundle,
        Artifact::Bytes(artifact),
        &key
    )));
    assert!(!check(verify_bundle(
        bundle,
        Artifact::Sha256(digest),
        &key
    )));

    let key_with_log = Policy::Key {
        key: PublicKey::Pem(KEY_PEM),
        trusted_root_json: Some(PROD_ROOT.to_vec()),
    };
    assert!(!check(verify_bundle(
        bundle,
        Artifact::Bytes(artifact),
        &key_with_log
    )));

    let keyless = Policy::Keyless {
        trusted_root_json: PROD_ROOT.to_vec(),
        certificate_identity: "fuzz@example.com".into(),
        certificate_oidc_issuer: "https://accounts.google.com".into(),
    };
    let _ = check(verify_bundle(bundle, Artifact::Bytes(artifact), &keyless));
    let _ = check(verify_bundle(bundle, Artifact::Sha256(digest), &keyless));
});
