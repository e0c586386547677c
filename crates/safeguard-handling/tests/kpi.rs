//! The KPIs report: exact values on a fixture of thirteen tickets that covers every status and
//! SLA verdict, golden copies of the four renderings, and checks that the HTML page is
//! well-formed, self-contained and escaped.

mod common;

use std::path::Path;

use common::{accept, change, ticket};
use safeguard_handling::kpi::{self, Breach, Durations, Kpis, SlaCounts};
use safeguard_handling::model::{Justification, Severity, Status, Ticket};
use safeguard_handling::sla::{SlaPolicy, SlaStatus};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2024-07-01 00:00 UTC);
const DAY: i64 = 86_400;

/// Thirteen tickets at [`NOW`] (the comments give each one's expected verdict).
fn fixture() -> Vec<Ticket> {
    let d = |s: OffsetDateTime| s;
    let mut out = Vec::new();

    // 1 critical, 3 days old, not triaged: on track (4 of 7 days left).
    out.push(ticket(
        1,
        Severity::Critical,
        d(datetime!(2024-06-28 00:00 UTC)),
    ));

    // 2 critical, affected after a day: due 06-27, breached by 4 days.
    let mut t = ticket(2, Severity::Critical, datetime!(2024-06-20 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-06-21 00:00 UTC),
        Status::Affected,
        "alice",
    );
    out.push(t);

    // 3 high, fixed by a scan after 10 days: within SLA.
    let mut t = ticket(3, Severity::High, datetime!(2024-05-01 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-05-11 00:00 UTC),
        Status::Fixed,
        "scan",
    );
    out.push(t);

    // 4 high, fixed after 45 days: 15 days late.
    let mut t = ticket(4, Severity::High, datetime!(2024-03-01 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-03-03 00:00 UTC),
        Status::Affected,
        "alice",
    );
    change(
        &mut t,
        datetime!(2024-04-15 00:00 UTC),
        Status::Fixed,
        "scan",
    );
    out.push(t);

    // 5 high, accepted until September: paused.
    let mut t = ticket(5, Severity::High, datetime!(2024-06-05 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-06-06 00:00 UTC),
        Status::Affected,
        "alice",
    );
    accept(
        &mut t,
        datetime!(2024-06-10 00:00 UTC),
        datetime!(2024-09-01 00:00 UTC),
        "ciso",
    );
    out.push(t);

    // 6 medium, not affected: no SLA.
    let mut t = ticket(6, Severity::Medium, datetime!(2024-01-15 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-01-17 00:00 UTC),
        Status::NotAffected,
        "alice",
    );
    t.justification = Some(Justification::VulnerableCodeNotInExecutePath);
    out.push(t);

    // 7 medium, fixed after 29 days (February 2024 has 29): within SLA.
    let mut t = ticket(7, Severity::Medium, datetime!(2024-02-01 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-02-05 00:00 UTC),
        Status::Affected,
        "bob",
    );
    change(
        &mut t,
        datetime!(2024-03-01 00:00 UTC),
        Status::Fixed,
        "scan",
    );
    out.push(t);

    // 8 medium, 91 days old: due 06-30, breached by a day.
    let mut t = ticket(8, Severity::Medium, datetime!(2024-04-01 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-04-02 00:00 UTC),
        Status::Affected,
        "bob",
    );
    out.push(t);

    // 9 low, 243 days old, never triaged: breached by 63 days.
    out.push(ticket(9, Severity::Low, datetime!(2023-11-01 00:00 UTC)));

    // 10 low, 47 days old: on track.
    let mut t = ticket(10, Severity::Low, datetime!(2024-05-15 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-05-20 00:00 UTC),
        Status::Affected,
        "bob",
    );
    out.push(t);

    // 11 unknown, exactly 30 days old: on track (60 of 90 days left).
    out.push(ticket(
        11,
        Severity::Unknown,
        datetime!(2024-06-01 00:00 UTC),
    ));

    // 12 critical, fixed after 4 days: within SLA.
    let mut t = ticket(12, Severity::Critical, datetime!(2024-06-01 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-06-05 00:00 UTC),
        Status::Fixed,
        "scan",
    );
    out.push(t);

    // 13 high, due 07-05: due soon (4 of 30 days left).
    let mut t = ticket(13, Severity::High, datetime!(2024-06-05 00:00 UTC));
    change(
        &mut t,
        datetime!(2024-06-06 00:00 UTC),
        Status::Affected,
        "alice",
    );
    out.push(t);
    out
}

