#![no_main]
//! Key files from arbitrary bytes: reading private and public keys (PEM and DER) never panics,
//! and whatever is accepted round-trips through its own encoding.
use libfuzzer_sys::fuzz_target;
use safeguard_attest::keys::{KeyError, PrivateKey, PublicKey};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    // No passphrase: encrypted keys are parsed and their cost checked, but never decrypted, so
    // a hostile key derivation cannot make a run slow.
    match PrivateKey::from_pem(&text, None) {
        Ok(key) => check_private(&key),
        Err(KeyError::WrongPassphrase) => panic!("no passphrase was given"),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    if let Ok(key) = PrivateKey::from_pkcs8_der(data) {
        check_private(&key);
    }
    if let Ok(public) = PublicKey::from_pem(&text) {
        check_public(&public);
    }
    if let Ok(public) = PublicKey::from_der(data) {
        check_public(&public);
    }
});

fn check_public(public: &PublicKey) {
    let again = PublicKey::from_pem(&public.to_pem()).expect("our own PEM reads back");
    assert_eq!(&again, public);
    assert_eq!(public.key_id().len(), 64);
    assert!(!public.verify_signature(b"message", &[]));
}

fn check_private(key: &PrivateKey) {
    check_public(key.public_key());
    let plain = key.to_unencrypted_pem().expect("encode");
    let again = PrivateKey::from_pem(&plain, None).expect("our own PEM reads back");
    assert_eq!(again.key_id(), key.key_id());
    let sig = key.sign_message(b"message");
    assert!(key.public_key().verify_signature(b"message", &sig));
}
