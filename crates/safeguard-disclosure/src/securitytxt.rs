//! RFC 9116 `security.txt`: a checker that classifies every line and reports errors,
//! recommendations and notes with stable codes, OpenPGP cleartext-signature verification, and a
//! generator.
//!
//! The codes follow the names the widely used `sectxt` checker gives its findings (`no_uri`,
//! `prec_ws`, `long_expiry`, …) so results can be compared; the rules themselves are RFC 9116's.
//!
//! Evidence: a valid file with a `Contact` field supports claim 3.2.2 (how to report a
//! vulnerability confidentially); a `Policy` field and an unexpired file support 3.2.1 (the
//! disclosure policy and process are published).

use safeguard_sig::openpgp::{self, Keyring, Outcome};
use serde::Serialize;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The largest file checked, in bytes. RFC 9116 sets no limit; a security.txt is a few hundred
/// bytes and anything this large is not one.
pub const MAX_SIZE: usize = 64 * 1024;

/// The longest validity RFC 9116 recommends (§2.5.5: less than a year).
pub const MAX_RECOMMENDED_DAYS: i64 = 365;

/// What one line of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// `Name: value`.
    Field,
    /// `# …`.
    Comment,
    /// Empty or only white space.
    Blank,
    /// Part of the OpenPGP cleartext framing (`-----BEGIN PGP SIGNED MESSAGE-----`, the
    /// `Hash:` headers, the signature block).
    SignatureArmor,
    /// Anything else (an error is reported for it).
    Invalid,
}

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    /// What the line is.
    pub kind: LineKind,
    /// The field name as written, for [`LineKind::Field`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The field value with surrounding white space removed, for [`LineKind::Field`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Breaks an RFC 9116 "MUST": the file is not valid.
    Error,
    /// Breaks a "SHOULD" or RECOMMENDED practice.
    Recommendation,
    /// Worth knowing, not a problem.
    Info,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code (`no_contact`, `expired`, …).
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// 1-based line, when the finding is about one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What is wrong and what to do, in words for a user.
    pub message: String,
}

/// The OpenPGP cleartext signature, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Signature {
    /// The file is not signed.
    Unsigned,
    /// The file is signed but no keyring was given, so the signature was not checked.
    NotChecked,
    /// The signature verifies with a key of the keyring.
    Good {
        /// The signer's primary key fingerprint.
        fingerprint: String,
        /// The signer's user ID.
        #[serde(skip_serializing_if = "Option::is_none")]
        user_id: Option<String>,
    },
    /// The signature does not verify.
    Bad {
        /// Why.
        reason: String,
    },
    /// No key of the keyring made the signature.
    UnknownKey {
        /// The issuer the signature names.
        issuer: String,
    },
    /// The signature cannot be read or uses something that is not checked.
    Unreadable {
        /// Why.
        reason: String,
    },
}

/// Which line endings the file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEndings {
    /// No line ending at all (a one-line file without a final newline, or empty).
    None,
    /// LF only.
    Lf,
    /// CR LF only.
    CrLf,
    /// Both.
    Mixed,
}

/// A field the checker accepted, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The RFC's spelling for known fields (`Contact`), else the name as written.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
    /// 1-based line.
    pub line: usize,
}

/// What checking a security.txt found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// True when there are no errors.
    pub valid: bool,
    /// Every line, classified.
    pub lines: Vec<Line>,
    /// The fields in file order (from the signed part when the file is signed).
    pub fields: Vec<Field>,
    /// Errors, in line order; findings about the whole file come last.
    pub errors: Vec<Finding>,
    /// Recommendations, in the same order.
    pub recommendations: Vec<Finding>,
    /// Notes (unknown fields, signature not checked).
    pub notes: Vec<Finding>,
    /// The signature.
    pub signature: Signature,
    /// The line endings.
    pub line_endings: LineEndings,
    /// The `Expires` value as RFC 3339 UTC, when it parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Report {
    /// The values of every field named `name` (case-insensitive).
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
            .collect()
    }

    /// The `Contact` values.
    pub fn contacts(&self) -> Vec<&str> {
        self.values("Contact")
    }

    /// Every finding: errors, recommendations, then notes.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.errors
            .iter()
            .chain(&self.recommendations)
            .chain(&self.notes)
    }
}

