//! Product lifecycle: end-of-support dates, customer notices, the update policy and user
//! documentation (Code of Practice claims 4.1.1, 4.1.2, 4.1.3 and 4.2.1).
//!
//! Input is the `[lifecycle]` table of `safeguard.toml` and, optionally, an OpenEoX-style JSON
//! file it names ([`load`]). [`check`] evaluates the data against a given "now";
//! [`notice`] drafts the customer end-of-support notice.
//!
//! # Dates
//! A date is either a full date (`2027-01-15`, read as that day at 00:00 UTC) or an RFC 3339
//! date-time with an offset (`2027-01-15T09:00:00+01:00`). Every comparison is made in UTC.
//!
//! # Twelve months
//! "At least 12 months' notice" uses calendar months: the 12-month mark of a moment is the same
//! day of the month (and time of day) a year later; when that day does not exist (29 February
//! in a common year) it is the last day of that month (2024-02-29 → 2025-02-28). A notice passes
//! when its 12-month mark is on or before the end of security support, so exactly 12 months
//! passes and one day short fails.
//!
//! # OpenEoX JSON
//! The file follows the OpenEoX shell shape (OASIS OpenEoX TC, Core Schema 1.0 draft):
//! `{"$schema": …, "statements": [ … ]}`, or a bare array of statements. Each statement holds
//! the lifecycle in a `core` object (or at its own top level) with the core fields
//! `general_availability`, `end_of_security_support`, `end_of_life` (RFC 3339 timestamps, a
//! date, or `"tba"` for "to be announced") and `last_updated` (read, not checked), and names
//! the product with `product_name` / `product_version` (or a `product` object with `name` /
//! `version`). `end_of_sales` is accepted and ignored. Two Safeguard extensions, which OpenEoX
//! does not define, may sit beside `core`: `notice_published` (a date) and `shipped` (a
//! boolean, default true). Other members are ignored.

use std::path::{Path, PathBuf};

use safeguard_config::{LifecycleSettings, Moment};
use serde::Serialize;
use time::{Date, Month, OffsetDateTime};

/// Largest lifecycle JSON file read (bytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest number of versions accepted.
pub const MAX_VERSIONS: usize = 10_000;

/// A lifecycle problem the user has to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LifecycleError {
    /// A file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io { path: PathBuf, message: String },
    /// The JSON file is not valid JSON or not the expected shape.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is valid but not the expected shape; `place` is a JSON path such as
    /// `statements[2]`, or empty for the document as a whole.
    #[error("{path}: {place}{message}", place = if place.is_empty() { String::new() } else { format!("{place}: ") })]
    Shape {
        path: PathBuf,
        place: String,
        message: String,
    },
    /// A version's data is inconsistent (dates out of order, missing version…).
    #[error("{source_name}: {}: {message}", match product {
        Some(p) => format!("{p} {version}"),
        None => format!("version {version}"),
    })]
    Invalid {
        /// Where the version was declared (`safeguard.toml` or the JSON file).
        source_name: String,
        product: Option<String>,
        version: String,
        message: String,
    },
}

/// A lifecycle date as written and in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct When {
    /// As written in the input.
    pub text: String,
    /// The instant in UTC (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub utc: OffsetDateTime,
}

impl When {
    fn from_moment(m: &Moment) -> When {
        When {
            text: m.text.clone(),
            utc: m.utc,
        }
    }

    /// The UTC calendar date.
    pub fn date(&self) -> Date {
        self.utc.date()
    }
}

/// One product version's lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionLifecycle {
    /// The product, when named.
    pub product: Option<String>,
    pub version: String,
    pub general_availability: Option<When>,
    /// End of security support: the end-of-support date of claim 4.1.1.
    pub end_of_security_support: Option<When>,
    pub end_of_life: Option<When>,
    /// When customers were told the end-of-support date.
    pub notice_published: Option<When>,
    /// Still offered for download or sale.
    pub shipped: bool,
    /// Where it was declared: `safeguard.toml` or the JSON file's path.
    pub declared_in: String,
}

impl VersionLifecycle {
    /// `product version`, or just the version when no product is named.
    pub fn label(&self) -> String {
        match &self.product {
            Some(p) => format!("{p} {}", self.version),
            None => self.version.clone(),
        }
    }
}

