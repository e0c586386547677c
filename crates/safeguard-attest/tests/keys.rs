//! Keys: generation, encrypted PKCS#8 round trips, signing, error cases, and interoperability
//! with OpenSSL (reading its keys, it reading ours, checking each other's signatures), and the
//! external signer program protocol.
//!
//! The OpenSSL tests are skipped with a message when `openssl` cannot be run, unless
//! `SAFEGUARD_INTEROP=1`, which makes a missing `openssl` a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use safeguard_attest::keys::{self, KeyError, PrivateKey, PublicKey};
use safeguard_attest::signer::{
    Algorithm, ExternalSigner, ExternalSignerError, FileSigner, Signer, Verifier,
};

const PASS: &[u8] = b"correct horse battery staple";
const ALGS: [Algorithm; 2] = [Algorithm::Ed25519, Algorithm::EcdsaP256Sha256];
const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";
const MESSAGE: &[u8] = b"in-toto statement bytes \x00\x01\xff and more";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The DER inside the first PEM block of `pem` and the label.
fn pem_der(pem: &str) -> (String, Vec<u8>) {
    let begin = pem.find("-----BEGIN ").expect("BEGIN line");
    let label_end = pem[begin + 11..].find("-----").expect("label end") + begin + 11;
    let label = pem[begin + 11..label_end].to_string();
    let body_start = pem[label_end..].find('\n').expect("newline") + label_end + 1;
    let end = pem.find("-----END ").expect("END line");
    let body: String = pem[body_start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (label, b64().decode(body).expect("base64 body"))
}

fn to_pem(label: &str, der: &[u8]) -> String {
    let body = b64().encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("ascii"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

// ----------------------------------------------------------------------------------------------
// Round trips and signatures
// ----------------------------------------------------------------------------------------------

#[test]
fn generate_encrypt_decrypt_round_trip() {
    for alg in ALGS {
        let key = keys::generate(alg).expect("generate");
        assert_eq!(key.algorithm(), alg);
        let pem = key.to_encrypted_pem(PASS).expect("encrypt");
        assert!(
            pem.starts_with(&format!("-----BEGIN {ENCRYPTED_LABEL}-----\n")),
            "{pem}"
        );
        assert!(pem.ends_with(&format!("-----END {ENCRYPTED_LABEL}-----\n")));
        let back = PrivateKey::from_pem(&pem, Some(PASS)).expect("decrypt");
        assert_eq!(back.algorithm(), alg);
        assert_eq!(back.key_id(), key.key_id());
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(back.public_key().to_pem(), key.public_key().to_pem());

        // The decrypted key signs what the original's public key accepts, and vice versa.
        let sig = back.sign_message(MESSAGE);
        assert!(key.public_key().verify(MESSAGE, &sig));
        let sig = key.sign_message(MESSAGE);
        assert!(back.public_key().verify(MESSAGE, &sig));

        // Plain PKCS#8 round trip too.
        let plain = key.to_unencrypted_pem().expect("plain");
        let again = PrivateKey::from_pem(&plain, None).expect("plain read");
        assert_eq!(again.key_id(), key.key_id());
    }
}

#[test]
fn encryption_uses_fresh_salt_and_iv() {
    let key = keys::generate(Algorithm::Ed25519).expect("generate");
    let a = key.to_encrypted_pem(PASS).expect("encrypt");
    let b = key.to_encrypted_pem(PASS).expect("encrypt");
    assert_ne!(a, b);
    // Both hold PBES2 (1.2.840.113549.1.5.13) with scrypt (1.3.6.1.4.1.11591.4.11) and
    // AES-256-CBC (2.16.840.1.101.3.4.1.42).
    let (_, der) = pem_der(&a);
    let contains = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d
    ]));
    assert!(contains(&[
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b
    ]));
    assert!(contains(&[
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a
    ]));
}