/// What the check needs beyond the file.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// The time the file is judged at (expiry).
    pub now: OffsetDateTime,
    /// Keys to verify a cleartext signature with; `None` leaves a signature unchecked.
    pub keyring: Option<&'a Keyring>,
    /// The URL the file is served at; when given, a `Canonical` field should list it.
    pub url: Option<&'a str>,
}

impl<'a> CheckOptions<'a> {
    /// Options with only the time set.
    pub fn at(now: OffsetDateTime) -> Self {
        CheckOptions {
            now,
            keyring: None,
            url: None,
        }
    }
}

/// The fields RFC 9116 defines, in the order the generator writes them.
pub const KNOWN_FIELDS: [&str; 8] = [
    "Canonical",
    "Contact",
    "Encryption",
    "Acknowledgments",
    "Policy",
    "Hiring",
    "Preferred-Languages",
    "Expires",
];

const BEGIN_SIGNED: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIG: &str = "-----BEGIN PGP SIGNATURE-----";
const END_SIG: &str = "-----END PGP SIGNATURE-----";

struct Checker {
    errors: Vec<Finding>,
    recommendations: Vec<Finding>,
    notes: Vec<Finding>,
    file_errors: Vec<Finding>,
    file_recommendations: Vec<Finding>,
}

impl Checker {
    fn add(&mut self, severity: Severity, code: &'static str, line: Option<usize>, msg: String) {
        let f = Finding {
            code,
            severity,
            line,
            message: msg,
        };
        match (severity, line) {
            (Severity::Error, Some(_)) => self.errors.push(f),
            (Severity::Error, None) => self.file_errors.push(f),
            (Severity::Recommendation, Some(_)) => self.recommendations.push(f),
            (Severity::Recommendation, None) => self.file_recommendations.push(f),
            (Severity::Info, _) => self.notes.push(f),
        }
    }
    fn error(&mut self, code: &'static str, line: usize, msg: String) {
        self.add(Severity::Error, code, Some(line), msg);
    }
}

