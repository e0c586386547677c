//! The ignore file: reviewed, expiring exceptions for findings that cannot be fixed yet.
//!
//! Default name [`DEFAULT_FILE_NAME`] (`.safeguard-ignore.toml`), at the root of the scanned
//! repository. One `[[ignore]]` table per entry:
//!
//! ```toml
//! [[ignore]]
//! id = "GHSA-jfh8-c2jp-5v3q"          # OSV id or any alias (CVE-…, GHSA-…, RUSTSEC-…)
//! purl = "pkg:maven/org.apache.logging.log4j/log4j-core"   # optional; no version = all
//! reason = "Only the API jar ships; log4j-core is a test dependency"   # required
//! expires = 2025-09-30                 # required: a date (midnight UTC) or an RFC 3339 time
//! ```
//!
//! - `id` (required): matched against the finding's id and aliases, ignoring ASCII case.
//! - `purl` (optional): limits the entry to one package (type, namespace, name; qualifiers
//!   and subpath ignored), and to one version when the purl has one. Without it the entry
//!   covers the vulnerability in every package.
//! - `reason` (required, not blank): why the risk is accepted; shown with the finding.
//! - `expires` (required): a TOML date (`2025-09-30`, meaning 2025-09-30T00:00:00Z, so the
//!   entry stops applying when that day starts in UTC), a TOML offset date-time
//!   (`2025-09-30T17:00:00+01:00`), or the same as a string. A date-time without an offset is
//!   rejected (whose midnight?).
//!
//! The file is read by a parser for the part of TOML 1.1 this format needs: comments,
//! `[[ignore]]` headers, `key = value` with bare or quoted keys, basic, literal and multi-line
//! strings (all escapes), and dates/date-times. Anything else (other tables, arrays, numbers,
//! dotted keys, unknown keys) is an error naming the line and column, as is an entry without
//! an id, reason or expiry.

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, UtcOffset};

use crate::finding::{Finding, Suppression};
use crate::vex::PurlPattern;

/// The ignore file's default name.
pub const DEFAULT_FILE_NAME: &str = ".safeguard-ignore.toml";

/// An ignore file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreFile {
    /// The path it was read from (written into the suppressions it causes).
    pub path: String,
    /// Its entries, in file order.
    pub entries: Vec<IgnoreEntry>,
}

/// One `[[ignore]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreEntry {
    /// OSV id or alias.
    pub id: String,
    /// The package it is limited to, as written.
    pub purl: Option<String>,
    /// `purl`, parsed.
    pub package: Option<PurlPattern>,
    /// Why the finding is accepted.
    pub reason: String,
    /// When the entry stops applying.
    pub expires: OffsetDateTime,
    /// The line of its `[[ignore]]` header.
    pub line: usize,
}

impl IgnoreEntry {
    /// `GHSA-… in pkg:npm/x` or just the id.
    fn label(&self) -> String {
        match &self.purl {
            Some(p) => format!("{} in {p}", self.id),
            None => self.id.clone(),
        }
    }

    /// Whether the entry (with its trimmed `id`) covers `f`, whose purl parsed as `package`.
    fn matches(&self, id: &str, f: &Finding, package: Option<&PurlPattern>) -> bool {
        let id_ok =
            f.id.eq_ignore_ascii_case(id) || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(id));
        id_ok
            && match &self.package {
                None => true,
                Some(pattern) => package.is_some_and(|p| pattern.matches(p)),
            }
    }
}

/// An ignore file that could not be read: the file, 1-based line and column, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct IgnoreError {
    /// The ignore file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Something about an entry the user should act on (it does not stop the scan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The ignore file.
    pub path: String,
    /// The line of the entry's `[[ignore]]` header.
    pub line: usize,
    /// What happened and what to do.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// Reads and checks an ignore file. Never panics; every error names `path:line:column`.
