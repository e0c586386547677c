//! Incident plan lint, incident log and timeliness clocks.

use safeguard_disclosure::incident::log::{
    CraKind, Fields, Incident, IncidentStatus, Log, LogError, Severity, parse_timestamp,
};
use safeguard_disclosure::incident::plan::{Element, ElementStatus, lint};
use safeguard_disclosure::incident::timeliness::{ClockStatus, Settings, add_month, report};
use time::OffsetDateTime;
use time::macros::datetime;

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/incident/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn statuses(text: &str) -> Vec<(Element, ElementStatus, Option<usize>)> {
    lint(text)
        .elements
        .into_iter()
        .map(|e| (e.element, e.status, e.line))
        .collect()
}

#[test]
fn complete_plan_has_every_element_on_its_heading() {
    use ElementStatus::Present;
    let r = lint(&fixture("plan-complete.md"));
    assert!(r.complete());
    assert_eq!(
        statuses(&fixture("plan-complete.md")),
        vec![
            (Element::Contacts, Present, Some(3)),
            (Element::Roles, Present, Some(8)),
            (Element::Procedure, Present, Some(12)),
            (Element::Communication, Present, Some(22)),
            (Element::Recovery, Present, Some(26)),
            (Element::PostIncidentReview, Present, Some(30)),
        ]
    );
}

#[test]
fn absent_elements_and_code_blocks_skipped() {
    use ElementStatus::{Absent, Present};
    let text = fixture("plan-absent.md");
    let r = lint(&text);
    assert!(r.any_absent());
    assert_eq!(
        statuses(&text),
        vec![
            (Element::Contacts, Present, Some(3)),
            (Element::Roles, Absent, None),
            (Element::Procedure, Present, Some(5)),
            (Element::Communication, Absent, None),
            (Element::Recovery, Absent, None),
            (Element::PostIncidentReview, Absent, None),
        ]
    );
}

#[test]
fn malformed_contacts_without_address_and_empty_section() {
    use ElementStatus::{Malformed, Present};
    let text = fixture("plan-malformed.md");
    let r = lint(&text);
    assert!(!r.any_absent());
    assert!(!r.complete());
    assert_eq!(
        statuses(&text),
        vec![
            (Element::Contacts, Malformed, Some(3)),
            (Element::Roles, Malformed, Some(7)),
            (Element::Procedure, Present, Some(9)),
            (Element::Communication, Present, Some(13)),
            (Element::Recovery, Present, Some(17)),
            (Element::PostIncidentReview, Present, Some(21)),
        ]
    );
    let c = r.get(Element::Contacts).map(|c| c.detail.clone());
    assert_eq!(
        c.as_deref(),
        Some("the section `## Contacts` gives no e-mail address, phone number or URL")
    );
}

#[test]
fn phone_number_counts_as_a_contact() {
    let r = lint("## Contact\n\nCall 0800 123 4567 at any time.\n");
    assert_eq!(
        r.get(Element::Contacts).map(|c| c.status),
        Some(ElementStatus::Present)
    );
    let r = lint("## Contact\n\nCall us on extension 12.\n");
    assert_eq!(
        r.get(Element::Contacts).map(|c| c.status),
        Some(ElementStatus::Malformed)
    );
}

#[test]
fn empty_text_is_all_absent() {
    let r = lint("");
    assert_eq!(r.elements.len(), 6);
    assert!(r.elements.iter().all(|e| e.status == ElementStatus::Absent));
}

// ---------------------------------------------------------------- log

fn title(t: &str) -> Fields {
    Fields {
        title: Some(t.into()),
        ..Fields::default()
    }
}

const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 UTC);

