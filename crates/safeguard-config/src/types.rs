use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use safeguard_model::catalogue;
use safeguard_model::{ClaimId, VendorRole};
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;

use crate::ConfigError;

/// The whole of `safeguard.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub vendor: Vendor,
    /// The Senior Responsible Owner accountable for the Code.
    #[serde(default)]
    pub sro: Option<Sro>,
    #[serde(default)]
    pub product_lines: Vec<ProductLine>,
    #[serde(default)]
    pub products: Vec<Product>,
    /// The manual evidence register: documents that back claims no collector can observe.
    #[serde(default)]
    pub manual_evidence: Vec<ManualEvidence>,
    /// Trust anchors and forge exports for commit provenance (`safeguard source`).
    #[serde(default)]
    pub source: SourceSettings,
    /// Secret scanning (`safeguard secrets`).
    #[serde(default)]
    pub secrets: SecretsSettings,
    /// Release artefacts, the keys that sign them and their provenance (claim 3.1.1).
    #[serde(default)]
    pub release: ReleaseSettings,
    /// The security.txt (RFC 9116) to generate (`safeguard disclosure securitytxt generate`).
    #[serde(default)]
    pub disclosure: DisclosureSettings,
    /// The incident-support plan and incident log (claims 4.3.1, 4.3.2).
    #[serde(default)]
    pub incidents: IncidentSettings,
    /// Vulnerability handling: the ticket store and the SLA policy (claims 3.3.2, 3.5.1).
    #[serde(default)]
    pub vulns: VulnsSettings,
    /// Product lifecycle: end-of-support dates, notices, update policy and user documentation
    /// (claims 4.1.1, 4.1.2, 4.1.3, 4.2.1). `None` when the file has no `[lifecycle]` table.
    #[serde(default)]
    pub lifecycle: Option<LifecycleSettings>,
}

/// `[disclosure]`: the fields of the security.txt Safeguard writes. A field that may repeat
/// takes a string or a list of strings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureSettings {
    /// `Contact` URIs (`mailto:`, `tel:`, `https://`); at least one to generate.
    #[serde(default, deserialize_with = "one_or_many")]
    pub contact: Vec<String>,
    /// A fixed expiry, RFC 3339 (`2026-12-31T23:00:00Z`); else `expires_in_days`.
    #[serde(default)]
    pub expires: Option<Spanned<String>>,
    /// Days from now to the expiry (default 180, at most 365).
    #[serde(default)]
    pub expires_in_days: Option<Spanned<u32>>,
    /// `Canonical` URIs (where the file is served).
    #[serde(default, deserialize_with = "one_or_many")]
    pub canonical: Vec<String>,
    /// `Policy` URIs.
    #[serde(default, deserialize_with = "one_or_many")]
    pub policy: Vec<String>,
    /// `Encryption` URIs.
    #[serde(default, deserialize_with = "one_or_many")]
    pub encryption: Vec<String>,
    /// `Acknowledgments` URIs.
    #[serde(default, deserialize_with = "one_or_many")]
    pub acknowledgments: Vec<String>,
    /// Language tags for `Preferred-Languages`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub preferred_languages: Vec<String>,
    /// `Hiring` URIs.
    #[serde(default, deserialize_with = "one_or_many")]
    pub hiring: Vec<String>,
}

impl DisclosureSettings {
    /// The default validity of a generated security.txt, in days.
    pub const DEFAULT_EXPIRES_IN_DAYS: u32 = 180;
    /// The longest validity allowed, in days (RFC 9116 recommends under a year).
    pub const MAX_EXPIRES_IN_DAYS: u32 = 365;