/// Check a security.txt. Never fails: every problem is a finding in the report.
pub fn check(bytes: &[u8], opts: &CheckOptions<'_>) -> Report {
    let mut c = Checker {
        errors: Vec::new(),
        recommendations: Vec::new(),
        notes: Vec::new(),
        file_errors: Vec::new(),
        file_recommendations: Vec::new(),
    };
    let mut lines = Vec::new();
    let mut fields = Vec::new();
    let mut expires = None;
    let mut signature = Signature::Unsigned;

    if bytes.len() > MAX_SIZE {
        c.add(
            Severity::Error,
            "too_large",
            None,
            format!(
                "the file is {} bytes; a security.txt this large is not one (limit {MAX_SIZE} bytes)",
                bytes.len()
            ),
        );
        return finish(c, lines, fields, signature, LineEndings::None, expires);
    }

    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            let bad_line = bytes
                .get(..e.valid_up_to())
                .map_or(1, |p| p.iter().filter(|&&b| b == b'\n').count() + 1);
            c.error(
                "utf8",
                bad_line,
                format!(
                    "byte {} is not UTF-8; RFC 9116 requires the file to be UTF-8 text",
                    e.valid_up_to() + 1
                ),
            );
            String::from_utf8_lossy(bytes)
        }
    };
    let mut text: &str = &text;
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        c.add(
            Severity::Recommendation,
            "bom_in_file",
            Some(1),
            "the file starts with a byte order mark; remove it".to_string(),
        );
        text = rest;
    }

    // Split into lines, remembering the endings.
    let (mut lf, mut crlf) = (0usize, 0usize);
    let mut raw: Vec<&str> = Vec::new();
    for piece in text.split_inclusive('\n') {
        let body = if let Some(b) = piece.strip_suffix("\r\n") {
            crlf += 1;
            b
        } else if let Some(b) = piece.strip_suffix('\n') {
            lf += 1;
            b
        } else {
            piece
        };
        raw.push(body);
    }
    let line_endings = match (lf, crlf) {
        (0, 0) => LineEndings::None,
        (_, 0) => LineEndings::Lf,
        (0, _) => LineEndings::CrLf,
        _ => LineEndings::Mixed,
    };
    if line_endings == LineEndings::Mixed {
        c.add(
            Severity::Recommendation,
            "mixed_line_endings",
            None,
            format!("{lf} lines end with LF and {crlf} with CR LF; use one line ending throughout"),
        );
    }
    if !text.is_empty() && !text.ends_with('\n') {
        c.add(
            Severity::Error,
            "no_line_separators",
            Some(raw.len()),
            "the last line has no line ending; RFC 9116 requires every line to end with CR LF or LF"
                .to_string(),
        );
    }

    // Where the signed part is.
    let first_content = raw.iter().position(|l| !l.trim().is_empty());
    let signed =
        first_content.is_some_and(|i| raw.get(i).is_some_and(|l| l.trim_end() == BEGIN_SIGNED));
    let mut state = if signed { State::Before } else { State::Body };
    let mut seen_sig_block = false;

    for (i, line) in raw.iter().enumerate() {
        let n = i + 1;
        if line.contains('\r') {
            c.error(
                "invalid_line",
                n,
                "a carriage return in the middle of a line; lines end with CR LF or LF".to_string(),
            );
        }
        let mut kind = LineKind::SignatureArmor;
        let mut body: Option<&str> = None;
        match state {
            State::Before => {
                if line.trim_end() == BEGIN_SIGNED {
                    state = State::Headers;
                } else if line.trim().is_empty() {
                    kind = LineKind::Blank;
                }
            }
            State::Headers => {
                if line.trim().is_empty() {
                    state = State::Body;
                } else if !line.contains(':') {
                    c.error(
                        "signed_format_issue",
                        n,
                        "the signed message's armor headers (Hash: …) must end with a blank line"
                            .to_string(),
                    );
                    state = State::Body;
                    body = Some(line);
                }
            }
            State::Body => {
                if signed && line.trim_end() == BEGIN_SIG {
                    state = State::Sig;
                    seen_sig_block = true;
                } else if signed {
                    if let Some(rest) = line.strip_prefix("- ") {
                        body = Some(rest);
                    } else if line.starts_with('-') {
                        c.error(
                            "signed_format_issue",
                            n,
                            "a line of a signed message that starts with `-` must be dash-escaped as `- -`"
                                .to_string(),
                        );
                        body = Some(line);
                    } else {
                        body = Some(line);
                    }
                } else if line.starts_with("-----BEGIN PGP") || line.starts_with("-----END PGP") {
                    c.error(
                        "signed_format_issue",
                        n,
                        "an OpenPGP armor line in an unsigned file; a signed file must start with `-----BEGIN PGP SIGNED MESSAGE-----`"
                            .to_string(),
                    );
                    kind = LineKind::Invalid;
                } else {
                    body = Some(line);
                }
            }
            State::Sig => {
                if line.trim_end() == END_SIG {
                    state = State::After;
                }
            }
            State::After => {
                if line.trim().is_empty() {
                    kind = LineKind::Blank;
                } else {
                    c.error(
                        "data_after_sig",
                        n,
                        "text after the signature is not signed; remove it or move it into the signed part"
                            .to_string(),
                    );
                    kind = LineKind::Invalid;
                }
            }
        }
        let mut field = None;
        let mut value = None;
        if let Some(b) = body {
            let parsed = classify(b, n, &mut c);
            kind = parsed.0;
            if let Some((name, v)) = parsed.1 {
                field = Some(name.to_string());
                value = Some(v.to_string());
                if kind == LineKind::Field {
                    check_field(name, v, n, opts, &mut c, &mut fields, &mut expires);
                }
            }
        }
        lines.push(Line {
            number: n,
            kind,
            field,
            value,
        });
    }

    if signed {
        if !seen_sig_block {
            c.add(
                Severity::Error,
                "signed_format_issue",
                None,
                "the file starts a signed message but has no `-----BEGIN PGP SIGNATURE-----` block"
                    .to_string(),
            );
        } else if state != State::After {
            c.add(
                Severity::Error,
                "signed_format_issue",
                None,
                "the signature block has no `-----END PGP SIGNATURE-----` line".to_string(),
            );
        }
        signature = match opts.keyring {
            None => {
                c.add(
                    Severity::Info,
                    "signature_not_checked",
                    None,
                    "the file is signed; give a keyring (--keyring) to verify the signature"
                        .to_string(),
                );
                Signature::NotChecked
            }
            Some(keyring) => verify(bytes, keyring, &mut c),
        };
        if !fields.iter().any(|f: &Field| f.name == "Canonical") {
            c.add(
                Severity::Recommendation,
                "no_canonical",
                None,
                "a signed file should have a Canonical field naming where it is served, so the signature cannot be replayed elsewhere"
                    .to_string(),
            );
        }
    } else {
        c.add(
            Severity::Recommendation,
            "not_signed",
            None,
            "RFC 9116 recommends signing the file with an OpenPGP cleartext signature".to_string(),
        );
    }

    if !fields.iter().any(|f| f.name == "Contact") {
        c.add(
            Severity::Error,
            "no_contact",
            None,
            "there is no Contact field; at least one is required (mailto:, tel: or https:// URI)"
                .to_string(),
        );
    }
    if !fields.iter().any(|f| f.name == "Expires") {
        c.add(
            Severity::Error,
            "no_expire",
            None,
            "there is no Expires field; exactly one is required (e.g. `Expires: 2026-12-31T23:00:00Z`)"
                .to_string(),
        );
    }
    if let Some(url) = opts.url {
        let canon = fields.iter().filter(|f| f.name == "Canonical");
        if canon.clone().count() > 0 && !canon.clone().any(|f| f.value == url) {
            c.add(
                Severity::Recommendation,
                "no_canonical_match",
                None,
                format!("the file is served at {url} but no Canonical field lists that URL"),
            );
        }
    }
    finish(c, lines, fields, signature, line_endings, expires)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Before,
    Headers,
    Body,
    Sig,
    After,
}

