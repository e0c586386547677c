use std::path::{Path, PathBuf};

use safeguard_disclosure::lifecycle::{
    self, CheckStatus, Lifecycle, LifecycleError, LifecycleReport, NoticeError, NoticeOptions,
    Phase,
};
use time::OffsetDateTime;
use time::macros::datetime;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lifecycle"
    ))
}

const DOCS: &str = r#"
[lifecycle]
update_policy = "docs/updates.md"
user_docs = ["docs/secure-use.md"]
"#;

fn load(toml: &str) -> Result<Lifecycle, LifecycleError> {
    let text = format!("{DOCS}{toml}");
    let c = safeguard_config::parse(&text, Path::new("safeguard.toml")).expect("valid TOML");
    lifecycle::load(&c.lifecycle.expect("[lifecycle]"), &fixtures())
}

fn version(eoss: &str, notice: Option<&str>) -> String {
    let notice = notice
        .map(|n| format!("notice_published = \"{n}\"\n"))
        .unwrap_or_default();
    format!(
        "[[lifecycle.versions]]\nproduct = \"acme-server\"\nversion = \"4.2\"\ngeneral_availability = \"2020-01-01\"\nend_of_security_support = \"{eoss}\"\n{notice}shipped = false\n"
    )
}

fn report(toml: &str, now: OffsetDateTime) -> LifecycleReport {
    lifecycle::check(&load(toml).expect("loads"), now, &fixtures())
}

/// The status of the single check named `check`.
fn status(r: &LifecycleReport, check: &str) -> CheckStatus {
    let found: Vec<_> = r.checks.iter().filter(|c| c.check == check).collect();
    assert_eq!(found.len(), 1, "{check}: {:#?}", r.checks);
    found[0].status
}

const EARLY: OffsetDateTime = datetime!(2020-06-01 00:00 UTC);

#[test]
fn exactly_twelve_months_passes_and_one_day_short_fails() {
    let r = report(&version("2026-02-28", Some("2025-02-28")), EARLY);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Pass);
    assert!(r.ok, "{:#?}", r.checks);

    let r = report(&version("2026-02-27", Some("2025-02-28")), EARLY);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Fail);
    assert!(!r.ok);
    let msg = &r
        .checks
        .iter()
        .find(|c| c.check == "notice-period")
        .unwrap()
        .message;
    assert!(msg.contains("due by 2025-02-27"), "{msg}");
}

#[test]
fn leap_day_notices() {
    // From 29 February the 12-month mark is 28 February of the next year.
    let r = report(&version("2025-02-28", Some("2024-02-29")), EARLY);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Pass);
    let r = report(&version("2025-02-27", Some("2024-02-29")), EARLY);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Fail);
    // An end on 29 February needs notice by 28 February of the year before.
    let r = report(&version("2028-02-29", Some("2027-02-28")), EARLY);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Pass);
    let r = report(&version("2028-02-29", Some("2027-03-01")), EARLY);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Fail);
    assert_eq!(r.versions[0].notice_deadline.as_deref(), Some("2027-02-28"));
}

#[test]
fn offsets_are_compared_in_utc() {
    // 23:30 at -12:00 on 15 January is 11:30 UTC on 16 January: its 12-month mark is after
    // the end of 16 January 2026 00:00 UTC.
    let r = report(
        &version("2026-01-16", Some("2025-01-15T23:30:00-12:00")),
        EARLY,
    );
    assert_eq!(status(&r, "notice-period"), CheckStatus::Fail);
    // 09:00 at +14:00 on 16 January is 19:00 UTC on 15 January: in time.
    let r = report(
        &version("2026-01-16", Some("2025-01-16T09:00:00+14:00")),
        EARLY,
    );
    assert_eq!(status(&r, "notice-period"), CheckStatus::Pass);
    // A date-time end with an offset: 2026-01-16T05:00+14:00 is 15:00 UTC on 15 January.
    let r = report(
        &version("2026-01-16T05:00:00+14:00", Some("2025-01-15T16:00:00Z")),
        EARLY,
    );
    assert_eq!(status(&r, "notice-period"), CheckStatus::Fail);
    let r = report(
        &version("2026-01-16T05:00:00+14:00", Some("2025-01-15T15:00:00Z")),
        EARLY,
    );
    assert_eq!(status(&r, "notice-period"), CheckStatus::Pass);
}

