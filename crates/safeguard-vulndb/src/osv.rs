//! The OSV record model (schema 1.x), reading from JSON and YAML, and validation against the
//! OSV JSON schema.
//!
//! Two views of a record:
//! - [`RawRecord`] borrows from the input bytes and holds what the index needs (id, dates,
//!   packages, ranges, versions). Deserialising it *is* the structural validation: every
//!   constraint of the OSV schema is checked while reading or in [`RawRecord::validate`], so a
//!   300k-record import needs no generic JSON-schema pass. `tests/osv_schema.rs` checks that this
//!   validator agrees with the official schema on every record in the test data.
//! - [`Record`] is the owned, display-side view used for findings (summary, aliases, severity,
//!   references); it is read only for records that matched.
//!
//! The schema's two registries, the id prefixes of home databases and the ecosystem names, grow
//! over time and private databases use their own. A record outside them is kept with a
//! [`Lint`] unless strict mode is asked for, in which case it is rejected.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Why a record was rejected. `path` is a JSON pointer-like location inside the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The record id when it could be read.
    pub id: Option<String>,
    /// Where in the record (`affected[0].ranges[1].events`), empty for the whole record.
    pub path: String,
    pub reason: String,
    /// 1-based line and column for syntax errors.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "{}:{}: ", line, self.column.unwrap_or(0))?;
        }
        if let Some(id) = &self.id {
            write!(f, "{id}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Invalid {}

/// A record accepted with a remark (only in non-strict mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    pub id: String,
    pub message: String,
}

/// An OSV timestamp (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`) as microseconds since the Unix epoch
/// (microseconds keep years 1 to 9999 in range; Go's vulndb uses `0001-01-01T00:00:00Z` for
/// "unknown"). Finer fractions are truncated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Parses the schema's timestamp form. Returns `None` when it does not match.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        if b.len() < 20 || *b.last()? != b'Z' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<i64> {
            let mut v = 0i64;
            for &c in b.get(r)? {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + i64::from(c - b'0');
            }
            Some(v)
        };
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        // 23:59:60 is a valid leap second in RFC 3339.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut nanos = 0i64;
        let rest = &b[19..b.len() - 1];
        if !rest.is_empty() {
            if rest[0] != b'.' || rest.len() < 2 {
                return None;
            }
            let frac = &rest[1..];
            if !frac.iter().all(u8::is_ascii_digit) {
                return None;
            }
            for i in 0..6 {
                nanos = nanos * 10 + frac.get(i).map_or(0, |c| i64::from(c - b'0'));
            }
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
        Some(Timestamp(secs * 1_000_000 + nanos))
    }

    /// As an `OffsetDateTime` (UTC).
    pub fn to_datetime(self) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A JSON value that must be an object; its content is not kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyObject;

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<AnyObject, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyObject)
            }
        }
        d.deserialize_map(V)
    }
}

/// A JSON value that must be a string; its content is not kept (escaped strings are decoded
/// into the parser's scratch buffer, never into a fresh allocation).
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyStr;

impl<'de> Deserialize<'de> for AnyStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyStr, E> {
                Ok(AnyStr)
            }
        }
        d.deserialize_str(V)
    }
}

/// A list that may also be `null` (the schema's `["array", "null"]`).
fn nullable_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The kind of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum RangeType {
    #[serde(rename = "GIT")]
    Git,
    #[serde(rename = "SEMVER")]
    Semver,
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
}

/// The kind of a range event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
        }
    }
}

