//! The SLA policy (how many days a ticket of each severity may stay open) and the arithmetic
//! that says where a ticket stands against it.
//!
//! # The policy
//! In `safeguard.toml` the policy is a table (the CLI reads it from `[vulns.sla]`):
//!
//! ```toml
//! [vulns.sla]
//! clock = "first_seen"        # or "published"
//! due_soon_percent = 25       # "due soon" in the last quarter of the window
//!
//! [vulns.sla.days]
//! critical = 7
//! high = 30
//! medium = 90
//! low = 180
//! none = 180
//! unknown = 90
//! ```
//!
//! Every key is optional; missing ones take the defaults above. The defaults for the two
//! severities the brief leaves open are:
//! - `unknown` (the advisory gives no rating) = 90 days, the medium clock: an unrated advisory
//!   may be anything, so it must not wait the six months of `low`, but neither is every
//!   unrated notice an emergency. Triage that rates it, or closes it, is the way out.
//! - `none` (rated, with no security impact) = 180 days, the low clock: it still names a known
//!   vulnerability in shipped code, so it gets the longest clock rather than none at all.
//!
//! Days are whole numbers from 0 to [`MAX_DAYS`]; negative days, an unknown severity or an
//! unknown key are errors that name the key (see [`SlaPolicyError`]).
//!
//! # The arithmetic ([`evaluate`])
//! - **Start.** `first_seen`, or with `clock = "published"` the advisory's publication. A
//!   ticket without a publication date starts at `first_seen`, and a publication *later* than
//!   `first_seen` never moves the start later: the clock starts at the earlier of the two
//!   (a vendor cannot gain time because an advisory was published, or re-dated, after the
//!   vendor already knew).
//! - **Due** = start + N days, where a day is 86 400 seconds counted in UTC (UTC has no
//!   daylight-saving shifts, so these are calendar days): 2024-02-29T10:00Z + 7 days is
//!   2024-03-07T10:00Z and + 365 days is 2025-02-28T10:00Z. The due instant keeps the time of
//!   day of the start (a ticket found at 23:59:59 is due at 23:59:59). Times given with other
//!   offsets are compared as instants; every time this module returns is in UTC.
//! - **Due means "by".** A ticket closed exactly at the due instant is closed within SLA, and
//!   an open ticket at `now == due` is [`SlaStatus::DueSoon`], not breached: a breach needs
//!   `now > due`.
//! - **Pauses.** An accepted risk pauses the clock only while an acceptance with an approver
//!   and an expiry is in force: a `history` entry with status `accepted`, an
//!   `accepted_until`, and a named person in `by` (not empty, not `scan`). It pauses from that
//!   entry until the earliest of its `accepted_until`, the next status change and `now`; after
//!   expiry the clock runs again. For the acceptance in force now (the ticket's status is
//!   `accepted` and the last history entry is that acceptance), the ticket's `acceptance`
//!   must also name an approver. Every paused second moves the due instant one second later.
//! - **Closing.** `fixed` and `not_affected` stop the clock at the first of the trailing run
//!   of closed entries in `history` (when `history` does not record the closure: `fixed_at`,
//!   else the last history entry, else `last_seen`).
//! - **Reopening.** A ticket closed and then reopened resumes with the time it had left: the
//!   time it spent closed moves the due instant later, like a pause (reported apart, as
//!   `closed_seconds`).
//! - A breached ticket stays [`SlaStatus::Breached`] while an acceptance pauses it; the
//!   overdue time is frozen meanwhile.
//! - `not_affected` tickets are [`SlaStatus::NotApplicable`]: there was nothing to remediate.
//!
//! Nothing here panics: history may be unsorted (it is sorted by time, stably), in the future,
//! or before the start, and instants near the ends of the calendar saturate.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::model::{Severity, Status, Ticket};

/// The largest number of days a policy may give a severity (ten years).
pub const MAX_DAYS: i64 = 3650;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// When a ticket's SLA clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// When a scan first showed the vulnerability (the default).
    #[default]
    FirstSeen,
    /// When the advisory was published, but never later than `first_seen`.
    Published,
}