#[test]
fn record_assigns_ids_and_update_folds() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path().join(".safeguard/incidents.jsonl"));
    let a = log.record(title("Outage"), "alice", NOW).unwrap();
    let b = log
        .record(
            Fields {
                severity: Some(Severity::High),
                ..title("Leak")
            },
            "bob",
            NOW,
        )
        .unwrap();
    assert_eq!(a.id, "INC-2025-001");
    assert_eq!(b.id, "INC-2025-002");
    let next_year = log
        .record(title("New year"), "alice", datetime!(2026-01-01 00:00 UTC))
        .unwrap();
    assert_eq!(next_year.id, "INC-2026-001");
    let u = log
        .update(
            "INC-2025-002",
            Fields {
                status: Some(IncidentStatus::Resolved),
                detected_at: Some(datetime!(2025-05-31 10:00 +01:00)),
                ..Fields::default()
            },
            "carol",
            datetime!(2025-06-02 00:00 UTC),
        )
        .unwrap();
    assert_eq!(u.status, IncidentStatus::Resolved);
    assert_eq!(u.severity, Some(Severity::High));
    assert_eq!(u.title, "Leak");
    let all = log.incidents().unwrap();
    assert_eq!(all.len(), 3);
    let leak = &all[1];
    assert_eq!(leak.id, "INC-2025-002");
    assert_eq!(leak.events, 2);
    assert_eq!(leak.created_by, "bob");
    assert_eq!(leak.detected_at, Some(datetime!(2025-05-31 10:00 +01:00)));
    // The offset is kept in the file.
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(
        text.contains("\"detected_at\":\"2025-05-31T10:00:00+01:00\""),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);
    match log.update("INC-2025-009", Fields::default(), "x", NOW) {
        Err(LogError::UnknownIncident(id)) => assert_eq!(id, "INC-2025-009"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn timestamp_without_offset_names_the_field() {
    let e = parse_timestamp("detected_at", "2025-06-01T10:00:00").unwrap_err();
    assert_eq!(
        e.to_string(),
        "detected_at: `2025-06-01T10:00:00` has no UTC offset; add `Z` or an offset such as `+01:00` (RFC 3339)"
    );
    assert!(
        parse_timestamp("fixed_at", "yesterday")
            .unwrap_err()
            .to_string()
            .starts_with("fixed_at: `yesterday` is not an RFC 3339")
    );
    assert_eq!(
        parse_timestamp("x", "2025-06-01T10:00:00-05:00").unwrap(),
        datetime!(2025-06-01 15:00 UTC)
    );
}

#[test]
fn order_checks_name_incident_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path().join("i.jsonl"));
    let e = log
        .record(
            Fields {
                occurred_at: Some(datetime!(2025-05-02 00:00 UTC)),
                detected_at: Some(datetime!(2025-05-01 00:00 UTC)),
                ..title("Backwards")
            },
            "a",
            NOW,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "incident INC-2025-001: detected_at (2025-05-01T00:00:00Z) is before occurred_at (2025-05-02T00:00:00Z)"
    );
    // Nothing was appended.
    assert!(log.incidents().unwrap().is_empty());
    log.record(
        Fields {
            detected_at: Some(datetime!(2025-05-01 00:00 UTC)),
            ..title("Ok")
        },
        "a",
        NOW,
    )
    .unwrap();
    let e = log
        .update(
            "INC-2025-001",
            Fields {
                customers_notified_at: Some(datetime!(2025-04-30 23:59:59 UTC)),
                ..Fields::default()
            },
            "a",
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            LogError::Order {
                earlier: "detected_at",
                later: "customers_notified_at",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn truncated_last_line_is_reported_and_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.jsonl");
    let log = Log::open(&path);
    log.record(title("One"), "a", NOW).unwrap();
    log.record(title("Two"), "a", NOW).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"event\":\"created\",\"id\":\"INC-2025-0");
    std::fs::write(&path, &text).unwrap();
    let state = log.read().unwrap();
    assert_eq!(state.truncated_line, Some(3));
    assert_eq!(state.incidents.len(), 2);
    let three = log.record(title("Three"), "a", NOW).unwrap();
    assert_eq!(three.id, "INC-2025-003");
    let state = log.read().unwrap();
    assert_eq!(state.truncated_line, None);
    assert_eq!(state.events, 3);
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
}

#[test]
fn corrupt_middle_line_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.jsonl");
    let log = Log::open(&path);
    log.record(title("One"), "a", NOW).unwrap();
    log.record(title("Two"), "a", NOW).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen("\"event\":\"created\"", "\"event\":\"creat", 1);
    std::fs::write(&path, broken).unwrap();
    match log.incidents() {
        Err(LogError::Corrupt { line, .. }) => assert_eq!(line, 1),
        other => panic!("{other:?}"),
    }
    // Appending refuses too, so nothing is lost.
    assert!(matches!(
        log.record(title("Three"), "a", NOW),
        Err(LogError::Corrupt { line: 1, .. })
    ));
}

