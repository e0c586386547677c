//! The `[disclosure]` section (security.txt fields).

use std::path::Path;

use safeguard_config::{Location, parse};

fn p() -> &'static Path {
    Path::new("safeguard.toml")
}

#[test]
fn disclosure_section_parses() {
    let c = parse(
        "[disclosure]\ncontact = [\"mailto:security@example.com\", \"tel:+44-20-7946-0000\"]\nexpires_in_days = 90\ncanonical = \"https://example.com/.well-known/security.txt\"\npreferred_languages = [\"en\", \"cy\"]\n",
        p(),
    )
    .unwrap();
    let d = &c.disclosure;
    assert_eq!(
        d.contact,
        ["mailto:security@example.com", "tel:+44-20-7946-0000"]
    );
    assert_eq!(
        d.canonical,
        ["https://example.com/.well-known/security.txt"]
    );
    assert_eq!(d.preferred_languages, ["en", "cy"]);
    assert_eq!(d.expires_in_days(), 90);
    assert!(d.policy.is_empty());

    let c = parse("", p()).unwrap();
    assert_eq!(c.disclosure.expires_in_days(), 180);
    assert!(c.disclosure.contact.is_empty());

    let c = parse("[disclosure]\nexpires = \"2026-01-01T00:00:00Z\"\n", p()).unwrap();
    assert_eq!(
        c.disclosure.expires.map(|e| e.into_inner()).as_deref(),
        Some("2026-01-01T00:00:00Z")
    );
}

#[test]
fn disclosure_errors_are_located() {
    let e = parse("[vendor]\nname = \"x\"\n\n[disclosure]\ncontact = \"mailto:a@example.com\"\nemail = \"a@example.com\"\n", p()).unwrap_err();
    assert_eq!(e.location, Some(Location { line: 6, column: 1 }), "{e}");
    assert!(e.message.contains("email"), "{e}");

    let e = parse("[disclosure]\nexpires_in_days = 400\n", p()).unwrap_err();
    assert_eq!(
        e.location,
        Some(Location {
            line: 2,
            column: 19
        }),
        "{e}"
    );
    assert!(e.message.contains("1 to 365"), "{e}");

    let e = parse(
        "[disclosure]\nexpires = \"2026-01-01T00:00:00Z\"\nexpires_in_days = 30\n",
        p(),
    )
    .unwrap_err();
    assert_eq!(e.location.map(|l| l.line), Some(3), "{e}");
    assert!(e.message.contains("not both"), "{e}");

    let e = parse("[disclosure]\ncontact = 5\n", p()).unwrap_err();
    assert_eq!(e.location.map(|l| l.line), Some(2), "{e}");
}
