//! The reviewed-secrets baseline: secrets a person has looked at and accepted (a revoked token
//! kept in history, a test fixture key), each with a reason, a reviewer and a date.
//!
//! The file is TOML, meant to be read in review and kept in the repository:
//!
//! ```toml
//! [[reviewed]]
//! fingerprint = "3f1c…"            # sha256, 64 hex digits, from `safeguard secrets`
//! rule = "github-classic-pat"       # informative
//! location = "tests/fixtures/a.env:3"  # informative
//! reason = "test fixture; the token was revoked on 2026-01-02"
//! reviewer = "alice@example.org"
//! date = "2026-11-24"
//! expires = "2027-11-24"            # optional: the review must be renewed by then
//! ```
//!
//! Fingerprints identify the secret, not where it is, so a reviewed secret stays reviewed when
//! its file moves. An entry past its `expires` date no longer counts.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One reviewed secret.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub reason: String,
    pub reviewer: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD`; after this date the entry no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    reviewed: Vec<Reviewed>,
}

/// A loaded baseline.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    pub path: PathBuf,
    pub entries: Vec<Reviewed>,
    by_fingerprint: HashMap<String, usize>,
}

/// Why a baseline could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{}: cannot read the secrets baseline: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: cannot write the secrets baseline: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The state of one secret against the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review<'a> {
    /// Not in the baseline.
    Open,
    /// Reviewed and still current.
    Reviewed(&'a Reviewed),
    /// Reviewed, but the review expired.
    Expired(&'a Reviewed),
}

impl Baseline {
    /// An empty baseline that will be written to `path`.
    pub fn empty(path: &Path) -> Baseline {
        Baseline {
            path: path.to_path_buf(),
            ..Baseline::default()
        }
    }

    /// Read `path`. A missing file is an error: the caller decides whether that is fine.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = std::fs::read(path).map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &bytes)
    }

    /// Parse baseline text read from `path`.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Baseline, BaselineError> {
        let invalid = |line: usize, message: String| BaselineError::Invalid {
            path: path.to_path_buf(),
            line,
            message,
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            invalid(line, "not UTF-8 text".into())
        })?;
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count())
                .unwrap_or(1);
            invalid(line, e.message().to_string())
        })?;
        let mut baseline = Baseline::empty(path);
        // Entry lines, for messages: the n-th `[[reviewed]]` header.
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[reviewed]]"))
            .map(|(i, _)| i + 1)
            .collect();
        for (i, entry) in file.reviewed.into_iter().enumerate() {
            let line = headers.get(i).copied().unwrap_or(1);
            check_entry(&entry).map_err(|m| invalid(line, m))?;
            if let Some(&first) = baseline.by_fingerprint.get(&entry.fingerprint) {
                let first_line = headers.get(first).copied().unwrap_or(1);
                return Err(invalid(
                    line,
                    format!(
                        "fingerprint {} is already reviewed at line {first_line}",
                        entry.fingerprint
                    ),
                ));
            }
            baseline
                .by_fingerprint
                .insert(entry.fingerprint.clone(), baseline.entries.len());
            baseline.entries.push(entry);
        }
        Ok(baseline)
    }

    /// The state of the secret with `fingerprint` on `today` (`YYYY-MM-DD`).
    pub fn review(&self, fingerprint: &str, today: &str) -> Review<'_> {
        match self
            .by_fingerprint
            .get(fingerprint)
            .and_then(|&i| self.entries.get(i))
        {
            None => Review::Open,
            Some(e) => match &e.expires {
                Some(exp) if exp.as_str() < today => Review::Expired(e),
                _ => Review::Reviewed(e),
            },
        }
    }

    /// Whether `fingerprint` has an entry (current or expired).
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.by_fingerprint.contains_key(fingerprint)
    }

    /// Append `entries` to the file (created if absent), keeping what is already there. Entries
    /// whose fingerprint is already present are left out; the number added is returned.
    pub fn append(&mut self, entries: Vec<Reviewed>) -> Result<usize, BaselineError> {
        let mut text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::from(HEADER),
            Err(source) => {
                return Err(BaselineError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        let mut added = 0;
        for entry in entries {
            check_entry(&entry).map_err(|message| BaselineError::Invalid {
                path: self.path.clone(),
                line: 0,
                message,
            })?;
            if self.contains(&entry.fingerprint) {
                continue;
            }
            if !text.is_empty() && !text.ends_with("\n\n") {
                text.push_str(if text.ends_with('\n') { "\n" } else { "\n\n" });
            }
            render(&mut text, &entry);
            self.by_fingerprint
                .insert(entry.fingerprint.clone(), self.entries.len());
            self.entries.push(entry);
            added += 1;
        }
        if added > 0 {
            let tmp = self.path.with_extension("toml.tmp");
            std::fs::write(&tmp, &text)
                .and_then(|()| std::fs::rename(&tmp, &self.path))
                .map_err(|source| BaselineError::Write {
                    path: self.path.clone(),
                    source,
                })?;
        }
        Ok(added)
    }
}

const HEADER: &str = "# Reviewed secrets for `safeguard secrets`. Each entry stops one secret from alerting;\n\
# add entries with `safeguard secrets review FINGERPRINT --reason ... --reviewer ...`.\n";

fn render(out: &mut String, e: &Reviewed) {
    let q = |s: &str| toml_string(s);
    let _ = writeln!(out, "[[reviewed]]");
    let _ = writeln!(out, "fingerprint = {}", q(&e.fingerprint));
    if let Some(r) = &e.rule {
        let _ = writeln!(out, "rule = {}", q(r));
    }
    if let Some(l) = &e.location {
        let _ = writeln!(out, "location = {}", q(l));
    }
    let _ = writeln!(out, "reason = {}", q(&e.reason));
    let _ = writeln!(out, "reviewer = {}", q(&e.reviewer));
    let _ = writeln!(out, "date = {}", q(&e.date));
    if let Some(x) = &e.expires {
        let _ = writeln!(out, "expires = {}", q(x));
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn check_entry(e: &Reviewed) -> Result<(), String> {
    if e.fingerprint.len() != 64 || !e.fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "fingerprint {:?} is not 64 hex digits (copy it from `safeguard secrets` output)",
            e.fingerprint
        ));
    }
    if e.fingerprint.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(format!("fingerprint {:?} must be lowercase", e.fingerprint));
    }
    if e.reason.trim().is_empty() {
        return Err(format!("entry {} has an empty reason", e.fingerprint));
    }
    if e.reviewer.trim().is_empty() {
        return Err(format!("entry {} has no reviewer", e.fingerprint));
    }
    check_date(&e.date).map_err(|m| format!("entry {}: date {m}", e.fingerprint))?;
    if let Some(x) = &e.expires {
        check_date(x).map_err(|m| format!("entry {}: expires {m}", e.fingerprint))?;
        if x.as_str() < e.date.as_str() {
            return Err(format!(
                "entry {} expires ({x}) before it was reviewed ({})",
                e.fingerprint, e.date
            ));
        }
    }
    Ok(())
}

fn check_date(d: &str) -> Result<(), String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(d, &fmt)
        .map(|_| ())
        .map_err(|_| format!("{d:?} is not a date (YYYY-MM-DD)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn entry(fp: &str) -> Reviewed {
        Reviewed {
            fingerprint: fp.into(),
            rule: Some("github-classic-pat".into()),
            location: Some("a \"b\".env:3".into()),
            reason: "revoked".into(),
            reviewer: "alice".into(),
            date: "2026-11-24".into(),
            expires: Some("2027-01-01".into()),
        }
    }

    #[test]
    fn append_then_load_round_trips_and_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.toml");
        std::fs::write(&path, "# kept comment\n").unwrap();
        let mut b = Baseline::load(&path).unwrap();
        assert_eq!(b.append(vec![entry(FP), entry(FP)]).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# kept comment\n"), "{text}");
        let again = Baseline::load(&path).unwrap();
        assert_eq!(again.entries, vec![entry(FP)]);
        assert!(matches!(
            again.review(FP, "2026-12-01"),
            Review::Reviewed(_)
        ));
        assert!(matches!(again.review(FP, "2027-01-02"), Review::Expired(_)));
        assert_eq!(
            again.review(&FP.replace('0', "1"), "2026-12-01"),
            Review::Open
        );
    }

    #[test]
    fn bad_entries_name_the_line() {
        let p = Path::new("b.toml");
        let text = format!(
            "# c\n[[reviewed]]\nfingerprint = \"{FP}\"\nreason = \"r\"\nreviewer = \"x\"\ndate = \"2026-11-24\"\n\n[[reviewed]]\nfingerprint = \"abc\"\nreason = \"r\"\nreviewer = \"x\"\ndate = \"2026-11-24\"\n"
        );
        let e = Baseline::parse(p, text.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            e,
            "b.toml:8: fingerprint \"abc\" is not 64 hex digits (copy it from `safeguard secrets` output)"
        );
        let dup = format!(
            "[[reviewed]]\nfingerprint = \"{FP}\"\nreason = \"r\"\nreviewer = \"x\"\ndate = \"2026-11-24\"\n[[reviewed]]\nfingerprint = \"{FP}\"\nreason = \"r\"\nreviewer = \"x\"\ndate = \"2026-11-24\"\n"
        );
        let e = Baseline::parse(p, dup.as_bytes()).unwrap_err().to_string();
        assert!(
            e.starts_with("b.toml:6: fingerprint") && e.ends_with("already reviewed at line 1"),
            "{e}"
        );
        for (body, want) in [
            (
                "reason = \"\"\nreviewer = \"x\"\ndate = \"2026-11-24\"",
                "empty reason",
            ),
            (
                "reason = \"r\"\nreviewer = \" \"\ndate = \"2026-11-24\"",
                "no reviewer",
            ),
            (
                "reason = \"r\"\nreviewer = \"x\"\ndate = \"2026-02-30\"",
                "is not a date",
            ),
            (
                "reason = \"r\"\nreviewer = \"x\"\ndate = \"2026-02-03\"\nexpires = \"2026-01-01\"",
                "before it was reviewed",
            ),
        ] {
            let t = format!("[[reviewed]]\nfingerprint = \"{FP}\"\n{body}\n");
            let e = Baseline::parse(p, t.as_bytes()).unwrap_err().to_string();
            assert!(e.starts_with("b.toml:1: ") && e.contains(want), "{e}");
        }
        let e = Baseline::parse(p, b"[[reviewed]]\nfingerprint = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.toml:2: "), "{e}");
        let e = Baseline::parse(p, b"[[reviewed]]\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.toml:"), "{e}");
        let e = Baseline::parse(p, b"\n\xff").unwrap_err().to_string();
        assert_eq!(e, "b.toml:2: not UTF-8 text");
    }
}
