#![no_main]
//! OpenPGP armor, packets, keyrings, detached and cleartext signatures from arbitrary bytes:
//! never panic, and nothing is good without a key.
use libfuzzer_sys::fuzz_target;
use safeguard_sig::openpgp::{self, Keyring};

fuzz_target!(|data: &[u8]| {
    let _ = safeguard_sig::signature_kind(data);
    if let Ok(blocks) = openpgp::dearmor(data) {
        for b in &blocks {
            assert!(b.line >= 1);
        }
    }

    // Layout: keyring, 0xFF, signature (or cleartext message), 0xFF, data.
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let key_bytes = parts.next().unwrap_or_default();
    let sig = parts.next().unwrap_or_default();
    let signed = parts.next().unwrap_or_default();

    let whole = Keyring::parse(data).unwrap_or_default();
    let ring = Keyring::parse(key_bytes).unwrap_or_default();
    for cert in ring.certs() {
        assert!(!cert.fingerprint().is_empty());
        let _ = cert.primary_user_id();
    }

    let detached = openpgp::verify_detached(sig, signed, &ring);
    let (clear, _text) = openpgp::cleartext_verify(sig, &ring);
    let self_check = openpgp::verify_detached(data, data, &whole);
    if ring.is_empty() {
        assert!(!detached.is_good() && !clear.is_good());
    }
    if whole.is_empty() {
        assert!(!self_check.is_good());
    }
});