fn kpis() -> Kpis {
    kpi::report(&fixture(), &SlaPolicy::default(), NOW)
}

#[test]
fn counts_by_status_state_severity_and_age() {
    let k = kpis();
    assert_eq!((k.tickets, k.open), (13, 8));
    let status: Vec<(Status, usize)> = k.by_status.iter().map(|c| (c.status, c.count)).collect();
    assert_eq!(
        status,
        [
            (Status::UnderInvestigation, 3),
            (Status::Affected, 4),
            (Status::Accepted, 1),
            (Status::NotAffected, 1),
            (Status::Fixed, 4),
        ]
    );
    let state: Vec<(SlaStatus, usize)> =
        k.by_sla_state.iter().map(|c| (c.state, c.count)).collect();
    assert_eq!(
        state,
        [
            (SlaStatus::Breached, 3),
            (SlaStatus::DueSoon, 1),
            (SlaStatus::OnTrack, 3),
            (SlaStatus::Paused, 1),
            (SlaStatus::MetWithin, 3),
            (SlaStatus::ClosedLate, 1),
            (SlaStatus::NotApplicable, 1),
        ]
    );
    let sev: Vec<(Severity, usize)> = k
        .open_by_severity
        .iter()
        .map(|c| (c.severity, c.count))
        .collect();
    assert_eq!(
        sev,
        [
            (Severity::Critical, 2),
            (Severity::High, 2),
            (Severity::Medium, 1),
            (Severity::Low, 2),
            (Severity::None, 0),
            (Severity::Unknown, 1),
        ]
    );
    let age: Vec<(&str, usize)> = k.open_by_age.iter().map(|a| (a.bucket, a.count)).collect();
    assert_eq!(
        age,
        [
            ("0-7", 1),
            ("8-30", 4),
            ("31-90", 1),
            ("91-180", 1),
            (">180", 1)
        ]
    );
}

#[test]
fn age_bucket_edges() {
    let at = |age_seconds: i64| {
        let t = ticket(1, Severity::Low, NOW - time::Duration::seconds(age_seconds));
        let k = kpi::report(&[t], &SlaPolicy::default(), NOW);
        k.open_by_age
            .iter()
            .find(|a| a.count == 1)
            .map(|a| a.bucket)
            .unwrap()
    };
    assert_eq!(at(0), "0-7");
    assert_eq!(at(8 * DAY - 1), "0-7"); // 7 whole days
    assert_eq!(at(8 * DAY), "8-30");
    assert_eq!(at(31 * DAY - 1), "8-30");
    assert_eq!(at(31 * DAY), "31-90");
    assert_eq!(at(91 * DAY), "91-180");
    assert_eq!(at(181 * DAY - 1), "91-180");
    assert_eq!(at(181 * DAY), ">180");
    // Seen "in the future" (clock skew) counts as new.
    assert_eq!(at(-5 * DAY), "0-7");
}

#[test]
fn within_sla_per_severity_and_overall() {
    let k = kpis();
    let row = |s: Severity| {
        k.within_sla
            .iter()
            .find(|r| r.severity == s)
            .map(|r| (r.days, r.counts.clone()))
            .unwrap()
    };
    let counts = |closed, within, late, open_breached, c: Option<f64>, h: Option<f64>| SlaCounts {
        closed,
        within,
        late,
        open_breached,
        closed_within_percent: c,
        handled_within_percent: h,
    };
    assert_eq!(
        row(Severity::Critical),
        (7, counts(1, 1, 0, 1, Some(100.0), Some(50.0)))
    );
    assert_eq!(
        row(Severity::High),
        (30, counts(2, 1, 1, 0, Some(50.0), Some(50.0)))
    );
    assert_eq!(
        row(Severity::Medium),
        (90, counts(1, 1, 0, 1, Some(100.0), Some(50.0)))
    );
    assert_eq!(
        row(Severity::Low),
        (180, counts(0, 0, 0, 1, None, Some(0.0)))
    );
    assert_eq!(row(Severity::None), (180, counts(0, 0, 0, 0, None, None)));
    assert_eq!(row(Severity::Unknown), (90, counts(0, 0, 0, 0, None, None)));
    assert_eq!(
        k.within_sla_overall,
        counts(4, 3, 1, 3, Some(75.0), Some(42.9))
    );
}