/// Everything known about the product lifecycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Lifecycle {
    /// The update policy document, relative to the configuration's folder.
    pub update_policy: Option<String>,
    /// User documentation on secure use and updating.
    pub user_docs: Vec<String>,
    /// All versions, from the TOML first, then the JSON file.
    pub versions: Vec<VersionLifecycle>,
}

impl Lifecycle {
    /// The entry for `version` of the product known by any of `product_names` (its id or its
    /// name, compared without regard to case). An entry that names no product matches any
    /// product; one that names this product is preferred.
    pub fn find(&self, product_names: &[&str], version: &str) -> Option<&VersionLifecycle> {
        let named = |v: &&VersionLifecycle| {
            v.product.as_deref().is_some_and(|p| {
                product_names
                    .iter()
                    .any(|n| n.trim().eq_ignore_ascii_case(p.trim()))
            })
        };
        let same_version = |v: &&VersionLifecycle| v.version.trim() == version.trim();
        self.versions
            .iter()
            .filter(same_version)
            .find(named)
            .or_else(|| {
                self.versions
                    .iter()
                    .filter(same_version)
                    .find(|v| v.product.is_none())
            })
    }
}

/// Read the `[lifecycle]` section and the JSON file it names (relative to `base_dir`), and
/// check every version's dates are in order.
pub fn load(settings: &LifecycleSettings, base_dir: &Path) -> Result<Lifecycle, LifecycleError> {
    let mut versions = Vec::new();
    for v in &settings.versions {
        versions.push(VersionLifecycle {
            product: v.product.clone(),
            version: v.version.get_ref().0.clone(),
            general_availability: v
                .general_availability
                .as_ref()
                .map(|s| When::from_moment(s.get_ref())),
            end_of_security_support: v
                .end_of_security_support
                .as_ref()
                .map(|s| When::from_moment(s.get_ref())),
            end_of_life: v
                .end_of_life
                .as_ref()
                .map(|s| When::from_moment(s.get_ref())),
            notice_published: v
                .notice_published
                .as_ref()
                .map(|s| When::from_moment(s.get_ref())),
            shipped: v.shipped,
            declared_in: safeguard_config::FILE_NAME.to_string(),
        });
    }
    if let Some(file) = &settings.file {
        let path = base_dir.join(file);
        let bytes = read_limited(&path)?;
        versions.extend(parse_openeox(&bytes, &path)?);
    }
    if versions.len() > MAX_VERSIONS {
        return Err(LifecycleError::Io {
            path: base_dir.to_path_buf(),
            message: format!("more than {MAX_VERSIONS} versions"),
        });
    }
    for v in &versions {
        validate(v)?;
    }
    Ok(Lifecycle {
        update_policy: settings.update_policy.clone(),
        user_docs: settings.user_docs.clone(),
        versions,
    })
}

fn read_limited(path: &Path) -> Result<Vec<u8>, LifecycleError> {
    use std::io::Read;
    let io = |e: std::io::Error| LifecycleError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LifecycleError::Io {
            path: path.to_path_buf(),
            message: format!("larger than {MAX_FILE_BYTES} bytes"),
        });
    }
    Ok(bytes)
}