pub fn read(path: &str, bytes: &[u8]) -> Result<IgnoreFile, IgnoreError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = line_col(valid, valid.len());
            return Err(IgnoreError {
                path: path.to_string(),
                line,
                column,
                message: "the file is not UTF-8 text".into(),
            });
        }
    };
    let tables = Parser::new(text)
        .parse()
        .map_err(|e| e.into_error(path, text))?;
    let mut entries = Vec::with_capacity(tables.len());
    for t in tables {
        entries.push(entry(t).map_err(|e| e.into_error(path, text))?);
    }
    Ok(IgnoreFile {
        path: path.to_string(),
        entries,
    })
}

/// Applies the file to `findings` at time `now`.
///
/// An entry that has not expired (`now` < `expires`) suppresses every matching open finding
/// ([`Suppression::Ignored`]); findings already suppressed (by VEX, or an earlier entry) are
/// left as they are. Warnings, in file order:
/// - an expired entry suppresses nothing: "entry for X expired on D; the finding is reported
///   again" (or, when it matches nothing open either, that it can be removed);
/// - an unexpired entry that matches no open finding: it can be removed.
pub fn apply(file: &IgnoreFile, findings: &mut [Finding], now: OffsetDateTime) -> Vec<Warning> {
    let packages: Vec<Option<PurlPattern>> = if file.entries.iter().any(|e| e.package.is_some()) {
        findings
            .iter()
            .map(|f| PurlPattern::parse(&f.component.purl))
            .collect()
    } else {
        Vec::new()
    };
    let mut warnings = Vec::new();
    for e in &file.entries {
        let id = e.id.trim();
        let expired = e.expires <= now;
        let mut matched = 0usize;
        for (i, f) in findings.iter_mut().enumerate() {
            if f.suppressed.is_some() || !e.matches(id, f, packages.get(i).and_then(Option::as_ref))
            {
                continue;
            }
            matched += 1;
            if !expired {
                f.suppressed = Some(Suppression::Ignored {
                    file: file.path.clone(),
                    reason: e.reason.clone(),
                    expires: e.expires,
                });
            }
        }
        let when = format_expiry(e.expires);
        let message = match (expired, matched) {
            (true, 0) => Some(format!(
                "entry for {} expired on {when} and matches no open finding; remove it",
                e.label()
            )),
            (true, n) => Some(format!(
                "entry for {} expired on {when}; the {} reported again (fix {}, or review the \
                 entry and set a new expiry)",
                e.label(),
                if n == 1 { "finding is" } else { "findings are" },
                if n == 1 { "it" } else { "them" },
            )),
            (false, 0) => Some(format!(
                "entry for {} matches no open finding; remove it if it is no longer needed",
                e.label()
            )),
            (false, _) => None,
        };
        if let Some(message) = message {
            warnings.push(Warning {
                path: file.path.clone(),
                line: e.line,
                message,
            });
        }
    }
    warnings
}

