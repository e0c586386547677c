#![no_main]
//! The SLA policy table: any TOML parses into a policy or fails with a message, never a panic;
//! a parsed policy evaluates fixed tickets (pauses, a reopening, hostile instants) without
//! panicking, with consistent results, and the KPI report renders.
use libfuzzer_sys::fuzz_target;
use safeguard_handling::kpi;
use safeguard_handling::model::{Acceptance, Severity, Status, StatusChange, Ticket};
use safeguard_handling::sla::{self, SlaPolicy, SlaStatus};
use time::{Duration, OffsetDateTime};

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn change(at: OffsetDateTime, status: Status, until: Option<OffsetDateTime>, by: &str) -> StatusChange {
    StatusChange {
        at,
        status,
        accepted_until: until,
        by: by.into(),
    }
}

fn tickets() -> Vec<Ticket> {
    let t0 = at(1_717_200_000); // 2024-06-01
    let day = Duration::days;
    let base = Ticket {
        id: 1,
        product: "p".into(),
        product_version: None,
        purl: "pkg:cargo/a@1".into(),
        vuln_id: "RUSTSEC-2024-0001".into(),
        aliases: Vec::new(),
        summary: None,
        severity: Severity::High,
        cvss_score: None,
        cvss_vector: None,
        fixed_versions: Vec::new(),
        references: Vec::new(),
        published: Some(t0 - day(3)),
        first_seen: t0,
        last_seen: t0,
        first_scan: 1,
        last_scan: 1,
        status: Status::Accepted,
        justification: None,
        statement: None,
        acceptance: Some(Acceptance {
            approver: "ciso".into(),
            expires: t0 + day(40),
            reason: "r".into(),
        }),
        triaged_at: Some(t0 + day(1)),
        fixed_at: None,
        fixed_by_scan: None,
        released_in: None,
        released_at: None,
        history: vec![
            change(t0, Status::UnderInvestigation, None, "scan"),
            change(t0 + day(2), Status::Fixed, None, "scan"),
            change(t0 + day(5), Status::Affected, None, "scan"),
            change(t0 + day(6), Status::Accepted, Some(t0 + day(40)), "ciso"),
        ],
    };
    let mut out = vec![base.clone()];
    for (i, severity) in Severity::ALL.iter().enumerate() {
        let mut t = base.clone();
        t.id = 2 + i as i64;
        t.severity = *severity;
        t.status = [Status::Affected, Status::Fixed, Status::NotAffected][i % 3];
        t.history.push(change(t0 + day(7 + i as i64), t.status, None, "alice"));
        out.push(t);
    }
    // Instants at the ends of the calendar.
    let mut t = base.clone();
    t.id = 99;
    t.first_seen = OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT);
    t.published = Some(OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT));
    out.push(t);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let policy: SlaPolicy = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.message().is_empty());
            return;
        }
    };
    assert!(policy.validate().is_ok());
    let list = tickets();
    for now in [at(1_717_200_000), at(1_720_000_000), at(1_800_000_000), at(-62_000_000_000)] {
        for t in &list {
            let s = sla::evaluate(t, &policy, now);
            assert!(s.remaining_seconds == 0 || s.overdue_seconds == 0);
            assert!(s.remaining_seconds >= 0 && s.overdue_seconds >= 0);
            assert!(s.paused_seconds >= 0 && s.closed_seconds >= 0);
            assert!(s.due >= s.start);
            assert_eq!(s.days, policy.days_for(t.severity));
            if s.state == SlaStatus::Breached || s.state == SlaStatus::ClosedLate {
                assert!(s.overdue_seconds > 0);
            }
        }
        let k = kpi::report(&list, &policy, now);
        assert_eq!(k.tickets, list.len());
        let _ = kpi::render_table(&k);
        let _ = kpi::render_markdown(&k);
        let _ = kpi::render_html(&k);
    }
});