/// Check a version's dates are in a possible order (GA ≤ end of security support ≤ end of
/// life, notice ≤ the end it announces). [`load`] runs it on every version.
pub fn validate(v: &VersionLifecycle) -> Result<(), LifecycleError> {
    let bad = |message: String| LifecycleError::Invalid {
        source_name: v.declared_in.clone(),
        product: v.product.clone(),
        version: v.version.clone(),
        message,
    };
    let ga = v.general_availability.as_ref();
    let eoss = v.end_of_security_support.as_ref();
    let eol = v.end_of_life.as_ref();
    let pairs = [
        (ga, eoss, "general_availability", "end_of_security_support"),
        (ga, eol, "general_availability", "end_of_life"),
        (eoss, eol, "end_of_security_support", "end_of_life"),
    ];
    for (a, b, an, bn) in pairs {
        if let (Some(a), Some(b)) = (a, b)
            && b.utc < a.utc
        {
            return Err(bad(format!(
                "{bn} ({}) is before {an} ({})",
                b.text, a.text
            )));
        }
    }
    if let Some(n) = &v.notice_published {
        let end = eoss.or(eol);
        match end {
            Some(end) if n.utc > end.utc => {
                return Err(bad(format!(
                    "notice_published ({}) is after the end date it announces ({})",
                    n.text, end.text
                )));
            }
            None => {
                return Err(bad(format!(
                    "notice_published ({}) is set but there is no end_of_security_support date to announce",
                    n.text
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Parse an OpenEoX-style JSON document (see the module documentation). `path` names the file
/// in errors.
pub fn parse_openeox(bytes: &[u8], path: &Path) -> Result<Vec<VersionLifecycle>, LifecycleError> {
    let parse_err = |line: usize, column: usize, message: String| LifecycleError::Parse {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let shape_err = |place: String, message: String| LifecycleError::Shape {
        path: path.to_path_buf(),
        place,
        message,
    };
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| parse_err(e.line(), e.column(), format!("not valid JSON: {e}")))?;
    let statements = match &value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("statements") {
            Some(serde_json::Value::Array(a)) => a,
            _ => {
                return Err(shape_err(
                    String::new(),
                    "expected an OpenEoX document with a `statements` array".into(),
                ));
            }
        },
        _ => {
            return Err(shape_err(
                String::new(),
                "expected an OpenEoX document (an object with `statements`)".into(),
            ));
        }
    };
    let name = path.display().to_string();
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        if out.len() >= MAX_VERSIONS {
            return Err(shape_err(
                String::new(),
                format!("more than {MAX_VERSIONS} statements"),
            ));
        }
        let here = |message: String| shape_err(format!("statements[{i}]"), message);
        let obj = s
            .as_object()
            .ok_or_else(|| here("expected an object".into()))?;
        let core = match obj.get("core") {
            Some(serde_json::Value::Object(c)) => c,
            Some(_) => return Err(here("`core` must be an object".into())),
            None => obj,
        };
        let product_obj = obj.get("product").and_then(|p| p.as_object());
        let text = |o: Option<&serde_json::Map<String, serde_json::Value>>,
                    key: &str|
         -> Result<Option<String>, LifecycleError> {
            match o.and_then(|o| o.get(key)) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                    Ok(Some(s.trim().to_string()))
                }
                Some(_) => Err(here(format!("`{key}` must be a non-empty string"))),
            }
        };
        let product = match text(Some(obj), "product_name")? {
            Some(p) => Some(p),
            None => text(product_obj, "name")?,
        };
        let version = match text(Some(obj), "product_version")? {
            Some(v) => v,
            None => text(product_obj, "version")?.ok_or_else(|| {
                here("no product version: give `product_version` or `product.version`".into())
            })?,
        };
        let date = |o: &serde_json::Map<String, serde_json::Value>,
                    key: &str|
         -> Result<Option<When>, LifecycleError> {
            match o.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) if s.trim().eq_ignore_ascii_case("tba") => {
                    Ok(None)
                }
                Some(serde_json::Value::String(s)) => Moment::parse(s)
                    .map(|m| Some(When::from_moment(&m)))
                    .map_err(|e| {
                        let who = match &product {
                            Some(p) => format!("{p} {version}"),
                            None => format!("version {version}"),
                        };
                        here(format!("{who}: `{key}`: {e}"))
                    }),
                Some(_) => Err(here(format!("`{key}` must be a string"))),
            }
        };
        let shipped = match obj.get("shipped") {
            None | Some(serde_json::Value::Null) => true,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(_) => return Err(here("`shipped` must be true or false".into())),
        };
        out.push(VersionLifecycle {
            general_availability: date(core, "general_availability")?,
            end_of_security_support: date(core, "end_of_security_support")?,
            end_of_life: date(core, "end_of_life")?,
            notice_published: date(obj, "notice_published")?,
            shipped,
            declared_in: name.clone(),
            product,
            version,
        });
    }
    Ok(out)
}

/// The 12-month mark of `t`: the same day and time twelve calendar months later, or the last
/// day of that month when the day does not exist (29 February → 28 February).
pub fn twelve_months_after(t: OffsetDateTime) -> OffsetDateTime {
    let d = t.date();
    let year = d.year().saturating_add(1);
    let month = d.month();
    let day = d.day().min(days_in_month(year, month));
    match Date::from_calendar_date(year, month, day) {
        Ok(nd) => t.replace_date(nd),
        // Only past the end of `time`'s range: saturate.
        Err(_) => t,
    }
}

fn days_in_month(year: i32, month: Month) -> u8 {
    time::util::days_in_month(month, year)
}

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    Pass,
    Fail,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The Code of Practice claim it supports (`4.1.1`, `4.1.2`, `4.1.3`, `4.2.1`).
    pub claim: &'static str,
    /// A stable check id: `end-of-support-date`, `notice-period`, `notice-due`,
    /// `shipped-after-end`, `update-policy`, `user-docs`.
    pub check: &'static str,
    pub status: CheckStatus,
    /// What was checked (`acme-server 4.2`, a document path), when specific.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What was found, in words.
    pub message: String,
}

