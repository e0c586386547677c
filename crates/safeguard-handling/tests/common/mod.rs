//! Ticket builders shared by the handling tests.
#![allow(dead_code)]

use safeguard_handling::model::{Acceptance, Severity, Status, StatusChange, Ticket};
use time::OffsetDateTime;

/// A ticket created by a scan at `first_seen`, with one history entry (its creation).
pub fn ticket(id: i64, severity: Severity, first_seen: OffsetDateTime) -> Ticket {
    Ticket {
        id,
        product: "acme-server".into(),
        product_version: Some("4.2.0".into()),
        purl: format!("pkg:cargo/lib{id}@1.0.0"),
        vuln_id: format!("RUSTSEC-2024-{:04}", id),
        aliases: Vec::new(),
        summary: None,
        severity,
        cvss_score: None,
        cvss_vector: None,
        fixed_versions: Vec::new(),
        references: Vec::new(),
        published: None,
        first_seen,
        last_seen: first_seen,
        first_scan: 1,
        last_scan: 1,
        status: Status::UnderInvestigation,
        justification: None,
        statement: None,
        acceptance: None,
        triaged_at: None,
        fixed_at: None,
        fixed_by_scan: None,
        released_in: None,
        released_at: None,
        history: vec![StatusChange {
            at: first_seen,
            status: Status::UnderInvestigation,
            accepted_until: None,
            by: "scan".into(),
        }],
    }
}

/// Appends a status change and makes it the ticket's status (and `triaged_at`, `fixed_at`
/// as the store would).
pub fn change(t: &mut Ticket, at: OffsetDateTime, status: Status, by: &str) {
    t.history.push(StatusChange {
        at,
        status,
        accepted_until: None,
        by: by.into(),
    });
    t.status = status;
    if by != "scan" && t.triaged_at.is_none() {
        t.triaged_at = Some(at);
    }
    if status == Status::Fixed {
        t.fixed_at = Some(at);
    }
    if status != Status::Accepted {
        t.acceptance = None;
    }
}

/// Appends an acceptance by `approver` until `until` (with the ticket's `acceptance`).
pub fn accept(t: &mut Ticket, at: OffsetDateTime, until: OffsetDateTime, approver: &str) {
    change(t, at, Status::Accepted, approver);
    if let Some(last) = t.history.last_mut() {
        last.accepted_until = Some(until);
    }
    t.acceptance = Some(Acceptance {
        approver: approver.into(),
        expires: until,
        reason: "compensating WAF rule in place".into(),
    });
}

/// Seconds in `n` days.
pub fn days(n: i64) -> time::Duration {
    time::Duration::days(n)
}
