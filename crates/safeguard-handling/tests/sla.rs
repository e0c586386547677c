//! The SLA policy (TOML parsing, defaults, validation) and its arithmetic across date edges.
//! Every expectation is an exact instant or number of seconds.

mod common;

use common::{accept, change, days, ticket};
use safeguard_handling::model::{Severity, Status, StatusChange};
use safeguard_handling::sla::{
    self, ClockStart, SlaDays, SlaPolicy, SlaPolicyError, SlaState, SlaStatus,
};
use time::macros::datetime;

const DAY: i64 = 86_400;

fn parse(text: &str) -> Result<SlaPolicy, String> {
    toml::from_str::<SlaPolicy>(text).map_err(|e| e.to_string())
}

fn policy() -> SlaPolicy {
    SlaPolicy::default()
}

// ---------------------------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------------------------

#[test]
fn defaults_are_the_brief_s_matrix_plus_our_choices_for_none_and_unknown() {
    let p = SlaPolicy::default();
    assert_eq!(
        p.days,
        SlaDays {
            critical: 7,
            high: 30,
            medium: 90,
            low: 180,
            none: 180,
            unknown: 90,
        }
    );
    assert_eq!(p.clock, ClockStart::FirstSeen);
    assert_eq!(p.due_soon_percent, 25);
    assert_eq!(p.days_for(Severity::Unknown), 90);
    assert_eq!(p.days_for(Severity::None), 180);
    // An empty table is the default policy.
    assert_eq!(parse("").unwrap(), p);
}

#[test]
fn a_full_table_parses() {
    let p = parse(
        r#"
clock = "published"
due_soon_percent = 10

[days]
critical = 3
high = 14
medium = 60
low = 120
none = 365
unknown = 0
"#,
    )
    .unwrap();
    assert_eq!(
        p,
        SlaPolicy {
            days: SlaDays {
                critical: 3,
                high: 14,
                medium: 60,
                low: 120,
                none: 365,
                unknown: 0,
            },
            clock: ClockStart::Published,
            due_soon_percent: 10,
        }
    );
    assert!(p.validate().is_ok());
}

#[test]
fn a_policy_serializes_to_a_table_that_parses_back() {
    let p = SlaPolicy::from_parts([("high", 14), ("none", 0)], ClockStart::Published, 40).unwrap();
    let text = toml::to_string(&p).unwrap();
    assert_eq!(parse(&text).unwrap(), p);
    assert!(text.contains("clock = \"published\""), "{text}");
}

#[test]
fn a_partial_table_keeps_the_other_defaults() {
    let p = parse("[days]\nhigh = 21\n").unwrap();
    assert_eq!(p.days.high, 21);
    assert_eq!(p.days.critical, 7);
    assert_eq!(p.days.low, 180);
    assert_eq!(p.clock, ClockStart::FirstSeen);
}

#[test]
fn the_policy_nests_under_vulns_sla() {
    #[derive(serde::Deserialize)]
    struct Vulns {
        sla: SlaPolicy,
    }
    #[derive(serde::Deserialize)]
    struct Config {
        vulns: Vulns,
    }
    let c: Config =
        toml::from_str("[vulns.sla]\nclock = \"first_seen\"\n[vulns.sla.days]\ncritical = 2\n")
            .unwrap();
    assert_eq!(c.vulns.sla.days.critical, 2);
}

#[test]
fn negative_days_are_rejected_with_the_key_and_place() {
    let e = parse("[days]\ncritical = 7\nhigh = -3\n").unwrap_err();
    assert!(
        e.contains("days.high is -3: the days allowed cannot be negative"),
        "{e}"
    );
    // Inside safeguard.toml, toml points at the value.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Vulns {
        sla: SlaPolicy,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Config {
        vulns: Vulns,
    }
    let text = "[vendor]\nname = \"Acme\"\n\n[vulns.sla.days]\ncritical = 7\nhigh = -3\n";
    let e = toml::from_str::<Config>(text).unwrap_err().to_string();
    assert!(e.contains("line 6, column 8"), "{e}");
    assert!(e.contains("days.high is -3"), "{e}");
    // And at an unknown key.
    let e = toml::from_str::<Config>("[vulns.sla.days]\nhigh = 3\nurgent = 1\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("unknown severity \"urgent\""), "{e}");
}