#[test]
fn key_ids_and_public_keys() {
    for alg in ALGS {
        let key = keys::generate(alg).expect("generate");
        let public = key.public_key();
        assert_eq!(public.algorithm(), alg);
        assert_eq!(public.key_id().len(), 64);
        assert!(
            public
                .key_id()
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        // The id is the SHA-256 of the DER SPKI.
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(public.to_der());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(public.key_id(), hex);
        // Trait views agree.
        assert_eq!(Verifier::key_id(public), hex);
        assert_eq!(Signer::key_id(&key), hex);
        assert_eq!(Signer::algorithm(&key), alg);
        assert_eq!(key.public_key_pem(), public.to_pem());
        // PEM and DER round trips.
        let from_pem = PublicKey::from_pem(&public.to_pem()).expect("pem");
        assert_eq!(&from_pem, public);
        let from_der = PublicKey::from_der(public.to_der()).expect("der");
        assert_eq!(from_der.key_id(), public.key_id());
        let (label, der) = pem_der(&public.to_pem());
        assert_eq!(label, "PUBLIC KEY");
        assert_eq!(der, public.to_der());
    }
    let a = keys::generate(Algorithm::Ed25519).expect("generate");
    let b = keys::generate(Algorithm::Ed25519).expect("generate");
    assert_ne!(a.key_id(), b.key_id());
}

#[test]
fn signatures_bind_key_message_and_bytes() {
    for alg in ALGS {
        let key = keys::generate(alg).expect("generate");
        let other = keys::generate(alg).expect("generate");
        let sig = Signer::sign(&key, MESSAGE).expect("sign");
        assert!(key.public_key().verify(MESSAGE, &sig));
        assert!(
            !other.public_key().verify(MESSAGE, &sig),
            "another key's public key accepted the signature"
        );
        assert!(!key.public_key().verify(b"another message", &sig));
        let mut flipped = sig.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x01;
        assert!(!key.public_key().verify(MESSAGE, &flipped));
        assert!(!key.public_key().verify(MESSAGE, &[]));
        assert!(!key.public_key().verify(MESSAGE, &sig[..sig.len() - 1]));
        match alg {
            Algorithm::Ed25519 => assert_eq!(sig.len(), 64),
            Algorithm::EcdsaP256Sha256 => {
                // DER: SEQUENCE of two INTEGERs.
                assert_eq!(sig[0], 0x30);
                assert_eq!(usize::from(sig[1]) + 2, sig.len());
            }
        }
    }
}

#[test]
fn p256_accepts_raw_r_s_signatures() {
    let key = keys::generate(Algorithm::EcdsaP256Sha256).expect("generate");
    let der = key.sign_message(MESSAGE);
    let raw = p256::ecdsa::Signature::from_der(&der)
        .expect("our DER")
        .to_bytes();
    assert_eq!(raw.len(), 64);
    assert!(key.public_key().verify(MESSAGE, &raw));
    let mut bad = raw.to_vec();
    bad[10] ^= 0x80;
    assert!(!key.public_key().verify(MESSAGE, &bad));
    assert!(!key.public_key().verify(b"other", &raw));
}

// ----------------------------------------------------------------------------------------------
// Errors
// ----------------------------------------------------------------------------------------------

#[test]
fn wrong_or_missing_passphrase() {
    for alg in ALGS {
        let key = keys::generate(alg).expect("generate");
        let pem = key.to_encrypted_pem(PASS).expect("encrypt");
        let err = PrivateKey::from_pem(&pem, Some(b"not the passphrase")).unwrap_err();
        assert!(matches!(err, KeyError::WrongPassphrase), "{err:?}");
        assert!(err.to_string().contains("wrong passphrase"), "{err}");
        let err = PrivateKey::from_pem(&pem, None).unwrap_err();
        assert!(matches!(err, KeyError::PassphraseRequired), "{err:?}");
        assert!(err.to_string().contains("SAFEGUARD_KEY_PASSWORD"), "{err}");
    }
    let key = keys::generate(Algorithm::Ed25519).expect("generate");
    assert!(matches!(
        key.to_encrypted_pem(b""),
        Err(KeyError::EmptyPassphrase)
    ));
}

#[test]
fn damaged_encrypted_keys_give_clear_errors() {
    let key = keys::generate(Algorithm::EcdsaP256Sha256).expect("generate");
    let pem = key.to_encrypted_pem(PASS).expect("encrypt");
    let (label, der) = pem_der(&pem);
    assert_eq!(label, ENCRYPTED_LABEL);

    // A flipped bit anywhere in the ciphertext (the end of the DER) or in the salt: the key
    // cannot be recovered and the error says so.
    let n = der.len();
    for at in [n - 1, n - 17, n - 40] {
        let mut damaged = der.clone();
        damaged[at] ^= 0x01;
        let err = PrivateKey::from_pem(&to_pem(&label, &damaged), Some(PASS)).unwrap_err();
        assert!(
            matches!(err, KeyError::WrongPassphrase),
            "byte {at}: {err:?}"
        );
        assert!(err.to_string().contains("damaged"), "{err}");
    }
    // The salt follows the scrypt OID: its first byte.
    let scrypt_oid = [0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
    let at = der
        .windows(scrypt_oid.len())
        .position(|w| w == scrypt_oid)
        .expect("scrypt OID")
        + scrypt_oid.len()
        + 4; // SEQUENCE header, OCTET STRING header
    let mut damaged = der.clone();
    damaged[at] ^= 0x01;
    let err = PrivateKey::from_pem(&to_pem(&label, &damaged), Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::WrongPassphrase), "{err:?}");

    // A flipped bit in the structure.
    let mut damaged = der.clone();
    damaged[0] ^= 0x01;
    let err = PrivateKey::from_pem(&to_pem(&label, &damaged), Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::Malformed(_)), "{err:?}");
    assert!(err.to_string().starts_with("the key is malformed"), "{err}");
    // ... and is reported as damaged before any passphrase is asked for.
    let err = PrivateKey::from_pem(&to_pem(&label, &damaged), None).unwrap_err();
    assert!(matches!(err, KeyError::Malformed(_)), "{err:?}");

    // A character that is not base64 in the PEM text.
    let body_line = pem.lines().nth(2).expect("a body line");
    let broken = pem.replacen(body_line, &format!("*{}", &body_line[1..]), 1);
    let err = PrivateKey::from_pem(&broken, Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::Malformed(_)), "{err:?}");
    assert!(err.to_string().contains(ENCRYPTED_LABEL), "{err}");
}

