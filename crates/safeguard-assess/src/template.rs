//! The product brief's self-assessment template (`self-assessment.yaml`): vendor,
//! assessment_date, assessment_scope.product_lines, and principles numbered 1–14 with theme,
//! statement, evidence and status.
//!
//! [`SelfAssessment::parse`] reads a hand-written one (for `assess --import`), rejecting unknown
//! keys, principle ids outside 1–14, unknown statuses and themes with file, line and column.
//! [`SelfAssessment::to_yaml`] writes the same layout back: leading comment lines are kept, so
//! reading a file in this layout and writing it again gives the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use safeguard_model::catalogue;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// Statuses the template allows.
pub const STATUSES: [&str; 4] = [
    "implemented",
    "partial",
    "not_implemented",
    "not_applicable",
];
/// Theme keys the template uses.
pub const THEMES: [&str; 4] = [
    "secure_design",
    "build_environment",
    "maintenance",
    "communication",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfAssessment {
    /// Comment lines before the first key, verbatim (each starting with `#`).
    pub header: Vec<String>,
    pub vendor: String,
    /// `YYYY-MM-DD`.
    pub assessment_date: String,
    pub product_lines: Vec<String>,
    pub principles: Vec<TemplatePrinciple>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplatePrinciple {
    /// The brief's principle number, 1–14.
    pub id: u8,
    pub theme: String,
    pub statement: String,
    pub evidence: Vec<String>,
    pub status: String,
}

/// A problem in a self-assessment file, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}{message}", path.display(), location.map(|(l, c)| format!("{l}:{c}: ")).unwrap_or_else(|| " ".into()))]
pub struct TemplateError {
    pub path: PathBuf,
    /// 1-based line and column.
    pub location: Option<(u64, u64)>,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    vendor: String,
    assessment_date: Spanned<String>,
    assessment_scope: RawScope,
    principles: Vec<RawPrinciple>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    product_lines: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinciple {
    id: Spanned<i64>,
    theme: Spanned<String>,
    statement: String,
    #[serde(default)]
    evidence: Vec<String>,
    status: Spanned<String>,
}

impl SelfAssessment {
    /// Parse a self-assessment. `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, TemplateError> {
        let err = |loc: Option<(u64, u64)>, message: String| TemplateError {
            path: path.to_path_buf(),
            location: loc,
            message,
        };
        let at = |s: &serde_saphyr::Location| Some((s.line(), s.column()));
        let raw: RawDoc = serde_saphyr::from_str(text).map_err(|e| {
            let loc = e.location().map(|l| (l.line(), l.column()));
            let msg = e.to_string();
            // The library's message may carry a rendered snippet; keep the first line.
            let first = msg.lines().next().unwrap_or("invalid YAML").trim();
            err(loc, strip_location(first).to_string())
        })?;

        let date = raw.assessment_date.value.trim();
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(date, &fmt).is_err() {
            return Err(err(
                at(&raw.assessment_date.referenced),
                format!("assessment_date `{date}` is not a date: expected YYYY-MM-DD"),
            ));
        }

        let mut principles = Vec::with_capacity(raw.principles.len());
        let mut seen = std::collections::BTreeSet::new();
        for p in raw.principles {
            let id = p.id.value;
            let Some(brief) = u8::try_from(id).ok().and_then(catalogue::brief) else {
                return Err(err(
                    at(&p.id.referenced),
                    format!(
                        "principle id {id} is not one of the brief's principles 1–14 (`safeguard catalogue` lists them)"
                    ),
                ));
            };
            if !seen.insert(brief.id) {
                return Err(err(
                    at(&p.id.referenced),
                    format!("principle {id} appears more than once"),
                ));
            }
            if !THEMES.contains(&p.theme.value.as_str()) {
                return Err(err(
                    at(&p.theme.referenced),
                    format!(
                        "theme `{}` is not one of: {}",
                        p.theme.value,
                        THEMES.join(", ")
                    ),
                ));
            }
            if p.theme.value != brief.theme {
                return Err(err(
                    at(&p.theme.referenced),
                    format!(
                        "principle {id} belongs to theme `{}`, not `{}`",
                        brief.theme, p.theme.value
                    ),
                ));
            }
            if !STATUSES.contains(&p.status.value.as_str()) {
                return Err(err(
                    at(&p.status.referenced),
                    format!(
                        "status `{}` is not one of: {}",
                        p.status.value,
                        STATUSES.join(", ")
                    ),
                ));
            }
            principles.push(TemplatePrinciple {
                id: brief.id,
                theme: p.theme.value,
                statement: p.statement,
                evidence: p.evidence,
                status: p.status.value,
            });
        }

        let header = text
            .lines()
            .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
            .filter(|l| l.trim_start().starts_with('#'))
            .map(str::to_string)
            .collect();

        Ok(SelfAssessment {
            header,
            vendor: raw.vendor,
            assessment_date: date.to_string(),
            product_lines: raw.assessment_scope.product_lines,
            principles,
        })
    }

    /// Write the template layout.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        for h in &self.header {
            out.push_str(h);
            out.push('\n');
        }
        let _ = writeln!(out, "vendor: {}", scalar(&self.vendor, false));
        let _ = writeln!(
            out,
            "assessment_date: {}",
            scalar(&self.assessment_date, false)
        );
        out.push_str("assessment_scope:\n");
        let _ = writeln!(out, "  product_lines: {}", flow(&self.product_lines));
        out.push_str("principles:");
        if self.principles.is_empty() {
            out.push_str(" []");
        }
        out.push('\n');
        for p in &self.principles {
            let _ = writeln!(out, "  - id: {}", p.id);
            let _ = writeln!(out, "    theme: {}", scalar(&p.theme, false));
            let _ = writeln!(out, "    statement: {}", scalar(&p.statement, false));
            let _ = writeln!(out, "    evidence: {}", flow(&p.evidence));
            let _ = writeln!(out, "    status: {}", scalar(&p.status, false));
        }
        out
    }
}