/// One range event. The schema's `oneOf` means exactly one of the four keys is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    pub kind: EventKind,
    pub version: Cow<'a, str>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Event<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Event<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "an event object with exactly one of introduced, fixed, last_affected or limit",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Event<'a>, A::Error> {
                let mut found: Option<Event<'a>> = None;
                let mut count = 0;
                while let Some(key) = m.next_key::<Cow<'de, str>>()? {
                    let kind = match key.as_ref() {
                        "introduced" => EventKind::Introduced,
                        "fixed" => EventKind::Fixed,
                        "last_affected" => EventKind::LastAffected,
                        "limit" => EventKind::Limit,
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    let version: Cow<'de, str> = m.next_value().map_err(|_| {
                        de::Error::custom(format!("event \"{}\" must be a string", kind.as_str()))
                    })?;
                    count += 1;
                    found = Some(Event { kind, version });
                }
                match (count, found) {
                    (1, Some(e)) => Ok(e),
                    (0, _) => Err(de::Error::custom(
                        "event has none of introduced, fixed, last_affected or limit",
                    )),
                    _ => Err(de::Error::custom(
                        "event has more than one of introduced, fixed, last_affected and limit",
                    )),
                }
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// An OSV range.
#[derive(Debug, Clone, Deserialize)]
pub struct Range<'a> {
    #[serde(rename = "type")]
    pub kind: RangeType,
    #[serde(default)]
    pub repo: Option<AnyStr>,
    #[serde(borrow)]
    pub events: Vec<Event<'a>>,
    #[serde(default)]
    pub database_specific: Option<AnyObject>,
}

/// `affected[].package`.
#[derive(Debug, Clone, Deserialize)]
pub struct Package<'a> {
    #[serde(borrow)]
    pub ecosystem: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(default)]
    pub purl: Option<AnyStr>,
}

/// A severity entry (`type` and `score`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SeverityEntry<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow)]
    pub score: Cow<'a, str>,
}

/// `affected[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Affected<'a> {
    #[serde(borrow, default)]
    pub package: Option<Package<'a>>,
    #[serde(borrow, default, deserialize_with = "nullable_opt_vec")]
    pub severity: Option<Vec<SeverityEntry<'a>>>,
    #[serde(borrow, default)]
    pub ranges: Vec<Range<'a>>,
    #[serde(borrow, default)]
    pub versions: Vec<Cow<'a, str>>,
    #[serde(default)]
    pub ecosystem_specific: Option<AnyObject>,
    #[serde(default)]
    pub database_specific: Option<AnyObject>,
}

/// `Some(vec)` when the key is present with an array, `Some(empty)` for `null`: the schema
/// cares whether `severity` is present at all.
fn nullable_opt_vec<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default()))
}

#[derive(Debug, Clone, Deserialize)]
struct Reference<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[allow(dead_code)]
    url: AnyStr,
}

#[derive(Debug, Clone, Deserialize)]
struct Credit<'a> {
    #[allow(dead_code)]
    name: AnyStr,
    #[serde(default)]
    #[allow(dead_code)]
    contact: Vec<AnyStr>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

/// `affected[A].ranges[R]`, formatted only when an error needs it.
struct RangePath(usize, usize);

impl fmt::Display for RangePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "affected[{}].ranges[{}]", self.0, self.1)
    }
}

/// A list whose items are checked while reading and not kept: only the first item whose `type`
/// is outside the allowed set is remembered (index and value).
#[derive(Debug, Clone, Default)]
pub struct CheckedList {
    pub first_bad: Option<(usize, String)>,
}

trait TypedItem<'de>: Deserialize<'de> {
    const ALLOWED: &'static [&'static str];
    fn kind(&self) -> Option<&str>;
}

impl<'de: 'a, 'a> TypedItem<'de> for Reference<'a> {
    const ALLOWED: &'static [&'static str] = REFERENCE_TYPES;
    fn kind(&self) -> Option<&str> {
        Some(&self.kind)
    }
}

impl<'de: 'a, 'a> TypedItem<'de> for Credit<'a> {
    const ALLOWED: &'static [&'static str] = CREDIT_TYPES;
    fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }
}

