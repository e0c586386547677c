//! The vulnerability-handling KPIs vendors and the OpenChain CRA checklist ask for, and their
//! renderings as a text table, Markdown and a self-contained HTML page with inline SVG charts.
//!
//! Definitions (every ticket is first measured with [`crate::sla::evaluate`]):
//! - **Open** tickets are `under_investigation`, `affected` and `accepted`.
//! - **Age** of an open ticket: whole days from `first_seen` to `now` (rounded down), in the
//!   buckets 0–7, 8–30, 31–90, 91–180 and over 180 days.
//! - **Closed within SLA**: among `fixed` tickets, the share that was fixed by the due instant
//!   ([`SlaStatus::MetWithin`] against [`SlaStatus::ClosedLate`]). `not_affected` tickets
//!   have no SLA ([`SlaStatus::NotApplicable`]) and are left out. **Handled within SLA** also
//!   counts open breached tickets as failures: within / (within + late + open breached).
//! - **Time to remediate**: for `fixed` tickets, `first_seen` to the instant the clock stopped
//!   (wall-clock time, pauses included).
//! - **Time to triage**: `first_seen` to `triaged_at` (the first decision a person made), for
//!   tickets that have one; tickets still `under_investigation` are counted as awaiting triage.
//! - **Breaches**: open tickets past due, and fixed tickets closed late, with their keys.
//!
//! Percentages and days are rounded to one decimal. Everything is deterministic: lists follow
//! [`Severity::ALL`] (highest first), breaches are sorted by time overdue (longest first), then
//! by ticket number.

use std::fmt::Write as _;

use serde::Serialize;
use time::OffsetDateTime;

use crate::model::{Severity, Status, Ticket};
use crate::sla::{self, SlaPolicy, SlaStatus};

const DAY: f64 = 86_400.0;

/// The age buckets of open tickets: (label, first day, last day; `None` = no upper bound).
pub const AGE_BUCKETS: [(&str, i64, Option<i64>); 5] = [
    ("0-7", 0, Some(7)),
    ("8-30", 8, Some(30)),
    ("31-90", 31, Some(90)),
    ("91-180", 91, Some(180)),
    (">180", 181, None),
];

/// Statuses in report order.
const STATUSES: [Status; 5] = [
    Status::UnderInvestigation,
    Status::Affected,
    Status::Accepted,
    Status::NotAffected,
    Status::Fixed,
];

/// The KPIs of a set of tickets at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpis {
    /// The `now` they were computed at (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// The SLA policy applied.
    pub policy: SlaPolicy,
    /// Every ticket given.
    pub tickets: usize,
    /// Open tickets (under investigation, affected, accepted).
    pub open: usize,
    /// Tickets per status (every status, in report order).
    pub by_status: Vec<StatusCount>,
    /// Tickets per SLA verdict (every verdict).
    pub by_sla_state: Vec<SlaStateCount>,
    /// Open tickets per severity (every severity, highest first).
    pub open_by_severity: Vec<SeverityCount>,
    /// Open tickets per age bucket ([`AGE_BUCKETS`]).
    pub open_by_age: Vec<AgeCount>,
    /// SLA results per severity (every severity, highest first).
    pub within_sla: Vec<SlaRow>,
    /// SLA results over every severity.
    pub within_sla_overall: SlaCounts,
    /// Time to remediate per severity (every severity, highest first).
    pub time_to_remediate: Vec<RemediationRow>,
    /// Time to remediate over every severity.
    pub time_to_remediate_overall: Durations,
    /// Time to triage.
    pub time_to_triage: Triage,
    /// Open tickets past due.
    pub open_overdue: Vec<Breach>,
    /// Fixed tickets closed after their due instant.
    pub closed_late: Vec<Breach>,
}

/// Tickets with one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    /// The status.
    pub status: Status,
    /// How many tickets hold it.
    pub count: usize,
}

/// Tickets with one SLA verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaStateCount {
    /// The verdict.
    pub state: SlaStatus,
    /// How many tickets have it.
    pub count: usize,
}

/// Open tickets of one severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeverityCount {
    /// The severity.
    pub severity: Severity,
    /// How many open tickets have it.
    pub count: usize,
}

/// Open tickets in one age bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgeCount {
    /// `0-7`, `8-30`, `31-90`, `91-180` or `>180`.
    pub bucket: &'static str,
    /// The bucket's first day.
    pub min_days: i64,
    /// The bucket's last day (`None` for the open-ended one).
    pub max_days: Option<i64>,
    /// How many open tickets are that old.
    pub count: usize,
}