/// Drop the library's own "error: line N column M: " prefix; the location is ours to print.
fn strip_location(msg: &str) -> &str {
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
        && rest[..i]
            .split(" column ")
            .all(|n| n.bytes().all(|b| b.is_ascii_digit()))
    {
        return &rest[i + 2..];
    }
    msg
}

fn flow(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| scalar(s, true)).collect();
    format!("[{}]", parts.join(", "))
}

/// A YAML scalar: plain when that reads back as the same string, double-quoted otherwise.
fn scalar(s: &str, in_flow: bool) -> String {
    if plain_ok(s, in_flow) {
        s.to_string()
    } else {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() || c == '\u{feff}' => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

fn plain_ok(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-foo` and `:foo` are plain-safe in YAML, but quoting them is never wrong.
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if in_flow && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    // Words and numbers YAML would read as something other than a string.
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | "null"
            | "~"
            | ".inf"
            | "-.inf"
            | ".nan"
    ) {
        return false;
    }
    let numeric = s.parse::<f64>().is_ok()
        || (s.starts_with("0x") || s.starts_with("0o"))
        || s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    !numeric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_quote_when_needed() {
        for (s, want) in [
            ("Example Software Ltd", "Example Software Ltd"),
            ("2025-09-15", "2025-09-15"),
            ("threat_model_v4.2.pdf", "threat_model_v4.2.pdf"),
            ("a: b", "\"a: b\""),
            ("true", "\"true\""),
            ("12", "\"12\""),
            ("1.5", "\"1.5\""),
            ("#x", "\"#x\""),
            ("", "\"\""),
            (" lead", "\" lead\""),
            ("say \"hi\"\n", "\"say \\\"hi\\\"\\n\""),
        ] {
            assert_eq!(scalar(s, false), want, "{s:?}");
        }
        assert_eq!(scalar("a,b", true), "\"a,b\"");
        assert_eq!(scalar("a,b", false), "a,b");
    }
}