#[test]
fn unknown_severity_keys_are_rejected() {
    let e = parse("[days]\nurgent = 1\n").unwrap_err();
    assert!(
        e.contains(
            "days.urgent: unknown severity \"urgent\"; expected critical, high, medium, low, none or unknown"
        ),
        "{e}"
    );
    // Severity names are lower case, as everywhere else in Safeguard.
    let e = parse("[days]\nCritical = 1\n").unwrap_err();
    assert!(e.contains("unknown severity \"Critical\""), "{e}");
}

#[test]
fn other_mistakes_are_rejected() {
    let e = parse("dayz = 1\n").unwrap_err();
    assert!(e.contains("unknown field `dayz`"), "{e}");
    let e = parse("clock = \"whenever\"\n").unwrap_err();
    assert!(e.contains("unknown variant `whenever`"), "{e}");
    let e = parse("[days]\nlow = 3651\n").unwrap_err();
    assert!(
        e.contains("days.low is 3651: at most 3650 days (ten years) are allowed"),
        "{e}"
    );
    let e = parse("due_soon_percent = 101\n").unwrap_err();
    assert!(
        e.contains("due_soon_percent is 101: expected a whole number from 0 to 100"),
        "{e}"
    );
    let e = parse("[days]\nhigh = 1.5\n").unwrap_err();
    assert!(e.contains("invalid type: floating point `1.5`"), "{e}");
}

#[test]
fn from_parts_and_validate_give_typed_errors() {
    assert_eq!(
        SlaPolicy::from_parts([("medium", -1)], ClockStart::FirstSeen, 25),
        Err(SlaPolicyError::NegativeDays {
            severity: "medium".into(),
            days: -1
        })
    );
    assert_eq!(
        SlaPolicy::from_parts([("sev1", 1)], ClockStart::FirstSeen, 25),
        Err(SlaPolicyError::UnknownSeverity { key: "sev1".into() })
    );
    assert_eq!(
        SlaPolicy::from_parts([], ClockStart::FirstSeen, -5),
        Err(SlaPolicyError::DueSoonPercent { value: -5 })
    );
    let mut p = SlaPolicy::default();
    p.days.none = 4000;
    assert_eq!(
        p.validate(),
        Err(SlaPolicyError::TooManyDays {
            severity: "none".into(),
            days: 4000
        })
    );
    p.days.none = 3650;
    p.due_soon_percent = 200;
    assert_eq!(
        p.validate(),
        Err(SlaPolicyError::DueSoonPercent { value: 200 })
    );
}

// ---------------------------------------------------------------------------------------------
// Due dates
// ---------------------------------------------------------------------------------------------

#[test]
fn leap_day_plus_seven_days() {
    let t = ticket(1, Severity::Critical, datetime!(2024-02-29 10:00 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2024-03-01 10:00 UTC));
    assert_eq!(s.start, datetime!(2024-02-29 10:00 UTC));
    assert_eq!(s.due, datetime!(2024-03-07 10:00 UTC));
    assert_eq!(s.days, 7);
    assert_eq!(s.remaining_seconds, 6 * DAY);
    assert_eq!(s.overdue_seconds, 0);
    assert_eq!(s.state, SlaStatus::OnTrack);
}