#[test]
fn not_pem_and_wrong_labels() {
    let err = PrivateKey::from_pem("just some text", None).unwrap_err();
    assert!(matches!(err, KeyError::NotPem(_)), "{err:?}");
    assert!(err.to_string().contains("-----BEGIN"), "{err}");
    let err = PrivateKey::from_pem("", Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::NotPem(_)), "{err:?}");
    let err = PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n").unwrap_err();
    assert!(matches!(err, KeyError::NotPem(_)), "{err:?}");
    assert!(
        err.to_string().contains("-----END PUBLIC KEY-----"),
        "{err}"
    );

    let key = keys::generate(Algorithm::Ed25519).expect("generate");
    let public_pem = key.public_key().to_pem();
    let err = PrivateKey::from_pem(&public_pem, None).unwrap_err();
    match &err {
        KeyError::WrongLabel {
            found, expected, ..
        } => {
            assert_eq!(found, "PUBLIC KEY");
            assert_eq!(*expected, "PRIVATE KEY");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("public key"), "{err}");

    let private_pem = key.to_encrypted_pem(PASS).expect("encrypt");
    let err = PublicKey::from_pem(&private_pem).unwrap_err();
    assert!(
        matches!(&err, KeyError::WrongLabel { found, .. } if found == ENCRYPTED_LABEL),
        "{err:?}"
    );
    assert!(err.to_string().contains("openssl pkey -pubout"), "{err}");

    // A SEC1 key (the traditional OpenSSL EC format) is named with a conversion hint.
    let sec1 = to_pem("EC PRIVATE KEY", &[0x30, 0x03, 0x02, 0x01, 0x01]);
    let err = PrivateKey::from_pem(&sec1, None).unwrap_err();
    assert!(
        matches!(&err, KeyError::WrongLabel { found, .. } if found == "EC PRIVATE KEY"),
        "{err:?}"
    );
    assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");

    // Legacy OpenSSL PEM encryption headers.
    let legacy = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: \
                  AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
    let err = PrivateKey::from_pem(legacy, Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedEncryption(_)), "{err:?}");

    // Text around the block is ignored (as OpenSSL does).
    let framed = format!("a comment\n{public_pem}trailing\n");
    let read = PublicKey::from_pem(&framed).expect("framed");
    assert_eq!(read.key_id(), key.key_id());
}

