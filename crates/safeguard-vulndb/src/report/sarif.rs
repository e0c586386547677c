//! SARIF 2.1.0 output, for code-scanning dashboards.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{is_web_url, one_line, recommendation, rfc3339, short_purl, sorted, suppression_text};
use crate::cvss::Rating;
use crate::finding::{Finding, ScanReport};

/// The `$schema` written into SARIF logs (the OASIS 2.1.0 errata 01 schema).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// `tool.driver.informationUri`: where to read about what Safeguard checks.
pub const INFORMATION_URI: &str =
    "https://www.gov.uk/government/publications/software-security-code-of-practice";

/// The `partialFingerprints` key; the value is stable per (purl, vulnerability id).
const FINGERPRINT_KEY: &str = "safeguardFinding/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties<'a> {
    /// GitHub code scanning reads this (a number as a string) to rank security results.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    tags: [&'static str; 3],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_vector: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: String,
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    purl: &'a str,
    ecosystem: &'a str,
    severity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "is_empty")]
    fixed_versions: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    upgrade_to: Option<&'a str>,
    relationship: &'a str,
    #[serde(skip_serializing_if = "is_empty")]
    introduced_by: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    target: &'a str,
    scanned_at: String,
    components: u64,
    unchecked_components: usize,
    suppressed_findings: usize,
    database: DbProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DbProperties<'a> {
    path: &'a str,
    records: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    newest_modified: Option<String>,
}

/// Writes the report as a SARIF 2.1.0 log (pretty JSON, trailing newline) with one run.
///
/// - `tool.driver`: name `safeguard`, the report's tool version, [`INFORMATION_URI`], and one
///   rule per vulnerability id (sorted): `shortDescription` = the summary, `helpUri` = the first
///   reference that is an http(s) URL, `properties.security-severity` = the highest CVSS score
///   of its findings as a string (only when a score is known), `tags`, `aliases`.
/// - One result per finding: `level` error (critical, high), warning (medium) or note (low,
///   none, unknown); the location is the lockfile or SBOM (relative URI under `%SRCROOT%`, and
///   its line when known), or, when the file is not known, a logical location of kind
///   `package` named by the purl; `partialFingerprints` stable per (purl, id).
/// - Suppressed findings are written only when `show_suppressed`, each with a `suppressions`
///   entry (kind `external`, status `accepted`, the VEX justification and statement or the
///   ignore reason and expiry). Without it they are left out (SARIF consumers would otherwise
///   still count them) and `run.properties.suppressedFindings` says how many were left out.
pub fn write_sarif(
    report: &ScanReport,
    show_suppressed: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let all = sorted(&report.findings);
    let suppressed_total = all.iter().filter(|f| f.suppressed.is_some()).count();
    let findings: Vec<&Finding> = all
        .into_iter()
        .filter(|f| show_suppressed || f.suppressed.is_none())
        .collect();

    // One rule per id, in id order; the first finding of an id (highest severity, by sort
    // order) supplies the description.
    let mut by_id: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &findings {
        by_id.entry(f.id.as_str()).or_default().push(f);
    }
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::with_capacity(by_id.len());
    for (i, (id, group)) in by_id.iter().enumerate() {
        rule_index.insert(id, i);
        rules.push(rule(id, group));
    }

    let results = findings
        .iter()
        .map(|f| result(f, rule_index.get(f.id.as_str()).copied().unwrap_or(0)))
        .collect();

    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "safeguard",
                    version: &report.tool_version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            properties: RunProperties {
                target: &report.target,
                scanned_at: rfc3339(report.scanned_at),
                components: report.components,
                unchecked_components: report.unchecked.len(),
                suppressed_findings: if show_suppressed { 0 } else { suppressed_total },
                database: DbProperties {
                    path: &report.db.path,
                    records: report.db.records,
                    newest_modified: report.db.newest_modified.map(rfc3339),
                },
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn rule<'a>(id: &'a str, group: &[&'a Finding]) -> Rule<'a> {
    // `group` is never empty (built by pushing); fall back to defaults if it were.
    let first = group.first();
    let summary = first
        .and_then(|f| f.summary.as_deref())
        .map(|s| one_line(s.trim()).into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("Vulnerability {id}"));
    let help_uri = group
        .iter()
        .flat_map(|f| f.references.iter())
        .find(|r| is_web_url(r))
        .map(String::as_str);
    let best_score = group
        .iter()
        .filter_map(|f| f.severity.score)
        .filter(|s| s.is_finite())
        .reduce(f64::max);
    let mut aliases: Vec<&str> = group
        .iter()
        .flat_map(|f| f.aliases.iter().map(String::as_str))
        .collect();
    aliases.sort_unstable();
    aliases.dedup();
    let top = group
        .iter()
        .map(|f| level(f.severity.rating))
        .min_by_key(|l| {
            // error < warning < note
            match *l {
                "error" => 0,
                "warning" => 1,
                _ => 2,
            }
        });
    Rule {
        id,
        short_description: Text { text: summary },
        help_uri,
        default_configuration: Configuration {
            level: top.unwrap_or("note"),
        },
        properties: RuleProperties {
            security_severity: best_score.map(|s| format!("{s:.1}")),
            tags: ["dependency", "security", "vulnerability"],
            aliases,
            cvss_vector: first.and_then(|f| f.severity.vector.as_deref()),
        },
    }
}

fn result<'a>(f: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let c = &f.component;
    let package = if c.version.is_empty() {
        c.name.clone()
    } else {
        format!("{}@{}", c.name, c.version)
    };
    let mut message = format!("{package} is affected by {}", f.id);
    if let Some(s) = f
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        message.push_str(&format!(": {s}"));
    }
    message.push_str(". ");
    match recommendation(f) {
        Some(r) => message.push_str(&format!("{r}.")),
        None => message.push_str("No fixed version is known."),
    }
    if c.relationship != "direct" && !c.introduced_by.is_empty() {
        let mut by: Vec<String> = c.introduced_by.iter().map(|p| short_purl(p)).collect();
        by.sort();
        by.dedup();
        message.push_str(&format!(" Introduced by {}.", by.join(", ")));
    }

    let location = match c.file.as_deref().filter(|f| !f.is_empty()) {
        Some(file) => Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact_location(file),
                region: c.line.filter(|l| *l >= 1).map(|l| Region { start_line: l }),
            }),
            logical_locations: Vec::new(),
        },
        None => Location {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                name: package.clone(),
                fully_qualified_name: &c.purl,
                kind: "package",
            }],
        },
    };

    let suppressions = match &f.suppressed {
        Some(s) => vec![SarifSuppression {
            kind: "external",
            status: "accepted",
            justification: suppression_text(s),
        }],
        None => Vec::new(),
    };

    SarifResult {
        rule_id: &f.id,
        rule_index,
        level: level(f.severity.rating),
        message: Text {
            text: one_line(&message).into_owned(),
        },
        locations: [location],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(&c.purl, &f.id))]),
        suppressions,
        properties: ResultProperties {
            purl: &c.purl,
            ecosystem: &c.ecosystem,
            severity: f
                .severity
                .rating
                .map(|r| r.to_string())
                .unwrap_or_else(|| "unknown".into()),
            score: f.severity.score.filter(|s| s.is_finite()),
            fixed_versions: &f.fixed_versions,
            upgrade_to: f.upgrade_to.as_deref(),
            relationship: &c.relationship,
            introduced_by: &c.introduced_by,
        },
    }
}