fn checked_list<'de, D, T>(d: D, nullable: bool) -> Result<CheckedList, D::Error>
where
    D: Deserializer<'de>,
    T: TypedItem<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: TypedItem<'de>> Visitor<'de> for V<T> {
        type Value = CheckedList;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_unit<E: de::Error>(self) -> Result<CheckedList, E> {
            Ok(CheckedList::default())
        }
        fn visit_none<E: de::Error>(self) -> Result<CheckedList, E> {
            Ok(CheckedList::default())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<CheckedList, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<CheckedList, A::Error> {
            let mut out = CheckedList::default();
            let mut i = 0;
            while let Some(item) = seq.next_element::<T>()? {
                if out.first_bad.is_none()
                    && let Some(k) = item.kind()
                    && !T::ALLOWED.contains(&k)
                {
                    out.first_bad = Some((i, k.to_owned()));
                }
                i += 1;
            }
            Ok(out)
        }
    }
    if nullable {
        d.deserialize_option(V::<T>(std::marker::PhantomData))
    } else {
        d.deserialize_seq(V::<T>(std::marker::PhantomData))
    }
}

fn references_list<'de, D: Deserializer<'de>>(d: D) -> Result<CheckedList, D::Error> {
    checked_list::<D, Reference<'de>>(d, true)
}

fn credits_list<'de, D: Deserializer<'de>>(d: D) -> Result<CheckedList, D::Error> {
    // `credits` may not be null: the schema says array only.
    checked_list::<D, Credit<'de>>(d, false)
}

/// The index-side view of an OSV record, borrowing from the input.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecord<'a> {
    #[serde(default)]
    pub schema_version: Option<AnyStr>,
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub modified: Cow<'a, str>,
    #[serde(borrow, default)]
    pub published: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub withdrawn: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub aliases: Vec<AnyStr>,
    #[serde(default)]
    pub related: Vec<AnyStr>,
    #[serde(default)]
    pub upstream: Vec<AnyStr>,
    #[serde(default)]
    pub summary: Option<AnyStr>,
    #[serde(default)]
    pub details: Option<AnyStr>,
    #[serde(borrow, default, deserialize_with = "nullable_opt_vec")]
    pub severity: Option<Vec<SeverityEntry<'a>>>,
    #[serde(borrow, default, deserialize_with = "nullable_vec")]
    pub affected: Vec<Affected<'a>>,
    #[serde(default, deserialize_with = "references_list")]
    references: CheckedList,
    #[serde(default, deserialize_with = "credits_list")]
    credits: CheckedList,
    #[serde(default)]
    #[allow(dead_code)]
    database_specific: Option<AnyObject>,
}

/// The result of reading and validating one record.
#[derive(Debug, Clone)]
pub struct Validated<'a> {
    pub record: RawRecord<'a>,
    pub modified: Timestamp,
    pub withdrawn: Option<Timestamp>,
    pub lints: Vec<Lint>,
}

/// Reads one OSV record from JSON and validates it.
pub fn parse_json(bytes: &[u8], strict: bool) -> Result<Validated<'_>, Invalid> {
    // One UTF-8 check of the whole record is much cheaper than serde_json's check per string.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let upto = &bytes[..e.valid_up_to()];
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = upto.len() - upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Invalid {
            id: sniff_id(bytes),
            path: String::new(),
            reason: "not valid UTF-8".into(),
            line: Some(line),
            column: Some(column),
        }
    })?;
    let record: RawRecord<'_> = serde_json::from_str(text).map_err(|e| {
        let id = sniff_id(bytes);
        Invalid {
            id,
            path: String::new(),
            reason: describe_json_error(&e),
            line: (e.line() > 0).then_some(e.line()),
            column: (e.column() > 0).then_some(e.column()),
        }
    })?;
    record.validate(strict)
}

/// Converts a YAML OSV record to JSON bytes (records are stored as JSON).
pub fn yaml_to_json(text: &str) -> Result<Vec<u8>, Invalid> {
    let value: serde_json::Value = serde_saphyr::from_str(text).map_err(|e| {
        let msg = e.to_string();
        Invalid {
            id: None,
            path: String::new(),
            reason: format!("YAML: {msg}"),
            line: None,
            column: None,
        }
    })?;
    serde_json::to_vec(&value).map_err(|e| Invalid {
        id: None,
        path: String::new(),
        reason: format!("YAML value cannot be written as JSON: {e}"),
        line: None,
        column: None,
    })
}

