//! The vulnerability-handling collector: reads the ticket store of `safeguard vulns` (never
//! creating it) and summarises the SLA policy and how tickets fared against it (3.3.2), triage
//! (3.4.1), advisories issued (3.4.2) and fix-to-release times (3.5.1). The store's audit
//! trail is verified on the way, and its head hash goes into the evidence.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use safeguard_config::Config;
use safeguard_handling::model::{Severity, Status, Ticket};
use safeguard_handling::sla::{self, SlaStatus};
use safeguard_model::facts::VulnHandlingFacts;
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};
use safeguard_store::{OpenMode, Store, TicketFilter};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Days an open ticket may wait for its first triage before it counts as stale.
pub const TRIAGE_DAYS: i64 = 7;

pub struct VulnHandlingCollector {
    pub config: Config,
    /// The folder of `safeguard.toml` (`[vulns] store` is relative to it).
    pub base: PathBuf,
}

const CLAIMS: [ClaimId; 4] = [
    ClaimId::new(3, 3, 2),
    ClaimId::new(3, 4, 1),
    ClaimId::new(3, 4, 2),
    ClaimId::new(3, 5, 1),
];

impl Collector for VulnHandlingCollector {
    fn id(&self) -> &'static str {
        "vuln-handling"
    }

    fn title(&self) -> &'static str {
        "Vulnerability tickets: SLA policy and breaches, triage, advisories, fix-to-release time"
    }

    fn claims(&self) -> Vec<ClaimId> {
        CLAIMS.to_vec()
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let now = OffsetDateTime::parse(cx.observed_at, &Rfc3339)
            .map_err(|e| CollectError::new(self.id(), format!("bad run time: {e}")))?;
        let path = match self.config.vulns.store.as_deref() {
            Some(s) => self.base.join(s),
            None => cx.root.join(safeguard_store::DEFAULT_PATH),
        };
        let f = facts(&self.config, &path, cx.root, now);
        let summary = summary(&f);
        Ok(vec![cx.evidence(
            self.id(),
            &CLAIMS,
            summary,
            Facts::VulnHandling(f),
        )])
    }
}

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string())
}

fn day(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect()
}

fn median_hours(mut seconds: Vec<i64>) -> Option<f64> {
    if seconds.is_empty() {
        return None;
    }
    seconds.sort_unstable();
    let n = seconds.len();
    let mid = if n % 2 == 1 {
        seconds[n / 2] as f64
    } else {
        (seconds[n / 2 - 1] as f64 + seconds[n / 2] as f64) / 2.0
    };
    Some((mid / 360.0).round() / 10.0)
}

/// Read the store at `path` and summarise it at `now`.
pub fn facts(config: &Config, path: &Path, root: &Path, now: OffsetDateTime) -> VulnHandlingFacts {
    let policy = config.vulns.sla_policy();
    let mut f = VulnHandlingFacts {
        store: shown(path, root),
        sla_days: Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), policy.days_for(*s)))
            .collect(),
        sla_clock: policy.clock.as_str().to_string(),
        sla_configured: config.vulns.sla.is_some(),
        ..VulnHandlingFacts::default()
    };
    if !path.exists() {
        f.store_state = "missing".into();
        return f;
    }
    let mut store = match Store::open(path, OpenMode::Existing) {
        Ok(s) => s,
        Err(e) => {
            f.store_state = e.to_string();
            return f;
        }
    };
    let read = (|| -> Result<(), safeguard_store::StoreError> {
        let v = store.verify()?;
        f.audit_entries = v.entries;
        f.audit_head = v.head.clone();
        f.audit_problems = v.problems.clone();
        if v.integrity != "ok" {
            f.audit_problems
                .insert(0, format!("database integrity: {}", v.integrity));
        }
        let scans = store.scans()?;
        f.scans = scans.len() as u64;
        f.last_scan = scans.iter().map(|s| s.scanned_at.clone()).max();
        let tickets = store.tickets(&TicketFilter::default())?;
        let advisories = store.advisories()?;
        let mut covered: HashSet<i64> = HashSet::new();
        for a in &advisories {
            f.advisories
                .push(format!("{} v{} ({})", a.tracking_id, a.version, a.status));
            covered.extend(a.tickets.iter().copied());
        }
        let products: HashSet<&str> = tickets.iter().map(|t| t.product.as_str()).collect();
        let mut releases = 0;
        for p in products {
            releases += store.releases(p)?.len() as u64;
        }
        f.releases = releases;
        summarise(&mut f, &tickets, &covered, &policy, now);
        Ok(())
    })();
    f.store_state = match read {
        Ok(()) => "ok".into(),
        Err(e) => e.to_string(),
    };
    f
}