/// Where a version is in its lifecycle at "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Before general availability.
    PreRelease,
    /// Security updates are provided.
    Supported,
    /// Past end of security support.
    EndOfSecuritySupport,
    /// Past end of life.
    EndOfLife,
}

/// A version's state at "now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionStatus {
    #[serde(flatten)]
    pub lifecycle: VersionLifecycle,
    pub phase: Phase,
    /// The latest date the notice could be published and still give 12 months (UTC date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice_deadline: Option<String>,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifecycleReport {
    /// The "now" used (RFC 3339, UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub now: OffsetDateTime,
    /// True when no check failed.
    pub ok: bool,
    pub checks: Vec<CheckResult>,
    pub versions: Vec<VersionStatus>,
}

impl LifecycleReport {
    /// The checks that support `claim`.
    pub fn for_claim<'a>(&'a self, claim: &'a str) -> impl Iterator<Item = &'a CheckResult> + 'a {
        self.checks.iter().filter(move |c| c.claim == claim)
    }
}

/// Phrases that show an update policy talks about updates.
const UPDATE_WORDS: &[&str] = &["update", "upgrade", "patch"];
/// Phrases that show documentation covers secure use.
const SECURITY_WORDS: &[&str] = &["secur"];

/// The latest UTC date whose 12-month mark (at 00:00 UTC) is not after `end`: the day by which
/// the notice must be published.
fn notice_deadline(end: OffsetDateTime) -> Option<Date> {
    let d = end.date();
    let year = d.year().checked_sub(1)?;
    let day = d.day().min(days_in_month(year, d.month()));
    let mut cand = Date::from_calendar_date(year, d.month(), day).ok()?;
    // 2025-02-28 (end) → 2024-02-28, but 2024-02-29 also maps to 2025-02-28: step forward
    // while the next day still reaches the end in time.
    while let Some(next) = cand.next_day() {
        let mark = twelve_months_after(next.midnight().assume_utc());
        if mark <= end && next <= d {
            cand = next;
        } else {
            break;
        }
    }
    Some(cand)
}

