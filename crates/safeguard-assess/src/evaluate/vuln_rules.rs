//! Evaluators for the ticket store's evidence: claims 3.3.2 (a management plan that assesses
//! and prioritises), 3.4.1 (internal security teams informed), 3.4.2 (affected customers
//! informed) and 3.5.1 (security updates ship as soon as practicable).

use safeguard_model::facts::VulnHandlingFacts;

use super::{Outcome, list, plural};
use crate::assessment::Status;

/// The share of closed tickets that must have closed within their SLA for 3.3.2 to be met.
pub const WITHIN_SLA_TARGET: f64 = 0.9;

/// Days a fix may wait for a release before 3.5.1 counts it as held back.
pub const RELEASE_DAYS: f64 = 30.0;

/// When the store cannot back any claim: missing, unreadable, or its trail fails to verify.
fn unusable(id: &str, f: &VulnHandlingFacts) -> Option<Outcome> {
    match f.store_state.as_str() {
        "ok" => {}
        "missing" => {
            return Some(Outcome::new(
                Status::NeedsManualEvidence,
                format!(
                    "No ticket store at {}: record scans with `safeguard vulns sync` (or `safeguard scan --record`) so tickets, triage and SLAs can be shown.",
                    f.store
                ),
                &[id],
            ));
        }
        why => {
            return Some(Outcome::new(
                Status::NotMet,
                format!("The ticket store cannot be read: {why}."),
                &[id],
            ));
        }
    }
    if !f.audit_problems.is_empty() {
        return Some(Outcome::new(
            Status::NotMet,
            format!(
                "The ticket store's audit trail fails verification ({}), so its records cannot be relied on; run `safeguard vulns verify`.",
                list(&f.audit_problems, 3)
            ),
            &[id],
        ));
    }
    None
}

fn sla_phrase(f: &VulnHandlingFacts) -> String {
    let days = |s: &str| f.sla_days.get(s).copied().unwrap_or(0);
    format!(
        "{} SLA policy (critical {} days, high {}, medium {}, low {}; clock from {})",
        if f.sla_configured {
            "A configured"
        } else {
            "The default"
        },
        days("critical"),
        days("high"),
        days("medium"),
        days("low"),
        f.sla_clock.replace('_', " ")
    )
}

/// 3.3.2: an SLA policy is configured, tickets are prioritised by severity against it, no open
/// ticket is past due and at least 90% of closed tickets closed within their SLA.
pub fn management_plan(id: &str, f: &VulnHandlingFacts) -> Outcome {
    if let Some(o) = unusable(id, f) {
        return o;
    }
    let share =
        (f.closed_with_sla > 0).then(|| f.closed_within_sla as f64 / f.closed_with_sla as f64);
    let mut base = format!(
        "{} governs {} from {}; {} of {} closed tickets closed within it",
        sla_phrase(f),
        plural(f.tickets, "ticket"),
        plural(f.scans, "recorded scan"),
        f.closed_within_sla,
        f.closed_with_sla
    );
    if let Some(s) = share {
        base.push_str(&format!(" ({:.0}%)", s * 100.0));
    }
    if !f.accepted.is_empty() {
        base.push_str(&format!(
            "; accepted risks, each with an approver and an expiry: {}",
            list(&f.accepted, 3)
        ));
    }
    let mut gaps = Vec::new();
    if !f.sla_configured {
        gaps.push(
            "the SLA policy is the default, not one the vendor set in [vulns.sla]".to_string(),
        );
    }
    if !f.breached_open.is_empty() {
        gaps.push(format!(
            "{} past due: {}",
            plural(f.breached_open.len() as u64, "open ticket"),
            list(&f.breached_open, 5)
        ));
    }
    if share.is_some_and(|s| s < WITHIN_SLA_TARGET) {
        gaps.push(format!(
            "fewer than {:.0}% of closed tickets closed within SLA",
            WITHIN_SLA_TARGET * 100.0
        ));
    }
    if f.scans == 0 {
        gaps.push("no scan has been recorded".to_string());
    }
    if gaps.is_empty() {
        Outcome::new(
            Status::Met,
            format!("{base}. No open ticket is past due."),
            &[id],
        )
    } else {
        Outcome::new(
            Status::PartiallyMet,
            format!("{base}. Short of met: {}.", gaps.join("; ")),
            &[id],
        )
    }
}

