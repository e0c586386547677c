//! The human-readable table.

use std::io::{self, Write};

use super::{date_or_datetime, one_line, short_purl, sorted, suppression_text};
use crate::cvss::Rating;
use crate::finding::{Finding, ScanReport};

/// Longest summary shown in the table, in characters.
const SUMMARY_WIDTH: usize = 60;
/// Longest "fix" cell.
const FIX_WIDTH: usize = 32;
/// Longest "introduced by" cell.
const INTRODUCED_WIDTH: usize = 40;
/// Unchecked components listed by name before "and N more".
const UNCHECKED_SHOWN: usize = 5;

/// Writes the report as a plain-text table (no colour):
///
/// ```text
/// Scanned <target>: 12 components against <db> (1206 records, newest 2025-01-02)
///
/// SEVERITY      ID               PACKAGE       FIX                INTRODUCED BY  SUMMARY
/// CRITICAL 9.8  RUSTSEC-…        tokio@1.0.0   upgrade to 1.18.5  direct         Data race …
///
/// 3 findings: 1 critical, 2 high; 1 suppressed (use --show-suppressed)
/// ```
///
/// With `show_suppressed`, suppressed findings follow in their own section, each with the VEX
/// status, justification and statement or the ignore reason and expiry. Components that could
/// not be checked are counted (the first few named). Text from records is flattened to one
/// line (control characters become spaces) and long cells are cut with `…`.
pub fn write_table(
    report: &ScanReport,
    show_suppressed: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let findings = sorted(&report.findings);
    let (open, suppressed): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.suppressed.is_none());

    let newest = report
        .db
        .newest_modified
        .map(|t| format!(", newest {}", date_only(t)))
        .unwrap_or_default();
    writeln!(
        out,
        "Scanned {}: {} {} against {} ({} {}{newest})",
        one_line(&report.target),
        report.components,
        plural(report.components, "component", "components"),
        one_line(&report.db.path),
        report.db.records,
        plural(report.db.records, "record", "records"),
    )?;

    if !open.is_empty() {
        writeln!(out)?;
        let mut rows = vec![header(&[
            "SEVERITY",
            "ID",
            "PACKAGE",
            "FIX",
            "INTRODUCED BY",
            "SUMMARY",
        ])];
        rows.extend(open.iter().map(|f| {
            vec![
                severity_cell(f),
                one_line(&f.id).into_owned(),
                package_cell(f),
                truncate(&fix_cell(f), FIX_WIDTH),
                truncate(&introduced_cell(f), INTRODUCED_WIDTH),
                truncate(
                    &match &f.informational {
                        Some(kind) => {
                            format!("[{kind}] {}", one_line(f.summary.as_deref().unwrap_or("")))
                        }
                        None => one_line(f.summary.as_deref().unwrap_or("")).to_string(),
                    },
                    SUMMARY_WIDTH,
                ),
            ]
        }));
        write_rows(out, &rows)?;
    }

    if show_suppressed && !suppressed.is_empty() {
        writeln!(out)?;
        writeln!(out, "Suppressed findings ({}):", suppressed.len())?;
        let mut rows = vec![header(&["SEVERITY", "ID", "PACKAGE", "SUPPRESSED BY"])];
        rows.extend(suppressed.iter().map(|f| {
            vec![
                severity_cell(f),
                one_line(&f.id).into_owned(),
                package_cell(f),
                f.suppressed
                    .as_ref()
                    .map(suppression_text)
                    .unwrap_or_default(),
            ]
        }));
        write_rows(out, &rows)?;
    }

    if !report.unchecked.is_empty() {
        writeln!(out)?;
        let n = report.unchecked.len();
        let mut unchecked: Vec<_> = report.unchecked.iter().collect();
        unchecked.sort_by(|a, b| a.purl.cmp(&b.purl).then_with(|| a.reason.cmp(&b.reason)));
        writeln!(
            out,
            "{n} {} could not be checked:",
            plural(n as u64, "component", "components")
        )?;
        for u in unchecked.iter().take(UNCHECKED_SHOWN) {
            writeln!(out, "  {} ({})", one_line(&u.purl), one_line(&u.reason))?;
        }
        if n > UNCHECKED_SHOWN {
            writeln!(
                out,
                "  and {} more (all are listed in --format json)",
                n - UNCHECKED_SHOWN
            )?;
        }
    }

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        summary_line(&open, suppressed.len(), show_suppressed)
    )
}