#[test]
fn notice_due_when_end_is_under_twelve_months_away() {
    let v = version("2027-01-15", None);
    // More than 12 months away: not due yet.
    let r = report(&v, datetime!(2026-01-14 00:00 UTC));
    assert_eq!(status(&r, "notice-due"), CheckStatus::Pass);
    assert!(r.ok);
    // Exactly 12 months away: still not late.
    let r = report(&v, datetime!(2026-01-15 00:00 UTC));
    assert_eq!(status(&r, "notice-due"), CheckStatus::Pass);
    // One second later it is due.
    let r = report(&v, datetime!(2026-01-15 00:00:01 UTC));
    assert_eq!(status(&r, "notice-due"), CheckStatus::Fail);
    assert!(!r.ok);
    let c = r.checks.iter().find(|c| c.check == "notice-due").unwrap();
    assert_eq!(c.claim, "4.2.1");
    assert_eq!(c.subject.as_deref(), Some("acme-server 4.2"));
}

#[test]
fn ended_versions() {
    let now = datetime!(2027-02-01 00:00 UTC);
    // Ended, not shipped, notice in time: all pass.
    let r = report(&version("2027-01-15", Some("2025-12-01")), now);
    assert!(r.ok, "{:#?}", r.checks);
    assert_eq!(r.versions[0].phase, Phase::EndOfSecuritySupport);
    // Ended with no notice recorded.
    let r = report(&version("2027-01-15", None), now);
    assert_eq!(status(&r, "notice-period"), CheckStatus::Fail);
    // Still shipped after the end.
    let shipped =
        version("2027-01-15", Some("2025-12-01")).replace("shipped = false", "shipped = true");
    let r = report(&shipped, now);
    assert_eq!(status(&r, "shipped-after-end"), CheckStatus::Fail);
    assert!(!r.ok);
    // The same, before the end: not flagged.
    let r = report(&shipped, datetime!(2026-06-01 00:00 UTC));
    assert!(r.checks.iter().all(|c| c.check != "shipped-after-end"));
    assert!(r.ok, "{:#?}", r.checks);
}

#[test]
fn supported_version_without_end_date_fails_4_1_1() {
    let r = report(
        "[[lifecycle.versions]]\nversion = \"5.0\"\ngeneral_availability = 2025-01-01\n",
        datetime!(2025-06-01 00:00 UTC),
    );
    let c = r
        .checks
        .iter()
        .find(|c| c.check == "end-of-support-date")
        .unwrap();
    assert_eq!((c.claim, c.status), ("4.1.1", CheckStatus::Fail));
    assert_eq!(c.subject.as_deref(), Some("5.0"));
    assert_eq!(r.versions[0].phase, Phase::Supported);

    let r = report("", EARLY);
    assert_eq!(status(&r, "end-of-support-date"), CheckStatus::Fail);
}

#[test]
fn impossible_orders_name_product_and_version() {
    let cases = [
        (
            "general_availability = 2026-01-01\nend_of_life = 2025-01-01\n",
            "end_of_life (2025-01-01) is before general_availability (2026-01-01)",
        ),
        (
            "general_availability = 2026-01-01\nend_of_security_support = 2025-01-01\n",
            "end_of_security_support (2025-01-01) is before general_availability",
        ),
        (
            "end_of_security_support = 2026-01-01\nnotice_published = 2026-01-02\n",
            "notice_published (2026-01-02) is after the end date it announces (2026-01-01)",
        ),
    ];
    for (body, want) in cases {
        let toml =
            format!("[[lifecycle.versions]]\nproduct = \"acme-agent\"\nversion = \"2.1\"\n{body}");
        let s = load(&toml).unwrap_err().to_string();
        assert!(s.starts_with("safeguard.toml: acme-agent 2.1: "), "{s}");
        assert!(s.contains(want), "{s}");
    }
    let e = load("[[lifecycle.versions]]\nversion = \"7\"\nend_of_security_support = 2026-01-01\nend_of_life = 2025-01-01\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "safeguard.toml: version 7: end_of_life (2025-01-01) is before end_of_security_support (2026-01-01)"
    );
    // 23:00 at -02:00 on 31 December is 01:00 UTC on 1 January: after, so valid.
    assert!(load("[[lifecycle.versions]]\nversion = \"2.1\"\nend_of_security_support = 2026-01-01\nend_of_life = 2025-12-31T23:00:00-02:00\n").is_ok());
    // One hour earlier in UTC is before the end of security support.
    let e = load("[[lifecycle.versions]]\nproduct = \"acme-agent\"\nversion = \"2.1\"\nend_of_security_support = 2026-01-01\nend_of_life = 2025-12-31T21:00:00-02:00\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "safeguard.toml: acme-agent 2.1: end_of_life (2025-12-31T21:00:00-02:00) is before end_of_security_support (2026-01-01)"
    );
}