#[test]
fn leap_day_plus_365_days_lands_on_the_28th() {
    let p = SlaPolicy::from_parts([("low", 365)], ClockStart::FirstSeen, 25).unwrap();
    let t = ticket(1, Severity::Low, datetime!(2024-02-29 10:00 UTC));
    let s = sla::evaluate(&t, &p, datetime!(2024-02-29 10:00 UTC));
    assert_eq!(s.due, datetime!(2025-02-28 10:00 UTC));
    // And a year containing the leap day is 366 days long.
    let t = ticket(2, Severity::Low, datetime!(2023-03-01 00:00 UTC));
    let s = sla::evaluate(&t, &p, datetime!(2023-03-01 00:00 UTC));
    assert_eq!(s.due, datetime!(2024-02-29 00:00 UTC));
}

#[test]
fn year_end() {
    let t = ticket(1, Severity::Critical, datetime!(2023-12-28 12:00 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2024-01-01 00:00 UTC));
    assert_eq!(s.due, datetime!(2024-01-04 12:00 UTC));
    assert_eq!(s.remaining_seconds, 3 * DAY + 12 * 3600);

    let t = ticket(2, Severity::High, datetime!(2024-12-15 08:30 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2025-01-20 00:00 UTC));
    assert_eq!(s.due, datetime!(2025-01-14 08:30 UTC));
    assert_eq!(s.state, SlaStatus::Breached);
    assert_eq!(s.overdue_seconds, 5 * DAY + 15 * 3600 + 30 * 60);
    assert_eq!(s.remaining_seconds, 0);
}

#[test]
fn found_at_23_59_59_is_due_at_23_59_59() {
    let t = ticket(1, Severity::Critical, datetime!(2024-12-31 23:59:59 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2025-01-07 23:59:58 UTC));
    assert_eq!(s.due, datetime!(2025-01-07 23:59:59 UTC));
    assert_eq!(s.remaining_seconds, 1);
    assert_eq!(s.state, SlaStatus::DueSoon);
    let s = sla::evaluate(&t, &policy(), datetime!(2025-01-08 00:00:00 UTC));
    assert_eq!(s.overdue_seconds, 1);
    assert_eq!(s.state, SlaStatus::Breached);
}

#[test]
fn due_equal_to_now_is_not_yet_breached() {
    let t = ticket(1, Severity::High, datetime!(2024-06-01 09:00 UTC));
    let due = datetime!(2024-07-01 09:00 UTC);
    let s = sla::evaluate(&t, &policy(), due);
    assert_eq!(s.due, due);
    assert_eq!((s.remaining_seconds, s.overdue_seconds), (0, 0));
    assert_eq!(s.state, SlaStatus::DueSoon);
    let s = sla::evaluate(&t, &policy(), due + time::Duration::seconds(1));
    assert_eq!((s.remaining_seconds, s.overdue_seconds), (0, 1));
    assert_eq!(s.state, SlaStatus::Breached);
}

#[test]
fn fixed_exactly_at_the_due_instant_is_within_sla() {
    let mut t = ticket(1, Severity::High, datetime!(2024-06-01 09:00 UTC));
    change(
        &mut t,
        datetime!(2024-07-01 09:00 UTC),
        Status::Fixed,
        "scan",
    );
    let s = sla::evaluate(&t, &policy(), datetime!(2025-01-01 00:00 UTC));
    assert_eq!(s.stopped, Some(datetime!(2024-07-01 09:00 UTC)));
    assert_eq!((s.remaining_seconds, s.overdue_seconds), (0, 0));
    assert_eq!(s.state, SlaStatus::MetWithin);

    let mut t = ticket(2, Severity::High, datetime!(2024-06-01 09:00 UTC));
    change(
        &mut t,
        datetime!(2024-07-01 09:00:01 UTC),
        Status::Fixed,
        "scan",
    );
    let s = sla::evaluate(&t, &policy(), datetime!(2025-01-01 00:00 UTC));
    assert_eq!((s.remaining_seconds, s.overdue_seconds), (0, 1));
    assert_eq!(s.state, SlaStatus::ClosedLate);
}