/// SLA results of a set of tickets.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaCounts {
    /// Fixed tickets (closed within SLA or late).
    pub closed: usize,
    /// Fixed by the due instant.
    pub within: usize,
    /// Fixed after the due instant.
    pub late: usize,
    /// Open and past due.
    pub open_breached: usize,
    /// within / closed, in percent; `None` when nothing is closed.
    pub closed_within_percent: Option<f64>,
    /// within / (closed + open breached), in percent; `None` when both are zero.
    pub handled_within_percent: Option<f64>,
}

impl SlaCounts {
    fn finish(&mut self) {
        self.closed_within_percent = percent(self.within, self.closed);
        self.handled_within_percent = percent(self.within, self.closed + self.open_breached);
    }
}

/// SLA results of one severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaRow {
    /// The severity.
    pub severity: Severity,
    /// The days the policy allows it.
    pub days: u32,
    /// The results.
    #[serde(flatten)]
    pub counts: SlaCounts,
}

/// Mean and median of a set of durations, in days.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Durations {
    /// How many durations.
    pub count: usize,
    /// Mean, in days (one decimal); `None` when there are none.
    pub mean_days: Option<f64>,
    /// Median, in days (one decimal); `None` when there are none.
    pub median_days: Option<f64>,
}

impl Durations {
    fn of(mut seconds: Vec<i64>) -> Durations {
        seconds.sort_unstable();
        let count = seconds.len();
        if count == 0 {
            return Durations::default();
        }
        let sum: i128 = seconds.iter().map(|s| i128::from(*s)).sum();
        let mean = sum as f64 / count as f64;
        let mid = count / 2;
        let median = if count % 2 == 1 {
            seconds.get(mid).map_or(0.0, |s| *s as f64)
        } else {
            let a = seconds.get(mid.wrapping_sub(1)).copied().unwrap_or(0);
            let b = seconds.get(mid).copied().unwrap_or(0);
            (i128::from(a) + i128::from(b)) as f64 / 2.0
        };
        Durations {
            count,
            mean_days: Some(round1(mean / DAY)),
            median_days: Some(round1(median / DAY)),
        }
    }
}

/// Time to remediate one severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemediationRow {
    /// The severity.
    pub severity: Severity,
    /// Over its fixed tickets.
    #[serde(flatten)]
    pub durations: Durations,
}

/// Time to triage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Triage {
    /// Over the tickets with a `triaged_at`.
    #[serde(flatten)]
    pub durations: Durations,
    /// Tickets still `under_investigation`.
    pub awaiting: usize,
}

/// One ticket that missed its due instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// `VULN-<n>`.
    pub key: String,
    /// The product.
    pub product: String,
    /// The advisory id.
    pub vuln_id: String,
    /// The component's purl.
    pub purl: String,
    /// The severity.
    pub severity: Severity,
    /// The ticket's status.
    pub status: Status,
    /// The due instant (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// Seconds past due at `now` (open) or at the fix (closed late).
    pub overdue_seconds: i64,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| round1(part as f64 * 100.0 / whole as f64))
}