fn describe_json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; we report the position separately.
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    }
}

/// Best-effort id of a record that failed to parse, for the error message.
fn sniff_id(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(4096))?).ok()?;
    let i = text.find("\"id\"")?;
    let rest = text[i + 4..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_owned()).filter(|s| s.len() < 200)
}

/// Home-database id prefixes registered in the OSV schema (`$defs.prefix`).
pub const ID_PREFIXES: &[&str] = &[
    "ASB-A",
    "PUB-A",
    "ALPINE",
    "ALSA",
    "ALBA",
    "ALEA",
    "AZL",
    "BELL",
    "BIT",
    "CGA",
    "CLEANSTART",
    "CLSA",
    "CURL",
    "CVE",
    "DEBIAN",
    "DHI",
    "DRUPAL",
    "DSA",
    "DLA",
    "ELA",
    "DTSA",
    "ECHO",
    "EEF",
    "FreeBSD",
    "GHSA",
    "GO",
    "GSD",
    "HSEC",
    "JLSEC",
    "KUBE",
    "LBSEC",
    "LSN",
    "MAL",
    "MINI",
    "MGASA",
    "OESA",
    "OSEC",
    "OSV",
    "openSUSE-SU",
    "PHSA",
    "PSF",
    "PYSEC",
    "RHBA",
    "RHEA",
    "RHSA",
    "RLSA",
    "RXSA",
    "RSEC",
    "ROOT",
    "RUSTSEC",
    "SUSE-SU",
    "SUSE-RU",
    "SUSE-FU",
    "SUSE-OU",
    "UBUNTU",
    "USN",
    "V8",
];

/// Ecosystem names registered in the OSV schema (`$defs.ecosystemWithSuffix`, which also
/// admits `GIT`).
pub const ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "TuxCare",
    "Ubuntu",
    "VSCode",
    "Wolfi",
    "GIT",
];

/// Whether `id` starts with a registered prefix (or the private `x_`).
pub fn id_prefix_registered(id: &str) -> bool {
    if id.starts_with("x_") {
        return true;
    }
    // Most ids are PREFIX-rest with a one-segment prefix: one `match` on it.
    if let Some((first, _)) = id.split_once('-')
        && one_segment_prefix(first)
    {
        return true;
    }
    ID_PREFIXES
        .iter()
        .filter(|p| p.contains('-'))
        .any(|p| id.strip_prefix(p).is_some_and(|rest| rest.starts_with('-')))
}

/// The registered prefixes without a `-` (kept in step with [`ID_PREFIXES`] by a test).
fn one_segment_prefix(p: &str) -> bool {
    matches!(
        p,
        "ALPINE"
            | "ALSA"
            | "ALBA"
            | "ALEA"
            | "AZL"
            | "BELL"
            | "BIT"
            | "CGA"
            | "CLEANSTART"
            | "CLSA"
            | "CURL"
            | "CVE"
            | "DEBIAN"
            | "DHI"
            | "DRUPAL"
            | "DSA"
            | "DLA"
            | "ELA"
            | "DTSA"
            | "ECHO"
            | "EEF"
            | "FreeBSD"
            | "GHSA"
            | "GO"
            | "GSD"
            | "HSEC"
            | "JLSEC"
            | "KUBE"
            | "LBSEC"
            | "LSN"
            | "MAL"
            | "MINI"
            | "MGASA"
            | "OESA"
            | "OSEC"
            | "OSV"
            | "PHSA"
            | "PSF"
            | "PYSEC"
            | "RHBA"
            | "RHEA"
            | "RHSA"
            | "RLSA"
            | "RXSA"
            | "RSEC"
            | "ROOT"
            | "RUSTSEC"
            | "UBUNTU"
            | "USN"
            | "V8"
    )
}