/// 3.4.1: scans are recorded as tickets (the security team's queue), and every open ticket is
/// triaged by a person within a week.
pub fn internal_informed(id: &str, f: &VulnHandlingFacts) -> Outcome {
    if let Some(o) = unusable(id, f) {
        return o;
    }
    let base = format!(
        "{} recorded {} in the ticket store, where each change names who made it; {} open ticket{} not yet triaged{}",
        plural(f.scans, "scan"),
        plural(f.tickets, "ticket"),
        f.untriaged_open,
        if f.untriaged_open == 1 {
            " is"
        } else {
            "s are"
        },
        f.median_hours_to_triage
            .map(|h| format!("; median time to triage {h} h"))
            .unwrap_or_default()
    );
    if f.scans == 0 {
        return Outcome::new(
            Status::NeedsManualEvidence,
            format!("{base}. No scan has been recorded yet."),
            &[id],
        );
    }
    if f.untriaged_stale.is_empty() {
        Outcome::new(
            Status::Met,
            format!(
                "{base}. None has waited more than {} days.",
                crate::vuln_handling::TRIAGE_DAYS
            ),
            &[id],
        )
    } else {
        Outcome::new(
            Status::PartiallyMet,
            format!(
                "{base}. Waiting more than {} days for triage: {}.",
                crate::vuln_handling::TRIAGE_DAYS,
                list(&f.untriaged_stale, 5)
            ),
            &[id],
        )
    }
}

/// 3.4.2: every high or critical ticket that affected customers is covered by an issued
/// advisory.
pub fn customers_informed(id: &str, f: &VulnHandlingFacts) -> Outcome {
    if let Some(o) = unusable(id, f) {
        return o;
    }
    let issued = if f.advisories.is_empty() {
        "No advisory has been issued".to_string()
    } else {
        format!(
            "{} issued ({}), covering {}",
            plural(f.advisories.len() as u64, "advisory"),
            list(&f.advisories, 3),
            plural(f.tickets_with_advisory, "ticket")
        )
        .replace("advisorys", "advisories")
    };
    match (f.needing_advisory.is_empty(), f.advisories.is_empty()) {
        (true, true) => Outcome::new(
            Status::NeedsManualEvidence,
            format!(
                "{issued}, and no high or critical vulnerability has affected customers, so the store shows no notification either way; register the customer notification procedure as manual evidence."
            ),
            &[id],
        ),
        (true, false) => Outcome::new(
            Status::Met,
            format!(
                "{issued}; every high or critical vulnerability that affected customers has one."
            ),
            &[id],
        ),
        (false, none) => Outcome::new(
            if none {
                Status::NotMet
            } else {
                Status::PartiallyMet
            },
            format!(
                "{issued}. High or critical tickets that affected customers without an advisory: {} (draft one with `safeguard advisory new --ticket`).",
                list(&f.needing_advisory, 5)
            ),
            &[id],
        ),
    }
}

