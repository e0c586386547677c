#![no_main]
//! DSSE envelopes from arbitrary bytes: reading never panics, whatever reads writes back to the
//! same envelope, and nothing verifies without a trusted key that accepts the signature.
use libfuzzer_sys::fuzz_target;
use safeguard_attest::dsse::{self, Envelope};
use safeguard_attest::signer::Verifier;

/// Accepts a signature only when it equals the last 8 bytes of the PAE (a stand-in key).
struct Tail;

impl Verifier for Tail {
    fn key_id(&self) -> String {
        "tail".into()
    }
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        message.len() >= 8 && signature == &message[message.len() - 8..]
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(env) = Envelope::from_json(data) else {
        return;
    };
    let again = Envelope::from_json(env.to_json().as_bytes()).expect("own output reads back");
    assert_eq!(again, env);
    let pae = env.pae();
    assert!(pae.starts_with(b"DSSEv1 ") && pae.ends_with(&env.payload));

    let tail = Tail;
    let trusted: [&dyn Verifier; 1] = [&tail];
    assert!(dsse::verify(&env, &[], 1, None).is_err());
    if let Ok(ok) = dsse::verify(&env, &trusted, 1, None) {
        assert_eq!(ok.keyids, vec!["tail".to_string()]);
        assert!(env.signatures.iter().any(|s| tail.verify(&pae, &s.sig)));
    }
    assert!(dsse::verify(&env, &trusted, 2, None).is_err());
});