#[test]
fn time_to_remediate_and_to_triage() {
    let k = kpis();
    let ttr = |s: Severity| {
        k.time_to_remediate
            .iter()
            .find(|r| r.severity == s)
            .map(|r| r.durations.clone())
            .unwrap()
    };
    let d = |count, mean: Option<f64>, median: Option<f64>| Durations {
        count,
        mean_days: mean,
        median_days: median,
    };
    assert_eq!(ttr(Severity::Critical), d(1, Some(4.0), Some(4.0)));
    assert_eq!(ttr(Severity::High), d(2, Some(27.5), Some(27.5)));
    assert_eq!(ttr(Severity::Medium), d(1, Some(29.0), Some(29.0)));
    assert_eq!(ttr(Severity::Low), d(0, None, None));
    // 4, 10, 29 and 45 days.
    assert_eq!(k.time_to_remediate_overall, d(4, Some(22.0), Some(19.5)));
    // 1, 1, 1, 1, 2, 2, 4 and 5 days; tickets 1, 9 and 11 await triage.
    assert_eq!(k.time_to_triage.durations, d(8, Some(2.1), Some(1.5)));
    assert_eq!(k.time_to_triage.awaiting, 3);
}

#[test]
fn breaches_list_the_tickets_longest_overdue_first() {
    let k = kpis();
    let brief = |b: &Breach| (b.key.clone(), b.due, b.overdue_seconds);
    assert_eq!(
        k.open_overdue.iter().map(brief).collect::<Vec<_>>(),
        [
            (
                "VULN-9".to_string(),
                datetime!(2024-04-29 00:00 UTC),
                63 * DAY
            ),
            (
                "VULN-2".to_string(),
                datetime!(2024-06-27 00:00 UTC),
                4 * DAY
            ),
            ("VULN-8".to_string(), datetime!(2024-06-30 00:00 UTC), DAY),
        ]
    );
    assert_eq!(
        k.closed_late.iter().map(brief).collect::<Vec<_>>(),
        [(
            "VULN-4".to_string(),
            datetime!(2024-03-31 00:00 UTC),
            15 * DAY
        )]
    );
    assert_eq!(k.open_overdue[0].status, Status::UnderInvestigation);
    assert_eq!(k.open_overdue[0].purl, "pkg:cargo/lib9@1.0.0");
}

#[test]
fn no_tickets_gives_zeros_and_no_percentages() {
    let k = kpi::report(&[], &SlaPolicy::default(), NOW);
    assert_eq!((k.tickets, k.open), (0, 0));
    assert_eq!(k.within_sla_overall, SlaCounts::default());
    assert_eq!(k.time_to_triage.durations, Durations::default());
    let table = kpi::render_table(&k);
    assert!(table.contains("Tickets: 0 (0 open)"), "{table}");
    assert!(table.contains("Open tickets past due: 0"), "{table}");
    let html = kpi::render_html(&k);
    assert_eq!(balanced_svgs(&html), 3);
}

// ---------------------------------------------------------------------------------------------
// Renderings
// ---------------------------------------------------------------------------------------------

/// Compare with the golden copy; `UPDATE_GOLDEN=1` rewrites it instead.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kpi")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(
        actual,
        want,
        "{} differs (run with UPDATE_GOLDEN=1 to accept)",
        path.display()
    );
}

