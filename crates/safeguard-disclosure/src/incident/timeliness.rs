//! How quickly customers and authorities were told about incidents (claim 4.3.2).
//!
//! For each incident that affects customers, the time from detection to customer notification
//! is measured against a target (`[incidents] notify_within_hours`, default 72 hours).
//!
//! For incidents on an EU Cyber Resilience Act track ([`CraKind`]), the article 14 clocks of
//! Regulation (EU) 2024/2847 are checked. Our reading of the article:
//!
//! - Article 14(1)-(2), an *actively exploited vulnerability*: (a) an early warning "without
//!   undue delay and in any event within 24 hours of the manufacturer becoming aware of it";
//!   (b) a vulnerability notification "without undue delay and in any event within 72 hours"
//!   of becoming aware; (c) a final report "no later than 14 days after a corrective or
//!   mitigating measure is available".
//! - Article 14(3)-(4), a *severe incident having an impact on the security of the product*:
//!   (a) an early warning within 24 hours of becoming aware; (b) an incident notification within
//!   72 hours of becoming aware; (c) a final report "within one month after the submission of
//!   the incident notification under point (b)".
//!
//! "Becoming aware" is taken to be the incident's `detected_at`. "Without undue delay" cannot be
//! measured, so only the outer limits are checked. The limits are inclusive: a report exactly
//! 24 hours after awareness meets the 24-hour clock. All arithmetic is on instants (UTC), so
//! offsets and daylight-saving changes do not matter. "One month" is a calendar month counted
//! in UTC from the notification's instant; when the next month has no such day (31 January) the
//! period ends on that month's last day at the same time, following the rule for periods in
//! months of Regulation (EEC, Euratom) No 1182/71, article 3(2)(c).
//!
//! Sources: Regulation (EU) 2024/2847 (Cyber Resilience Act), article 14, as published in the
//! Official Journal of 20 November 2024 (the reporting obligations apply from 11 September 2026).

use serde::Serialize;
use time::{Duration, OffsetDateTime, UtcOffset};

use super::log::{CraKind, Incident};

/// Report settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// The customer-notification target, in hours after detection.
    pub notify_within_hours: u32,
}

impl Settings {
    /// The default customer-notification target.
    pub const DEFAULT_NOTIFY_WITHIN_HOURS: u32 = 72;
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            notify_within_hours: Self::DEFAULT_NOTIFY_WITHIN_HOURS,
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockStatus {
    /// Done by the deadline.
    Met,
    /// Done late, or not done and the deadline has passed.
    Missed,
    /// Not done, the deadline has not passed (or has not started).
    Pending,
    /// The clock does not apply.
    NotApplicable,
}

impl ClockStatus {
    /// The status as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockStatus::Met => "met",
            ClockStatus::Missed => "missed",
            ClockStatus::Pending => "pending",
            ClockStatus::NotApplicable => "not applicable",
        }
    }
}

/// One deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// `customer-notification`, `cra-early-warning`, `cra-notification` or `cra-final-report`.
    pub name: &'static str,
    /// Met, missed, pending or not applicable.
    pub status: ClockStatus,
    /// The deadline, when known.
    #[serde(with = "time::serde::rfc3339::option")]
    pub due: Option<OffsetDateTime>,
    /// When it was done, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    /// Seconds to spare (met) or seconds left (pending).
    pub margin_seconds: Option<i64>,
    /// Seconds late (missed).
    pub late_seconds: Option<i64>,
    /// The finding in words.
    pub detail: String,
}

/// The clocks of one incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IncidentTimeliness {
    /// The incident id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether customers are affected.
    pub affects_customers: bool,
    /// The CRA track.
    pub cra: CraKind,
    /// Seconds from detection to customer notification, when both are known.
    pub detection_to_notification_seconds: Option<i64>,
    /// Customer notification against the target.
    pub customer_notification: Clock,
    /// CRA early warning (24 hours).
    pub cra_early_warning: Clock,
    /// CRA notification (72 hours).
    pub cra_notification: Clock,
    /// CRA final report (14 days after a fix, or one month after the notification).
    pub cra_final_report: Clock,
}

impl IncidentTimeliness {
    /// The four clocks.
    pub fn clocks(&self) -> [&Clock; 4] {
        [
            &self.customer_notification,
            &self.cra_early_warning,
            &self.cra_notification,
            &self.cra_final_report,
        ]
    }
}

/// The result of [`report`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelinessReport {
    /// The time pending clocks are measured from.
    #[serde(with = "time::serde::rfc3339")]
    pub now: OffsetDateTime,
    /// The settings used.
    pub settings: Settings,
    /// Incidents that affect customers or are on a CRA track, in id order.
    pub incidents: Vec<IncidentTimeliness>,
    /// Clocks met.
    pub met: usize,
    /// Clocks missed.
    pub missed: usize,
    /// Clocks pending.
    pub pending: usize,
}

impl TimelinessReport {
    /// True when no clock was missed.
    pub fn ok(&self) -> bool {
        self.missed == 0
    }
}

/// Check every incident that affects customers or is on a CRA track, at `now`.
pub fn report(
    incidents: &[Incident],
    now: OffsetDateTime,
    settings: &Settings,
) -> TimelinessReport {
    let now = now.checked_to_offset(UtcOffset::UTC).unwrap_or(now);
    let mut out: Vec<IncidentTimeliness> = incidents
        .iter()
        .filter(|i| i.affects_customers || i.cra != CraKind::None)
        .map(|i| one(i, now, settings))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    let count = |s: ClockStatus| {
        out.iter()
            .flat_map(|i| i.clocks())
            .filter(|c| c.status == s)
            .count()
    };
    TimelinessReport {
        now,
        settings: settings.clone(),
        met: count(ClockStatus::Met),
        missed: count(ClockStatus::Missed),
        pending: count(ClockStatus::Pending),
        incidents: out,
    }
}