fn finish(
    mut c: Checker,
    lines: Vec<Line>,
    fields: Vec<Field>,
    signature: Signature,
    line_endings: LineEndings,
    expires: Option<String>,
) -> Report {
    c.errors.sort_by_key(|f| f.line);
    c.recommendations.sort_by_key(|f| f.line);
    c.errors.append(&mut c.file_errors);
    c.recommendations.append(&mut c.file_recommendations);
    Report {
        valid: c.errors.is_empty(),
        lines,
        fields,
        errors: c.errors,
        recommendations: c.recommendations,
        notes: c.notes,
        signature,
        line_endings,
        expires,
    }
}

fn verify(bytes: &[u8], keyring: &Keyring, c: &mut Checker) -> Signature {
    let (outcome, _) = openpgp::cleartext_verify(bytes, keyring);
    match outcome {
        Outcome::Good {
            fingerprint,
            user_id,
            ..
        } => Signature::Good {
            fingerprint,
            user_id,
        },
        Outcome::Bad { reason } => {
            c.add(
                Severity::Error,
                "bad_signature",
                None,
                format!("the OpenPGP signature does not verify: {reason}"),
            );
            Signature::Bad { reason }
        }
        Outcome::UnknownKey { issuer } => {
            c.add(
                Severity::Error,
                "unknown_signing_key",
                None,
                format!("the file is signed by key {issuer}, which is not in the keyring"),
            );
            Signature::UnknownKey { issuer }
        }
        Outcome::Unsupported { reason } | Outcome::Malformed { reason } => {
            c.add(
                Severity::Error,
                "invalid_signature",
                None,
                format!("the OpenPGP signature cannot be checked: {reason}"),
            );
            Signature::Unreadable { reason }
        }
    }
}