#[test]
fn other_offsets_are_instants_and_results_are_utc() {
    // 01:30 at +02:00 on 1 March is 23:30 UTC on the leap day.
    let t = ticket(1, Severity::Critical, datetime!(2024-03-01 01:30 +02:00));
    let now = datetime!(2024-03-07 18:30 -05:00); // 23:30 UTC on 7 March
    let s = sla::evaluate(&t, &policy(), now);
    assert_eq!(s.start, datetime!(2024-02-29 23:30 UTC));
    assert!(s.start.offset().is_utc());
    assert_eq!(s.due, datetime!(2024-03-07 23:30 UTC));
    assert!(s.due.offset().is_utc());
    assert_eq!((s.remaining_seconds, s.overdue_seconds), (0, 0));
    assert_eq!(s.state, SlaStatus::DueSoon);
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["due"], "2024-03-07T23:30:00Z");
}

#[test]
fn the_due_soon_threshold_is_a_share_of_the_window() {
    // High: 30 days, 25 % = 7.5 days.
    let t = ticket(1, Severity::High, datetime!(2024-01-01 00:00 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2024-01-23 11:59:59 UTC));
    assert_eq!(s.remaining_seconds, 7 * DAY + 12 * 3600 + 1);
    assert_eq!(s.state, SlaStatus::OnTrack);
    let s = sla::evaluate(&t, &policy(), datetime!(2024-01-23 12:00 UTC));
    assert_eq!(s.remaining_seconds, 7 * DAY + 12 * 3600);
    assert_eq!(s.state, SlaStatus::DueSoon);
    // 0 % turns "due soon" off except at the due instant itself.
    let p = SlaPolicy {
        due_soon_percent: 0,
        ..policy()
    };
    let s = sla::evaluate(&t, &p, datetime!(2024-01-30 23:59:59 UTC));
    assert_eq!(s.state, SlaStatus::OnTrack);
}

#[test]
fn zero_days_is_due_at_the_start() {
    let p = SlaPolicy::from_parts([("critical", 0)], ClockStart::FirstSeen, 25).unwrap();
    let t = ticket(1, Severity::Critical, datetime!(2024-05-05 05:05 UTC));
    let s = sla::evaluate(&t, &p, datetime!(2024-05-05 05:05 UTC));
    assert_eq!(s.due, datetime!(2024-05-05 05:05 UTC));
    assert_eq!(s.state, SlaStatus::DueSoon);
    let s = sla::evaluate(&t, &p, datetime!(2024-05-05 05:06 UTC));
    assert_eq!((s.overdue_seconds, s.state), (60, SlaStatus::Breached));
}

#[test]
fn unknown_and_none_severities_use_their_own_days() {
    let t = ticket(1, Severity::Unknown, datetime!(2024-01-01 00:00 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2024-01-01 00:00 UTC));
    assert_eq!(s.due, datetime!(2024-03-31 00:00 UTC)); // 90 days, leap year
    let t = ticket(2, Severity::None, datetime!(2024-01-01 00:00 UTC));
    let s = sla::evaluate(&t, &policy(), datetime!(2024-01-01 00:00 UTC));
    assert_eq!(s.due, datetime!(2024-06-29 00:00 UTC)); // 180 days
}

// ---------------------------------------------------------------------------------------------
// The clock's start
// ---------------------------------------------------------------------------------------------

