#![no_main]
//! SSH signatures and allowed-signers files from arbitrary bytes: parsing and verifying never
//! panic, and nothing is good without a listed key.
use libfuzzer_sys::fuzz_target;
use safeguard_sig::sshsig::{self, AllowedSigners, Outcome, SshSignature};

fuzz_target!(|data: &[u8]| {
    // Layout: allowed-signers text, NUL, signature, NUL, message.
    let mut parts = data.splitn(3, |&b| b == 0);
    let signers_text = parts.next().unwrap_or_default();
    let sig = parts.next().unwrap_or_default();
    let message = parts.next().unwrap_or_default();

    let signers = AllowedSigners::parse(&String::from_utf8_lossy(signers_text));
    if let Err(e) = &signers {
        assert!(e.line >= 1, "{e}");
    }
    let signers = signers.unwrap_or_default();

    // The whole input as an (armored or binary) signature.
    if let Ok(parsed) = SshSignature::parse(data) {
        let _ = parsed.check(message, "git");
        assert!(parsed.key_fingerprint().starts_with("SHA256:"));
    }

    let outcome = sshsig::verify(sig, message, "git", &signers, Some(1_700_000_000));
    if let Outcome::Good { key_fingerprint, .. } = &outcome {
        assert!(
            signers
                .entries()
                .iter()
                .any(|e| &e.key_fingerprint() == key_fingerprint)
        );
    }
});