/// Evaluate the lifecycle at `now`. Documents are resolved against `base_dir`.
pub fn check(lc: &Lifecycle, now: OffsetDateTime, base_dir: &Path) -> LifecycleReport {
    let now = now.checked_to_offset(time::UtcOffset::UTC).unwrap_or(now);
    let mut checks = Vec::new();
    let mut versions = Vec::new();
    let mut push = |claim, check, pass: bool, subject: Option<String>, message: String| {
        checks.push(CheckResult {
            claim,
            check,
            status: if pass {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            subject,
            message,
        })
    };

    if lc.versions.is_empty() {
        push(
            "4.1.1",
            "end-of-support-date",
            false,
            None,
            "no product versions are declared: add [[lifecycle.versions]] with end_of_security_support dates".into(),
        );
    }
    for v in &lc.versions {
        let label = v.label();
        let phase = phase(v, now);
        let eoss = v.end_of_security_support.as_ref();
        let supported = matches!(phase, Phase::PreRelease | Phase::Supported);
        // 4.1.1: every supported version has an end-of-support date.
        match eoss {
            Some(e) => push(
                "4.1.1",
                "end-of-support-date",
                true,
                Some(label.clone()),
                format!("end of security support {}", e.text),
            ),
            None if supported => push(
                "4.1.1",
                "end-of-support-date",
                false,
                Some(label.clone()),
                "no end_of_security_support date is published for this supported version".into(),
            ),
            None => {}
        }
        // 4.2.1: notice at least 12 months ahead.
        if let Some(e) = eoss {
            let deadline = notice_deadline(e.utc);
            let deadline_text = deadline.map(fmt_date).unwrap_or_else(|| "?".into());
            match &v.notice_published {
                Some(n) => {
                    let mark = twelve_months_after(n.utc);
                    let pass = mark <= e.utc;
                    push(
                        "4.2.1",
                        "notice-period",
                        pass,
                        Some(label.clone()),
                        if pass {
                            format!(
                                "notice published {} gives at least 12 months before end of security support {}",
                                n.text, e.text
                            )
                        } else {
                            format!(
                                "notice published {} gives less than 12 months before end of security support {} (it was due by {deadline_text})",
                                n.text, e.text
                            )
                        },
                    );
                }
                None if e.utc <= now => push(
                    "4.2.1",
                    "notice-period",
                    false,
                    Some(label.clone()),
                    format!(
                        "security support ended {} and no notice_published date is recorded",
                        e.text
                    ),
                ),
                None if twelve_months_after(now) > e.utc => push(
                    "4.2.1",
                    "notice-due",
                    false,
                    Some(label.clone()),
                    format!(
                        "end of security support {} is less than 12 months away and no notice is recorded: notify customers now (run `safeguard lifecycle notice {}`)",
                        e.text, v.version
                    ),
                ),
                None => push(
                    "4.2.1",
                    "notice-due",
                    true,
                    Some(label.clone()),
                    format!("notice not due yet: publish it by {deadline_text}"),
                ),
            }
            if v.shipped && e.utc <= now {
                push(
                    "4.1.1",
                    "shipped-after-end",
                    false,
                    Some(label.clone()),
                    format!(
                        "still shipped although security support ended {}: stop offering it or set shipped = false",
                        e.text
                    ),
                );
            }
        }
        versions.push(VersionStatus {
            lifecycle: v.clone(),
            phase,
            notice_deadline: eoss.and_then(|e| notice_deadline(e.utc)).map(fmt_date),
        });
    }

    // 4.1.2: the update policy.
    match &lc.update_policy {
        None => push(
            "4.1.2",
            "update-policy",
            false,
            None,
            "no update policy is configured: set [lifecycle] update_policy to the document describing how often updates ship and how they are applied".into(),
        ),
        Some(doc) => {
            let (pass, message) = doc_check(base_dir, doc, &[UPDATE_WORDS]);
            push("4.1.2", "update-policy", pass, Some(doc.clone()), message);
        }
    }
    // 4.1.3: user documentation on secure use and updating.
    if lc.user_docs.is_empty() {
        push(
            "4.1.3",
            "user-docs",
            false,
            None,
            "no user documentation is configured: set [lifecycle] user_docs to the documents on secure use and applying updates".into(),
        );
    }
    for doc in &lc.user_docs {
        let (pass, message) = doc_check(base_dir, doc, &[UPDATE_WORDS, SECURITY_WORDS]);
        push("4.1.3", "user-docs", pass, Some(doc.clone()), message);
    }

    let ok = checks.iter().all(|c| c.status == CheckStatus::Pass);
    LifecycleReport {
        now,
        ok,
        checks,
        versions,
    }
}

fn phase(v: &VersionLifecycle, now: OffsetDateTime) -> Phase {
    if v.end_of_life.as_ref().is_some_and(|e| e.utc <= now) {
        Phase::EndOfLife
    } else if v
        .end_of_security_support
        .as_ref()
        .is_some_and(|e| e.utc <= now)
    {
        Phase::EndOfSecuritySupport
    } else if v.general_availability.as_ref().is_some_and(|g| g.utc > now) {
        Phase::PreRelease
    } else {
        Phase::Supported
    }
}

/// Check a document exists and, for each group of phrases, mentions one (case-insensitive).
/// Returns the verdict and a message naming the first matching line.
fn doc_check(base_dir: &Path, doc: &str, groups: &[&[&str]]) -> (bool, String) {
    let lower = doc.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return (
            true,
            format!("published at {doc} (a URL: its content is not checked offline)"),
        );
    }
    let path = base_dir.join(doc);
    let bytes = match read_limited(&path) {
        Ok(b) => b,
        Err(LifecycleError::Io { message, .. }) => {
            return (false, format!("{doc}: cannot read: {message}"));
        }
        Err(e) => return (false, e.to_string()),
    };
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    let mut found = Vec::new();
    for group in groups {
        let hit = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| group.iter().find(|w| l.contains(*w)).map(|w| (i + 1, *w)));
        match hit {
            Some((line, w)) => found.push(format!("`{w}` on line {line}")),
            None => {
                return (
                    false,
                    format!("{doc} does not mention any of: {}", group.join(", ")),
                );
            }
        }
    }
    (true, format!("{doc} mentions {}", found.join(" and ")))
}

fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// What [`notice`] needs besides the lifecycle.
#[derive(Debug, Clone, Default)]
pub struct NoticeOptions<'a> {
    /// Pick the product when several have the version.
    pub product: Option<&'a str>,
    /// The vendor's name.
    pub vendor: Option<&'a str>,
    /// Where customers reach the vendor (security contact).
    pub contact: Option<&'a str>,
    /// Markdown (true) or plain text.
    pub markdown: bool,
}

/// Why a notice could not be drafted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoticeError {
    #[error("no version `{0}` in the lifecycle data (known: {1})")]
    UnknownVersion(String, String),
    #[error(
        "version `{version}` exists for several products ({products}): choose one with --product"
    )]
    Ambiguous { version: String, products: String },
    #[error("{0} has no end_of_security_support date: add one before drafting a notice")]
    NoEndDate(String),
}

/// Draft the customer end-of-support notice for `version`: the product, version and dates,
/// the upgrade path (the supported version of the same product with the latest end of
/// security support), where updates are described (the update policy) and the contact.
pub fn notice(
    lc: &Lifecycle,
    version: &str,
    opts: &NoticeOptions<'_>,
) -> Result<String, NoticeError> {
    let candidates: Vec<&VersionLifecycle> = lc
        .versions
        .iter()
        .filter(|v| v.version == version)
        .filter(|v| opts.product.is_none() || v.product.as_deref() == opts.product)
        .collect();
    let v = match candidates.as_slice() {
        [] => {
            let known: Vec<String> = lc.versions.iter().map(|v| v.label()).collect();
            return Err(NoticeError::UnknownVersion(
                version.to_string(),
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                },
            ));
        }
        [one] => *one,
        many => {
            return Err(NoticeError::Ambiguous {
                version: version.to_string(),
                products: many
                    .iter()
                    .map(|v| v.product.clone().unwrap_or_else(|| "(unnamed)".into()))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    };
    let eoss = v
        .end_of_security_support
        .as_ref()
        .ok_or_else(|| NoticeError::NoEndDate(v.label()))?;
    // The upgrade target: same product, security support ending last, later than this one.
    let target = lc
        .versions
        .iter()
        .filter(|o| o.product == v.product && o.version != v.version)
        .filter(|o| {
            o.end_of_security_support
                .as_ref()
                .is_none_or(|e| e.utc > eoss.utc)
        })
        .max_by(|a, b| {
            let key = |x: &VersionLifecycle| {
                (
                    x.end_of_security_support.is_none(),
                    x.end_of_security_support.as_ref().map(|e| e.utc),
                    x.general_availability.as_ref().map(|g| g.utc),
                )
            };
            key(a).cmp(&key(b))
        });

    let product = v.product.clone().unwrap_or_else(|| "the product".into());
    let label = v.label();
    let md = opts.markdown;
    let mut out = String::new();
    let heading = format!("End of security support: {label}");
    if md {
        out.push_str(&format!("# {heading}\n\n"));
    } else {
        out.push_str(&format!(
            "{heading}\n{}\n\n",
            "=".repeat(heading.chars().count())
        ));
    }
    let from = opts
        .vendor
        .map(|n| format!("{n} will end"))
        .unwrap_or_else(|| "We will end".into());
    out.push_str(&format!(
        "{from} security support for {label} on {}. After that date no security updates will be published for this version.\n\n",
        human(eoss)
    ));
    let section = |out: &mut String, title: &str| {
        if md {
            out.push_str(&format!("## {title}\n\n"));
        } else {
            out.push_str(&format!(
                "{title}\n{}\n\n",
                "-".repeat(title.chars().count())
            ));
        }
    };
    section(&mut out, "Key dates");
    let bullet = if md { "- " } else { "  * " };
    let mut rows = vec![("Product", product.clone()), ("Version", v.version.clone())];
    if let Some(g) = &v.general_availability {
        rows.push(("General availability", human(g)));
    }
    rows.push(("End of security support", human(eoss)));
    if let Some(e) = &v.end_of_life {
        rows.push(("End of life", human(e)));
    }
    for (k, val) in rows {
        if md {
            out.push_str(&format!("{bullet}**{k}:** {val}\n"));
        } else {
            out.push_str(&format!("{bullet}{k}: {val}\n"));
        }
    }
    out.push('\n');
    section(&mut out, "What you should do");
    match target {
        Some(t) => {
            let until = t
                .end_of_security_support
                .as_ref()
                .map(|e| format!(", which receives security updates until {}", human(e)))
                .unwrap_or_default();
            out.push_str(&format!(
                "Upgrade to {product} {}{until}, before {}. Plan and test the upgrade now so that you are not left running software that no longer receives security fixes.\n\n",
                t.version,
                human(eoss)
            ));
        }
        None => out.push_str(&format!(
            "No newer supported version of {product} is listed. Plan to replace or retire {label} before {}, or contact us to discuss your options.\n\n",
            human(eoss)
        )),
    }
    section(&mut out, "Getting updates");
    match &lc.update_policy {
        Some(p) => out.push_str(&format!(
            "How often updates are released and how to apply them is described in our update policy: {p}.\n\n"
        )),
        None => out.push_str("Contact us for how to obtain and apply updates.\n\n"),
    }
    section(&mut out, "Contact");
    match opts.contact {
        Some(c) => out.push_str(&format!(
            "Questions about this notice, or security concerns about {label}: {c}.\n"
        )),
        None => out.push_str(&format!(
            "Questions about this notice, or security concerns about {label}: contact your usual support channel.\n"
        )),
    }
    Ok(out)
}

/// A date for people: `15 January 2027`, with the time and offset when one was given.
fn human(w: &When) -> String {
    let d = w.date();
    let month = match d.month() {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    };
    let base = format!("{} {month} {}", d.day(), d.year());
    if w.text.len() == 10 {
        base
    } else {
        format!("{base} ({} UTC, given as {})", time_of_day(w.utc), w.text)
    }
}

fn time_of_day(t: OffsetDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn twelve_months_is_calendar_months() {
        assert_eq!(
            twelve_months_after(datetime!(2025-02-28 00:00 UTC)),
            datetime!(2026-02-28 00:00 UTC)
        );
        assert_eq!(
            twelve_months_after(datetime!(2024-02-29 12:30 UTC)),
            datetime!(2025-02-28 12:30 UTC)
        );
        assert_eq!(
            twelve_months_after(datetime!(2023-03-31 00:00 UTC)),
            datetime!(2024-03-31 00:00 UTC)
        );
    }

    #[test]
    fn deadlines_step_back_twelve_months() {
        assert_eq!(
            notice_deadline(datetime!(2027-01-15 00:00 UTC)).map(fmt_date),
            Some("2026-01-15".into())
        );
        // Both 2024-02-28 and 2024-02-29 reach 2025-02-28; the later one is the deadline.
        assert_eq!(
            notice_deadline(datetime!(2025-02-28 00:00 UTC)).map(fmt_date),
            Some("2024-02-29".into())
        );
        assert_eq!(
            notice_deadline(datetime!(2028-02-29 00:00 UTC)).map(fmt_date),
            Some("2027-02-28".into())
        );
    }

    fn entry(product: Option<&str>, version: &str, eol: &str) -> VersionLifecycle {
        VersionLifecycle {
            product: product.map(str::to_string),
            version: version.into(),
            general_availability: None,
            end_of_security_support: None,
            end_of_life: Some(When {
                text: eol.into(),
                utc: datetime!(2030-01-01 00:00 UTC),
            }),
            notice_published: None,
            shipped: true,
            declared_in: "test".into(),
        }
    }

    #[test]
    fn find_prefers_the_named_product_and_falls_back_to_unnamed_entries() {
        let lc = Lifecycle {
            versions: vec![
                entry(None, "2.0", "unnamed-2.0"),
                entry(Some("Other"), "2.0", "other-2.0"),
                entry(Some("Widget"), "2.0", "widget-2.0"),
                entry(Some("Widget"), "1.0", "widget-1.0"),
            ],
            ..Lifecycle::default()
        };
        let eol = |names: &[&str], v: &str| {
            lc.find(names, v)
                .and_then(|e| e.end_of_life.as_ref())
                .map(|w| w.text.clone())
        };
        assert_eq!(eol(&["widget"], "2.0").as_deref(), Some("widget-2.0"));
        assert_eq!(
            eol(&["acme-widget", "Widget"], "1.0").as_deref(),
            Some("widget-1.0")
        );
        assert_eq!(eol(&["gadget"], "2.0").as_deref(), Some("unnamed-2.0"));
        assert_eq!(eol(&["gadget"], "1.0"), None);
        assert_eq!(eol(&["widget"], "3.0"), None);
    }
}
