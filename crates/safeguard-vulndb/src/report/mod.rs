//! Scan output: a human table, JSON, SARIF 2.1.0 and CycloneDX with `vulnerabilities`; and the
//! `--fail-on` decision.
//!
//! Every writer is deterministic: findings are written in [`sorted`] order (open before
//! suppressed, highest severity first, then by id and purl), whatever order the report holds
//! them in, so the same report always produces the same bytes.
//!
//! Suppressed findings (a VEX `not_affected` statement or an unexpired ignore entry):
//! - table: counted in the summary line; listed in their own section with `show_suppressed`;
//! - JSON: always included, with their `suppressed` field (the JSON is the complete record);
//! - SARIF: included only with `show_suppressed`, each with a SARIF `suppressions` entry;
//! - CycloneDX: always included; VEX ones carry `analysis.state = not_affected`.

mod cyclonedx;
mod sarif;
mod table;

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::{self, Write};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cvss::Rating;
use crate::finding::{Finding, ScanReport, Severity, Suppression};

pub use cyclonedx::{CdxError, add_vulnerabilities, write_cyclonedx};
pub use sarif::{INFORMATION_URI, SARIF_SCHEMA, write_sarif};
pub use table::write_table;

/// Writes the report as pretty-printed JSON (the serde form of [`ScanReport`]) with a trailing
/// newline.
///
/// Suppressed findings are always included, with their `suppressed` field saying why (VEX
/// statement or ignore entry); `--show-suppressed` does not change the JSON. Findings are
/// written in [`sorted`] order.
pub fn write_json(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    let mut sorted_report = report.clone();
    sorted_report.findings = sorted(&report.findings).into_iter().cloned().collect();
    serde_json::to_writer_pretty(&mut *out, &sorted_report)?;
    out.write_all(b"\n")
}

/// Whether `--fail-on <fail_on>` should fail the run: true when any open (not suppressed)
/// finding is rated `fail_on` or higher.
///
/// A finding whose record gives no severity at all counts as `low`: it reaches a `none` or
/// `low` threshold (so "fail on anything" really fails on anything) but not `medium` or above,
/// since nothing says it is that serious.
pub fn exit_rating_reached(report: &ScanReport, fail_on: Rating) -> bool {
    report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .any(|f| gate_rating(&f.severity) >= fail_on)
}

/// The rating used for `--fail-on`: unknown counts as low.
fn gate_rating(s: &Severity) -> Rating {
    s.rating.unwrap_or(Rating::Low)
}

/// The findings in output order: open before suppressed; then by severity, highest first
/// (critical, high, medium, low, unknown, none); then by score, highest first; then by id,
/// purl, file and line.
pub fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| compare(a, b));
    v
}

fn compare(a: &Finding, b: &Finding) -> Ordering {
    a.suppressed
        .is_some()
        .cmp(&b.suppressed.is_some())
        .then_with(|| severity_rank(&b.severity).cmp(&severity_rank(&a.severity)))
        .then_with(|| {
            let sa = a.severity.score.unwrap_or(-1.0);
            let sb = b.severity.score.unwrap_or(-1.0);
            sb.total_cmp(&sa)
        })
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.component.purl.cmp(&b.component.purl))
        .then_with(|| a.component.file.cmp(&b.component.file))
        .then_with(|| a.component.line.cmp(&b.component.line))
}

/// Sort rank: critical 5 … low 2, unknown 1, none 0.
fn severity_rank(s: &Severity) -> u8 {
    match s.rating {
        Some(Rating::Critical) => 5,
        Some(Rating::High) => 4,
        Some(Rating::Medium) => 3,
        Some(Rating::Low) => 2,
        None => 1,
        Some(Rating::None) => 0,
    }
}

/// RFC 3339, falling back to the debug form for the (unrepresentable) years outside 0–9999.
fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| format!("{t}"))
}

/// `YYYY-MM-DD` when the time is midnight UTC (how an ignore entry's `expires = 2025-06-30`
/// is stored), the full RFC 3339 time otherwise.
fn date_or_datetime(t: OffsetDateTime) -> String {
    let utc = t.to_offset(time::UtcOffset::UTC);
    if utc.time() == time::Time::MIDNIGHT && t.offset().is_utc() {
        let d = utc.date();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    } else {
        rfc3339(t)
    }
}