#[test]
fn openeox_file_is_read() {
    let lc = load("file = \"openeox.json\"\n").expect("loads");
    assert_eq!(lc.versions.len(), 2);
    let v = &lc.versions[0];
    assert_eq!(v.product.as_deref(), Some("acme-server"));
    assert_eq!(v.version, "3.9");
    assert_eq!(
        v.end_of_security_support.as_ref().unwrap().text,
        "2026-03-01T00:00:00Z"
    );
    assert_eq!(v.notice_published.as_ref().unwrap().text, "2025-02-14");
    assert!(!v.shipped);
    assert!(v.declared_in.ends_with("openeox.json"));
    let v5 = &lc.versions[1];
    assert_eq!(v5.version, "5.0");
    assert!(v5.end_of_security_support.is_none(), "tba is no date");
    assert!(v5.shipped);

    let r = lifecycle::check(&lc, datetime!(2026-01-01 00:00 UTC), &fixtures());
    // 3.9: notice 2025-02-14 for 2026-03-01 passes; 5.0 has no end date (tba): fails 4.1.1.
    assert_eq!(status(&r, "notice-period"), CheckStatus::Pass);
    let eos: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.check == "end-of-support-date")
        .map(|c| (c.subject.clone().unwrap(), c.status))
        .collect();
    assert_eq!(
        eos,
        [
            ("acme-server 3.9".to_string(), CheckStatus::Pass),
            ("acme-server 5.0".to_string(), CheckStatus::Fail)
        ]
    );
}

#[test]
fn bad_json_is_located() {
    let e = load("file = \"bad.json\"\n").unwrap_err();
    match &e {
        LifecycleError::Parse { line, path, .. } => {
            assert_eq!(*line, 4, "{e}");
            assert!(path.ends_with("bad.json"));
        }
        other => panic!("{other:?}"),
    }
    let e = load("file = \"bad-order.json\"\n").unwrap_err();
    let s = e.to_string();
    assert!(s.contains("bad-order.json: acme-agent 2.1: end_of_security_support (2025-01-01) is before general_availability (2026-01-01)"), "{s}");
    let e = load("file = \"missing.json\"\n").unwrap_err();
    assert!(matches!(e, LifecycleError::Io { .. }), "{e}");
    assert!(e.to_string().contains("missing.json: cannot read"), "{e}");

    let e = lifecycle::parse_openeox(b"{\"statements\": [1]}", Path::new("x.json")).unwrap_err();
    assert_eq!(e.to_string(), "x.json: statements[0]: expected an object");
    let e = lifecycle::parse_openeox(b"{\"statements\": 1}", Path::new("x.json")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.json: expected an OpenEoX document with a `statements` array"
    );
    for (text, want) in [
        (&b"[1]"[..], "statements[0]: expected an object"),
        (b"{}", "`statements` array"),
        (b"[{\"product_name\": \"x\"}]", "no product version"),
        (
            b"[{\"product_version\": \"1\", \"end_of_life\": \"2026-02-30\"}]",
            "statements[0]: version 1: `end_of_life`: `2026-02-30` is not a date",
        ),
        (
            b"[{\"product_version\": \"1\", \"shipped\": \"yes\"}]",
            "`shipped` must be true or false",
        ),
    ] {
        let e = lifecycle::parse_openeox(text, Path::new("x.json")).unwrap_err();
        assert!(e.to_string().contains(want), "{e}");
    }
}