fn severity_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// Computes the KPIs of `tickets` under `policy` at `now`.
pub fn report(tickets: &[Ticket], policy: &SlaPolicy, now: OffsetDateTime) -> Kpis {
    let now = sla::utc(now);
    let n = Severity::ALL.len();
    let mut by_status = [0usize; 5];
    let mut by_state = [0usize; 7];
    let mut open_by_severity = vec![0usize; n];
    let mut open_by_age = [0usize; 5];
    let mut sla_rows = vec![SlaCounts::default(); n];
    let mut overall = SlaCounts::default();
    let mut ttr: Vec<Vec<i64>> = vec![Vec::new(); n];
    let mut triage = Vec::new();
    let mut awaiting = 0;
    let mut open_overdue = Vec::new();
    let mut closed_late = Vec::new();
    let mut open = 0;

    for t in tickets {
        let s = sla::evaluate(t, policy, now);
        let sev = severity_index(t.severity);
        if let Some(i) = STATUSES.iter().position(|x| *x == t.status)
            && let Some(c) = by_status.get_mut(i)
        {
            *c += 1;
        }
        if let Some(i) = SlaStatus::ALL.iter().position(|x| *x == s.state)
            && let Some(c) = by_state.get_mut(i)
        {
            *c += 1;
        }
        if t.status == Status::UnderInvestigation {
            awaiting += 1;
        }
        if let Some(at) = t.triaged_at {
            triage.push(sla::seconds_between(t.first_seen, at).max(0));
        }
        let breach = || Breach {
            key: t.key(),
            product: t.product.clone(),
            vuln_id: t.vuln_id.clone(),
            purl: t.purl.clone(),
            severity: t.severity,
            status: t.status,
            due: s.due,
            overdue_seconds: s.overdue_seconds,
        };
        if t.status.is_open() {
            open += 1;
            if let Some(c) = open_by_severity.get_mut(sev) {
                *c += 1;
            }
            let age = sla::seconds_between(t.first_seen, now).max(0) / 86_400;
            let bucket = AGE_BUCKETS
                .iter()
                .position(|(_, lo, hi)| age >= *lo && hi.is_none_or(|h| age <= h))
                .unwrap_or(AGE_BUCKETS.len() - 1);
            if let Some(c) = open_by_age.get_mut(bucket) {
                *c += 1;
            }
        }
        let row = sla_rows.get_mut(sev);
        match s.state {
            SlaStatus::MetWithin | SlaStatus::ClosedLate => {
                let late = s.state == SlaStatus::ClosedLate;
                for c in row.into_iter().chain(std::iter::once(&mut overall)) {
                    c.closed += 1;
                    if late {
                        c.late += 1;
                    } else {
                        c.within += 1;
                    }
                }
                if late {
                    closed_late.push(breach());
                }
                if let (Some(list), Some(stop)) = (ttr.get_mut(sev), s.stopped) {
                    list.push(sla::seconds_between(t.first_seen, stop).max(0));
                }
            }
            SlaStatus::Breached => {
                for c in row.into_iter().chain(std::iter::once(&mut overall)) {
                    c.open_breached += 1;
                }
                open_overdue.push(breach());
            }
            _ => {}
        }
    }

    for c in sla_rows.iter_mut() {
        c.finish();
    }
    overall.finish();
    let order = |a: &Breach, b: &Breach| {
        b.overdue_seconds
            .cmp(&a.overdue_seconds)
            .then_with(|| a.key.len().cmp(&b.key.len()))
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.product.cmp(&b.product))
    };
    open_overdue.sort_by(order);
    closed_late.sort_by(order);
    let all_ttr: Vec<i64> = ttr.iter().flatten().copied().collect();

    Kpis {
        generated_at: now,
        policy: *policy,
        tickets: tickets.len(),
        open,
        by_status: STATUSES
            .iter()
            .zip(by_status)
            .map(|(s, count)| StatusCount { status: *s, count })
            .collect(),
        by_sla_state: SlaStatus::ALL
            .iter()
            .zip(by_state)
            .map(|(s, count)| SlaStateCount { state: *s, count })
            .collect(),
        open_by_severity: Severity::ALL
            .iter()
            .zip(open_by_severity)
            .map(|(s, count)| SeverityCount {
                severity: *s,
                count,
            })
            .collect(),
        open_by_age: AGE_BUCKETS
            .iter()
            .zip(open_by_age)
            .map(|((bucket, lo, hi), count)| AgeCount {
                bucket,
                min_days: *lo,
                max_days: *hi,
                count,
            })
            .collect(),
        within_sla: Severity::ALL
            .iter()
            .zip(sla_rows)
            .map(|(s, counts)| SlaRow {
                severity: *s,
                days: policy.days_for(*s),
                counts,
            })
            .collect(),
        within_sla_overall: overall,
        time_to_remediate: Severity::ALL
            .iter()
            .zip(ttr)
            .map(|(s, list)| RemediationRow {
                severity: *s,
                durations: Durations::of(list),
            })
            .collect(),
        time_to_remediate_overall: Durations::of(all_ttr),
        time_to_triage: Triage {
            durations: Durations::of(triage),
            awaiting,
        },
        open_overdue,
        closed_late,
    }
}

// ---------------------------------------------------------------------------------------------
// Shared rendering helpers
// ---------------------------------------------------------------------------------------------

use crate::sla::rfc3339;

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

fn days_text(d: Option<f64>) -> String {
    d.map_or_else(|| "-".to_string(), |d| format!("{d:.1}d"))
}

fn overdue_text(seconds: i64) -> String {
    format!("{:.1}d", round1(seconds as f64 / DAY))
}