fn is_empty(s: &&[String]) -> bool {
    s.is_empty()
}

/// SARIF level of a rating: critical/high → error, medium → warning, the rest → note.
fn level(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Critical | Rating::High) => "error",
        Some(Rating::Medium) => "warning",
        Some(Rating::Low | Rating::None) | None => "note",
    }
}

/// The artifact location of a declaring file: a relative URI reference under `%SRCROOT%`, or
/// a `file:` URI for an absolute path. Backslashes become `/`; anything outside the URI
/// unreserved set, sub-delimiters, `@` and `/` is percent-encoded (and `:` too in a relative
/// path, where it would read as a scheme).
fn artifact_location(file: &str) -> ArtifactLocation {
    let path = file.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(&path, true)),
            uri_base_id: None,
        }
    } else if drive {
        ArtifactLocation {
            uri: format!("file:///{}", encode_path(&path, true)),
            uri_base_id: None,
        }
    } else {
        let rel = path.trim_start_matches("./");
        ArtifactLocation {
            uri: encode_path(rel, false),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

fn encode_path(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (keep_colon && b == b':');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a (64-bit) of `purl`, a zero byte and `id`, as 16 hex digits: opaque, short and the
/// same for the same (purl, id) in every run.
fn fingerprint(purl: &str, id: &str) -> String {
    let h = fnv1a(purl.bytes().chain(std::iter::once(0)).chain(id.bytes()));
    format!("{h:016x}")
}

fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris() {
        let a = artifact_location("web/package-lock.json");
        assert_eq!(a.uri, "web/package-lock.json");
        assert_eq!(a.uri_base_id, Some("%SRCROOT%"));
        assert_eq!(artifact_location("./a b/C:x").uri, "a%20b/C%3Ax");
        let a = artifact_location("/srv/repo/Cargo.lock");
        assert_eq!(a.uri, "file:///srv/repo/Cargo.lock");
        assert_eq!(a.uri_base_id, None);
        assert_eq!(
            artifact_location("C:\\work\\x y\\go.sum").uri,
            "file:///C:/work/x%20y/go.sum"
        );
        assert_eq!(artifact_location("dir/%.lock").uri, "dir/%25.lock");
    }

    #[test]
    fn fingerprints_are_fnv1a() {
        // Published FNV-1a 64 test values.
        assert_eq!(fnv1a(b"".iter().copied()), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a".iter().copied()), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar".iter().copied()), 0x8594_4171_f739_67e8);
        assert_eq!(fingerprint("a", "").len(), 16);
        assert_ne!(
            fingerprint("pkg:npm/a@1", "X"),
            fingerprint("pkg:npm/a@1X", "")
        );
        assert_eq!(fingerprint("p", "i"), fingerprint("p", "i"));
    }

    #[test]
    fn levels() {
        assert_eq!(level(Some(Rating::Critical)), "error");
        assert_eq!(level(Some(Rating::High)), "error");
        assert_eq!(level(Some(Rating::Medium)), "warning");
        assert_eq!(level(Some(Rating::Low)), "note");
        assert_eq!(level(Some(Rating::None)), "note");
        assert_eq!(level(None), "note");
    }
}