fn format_expiry(t: OffsetDateTime) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    if utc.time() == time::Time::MIDNIGHT && t.offset().is_utc() {
        let d = utc.date();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    } else {
        t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------------------

const KEYS: &str = "id, purl, reason, expires";

fn entry(t: Table) -> Result<IgnoreEntry, PosError> {
    let mut id = None;
    let mut purl = None;
    let mut reason = None;
    let mut expires = None;
    for (key, key_pos, value, value_pos) in t.pairs {
        let slot = match key.as_str() {
            "id" => &mut id,
            "purl" => &mut purl,
            "reason" => &mut reason,
            "expires" => &mut expires,
            other => {
                return Err(PosError::new(
                    key_pos,
                    format!("unknown key {other:?} (an [[ignore]] entry has {KEYS})"),
                ));
            }
        };
        if slot.is_some() {
            return Err(PosError::new(
                key_pos,
                format!("{key} is given twice in this entry"),
            ));
        }
        *slot = Some((value, value_pos));
    }
    let header = t.pos;
    let missing = |what: &str, example: &str| {
        PosError::new(
            header,
            format!("this [[ignore]] entry has no {what}: add {example}"),
        )
    };

    let (id_value, id_pos) = id.ok_or_else(|| missing("id", "id = \"GHSA-…\""))?;
    let id = string_value(id_value, id_pos, "id")?;
    if id.trim().is_empty() {
        return Err(PosError::new(id_pos, "id is empty"));
    }

    let (purl, package) = match purl {
        None => (None, None),
        Some((v, pos)) => {
            let s = string_value(v, pos, "purl")?;
            let p = PurlPattern::parse(&s).ok_or_else(|| {
                PosError::new(
                    pos,
                    format!("purl {s:?} is not a package URL (pkg:type/namespace/name@version)"),
                )
            })?;
            (Some(s), Some(p))
        }
    };

    let (reason_value, reason_pos) = reason.ok_or_else(|| {
        missing(
            "reason",
            "reason = \"why the finding is safe to accept for now\"",
        )
    })?;
    let reason = string_value(reason_value, reason_pos, "reason")?;
    if reason.trim().is_empty() {
        return Err(PosError::new(
            reason_pos,
            "reason is blank: say why the finding is safe to accept for now",
        ));
    }

    let (expires_value, expires_pos) =
        expires.ok_or_else(|| missing("expires", "expires = 2025-12-31 (a review date)"))?;
    let expires = match expires_value {
        Value::DateTime(t) => t,
        Value::String(s) => parse_datetime(s.trim()).map_err(|m| PosError::new(expires_pos, m))?,
    };

    Ok(IgnoreEntry {
        id: id.trim().to_string(),
        purl,
        package,
        reason: reason.trim().to_string(),
        expires,
        line: t.line,
    })
}

fn string_value(v: Value, pos: usize, key: &str) -> Result<String, PosError> {
    match v {
        Value::String(s) => Ok(s),
        Value::DateTime(_) => Err(PosError::new(
            pos,
            format!("{key} must be a string in quotes"),
        )),
    }
}

/// A date (midnight UTC) or an RFC 3339 date-time with an offset; TOML's space or `t`
/// between date and time and a lower-case `z` are accepted.
fn parse_datetime(s: &str) -> Result<OffsetDateTime, String> {
    let bad = || {
        format!(
            "{s:?} is not a date (2025-06-30) or an RFC 3339 date-time with an offset \
             (2025-06-30T12:00:00Z)"
        )
    };
    if s.len() == 10 {
        return parse_date(s)
            .map(|d| d.midnight().assume_utc())
            .ok_or_else(bad);
    }
    let mut norm: Vec<u8> = s.as_bytes().to_vec();
    if let Some(b) = norm.get_mut(10)
        && matches!(*b, b' ' | b't')
    {
        *b = b'T';
    }
    if let Some(b) = norm.last_mut()
        && *b == b'z'
    {
        *b = b'Z';
    }
    let norm = String::from_utf8(norm).map_err(|_| bad())?;
    if let Ok(t) = OffsetDateTime::parse(&norm, &Rfc3339) {
        return Ok(t);
    }
    // A local date-time (no offset) is a common slip: say so precisely.
    let tail = norm.get(10..).unwrap_or("");
    if norm.len() >= 19
        && parse_date(norm.get(..10).unwrap_or("")).is_some()
        && !tail.contains(['Z', '+'])
        && !tail.get(1..).unwrap_or("").contains('-')
    {
        return Err(format!(
            "{s:?} has no time zone: add Z or an offset, e.g. {}Z",
            norm.get(..19).unwrap_or(&norm)
        ));
    }
    Err(bad())
}

fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

// ---------------------------------------------------------------------------------------------
// The TOML subset
// ---------------------------------------------------------------------------------------------

enum Value {
    String(String),
    DateTime(OffsetDateTime),
}

struct Table {
    /// Byte offset of the `[[` and its line.
    pos: usize,
    line: usize,
    /// (key, key offset, value, value offset)
    pairs: Vec<(String, usize, Value, usize)>,
}

/// An error at a byte offset, turned into line:column at the end.
struct PosError {
    pos: usize,
    message: String,
}

impl PosError {
    fn new(pos: usize, message: impl Into<String>) -> PosError {
        PosError {
            pos,
            message: message.into(),
        }
    }

    fn into_error(self, path: &str, text: &str) -> IgnoreError {
        let (line, column) = line_col(text, self.pos);
        IgnoreError {
            path: path.to_string(),
            line,
            column,
            message: self.message,
        }
    }
}

/// 1-based line and column (in characters) of byte offset `pos`.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = text.get(..pos).unwrap_or("");
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|b| b.starts_with(s.as_bytes()))
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// After a header or value: blanks, an optional comment, then a newline or the end.
    fn end_of_line(&mut self) -> Result<(), PosError> {
        self.skip_blanks();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.pos += 2;
                Ok(())
            }
            Some(_) => Err(PosError::new(
                self.pos,
                "expected the end of the line (one key = value per line; # starts a comment)",
            )),
        }
    }

    fn comment(&mut self) -> Result<(), PosError> {
        while let Some(b) = self.peek() {
            if b == b'\n' || (b == b'\r' && self.peek_at(1) == Some(b'\n')) {
                break;
            }
            if (b < 0x20 && b != b'\t') || b == 0x7f {
                return Err(PosError::new(self.pos, "control character in a comment"));
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn parse(mut self) -> Result<Vec<Table>, PosError> {
        let mut tables: Vec<Table> = Vec::new();
        loop {
            self.skip_blanks();
            let line_start = self.pos;
            match self.peek() {
                None => break,
                Some(b'\n') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 2;
                    continue;
                }
                Some(b'#') => {
                    self.comment()?;
                    continue;
                }
                Some(b'[') => {
                    let name = self.header()?;
                    if name != "ignore" {
                        return Err(PosError::new(
                            line_start,
                            format!("unknown table [[{name}]]: entries go in [[ignore]] tables"),
                        ));
                    }
                    let (header_line, _) = line_col(self.text, line_start);
                    tables.push(Table {
                        pos: line_start,
                        line: header_line,
                        pairs: Vec::new(),
                    });
                }
                Some(_) => {
                    let (key, key_pos) = self.key()?;
                    self.skip_blanks();
                    if self.peek() != Some(b'=') {
                        return Err(PosError::new(
                            self.pos,
                            if self.peek() == Some(b'.') {
                                "dotted keys are not used in this file: write key = value"
                            } else {
                                "expected = after the key"
                            },
                        ));
                    }
                    self.pos += 1;
                    self.skip_blanks();
                    let value_pos = self.pos;
                    let value = self.value()?;
                    let Some(table) = tables.last_mut() else {
                        return Err(PosError::new(
                            key_pos,
                            format!("{key} is outside any entry: put it under an [[ignore]] line"),
                        ));
                    };
                    table.pairs.push((key, key_pos, value, value_pos));
                }
            }
            self.end_of_line()?;
        }
        Ok(tables)
    }

    /// `[[ name ]]`; a single-bracket table is an error.
    fn header(&mut self) -> Result<String, PosError> {
        let start = self.pos;
        if !self.starts_with("[[") {
            return Err(PosError::new(
                start,
                "entries are array tables: write [[ignore]] (two brackets) before each one",
            ));
        }
        self.pos += 2;
        self.skip_blanks();
        let (name, _) = self.key()?;
        self.skip_blanks();
        if !self.starts_with("]]") {
            return Err(PosError::new(
                self.pos,
                "expected ]] to close the table header",
            ));
        }
        self.pos += 2;
        Ok(name)
    }

    fn key(&mut self) -> Result<(String, usize), PosError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                Ok((self.basic_string(start)?, start))
            }
            Some(b'\'') => {
                self.pos += 1;
                Ok((self.literal_string(start)?, start))
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(PosError::new(
                        start,
                        "expected a key (letters, digits, _ and -) or [[ignore]]",
                    ));
                }
                Ok((
                    self.text.get(start..self.pos).unwrap_or("").to_string(),
                    start,
                ))
            }
        }
    }

    fn value(&mut self) -> Result<Value, PosError> {
        let start = self.pos;
        if self.starts_with("\"\"\"") {
            self.pos += 3;
            return self.multiline_basic(start).map(Value::String);
        }
        if self.starts_with("'''") {
            self.pos += 3;
            return self.multiline_literal(start).map(Value::String);
        }
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.basic_string(start).map(Value::String)
            }
            Some(b'\'') => {
                self.pos += 1;
                self.literal_string(start).map(Value::String)
            }
            Some(b'0'..=b'9') => self.datetime(),
            None | Some(b'\n' | b'\r' | b'#') => {
                Err(PosError::new(start, "expected a value after ="))
            }
            Some(_) => Err(PosError::new(
                start,
                "expected a string in quotes or a date (2025-06-30); other TOML values are not \
                 used in this file",
            )),
        }
    }

    fn datetime(&mut self) -> Result<Value, PosError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            let part = b.is_ascii_digit()
                || matches!(b, b'-' | b':' | b'.' | b'+' | b'T' | b't' | b'Z' | b'z');
            // TOML allows one space between the date and the time.
            let space = b == b' '
                && self.pos - start == 10
                && self.peek_at(1).is_some_and(|c| c.is_ascii_digit());
            if !(part || space) {
                break;
            }
            self.pos += 1;
        }
        let token = self.text.get(start..self.pos).unwrap_or("");
        parse_datetime(token)
            .map(Value::DateTime)
            .map_err(|m| PosError::new(start, m))
    }

    /// After the opening `"`.
    fn basic_string(&mut self, start: usize) -> Result<String, PosError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.text.get(self.pos..).and_then(|s| s.chars().next()) else {
                return Err(PosError::new(start, "this string has no closing \""));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                '\n' | '\r' => {
                    return Err(PosError::new(
                        start,
                        "this string has no closing \" on its line (use \"\"\" for several lines)",
                    ));
                }
                c if (c.is_control() && c != '\t') => {
                    return Err(PosError::new(
                        self.pos,
                        "control character in a string: write it as an escape (\\u0001)",
                    ));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// After the backslash.
    fn escape(&mut self) -> Result<char, PosError> {
        let at = self.pos.saturating_sub(1);
        let Some(b) = self.peek() else {
            return Err(PosError::new(at, "the string ends inside an escape"));
        };
        self.pos += 1;
        let simple = match b {
            b'b' => Some('\u{8}'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            _ => None,
        };
        if let Some(c) = simple {
            return Ok(c);
        }
        let digits = match b {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                return Err(PosError::new(
                    at,
                    "unknown escape: use \\\\ for a backslash (or a 'literal string')",
                ));
            }
        };
        let hex = self
            .text
            .get(self.pos..self.pos + digits)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| {
                PosError::new(at, format!("\\{} needs {digits} hex digits", b as char))
            })?;
        self.pos += digits;
        u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| {
                PosError::new(
                    at,
                    format!("\\{}{hex} is not a Unicode scalar value", b as char),
                )
            })
    }

    /// After the opening `'`.
    fn literal_string(&mut self, start: usize) -> Result<String, PosError> {
        let from = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n' | b'\r') => {
                    return Err(PosError::new(
                        start,
                        "this string has no closing ' on its line",
                    ));
                }
                Some(b'\'') => {
                    let s = self.text.get(from..self.pos).unwrap_or("").to_string();
                    self.pos += 1;
                    return Ok(s);
                }
                Some(b) if (b < 0x20 && b != b'\t') || b == 0x7f => {
                    return Err(PosError::new(self.pos, "control character in a string"));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Skips the newline that may follow an opening `"""` or `'''`.
    fn skip_first_newline(&mut self) {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        } else if self.starts_with("\r\n") {
            self.pos += 2;
        }
    }

    /// At a run of closing quotes `q`: returns how many of them belong to the content (0–2)
    /// when the run closes the string (3–5 quotes).
    fn closing_run(&self, q: u8) -> Option<usize> {
        let run = self
            .bytes
            .get(self.pos..)
            .map_or(0, |b| b.iter().take_while(|c| **c == q).count());
        (3..=5).contains(&run).then(|| run - 3)
    }

    /// After the opening `"""`.
    fn multiline_basic(&mut self, start: usize) -> Result<String, PosError> {
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            let Some(c) = self.text.get(self.pos..).and_then(|s| s.chars().next()) else {
                return Err(PosError::new(start, "this string has no closing \"\"\""));
            };
            match c {
                '"' => {
                    if let Some(extra) = self.closing_run(b'"') {
                        out.extend(std::iter::repeat_n('"', extra));
                        self.pos += 3 + extra;
                        return Ok(out);
                    }
                    out.push('"');
                    self.pos += 1;
                }
                '\\' => {
                    // A backslash at the end of a line trims the newline and following blanks.
                    let mut j = self.pos + 1;
                    while matches!(self.bytes.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    if matches!(self.bytes.get(j), Some(b'\n'))
                        || (self.bytes.get(j) == Some(&b'\r')
                            && self.bytes.get(j + 1) == Some(&b'\n'))
                    {
                        self.pos = j;
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            self.pos += 1;
                        }
                    } else {
                        self.pos += 1;
                        out.push(self.escape()?);
                    }
                }
                '\r' if self.peek_at(1) == Some(b'\n') => {
                    out.push('\n');
                    self.pos += 2;
                }
                '\n' | '\t' => {
                    out.push(c);
                    self.pos += 1;
                }
                c if c.is_control() => {
                    return Err(PosError::new(self.pos, "control character in a string"));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// After the opening `'''`.
    fn multiline_literal(&mut self, start: usize) -> Result<String, PosError> {
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            let Some(c) = self.text.get(self.pos..).and_then(|s| s.chars().next()) else {
                return Err(PosError::new(start, "this string has no closing '''"));
            };
            match c {
                '\'' => {
                    if let Some(extra) = self.closing_run(b'\'') {
                        out.extend(std::iter::repeat_n('\'', extra));
                        self.pos += 3 + extra;
                        return Ok(out);
                    }
                    out.push('\'');
                    self.pos += 1;
                }
                '\r' if self.peek_at(1) == Some(b'\n') => {
                    out.push('\n');
                    self.pos += 2;
                }
                '\n' | '\t' => {
                    out.push(c);
                    self.pos += 1;
                }
                c if c.is_control() => {
                    return Err(PosError::new(self.pos, "control character in a string"));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<IgnoreFile, IgnoreError> {
        read("ignore.toml", text.as_bytes())
    }

    #[test]
    fn strings_and_escapes() {
        let f = parse(
            "[[ignore]]\nid = 'RUSTSEC-1'\nreason = \"tab\\there \\u00e9 \\\"q\\\" \\x41\"\nexpires = 2030-01-01\n",
        )
        .unwrap();
        assert_eq!(f.entries[0].reason, "tab\there é \"q\" A");

        let f = parse(
            "[[ignore]]\nid = \"X\"\nreason = \"\"\"\nline one \\\n   continued\nline \"two\"\"\"\"\nexpires = \"2030-01-01T10:00:00+02:00\"\n",
        )
        .unwrap();
        assert_eq!(f.entries[0].reason, "line one continued\nline \"two\"");
        assert_eq!(
            f.entries[0].expires,
            time::macros::datetime!(2030-01-01 08:00 UTC)
        );

        let f = parse("[[ignore]]\nid = \"X\"\nreason = '''\nC:\\path ''it'' '''\nexpires = 2030-01-01 07:00:00z\n")
            .unwrap();
        assert_eq!(f.entries[0].reason, "C:\\path ''it''");
        assert_eq!(
            f.entries[0].expires,
            time::macros::datetime!(2030-01-01 07:00 UTC)
        );
    }

    #[test]
    fn positions() {
        let e = parse("[[ignore]]\nid = \"X\"\nreason = \"a\\qb\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 12), "{e}");
        let e = parse("\n\n  [[ignore]]\nid = \"X\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        assert!(e.message.contains("no reason"), "{e}");
        let e = parse("[[ignore]]\nid = \"é\" x\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10), "{e}");
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_datetime("2025-06-30").unwrap(),
            time::macros::datetime!(2025-06-30 00:00 UTC)
        );
        assert!(parse_datetime("2025-02-30").is_err());
        assert!(
            parse_datetime("2025-06-30T10:00:00")
                .unwrap_err()
                .contains("no time zone")
        );
        assert!(parse_datetime("2025-6-30").is_err());
        assert!(parse_datetime("tomorrow").is_err());
    }

    #[test]
    fn line_columns() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 3), (2, 1));
        assert_eq!(line_col("ab\ncé", 6), (2, 3));
        assert_eq!(line_col("ab\ncé", 5), (2, 2), "inside a character");
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