/// Classify one (unescaped) line; for a field line return its name and value.
fn classify<'l>(
    line: &'l str,
    n: usize,
    c: &mut Checker,
) -> (LineKind, Option<(&'l str, &'l str)>) {
    if line.starts_with('#') {
        return (LineKind::Comment, None);
    }
    if line.trim().is_empty() {
        return (LineKind::Blank, None);
    }
    let Some((key, rest)) = line.split_once(':') else {
        c.error(
            "invalid_line",
            n,
            "this line is not a field (`Name: value`), a comment (`# …`) or blank".to_string(),
        );
        return (LineKind::Invalid, None);
    };
    let mut ok = true;
    if key.ends_with(char::is_whitespace) {
        c.error(
            "prec_ws",
            n,
            "white space before the colon; write `Name: value`".to_string(),
        );
        ok = false;
    }
    let name = key.trim();
    if name.is_empty() {
        c.error(
            "empty_key",
            n,
            "the field name before the colon is empty".to_string(),
        );
        return (LineKind::Invalid, None);
    }
    if key.starts_with(char::is_whitespace) {
        c.error(
            "invalid_line",
            n,
            "a field line must start with the field name, not white space".to_string(),
        );
        ok = false;
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        c.error(
            "invalid_line",
            n,
            format!("`{name}` is not a valid field name (letters, digits and `-`)"),
        );
        ok = false;
    }
    let value = rest.trim();
    if value.is_empty() {
        c.error("empty_value", n, format!("the {name} field has no value"));
        return (LineKind::Invalid, Some((name, value)));
    }
    if !rest.starts_with([' ', '\t']) {
        c.error(
            "no_space",
            n,
            "a space must follow the colon; write `Name: value`".to_string(),
        );
    }
    if ok {
        (LineKind::Field, Some((name, value)))
    } else {
        (LineKind::Invalid, Some((name, value)))
    }
}

fn canonical_name(name: &str) -> Option<&'static str> {
    KNOWN_FIELDS
        .iter()
        .copied()
        .find(|k| k.eq_ignore_ascii_case(name))
}

/// The URI scheme, lowercased, if the value starts with one.
fn scheme(value: &str) -> Option<String> {
    let (s, _) = value.split_once(':')?;
    let mut chars = s.chars();
    let first = chars.next()?;
    if first.is_ascii_alphabetic()
        && chars.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | '.'))
    {
        Some(s.to_ascii_lowercase())
    } else {
        None
    }
}

/// Check a URI value: `allowed` are the accepted schemes (lowercase); `http:` is always
/// `no_https`. Returns true when acceptable.
fn check_uri(name: &str, value: &str, allowed: &[&str], n: usize, c: &mut Checker) -> bool {
    let Some(s) = scheme(value) else {
        c.error(
            "no_uri",
            n,
            format!(
                "the {name} value `{value}` is not a URI; write it with a scheme ({})",
                allowed.join(", ")
            ),
        );
        return false;
    };
    if value.contains(char::is_whitespace) {
        c.error(
            "invalid_uri",
            n,
            format!("the {name} URI contains white space"),
        );
        return false;
    }
    if s == "http" {
        c.error(
            "no_https",
            n,
            format!("the {name} web URI must use https://, not http://"),
        );
        return false;
    }
    if !allowed.contains(&s.as_str()) {
        c.error(
            "invalid_uri_scheme",
            n,
            format!(
                "the {name} URI uses `{s}:`; use one of {}",
                allowed.join(", ")
            ),
        );
        return false;
    }
    let rest = value.get(s.len() + 1..).unwrap_or("");
    let problem = match s.as_str() {
        "https" => {
            let host = rest
                .strip_prefix("//")
                .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
            match host {
                None => Some("an https URI must be `https://host/…`"),
                Some("") => Some("the https URI has no host"),
                _ => None,
            }
        }
        "mailto" => {
            let addr = rest.split('?').next().unwrap_or("");
            if is_email(addr) {
                None
            } else {
                Some("the mailto: URI does not hold a valid e-mail address")
            }
        }
        "tel" => {
            if rest.chars().any(|ch| ch.is_ascii_digit())
                && rest.chars().all(|ch| {
                    ch.is_ascii_digit() || "+-.() ;=".contains(ch) || ch.is_ascii_alphabetic()
                })
            {
                None
            } else {
                Some("the tel: URI does not hold a telephone number")
            }
        }
        _ => {
            if rest.is_empty() {
                Some("the URI is empty after its scheme")
            } else {
                None
            }
        }
    };
    if let Some(p) = problem {
        c.error("invalid_uri", n, format!("{name}: {p} (`{value}`)"));
        return false;
    }
    true
}