#[test]
fn golden_table() {
    golden("kpis.txt", &kpi::render_table(&kpis()));
}

#[test]
fn golden_markdown() {
    golden("kpis.md", &kpi::render_markdown(&kpis()));
}

#[test]
fn golden_html() {
    golden("kpis.html", &kpi::render_html(&kpis()));
}

#[test]
fn golden_json() {
    let mut text = serde_json::to_string_pretty(&kpis()).unwrap();
    text.push('\n');
    golden("kpis.json", &text);
}

#[test]
fn the_table_shows_the_numbers() {
    let table = kpi::render_table(&kpis());
    assert!(
        table.contains("Time to triage: 8 triaged, mean 2.1d, median 1.5d; 3 awaiting triage"),
        "{table}"
    );
    let all = table.lines().find(|l| l.starts_with("all ")).unwrap();
    let cells: Vec<&str> = all.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "all", "-", "8", "4", "3", "1", "3", "75.0%", "42.9%", "22.0d", "19.5d"
        ]
    );
}

/// Parses `html` as XML and checks every element is closed in order; returns how many `svg`
/// elements it holds. Also rejects entity references XML does not know.
fn balanced_svgs(html: &str) -> usize {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(html);
    let mut stack: Vec<String> = Vec::new();
    let mut svgs = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().into_inner().to_string();
                if name == "svg" {
                    svgs += 1;
                }
                stack.push(name);
            }
            Ok(Event::End(e)) => {
                let name = e.name().into_inner().to_string();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "unbalanced");
            }
            Ok(Event::GeneralRef(r)) => {
                let name: &str = &r;
                assert!(
                    matches!(name, "amp" | "lt" | "gt" | "quot" | "#39"),
                    "entity &{name};"
                );
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    svgs
}

#[test]
fn the_html_is_well_formed_and_self_contained() {
    let html = kpi::render_html(&kpis());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_eq!(balanced_svgs(&html), 3);
    // One bar per severity, per severity plus "all", and per age bucket.
    assert_eq!(html.matches("<rect ").count(), 6 + 7 + 5);
    for banned in [
        "<script", "src=", "href=", "url(", "@import", "<link", "<iframe",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    let http: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..i + 26])
        .collect();
    assert!(
        http.iter().all(|h| *h == "http://www.w3.org/2000/svg"),
        "{http:?}"
    );
    // Bar lengths: 2 of at most 2 open is the full 300 px; 75 % of 300 is 225.
    assert!(
        html.contains("<rect x=\"110\" y=\"32\" width=\"300\" height=\"18\" fill=\"#7b1fa2\"/>")
    );
    assert!(html.contains("width=\"225\" height=\"18\" fill=\"#1565c0\""));
}

#[test]
fn every_rendering_escapes_what_tickets_carry() {
    let mut t = ticket(1, Severity::Critical, datetime!(2024-01-01 00:00 UTC));
    t.vuln_id = "<script>alert(\"x\")</script>".into();
    t.purl = "pkg:npm/a|b@1.0.0?x='1'&y=2".into();
    t.product = "Acme <b>".into();
    let k = kpi::report(&[t], &SlaPolicy::default(), NOW);

    let html = kpi::render_html(&k);
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("pkg:npm/a|b@1.0.0?x=&#39;1&#39;&amp;y=2"));
    assert_eq!(balanced_svgs(&html), 3);

    let md = kpi::render_markdown(&k);
    assert!(
        md.contains("| VULN-1 | Acme \\<b\\> | critical | under\\_investigation | \\<script\\>alert(\"x\")\\</script\\> | pkg:npm/a\\|b@1.0.0?x='1'&amp;y=2 |"),
        "{md}"
    );

    let mut t = ticket(2, Severity::Critical, datetime!(2024-01-01 00:00 UTC));
    t.vuln_id = "GHSA-x\n\u{1b}[31mred".into();
    let table = kpi::render_table(&kpi::report(&[t], &SlaPolicy::default(), NOW));
    assert!(table.contains("GHSA-x  [31mred"), "{table}");
    assert!(!table.contains('\u{1b}'));
}