#[test]
fn unsupported_algorithms_name_the_oid() {
    // An Ed25519 PKCS#8 key relabelled Ed448 (1.3.101.113): same length, different OID.
    let key = keys::generate(Algorithm::Ed25519).expect("generate");
    let (_, mut der) = pem_der(&key.to_unencrypted_pem().expect("plain"));
    let at = der
        .windows(5)
        .position(|w| w == [0x06, 0x03, 0x2b, 0x65, 0x70])
        .expect("Ed25519 OID");
    der[at + 4] = 0x71;
    let err = PrivateKey::from_pem(&to_pem("PRIVATE KEY", &der), None).unwrap_err();
    match &err {
        KeyError::UnsupportedAlgorithm { oid, name } => {
            assert_eq!(oid, "1.3.101.113");
            assert_eq!(*name, "Ed448");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("1.3.101.113"), "{err}");

    // The same relabelling encrypted: the OID is still named after decryption.
    let (_, mut spki) = pem_der(&key.public_key().to_pem());
    let at = spki
        .windows(5)
        .position(|w| w == [0x06, 0x03, 0x2b, 0x65, 0x70])
        .expect("Ed25519 OID");
    spki[at + 4] = 0x6e; // X25519
    let err = PublicKey::from_der(&spki).unwrap_err();
    assert!(
        matches!(&err, KeyError::UnsupportedAlgorithm { oid, name } if oid == "1.3.101.110" && *name == "X25519"),
        "{err:?}"
    );

    // Public keys written by OpenSSL for other algorithms and curves (fixtures).
    for (file, want_oid) in [
        ("p384-public.pem", "1.3.132.0.34"),
        ("rsa-public.pem", "1.2.840.113549.1.1.1"),
        ("secp256k1-public.pem", "1.3.132.0.10"),
    ] {
        let err = PublicKey::from_file(&fixture(file)).unwrap_err();
        match &err {
            KeyError::InFile { path, source } => {
                assert!(path.ends_with(file));
                assert!(
                    matches!(source.as_ref(), KeyError::UnsupportedAlgorithm { oid, .. } if oid == want_oid),
                    "{file}: {source:?}"
                );
            }
            other => panic!("{file}: {other:?}"),
        }
        assert!(err.to_string().contains(want_oid), "{err}");
        assert!(err.to_string().contains(file), "{err}");
    }
}

#[test]
fn hostile_inputs_do_not_panic() {
    let key = keys::generate(Algorithm::Ed25519).expect("generate");
    let pem = key.to_encrypted_pem(PASS).expect("encrypt");
    let (label, der) = pem_der(&pem);
    // Every truncation of the encrypted DER is an error, never a panic.
    for len in 0..der.len() {
        let cut = to_pem(&label, &der[..len]);
        assert!(
            PrivateKey::from_pem(&cut, Some(PASS)).is_err(),
            "length {len}"
        );
    }
    // scrypt with N = 0 and with an enormous N.
    let n_at = der
        .windows(3)
        .position(|w| w == [0x02, 0x02, 0x40])
        .expect("N = 16384 encoded as INTEGER 0x4000");
    let mut zero = der.clone();
    zero[n_at + 2] = 0x00;
    zero[n_at + 3] = 0x00;
    let err = PrivateKey::from_pem(&to_pem(&label, &zero), Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::Malformed(_)), "{err:?}");
    let mut huge = der.clone();
    huge[n_at + 2] = 0x7f; // not a power of two
    let err = PrivateKey::from_pem(&to_pem(&label, &huge), Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::Malformed(_)), "{err:?}");
    // p raised from 1 to 127: 128 · 8 · 2^14 · 127 is over the limit.
    let p_at = n_at + 7;
    assert_eq!(&der[p_at..p_at + 3], &[0x02, 0x01, 0x01]);
    let mut costly = der.clone();
    costly[p_at + 2] = 0x7f;
    let err = PrivateKey::from_pem(&to_pem(&label, &costly), Some(PASS)).unwrap_err();
    assert!(matches!(err, KeyError::KdfTooCostly(_)), "{err:?}");
}

#[test]
fn passphrase_from_environment() {
    // The only test touching this variable.
    // SAFETY: no other test in this binary reads or writes the environment.
    unsafe { std::env::set_var(keys::PASSPHRASE_ENV, "from the env") };
    assert_eq!(keys::passphrase_from_env(), Some(b"from the env".to_vec()));
    unsafe { std::env::set_var(keys::PASSPHRASE_ENV, "") };
    assert_eq!(keys::passphrase_from_env(), None);
    unsafe { std::env::remove_var(keys::PASSPHRASE_ENV) };
    assert_eq!(keys::passphrase_from_env(), None);
}

#[test]
fn file_signer_reads_and_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = keys::generate(Algorithm::EcdsaP256Sha256).expect("generate");
    let path = dir.path().join("signing.key");
    std::fs::write(&path, key.to_encrypted_pem(PASS).expect("encrypt")).expect("write");
    let signer = FileSigner::open(&path, Some(PASS)).expect("open");
    assert_eq!(signer.path(), path);
    assert_eq!(Signer::key_id(&signer), key.key_id());
    assert_eq!(signer.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(signer.public_key_pem(), key.public_key().to_pem());
    let sig = signer.sign(MESSAGE).expect("sign");
    assert!(key.public_key().verify(MESSAGE, &sig));

    let err = FileSigner::open(&path, Some(b"wrong")).unwrap_err();
    assert!(
        matches!(&err, KeyError::InFile { source, .. } if matches!(source.as_ref(), KeyError::WrongPassphrase)),
        "{err:?}"
    );
    assert!(err.to_string().contains("signing.key"), "{err}");
    let err = FileSigner::open(dir.path().join("missing.key"), None).unwrap_err();
    assert!(matches!(err, KeyError::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.key"), "{err}");
}

// ----------------------------------------------------------------------------------------------
// OpenSSL interoperability
// ----------------------------------------------------------------------------------------------

/// Whether `openssl` can be run; prints why a test is skipped, or fails under
/// `SAFEGUARD_INTEROP=1`.
fn have_openssl(test: &str) -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        return true;
    }
    if std::env::var("SAFEGUARD_INTEROP").as_deref() == Ok("1") {
        panic!("{test}: SAFEGUARD_INTEROP=1 but `openssl` cannot be run; install OpenSSL");
    }
    // Written to the process's stderr directly (not `eprintln!`), so the test harness does not
    // capture it and the skip is visible in a normal `cargo test` run.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: `openssl` cannot be run (set SAFEGUARD_INTEROP=1 to require it)"
    );
    false
}