/// True for a plausible e-mail address (`local@domain.tld`).
pub fn is_email(addr: &str) -> bool {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || !local
            .chars()
            .all(|ch| ch.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(ch))
        || local.starts_with('.')
        || local.ends_with('.')
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|ch| ch.is_alphanumeric() || ch == '-')
    };
    labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(char::is_alphabetic))
}

fn check_field(
    written: &str,
    value: &str,
    n: usize,
    opts: &CheckOptions<'_>,
    c: &mut Checker,
    fields: &mut Vec<Field>,
    expires: &mut Option<String>,
) {
    let Some(name) = canonical_name(written) else {
        c.add(
            Severity::Info,
            "unknown_field",
            Some(n),
            format!("`{written}` is not a field RFC 9116 defines; it is allowed and ignored"),
        );
        fields.push(Field {
            name: written.to_string(),
            value: value.to_string(),
            line: n,
        });
        return;
    };
    let ok = match name {
        "Contact" => check_uri(name, value, &["mailto", "tel", "https"], n, c),
        "Encryption" => check_uri(name, value, &["https", "openpgp4fpr", "dns"], n, c),
        "Canonical" | "Policy" | "Acknowledgments" | "Hiring" => {
            check_uri(name, value, &["https"], n, c)
        }
        "Preferred-Languages" => {
            if fields.iter().any(|f| f.name == name) {
                c.error(
                    "multi_lang",
                    n,
                    "Preferred-Languages must appear at most once".to_string(),
                );
                false
            } else {
                let bad: Vec<&str> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !is_language_tag(t))
                    .collect();
                if bad.is_empty() {
                    true
                } else {
                    c.error(
                        "invalid_lang",
                        n,
                        format!(
                            "Preferred-Languages must be comma-separated language tags (`en, fr`); not tags: {}",
                            bad.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
                        ),
                    );
                    false
                }
            }
        }
        "Expires" => {
            if fields.iter().any(|f| f.name == name) {
                c.error(
                    "multi_expire",
                    n,
                    "Expires must appear exactly once".to_string(),
                );
                false
            } else {
                match parse_datetime(value) {
                    None => {
                        c.error(
                            "invalid_expiry",
                            n,
                            format!(
                                "`{value}` is not an RFC 3339 date and time (e.g. `2026-12-31T23:00:00Z`)"
                            ),
                        );
                        false
                    }
                    Some(dt) => {
                        let utc = dt.to_offset(UtcOffset::UTC);
                        *expires = utc
                            .format(&time::format_description::well_known::Rfc3339)
                            .ok();
                        if dt < opts.now {
                            c.error(
                                "expired",
                                n,
                                format!("the file expired on {value}; publish a fresh one"),
                            );
                        } else if dt > opts.now + Duration::days(MAX_RECOMMENDED_DAYS) {
                            c.add(
                                Severity::Recommendation,
                                "long_expiry",
                                Some(n),
                                format!(
                                    "Expires ({value}) is more than a year away; RFC 9116 recommends less than a year"
                                ),
                            );
                        }
                        true
                    }
                }
            }
        }
        _ => true,
    };
    if ok {
        fields.push(Field {
            name: name.to_string(),
            value: value.to_string(),
            line: n,
        });
    }
}

/// A BCP 47 language tag, checked for shape (`en`, `pt-BR`, `zh-Hant-TW`).
fn is_language_tag(t: &str) -> bool {
    let mut parts = t.split('-');
    let Some(primary) = parts.next() else {
        return false;
    };
    (1..=8).contains(&primary.len())
        && primary.chars().all(|ch| ch.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|ch| ch.is_ascii_alphanumeric()))
}

