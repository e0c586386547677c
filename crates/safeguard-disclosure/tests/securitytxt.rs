//! RFC 9116 security.txt checking and generation.

use safeguard_disclosure::securitytxt::{
    self, CheckOptions, Fields, GenerateError, LineEndings, LineKind, Severity, Signature,
};
use safeguard_sig::openpgp::Keyring;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const SHARED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/securitytxt"
);
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/securitytxt");

/// The fixed "now" of these tests.
const NOW: OffsetDateTime = datetime!(2025-06-01 00:00:00 UTC);

fn codes(f: &[securitytxt::Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

fn check(text: &str) -> securitytxt::Report {
    securitytxt::check(text.as_bytes(), &CheckOptions::at(NOW))
}

fn fill(template: &str) -> String {
    let plus10 = (NOW + Duration::days(10)).date();
    template
        .replace("{TODAY+10d}", &plus10.to_string())
        .replace("{YEAR+3}", &(NOW.year() + 3).to_string())
}

/// The 15 cases transcribed from sectxt's test suite must give the expected verdicts.
#[test]
fn sectxt_cases() {
    let raw = std::fs::read_to_string(format!("{SHARED}/sectxt_cases.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 15);
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let content = fill(case["content"].as_str().unwrap());
        let r = check(&content);
        let errs = codes(&r.errors);
        let recs = codes(&r.recommendations);
        let mut ok = true;
        for (key, want) in case["expect"].as_object().unwrap() {
            let good = match key.as_str() {
                "valid" => want.as_bool() == Some(r.valid),
                "errors_first" => errs.first().copied() == want.as_str(),
                "errors_index1" => errs.get(1).copied() == want.as_str(),
                "recommendations_first" => recs.first().copied() == want.as_str(),
                "recommendations" => {
                    let want: Vec<&str> = want
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    recs.get(..want.len()) == Some(&want[..])
                }
                "line2_type" => {
                    let kind = serde_json::to_value(r.lines[1].kind).unwrap();
                    kind == *want
                }
                other => panic!("unknown expectation {other}"),
            };
            if !good {
                ok = false;
                failures.push(format!(
                    "{name}: {key} = {want}; errors {errs:?} recs {recs:?}"
                ));
            }
        }
        if ok {
            passed += 1;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(passed, 15);
}

#[test]
fn rfc_examples() {
    let before = datetime!(2021-06-01 00:00:00 UTC);
    let unsigned = std::fs::read(format!("{SHARED}/rfc9116-section-2.6-unsigned.txt")).unwrap();
    let r = securitytxt::check(&unsigned, &CheckOptions::at(before));
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.signature, Signature::Unsigned);
    assert_eq!(codes(&r.recommendations), ["not_signed"]);
    assert_eq!(r.contacts(), ["mailto:security@example.com"]);
    assert_eq!(r.expires.as_deref(), Some("2021-12-31T18:37:07Z"));
    assert_eq!(r.line_endings, LineEndings::Lf);

    let signed = std::fs::read(format!("{SHARED}/rfc9116-section-2.7-signed.txt")).unwrap();
    let r = securitytxt::check(&signed, &CheckOptions::at(before));
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.signature, Signature::NotChecked);
    assert!(r.recommendations.is_empty(), "{:?}", r.recommendations);
    assert_eq!(codes(&r.notes), ["signature_not_checked"]);
    assert_eq!(
        r.values("canonical"),
        ["https://example.com/.well-known/security.txt"]
    );
    assert_eq!(r.lines[0].kind, LineKind::SignatureArmor);
    assert_eq!(r.lines[1].kind, LineKind::SignatureArmor);
    assert_eq!(r.lines[3].kind, LineKind::Comment);
    assert_eq!(r.lines[4].kind, LineKind::Field);
    assert_eq!(r.lines.last().unwrap().kind, LineKind::SignatureArmor);

    // The same files judged after their expiry.
    let r = securitytxt::check(&unsigned, &CheckOptions::at(NOW));
    assert_eq!(codes(&r.errors), ["expired"]);
    assert_eq!(r.errors[0].line, Some(13));
}

#[test]
fn signature_with_keyring() {
    let signed = std::fs::read(format!("{FIXTURES}/signed.txt")).unwrap();
    let keyring =
        Keyring::parse(&std::fs::read(format!("{FIXTURES}/keyring.asc")).unwrap()).unwrap();
    // The fixture expires 2030-01-01.
    let opts = CheckOptions {
        now: datetime!(2029-06-01 00:00:00 UTC),
        keyring: Some(&keyring),
        url: Some("https://example.com/.well-known/security.txt"),
    };
    let r = securitytxt::check(&signed, &opts);
    assert!(r.valid, "{:?}", r.errors);
    match &r.signature {
        Signature::Good {
            user_id,
            fingerprint,
        } => {
            assert_eq!(
                user_id.as_deref(),
                Some("Security Team <security@example.com>")
            );
            assert_eq!(fingerprint.len(), 40);
        }
        other => panic!("{other:?}"),
    }
    assert!(r.notes.is_empty());
    assert!(r.recommendations.is_empty(), "{:?}", r.recommendations);

    // A tampered signed text.
    let tampered = String::from_utf8(signed.clone())
        .unwrap()
        .replace("mailto:security", "mailto:attacker");
    let r = securitytxt::check(tampered.as_bytes(), &opts);
    assert!(
        matches!(r.signature, Signature::Bad { .. }),
        "{:?}",
        r.signature
    );
    assert_eq!(codes(&r.errors), ["bad_signature"]);
    assert!(!r.valid);

    // A keyring without the signer.
    let other =
        Keyring::parse(&std::fs::read(format!("{FIXTURES}/other-keyring.asc")).unwrap()).unwrap();
    let r = securitytxt::check(
        &signed,
        &CheckOptions {
            keyring: Some(&other),
            ..opts
        },
    );
    assert!(
        matches!(r.signature, Signature::UnknownKey { .. }),
        "{:?}",
        r.signature
    );
    assert_eq!(codes(&r.errors), ["unknown_signing_key"]);

    // Served somewhere the Canonical field does not name.
    let r = securitytxt::check(
        &signed,
        &CheckOptions {
            url: Some("https://mirror.example.net/.well-known/security.txt"),
            ..opts
        },
    );
    assert!(r.valid);
    assert_eq!(codes(&r.recommendations), ["no_canonical_match"]);
}

#[test]
fn field_rules() {
    let good = "Contact: mailto:security@example.com\nExpires: 2025-12-01T00:00:00Z\n";
    let r = check(good);
    assert!(r.valid, "{:?}", r.errors);

    // Field names are case-insensitive.
    let r = check("contact: tel:+44-20-7946-0000\nEXPIRES: 2025-12-01T00:00:00+01:00\n");
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.fields[0].name, "Contact");
    assert_eq!(r.expires.as_deref(), Some("2025-11-30T23:00:00Z"));

    // Missing Contact and Expires.
    let r = check("# nothing\n");
    assert_eq!(codes(&r.errors), ["no_contact", "no_expire"]);
    assert_eq!(r.errors[0].line, None);

    // Two Expires.
    let r = check(&format!("{good}Expires: 2025-12-02T00:00:00Z\n"));
    assert_eq!(codes(&r.errors), ["multi_expire"]);
    assert_eq!(r.errors[0].line, Some(3));

    // Preferred-Languages: tags, once.
    let r = check(&format!("{good}Preferred-Languages: en, pt-BR\n"));
    assert!(r.valid);
    let r = check(&format!("{good}Preferred-Languages: en; fr\n"));
    assert_eq!(codes(&r.errors), ["invalid_lang"]);
    let r = check(&format!(
        "{good}Preferred-Languages: en\nPreferred-Languages: fr\n"
    ));
    assert_eq!(codes(&r.errors), ["multi_lang"]);
    assert_eq!(r.errors[0].line, Some(4));

    // URIs of the other fields.
    let r = check(&format!(
        "{good}Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f\nEncryption: dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY\nPolicy: http://example.com/policy\nHiring: ftp://example.com/jobs\nAcknowledgments: https:///thanks\n"
    ));
    assert_eq!(
        codes(&r.errors),
        ["no_https", "invalid_uri_scheme", "invalid_uri"]
    );
    assert_eq!(
        r.errors.iter().map(|e| e.line.unwrap()).collect::<Vec<_>>(),
        [5, 6, 7]
    );
    let r = check("Contact: mailto:security@\nExpires: 2025-12-01T00:00:00Z\n");
    assert_eq!(codes(&r.errors), ["invalid_uri", "no_contact"]);

    // Unknown fields are notes.
    let r = check(&format!("{good}X-Team: red\n"));
    assert!(r.valid);
    assert_eq!(codes(&r.notes), ["unknown_field"]);
    assert_eq!(r.notes[0].severity, Severity::Info);

    // A line that is nothing.
    let r = check(&format!("{good}just text\n"));
    assert_eq!(codes(&r.errors), ["invalid_line"]);
    assert_eq!(r.lines[2].kind, LineKind::Invalid);
}

#[test]
fn line_endings_encoding_and_size() {
    let crlf = "Contact: mailto:security@example.com\r\nExpires: 2025-12-01T00:00:00Z\r\n";
    let r = check(crlf);
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.line_endings, LineEndings::CrLf);

    let mixed = "Contact: mailto:security@example.com\r\nExpires: 2025-12-01T00:00:00Z\n";
    let r = check(mixed);
    assert!(r.valid);
    assert_eq!(r.line_endings, LineEndings::Mixed);
    assert_eq!(
        codes(&r.recommendations),
        ["mixed_line_endings", "not_signed"]
    );

    let r = check("Contact: mailto:security@example.com\nExpires: 2025-12-01T00:00:00Z");
    assert_eq!(codes(&r.errors), ["no_line_separators"]);
    assert_eq!(r.errors[0].line, Some(2));

    let mut latin1 =
        b"Contact: mailto:security@example.com\nExpires: 2025-12-01T00:00:00Z\n# caf".to_vec();
    latin1.extend_from_slice(&[0xe9, b'\n']);
    let r = securitytxt::check(&latin1, &CheckOptions::at(NOW));
    assert_eq!(codes(&r.errors), ["utf8"]);
    assert_eq!(r.errors[0].line, Some(3));

    let big = vec![b'#'; securitytxt::MAX_SIZE + 1];
    let r = securitytxt::check(&big, &CheckOptions::at(NOW));
    assert_eq!(codes(&r.errors), ["too_large"]);
    assert!(r.lines.is_empty());
}

#[test]
fn signed_framing_problems() {
    let r = check(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@example.com\nExpires: 2025-12-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\nContact: mailto:evil@example.net\n",
    );
    assert_eq!(codes(&r.errors), ["data_after_sig"]);
    assert_eq!(r.errors[0].line, Some(10));
    assert_eq!(r.contacts(), ["mailto:a@example.com"]);

    let r = check(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@example.com\nExpires: 2025-12-01T00:00:00Z\n",
    );
    assert_eq!(codes(&r.errors), ["signed_format_issue"]);
}

#[test]
fn expiry_formats() {
    for ok in [
        "2025-12-01T00:00:00Z",
        "2025-12-01t00:00:00z",
        "2025-12-01T00:00Z",
        "2025-12-01T00:00:00.123456789Z",
        "2025-12-01T00:00:00-05:30",
    ] {
        assert!(securitytxt::parse_datetime(ok).is_some(), "{ok}");
    }
    for bad in [
        "2025-12-01",
        "2025-13-01T00:00:00Z",
        "2025-02-30T00:00:00Z",
        "2025-12-01T00:00:00",
        "2025-12-01 00:00:00Z",
        "Mon, 01 Dec 2025 00:00:00 +0000",
        "2025-12-01T00:00:00.Z",
        "2025-12-01T00:00:00+0100",
        "",
    ] {
        assert!(securitytxt::parse_datetime(bad).is_none(), "{bad}");
    }
    assert_eq!(
        securitytxt::parse_datetime("2025-12-01T01:00:00+01:00"),
        Some(datetime!(2025-12-01 00:00:00 UTC))
    );
}

#[test]
fn generate_round_trips() {
    let fields = Fields {
        contact: vec![
            "mailto:security@example.com".into(),
            "https://example.com/report".into(),
        ],
        expires: Some(NOW + Duration::days(180)),
        canonical: vec!["https://example.com/.well-known/security.txt".into()],
        policy: vec!["https://example.com/disclosure".into()],
        encryption: vec!["https://example.com/pgp.asc".into()],
        acknowledgments: vec!["https://example.com/thanks".into()],
        preferred_languages: vec!["en".into(), "cy".into()],
        hiring: vec!["https://example.com/jobs".into()],
    };
    let text = securitytxt::generate(&fields, NOW).unwrap();
    let r = check(&text);
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.line_endings, LineEndings::Lf);
    let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Canonical",
            "Contact",
            "Contact",
            "Encryption",
            "Acknowledgments",
            "Policy",
            "Hiring",
            "Preferred-Languages",
            "Expires"
        ]
    );
    assert_eq!(r.expires.as_deref(), Some("2025-11-28T00:00:00Z"));
    assert!(text.starts_with("# security.txt (RFC 9116)"));

    assert_eq!(
        securitytxt::generate(&Fields::default(), NOW),
        Err(GenerateError::NoContact)
    );
    let injected = Fields {
        contact: vec!["mailto:a@example.com\nContact: mailto:evil@example.net".into()],
        expires: Some(NOW + Duration::days(1)),
        ..Fields::default()
    };
    assert!(matches!(
        securitytxt::generate(&injected, NOW),
        Err(GenerateError::LineBreak {
            field: "Contact",
            ..
        })
    ));
    let bad = Fields {
        contact: vec!["security@example.com".into()],
        expires: Some(NOW - Duration::days(1)),
        ..Fields::default()
    };
    match securitytxt::generate(&bad, NOW) {
        Err(GenerateError::Invalid(msgs)) => {
            assert_eq!(msgs.len(), 3, "{msgs:?}");
            assert!(msgs[0].contains("not a URI"), "{msgs:?}");
        }
        other => panic!("{other:?}"),
    }
}