    /// The validity in days in force.
    pub fn expires_in_days(&self) -> u32 {
        self.expires_in_days
            .as_ref()
            .map_or(Self::DEFAULT_EXPIRES_IN_DAYS, |d| *d.get_ref())
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    OneOrMany::deserialize(d).map(|v| match v {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// `[vulns]`: paths are relative to `safeguard.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnsSettings {
    /// The ticket store (default `.safeguard/store.db`).
    #[serde(default)]
    pub store: Option<String>,
    /// `[vulns.sla]`: days per severity and where the clock starts. `None` when the table is
    /// absent (the defaults apply: critical 7, high 30, medium 90, low 180).
    #[serde(default)]
    pub sla: Option<safeguard_handling::sla::SlaPolicy>,
}

impl VulnsSettings {
    /// The policy in force.
    pub fn sla_policy(&self) -> safeguard_handling::sla::SlaPolicy {
        self.sla.unwrap_or_default()
    }
}

/// `[incidents]`: paths are relative to `safeguard.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentSettings {
    /// The published incident-support plan (e.g. `docs/incident-response.md`).
    #[serde(default)]
    pub plan: Option<String>,
    /// The incident log (default `.safeguard/incidents.jsonl`).
    #[serde(default)]
    pub log: Option<String>,
    /// Hours after detection by which affected customers should be told (default 72).
    #[serde(default)]
    pub notify_within_hours: Option<u32>,
}

impl IncidentSettings {
    /// The default customer-notification target, in hours.
    pub const DEFAULT_NOTIFY_WITHIN_HOURS: u32 = 72;
    /// The default log path.
    pub const DEFAULT_LOG: &'static str = ".safeguard/incidents.jsonl";

    /// The customer-notification target in force.
    pub fn notify_within_hours(&self) -> u32 {
        self.notify_within_hours
            .unwrap_or(Self::DEFAULT_NOTIFY_WITHIN_HOURS)
    }

    /// The log path in force.
    pub fn log(&self) -> &str {
        self.log.as_deref().unwrap_or(Self::DEFAULT_LOG)
    }
}

/// `[lifecycle]`: paths are relative to `safeguard.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleSettings {
    /// Where the update policy (how often updates ship, how they are applied) is published
    /// (claim 4.1.2).
    #[serde(default)]
    pub update_policy: Option<String>,
    /// User documentation on secure use and on applying updates (claim 4.1.3).
    #[serde(default)]
    pub user_docs: Vec<String>,
    /// An OpenEoX-style JSON file with more versions.
    #[serde(default)]
    pub file: Option<String>,
    /// The product versions and their lifecycle dates.
    #[serde(default)]
    pub versions: Vec<LifecycleVersion>,
}

/// One `[[lifecycle.versions]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleVersion {
    /// The product; optional when the vendor has one product.
    #[serde(default, deserialize_with = "non_empty_opt")]
    pub product: Option<String>,
    /// The version (or version line, `4.2`).
    pub version: Spanned<NonEmpty>,
    #[serde(default)]
    pub general_availability: Option<Spanned<Moment>>,
    #[serde(default)]
    pub end_of_security_support: Option<Spanned<Moment>>,
    #[serde(default)]
    pub end_of_life: Option<Spanned<Moment>>,
    /// When customers were told the end-of-support date.
    #[serde(default)]
    pub notice_published: Option<Spanned<Moment>>,
    /// Still offered for download or sale (default true).
    #[serde(default = "yes")]
    pub shipped: bool,
}

/// A non-empty, trimmed string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonEmpty(pub String);

impl<'de> Deserialize<'de> for NonEmpty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        non_empty(d).map(NonEmpty)
    }
}

/// A point in time: a full date (`2027-01-15`, that day at 00:00 UTC) or an RFC 3339
/// date-time with an offset (`2027-01-15T09:00:00+14:00`). Compared in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// As written.
    pub text: String,
    /// The instant, in UTC.
    pub utc: time::OffsetDateTime,
    /// Written as a date without a time of day.
    pub date_only: bool,
}