#[test]
fn documents_must_exist_and_mention_updates_and_security() {
    let now = datetime!(2025-06-01 00:00 UTC);
    let v = version("2027-01-15", Some("2025-12-01"));
    let r = report(&v, now);
    let c = r
        .checks
        .iter()
        .find(|c| c.check == "update-policy")
        .unwrap();
    assert_eq!((c.claim, c.status), ("4.1.2", CheckStatus::Pass));
    assert!(c.message.contains("`update` on line 1"), "{}", c.message);
    let c = r.checks.iter().find(|c| c.check == "user-docs").unwrap();
    assert_eq!((c.claim, c.status), ("4.1.3", CheckStatus::Pass));
    assert!(c.message.contains("`upgrade` on line 7"), "{}", c.message);
    assert!(c.message.contains("`secur` on line 1"), "{}", c.message);

    let text = format!(
        "[lifecycle]\nupdate_policy = \"docs/nope.md\"\nuser_docs = [\"docs/readme.md\"]\n{v}"
    );
    let c = safeguard_config::parse(&text, Path::new("safeguard.toml")).unwrap();
    let lc = lifecycle::load(&c.lifecycle.unwrap(), &fixtures()).unwrap();
    let r = lifecycle::check(&lc, now, &fixtures());
    let c = r
        .checks
        .iter()
        .find(|c| c.check == "update-policy")
        .unwrap();
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(
        c.message.starts_with("docs/nope.md: cannot read"),
        "{}",
        c.message
    );
    let c = r.checks.iter().find(|c| c.check == "user-docs").unwrap();
    assert_eq!(c.status, CheckStatus::Fail);
    assert_eq!(
        c.message,
        "docs/readme.md does not mention any of: update, upgrade, patch"
    );

    // Nothing configured.
    let lc = Lifecycle::default();
    let r = lifecycle::check(&lc, now, &fixtures());
    assert_eq!(status(&r, "update-policy"), CheckStatus::Fail);
    assert_eq!(status(&r, "user-docs"), CheckStatus::Fail);
}

#[test]
fn notice_picks_the_upgrade_path() {
    let lc = load(
        r#"
[[lifecycle.versions]]
product = "acme-server"
version = "4.2"
general_availability = 2025-01-15
end_of_security_support = 2027-01-15
end_of_life = 2027-07-15
[[lifecycle.versions]]
product = "acme-server"
version = "5.0"
general_availability = 2026-02-01
end_of_security_support = 2028-02-01
[[lifecycle.versions]]
product = "acme-server"
version = "3.9"
end_of_security_support = 2026-03-01
[[lifecycle.versions]]
product = "acme-agent"
version = "4.2"
end_of_security_support = 2029-01-01
"#,
    )
    .unwrap();
    let opts = NoticeOptions {
        product: Some("acme-server"),
        contact: Some("security@acme.example"),
        markdown: true,
        ..Default::default()
    };
    let n = lifecycle::notice(&lc, "3.9", &opts).unwrap();
    assert!(
        n.starts_with("# End of security support: acme-server 3.9\n"),
        "{n}"
    );
    assert!(
        n.contains(
            "Upgrade to acme-server 5.0, which receives security updates until 1 February 2028"
        ),
        "{n}"
    );
    assert!(n.contains("docs/updates.md"), "{n}");
    assert!(n.contains("security@acme.example"), "{n}");
    // The newest has no upgrade path.
    let n = lifecycle::notice(&lc, "5.0", &opts).unwrap();
    assert!(
        n.contains("No newer supported version of acme-server is listed"),
        "{n}"
    );

    let e = lifecycle::notice(&lc, "4.2", &NoticeOptions::default()).unwrap_err();
    assert_eq!(
        e,
        NoticeError::Ambiguous {
            version: "4.2".into(),
            products: "acme-server, acme-agent".into()
        }
    );
    let e = lifecycle::notice(&lc, "9", &opts).unwrap_err();
    assert!(matches!(e, NoticeError::UnknownVersion(..)), "{e}");
}
