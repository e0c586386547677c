//! Interop: an independent DSSE / in-toto client (Python securesystemslib + pyca/cryptography,
//! pinned in `.ci/requirements.txt`) and ours agree, in both directions, for Ed25519 and ECDSA
//! P-256 keys:
//! - it verifies the envelopes we sign over an in-toto Statement v1 with a SLSA provenance
//!   predicate, and reads back the statement type, predicate type and subject digests we wrote;
//!   it rejects the same envelope with one payload byte changed, and with the wrong key;
//! - we verify the envelopes it signs with keys it generates, and reject a tampered copy.
//!
//! The client is `tests/interop/verify_dsse.py`, run with `SAFEGUARD_PYTHON`. When that is
//! unset or lacks securesystemslib the tests are skipped with a message, unless
//! `SAFEGUARD_INTEROP=1` (as `.ci/run` sets), which makes a missing client a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use safeguard_attest::dsse::{self, DsseError, Envelope, INTOTO_PAYLOAD_TYPE};
use safeguard_attest::hash::{sha256, to_hex};
use safeguard_attest::intoto::{
    BuildDefinition, BuildMetadata, Builder, PREDICATE_SLSA_PROVENANCE_V1, Provenance,
    ResourceDescriptor, RunDetails, STATEMENT_TYPE_V1, Statement,
};
use safeguard_attest::keys::{self, PrivateKey, PublicKey};
use safeguard_attest::signer::{Algorithm, Verifier};
use serde_json::{Map, Value, json};

/// The script's exit code for "the signature did not verify".
const EXIT_UNVERIFIED: i32 = 3;

const BUILDER_ID: &str =
    "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/verify_dsse.py")
}

/// The interpreter to run the client with, or `None` (after saying why) to skip.
fn python(test: &str) -> Option<String> {
    let required = std::env::var("SAFEGUARD_INTEROP").as_deref() == Ok("1");
    let python = match std::env::var("SAFEGUARD_PYTHON") {
        Ok(p) if !p.is_empty() => p,
        _ if required => "python3".to_owned(),
        _ => {
            eprintln!(
                "SKIPPED interop test {test}: set SAFEGUARD_PYTHON to a python with \
                 .ci/requirements.txt installed (as .ci/run does), or SAFEGUARD_INTEROP=1 to require it"
            );
            return None;
        }
    };
    let probe = Command::new(&python).arg(script()).arg("probe").output();
    let problem = match probe {
        Ok(o) if o.status.success() => return Some(python),
        Ok(o) => format!(
            "{python} lacks securesystemslib/cryptography ({}); install .ci/requirements.txt",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("no error output")
                .trim()
        ),
        Err(e) => format!("{python} cannot run: {e}"),
    };
    if required {
        panic!("SAFEGUARD_INTEROP=1 but {problem}");
    }
    eprintln!("SKIPPED interop test {test}: {problem}");
    None
}