fn one(i: &Incident, now: OffsetDateTime, settings: &Settings) -> IncidentTimeliness {
    let aware = i.detected_at;
    let customer = if !i.affects_customers {
        not_applicable("customer-notification", "customers are not affected")
    } else {
        match aware {
            None => not_applicable(
                "customer-notification",
                "no detection time is recorded, so the clock cannot start",
            ),
            Some(d) => clock(
                "customer-notification",
                d.checked_add(Duration::hours(i64::from(settings.notify_within_hours))),
                i.customers_notified_at,
                now,
            ),
        }
    };
    let (early, notification, fin) = match (i.cra, aware) {
        (CraKind::None, _) => {
            let why = "not on a CRA article 14 track";
            (
                not_applicable("cra-early-warning", why),
                not_applicable("cra-notification", why),
                not_applicable("cra-final-report", why),
            )
        }
        (_, None) => {
            let why = "no detection (awareness) time is recorded, so the clock cannot start";
            (
                not_applicable("cra-early-warning", why),
                not_applicable("cra-notification", why),
                not_applicable("cra-final-report", why),
            )
        }
        (kind, Some(d)) => {
            let early = clock(
                "cra-early-warning",
                d.checked_add(Duration::hours(24)),
                i.early_warning_at,
                now,
            );
            let notification = clock(
                "cra-notification",
                d.checked_add(Duration::hours(72)),
                i.notification_at,
                now,
            );
            let fin = match kind {
                CraKind::ExploitedVulnerability => match i.fixed_at {
                    Some(f) => clock(
                        "cra-final-report",
                        f.checked_add(Duration::days(14)),
                        i.final_report_at,
                        now,
                    ),
                    None => waiting(
                        "cra-final-report",
                        i.final_report_at,
                        "due 14 days after a corrective or mitigating measure is available; none is recorded yet",
                    ),
                },
                _ => match i.notification_at {
                    Some(n) => clock("cra-final-report", add_month(n), i.final_report_at, now),
                    None => waiting(
                        "cra-final-report",
                        i.final_report_at,
                        "due one month after the incident notification, which has not been submitted",
                    ),
                },
            };
            (early, notification, fin)
        }
    };
    IncidentTimeliness {
        id: i.id.clone(),
        title: i.title.clone(),
        affects_customers: i.affects_customers,
        cra: i.cra,
        detection_to_notification_seconds: match (aware, i.customers_notified_at) {
            (Some(d), Some(n)) => Some((n - d).whole_seconds()),
            _ => None,
        },
        customer_notification: customer,
        cra_early_warning: early,
        cra_notification: notification,
        cra_final_report: fin,
    }
}

/// One calendar month later, in UTC, clamped to the last day of a shorter month.
pub fn add_month(t: OffsetDateTime) -> Option<OffsetDateTime> {
    let t = t.checked_to_offset(UtcOffset::UTC)?;
    let (year, month) = match t.month() {
        time::Month::December => (t.year().checked_add(1)?, time::Month::January),
        m => (t.year(), m.next()),
    };
    let last = time::util::days_in_month(month, year);
    let day = t.day().min(last);
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(t.replace_date(date))
}

fn not_applicable(name: &'static str, why: &str) -> Clock {
    Clock {
        name,
        status: ClockStatus::NotApplicable,
        due: None,
        done_at: None,
        margin_seconds: None,
        late_seconds: None,
        detail: why.to_string(),
    }
}

fn waiting(name: &'static str, done: Option<OffsetDateTime>, why: &str) -> Clock {
    Clock {
        name,
        status: ClockStatus::Pending,
        due: None,
        done_at: done,
        margin_seconds: None,
        late_seconds: None,
        detail: why.to_string(),
    }
}

fn clock(
    name: &'static str,
    due: Option<OffsetDateTime>,
    done: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Clock {
    let Some(due) = due else {
        return not_applicable(name, "the deadline is out of the supported date range");
    };
    let due = due.checked_to_offset(UtcOffset::UTC).unwrap_or(due);
    let due_s = stamp(due);
    let (status, margin, late, detail) = match done {
        Some(d) if d <= due => {
            let m = (due - d).whole_seconds();
            (
                ClockStatus::Met,
                Some(m),
                None,
                format!("met with {} to spare", human(m)),
            )
        }
        Some(d) => {
            let l = (d - due).whole_seconds();
            (
                ClockStatus::Missed,
                None,
                Some(l),
                format!("missed by {} (due {due_s})", human(l)),
            )
        }
        None if now <= due => {
            let m = (due - now).whole_seconds();
            (
                ClockStatus::Pending,
                Some(m),
                None,
                format!("pending: due at {due_s}, {} left", human(m)),
            )
        }
        None => {
            let l = (now - due).whole_seconds();
            (
                ClockStatus::Missed,
                None,
                Some(l),
                format!("not done; missed by {} so far (due {due_s})", human(l)),
            )
        }
    };
    Clock {
        name,
        status,
        due: Some(due),
        done_at: done,
        margin_seconds: margin,
        late_seconds: late,
        detail,
    }
}

fn stamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// A duration in seconds as `2d 3h 4m 5s`.
pub fn human(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if sec > 0 || parts.is_empty() {
        parts.push(format!("{sec}s"));
    }
    parts.join(" ")
}