/// Text safe for one line of a terminal table: control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn policy_line(p: &SlaPolicy) -> String {
    let days: Vec<String> = Severity::ALL
        .iter()
        .map(|s| format!("{} {}d", s.as_str(), p.days_for(*s)))
        .collect();
    format!(
        "{}; clock starts at {}; due soon in the last {}% of the window",
        days.join(", "),
        p.clock.as_str(),
        p.due_soon_percent
    )
}

/// The per-severity summary: one row per severity and an `all` row, as cells.
fn summary_rows(k: &Kpis) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "SEVERITY",
        "SLA DAYS",
        "OPEN",
        "FIXED",
        "WITHIN",
        "LATE",
        "OPEN BREACHED",
        "% FIXED WITHIN SLA",
        "% HANDLED WITHIN SLA",
        "MEAN TTR",
        "MEDIAN TTR",
    ];
    let mut rows = Vec::new();
    for ((open, row), ttr) in k
        .open_by_severity
        .iter()
        .zip(&k.within_sla)
        .zip(&k.time_to_remediate)
    {
        rows.push(vec![
            row.severity.as_str().to_string(),
            row.days.to_string(),
            open.count.to_string(),
            row.counts.closed.to_string(),
            row.counts.within.to_string(),
            row.counts.late.to_string(),
            row.counts.open_breached.to_string(),
            pct(row.counts.closed_within_percent),
            pct(row.counts.handled_within_percent),
            days_text(ttr.durations.mean_days),
            days_text(ttr.durations.median_days),
        ]);
    }
    let o = &k.within_sla_overall;
    rows.push(vec![
        "all".to_string(),
        "-".to_string(),
        k.open.to_string(),
        o.closed.to_string(),
        o.within.to_string(),
        o.late.to_string(),
        o.open_breached.to_string(),
        pct(o.closed_within_percent),
        pct(o.handled_within_percent),
        days_text(k.time_to_remediate_overall.mean_days),
        days_text(k.time_to_remediate_overall.median_days),
    ]);
    (header, rows)
}

fn breach_rows(list: &[Breach]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "TICKET",
        "PRODUCT",
        "SEVERITY",
        "STATUS",
        "VULNERABILITY",
        "COMPONENT",
        "DUE",
        "OVERDUE",
    ];
    let rows = list
        .iter()
        .map(|b| {
            vec![
                b.key.clone(),
                b.product.clone(),
                b.severity.as_str().to_string(),
                b.status.as_str().to_string(),
                b.vuln_id.clone(),
                b.purl.clone(),
                rfc3339(b.due),
                overdue_text(b.overdue_seconds),
            ]
        })
        .collect();
    (header, rows)
}

fn counts_line(k: &Kpis) -> (String, String, String) {
    let status: Vec<String> = k
        .by_status
        .iter()
        .map(|c| format!("{} {}", c.status.as_str(), c.count))
        .collect();
    let state: Vec<String> = k
        .by_sla_state
        .iter()
        .map(|c| format!("{} {}", c.state.as_str(), c.count))
        .collect();
    let age: Vec<String> = k
        .open_by_age
        .iter()
        .map(|a| format!("{} days {}", a.bucket, a.count))
        .collect();
    (status.join(", "), state.join(", "), age.join(", "))
}

fn triage_line(k: &Kpis) -> String {
    let t = &k.time_to_triage;
    format!(
        "{} triaged, mean {}, median {}; {} awaiting triage",
        t.durations.count,
        days_text(t.durations.mean_days),
        days_text(t.durations.median_days),
        t.awaiting
    )
}

// ---------------------------------------------------------------------------------------------
// Text table
// ---------------------------------------------------------------------------------------------