/// Parse an RFC 3339 date-time (`2026-12-31T23:00:00Z`, `…t…z`, offsets, fractions). Seconds
/// may be left out (`2026-12-31T23:00Z`), as ISO 8601 allows and common checkers accept.
pub fn parse_datetime(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0..4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't'))
    {
        return None;
    }
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = num(14..16)?;
    let mut i = 16;
    let mut second = 0;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b':') {
        second = num(i + 1..i + 3)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end == start {
                return None;
            }
            let digits = b.get(start..end.min(start + 9))?;
            let mut v: u32 = 0;
            for d in digits {
                v = v * 10 + u32::from(d - b'0');
            }
            for _ in digits.len()..9 {
                v *= 10;
            }
            nanos = v;
            i = end;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => UtcOffset::UTC,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let h = i8::try_from(num(i + 1..i + 3)?).ok()?;
            let m = i8::try_from(num(i + 4..i + 6)?).ok()?;
            let (h, m) = if *sign == b'-' { (-h, -m) } else { (h, m) };
            UtcOffset::from_hms(h, m, 0).ok()?
        }
        _ => return None,
    };
    let date = Date::from_calendar_date(
        i32::try_from(year).ok()?,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    // RFC 3339 allows a leap second (60); treat it as 59.
    let second = second.min(59);
    let t = Time::from_hms_nano(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, t).assume_offset(offset))
}

// ---------------------------------------------------------------------------------------------
// Generator

/// The fields to write into a generated security.txt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// `Contact` URIs (at least one).
    pub contact: Vec<String>,
    /// When the file expires.
    pub expires: Option<OffsetDateTime>,
    /// `Canonical` URIs.
    pub canonical: Vec<String>,
    /// `Policy` URIs.
    pub policy: Vec<String>,
    /// `Encryption` URIs.
    pub encryption: Vec<String>,
    /// `Acknowledgments` URIs.
    pub acknowledgments: Vec<String>,
    /// Language tags for `Preferred-Languages`.
    pub preferred_languages: Vec<String>,
    /// `Hiring` URIs.
    pub hiring: Vec<String>,
}

/// Why a security.txt could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// No `contact` was given.
    #[error("at least one contact is required (e.g. contact = [\"mailto:security@example.com\"])")]
    NoContact,
    /// No expiry was given.
    #[error("an expiry is required")]
    NoExpiry,
    /// A value contains a line break, which would inject another field.
    #[error("{field} value `{value}` contains a line break")]
    LineBreak {
        /// The field.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// The written file does not pass the check.
    #[error("the generated file is not valid: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Write a security.txt (LF line endings, fields in RFC order, a comment header) and check it
/// with [`check`] at `now`; any error of the check is a [`GenerateError::Invalid`].
pub fn generate(fields: &Fields, now: OffsetDateTime) -> Result<String, GenerateError> {
    if fields.contact.is_empty() {
        return Err(GenerateError::NoContact);
    }
    let expires = fields.expires.ok_or(GenerateError::NoExpiry)?;
    let mut out = String::from(
        "# security.txt (RFC 9116): how to report a security vulnerability to us.\n\
         # Generated by safeguard from safeguard.toml [disclosure]; edit that file, not this one.\n\n",
    );
    let groups: [(&'static str, &[String]); 5] = [
        ("Canonical", &fields.canonical),
        ("Contact", &fields.contact),
        ("Encryption", &fields.encryption),
        ("Acknowledgments", &fields.acknowledgments),
        ("Policy", &fields.policy),
    ];
    let push = |out: &mut String, name: &'static str, v: &str| -> Result<(), GenerateError> {
        if v.contains(['\n', '\r']) {
            return Err(GenerateError::LineBreak {
                field: name,
                value: v.to_string(),
            });
        }
        out.push_str(name);
        out.push_str(": ");
        out.push_str(v.trim());
        out.push('\n');
        Ok(())
    };
    for (name, values) in groups {
        for v in values {
            push(&mut out, name, v)?;
        }
    }
    for v in &fields.hiring {
        push(&mut out, "Hiring", v)?;
    }
    if !fields.preferred_languages.is_empty() {
        let joined = fields
            .preferred_languages
            .iter()
            .map(|s| s.trim())
            .collect::<Vec<_>>()
            .join(", ");
        push(&mut out, "Preferred-Languages", &joined)?;
    }
    let stamp = expires
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(expires)
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| GenerateError::Invalid(vec![format!("expiry cannot be written: {e}")]))?;
    push(&mut out, "Expires", &stamp)?;
    let report = check(out.as_bytes(), &CheckOptions::at(now));
    if !report.valid {
        return Err(GenerateError::Invalid(
            report
                .errors
                .iter()
                .map(|e| match e.line {
                    Some(l) => format!("line {l}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect(),
        ));
    }
    Ok(out)
}