impl ClockStart {
    /// `first_seen` or `published`, as written in `safeguard.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockStart::FirstSeen => "first_seen",
            ClockStart::Published => "published",
        }
    }
}

/// Days allowed per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaDays {
    /// Default 7.
    pub critical: u32,
    /// Default 30.
    pub high: u32,
    /// Default 90.
    pub medium: u32,
    /// Default 180.
    pub low: u32,
    /// Rated with no security impact. Default 180 (the low clock).
    pub none: u32,
    /// Not rated by the advisory. Default 90 (the medium clock).
    pub unknown: u32,
}

impl Default for SlaDays {
    fn default() -> Self {
        SlaDays {
            critical: 7,
            high: 30,
            medium: 90,
            low: 180,
            none: 180,
            unknown: 90,
        }
    }
}

impl SlaDays {
    /// The days allowed for `severity`.
    pub fn for_severity(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::None => self.none,
            Severity::Unknown => self.unknown,
        }
    }

    fn slot(&mut self, severity: Severity) -> &mut u32 {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::None => &mut self.none,
            Severity::Unknown => &mut self.unknown,
        }
    }
}

/// The SLA policy: days per severity, when the clock starts, and when a ticket is "due soon".
///
/// Deserializes from the TOML table described in the [module documentation](self), with
/// validation; [`SlaPolicy::default`] is the policy with no table at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaPolicy {
    /// Days allowed per severity.
    pub days: SlaDays,
    /// When the clock starts.
    pub clock: ClockStart,
    /// An open ticket is [`SlaStatus::DueSoon`] once no more than this share (in percent,
    /// 0–100) of its window is left. Default 25.
    pub due_soon_percent: u8,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            days: SlaDays::default(),
            clock: ClockStart::FirstSeen,
            due_soon_percent: 25,
        }
    }
}

/// What is wrong with an SLA policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaPolicyError {
    /// A severity's days are below zero.
    #[error("days.{severity} is {days}: the days allowed cannot be negative")]
    NegativeDays {
        /// The severity key.
        severity: String,
        /// The value given.
        days: i64,
    },
    /// A severity's days are more than [`MAX_DAYS`].
    #[error("days.{severity} is {days}: at most {MAX_DAYS} days (ten years) are allowed")]
    TooManyDays {
        /// The severity key.
        severity: String,
        /// The value given.
        days: i64,
    },
    /// A key of `days` that names no severity.
    #[error(
        "days.{key}: unknown severity {key:?}; expected critical, high, medium, low, none or unknown"
    )]
    UnknownSeverity {
        /// The key given.
        key: String,
    },
    /// `due_soon_percent` outside 0–100.
    #[error("due_soon_percent is {value}: expected a whole number from 0 to 100")]
    DueSoonPercent {
        /// The value given.
        value: i64,
    },
}

impl SlaPolicy {
    /// Builds a policy from severity names and days (as a configuration file gives them),
    /// starting from the defaults.
    pub fn from_parts<'a>(
        days: impl IntoIterator<Item = (&'a str, i64)>,
        clock: ClockStart,
        due_soon_percent: i64,
    ) -> Result<SlaPolicy, SlaPolicyError> {
        let mut policy = SlaPolicy {
            clock,
            ..SlaPolicy::default()
        };
        for (key, value) in days {
            let Some(severity) = Severity::parse(key) else {
                return Err(SlaPolicyError::UnknownSeverity {
                    key: key.to_string(),
                });
            };
            if value < 0 {
                return Err(SlaPolicyError::NegativeDays {
                    severity: key.to_string(),
                    days: value,
                });
            }
            if value > MAX_DAYS {
                return Err(SlaPolicyError::TooManyDays {
                    severity: key.to_string(),
                    days: value,
                });
            }
            // Bounded by MAX_DAYS above.
            *policy.days.slot(severity) = u32::try_from(value).unwrap_or(0);
        }
        policy.due_soon_percent = match u8::try_from(due_soon_percent) {
            Ok(p) if p <= 100 => p,
            _ => {
                return Err(SlaPolicyError::DueSoonPercent {
                    value: due_soon_percent,
                });
            }
        };
        Ok(policy)
    }

