//! Known-answer tests from the samples in RFC 9580, Appendix A.

use safeguard_sig::openpgp::{self, Keyring, Outcome};

/// A.1: a version 4 Ed25519 (legacy EdDSA) public key packet, with no user ID or
/// self-signature.
const A1_V4_ED25519_LEGACY_KEY: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----

xjMEU/NfCxYJKwYBBAHaRw8BAQdAPwmJlL3ZFu1AUxl5NOSofIBzOhKA1i+AEJku
Q+47JAY=
-----END PGP PUBLIC KEY BLOCK-----
";

/// A.2: a version 4 Ed25519 legacy signature by the A.1 key over the text "OpenPGP".
const A2_V4_ED25519_LEGACY_SIG: &str = "-----BEGIN PGP SIGNATURE-----

iF4EABYIAAYFAlX5X5UACgkQjP3hIZeWWpr2IgD/VvkMypjiECY3vZg/2xbBMd/S
ftgr9N3lYG4NdWrtM2YBANCcT6EVJ/A44PV/IgHYLy6iyQMyZfps60iehUuuYbQE
-----END PGP SIGNATURE-----
";

/// A.3: a version 6 certificate (Ed25519 primary key, X25519 subkey, no user ID).
const A3_V6_CERT: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----

xioGY4d/4xsAAAAg+U2nu0jWCmHlZ3BqZYfQMxmZu52JGggkLq2EVD34laPCsQYf
GwoAAABCBYJjh3/jAwsJBwUVCg4IDAIWAAKbAwIeCSIhBssYbE8GCaaX5NUt+mxy
KwwfHifBilZwj2Ul7Ce62azJBScJAgcCAAAAAK0oIBA+LX0ifsDm185Ecds2v8lw
gyU2kCcUmKfvBXbAf6rhRYWzuQOwEn7E/aLwIwRaLsdry0+VcallHhSu4RN6HWaE
QsiPlR4zxP/TP7mhfVEe7XWPxtnMUMtf15OyA51YBM4qBmOHf+MZAAAAIIaTJINn
+eUBXbki+PSAld2nhJh/LVmFsS+60WyvXkQ1wpsGGBsKAAAALAWCY4d/4wKbDCIh
BssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce62azJAAAAAAQBIKbpGG2dWTX8
j+VjFM21J0hqWlEg+bdiojWnKfA5AQpWUWtnNwDEM0g12vYxoWM8Y81W+bHBw805
I8kWVkXU6vFOi+HWvv/ira7ofJu16NnoUkhclkUrk0mXubZvyl4GBg==
-----END PGP PUBLIC KEY BLOCK-----
";

/// A.6: a cleartext signed message, made with the A.3 key (version 6 signature, salted).
const A6_CLEARTEXT: &str = "-----BEGIN PGP SIGNED MESSAGE-----

What we need from the grocery store:

- - tofu
- - vegetables
- - noodles

-----BEGIN PGP SIGNATURE-----

wpgGARsKAAAAKQWCY5ijYyIhBssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce6
2azJAAAAAGk2IHZJX1AhiJD39eLuPBgiUU9wUA9VHYblySHkBONKU/usJ9BvuAqo
/FvLFuGWMbKAdA+epq7V4HOtAPlBWmU8QOd6aud+aSunHQaaEJ+iTFjP2OMW0KBr
NK2ay45cX1IVAQ==
-----END PGP SIGNATURE-----
";

const A3_FINGERPRINT: &str = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9";

#[test]
fn v4_ed25519_legacy_key_and_signature() {
    let ring = Keyring::parse(A1_V4_ED25519_LEGACY_KEY.as_bytes()).expect("A.1 parses");
    let cert = ring.certs().first().expect("one key");
    assert_eq!(
        cert.fingerprint(),
        "C959BDBAFA32A2F89A153B678CFDE12197965A9A"
    );
    assert_eq!(cert.key_id(), "8CFDE12197965A9A");
    assert_eq!(cert.version(), 4);
    // The key has no self-signature, so it is never "good"; but the signature's values do
    // verify (the key check comes after the cryptographic one).
    match openpgp::verify_detached(A2_V4_ED25519_LEGACY_SIG.as_bytes(), b"OpenPGP", &ring) {
        Outcome::Bad { reason } => {
            assert!(reason.contains("no self-signature"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    match openpgp::verify_detached(A2_V4_ED25519_LEGACY_SIG.as_bytes(), b"OpenPGQ", &ring) {
        Outcome::Bad { reason } => assert!(reason.contains("quick check"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn v6_certificate_and_cleartext_message() {
    let ring = Keyring::parse(A3_V6_CERT.as_bytes()).expect("A.3 parses");
    assert_eq!(ring.len(), 1);
    let cert = ring.certs().first().expect("one cert");
    assert_eq!(cert.fingerprint(), A3_FINGERPRINT);
    assert_eq!(cert.key_id(), "CB186C4F0609A697");
    assert_eq!(cert.version(), 6);
    assert_eq!(cert.validity(), Ok(()));
    assert_eq!(
        cert.subkey_fingerprints(),
        vec!["12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885".to_string()]
    );

    let (outcome, text) = openpgp::cleartext_verify(A6_CLEARTEXT.as_bytes(), &ring);
    assert_eq!(
        outcome,
        Outcome::Good {
            fingerprint: A3_FINGERPRINT.to_string(),
            user_id: None,
            signing_key: A3_FINGERPRINT.to_string(),
            created: 1_670_947_683,
        }
    );
    assert_eq!(
        text.as_deref(),
        Some(&b"What we need from the grocery store:\n\n- tofu\n- vegetables\n- noodles\n"[..])
    );

    // The same signature, detached, over the canonical text.
    let sig_at = A6_CLEARTEXT
        .find("-----BEGIN PGP SIGNATURE")
        .expect("sig block");
    let detached = &A6_CLEARTEXT[sig_at..];
    let canonical =
        b"What we need from the grocery store:\r\n\r\n- tofu\r\n- vegetables\r\n- noodles\r\n";
    assert!(openpgp::verify_detached(detached.as_bytes(), canonical, &ring).is_good());
    // Text signatures hash LF as CR LF.
    let lf = b"What we need from the grocery store:\n\n- tofu\n- vegetables\n- noodles\n";
    assert!(openpgp::verify_detached(detached.as_bytes(), lf, &ring).is_good());

    let edited = A6_CLEARTEXT.replace("tofu", "tempeh");
    let (outcome, _) = openpgp::cleartext_verify(edited.as_bytes(), &ring);
    assert!(matches!(outcome, Outcome::Bad { .. }), "{outcome:?}");
}
