//! The communication collector over a tree with a security.txt, a SECURITY.md, lifecycle data,
//! an incident plan and an incident log.

use std::path::Path;

use safeguard_assess::communication::collect_communication;
use safeguard_disclosure::incident::log::{Fields, Log, Severity};
use safeguard_model::facts::{CommunicationCheck, CommunicationFacts};
use time::macros::datetime;

const NOW: time::OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn find<'a>(f: &'a CommunicationFacts, source: &str, check: &str) -> Vec<&'a CommunicationCheck> {
    f.checks
        .iter()
        .filter(|c| c.source == source && c.check == check)
        .collect()
}

const CONFIG: &str = r#"
[lifecycle]
update_policy = "docs/updates.md"
user_docs = ["docs/secure-use.md"]

[[lifecycle.versions]]
version = "4.1"
general_availability = 2024-01-15
end_of_security_support = 2026-09-30
notice_published = 2025-09-01

[[lifecycle.versions]]
version = "4.2"
general_availability = 2025-01-15
end_of_security_support = 2027-01-15

[incidents]
log = "incidents.jsonl"
notify_within_hours = 24
"#;

fn tree(root: &Path) -> Vec<String> {
    write(
        root,
        ".well-known/security.txt",
        "Contact: mailto:security@acme.example\nExpires: 2026-10-01T00:00:00Z\n",
    );
    write(
        root,
        "SECURITY.md",
        "# Security policy\n\n## Reporting a vulnerability\n\nPlease email security@acme.example; do not open a public issue.\n",
    );
    write(
        root,
        "docs/updates.md",
        "# Updates\n\nWe release security updates monthly; upgrade with the package manager.\n",
    );
    write(
        root,
        "INCIDENT_RESPONSE.md",
        "# Incident response\n\n## Contacts\n\nEmail incidents@acme.example.\n",
    );
    let files = [
        ".well-known/security.txt",
        "SECURITY.md",
        "docs/updates.md",
        "INCIDENT_RESPONSE.md",
    ];
    files.iter().map(|s| s.to_string()).collect()
}

#[test]
fn checks_support_their_claims() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let files = tree(root);
    // One incident affecting customers: detected, and customers told 30 h later against a
    // 24 h target.
    let log = Log::open(root.join("incidents.jsonl"));
    log.record(
        Fields {
            title: Some("Signing key exposure".into()),
            severity: Some(Severity::High),
            affects_customers: Some(true),
            occurred_at: Some(datetime!(2026-05-01 08:00 UTC)),
            detected_at: Some(datetime!(2026-05-01 10:00 UTC)),
            customers_notified_at: Some(datetime!(2026-05-02 16:00 UTC)),
            ..Fields::default()
        },
        "tester",
        datetime!(2026-05-03 00:00 UTC),
    )
    .unwrap();
    let config = safeguard_config::parse(CONFIG, &root.join("safeguard.toml")).unwrap();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let f = collect_communication(&config, root, root, &refs, NOW);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(
        f.sources,
        [
            ".well-known/security.txt",
            "INCIDENT_RESPONSE.md",
            "SECURITY.md",
            "incidents.jsonl",
            "safeguard.toml [lifecycle]"
        ]
    );

    // security.txt: valid, with a contact.
    let c = find(&f, "security.txt", "contact");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("3.2.2", "pass")
    );
    let c = find(&f, "security.txt", "rfc9116");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("3.2.1", "pass")
    );

    // The disclosure policy has a confidential channel but no scope.
    let c = find(&f, "disclosure-policy", "confidential_channel");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("3.2.2", "pass")
    );
    assert!(
        c[0].location
            .as_deref()
            .is_some_and(|l| l.starts_with("SECURITY.md:"))
    );
    let c = find(&f, "disclosure-policy", "scope");
    assert_eq!(c[0].status, "fail");
    assert!(c[0].required);

    // Lifecycle: 4.1 gave 13 months' notice; 4.2 ends in under 12 months with no notice yet;
    // the user documentation is missing.
    let notice: Vec<_> = f
        .checks
        .iter()
        .filter(|c| c.claim == "4.2.1")
        .map(|c| (c.check.as_str(), c.status.as_str(), c.location.clone()))
        .collect();
    assert!(
        notice.contains(&("notice-period", "pass", Some("4.1".into()))),
        "{notice:?}"
    );
    assert!(
        notice.contains(&("notice-due", "fail", Some("4.2".into()))),
        "{notice:?}"
    );
    let c = find(&f, "lifecycle", "update-policy");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("4.1.2", "pass")
    );
    let c = find(&f, "lifecycle", "user-docs");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("4.1.3", "fail")
    );

    // The incident plan has contacts and nothing else.
    let plan: Vec<_> = f
        .checks
        .iter()
        .filter(|c| c.source == "incident-plan")
        .map(|c| (c.check.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        plan,
        [
            ("contacts", "pass"),
            ("roles", "fail"),
            ("procedure", "fail"),
            ("communication", "fail"),
            ("recovery", "fail"),
            ("post-incident-review", "fail")
        ]
    );

    // The customer was told 30 h after detection against 24 h: missed.
    let c = find(&f, "incident-log", "customer-notification");
    assert_eq!(c.len(), 1, "{:?}", f.checks);
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("4.3.2", "fail")
    );
    assert!(
        c[0].location
            .as_deref()
            .is_some_and(|l| l.starts_with("INC-2026-"))
    );
}

#[test]
fn bad_inputs_are_recorded_not_fatal() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let files = tree(root);
    // A log whose middle line is corrupt, and lifecycle data in an impossible order.
    std::fs::write(root.join("incidents.jsonl"), "{\"bad\": \n{}\n").unwrap();
    let config = safeguard_config::parse(
        "[lifecycle]\n[[lifecycle.versions]]\nversion = \"1.0\"\ngeneral_availability = 2026-01-01\nend_of_security_support = 2025-01-01\n\n[incidents]\nlog = \"incidents.jsonl\"\n",
        &root.join("safeguard.toml"),
    )
    .unwrap();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let f = collect_communication(&config, root, root, &refs, NOW);
    assert_eq!(f.errors.len(), 2, "{:?}", f.errors);
    assert!(f.errors[0].starts_with("[lifecycle]: "), "{:?}", f.errors);
    assert!(f.errors[0].contains("1.0"), "{:?}", f.errors);
    assert!(
        f.errors[1].starts_with("incidents.jsonl: "),
        "{:?}",
        f.errors
    );
    let c = find(&f, "lifecycle", "lifecycle-data");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("4.1.1", "fail")
    );
    let c = find(&f, "incident-log", "log");
    assert_eq!(
        (c[0].claim.as_str(), c[0].status.as_str()),
        ("4.3.2", "fail")
    );
    // The documents beside them were still checked.
    assert_eq!(find(&f, "security.txt", "contact")[0].status, "pass");
    assert!(!find(&f, "incident-plan", "contacts").is_empty());
}