/// Whether an ecosystem string (`Debian:12`) names a registered ecosystem.
pub fn ecosystem_registered(ecosystem: &str) -> bool {
    let (base, suffix) = match ecosystem.split_once(':') {
        Some((b, s)) => (b, Some(s)),
        None => (ecosystem, None),
    };
    // A `match` on the common ones first; the full list for the rest.
    let known = matches!(
        base,
        "npm" | "PyPI" | "Go" | "crates.io" | "Maven" | "NuGet" | "RubyGems" | "Packagist"
    ) || ECOSYSTEMS.contains(&base);
    known && suffix.is_none_or(|s| !s.is_empty())
}

const REFERENCE_TYPES: &[&str] = &[
    "ADVISORY",
    "ARTICLE",
    "DETECTION",
    "DISCUSSION",
    "REPORT",
    "FIX",
    "INTRODUCED",
    "GIT",
    "PACKAGE",
    "EVIDENCE",
    "WEB",
];

const CREDIT_TYPES: &[&str] = &[
    "FINDER",
    "REPORTER",
    "ANALYST",
    "COORDINATOR",
    "REMEDIATION_DEVELOPER",
    "REMEDIATION_REVIEWER",
    "REMEDIATION_VERIFIER",
    "TOOL",
    "SPONSOR",
    "OTHER",
];