fn run(python: &str, args: &[&str]) -> Output {
    match Command::new(python).arg(script()).args(args).output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run {python}: {e}"),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Two released files and their sha256 digests.
fn subjects() -> Vec<ResourceDescriptor> {
    vec![
        ResourceDescriptor::sha256("widget-1.4.2.tar.gz", &sha256(b"widget source archive\n")),
        ResourceDescriptor::sha256(
            "widget-1.4.2-x86_64-linux",
            &sha256(b"\x7fELF widget binary"),
        ),
    ]
}

/// An in-toto Statement v1 with a SLSA provenance v1 predicate about [`subjects`].
fn provenance_statement() -> Statement {
    let mut external = Map::new();
    external.insert(
        "workflow".into(),
        json!({"ref": "refs/tags/v1.4.2", "repository": "https://github.com/acme/widget", "path": ".github/workflows/release.yml"}),
    );
    let provenance = Provenance {
        build_definition: BuildDefinition {
            build_type: "https://actions.github.io/buildtypes/workflow/v1".into(),
            external_parameters: external,
            internal_parameters: None,
            resolved_dependencies: vec![ResourceDescriptor {
                uri: Some("git+https://github.com/acme/widget@refs/tags/v1.4.2".into()),
                digest: [("gitCommit".to_owned(), "a1".repeat(20))].into(),
                ..ResourceDescriptor::default()
            }],
        },
        run_details: RunDetails {
            builder: Builder {
                id: BUILDER_ID.into(),
                version: Default::default(),
                builder_dependencies: Vec::new(),
            },
            metadata: Some(BuildMetadata {
                invocation_id: Some(
                    "https://github.com/acme/widget/actions/runs/42/attempts/1".into(),
                ),
                started_on: Some("2026-01-05T10:00:00Z".into()),
                finished_on: Some("2026-01-05T10:07:30Z".into()),
            }),
            byproducts: Vec::new(),
        },
    };
    let st = Statement::new(
        subjects(),
        PREDICATE_SLSA_PROVENANCE_V1,
        provenance.to_predicate(),
    );
    if let Err(e) = st.validate() {
        panic!("the test statement is invalid: {e}");
    }
    st
}

fn new_key(alg: Algorithm) -> PrivateKey {
    match keys::generate(alg) {
        Ok(k) => k,
        Err(e) => panic!("generate {alg:?}: {e}"),
    }
}

fn write(path: &Path, data: &str) {
    if let Err(e) = std::fs::write(path, data) {
        panic!("write {}: {e}", path.display());
    }
}

/// `payload` with the byte at the first occurrence of `needle` replaced by a different hex digit,
/// so the JSON stays well formed and only the signed content changes.
fn tamper_one_byte(payload: &[u8], needle: &str) -> Vec<u8> {
    let Some(at) = payload
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
    else {
        panic!("{needle:?} is not in the payload");
    };
    let mut out = payload.to_vec();
    if let Some(b) = out.get_mut(at) {
        *b = if *b == b'0' { b'1' } else { b'0' };
    }
    let changed = payload.iter().zip(&out).filter(|(a, b)| a != b).count();
    assert_eq!(changed, 1, "exactly one payload byte must differ");
    out
}

/// We sign, the Python client verifies and reads the statement back; it must refuse a tampered
/// payload and a key that did not sign.
fn python_verifies_ours(test: &str, alg: Algorithm, scheme: &str) {
    let Some(python) = python(test) else { return };
    let key = new_key(alg);
    let st = provenance_statement();
    let payload = st.to_json();
    let env = match dsse::sign(INTOTO_PAYLOAD_TYPE, payload.as_bytes(), &[&key]) {
        Ok(e) => e,
        Err(e) => panic!("sign: {e}"),
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let env_path = dir.path().join("envelope.json");
    let pem_path = dir.path().join("key.pub.pem");
    write(&env_path, &env.to_json());
    write(&pem_path, &key.public_key().to_pem());
    let (env_arg, pem_arg) = (env_path.to_string_lossy(), pem_path.to_string_lossy());

    let o = run(&python, &["verify", &env_arg, &pem_arg]);
    assert!(
        o.status.success(),
        "securesystemslib rejected our {alg:?} envelope (exit {:?}): {}{}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
    let got: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("client output is not JSON ({e}): {}", text(&o.stdout)));
    // Its key id (sha256 of the SPKI DER, computed in Python) is the one we put in the envelope.
    assert_eq!(got["keyid"], json!(key.key_id()));
    assert_eq!(got["scheme"], json!(scheme));
    assert_eq!(got["payloadType"], json!(INTOTO_PAYLOAD_TYPE));
    assert_eq!(
        got["paeSha256"],
        json!(to_hex(&sha256(&dsse::pae(
            INTOTO_PAYLOAD_TYPE,
            payload.as_bytes()
        ))))
    );
    assert_eq!(got["_type"], json!(STATEMENT_TYPE_V1));
    assert_eq!(got["predicateType"], json!(PREDICATE_SLSA_PROVENANCE_V1));
    assert_eq!(
        got["subjects"],
        json!([
            {"name": "widget-1.4.2.tar.gz",
             "digest": {"sha256": to_hex(&sha256(b"widget source archive\n"))}},
            {"name": "widget-1.4.2-x86_64-linux",
             "digest": {"sha256": to_hex(&sha256(b"\x7fELF widget binary"))}},
        ])
    );
    assert_eq!(got["builderId"], json!(BUILDER_ID));

    // One byte of the payload changed (a subject digest digit): the signature must not verify.
    let digest = to_hex(&sha256(b"widget source archive\n"));
    let mut tampered = env.clone();
    tampered.payload = tamper_one_byte(&env.payload, &digest);
    let bad_path = dir.path().join("tampered.json");
    write(&bad_path, &tampered.to_json());
    let o = run(&python, &["verify", &bad_path.to_string_lossy(), &pem_arg]);
    assert_eq!(
        o.status.code(),
        Some(EXIT_UNVERIFIED),
        "securesystemslib must reject a tampered {alg:?} envelope: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(
        text(&o.stderr).contains("did not verify"),
        "{}",
        text(&o.stderr)
    );

    // A key that did not sign must not verify it either.
    let other = new_key(alg);
    let other_path = dir.path().join("other.pub.pem");
    write(&other_path, &other.public_key().to_pem());
    let o = run(
        &python,
        &["verify", &env_arg, &other_path.to_string_lossy()],
    );
    assert_eq!(
        o.status.code(),
        Some(EXIT_UNVERIFIED),
        "securesystemslib must reject our {alg:?} envelope under another key: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

/// The Python client generates a key and signs; we verify with its PEM public key, and refuse a
/// tampered copy.
fn we_verify_python(test: &str, alg: Algorithm, py_alg: &str) {
    let Some(python) = python(test) else { return };
    let st = provenance_statement();
    let payload = st.to_json();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let payload_path = dir.path().join("statement.json");
    write(&payload_path, &payload);

    let o = run(
        &python,
        &[
            "sign",
            py_alg,
            INTOTO_PAYLOAD_TYPE,
            &payload_path.to_string_lossy(),
        ],
    );
    assert!(
        o.status.success(),
        "securesystemslib could not sign (exit {:?}): {}{}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
    let out: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("client output is not JSON ({e}): {}", text(&o.stdout)));
    let env_json = serde_json::to_vec(&out["envelope"]).unwrap_or_default();
    let env = Envelope::from_json(&env_json)
        .unwrap_or_else(|e| panic!("we cannot read securesystemslib's envelope: {e}"));
    let Some(pem) = out["publicKeyPem"].as_str() else {
        panic!("no publicKeyPem in {out}");
    };
    let public = PublicKey::from_pem(pem)
        .unwrap_or_else(|e| panic!("we cannot read securesystemslib's public key: {e}"));
    assert_eq!(public.algorithm(), alg);
    assert_eq!(env.payload_type, INTOTO_PAYLOAD_TYPE);
    assert_eq!(env.payload, payload.as_bytes());
    assert_eq!(env.signatures.len(), 1);
    // Its key id (securesystemslib's own scheme) is carried as an unauthenticated hint.
    assert_eq!(
        env.signatures.first().and_then(|s| s.keyid.as_deref()),
        out["keyid"].as_str()
    );
    assert_eq!(out["paeSha256"], json!(to_hex(&sha256(&env.pae()))));

    let trusted: [&dyn Verifier; 1] = [&public];
    let verified = match dsse::verify(&env, &trusted, 1, Some(&[INTOTO_PAYLOAD_TYPE])) {
        Ok(v) => v,
        Err(e) => panic!("we rejected securesystemslib's {alg:?} envelope: {e}"),
    };
    assert_eq!(verified.payload_type, INTOTO_PAYLOAD_TYPE);
    assert_eq!(verified.keyids, vec![public.key_id().to_owned()]);
    let back = Statement::from_json(&verified.payload)
        .unwrap_or_else(|e| panic!("the verified payload is not our statement: {e}"));
    assert_eq!(back, st);

    // One byte of the payload changed: we must refuse it.
    let digest = to_hex(&sha256(b"\x7fELF widget binary"));
    let mut tampered = env.clone();
    tampered.payload = tamper_one_byte(&env.payload, &digest);
    match dsse::verify(&tampered, &trusted, 1, Some(&[INTOTO_PAYLOAD_TYPE])) {
        Err(DsseError::ThresholdNotMet {
            verified: 0,
            threshold: 1,
            ..
        }) => {}
        other => panic!("a tampered {alg:?} envelope must not verify; got {other:?}"),
    }
    // And a key that did not sign must not verify the original.
    let other = new_key(alg);
    let trusted_other: [&dyn Verifier; 1] = [other.public_key()];
    assert!(matches!(
        dsse::verify(&env, &trusted_other, 1, None),
        Err(DsseError::ThresholdNotMet { verified: 0, .. })
    ));
}

#[test]
fn securesystemslib_verifies_our_ed25519_envelope() {
    python_verifies_ours(
        "securesystemslib_verifies_our_ed25519_envelope",
        Algorithm::Ed25519,
        "ed25519",
    );
}

#[test]
fn securesystemslib_verifies_our_p256_envelope() {
    python_verifies_ours(
        "securesystemslib_verifies_our_p256_envelope",
        Algorithm::EcdsaP256Sha256,
        "ecdsa-sha2-nistp256",
    );
}

#[test]
fn we_verify_securesystemslib_ed25519_envelope() {
    we_verify_python(
        "we_verify_securesystemslib_ed25519_envelope",
        Algorithm::Ed25519,
        "ed25519",
    );
}

#[test]
fn we_verify_securesystemslib_p256_envelope() {
    we_verify_python(
        "we_verify_securesystemslib_p256_envelope",
        Algorithm::EcdsaP256Sha256,
        "ecdsa-p256",
    );
}