#[test]
fn the_published_clock_starts_at_the_earlier_of_publication_and_first_seen() {
    let p = SlaPolicy {
        clock: ClockStart::Published,
        ..policy()
    };
    let mut t = ticket(1, Severity::Critical, datetime!(2024-04-10 00:00 UTC));
    // No publication date: first_seen.
    assert_eq!(
        sla::evaluate(&t, &p, datetime!(2024-04-10 00:00 UTC)).start,
        datetime!(2024-04-10 00:00 UTC)
    );
    // Published before we saw it: the publication.
    t.published = Some(datetime!(2024-04-01 12:00 +01:00));
    let s = sla::evaluate(&t, &p, datetime!(2024-04-10 00:00 UTC));
    assert_eq!(s.start, datetime!(2024-04-01 11:00 UTC));
    assert_eq!(s.due, datetime!(2024-04-08 11:00 UTC));
    assert_eq!(s.state, SlaStatus::Breached);
    assert_eq!(s.overdue_seconds, DAY + 13 * 3600);
    // Published (or re-dated) after we saw it: still first_seen.
    t.published = Some(datetime!(2024-05-01 00:00 UTC));
    assert_eq!(
        sla::evaluate(&t, &p, datetime!(2024-04-10 00:00 UTC)).start,
        datetime!(2024-04-10 00:00 UTC)
    );
    // The first_seen clock ignores publication.
    t.published = Some(datetime!(2024-04-01 00:00 UTC));
    assert_eq!(
        sla::evaluate(&t, &policy(), datetime!(2024-04-10 00:00 UTC)).start,
        datetime!(2024-04-10 00:00 UTC)
    );
}

// ---------------------------------------------------------------------------------------------
// Pauses (accepted risk)
// ---------------------------------------------------------------------------------------------

#[test]
fn an_acceptance_in_force_pauses_the_clock() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::High, t0);
    change(&mut t, t0 + days(1), Status::Affected, "alice");
    accept(&mut t, t0 + days(10), t0 + days(40), "ciso");
    let s = sla::evaluate(&t, &policy(), t0 + days(15));
    assert_eq!(s.state, SlaStatus::Paused);
    assert_eq!(s.paused_seconds, 5 * DAY);
    assert_eq!(s.paused_until, Some(t0 + days(40)));
    assert_eq!(s.due, t0 + days(35));
    assert_eq!(s.remaining_seconds, 20 * DAY);
    // The remaining time is frozen while paused.
    let later = sla::evaluate(&t, &policy(), t0 + days(25));
    assert_eq!(later.remaining_seconds, 20 * DAY);
    assert_eq!(later.paused_seconds, 15 * DAY);
    assert_eq!(later.due, t0 + days(45));
}

#[test]
fn an_acceptance_that_expired_before_now_lets_the_clock_run_again() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::High, t0);
    accept(&mut t, t0 + days(2), t0 + days(5), "ciso");
    let s = sla::evaluate(&t, &policy(), t0 + days(10));
    assert_eq!(s.paused_seconds, 3 * DAY);
    assert_eq!(s.paused_until, None);
    assert_eq!(s.due, t0 + days(33));
    assert_eq!(s.remaining_seconds, 23 * DAY);
    assert_eq!(s.state, SlaStatus::OnTrack);
    // Far later, it breaches like any other.
    let s = sla::evaluate(&t, &policy(), t0 + days(40));
    assert_eq!((s.overdue_seconds, s.state), (7 * DAY, SlaStatus::Breached));
}

#[test]
fn acceptances_without_an_expiry_or_an_approver_do_not_pause() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let now = t0 + days(10);

    // No expiry.
    let mut t = ticket(1, Severity::High, t0);
    change(&mut t, t0 + days(2), Status::Accepted, "ciso");
    let s = sla::evaluate(&t, &policy(), now);
    assert_eq!((s.paused_seconds, s.state), (0, SlaStatus::OnTrack));
    assert_eq!(s.due, t0 + days(30));

    // "Accepted" by a scan.
    let mut t = ticket(2, Severity::High, t0);
    accept(&mut t, t0 + days(2), t0 + days(20), "scan");
    assert_eq!(sla::evaluate(&t, &policy(), now).paused_seconds, 0);

    // The acceptance in force names no approver.
    let mut t = ticket(3, Severity::High, t0);
    accept(&mut t, t0 + days(2), t0 + days(20), "ciso");
    if let Some(a) = t.acceptance.as_mut() {
        a.approver = "  ".into();
    }
    assert_eq!(sla::evaluate(&t, &policy(), now).paused_seconds, 0);
    t.acceptance = None;
    assert_eq!(sla::evaluate(&t, &policy(), now).paused_seconds, 0);

    // An expiry before the acceptance itself.
    let mut t = ticket(4, Severity::High, t0);
    accept(&mut t, t0 + days(2), t0 + days(1), "ciso");
    let s = sla::evaluate(&t, &policy(), now);
    assert_eq!((s.paused_seconds, s.state), (0, SlaStatus::OnTrack));
}