    /// Checks a policy built in code: every severity at most [`MAX_DAYS`], `due_soon_percent`
    /// at most 100. (A deserialized policy is already valid.)
    pub fn validate(&self) -> Result<(), SlaPolicyError> {
        for s in Severity::ALL {
            let days = i64::from(self.days.for_severity(s));
            if days > MAX_DAYS {
                return Err(SlaPolicyError::TooManyDays {
                    severity: s.as_str().to_string(),
                    days,
                });
            }
        }
        if self.due_soon_percent > 100 {
            return Err(SlaPolicyError::DueSoonPercent {
                value: i64::from(self.due_soon_percent),
            });
        }
        Ok(())
    }

    /// The days allowed for `severity`.
    pub fn days_for(&self, severity: Severity) -> u32 {
        self.days.for_severity(severity)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    days: RawDays,
    #[serde(default)]
    clock: ClockStart,
    #[serde(default)]
    due_soon_percent: Option<DueSoonPercent>,
}

/// The `days` table, checked key by key and value by value, so that a TOML reader can point
/// at the offending key or value.
#[derive(Default)]
struct RawDays(Vec<(Severity, u32)>);

struct SeverityKey(Severity);

impl<'de> Deserialize<'de> for SeverityKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        match Severity::parse(&key) {
            Some(s) => Ok(SeverityKey(s)),
            None => Err(serde::de::Error::custom(SlaPolicyError::UnknownSeverity {
                key,
            })),
        }
    }
}

struct DaysSeed(Severity);

impl<'de> serde::de::DeserializeSeed<'de> for DaysSeed {
    type Value = u32;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
        let days = i64::deserialize(deserializer)?;
        let severity = self.0.as_str().to_string();
        if days < 0 {
            return Err(serde::de::Error::custom(SlaPolicyError::NegativeDays {
                severity,
                days,
            }));
        }
        match u32::try_from(days) {
            Ok(d) if days <= MAX_DAYS => Ok(d),
            _ => Err(serde::de::Error::custom(SlaPolicyError::TooManyDays {
                severity,
                days,
            })),
        }
    }
}

impl<'de> Deserialize<'de> for RawDays {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawDays;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of severity = days (critical = 7)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawDays, A::Error> {
                let mut out = Vec::new();
                while let Some(SeverityKey(severity)) = map.next_key()? {
                    let days = map.next_value_seed(DaysSeed(severity))?;
                    out.push((severity, days));
                }
                Ok(RawDays(out))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

struct DueSoonPercent(u8);

impl<'de> Deserialize<'de> for DueSoonPercent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        match u8::try_from(value) {
            Ok(p) if p <= 100 => Ok(DueSoonPercent(p)),
            _ => Err(serde::de::Error::custom(SlaPolicyError::DueSoonPercent {
                value,
            })),
        }
    }
}

impl<'de> Deserialize<'de> for SlaPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawPolicy::deserialize(deserializer)?;
        let mut policy = SlaPolicy {
            clock: raw.clock,
            ..SlaPolicy::default()
        };
        for (severity, days) in raw.days.0 {
            *policy.days.slot(severity) = days;
        }
        if let Some(DueSoonPercent(p)) = raw.due_soon_percent {
            policy.due_soon_percent = p;
        }
        Ok(policy)
    }
}

/// Where a ticket stands against the SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    /// Open, the clock running, more than the due-soon share of the window left.
    OnTrack,
    /// Open, the clock running, due within the due-soon share of the window (or due now).
    DueSoon,
    /// Open and past due (`now > due`), paused or not.
    Breached,
    /// Fixed at or before the due instant.
    MetWithin,
    /// Fixed after the due instant.
    ClosedLate,
    /// Open, not past due, and an acceptance with an approver and an expiry is in force.
    Paused,
    /// `not_affected`: there was nothing to remediate.
    NotApplicable,
}

