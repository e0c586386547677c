//! DSSE conformance: the secure-systems-lab/dsse protocol test vectors (read in place from the
//! shared test data), plus signing round trips with a test-only Ed25519 signer.

use std::collections::BTreeMap;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use safeguard_attest::dsse::{self, DsseError, Envelope};
use safeguard_attest::signer::{Algorithm, SignError, Signer, Verifier};
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/dsse-testvectors/vectors.json"
);

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Test-only Ed25519 verifier with a chosen key id.
struct EdVerifier {
    id: String,
    key: VerifyingKey,
}

impl Verifier for EdVerifier {
    fn key_id(&self) -> String {
        self.id.clone()
    }
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match ed25519_dalek::Signature::from_slice(signature) {
            Ok(sig) => self.key.verify_strict(message, &sig).is_ok(),
            Err(_) => false,
        }
    }
}

/// Test-only Ed25519 signer.
struct EdSigner {
    id: String,
    key: SigningKey,
}

impl Signer for EdSigner {
    fn key_id(&self) -> String {
        self.id.clone()
    }
    fn algorithm(&self) -> Algorithm {
        Algorithm::Ed25519
    }
    fn public_key_pem(&self) -> String {
        String::new()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

struct Keys {
    signers: BTreeMap<String, EdSigner>,
    verifiers: BTreeMap<String, EdVerifier>,
}

fn load() -> (Keys, Vec<Value>) {
    let text = std::fs::read_to_string(VECTORS).expect("read DSSE vectors");
    let doc: Value = serde_json::from_str(&text).expect("vectors JSON");
    let mut keys = Keys {
        signers: BTreeMap::new(),
        verifiers: BTreeMap::new(),
    };
    for (name, k) in doc["keys"].as_object().expect("keys") {
        assert_eq!(k["algorithm"], "ed25519");
        let seed: [u8; 32] = unhex(k["seed"].as_str().unwrap()).try_into().unwrap();
        let sk = SigningKey::from_bytes(&seed);
        let public = unhex(k["public"].as_str().unwrap());
        assert_eq!(sk.verifying_key().to_bytes().to_vec(), public, "key {name}");
        keys.verifiers.insert(
            name.clone(),
            EdVerifier {
                id: name.clone(),
                key: sk.verifying_key(),
            },
        );
        keys.signers.insert(
            name.clone(),
            EdSigner {
                id: name.clone(),
                key: sk,
            },
        );
    }
    let vectors = doc["vectors"].as_array().expect("vectors").clone();
    (keys, vectors)
}

#[test]
fn dsse_protocol_vectors() {
    let (keys, vectors) = load();
    assert_eq!(vectors.len(), 9, "the vector file changed");
    let mut pae_ok = 0;
    let mut verdicts_ok = 0;
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let json = serde_json::to_vec(&v["envelope"]).unwrap();
        let env = Envelope::from_json(&json).unwrap_or_else(|e| panic!("{id}: {e}"));

        // The PAE of the envelope's own type and payload. For payload-type-swapped the vector
        // records the PAE that was signed (the original type), so ours must differ from it.
        let want_pae = v["pae"].as_str().unwrap();
        if id == "payload-type-swapped" {
            assert_ne!(hex(&env.pae()), want_pae, "{id}");
            assert_eq!(
                hex(&dsse::pae(dsse::INTOTO_PAYLOAD_TYPE, &env.payload)),
                want_pae,
                "{id}"
            );
        } else {
            assert_eq!(hex(&env.pae()), want_pae, "{id}");
        }
        pae_ok += 1;

        let trusted: Vec<&dyn Verifier> = v["trustedKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| &keys.verifiers[k.as_str().unwrap()] as &dyn Verifier)
            .collect();
        let threshold = v["threshold"].as_u64().unwrap() as usize;
        let types: Vec<&str> = v["supportedPayloadTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let got = dsse::verify(&env, &trusted, threshold, Some(&types));
        match v["expect"].as_str().unwrap() {
            "accept" => {
                let ok = got.unwrap_or_else(|e| panic!("{id}: expected accept, got {e}"));
                assert_eq!(ok.payload, env.payload, "{id}");
                assert_eq!(ok.payload_type, env.payload_type, "{id}");
                assert_eq!(ok.keyids.len(), threshold.max(1), "{id}: {:?}", ok.keyids);
            }
            "reject" => {
                let e = got.err().unwrap_or_else(|| panic!("{id}: expected reject"));
                let msg = e.to_string();
                match id {
                    "empty-payload-type" => {
                        assert!(msg.starts_with("unsupported payload type \"\""), "{msg}")
                    }
                    "payload-type-swapped" => assert!(
                        matches!(
                            e,
                            DsseError::ThresholdNotMet {
                                verified: 0,
                                threshold: 1,
                                ..
                            }
                        ),
                        "{msg}"
                    ),
                    "threshold-two-one-key-twice" => {
                        assert!(
                            msg.starts_with("only 1 of 2 required signatures verify"),
                            "{msg}"
                        )
                    }
                    other => panic!("unexpected rejected vector {other}"),
                }
            }
            other => panic!("{id}: unknown expectation {other}"),
        }
        verdicts_ok += 1;
    }
    println!("DSSE vectors: {pae_ok}/9 PAE match, {verdicts_ok}/9 verdicts match");
    assert_eq!((pae_ok, verdicts_ok), (9, 9));
}

#[test]
fn empty_payload_type_is_accepted_only_when_asked_for() {
    let (keys, vectors) = load();
    let v = vectors
        .iter()
        .find(|v| v["id"] == "empty-payload-type")
        .unwrap();
    let env = Envelope::from_json(&serde_json::to_vec(&v["envelope"]).unwrap()).unwrap();
    let a: &dyn Verifier = &keys.verifiers["A"];
    // The signature itself is good: with no payload-type restriction it verifies.
    let ok = dsse::verify(&env, &[a], 1, None).unwrap();
    assert_eq!(ok.keyids, vec!["A".to_string()]);
    assert_eq!(ok.payload_type, "");
}

#[test]
fn sign_then_verify_round_trip() {
    let (keys, _) = load();
    let a: &dyn Signer = &keys.signers["A"];
    let b: &dyn Signer = &keys.signers["B"];
    let payload = br#"{"_type":"https://in-toto.io/Statement/v1"}"#;
    let env = dsse::sign(dsse::INTOTO_PAYLOAD_TYPE, payload, &[a, b]).unwrap();
    assert_eq!(env.signatures.len(), 2);
    assert_eq!(env.signatures[0].keyid.as_deref(), Some("A"));
    // Ed25519 is deterministic: key A's signature equals the one in the vectors.
    let json = env.to_json();
    assert!(json.contains("2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA=="), "{json}");
    let back = Envelope::from_json(json.as_bytes()).unwrap();
    assert_eq!(back, env);

    let va: &dyn Verifier = &keys.verifiers["A"];
    let vb: &dyn Verifier = &keys.verifiers["B"];
    let ok = dsse::verify(&back, &[vb, va], 2, Some(&[dsse::INTOTO_PAYLOAD_TYPE])).unwrap();
    assert_eq!(ok.keyids, vec!["B".to_string(), "A".to_string()]);
    assert_eq!(ok.payload, payload.to_vec());

    // Three required, two keys: refused with the counts.
    let e = dsse::verify(&back, &[va, vb], 3, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "only 2 of 3 required signatures verify (2 signatures in the envelope, 2 trusted keys)"
    );

    // A tampered payload verifies under no key.
    let mut bad = back.clone();
    bad.payload.push(b' ');
    assert!(matches!(
        dsse::verify(&bad, &[va, vb], 1, None),
        Err(DsseError::ThresholdNotMet { verified: 0, .. })
    ));

    // A wrong keyid hint does not stop the right key from being found.
    let mut hinted = back.clone();
    hinted.signatures[0].keyid = Some("B".into());
    hinted.signatures[1].keyid = Some("A".into());
    let ok = dsse::verify(&hinted, &[va, vb], 2, None).unwrap();
    assert_eq!(ok.keyids, vec!["A".to_string(), "B".to_string()]);
}

#[test]
fn unsupported_type_and_zero_threshold_errors() {
    let (keys, _) = load();
    let a: &dyn Signer = &keys.signers["A"];
    let va: &dyn Verifier = &keys.verifiers["A"];
    let env = dsse::sign("text/plain", b"hi", &[a]).unwrap();
    let e = dsse::verify(&env, &[va], 1, Some(&[dsse::INTOTO_PAYLOAD_TYPE])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unsupported payload type \"text/plain\"; expected one of: application/vnd.in-toto+json"
    );
    assert!(matches!(
        dsse::verify(&env, &[va], 0, None),
        Err(DsseError::ZeroThreshold)
    ));
    assert!(matches!(
        dsse::sign("t", b"", &[]),
        Err(DsseError::NoSigners)
    ));
    let empty = Envelope {
        signatures: vec![],
        ..env
    };
    assert!(matches!(
        dsse::verify(&empty, &[va], 1, None),
        Err(DsseError::NoSignatures)
    ));
}