#[test]
fn repeated_and_overlapping_acceptances_pause_once() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::High, t0);
    // Accepted on day 1 until day 5, renewed on day 3 (before it lapsed) until day 8, then
    // reassessed as affected on day 6: paused from day 1 to day 6.
    accept(&mut t, t0 + days(1), t0 + days(5), "ciso");
    accept(&mut t, t0 + days(3), t0 + days(8), "ciso");
    change(&mut t, t0 + days(6), Status::Affected, "alice");
    // A second acceptance later, which lapses on day 12: paused from day 10 to day 12.
    accept(&mut t, t0 + days(10), t0 + days(12), "cto");
    let s = sla::evaluate(&t, &policy(), t0 + days(20));
    assert_eq!(s.paused_seconds, 7 * DAY);
    assert_eq!(s.due, t0 + days(37));
    assert_eq!(s.remaining_seconds, 17 * DAY);
    assert_eq!(s.state, SlaStatus::OnTrack);
    assert_eq!(s.paused_until, None);
}

#[test]
fn history_out_of_order_is_read_in_time_order() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::High, t0);
    accept(&mut t, t0 + days(1), t0 + days(5), "ciso");
    change(&mut t, t0 + days(3), Status::Affected, "alice");
    let in_order = sla::evaluate(&t, &policy(), t0 + days(20));
    assert_eq!(in_order.paused_seconds, 2 * DAY);
    t.history.reverse();
    let reversed = sla::evaluate(&t, &policy(), t0 + days(20));
    assert_eq!(reversed, in_order);
}

#[test]
fn a_breached_ticket_stays_breached_while_paused() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::Critical, t0);
    accept(&mut t, t0 + days(10), t0 + days(60), "ciso");
    let s = sla::evaluate(&t, &policy(), t0 + days(20));
    assert_eq!(s.state, SlaStatus::Breached);
    // Three days overdue when it was accepted, and frozen there.
    assert_eq!(s.overdue_seconds, 3 * DAY);
    assert_eq!(s.paused_seconds, 10 * DAY);
    assert_eq!(s.paused_until, None);
    let s = sla::evaluate(&t, &policy(), t0 + days(50));
    assert_eq!(s.overdue_seconds, 3 * DAY);
}

// ---------------------------------------------------------------------------------------------
// Closing and reopening
// ---------------------------------------------------------------------------------------------

#[test]
fn a_reopened_ticket_resumes_with_the_time_it_had_left() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::Critical, t0);
    change(&mut t, t0 + days(2), Status::Fixed, "scan");
    change(&mut t, t0 + days(10), Status::Affected, "scan");
    let s = sla::evaluate(&t, &policy(), t0 + days(12));
    assert_eq!(s.closed_seconds, 8 * DAY);
    assert_eq!(s.paused_seconds, 0);
    assert_eq!(s.due, t0 + days(15));
    assert_eq!(s.remaining_seconds, 3 * DAY);
    assert_eq!(s.stopped, None);
    assert_eq!(s.state, SlaStatus::OnTrack);

    // Fixed again on day 20: five days late.
    change(&mut t, t0 + days(20), Status::Fixed, "scan");
    let s = sla::evaluate(&t, &policy(), t0 + days(30));
    assert_eq!(s.stopped, Some(t0 + days(20)));
    assert_eq!(s.closed_seconds, 8 * DAY);
    assert_eq!(
        (s.overdue_seconds, s.state),
        (5 * DAY, SlaStatus::ClosedLate)
    );
}

