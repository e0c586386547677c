//! Signing and verifying an attestation with 1,000 subjects: build the in-toto statement, sign
//! it as DSSE in a Sigstore bundle, and verify the bundle (signature, statement, subject).
//! Run with `cargo bench -p safeguard-attest --bench attest`.
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use safeguard_attest::bundle::{self, Artifact, Policy, PublicKey};
use safeguard_attest::dsse;
use safeguard_attest::intoto::{PREDICATE_SLSA_PROVENANCE_V1, ResourceDescriptor, Statement};
use safeguard_attest::keys::{self, PrivateKey};
use safeguard_attest::signer::Algorithm;

const SUBJECTS: usize = 1000;

fn main() {
    divan::main();
}

fn subjects() -> Vec<ResourceDescriptor> {
    (0..SUBJECTS)
        .map(|i| {
            let data = format!("artefact {i}");
            ResourceDescriptor::sha256(
                format!("dist/artefact-{i}.tar.gz"),
                &safeguard_attest::hash::sha256(data.as_bytes()),
            )
        })
        .collect()
}

fn statement() -> Statement {
    let mut predicate = serde_json::Map::new();
    predicate.insert(
        "buildDefinition".into(),
        serde_json::json!({"buildType": "https://safeguard.dev/provenance/local/v1",
                           "externalParameters": {"source": "git+https://example.org/r"}}),
    );
    predicate.insert(
        "runDetails".into(),
        serde_json::json!({"builder": {"id": "local:bench"}}),
    );
    Statement::new(subjects(), PREDICATE_SLSA_PROVENANCE_V1, predicate)
}

static KEYS: LazyLock<Vec<(&'static str, PrivateKey)>> = LazyLock::new(|| {
    vec![
        ("ed25519", keys::generate(Algorithm::Ed25519).expect("key")),
        (
            "p256",
            keys::generate(Algorithm::EcdsaP256Sha256).expect("key"),
        ),
    ]
});

fn signed(key: &PrivateKey) -> Vec<u8> {
    let st = statement();
    let env = dsse::sign(dsse::INTOTO_PAYLOAD_TYPE, st.to_json().as_bytes(), &[key]).expect("sign");
    let json: serde_json::Value = serde_json::from_str(&env.to_json()).expect("json");
    serde_json::to_vec(&bundle::dsse_bundle(json, key.key_id())).expect("bundle")
}

#[divan::bench(args = ["ed25519", "p256"], sample_count = 20)]
fn sign_1k_subjects(b: Bencher, alg: &str) {
    let key = &KEYS.iter().find(|(n, _)| *n == alg).expect("key").1;
    b.bench(|| black_box(signed(key)));
}

#[divan::bench(args = ["ed25519", "p256"], sample_count = 20)]
fn verify_1k_subjects(b: Bencher, alg: &str) {
    let key = &KEYS.iter().find(|(n, _)| *n == alg).expect("key").1;
    let bundle_json = signed(key);
    let pem = key.public_key().to_pem();
    // The last subject, so the subject search walks the whole list.
    let digest = safeguard_attest::hash::sha256(format!("artefact {}", SUBJECTS - 1).as_bytes());
    b.bench(|| {
        let policy = Policy::Key {
            key: PublicKey::Pem(&pem),
            trusted_root_json: None,
        };
        let v = bundle::verify_bundle(&bundle_json, Artifact::Sha256(digest), &policy)
            .expect("verifies");
        black_box(v)
    });
}