impl SlaStatus {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaStatus::OnTrack => "on_track",
            SlaStatus::DueSoon => "due_soon",
            SlaStatus::Breached => "breached",
            SlaStatus::MetWithin => "met_within",
            SlaStatus::ClosedLate => "closed_late",
            SlaStatus::Paused => "paused",
            SlaStatus::NotApplicable => "not_applicable",
        }
    }

    /// Every status, in report order.
    pub const ALL: [SlaStatus; 7] = [
        SlaStatus::Breached,
        SlaStatus::DueSoon,
        SlaStatus::OnTrack,
        SlaStatus::Paused,
        SlaStatus::MetWithin,
        SlaStatus::ClosedLate,
        SlaStatus::NotApplicable,
    ];
}

impl fmt::Display for SlaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One ticket measured against the SLA. All instants are in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaState {
    /// The days the policy allows this ticket's severity.
    pub days: u32,
    /// When the clock started.
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// When it is due: start + days, plus every paused and closed-then-reopened second.
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// Seconds an acceptance paused the clock (up to `now`, or to the closure).
    pub paused_seconds: i64,
    /// Seconds the ticket spent closed before it was reopened.
    pub closed_seconds: i64,
    /// For a paused ticket: when the acceptance in force lapses.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub paused_until: Option<OffsetDateTime>,
    /// For a closed ticket: when the clock stopped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub stopped: Option<OffsetDateTime>,
    /// Seconds from `now` (or from the closure) to the due instant; 0 when past due.
    pub remaining_seconds: i64,
    /// Seconds past the due instant at `now` (or at the closure); 0 when not past due.
    pub overdue_seconds: i64,
    /// The verdict.
    pub state: SlaStatus,
}

/// The first and last instants `time` can hold (years -9999 and 9999).
fn min_instant() -> OffsetDateTime {
    PrimitiveDateTime::MIN.assume_utc()
}

fn max_instant() -> OffsetDateTime {
    PrimitiveDateTime::MAX.assume_utc()
}

/// `t` in UTC (an instant that would fall outside the calendar in UTC saturates).
pub(crate) fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.checked_to_offset(UtcOffset::UTC).unwrap_or_else(|| {
        if t.year() > 0 {
            max_instant()
        } else {
            min_instant()
        }
    })
}

/// `t` in UTC as RFC 3339 (`2024-03-07T23:30:00Z`; fractional seconds only when present).
/// Instants outside years 0–9999, which RFC 3339 cannot write, are clamped into them.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let t = utc(t);
    let t = if t.year() < 0 {
        PrimitiveDateTime::new(
            time::Date::from_ordinal_date(0, 1).unwrap_or(time::Date::MIN),
            time::Time::MIDNIGHT,
        )
        .assume_utc()
    } else {
        t
    };
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "0000-01-01T00:00:00Z".to_string())
}

/// `t + seconds`, saturating at the ends of the calendar.
fn add_seconds(t: OffsetDateTime, seconds: i64) -> OffsetDateTime {
    match t.checked_add(Duration::seconds(seconds)) {
        Some(v) => utc(v),
        None if seconds >= 0 => max_instant(),
        None => min_instant(),
    }
}

/// Whole seconds from `a` to `b` (negative when `b` is earlier).
pub(crate) fn seconds_between(a: OffsetDateTime, b: OffsetDateTime) -> i64 {
    (b - a).whole_seconds()
}

/// The instant the ticket's clock starts under `clock`.
pub fn clock_start(ticket: &Ticket, clock: ClockStart) -> OffsetDateTime {
    let start = match (clock, ticket.published) {
        (ClockStart::Published, Some(p)) if p < ticket.first_seen => p,
        _ => ticket.first_seen,
    };
    utc(start)
}

fn is_closed(status: Status) -> bool {
    matches!(status, Status::Fixed | Status::NotAffected)
}

/// What one stretch of a ticket's history does to the clock.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stretch {
    Running,
    Paused,
    Closed,
}

