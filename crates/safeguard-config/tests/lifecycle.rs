use std::path::Path;

use safeguard_config::{Moment, parse};

fn p() -> &'static Path {
    Path::new("safeguard.toml")
}

#[test]
fn lifecycle_section_parses() {
    let c = parse(
        r#"
[lifecycle]
update_policy = "docs/updates.md"
user_docs = ["docs/secure-use.md"]
file = "lifecycle.json"
[[lifecycle.versions]]
product = "acme-server"
version = "4.2"
general_availability = 2025-01-15
end_of_security_support = "2027-01-15"
end_of_life = 2027-07-15T10:00:00+14:00
notice_published = 2025-12-01
shipped = false
[[lifecycle.versions]]
version = "5.0"
"#,
        p(),
    )
    .unwrap();
    let l = c.lifecycle.unwrap();
    assert_eq!(l.update_policy.as_deref(), Some("docs/updates.md"));
    assert_eq!(l.user_docs, vec!["docs/secure-use.md".to_string()]);
    assert_eq!(l.file.as_deref(), Some("lifecycle.json"));
    assert_eq!(l.versions.len(), 2);
    let v = &l.versions[0];
    assert_eq!(v.product.as_deref(), Some("acme-server"));
    assert_eq!(v.version.get_ref().0, "4.2");
    let eoss = v.end_of_security_support.as_ref().unwrap().get_ref();
    assert!(eoss.date_only);
    assert_eq!(eoss.utc.to_string(), "2027-01-15 0:00:00.0 +00:00:00");
    // +14:00 at 10:00 is 20:00 UTC the day before.
    let eol = v.end_of_life.as_ref().unwrap().get_ref();
    assert!(!eol.date_only);
    assert_eq!(eol.utc.to_string(), "2027-07-14 20:00:00.0 +00:00:00");
    assert!(!v.shipped);
    assert!(l.versions[1].shipped);
    assert!(l.versions[1].end_of_security_support.is_none());
}

#[test]
fn no_lifecycle_table_is_none() {
    assert!(parse("", p()).unwrap().lifecycle.is_none());
}

#[test]
fn lifecycle_errors_are_located() {
    let e = parse(
        "[lifecycle]\n[[lifecycle.versions]]\nversion = \"1\"\nend_of_life = 2027-13-01\n",
        p(),
    )
    .unwrap_err();
    assert_eq!(e.location.map(|l| l.line), Some(4), "{e}");

    let e = parse(
        "[[lifecycle.versions]]\nversion = \"1\"\nend_of_life = \"soon\"\n",
        p(),
    )
    .unwrap_err();
    assert_eq!(e.location.map(|l| l.line), Some(3), "{e}");
    assert!(e.message.contains("`soon` is not a date"), "{e}");

    let e = parse(
        "[[lifecycle.versions]]\nversion = \"1\"\nend_of_life = 2027-01-01T10:00:00\n",
        p(),
    )
    .unwrap_err();
    assert!(e.message.contains("no time zone offset"), "{e}");

    let e = parse("[[lifecycle.versions]]\nversion = \" \"\n", p()).unwrap_err();
    assert_eq!(e.location.map(|l| l.line), Some(2), "{e}");

    let e = parse("[lifecycle]\nupdate_polcy = \"x\"\n", p()).unwrap_err();
    assert!(e.message.contains("update_polcy"), "{e}");
}

#[test]
fn moments_parse_in_utc() {
    let m = Moment::parse("2024-02-29").unwrap();
    assert!(m.date_only);
    assert_eq!(m.utc.unix_timestamp(), 1_709_164_800);
    let m = Moment::parse("2025-01-01T00:30:00-12:00").unwrap();
    assert_eq!(m.utc.to_string(), "2025-01-01 12:30:00.0 +00:00:00");
    assert!(Moment::parse("2025-02-29").is_err());
    assert!(Moment::parse("").is_err());
}

#[test]
fn moments_out_of_range_in_utc_are_errors() {
    // 10000-01-01 in UTC is beyond the supported range.
    assert!(Moment::parse("9999-12-31T23:59:59-12:00").is_err());
    assert!(Moment::parse("9999-12-31T23:59:59Z").is_ok());
}