fn is_git_hash(s: &str) -> bool {
    s == "0"
        || ((s.len() == 40 || s.len() == 64)
            && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
}

/// Checks a CVSS vector against the schema's pattern for its severity type.
pub fn severity_score_valid(kind: &str, score: &str) -> bool {
    match kind {
        "CVSS_V2" => cvss2_pattern(score),
        "CVSS_V3" => cvss3_pattern(score),
        "CVSS_V4" => cvss4_pattern(score),
        "Ubuntu" => matches!(score, "negligible" | "low" | "medium" | "high" | "critical"),
        _ => false,
    }
}

fn cvss2_pattern(s: &str) -> bool {
    !s.is_empty()
        && s.split('/').all(|m| {
            let Some((k, v)) = m.split_once(':') else {
                return false;
            };
            match k {
                "AV" => matches!(v, "N" | "A" | "L"),
                "AC" => matches!(v, "L" | "M" | "H"),
                "Au" => matches!(v, "M" | "S" | "N"),
                "C" | "I" | "A" => matches!(v, "N" | "P" | "C"),
                "E" => matches!(v, "U" | "POC" | "F" | "H" | "ND"),
                "RL" => matches!(v, "OF" | "TF" | "W" | "U" | "ND"),
                "RC" => matches!(v, "UC" | "UR" | "C" | "ND"),
                "CDP" => matches!(v, "N" | "L" | "LM" | "MH" | "H" | "ND"),
                "TD" => matches!(v, "N" | "L" | "M" | "H" | "ND"),
                "CR" | "IR" | "AR" => matches!(v, "L" | "M" | "H" | "ND"),
                _ => false,
            }
        })
}

fn cvss3_pattern(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("CVSS:3.0/")
        .or_else(|| s.strip_prefix("CVSS:3.1/"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest.split('/').all(|m| {
            let Some((k, v)) = m.split_once(':') else {
                return false;
            };
            let one = |set: &str| v.len() == 1 && set.contains(v);
            match k {
                "AV" => one("NALP"),
                "AC" => one("LH"),
                "PR" => one("NLH"),
                "UI" => one("NR"),
                "S" => one("UC"),
                "C" | "I" | "A" => one("NLH"),
                "E" => one("XUPFH"),
                "RL" => one("XOTWU"),
                "RC" => one("XURC"),
                "CR" | "IR" | "AR" => one("XLMH"),
                "MAV" => one("XNALP"),
                "MAC" => one("XLH"),
                "MPR" => one("XNLH"),
                "MUI" => one("XNR"),
                "MS" => one("XUC"),
                "MC" | "MI" | "MA" => one("XNLH"),
                _ => false,
            }
        })
}

fn cvss4_pattern(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVSS:4.0/") else {
        return false;
    };
    // Mandatory metrics in this order, then optional ones in this order.
    const MANDATORY: &[(&str, &str)] = &[
        ("AV", "NALP"),
        ("AC", "LH"),
        ("AT", "NP"),
        ("PR", "NLH"),
        ("UI", "NPA"),
        ("VC", "HLN"),
        ("VI", "HLN"),
        ("VA", "HLN"),
        ("SC", "HLN"),
        ("SI", "HLN"),
        ("SA", "HLN"),
    ];
    const OPTIONAL: &[(&str, &[&str])] = &[
        ("E", &["X", "A", "P", "U"]),
        ("CR", &["X", "H", "M", "L"]),
        ("IR", &["X", "H", "M", "L"]),
        ("AR", &["X", "H", "M", "L"]),
        ("MAV", &["X", "N", "A", "L", "P"]),
        ("MAC", &["X", "L", "H"]),
        ("MAT", &["X", "N", "P"]),
        ("MPR", &["X", "N", "L", "H"]),
        ("MUI", &["X", "N", "P", "A"]),
        ("MVC", &["X", "N", "L", "H"]),
        ("MVI", &["X", "N", "L", "H"]),
        ("MVA", &["X", "N", "L", "H"]),
        ("MSC", &["X", "N", "L", "H"]),
        ("MSI", &["X", "N", "L", "H", "S"]),
        ("MSA", &["X", "N", "L", "H", "S"]),
        ("S", &["X", "N", "P"]),
        ("AU", &["X", "N", "Y"]),
        ("R", &["X", "A", "U", "I"]),
        ("V", &["X", "D", "C"]),
        ("RE", &["X", "L", "M", "H"]),
        ("U", &["X", "Clear", "Green", "Amber", "Red"]),
    ];
    let mut parts = rest.split('/');
    for (key, values) in MANDATORY {
        let Some((k, v)) = parts.next().and_then(|m| m.split_once(':')) else {
            return false;
        };
        if k != *key || v.len() != 1 || !values.contains(v) {
            return false;
        }
    }
    let mut next_optional = 0;
    for m in parts {
        let Some((k, v)) = m.split_once(':') else {
            return false;
        };
        let Some(pos) = OPTIONAL[next_optional..]
            .iter()
            .position(|(key, _)| *key == k)
        else {
            return false;
        };
        let (_, values) = OPTIONAL[next_optional + pos];
        if !values.contains(&v) {
            return false;
        }
        next_optional += pos + 1;
    }
    true
}

impl<'a> RawRecord<'a> {
    /// Checks the constraints serde cannot express.
    pub fn validate(self, strict: bool) -> Result<Validated<'a>, Invalid> {
        let id = self.id.to_string();
        let fail = |path: String, reason: String| Invalid {
            id: Some(id.clone()),
            path,
            reason,
            line: None,
            column: None,
        };
        let mut lints = Vec::new();
        if !id_prefix_registered(&self.id) {
            let msg = "id does not start with a home-database prefix registered in the OSV schema (or x_)";
            if strict {
                return Err(fail("id".into(), msg.into()));
            }
            lints.push(Lint {
                id: id.clone(),
                message: msg.into(),
            });
        }
        let modified = Timestamp::parse(&self.modified).ok_or_else(|| {
            fail(
                "modified".into(),
                format!(
                    "{:?} is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)",
                    self.modified
                ),
            )
        })?;
        if let Some(p) = &self.published {
            Timestamp::parse(p).ok_or_else(|| {
                fail(
                    "published".into(),
                    format!("{p:?} is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)"),
                )
            })?;
        }
        let withdrawn = match &self.withdrawn {
            Some(w) => Some(Timestamp::parse(w).ok_or_else(|| {
                fail(
                    "withdrawn".into(),
                    format!("{w:?} is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)"),
                )
            })?),
            None => None,
        };
        let check_severity = |path: &str, list: &[SeverityEntry<'_>]| -> Result<(), Invalid> {
            for (i, s) in list.iter().enumerate() {
                if !matches!(
                    s.kind.as_ref(),
                    "CVSS_V2" | "CVSS_V3" | "CVSS_V4" | "Ubuntu"
                ) {
                    return Err(fail(
                        format!("{path}[{i}].type"),
                        format!(
                            "{:?} is not one of CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu",
                            s.kind
                        ),
                    ));
                }
                if !severity_score_valid(&s.kind, &s.score) {
                    return Err(fail(
                        format!("{path}[{i}].score"),
                        format!("{:?} is not a valid {} score", s.score, s.kind),
                    ));
                }
            }
            Ok(())
        };
        if let Some(list) = &self.severity {
            check_severity("severity", list)?;
        }
        for (ai, a) in self.affected.iter().enumerate() {
            if let Some(p) = &a.package
                && !ecosystem_registered(&p.ecosystem)
            {
                let msg = format!(
                    "ecosystem {:?} is not registered in the OSV schema",
                    p.ecosystem
                );
                if strict {
                    return Err(fail(format!("affected[{ai}].package.ecosystem"), msg));
                }
                lints.push(Lint {
                    id: id.clone(),
                    message: format!("affected[{ai}]: {msg}"),
                });
            }
            if let Some(list) = &a.severity {
                if self.severity.is_some() && !list.is_empty() {
                    return Err(fail(
                        format!("affected[{ai}].severity"),
                        "a record with a top-level severity may not also give one per affected package".into(),
                    ));
                }
                check_severity(&format!("affected[{ai}].severity"), list)?;
            }
            for (ri, r) in a.ranges.iter().enumerate() {
                let path = RangePath(ai, ri);
                if r.events.is_empty() {
                    return Err(fail(
                        format!("{path}.events"),
                        "a range needs at least one event".into(),
                    ));
                }
                if !r.events.iter().any(|e| e.kind == EventKind::Introduced) {
                    return Err(fail(
                        format!("{path}.events"),
                        "a range needs an \"introduced\" event".into(),
                    ));
                }
                let has_fixed = r.events.iter().any(|e| e.kind == EventKind::Fixed);
                let has_last = r.events.iter().any(|e| e.kind == EventKind::LastAffected);
                if has_fixed && has_last {
                    return Err(fail(
                        format!("{path}.events"),
                        "\"fixed\" and \"last_affected\" events may not appear in the same range"
                            .into(),
                    ));
                }
                if r.kind == RangeType::Git {
                    if r.repo.is_none() {
                        return Err(fail(
                            format!("{path}.repo"),
                            "a GIT range needs a \"repo\"".into(),
                        ));
                    }
                    if let Some((ei, e)) = r
                        .events
                        .iter()
                        .enumerate()
                        .find(|(_, e)| !is_git_hash(&e.version))
                    {
                        return Err(fail(
                            format!("{path}.events[{ei}]"),
                            format!(
                                "GIT range {} {:?} is not a full-length commit hash (40 or 64 lowercase hex digits, or \"0\")",
                                e.kind.as_str(),
                                e.version
                            ),
                        ));
                    }
                }
            }
        }
        if let Some((i, kind)) = &self.references.first_bad {
            return Err(fail(
                format!("references[{i}].type"),
                format!("{kind:?} is not an OSV reference type"),
            ));
        }
        if let Some((i, kind)) = &self.credits.first_bad {
            return Err(fail(
                format!("credits[{i}].type"),
                format!("{kind:?} is not an OSV credit type"),
            ));
        }
        Ok(Validated {
            record: self,
            modified,
            withdrawn,
            lints,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The owned, display-side view.

/// An owned OSV record with the fields a finding shows. Unknown fields are ignored (the record
/// was validated at import).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Record {
    pub id: String,
    pub modified: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub severity: Vec<OwnedSeverity>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub affected: Vec<OwnedAffected>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub references: Vec<OwnedReference>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct OwnedSeverity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct OwnedReference {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct OwnedAffected {
    #[serde(default)]
    pub package: Option<OwnedPackage>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub severity: Vec<OwnedSeverity>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
    #[serde(default)]
    pub ecosystem_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct OwnedPackage {
    pub ecosystem: String,
    pub name: String,
}

impl Record {
    /// Reads a stored (already validated) record.
    pub fn from_json(bytes: &[u8]) -> Result<Record, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(Timestamp::parse("1970-01-01T00:00:00Z"), Some(Timestamp(0)));
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:01.5Z"),
            Some(Timestamp(1_500_000))
        );
        assert_eq!(
            Timestamp::parse("0001-01-01T00:00:00Z").map(|t| t.to_datetime().year()),
            Some(1),
            "Go's zero time stays in range"
        );
        assert_eq!(
            Timestamp::parse("2024-02-29T12:00:00Z").map(|t| t.to_datetime().unix_timestamp()),
            Some(1_709_208_000)
        );
        assert_eq!(Timestamp::parse("2023-02-29T12:00:00Z"), None);
        assert_eq!(Timestamp::parse("2023-01-01T12:00:00+00:00"), None);
        assert_eq!(Timestamp::parse("2023-01-01 12:00:00Z"), None);
        assert!(Timestamp::parse("0001-01-01T00:00:00Z").is_some());
    }

    #[test]
    fn rejects_a_range_without_introduced_with_its_place() {
        let json = br#"{"id":"GHSA-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"fixed":"1.0.0"}]}]}]}"#;
        let e = parse_json(json, false).unwrap_err();
        assert_eq!(e.path, "affected[0].ranges[0].events");
        assert!(e.reason.contains("introduced"), "{e}");
        assert_eq!(e.id.as_deref(), Some("GHSA-1"));
    }

    #[test]
    fn event_with_two_keys_is_rejected() {
        let json = br#"{"id":"GHSA-1","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}"#;
        let e = parse_json(json, false).unwrap_err();
        assert!(e.reason.contains("more than one"), "{e}");
        assert!(e.line.is_some());
    }

    #[test]
    fn unknown_prefix_is_a_lint_unless_strict() {
        let json = br#"{"id":"SYN-1","modified":"2024-01-01T00:00:00Z"}"#;
        let v = parse_json(json, false).unwrap();
        assert_eq!(v.lints.len(), 1);
        assert!(parse_json(json, true).is_err());
    }

    #[test]
    fn one_segment_prefixes_match_the_registry() {
        for p in ID_PREFIXES {
            assert_eq!(one_segment_prefix(p), !p.contains('-'), "{p}");
        }
        assert!(
            id_prefix_registered("SUSE-SU-2024:1")
                && id_prefix_registered("GHSA-x")
                && !id_prefix_registered("SYN-1")
        );
    }

    #[test]
    fn cvss_patterns() {
        assert!(severity_score_valid(
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        ));
        assert!(!severity_score_valid("CVSS_V3", "CVSS:3.2/AV:N"));
        assert!(severity_score_valid(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A"
        ));
        assert!(!severity_score_valid(
            "CVSS_V4",
            "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        ));
        assert!(severity_score_valid(
            "CVSS_V2",
            "AV:N/AC:L/Au:N/C:P/I:P/A:P"
        ));
        assert!(!severity_score_valid("Ubuntu", "urgent"));
    }

    #[test]
    fn sniffs_the_id_of_a_broken_record() {
        assert_eq!(
            sniff_id(br#"{"id": "GO-2020-1", "modified": 3"#).as_deref(),
            Some("GO-2020-1")
        );
    }
}