/// `3 findings: 1 critical, 2 high; 1 suppressed (use --show-suppressed)`.
fn summary_line(open: &[&Finding], suppressed: usize, show_suppressed: bool) -> String {
    let mut line = if open.is_empty() {
        if suppressed == 0 {
            "No known vulnerabilities".to_string()
        } else {
            "No open findings".to_string()
        }
    } else {
        let mut counts = [0usize; 6];
        for f in open {
            let i = match f.severity.rating {
                Some(Rating::Critical) => 0,
                Some(Rating::High) => 1,
                Some(Rating::Medium) => 2,
                Some(Rating::Low) => 3,
                Some(Rating::None) => 4,
                None => 5,
            };
            counts[i] += 1;
        }
        let labels = [
            "critical",
            "high",
            "medium",
            "low",
            "none",
            "unknown severity",
        ];
        let parts: Vec<String> = counts
            .iter()
            .zip(labels)
            .filter(|(n, _)| **n > 0)
            .map(|(n, l)| format!("{n} {l}"))
            .collect();
        format!(
            "{} {}: {}",
            open.len(),
            plural(open.len() as u64, "finding", "findings"),
            parts.join(", ")
        )
    };
    if suppressed > 0 {
        line.push_str(&format!("; {suppressed} suppressed"));
        if !show_suppressed {
            line.push_str(" (use --show-suppressed)");
        }
    }
    line
}

fn header(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

/// Writes left-aligned columns separated by two spaces, without trailing blanks.
fn write_rows(out: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; ncols];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = String::new();
    for row in rows {
        line.clear();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.chars().count());
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// `CRITICAL 9.8`, `HIGH` (a database rating has no score), `UNKNOWN`.
fn severity_cell(f: &Finding) -> String {
    let name = match f.severity.rating {
        Some(r) => r.to_string().to_uppercase(),
        None => "UNKNOWN".to_string(),
    };
    match f.severity.score {
        Some(s) if s.is_finite() => format!("{name} {s:.1}"),
        _ => name,
    }
}

fn package_cell(f: &Finding) -> String {
    let c = &f.component;
    if c.version.is_empty() {
        one_line(&c.name).into_owned()
    } else {
        one_line(&format!("{}@{}", c.name, c.version)).into_owned()
    }
}

/// `upgrade to 1.2.3`; `fixed in 1.0.5, 2.0.1` when no single upgrade clears every range;
/// `no fix` when the record names none.
fn fix_cell(f: &Finding) -> String {
    let s = if let Some(u) = &f.upgrade_to {
        format!("upgrade to {u}")
    } else if !f.fixed_versions.is_empty() {
        format!("fixed in {}", f.fixed_versions.join(", "))
    } else {
        "no fix".to_string()
    };
    one_line(&s).into_owned()
}

/// `direct`; the direct dependency that brings it in (`+N` more); or the relationship.
fn introduced_cell(f: &Finding) -> String {
    let c = &f.component;
    if c.relationship == "direct" {
        return "direct".to_string();
    }
    let mut by: Vec<&String> = c.introduced_by.iter().collect();
    by.sort();
    by.dedup();
    match by.split_first() {
        Some((first, [])) => one_line(&short_purl(first)).into_owned(),
        Some((first, rest)) => {
            one_line(&format!("{} +{}", short_purl(first), rest.len())).into_owned()
        }
        None => one_line(&c.relationship).into_owned(),
    }
}

/// Cuts `s` to `max` characters, the last being `…`.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.truncate(t.trim_end().len());
    t.push('…');
    t
}

fn date_only(t: time::OffsetDateTime) -> String {
    let full = date_or_datetime(t.to_offset(time::UtcOffset::UTC));
    full.get(..10).unwrap_or(&full).to_string()
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abcde…");
        assert_eq!(truncate("ab  defg", 4), "ab…");
        assert_eq!(truncate("ééééé", 3), "éé…");
    }

    #[test]
    fn rows_are_aligned_without_trailing_blanks() {
        let rows = vec![
            vec!["A".to_string(), "BB".to_string(), "".to_string()],
            vec!["CCC".to_string(), "D".to_string(), "".to_string()],
        ];
        let mut out = Vec::new();
        write_rows(&mut out, &rows).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "A    BB\nCCC  D\n");
    }
}