#[test]
fn the_clock_stops_at_the_first_of_the_trailing_closed_entries() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::High, t0);
    change(&mut t, t0 + days(4), Status::NotAffected, "alice");
    change(&mut t, t0 + days(9), Status::Fixed, "scan");
    let s = sla::evaluate(&t, &policy(), t0 + days(100));
    assert_eq!(s.stopped, Some(t0 + days(4)));
    assert_eq!(s.closed_seconds, 0);
    assert_eq!(s.remaining_seconds, 26 * DAY);
    assert_eq!(s.state, SlaStatus::MetWithin);
}

#[test]
fn not_affected_is_not_applicable() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::Critical, t0);
    change(&mut t, t0 + days(30), Status::NotAffected, "alice");
    let s = sla::evaluate(&t, &policy(), t0 + days(100));
    assert_eq!(s.state, SlaStatus::NotApplicable);
    assert_eq!(s.stopped, Some(t0 + days(30)));
    assert_eq!(s.overdue_seconds, 23 * DAY);
}

#[test]
fn a_closure_missing_from_history_falls_back_to_fixed_at() {
    let t0 = datetime!(2024-01-01 00:00 UTC);
    let mut t = ticket(1, Severity::Medium, t0);
    t.status = Status::Fixed;
    t.fixed_at = Some(t0 + days(50));
    let s = sla::evaluate(&t, &policy(), t0 + days(200));
    assert_eq!(s.stopped, Some(t0 + days(50)));
    assert_eq!(
        (s.remaining_seconds, s.state),
        (40 * DAY, SlaStatus::MetWithin)
    );
    // No fixed_at and no history: last_seen.
    t.fixed_at = None;
    t.history.clear();
    t.last_seen = t0 + days(95);
    let s = sla::evaluate(&t, &policy(), t0 + days(200));
    assert_eq!(s.stopped, Some(t0 + days(95)));
    assert_eq!(
        (s.overdue_seconds, s.state),
        (5 * DAY, SlaStatus::ClosedLate)
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

#[test]
fn instants_at_the_ends_of_the_calendar_saturate() {
    let p = SlaPolicy::from_parts([("low", 3650)], ClockStart::FirstSeen, 25).unwrap();
    let t = ticket(1, Severity::Low, datetime!(9999-12-30 00:00 UTC));
    let s = sla::evaluate(&t, &p, datetime!(9999-12-31 00:00 UTC));
    assert_eq!(s.due, datetime!(9999-12-31 23:59:59.999_999_999 UTC));
    assert_eq!(s.remaining_seconds, DAY - 1);
    assert_eq!(s.state, SlaStatus::DueSoon);

    // An offset that puts the instant past the end of the calendar in UTC.
    let t = ticket(2, Severity::Low, datetime!(9999-12-31 23:00 -05:00));
    let s: SlaState = sla::evaluate(&t, &p, datetime!(-9999-01-01 00:00 UTC));
    assert_eq!(s.start, datetime!(9999-12-31 23:59:59.999_999_999 UTC));

    // An acceptance reaching beyond the calendar, and history far before the start.
    let mut t = ticket(3, Severity::Critical, datetime!(2024-01-01 00:00 UTC));
    t.history.insert(
        0,
        StatusChange {
            at: datetime!(-9999-01-01 00:00 UTC),
            status: Status::Fixed,
            accepted_until: None,
            by: "x".into(),
        },
    );
    accept(
        &mut t,
        datetime!(2024-01-02 00:00 UTC),
        datetime!(9999-12-31 23:59 UTC),
        "ciso",
    );
    let s = sla::evaluate(&t, &policy(), datetime!(2024-01-04 00:00 UTC));
    assert_eq!(s.closed_seconds, 0);
    assert_eq!(s.paused_seconds, 2 * DAY);
    assert_eq!(s.state, SlaStatus::Paused);
    assert_eq!(s.remaining_seconds, 6 * DAY);
}