fn summarise(
    f: &mut VulnHandlingFacts,
    tickets: &[Ticket],
    covered: &HashSet<i64>,
    policy: &sla::SlaPolicy,
    now: OffsetDateTime,
) {
    f.tickets = tickets.len() as u64;
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut open_by_severity: BTreeMap<String, u64> = BTreeMap::new();
    let mut to_triage = Vec::new();
    let mut fix_to_release = Vec::new();
    for t in tickets {
        *by_status.entry(t.status.as_str().to_string()).or_default() += 1;
        let label = format!("{} {}", t.key(), t.severity.as_str());
        if t.status.is_open() {
            *open_by_severity
                .entry(t.severity.as_str().to_string())
                .or_default() += 1;
            if t.triaged_at.is_none() {
                f.untriaged_open += 1;
                if (now - t.first_seen).whole_days() > TRIAGE_DAYS {
                    f.untriaged_stale.push(label.clone());
                }
            }
        }
        if let Some(tr) = t.triaged_at {
            to_triage.push((tr - t.first_seen).whole_seconds().max(0));
        }
        let st = sla::evaluate(t, policy, now);
        match st.state {
            SlaStatus::MetWithin => {
                f.closed_with_sla += 1;
                f.closed_within_sla += 1;
            }
            SlaStatus::ClosedLate => f.closed_with_sla += 1,
            SlaStatus::Breached if t.status.is_open() => {
                f.breached_open.push(format!("{label} due {}", day(st.due)));
            }
            _ => {}
        }
        if t.status == Status::Accepted
            && let Some(a) = &t.acceptance
        {
            f.accepted.push(format!(
                "{} accepted by {} until {}",
                t.key(),
                a.approver,
                day(a.expires)
            ));
        }
        if t.status == Status::Fixed {
            f.fixed += 1;
            match (t.fixed_at, t.released_at) {
                (Some(fx), Some(rel)) => {
                    f.released += 1;
                    fix_to_release.push((rel - fx).whole_seconds().max(0));
                }
                (fx, _) => f.fixed_unreleased.push(format!(
                    "{label} fixed {}",
                    fx.map(day).unwrap_or_else(|| "(unknown)".into())
                )),
            }
        }
        let customer_facing = matches!(
            t.status,
            Status::Affected | Status::Accepted | Status::Fixed
        ) && t.severity >= Severity::High;
        if covered.contains(&t.id) {
            f.tickets_with_advisory += 1;
        } else if customer_facing {
            f.needing_advisory.push(label);
        }
    }
    f.by_status = by_status;
    f.open_by_severity = open_by_severity;
    f.median_hours_to_triage = median_hours(to_triage);
    f.max_hours_fix_to_release = fix_to_release
        .iter()
        .max()
        .map(|s| (*s as f64 / 360.0).round() / 10.0);
    f.median_hours_fix_to_release = median_hours(fix_to_release);
}

fn summary(f: &VulnHandlingFacts) -> String {
    match f.store_state.as_str() {
        "missing" => format!(
            "No ticket store at {}: no scan has been recorded (safeguard vulns sync).",
            f.store
        ),
        "ok" => format!(
            "{} tickets from {} scans in {}; {} open past due; {} advisories; audit trail of {} entries {}.",
            f.tickets,
            f.scans,
            f.store,
            f.breached_open.len(),
            f.advisories.len(),
            f.audit_entries,
            if f.audit_problems.is_empty() {
                "verified"
            } else {
                "FAILS verification"
            }
        ),
        other => format!("The ticket store cannot be read: {other}"),
    }
}