#[test]
fn concurrent_records_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.jsonl");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let log = Log::open(path);
                (0..10)
                    .map(|n| {
                        log.record(title(&format!("t{t}-{n}")), "a", NOW)
                            .map(|i| i.id)
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in threads {
        ids.extend(t.join().unwrap().unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 80);
    let all = Log::open(&path).incidents().unwrap();
    assert_eq!(all.len(), 80);
    assert_eq!(all.last().map(|i| i.id.as_str()), Some("INC-2025-080"));
}

// ---------------------------------------------------------------- timeliness

fn incident(id: &str) -> Incident {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path().join("i.jsonl"));
    let mut i = log.record(title(id), "a", NOW).unwrap();
    i.id = id.into();
    i
}

#[test]
fn exactly_24_hours_is_met_one_second_more_is_missed() {
    let mut a = incident("INC-2025-001");
    a.cra = CraKind::ExploitedVulnerability;
    a.detected_at = Some(datetime!(2025-06-01 09:00 UTC));
    a.early_warning_at = Some(datetime!(2025-06-02 09:00 UTC));
    let mut b = a.clone();
    b.id = "INC-2025-002".into();
    b.early_warning_at = Some(datetime!(2025-06-02 09:00:01 UTC));
    let r = report(
        &[b, a],
        datetime!(2025-06-02 10:00 UTC),
        &Settings::default(),
    );
    assert_eq!(r.incidents[0].id, "INC-2025-001");
    let ew = &r.incidents[0].cra_early_warning;
    assert_eq!(ew.status, ClockStatus::Met);
    assert_eq!(ew.margin_seconds, Some(0));
    let ew = &r.incidents[1].cra_early_warning;
    assert_eq!(ew.status, ClockStatus::Missed);
    assert_eq!(ew.late_seconds, Some(1));
    assert_eq!(ew.detail, "missed by 1s (due 2025-06-02T09:00:00Z)");
    assert!(!r.ok());
}

#[test]
fn offsets_in_different_zones_compare_as_instants() {
    let mut a = incident("INC-2025-001");
    a.cra = CraKind::SevereIncident;
    // 09:00 in New York (UTC-4) is 13:00 UTC; the warning at 14:00+01:00 next day is 13:00 UTC.
    a.detected_at = Some(datetime!(2025-06-01 09:00 -04:00));
    a.early_warning_at = Some(datetime!(2025-06-02 14:00 +01:00));
    a.notification_at = Some(datetime!(2025-06-04 22:00 +09:00));
    let r = report(&[a], datetime!(2025-06-05 00:00 UTC), &Settings::default());
    let i = &r.incidents[0];
    assert_eq!(i.cra_early_warning.status, ClockStatus::Met);
    assert_eq!(i.cra_early_warning.margin_seconds, Some(0));
    assert_eq!(
        i.cra_early_warning.due,
        Some(datetime!(2025-06-02 13:00 UTC))
    );
    // 22:00+09:00 on 4 June is 13:00 UTC, exactly 72 h.
    assert_eq!(i.cra_notification.status, ClockStatus::Met);
    assert_eq!(i.cra_notification.margin_seconds, Some(0));
    // Final report one month after the notification, pending at `now`.
    assert_eq!(i.cra_final_report.status, ClockStatus::Pending);
    assert_eq!(
        i.cra_final_report.due,
        Some(datetime!(2025-07-04 13:00 UTC))
    );
    assert_eq!(i.customer_notification.status, ClockStatus::NotApplicable);
}

#[test]
fn dst_change_does_not_shift_deadlines() {
    // Detected just before the UK clocks went forward (30 March 2025, 01:00 UTC), written in
    // GMT; the warning is written in BST. 24 h of elapsed time are 24 h, whatever the clocks say.
    let mut a = incident("INC-2025-001");
    a.cra = CraKind::ExploitedVulnerability;
    a.detected_at = Some(datetime!(2025-03-30 00:30 +00:00));
    a.early_warning_at = Some(datetime!(2025-03-31 01:30 +01:00));
    let r = report(&[a], datetime!(2025-04-10 00:00 UTC), &Settings::default());
    let ew = &r.incidents[0].cra_early_warning;
    assert_eq!(ew.status, ClockStatus::Met);
    assert_eq!(ew.margin_seconds, Some(0));
    // Not notified, and 72 h have passed: missed, by the time since the deadline.
    let n = &r.incidents[0].cra_notification;
    assert_eq!(n.status, ClockStatus::Missed);
    assert_eq!(
        n.late_seconds,
        Some((datetime!(2025-04-10 00:00 UTC) - datetime!(2025-04-02 00:30 UTC)).whole_seconds())
    );
    // No fix yet: the 14-day clock has not started.
    let f = &r.incidents[0].cra_final_report;
    assert_eq!(f.status, ClockStatus::Pending);
    assert_eq!(f.due, None);
}

#[test]
fn pending_clocks_relative_to_now_and_customer_target() {
    let mut a = incident("INC-2025-001");
    a.affects_customers = true;
    a.detected_at = Some(datetime!(2025-06-01 00:00 UTC));
    let settings = Settings {
        notify_within_hours: 48,
    };
    let r = report(
        std::slice::from_ref(&a),
        datetime!(2025-06-02 23:00 UTC),
        &settings,
    );
    let c = &r.incidents[0].customer_notification;
    assert_eq!(c.status, ClockStatus::Pending);
    assert_eq!(c.margin_seconds, Some(3600));
    assert_eq!(c.detail, "pending: due at 2025-06-03T00:00:00Z, 1h left");
    assert_eq!(
        r.incidents[0].cra_early_warning.status,
        ClockStatus::NotApplicable
    );
    assert_eq!((r.met, r.missed, r.pending), (0, 0, 1));

    a.customers_notified_at = Some(datetime!(2025-06-02 06:30 UTC));
    let r = report(&[a], datetime!(2025-06-10 00:00 UTC), &settings);
    let i = &r.incidents[0];
    assert_eq!(i.detection_to_notification_seconds, Some(30 * 3600 + 1800));
    assert_eq!(i.customer_notification.status, ClockStatus::Met);
    assert_eq!(
        i.customer_notification.margin_seconds,
        Some(17 * 3600 + 1800)
    );
    assert!(r.ok());
}

#[test]
fn exploited_vulnerability_final_report_14_days_after_fix() {
    let mut a = incident("INC-2025-001");
    a.cra = CraKind::ExploitedVulnerability;
    a.detected_at = Some(datetime!(2025-06-01 00:00 UTC));
    a.fixed_at = Some(datetime!(2025-06-10 12:00 UTC));
    a.final_report_at = Some(datetime!(2025-06-25 12:00 UTC));
    let r = report(&[a], datetime!(2025-07-01 00:00 UTC), &Settings::default());
    let f = &r.incidents[0].cra_final_report;
    assert_eq!(f.due, Some(datetime!(2025-06-24 12:00 UTC)));
    assert_eq!(f.status, ClockStatus::Missed);
    assert_eq!(f.late_seconds, Some(86_400));
}

#[test]
fn unaffected_incidents_off_cra_are_left_out() {
    let a = incident("INC-2025-001");
    let r = report(&[a], NOW, &Settings::default());
    assert!(r.incidents.is_empty());
    assert!(r.ok());
}

#[test]
fn one_month_clamps_to_month_end() {
    assert_eq!(
        add_month(datetime!(2025-01-31 10:00 UTC)),
        Some(datetime!(2025-02-28 10:00 UTC))
    );
    assert_eq!(
        add_month(datetime!(2024-01-31 10:00 UTC)),
        Some(datetime!(2024-02-29 10:00 UTC))
    );
    assert_eq!(
        add_month(datetime!(2025-12-15 23:00 -02:00)),
        Some(datetime!(2026-01-16 01:00 UTC))
    );
    assert_eq!(add_month(datetime!(9999-12-15 00:00 UTC)), None);
}