/// Measures `ticket` against `policy` at `now`. See the [module documentation](self) for the
/// rules. Never panics.
pub fn evaluate(ticket: &Ticket, policy: &SlaPolicy, now: OffsetDateTime) -> SlaState {
    let now = utc(now);
    let days = policy.days_for(ticket.severity);
    let start = clock_start(ticket, policy.clock);

    let mut history: Vec<_> = ticket.history.iter().collect();
    history.sort_by_key(|c| c.at);

    // When the clock stopped for good (the ticket is closed now).
    let stopped = if is_closed(ticket.status) {
        let trailing = history
            .iter()
            .rev()
            .take_while(|c| is_closed(c.status))
            .last()
            .map(|c| c.at);
        let fallback = match ticket.status {
            Status::Fixed => ticket.fixed_at,
            _ => None,
        };
        Some(utc(trailing
            .or(fallback)
            .or_else(|| history.last().map(|c| c.at))
            .unwrap_or(ticket.last_seen)))
    } else {
        None
    };
    // The end of the measured timeline, never before the start.
    let end = stopped.unwrap_or(now).max(start);

    // The acceptance in force now, if it is the last entry and the ticket is accepted.
    let current_acceptance_named = ticket
        .acceptance
        .as_ref()
        .is_some_and(|a| !a.approver.trim().is_empty());

    let count = history.len();
    // Where the trailing run of closed entries begins (the stop itself, not a gap).
    let trailing_closed = if stopped.is_some() {
        count
            - history
                .iter()
                .rev()
                .take_while(|c| is_closed(c.status))
                .count()
    } else {
        count
    };

    let mut paused = 0i64;
    let mut closed = 0i64;
    let mut paused_until = None;
    for (i, change) in history.iter().enumerate() {
        let from = utc(change.at);
        let next = history.get(i + 1).map(|c| utc(c.at));
        let last = i + 1 == count;
        let to = next.unwrap_or(end);
        let mut pieces: [(OffsetDateTime, OffsetDateTime, Stretch); 2] =
            [(from, to, Stretch::Running), (to, to, Stretch::Running)];
        if is_closed(change.status) {
            if i < trailing_closed {
                pieces[0].2 = Stretch::Closed;
            }
        } else if change.status == Status::Accepted
            && let Some(until) = change.accepted_until
        {
            let by = change.by.trim();
            let approved = !by.is_empty()
                && by != "scan"
                && (!(last && ticket.status == Status::Accepted) || current_acceptance_named);
            if approved {
                let until = utc(until);
                let pause_end = until.min(to).max(from);
                pieces[0] = (from, pause_end, Stretch::Paused);
                pieces[1] = (pause_end, to, Stretch::Running);
                if last && ticket.status == Status::Accepted && until > now && from <= now {
                    paused_until = Some(until);
                }
            }
        }
        for (a, b, kind) in pieces {
            // Clip to [start, end].
            let a = a.max(start);
            let b = b.min(end);
            if b <= a {
                continue;
            }
            let s = seconds_between(a, b);
            match kind {
                Stretch::Paused => paused = paused.saturating_add(s),
                Stretch::Closed => closed = closed.saturating_add(s),
                Stretch::Running => {}
            }
        }
    }

    let window = i64::from(days).saturating_mul(DAY);
    let due = add_seconds(add_seconds(start, window), paused.saturating_add(closed));
    let at = stopped.unwrap_or(now);
    let left = seconds_between(at, due);
    let (remaining_seconds, overdue_seconds) = if left >= 0 { (left, 0) } else { (0, -left) };

    let state = match ticket.status {
        Status::NotAffected => SlaStatus::NotApplicable,
        Status::Fixed => {
            if overdue_seconds > 0 {
                SlaStatus::ClosedLate
            } else {
                SlaStatus::MetWithin
            }
        }
        Status::UnderInvestigation | Status::Affected | Status::Accepted => {
            if overdue_seconds > 0 {
                SlaStatus::Breached
            } else if paused_until.is_some() {
                SlaStatus::Paused
            } else {
                // Due soon once at most due_soon_percent of the window is left (integer
                // arithmetic: left * 100 <= window * percent).
                let threshold = window.saturating_mul(i64::from(policy.due_soon_percent));
                if remaining_seconds.saturating_mul(100) <= threshold {
                    SlaStatus::DueSoon
                } else {
                    SlaStatus::OnTrack
                }
            }
        }
    };

    SlaState {
        days,
        start,
        due,
        paused_seconds: paused,
        closed_seconds: closed,
        paused_until: if state == SlaStatus::Paused {
            paused_until
        } else {
            None
        },
        stopped,
        remaining_seconds,
        overdue_seconds,
        state,
    }
}