/// Run openssl; returns (success, stdout, stderr).
fn openssl(args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn openssl_ok(args: &[&str]) -> Vec<u8> {
    let (ok, stdout, stderr) = openssl(args);
    assert!(ok, "openssl {args:?} failed: {stderr}");
    stdout
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Check with openssl that `public_pem` verifies `sig` over `msg_path`.
fn openssl_verifies(alg: Algorithm, dir: &Path, public_pem: &str, msg: &Path, sig: &[u8]) -> bool {
    let pub_path = dir.join("verify-pub.pem");
    let sig_path = dir.join("verify.sig");
    std::fs::write(&pub_path, public_pem).expect("write");
    std::fs::write(&sig_path, sig).expect("write");
    let (ok, stdout, stderr) = match alg {
        Algorithm::Ed25519 => openssl(&[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            s(&pub_path),
            "-rawin",
            "-in",
            s(msg),
            "-sigfile",
            s(&sig_path),
        ]),
        Algorithm::EcdsaP256Sha256 => openssl(&[
            "dgst",
            "-sha256",
            "-verify",
            s(&pub_path),
            "-signature",
            s(&sig_path),
            s(msg),
        ]),
    };
    let text = String::from_utf8_lossy(&stdout);
    if ok {
        assert!(
            text.contains("Verified Successfully") || text.contains("Verified OK"),
            "openssl said: {text} {stderr}"
        );
    }
    ok
}

#[test]
fn openssl_reads_our_encrypted_keys_and_verifies_our_signatures() {
    if !have_openssl("openssl_reads_our_encrypted_keys_and_verifies_our_signatures") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let msg = dir.path().join("message.bin");
    std::fs::write(&msg, MESSAGE).expect("write");
    for alg in ALGS {
        let key = keys::generate(alg).expect("generate");
        let key_path = dir.path().join("k.pem");
        std::fs::write(&key_path, key.to_encrypted_pem(PASS).expect("encrypt")).expect("write");
        let passin = format!("pass:{}", std::str::from_utf8(PASS).expect("ascii"));

        let pem = openssl_ok(&["pkey", "-in", s(&key_path), "-passin", &passin, "-pubout"]);
        assert_eq!(
            String::from_utf8(pem).expect("utf-8"),
            key.public_key().to_pem(),
            "{alg:?}"
        );
        let der = openssl_ok(&[
            "pkey",
            "-in",
            s(&key_path),
            "-passin",
            &passin,
            "-pubout",
            "-outform",
            "DER",
        ]);
        assert_eq!(der, key.public_key().to_der(), "{alg:?}");

        // OpenSSL refuses the wrong passphrase.
        let (ok, _, _) = openssl(&[
            "pkey",
            "-in",
            s(&key_path),
            "-passin",
            "pass:wrong",
            "-pubout",
        ]);
        assert!(!ok, "openssl accepted a wrong passphrase");

        // Our signatures verify in OpenSSL; a signature by another key does not.
        let sig = key.sign_message(MESSAGE);
        assert!(
            openssl_verifies(alg, dir.path(), &key.public_key().to_pem(), &msg, &sig),
            "{alg:?}"
        );
        let other = keys::generate(alg).expect("generate");
        let other_sig = other.sign_message(MESSAGE);
        assert!(
            !openssl_verifies(
                alg,
                dir.path(),
                &key.public_key().to_pem(),
                &msg,
                &other_sig
            ),
            "{alg:?}: openssl accepted another key's signature"
        );
    }
}

#[test]
fn we_read_keys_openssl_generates() {
    if !have_openssl("we_read_keys_openssl_generates") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let msg = dir.path().join("message.bin");
    std::fs::write(&msg, MESSAGE).expect("write");
    let passout = "pass:openssl pass phrase";
    let pass = b"openssl pass phrase";
    let cases: [(Algorithm, &[&str]); 2] = [
        (Algorithm::Ed25519, &["-algorithm", "ed25519"]),
        (
            Algorithm::EcdsaP256Sha256,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
    ];
    for (alg, gen_args) in cases {
        for encrypted in [false, true] {
            let path = dir.path().join(format!("{alg:?}-{encrypted}.pem"));
            let mut args = vec!["genpkey"];
            args.extend_from_slice(gen_args);
            if encrypted {
                args.extend_from_slice(&["-aes-256-cbc", "-pass", passout]);
            }
            args.extend_from_slice(&["-out", s(&path)]);
            openssl_ok(&args);
            let text = std::fs::read_to_string(&path).expect("read");
            let want_label = if encrypted {
                ENCRYPTED_LABEL
            } else {
                "PRIVATE KEY"
            };
            assert_eq!(pem_der(&text).0, want_label);

            let passphrase: Option<&[u8]> = if encrypted { Some(pass) } else { None };
            let key = PrivateKey::from_file(&path, passphrase).expect("read openssl key");
            assert_eq!(key.algorithm(), alg);
            let mut pub_args = vec!["pkey", "-in", s(&path), "-pubout"];
            if encrypted {
                pub_args.extend_from_slice(&["-passin", passout]);
            }
            let openssl_pub = String::from_utf8(openssl_ok(&pub_args)).expect("utf-8");
            assert_eq!(
                key.public_key().to_pem(),
                openssl_pub,
                "{alg:?} {encrypted}"
            );
            let parsed = PublicKey::from_pem(&openssl_pub).expect("openssl public key");
            assert_eq!(parsed.key_id(), key.key_id());

            if encrypted {
                let err = PrivateKey::from_file(&path, Some(b"wrong")).unwrap_err();
                assert!(
                    matches!(&err, KeyError::InFile { source, .. } if matches!(source.as_ref(), KeyError::WrongPassphrase)),
                    "{err:?}"
                );
                let err = PrivateKey::from_file(&path, None).unwrap_err();
                assert!(
                    matches!(&err, KeyError::InFile { source, .. } if matches!(source.as_ref(), KeyError::PassphraseRequired)),
                    "{err:?}"
                );
            }

            // Signatures made by OpenSSL with its key verify with ours.
            let sig_path = dir.path().join("openssl.sig");
            let mut sign_args = match alg {
                Algorithm::Ed25519 => vec![
                    "pkeyutl",
                    "-sign",
                    "-inkey",
                    s(&path),
                    "-rawin",
                    "-in",
                    s(&msg),
                    "-out",
                    s(&sig_path),
                ],
                Algorithm::EcdsaP256Sha256 => {
                    vec!["dgst", "-sha256", "-sign", s(&path), "-out", s(&sig_path)]
                }
            };
            if encrypted {
                sign_args.extend_from_slice(&["-passin", passout]);
            }
            // dgst takes its options before the file.
            if alg == Algorithm::EcdsaP256Sha256 {
                sign_args.push(s(&msg));
            }
            openssl_ok(&sign_args);
            let sig = std::fs::read(&sig_path).expect("read sig");
            assert!(
                key.public_key().verify(MESSAGE, &sig),
                "{alg:?} {encrypted}"
            );
            assert!(!key.public_key().verify(b"other message", &sig));
            if alg == Algorithm::EcdsaP256Sha256 {
                let raw = p256::ecdsa::Signature::from_der(&sig)
                    .expect("der")
                    .to_bytes();
                assert!(key.public_key().verify(MESSAGE, &raw));
            }
            // And ours with the key read from OpenSSL verify in OpenSSL.
            let ours = key.sign_message(MESSAGE);
            assert!(openssl_verifies(alg, dir.path(), &openssl_pub, &msg, &ours));
        }
    }
}

#[test]
fn we_read_openssl_scrypt_and_pbkdf2_variants() {
    if !have_openssl("we_read_openssl_scrypt_and_pbkdf2_variants") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("plain.pem");
    openssl_ok(&["genpkey", "-algorithm", "ed25519", "-out", s(&plain)]);
    let want = PrivateKey::from_file(&plain, None).expect("plain");
    for (name, extra) in [
        ("scrypt", vec!["-scrypt"]),
        (
            "sha512",
            vec!["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"],
        ),
    ] {
        let out = dir.path().join(format!("{name}.pem"));
        let mut args = vec![
            "pkcs8",
            "-topk8",
            "-in",
            s(&plain),
            "-out",
            s(&out),
            "-passout",
            "pass:pw",
        ];
        args.extend(extra);
        openssl_ok(&args);
        let key = PrivateKey::from_file(&out, Some(b"pw")).expect(name);
        assert_eq!(key.key_id(), want.key_id(), "{name}");
        let err = PrivateKey::from_file(&out, Some(b"pW")).unwrap_err();
        assert!(
            matches!(&err, KeyError::InFile { source, .. } if matches!(source.as_ref(), KeyError::WrongPassphrase)),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn openssl_encryption_we_do_not_support_is_named() {
    if !have_openssl("openssl_encryption_we_do_not_support_is_named") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("plain.pem");
    openssl_ok(&["genpkey", "-algorithm", "ed25519", "-out", s(&plain)]);
    for (extra, want) in [
        (["-v2", "des3"], "3DES-CBC (OID 1.2.840.113549.3.7)"),
        (["-v1", "PBE-SHA1-3DES"], "OID 1.2.840.113549.1.12.1.3"),
    ] {
        let out = dir.path().join("old.pem");
        let mut args = vec![
            "pkcs8",
            "-topk8",
            "-in",
            s(&plain),
            "-out",
            s(&out),
            "-passout",
            "pass:pw",
        ];
        args.extend(extra);
        openssl_ok(&args);
        // Named with or without a passphrase.
        for pass in [Some(&b"pw"[..]), None] {
            let err = PrivateKey::from_file(&out, pass).unwrap_err();
            assert!(
                matches!(&err, KeyError::InFile { source, .. } if matches!(source.as_ref(), KeyError::UnsupportedEncryption(what) if what.contains(want))),
                "{extra:?}: {err:?}"
            );
        }
    }
}

#[test]
fn openssl_keys_of_other_algorithms_are_named() {
    if !have_openssl("openssl_keys_of_other_algorithms_are_named") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (args, oid) in [
        (vec!["-algorithm", "ed448"], "1.3.101.113"),
        (
            vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "1.3.132.0.34",
        ),
    ] {
        let path = dir.path().join("other.pem");
        let mut all = vec!["genpkey"];
        all.extend(args);
        all.extend_from_slice(&["-aes-256-cbc", "-pass", "pass:pw", "-out", s(&path)]);
        openssl_ok(&all);
        let err = PrivateKey::from_file(&path, Some(b"pw")).unwrap_err();
        assert!(
            matches!(&err, KeyError::InFile { source, .. } if matches!(source.as_ref(), KeyError::UnsupportedAlgorithm { oid: o, .. } if o == oid)),
            "{err:?}"
        );
    }
    // The traditional EC format is named with its conversion.
    let sec1 = dir.path().join("sec1.pem");
    openssl_ok(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        s(&sec1),
    ]);
    let err = PrivateKey::from_file(&sec1, None).unwrap_err();
    assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");
}

// ----------------------------------------------------------------------------------------------
// External signer
// ----------------------------------------------------------------------------------------------

fn script() -> String {
    fixture("openssl-signer.sh")
        .to_str()
        .expect("utf-8")
        .to_string()
}

#[test]
fn external_signer_with_an_openssl_script() {
    if !have_openssl("external_signer_with_an_openssl_script") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (alg, name) in [
        (Algorithm::Ed25519, "ed25519"),
        (Algorithm::EcdsaP256Sha256, "p256"),
    ] {
        let key = keys::generate(alg).expect("generate");
        let key_path = dir.path().join(format!("{name}.pem"));
        std::fs::write(&key_path, key.to_unencrypted_pem().expect("pem").as_str()).expect("write");
        let signer = ExternalSigner::new("/bin/sh", [script().as_str(), s(&key_path), name])
            .expect("signer");
        assert_eq!(signer.algorithm(), alg);
        assert_eq!(Signer::key_id(&signer), key.key_id());
        assert_eq!(signer.public_key_pem(), key.public_key().to_pem());
        let sig = signer.sign(MESSAGE).expect("sign");
        assert!(key.public_key().verify(MESSAGE, &sig));
        assert!(!key.public_key().verify(b"different", &sig));
        if alg == Algorithm::EcdsaP256Sha256 {
            assert_eq!(sig[0], 0x30, "P-256 signatures come back as DER");
        }
        // A large message goes through stdin without dead-locking.
        let big = vec![0x5a; 4 * 1024 * 1024];
        let sig = signer.sign(&big).expect("sign big");
        assert!(key.public_key().verify(&big, &sig));
    }
}

/// An external signer written inline as a shell script; `$1` is the protocol command.
fn inline(body: &str) -> Vec<String> {
    vec!["-c".to_string(), body.to_string(), "signer".to_string()]
}

fn public_pem_file(dir: &Path, key: &PrivateKey) -> PathBuf {
    let path = dir.join("pub.pem");
    std::fs::write(&path, key.public_key().to_pem()).expect("write");
    path
}

#[test]
fn external_signer_failures_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = keys::generate(Algorithm::Ed25519).expect("generate");
    let pub_path = public_pem_file(dir.path(), &key);
    let pub_path = s(&pub_path);

    // The program cannot be found.
    let err =
        ExternalSigner::new(dir.path().join("no-such-signer"), Vec::<String>::new()).unwrap_err();
    assert!(matches!(err, ExternalSignerError::Spawn { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-signer"), "{err}");

    // `public-key` fails: the exit status and stderr are in the error.
    let err = ExternalSigner::new("/bin/sh", inline("echo 'token not inserted' >&2; exit 3"))
        .unwrap_err();
    match &err {
        ExternalSignerError::Failed {
            command,
            status,
            stderr,
            ..
        } => {
            assert_eq!(*command, "public-key");
            assert_eq!(status, "exit status 3");
            assert_eq!(stderr, "token not inserted");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("token not inserted"), "{err}");

    // `public-key` prints something that is not a key.
    let err = ExternalSigner::new("/bin/sh", inline("echo hello")).unwrap_err();
    assert!(
        matches!(
            &err,
            ExternalSignerError::BadOutput {
                command: "public-key",
                ..
            }
        ),
        "{err:?}"
    );

    // `sign` fails with a message on stderr.
    let body = format!(
        "case \"$1\" in public-key) cat '{pub_path}';; sign) cat >/dev/null; echo 'PIN locked' >&2; exit 1;; esac"
    );
    let signer = ExternalSigner::new("/bin/sh", inline(&body)).expect("public key works");
    assert_eq!(Signer::key_id(&signer), key.key_id());
    let err = signer.sign_message(MESSAGE).unwrap_err();
    assert!(
        matches!(&err, ExternalSignerError::Failed { command: "sign", stderr, .. } if stderr == "PIN locked"),
        "{err:?}"
    );
    let err = Signer::sign(&signer, MESSAGE).unwrap_err();
    assert!(err.to_string().contains("PIN locked"), "{err}");

    // `sign` prints something that is not base64.
    let body =
        format!("case \"$1\" in public-key) cat '{pub_path}';; sign) echo '!!not base64!!';; esac");
    let signer = ExternalSigner::new("/bin/sh", inline(&body)).expect("signer");
    let err = signer.sign_message(MESSAGE).unwrap_err();
    assert!(
        matches!(
            &err,
            ExternalSignerError::BadOutput {
                command: "sign",
                ..
            }
        ),
        "{err:?}"
    );

    // `sign` prints a well-formed signature by another key: caught before use.
    let other = keys::generate(Algorithm::Ed25519).expect("generate");
    let other_sig = b64().encode(other.sign_message(MESSAGE));
    let body =
        format!("case \"$1\" in public-key) cat '{pub_path}';; sign) echo '{other_sig}';; esac");
    let signer = ExternalSigner::new("/bin/sh", inline(&body)).expect("signer");
    let err = signer.sign_message(MESSAGE).unwrap_err();
    assert!(
        matches!(err, ExternalSignerError::WrongSignature { .. }),
        "{err:?}"
    );

    // The right signature, printed base64 with line breaks, is accepted; the key id is passed.
    let good = b64().encode(key.sign_message(MESSAGE));
    let (a, b) = good.split_at(40);
    let body = format!(
        "case \"$1\" in public-key) cat '{pub_path}';; sign) [ \"$2\" = --key-id ] && [ \"$3\" = {id} ] || exit 9; printf '%s\\n%s\\n' '{a}' '{b}';; esac",
        id = key.key_id()
    );
    let signer = ExternalSigner::new("/bin/sh", inline(&body)).expect("signer");
    let sig = signer.sign_message(MESSAGE).expect("sign");
    assert_eq!(sig, key.sign_message(MESSAGE));
}

#[test]
fn external_signer_that_hangs_is_stopped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = keys::generate(Algorithm::EcdsaP256Sha256).expect("generate");
    let pub_path = public_pem_file(dir.path(), &key);
    let body = format!(
        "case \"$1\" in public-key) cat '{}';; sign) exec sleep 30;; esac",
        s(&pub_path)
    );
    let signer = ExternalSigner::with_timeout("/bin/sh", inline(&body), Duration::from_secs(1))
        .expect("signer");
    let err = signer.sign_message(&vec![1u8; 1024 * 1024]).unwrap_err();
    assert!(
        matches!(
            &err,
            ExternalSignerError::Timeout {
                command: "sign",
                seconds: 1,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn external_signer_raw_p256_signatures_become_der() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = keys::generate(Algorithm::EcdsaP256Sha256).expect("generate");
    let pub_path = public_pem_file(dir.path(), &key);
    let der = key.sign_message(MESSAGE);
    let raw = p256::ecdsa::Signature::from_der(&der)
        .expect("der")
        .to_bytes();
    let body = format!(
        "case \"$1\" in public-key) cat '{}';; sign) echo '{}';; esac",
        s(&pub_path),
        b64().encode(raw)
    );
    let signer = ExternalSigner::new("/bin/sh", inline(&body)).expect("signer");
    let sig = signer.sign_message(MESSAGE).expect("sign");
    assert_eq!(sig, der);
}