impl Moment {
    /// Parse `YYYY-MM-DD` or an RFC 3339 date-time with an offset (`Z` or `±HH:MM`).
    pub fn parse(s: &str) -> Result<Moment, String> {
        let t = s.trim();
        if let Ok(d) = Date::parse(t)
            && t.len() == 10
        {
            return Ok(Moment {
                text: t.to_string(),
                utc: d.0.midnight().assume_utc(),
                date_only: true,
            });
        }
        match time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .ok()
            .and_then(|dt| dt.checked_to_offset(time::UtcOffset::UTC))
        {
            Some(utc) => Ok(Moment {
                text: t.to_string(),
                utc,
                date_only: false,
            }),
            None => Err(format!(
                "`{t}` is not a date: expected YYYY-MM-DD (e.g. 2027-01-15) or an RFC 3339 date-time with an offset (e.g. 2027-01-15T09:00:00+01:00)"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let text = match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected a date such as 2027-01-15 or a date-time with an offset",
            )
        })? {
            Raw::Toml(dt) => {
                if dt.time.is_some() && dt.offset.is_none() {
                    return Err(serde::de::Error::custom(format!(
                        "`{dt}` has no time zone offset: add `Z` or `+HH:MM`, or give a date only"
                    )));
                }
                dt.to_string()
            }
            Raw::Text(s) => s,
        };
        Moment::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `[release]`: paths and globs are relative to `safeguard.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSettings {
    /// Globs of the released files to check (`dist/*.tar.gz`).
    #[serde(default)]
    pub artifacts: Vec<String>,
    /// PEM public keys (Ed25519, ECDSA P-256) trusted to sign releases.
    #[serde(default)]
    pub public_keys: Vec<String>,
    /// Suffix of the signature bundle beside each artefact (default `.sigstore.json`).
    #[serde(default)]
    pub bundle_suffix: Option<String>,
    /// Globs of provenance attestation bundles.
    #[serde(default)]
    pub provenance: Vec<String>,
    /// The builder id the provenance must name, when set.
    #[serde(default)]
    pub builder_id: Option<String>,
    /// The source repository the provenance must name, when set.
    #[serde(default)]
    pub source_uri: Option<String>,
    /// `safeguard repro --format json` reports.
    #[serde(default)]
    pub repro: Vec<String>,
}

impl ReleaseSettings {
    /// The default suffix of signature bundles.
    pub const DEFAULT_BUNDLE_SUFFIX: &'static str = ".sigstore.json";

    /// The bundle suffix in force.
    pub fn bundle_suffix(&self) -> &str {
        self.bundle_suffix
            .as_deref()
            .unwrap_or(Self::DEFAULT_BUNDLE_SUFFIX)
    }
}

/// `[source]`: paths are relative to `safeguard.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSettings {
    /// git's SSH allowed-signers file.
    #[serde(default)]
    pub allowed_signers: Option<String>,
    /// An OpenPGP keyring (armored or binary public keys).
    #[serde(default)]
    pub keyring: Option<String>,
    /// Forge review exports (`gh pr list --json …`, GitLab merge requests).
    #[serde(default)]
    pub reviews: Vec<String>,
    /// Branch protection exports (GitHub protection or rulesets, GitLab protected branches).
    #[serde(default)]
    pub protection: Vec<String>,
    /// Commits read, newest first (default 10000).
    #[serde(default)]
    pub max_commits: Option<usize>,
}

/// `[secrets]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSettings {
    /// Scan the git history as well as the working tree (default true).
    #[serde(default = "yes")]
    pub history: bool,
    /// The reviewed-baseline file, relative to `safeguard.toml` (default
    /// `.safeguard-secrets.toml` beside it, when it exists).
    #[serde(default)]
    pub baseline: Option<String>,
}

impl Default for SecretsSettings {
    fn default() -> Self {
        SecretsSettings {
            history: true,
            baseline: None,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    #[serde(default, deserialize_with = "non_empty_opt")]
    pub name: Option<String>,
    #[serde(default)]
    pub role: VendorRole,
    /// The vendor's web address (`https://…`): the namespace of published advisories (CSAF
    /// `publisher.namespace`) and VEX documents.
    #[serde(default, deserialize_with = "non_empty_opt")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sro {
    #[serde(deserialize_with = "non_empty")]
    pub name: String,
    #[serde(deserialize_with = "non_empty")]
    pub role: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductLine {
    pub id: Spanned<Ident>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: Spanned<Ident>,
    #[serde(default)]
    pub name: Option<String>,
    /// The product line this product belongs to (an `id` from `[[product_lines]]`).
    #[serde(default)]
    pub line: Option<Spanned<Ident>>,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualEvidence {
    pub id: Spanned<Ident>,
    #[serde(default)]
    pub title: Option<String>,
    /// Path relative to `safeguard.toml`, or an `https://` URL.
    pub document: DocumentLocation,
    /// SHA-256 of the document (64 hex digits). Checked for files; recorded for URLs.
    #[serde(default)]
    pub sha256: Option<Sha256Hex>,
    #[serde(deserialize_with = "non_empty")]
    pub owner: String,
    /// When the document was last reviewed.
    pub reviewed: Spanned<Date>,
    /// When the evidence stops counting.
    pub expires: Spanned<Date>,
    /// The claims it supports.
    pub claims: Spanned<Vec<Spanned<ClaimId>>>,
}

impl ManualEvidence {
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(self.id.get_ref().as_str())
    }
}

impl Config {
    /// The vendor name, or `fallback` when none is configured.
    pub fn vendor_name<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.vendor.name.as_deref().unwrap_or(fallback)
    }

    /// Checks that need the whole file: references resolve, ids are unique, dates are ordered,
    /// claim ids exist in the Code.
    pub(crate) fn validate(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let err = |span: std::ops::Range<usize>, msg: String| {
            ConfigError::at(path, text, span.start, msg)
        };

        let mut lines = BTreeMap::new();
        for l in &self.product_lines {
            if lines.insert(l.id.get_ref().as_str(), ()).is_some() {
                return Err(err(
                    l.id.span(),
                    format!("duplicate product line id `{}`", l.id.get_ref()),
                ));
            }
        }
        let mut products = BTreeMap::new();
        for p in &self.products {
            if products.insert(p.id.get_ref().as_str(), ()).is_some() {
                return Err(err(
                    p.id.span(),
                    format!("duplicate product id `{}`", p.id.get_ref()),
                ));
            }
            if let Some(line) = &p.line
                && !lines.contains_key(line.get_ref().as_str())
            {
                let known: Vec<&str> = lines.keys().copied().collect();
                return Err(err(
                    line.span(),
                    format!(
                        "product `{}` names product line `{}`, which is not declared in [[product_lines]] (declared: {})",
                        p.id.get_ref(),
                        line.get_ref(),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
        if let Some(days) = &self.disclosure.expires_in_days {
            let d = *days.get_ref();
            if d == 0 || d > DisclosureSettings::MAX_EXPIRES_IN_DAYS {
                return Err(err(
                    days.span(),
                    format!(
                        "`expires_in_days` is {d}; it must be 1 to {} (RFC 9116 recommends a security.txt expire within a year)",
                        DisclosureSettings::MAX_EXPIRES_IN_DAYS
                    ),
                ));
            }
            if self.disclosure.expires.is_some() {
                return Err(err(
                    days.span(),
                    "set `expires` or `expires_in_days` in [disclosure], not both".into(),
                ));
            }
        }
        let mut ids = BTreeMap::new();
        for m in &self.manual_evidence {
            if ids.insert(m.id.get_ref().as_str(), ()).is_some() {
                return Err(err(
                    m.id.span(),
                    format!("duplicate manual evidence id `{}`", m.id.get_ref()),
                ));
            }
            if m.expires.get_ref() <= m.reviewed.get_ref() {
                return Err(err(
                    m.expires.span(),
                    format!(
                        "`expires` ({}) must be after `reviewed` ({})",
                        m.expires.get_ref(),
                        m.reviewed.get_ref()
                    ),
                ));
            }
            if m.claims.get_ref().is_empty() {
                return Err(err(
                    m.claims.span(),
                    "`claims` must name at least one claim id, e.g. [\"1.4.1\"]".into(),
                ));
            }
            for c in m.claims.get_ref() {
                if catalogue::claim(*c.get_ref()).is_none() {
                    return Err(err(
                        c.span(),
                        format!(
                            "claim {} does not exist in the Code of Practice (run `safeguard catalogue` to list the 45 claims)",
                            c.get_ref()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// An identifier: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ident(String);

impl Ident {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Ident {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let ok = s.len() <= 128
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(Ident(s))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{s}` is not a valid id: use letters, digits, '-', '_' or '.', starting with a letter or digit"
            )))
        }
    }
}

/// A calendar date. Written in TOML either as a date (`2025-09-01`) or as a string
/// (`"2025-09-01"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub time::Date);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl Date {
    pub fn parse(s: &str) -> Result<Self, String> {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(s.trim(), &fmt)
            .map(Date)
            .map_err(|_| format!("`{s}` is not a valid date: expected YYYY-MM-DD, e.g. 2026-03-31"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let text = match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected a date such as 2026-03-31"))?
        {
            Raw::Toml(dt) => {
                if dt.time.is_some() || dt.offset.is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "`{dt}` has a time of day; expected a date such as 2026-03-31"
                    )));
                }
                dt.to_string()
            }
            Raw::Text(s) => s,
        };
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Where a manual evidence document lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentLocation {
    /// A path relative to the configuration file.
    File(String),
    /// An `http(s)` URL; its digest cannot be checked offline.
    Url(String),
}

impl DocumentLocation {
    pub fn as_str(&self) -> &str {
        match self {
            DocumentLocation::File(s) | DocumentLocation::Url(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for DocumentLocation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let t = s.trim();
        if t.is_empty() {
            return Err(serde::de::Error::custom(
                "`document` is empty: give a path relative to safeguard.toml or an https:// URL",
            ));
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            if t.len() <= "https://".len() || t.contains(char::is_whitespace) {
                return Err(serde::de::Error::custom(format!(
                    "`{t}` is not a valid URL"
                )));
            }
            Ok(DocumentLocation::Url(t.to_string()))
        } else if lower.contains("://") {
            Err(serde::de::Error::custom(format!(
                "`{t}`: only http(s) URLs or file paths are supported"
            )))
        } else {
            Ok(DocumentLocation::File(t.to_string()))
        }
    }
}

/// A SHA-256 digest in hex (stored lower-case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sha256Hex(pub String);

impl<'de> Deserialize<'de> for Sha256Hex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let t = s.trim().strip_prefix("sha256:").unwrap_or(s.trim());
        if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Sha256Hex(t.to_ascii_lowercase()))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{s}` is not a SHA-256 digest: expected 64 hexadecimal digits (try `sha256sum FILE`)"
            )))
        }
    }
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        Err(serde::de::Error::custom("must not be empty"))
    } else {
        Ok(s.trim().to_string())
    }
}

fn non_empty_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    non_empty(d).map(Some)
}