/// Replaces control characters (newlines, tabs, terminal escapes from hostile records) with
/// spaces, for single-line text output.
fn one_line(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Why a finding is suppressed, in one line of words: `VEX not_affected
/// (vulnerable_code_not_present): <statement> [vex.json]` or `ignored until 2025-06-30:
/// <reason> [.safeguard-ignore.toml]`.
pub fn suppression_text(s: &Suppression) -> String {
    match s {
        Suppression::Vex {
            file,
            status,
            justification,
            statement,
        } => {
            let mut t = format!("VEX {status}");
            if let Some(j) = justification {
                t.push_str(&format!(" ({j})"));
            }
            if let Some(st) = statement {
                t.push_str(": ");
                t.push_str(st);
            }
            t.push_str(&format!(" [{file}]"));
            one_line(&t).into_owned()
        }
        Suppression::Ignored {
            file,
            reason,
            expires,
        } => one_line(&format!(
            "ignored until {}: {reason} [{file}]",
            date_or_datetime(*expires)
        ))
        .into_owned(),
    }
}

/// An absolute `http`/`https` URL with no whitespace or control characters: the only
/// references we copy into fields the schemas type as URIs.
fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let b = s.as_bytes();
            !r.is_empty()
                && !r.starts_with('/')
                && b.iter().all(u8::is_ascii_graphic)
                && !s.contains(['<', '>', '"', '{', '}', '|', '\\', '^', '`'])
                // Every `%` starts a two-digit hex escape.
                && b.iter().enumerate().all(|(i, c)| {
                    *c != b'%'
                        || b.get(i + 1..i + 3)
                            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
                })
        }
        None => false,
    }
}

/// `name@version` of a purl, for compact display; the purl itself when it does not parse.
fn short_purl(purl: &str) -> String {
    match safeguard_model::Purl::parse(purl) {
        Ok(p) => match &p.version {
            Some(v) => format!("{}@{v}", p.full_name()),
            None => p.full_name(),
        },
        Err(_) => purl.to_string(),
    }
}

/// The recommendation for a finding: `Upgrade to X`, or the fixed versions when no single
/// upgrade clears every range, or `None` when the record names no fix.
fn recommendation(f: &Finding) -> Option<String> {
    if let Some(u) = &f.upgrade_to {
        Some(format!("Upgrade to {u}"))
    } else if !f.fixed_versions.is_empty() {
        Some(format!("Fixed in {}", f.fixed_versions.join(", ")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_web_url("https://github.com/advisories/GHSA-1"));
        assert!(is_web_url("http://example.com/a?b=c#d"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https:///path"));
        assert!(!is_web_url("ftp://example.com"));
        assert!(!is_web_url("https://example.com/a b"));
        assert!(!is_web_url("https://example.com/<x>"));
        assert!(is_web_url("https://example.com/a%20b"));
        assert!(!is_web_url("https://example.com/a%zz"));
        assert!(!is_web_url("https://example.com/a%2"));
    }

    #[test]
    fn dates() {
        let d = time::macros::datetime!(2025-06-30 00:00 UTC);
        assert_eq!(date_or_datetime(d), "2025-06-30");
        let d = time::macros::datetime!(2025-06-30 12:30 UTC);
        assert_eq!(date_or_datetime(d), "2025-06-30T12:30:00Z");
        let d = time::macros::datetime!(2025-06-30 00:00 +01:00);
        assert_eq!(date_or_datetime(d), "2025-06-30T00:00:00+01:00");
    }

    #[test]
    fn control_characters_are_flattened() {
        assert_eq!(one_line("a\nb\x1b[31mc"), "a b [31mc");
        assert!(matches!(one_line("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn short_purls() {
        assert_eq!(short_purl("pkg:npm/%40scope/app@2.0.0"), "@scope/app@2.0.0");
        assert_eq!(short_purl("pkg:maven/org.a/b@1"), "org.a:b@1");
        assert_eq!(short_purl("not a purl"), "not a purl");
    }
}