/// 3.5.1: fixes ship in releases, and none waits more than 30 days.
pub fn updates_timely(id: &str, f: &VulnHandlingFacts) -> Outcome {
    if let Some(o) = unusable(id, f) {
        return o;
    }
    if f.fixed == 0 {
        return Outcome::new(
            Status::NeedsManualEvidence,
            "No ticket has been fixed yet, so the store shows no fix-to-release time.",
            &[id],
        );
    }
    let base = format!(
        "{} of {} fixed tickets shipped in {}{}",
        f.released,
        f.fixed,
        plural(f.releases, "recorded release"),
        match (f.median_hours_fix_to_release, f.max_hours_fix_to_release) {
            (Some(m), Some(x)) => format!(
                "; fix to release took a median of {:.1} days, at most {:.1} days",
                m / 24.0,
                x / 24.0
            ),
            _ => String::new(),
        }
    );
    let slow = f
        .max_hours_fix_to_release
        .is_some_and(|x| x / 24.0 > RELEASE_DAYS);
    if f.fixed_unreleased.is_empty() && !slow {
        Outcome::new(Status::Met, format!("{base}."), &[id])
    } else {
        let mut gaps = Vec::new();
        if slow {
            gaps.push(format!(
                "a fix waited more than {RELEASE_DAYS:.0} days for its release"
            ));
        }
        if !f.fixed_unreleased.is_empty() {
            gaps.push(format!(
                "fixed but not in a recorded release (`safeguard vulns release VERSION`): {}",
                list(&f.fixed_unreleased, 5)
            ));
        }
        Outcome::new(
            if f.released == 0 {
                Status::NotMet
            } else {
                Status::PartiallyMet
            },
            format!("{base}. {}.", gaps.join("; ")),
            &[id],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> VulnHandlingFacts {
        VulnHandlingFacts {
            store: ".safeguard/store.db".into(),
            store_state: "ok".into(),
            sla_days: [("critical", 7), ("high", 30), ("medium", 90), ("low", 180)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            sla_clock: "first_seen".into(),
            sla_configured: true,
            scans: 3,
            tickets: 5,
            closed_with_sla: 10,
            closed_within_sla: 9,
            fixed: 2,
            released: 2,
            releases: 1,
            median_hours_fix_to_release: Some(48.0),
            max_hours_fix_to_release: Some(72.0),
            advisories: vec!["ACME-2025-001 v1 (final)".into()],
            tickets_with_advisory: 1,
            audit_entries: 12,
            ..VulnHandlingFacts::default()
        }
    }

    #[test]
    fn management_plan_levels() {
        assert_eq!(management_plan("e", &ok()).status, Status::Met);
        let mut f = ok();
        f.closed_within_sla = 8;
        let o = management_plan("e", &f);
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(o.argument.contains("fewer than 90%"), "{}", o.argument);
        let mut f = ok();
        f.breached_open = vec!["VULN-4 critical due 2025-03-08".into()];
        assert!(
            management_plan("e", &f)
                .argument
                .contains("VULN-4 critical due 2025-03-08")
        );
        let mut f = ok();
        f.sla_configured = false;
        assert_eq!(management_plan("e", &f).status, Status::PartiallyMet);
        let mut f = ok();
        f.audit_problems = vec!["audit entry 4: edited".into()];
        assert_eq!(management_plan("e", &f).status, Status::NotMet);
        let mut f = ok();
        f.store_state = "missing".into();
        assert_eq!(management_plan("e", &f).status, Status::NeedsManualEvidence);
    }

    #[test]
    fn informing_and_releasing() {
        assert_eq!(internal_informed("e", &ok()).status, Status::Met);
        let mut f = ok();
        f.untriaged_stale = vec!["VULN-2 high".into()];
        assert_eq!(internal_informed("e", &f).status, Status::PartiallyMet);

        assert_eq!(customers_informed("e", &ok()).status, Status::Met);
        let mut f = ok();
        f.needing_advisory = vec!["VULN-3 critical".into()];
        assert_eq!(customers_informed("e", &f).status, Status::PartiallyMet);
        f.advisories.clear();
        assert_eq!(customers_informed("e", &f).status, Status::NotMet);
        f.needing_advisory.clear();
        assert_eq!(
            customers_informed("e", &f).status,
            Status::NeedsManualEvidence
        );

        assert_eq!(updates_timely("e", &ok()).status, Status::Met);
        let mut f = ok();
        f.max_hours_fix_to_release = Some(31.0 * 24.0);
        assert_eq!(updates_timely("e", &f).status, Status::PartiallyMet);
        let mut f = ok();
        f.released = 0;
        f.fixed_unreleased = vec![
            "VULN-1 high fixed 2025-03-05".into(),
            "VULN-2 low fixed 2025-03-05".into(),
        ];
        assert_eq!(updates_timely("e", &f).status, Status::NotMet);
        f.fixed = 0;
        assert_eq!(updates_timely("e", &f).status, Status::NeedsManualEvidence);
    }
}