fn text_table(out: &mut String, header: &[&str], rows: &[Vec<String>], left: usize) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut String, cells: Vec<String>| {
        let mut text = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = w.saturating_sub(c.chars().count());
            if i < left {
                text.push_str(c);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str(&" ".repeat(pad));
                text.push_str(c);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(out, header.iter().map(|h| h.to_string()).collect());
    for r in rows {
        line(out, r.iter().map(|c| one_line(c)).collect());
    }
}

/// The KPIs as plain-text tables for a terminal.
pub fn render_table(k: &Kpis) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Vulnerability handling KPIs at {}",
        rfc3339(k.generated_at)
    );
    let _ = writeln!(out, "SLA policy: {}", policy_line(&k.policy));
    let _ = writeln!(out, "Tickets: {} ({} open)", k.tickets, k.open);
    let (status, state, age) = counts_line(k);
    let _ = writeln!(out, "By status: {status}");
    let _ = writeln!(out, "By SLA state: {state}");
    let _ = writeln!(out, "Open by age: {age}");
    let _ = writeln!(out, "Time to triage: {}", triage_line(k));
    out.push('\n');
    let (h, rows) = summary_rows(k);
    text_table(&mut out, &h, &rows, 1);
    for (title, list) in [
        ("Open tickets past due", &k.open_overdue),
        ("Fixed after the due date", &k.closed_late),
    ] {
        let _ = writeln!(out, "\n{title}: {}", list.len());
        if !list.is_empty() {
            let (h, rows) = breach_rows(list);
            text_table(&mut out, &h, &rows, 7);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// A table cell: one line, pipes and Markdown/HTML specials escaped.
fn md_cell(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

fn md_table(out: &mut String, header: &[&str], rows: &[Vec<String>], left: usize) {
    let _ = writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| md_cell(&h.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i < left { "---" } else { "---:" })
        .collect();
    let _ = writeln!(out, "| {} |", align.join(" | "));
    for r in rows {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
}

/// The KPIs as a Markdown document.
pub fn render_markdown(k: &Kpis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Vulnerability handling KPIs\n");
    let _ = writeln!(out, "Computed at {}.\n", rfc3339(k.generated_at));
    let _ = writeln!(out, "- SLA policy: {}", md_cell(&policy_line(&k.policy)));
    let _ = writeln!(out, "- Tickets: {} ({} open)", k.tickets, k.open);
    let (status, state, age) = counts_line(k);
    let _ = writeln!(out, "- By status: {}", md_cell(&status));
    let _ = writeln!(out, "- By SLA state: {}", md_cell(&state));
    let _ = writeln!(out, "- Open by age: {}", md_cell(&age));
    let _ = writeln!(out, "- Time to triage: {}", md_cell(&triage_line(k)));
    let _ = writeln!(out, "\n## By severity\n");
    let (h, rows) = summary_rows(k);
    md_table(&mut out, &h, &rows, 1);
    for (title, list) in [
        ("Open tickets past due", &k.open_overdue),
        ("Fixed after the due date", &k.closed_late),
    ] {
        let _ = writeln!(out, "\n## {title} ({})\n", list.len());
        if list.is_empty() {
            let _ = writeln!(out, "None.");
        } else {
            let (h, rows) = breach_rows(list);
            md_table(&mut out, &h, &rows, 7);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

/// Escapes text for HTML/XML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 cannot carry at all.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#7b1fa2",
        Severity::High => "#c62828",
        Severity::Medium => "#ef6c00",
        Severity::Low => "#f9a825",
        Severity::None => "#607d8b",
        Severity::Unknown => "#9e9e9e",
    }
}

/// One bar of a chart: label, value (bar length relative to `max`), text shown after it.
struct Bar {
    label: String,
    value: f64,
    text: String,
    colour: &'static str,
}

/// A horizontal bar chart as inline SVG. Lengths are whole pixels, so output is stable.
fn bar_chart(out: &mut String, id: &str, title: &str, bars: &[Bar], max: f64) {
    const LABEL: i64 = 110;
    const BAR: i64 = 300;
    const ROW: i64 = 26;
    const TOP: i64 = 30;
    let rows = i64::try_from(bars.len()).unwrap_or(0);
    let width = LABEL + BAR + 90;
    let height = TOP + rows * ROW + 10;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title\">"
    );
    let _ = writeln!(out, "<title id=\"{id}-title\">{}</title>", escape(title));
    let _ = writeln!(
        out,
        "<text x=\"0\" y=\"18\" class=\"chart-title\">{}</text>",
        escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let y = TOP + i * ROW;
        let len = if max > 0.0 && b.value > 0.0 {
            ((b.value / max * BAR as f64).round() as i64).clamp(1, BAR)
        } else {
            0
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL - 8,
            y + 15,
            escape(&b.label)
        );
        let _ = writeln!(
            out,
            "<rect x=\"{LABEL}\" y=\"{}\" width=\"{len}\" height=\"18\" fill=\"{}\"/>",
            y + 2,
            b.colour
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            LABEL + len + 6,
            y + 15,
            escape(&b.text)
        );
    }
    out.push_str("</svg>\n");
}

fn html_table(out: &mut String, header: &[&str], rows: &[Vec<String>], left: usize) {
    out.push_str("<table>\n<thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let class = if i < left { "" } else { " class=\"num\"" };
        let _ = write!(out, "<th{class}>{}</th>", escape(&h.to_lowercase()));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i < left { "" } else { " class=\"num\"" };
            let _ = write!(out, "<td{class}>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#212121}\
table{border-collapse:collapse;margin:1em 0}\
th,td{border:1px solid #bdbdbd;padding:.25em .6em;text-align:left}\
th.num,td.num{text-align:right}\
.charts{display:flex;flex-wrap:wrap;gap:2em}\
svg{font-size:13px;font-family:system-ui,sans-serif}\
.chart-title{font-weight:bold}";

/// The KPIs as one self-contained HTML page (XHTML-compatible markup): tables, and inline
/// SVG bar charts of open tickets by severity, the share fixed within SLA per severity, and
/// open tickets by age. No scripts, no external resources; every value is escaped.
pub fn render_html(k: &Kpis) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<title>Vulnerability handling KPIs</title>\n");
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<h1>Vulnerability handling KPIs</h1>\n");
    let _ = writeln!(
        out,
        "<p>Computed at {}.</p>",
        escape(&rfc3339(k.generated_at))
    );
    let (status, state, age) = counts_line(k);
    out.push_str("<ul>\n");
    for (name, value) in [
        ("SLA policy", policy_line(&k.policy)),
        ("Tickets", format!("{} ({} open)", k.tickets, k.open)),
        ("By status", status),
        ("By SLA state", state),
        ("Open by age", age),
        ("Time to triage", triage_line(k)),
    ] {
        let _ = writeln!(out, "<li>{}: {}</li>", escape(name), escape(&value));
    }
    out.push_str("</ul>\n<div class=\"charts\">\n");

    let max_open = k
        .open_by_severity
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(0) as f64;
    let bars: Vec<Bar> = k
        .open_by_severity
        .iter()
        .map(|c| Bar {
            label: c.severity.as_str().to_string(),
            value: c.count as f64,
            text: c.count.to_string(),
            colour: severity_colour(c.severity),
        })
        .collect();
    bar_chart(
        &mut out,
        "open-by-severity",
        "Open tickets by severity",
        &bars,
        max_open,
    );

    let bars: Vec<Bar> = k
        .within_sla
        .iter()
        .map(|r| Bar {
            label: r.severity.as_str().to_string(),
            value: r.counts.closed_within_percent.unwrap_or(0.0),
            text: match r.counts.closed_within_percent {
                Some(p) => format!("{p:.1}% of {}", r.counts.closed),
                None => "none fixed".to_string(),
            },
            colour: severity_colour(r.severity),
        })
        .chain(std::iter::once(Bar {
            label: "all".to_string(),
            value: k.within_sla_overall.closed_within_percent.unwrap_or(0.0),
            text: match k.within_sla_overall.closed_within_percent {
                Some(p) => format!("{p:.1}% of {}", k.within_sla_overall.closed),
                None => "none fixed".to_string(),
            },
            colour: "#1565c0",
        }))
        .collect();
    bar_chart(
        &mut out,
        "fixed-within-sla",
        "Fixed within SLA (%)",
        &bars,
        100.0,
    );

    let max_age = k.open_by_age.iter().map(|c| c.count).max().unwrap_or(0) as f64;
    let bars: Vec<Bar> = k
        .open_by_age
        .iter()
        .map(|a| Bar {
            label: format!("{} days", a.bucket),
            value: a.count as f64,
            text: a.count.to_string(),
            colour: "#00838f",
        })
        .collect();
    bar_chart(
        &mut out,
        "open-by-age",
        "Open tickets by age",
        &bars,
        max_age,
    );
    out.push_str("</div>\n<h2>By severity</h2>\n");
    let (h, rows) = summary_rows(k);
    html_table(&mut out, &h, &rows, 1);
    for (title, list) in [
        ("Open tickets past due", &k.open_overdue),
        ("Fixed after the due date", &k.closed_late),
    ] {
        let _ = writeln!(out, "<h2>{} ({})</h2>", escape(title), list.len());
        if list.is_empty() {
            out.push_str("<p>None.</p>\n");
        } else {
            let (h, rows) = breach_rows(list);
            html_table(&mut out, &h, &rows, 7);
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
