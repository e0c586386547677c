//! CycloneDX output: the inventory's BOM with a `vulnerabilities` array (CycloneDX 1.4+).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{is_web_url, recommendation, rfc3339, sorted};
use crate::cvss::{CvssVersion, Rating};
use crate::finding::{Finding, ScanReport, SeveritySource, Suppression};
use safeguard_model::Purl;

/// Why vulnerabilities cannot be added to a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CdxError {
    /// The document is not a JSON object.
    #[error("the SBOM to add vulnerabilities to is not a JSON object")]
    NotAnObject,
    /// `bomFormat` is missing or not `CycloneDX`.
    #[error("the SBOM to add vulnerabilities to is not CycloneDX (bomFormat is {0})")]
    NotCycloneDx(String),
    /// `specVersion` is older than 1.4, which introduced `vulnerabilities`.
    #[error(
        "CycloneDX {0} has no vulnerabilities section; write the SBOM as CycloneDX 1.4 or later"
    )]
    TooOld(String),
}

/// What [`add_vulnerabilities`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdxSummary {
    /// Entries written to `vulnerabilities`.
    pub vulnerabilities: usize,
    /// Findings left out, as (id, purl): their purl is neither a component of the BOM nor a
    /// valid package URL, so nothing could name the affected component.
    pub skipped: Vec<(String, String)>,
}

/// Adds the report's findings to `bom` (CycloneDX 1.4 or later, JSON, as written by
/// `safeguard_inventory::sbom::write_cyclonedx`) and writes it pretty-printed with a trailing
/// newline. See [`add_vulnerabilities`] for what is added; an unusable `bom` is an
/// [`io::ErrorKind::InvalidInput`] error.
pub fn write_cyclonedx(report: &ScanReport, mut bom: Value, out: &mut dyn Write) -> io::Result<()> {
    add_vulnerabilities(report, &mut bom)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    serde_json::to_writer_pretty(&mut *out, &bom)?;
    out.write_all(b"\n")
}

/// Sets `bom.vulnerabilities` (replacing any already there) from the report's findings.
///
/// One entry per vulnerability id and suppression: findings of the same id share an entry
/// (one `affects` item per component) unless they are suppressed differently, because
/// CycloneDX's `analysis` belongs to the whole entry. Each entry has:
/// - `id`, `source` (OSV, with the osv.dev URL), `references` for the aliases (CVE → NVD,
///   GHSA → GitHub, others → osv.dev), `description` (the summary);
/// - `ratings`: the CVSS score, severity, method (`CVSSv2`, `CVSSv3`, `CVSSv31`, `CVSSv4`)
///   and vector; a database rating as severity with method `other`; `unknown` when the
///   record gives no severity;
/// - `advisories` (the http(s) references), `published`, `updated` (the record's
///   `modified`), `recommendation` (`Upgrade to X`, per component when they differ);
/// - `affects`: `ref` = the component's `bom-ref` and `versions: [{version, status:
///   affected}]`;
/// - for a VEX-suppressed finding, `analysis {state: not_affected, justification, detail}`
///   (OpenVEX justifications mapped to CycloneDX's: component/vulnerable code not present →
///   `code_not_present`, not in execute path → `code_not_reachable`, cannot be controlled by
///   adversary → `requires_environment`, inline mitigations → `protected_by_mitigating_control`;
///   anything else goes into `detail`);
/// - for an ignored finding, no `analysis` (an ignore entry accepts a risk for a while, it
///   does not say the component is unaffected) but `safeguard:ignore:*` properties with the
///   reason, expiry and file.
///
/// `affects.ref`: a finding's purl is looked up among the BOM's components (with nested ones
/// and `metadata.component`) first as a `bom-ref`, then as a component `purl` (exact, then
/// normalised). A purl not in the BOM is still referenced, by the purl itself, when it is a
/// valid package URL (a CycloneDX VEX reader resolving refs as purls, ours included, still
/// finds it); a finding whose purl is neither is left out and listed in
/// [`CdxSummary::skipped`].
pub fn add_vulnerabilities(report: &ScanReport, bom: &mut Value) -> Result<CdxSummary, CdxError> {
    let obj = bom.as_object_mut().ok_or(CdxError::NotAnObject)?;
    match obj.get("bomFormat").and_then(Value::as_str) {
        Some("CycloneDX") => {}
        Some(other) => return Err(CdxError::NotCycloneDx(format!("{other:?}"))),
        None => return Err(CdxError::NotCycloneDx("missing".into())),
    }
    let spec = obj
        .get("specVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !spec_at_least_1_4(&spec) {
        return Err(CdxError::TooOld(if spec.is_empty() {
            "(no specVersion)".into()
        } else {
            spec
        }));
    }

    let refs = RefIndex::new(obj);
    let mut summary = CdxSummary::default();

    // Group by (id, suppression), keeping the sorted order inside each group.
    let mut groups: BTreeMap<(&str, String), Vec<(&Finding, String)>> = BTreeMap::new();
    for f in sorted(&report.findings) {
        let Some(r) = refs.resolve(&f.component.purl) else {
            summary
                .skipped
                .push((f.id.clone(), f.component.purl.clone()));
            continue;
        };
        groups
            .entry((f.id.as_str(), suppression_key(f.suppressed.as_ref())))
            .or_default()
            .push((f, r));
    }

    let vulns: Vec<Value> = groups
        .into_iter()
        .map(|((id, _), members)| vulnerability(id, &members))
        .collect();
    summary.vulnerabilities = vulns.len();
    obj.insert("vulnerabilities".into(), Value::Array(vulns));
    Ok(summary)
}

fn spec_at_least_1_4(spec: &str) -> bool {
    let mut parts = spec.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    match (major, minor) {
        (Some(1), Some(m)) => m >= 4,
        (Some(major), _) => major > 1,
        _ => false,
    }
}

/// A sort key that separates findings suppressed differently.
fn suppression_key(s: Option<&Suppression>) -> String {
    match s {
        None => String::new(),
        Some(Suppression::Vex {
            file,
            status,
            justification,
            statement,
        }) => format!(
            "vex\u{0}{file}\u{0}{status}\u{0}{}\u{0}{}",
            justification.as_deref().unwrap_or(""),
            statement.as_deref().unwrap_or("")
        ),
        Some(Suppression::Ignored {
            file,
            reason,
            expires,
        }) => format!(
            "ignored\u{0}{file}\u{0}{reason}\u{0}{}",
            expires.unix_timestamp()
        ),
    }
}

/// The BOM's references: every `bom-ref`, and component purls (as written and normalised)
/// to their `bom-ref`.
struct RefIndex {
    bom_refs: HashSet<String>,
    by_purl: HashMap<String, String>,
}

impl RefIndex {
    fn new(bom: &Map<String, Value>) -> RefIndex {
        let mut index = RefIndex {
            bom_refs: HashSet::new(),
            by_purl: HashMap::new(),
        };
        // Explicit stack: nested components can be arbitrarily deep in hostile input.
        let mut stack: Vec<&Value> = Vec::new();
        if let Some(c) = bom.get("metadata").and_then(|m| m.get("component")) {
            stack.push(c);
        }
        if let Some(list) = bom.get("components").and_then(Value::as_array) {
            stack.extend(list.iter());
        }
        while let Some(c) = stack.pop() {
            let bom_ref = c.get("bom-ref").and_then(Value::as_str);
            if let Some(r) = bom_ref {
                index.bom_refs.insert(r.to_string());
            }
            if let (Some(r), Some(p)) = (bom_ref, c.get("purl").and_then(Value::as_str)) {
                index
                    .by_purl
                    .entry(p.to_string())
                    .or_insert_with(|| r.to_string());
                if let Ok(n) = Purl::parse(p) {
                    index
                        .by_purl
                        .entry(n.to_string())
                        .or_insert_with(|| r.to_string());
                }
            }
            if let Some(list) = c.get("components").and_then(Value::as_array) {
                stack.extend(list.iter());
            }
        }
        index
    }

    fn resolve(&self, purl: &str) -> Option<String> {
        if purl.is_empty() {
            return None;
        }
        if self.bom_refs.contains(purl) {
            return Some(purl.to_string());
        }
        if let Some(r) = self.by_purl.get(purl) {
            return Some(r.clone());
        }
        let parsed = Purl::parse(purl).ok()?;
        if let Some(r) = self.by_purl.get(&parsed.to_string()) {
            return Some(r.clone());
        }
        Some(purl.to_string())
    }
}

fn vulnerability(id: &str, members: &[(&Finding, String)]) -> Value {
    let mut v = Map::new();
    // `members` is never empty (groups are built by pushing).
    let Some((first, _)) = members.first() else {
        return Value::Object(v);
    };
    v.insert("id".into(), id.into());
    v.insert(
        "source".into(),
        json!({"name": "OSV", "url": format!("https://osv.dev/vulnerability/{}", url_segment(id))}),
    );

    let aliases: BTreeSet<&str> = members
        .iter()
        .flat_map(|(f, _)| f.aliases.iter().map(String::as_str))
        .filter(|a| !a.is_empty() && *a != id)
        .collect();
    if !aliases.is_empty() {
        let refs: Vec<Value> = aliases
            .iter()
            .map(|a| json!({"id": a, "source": alias_source(a)}))
            .collect();
        v.insert("references".into(), Value::Array(refs));
    }

    v.insert("ratings".into(), Value::Array(vec![rating(first)]));

    if let Some(s) = first
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        v.insert("description".into(), s.into());
    }

    if let Some(rec) = group_recommendation(members) {
        v.insert("recommendation".into(), rec.into());
    }

    let mut seen = HashSet::new();
    let advisories: Vec<Value> = members
        .iter()
        .flat_map(|(f, _)| f.references.iter())
        .filter(|r| is_web_url(r) && seen.insert(r.as_str()))
        .map(|r| json!({"url": r}))
        .collect();
    if !advisories.is_empty() {
        v.insert("advisories".into(), Value::Array(advisories));
    }

    if let Some(p) = members.iter().filter_map(|(f, _)| f.published).min() {
        v.insert("published".into(), rfc3339(p).into());
    }
    if let Some(m) = members.iter().map(|(f, _)| f.modified).max() {
        v.insert("updated".into(), rfc3339(m).into());
    }

    match &first.suppressed {
        Some(Suppression::Vex {
            file,
            status,
            justification,
            statement,
        }) if status == "not_affected" => {
            let mut a = Map::new();
            a.insert("state".into(), "not_affected".into());
            let mapped = justification.as_deref().and_then(cdx_justification);
            if let Some(j) = mapped {
                a.insert("justification".into(), j.into());
            }
            let mut detail = Vec::new();
            if let (None, Some(j)) = (mapped, justification) {
                detail.push(format!("Justification: {j}."));
            }
            if let Some(s) = statement.as_deref().filter(|s| !s.trim().is_empty()) {
                detail.push(s.trim().to_string());
            }
            if !detail.is_empty() {
                a.insert("detail".into(), detail.join(" ").into());
            }
            v.insert("analysis".into(), Value::Object(a));
            v.insert(
                "properties".into(),
                json!([{"name": "safeguard:vex:file", "value": file}]),
            );
        }
        Some(Suppression::Vex { file, status, .. }) => {
            // Only not_affected suppresses; keep whatever else the record says as properties.
            v.insert(
                "properties".into(),
                json!([
                    {"name": "safeguard:vex:file", "value": file},
                    {"name": "safeguard:vex:status", "value": status},
                ]),
            );
        }
        Some(Suppression::Ignored {
            file,
            reason,
            expires,
        }) => {
            v.insert(
                "properties".into(),
                json!([
                    {"name": "safeguard:ignore:expires", "value": rfc3339(*expires)},
                    {"name": "safeguard:ignore:file", "value": file},
                    {"name": "safeguard:ignore:reason", "value": reason},
                ]),
            );
        }
        None => {}
    }

    // One `affects` item per bom-ref, with its distinct versions.
    let mut affects: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (f, r) in members {
        let versions = affects.entry(r.as_str()).or_default();
        if !f.component.version.is_empty() {
            versions.insert(f.component.version.as_str());
        }
    }
    let affects: Vec<Value> = affects
        .into_iter()
        .map(|(r, versions)| {
            let mut a = Map::new();
            a.insert("ref".into(), r.into());
            if !versions.is_empty() {
                let vs: Vec<Value> = versions
                    .into_iter()
                    .map(|ver| json!({"version": ver, "status": "affected"}))
                    .collect();
                a.insert("versions".into(), Value::Array(vs));
            }
            Value::Object(a)
        })
        .collect();
    v.insert("affects".into(), Value::Array(affects));
    Value::Object(v)
}

/// The rating of a finding in CycloneDX terms.
fn rating(f: &Finding) -> Value {
    let s = &f.severity;
    let severity = match s.rating {
        Some(r) => cdx_severity(r),
        None => "unknown",
    };
    let mut r = Map::new();
    if let Some(score) = s.score.filter(|x| x.is_finite()) {
        r.insert("score".into(), json!(score));
    }
    r.insert("severity".into(), severity.into());
    match (s.source, s.cvss_version) {
        (SeveritySource::Cvss, Some(v)) => {
            r.insert("method".into(), cdx_method(v).into());
        }
        (SeveritySource::Database, _) | (SeveritySource::Cvss, None) => {
            r.insert("method".into(), "other".into());
        }
        (SeveritySource::Unknown, _) => {}
    }
    if let Some(vector) = s.vector.as_deref().filter(|v| !v.is_empty()) {
        r.insert("vector".into(), vector.into());
    }
    Value::Object(r)
}

fn cdx_severity(r: Rating) -> &'static str {
    match r {
        Rating::Critical => "critical",
        Rating::High => "high",
        Rating::Medium => "medium",
        Rating::Low => "low",
        Rating::None => "none",
    }
}

fn cdx_method(v: CvssVersion) -> &'static str {
    match v {
        CvssVersion::V2 => "CVSSv2",
        CvssVersion::V3_0 => "CVSSv3",
        CvssVersion::V3_1 => "CVSSv31",
        CvssVersion::V4_0 => "CVSSv4",
    }
}

/// A CycloneDX `impactAnalysisJustification` for a VEX justification: CycloneDX values pass
/// through; OpenVEX ones are mapped to the closest CycloneDX meaning.
pub(crate) fn cdx_justification(j: &str) -> Option<&'static str> {
    const CDX: [&str; 9] = [
        "code_not_present",
        "code_not_reachable",
        "requires_configuration",
        "requires_dependency",
        "requires_environment",
        "protected_by_compiler",
        "protected_at_runtime",
        "protected_at_perimeter",
        "protected_by_mitigating_control",
    ];
    if let Some(c) = CDX.iter().find(|c| **c == j) {
        return Some(c);
    }
    match j {
        "component_not_present" | "vulnerable_code_not_present" => Some("code_not_present"),
        "vulnerable_code_not_in_execute_path" => Some("code_not_reachable"),
        "vulnerable_code_cannot_be_controlled_by_adversary" => Some("requires_environment"),
        "inline_mitigations_already_exist" => Some("protected_by_mitigating_control"),
        _ => None,
    }
}

/// `Upgrade to X` when every component of the group has the same advice; otherwise the
/// advice per package (`a@1.0: Upgrade to 1.2; a@2.0: Upgrade to 2.1`).
fn group_recommendation(members: &[(&Finding, String)]) -> Option<String> {
    let per: BTreeMap<String, Option<String>> = members
        .iter()
        .map(|(f, _)| {
            let c = &f.component;
            (format!("{}@{}", c.name, c.version), recommendation(f))
        })
        .collect();
    let distinct: BTreeSet<&Option<String>> = per.values().collect();
    if distinct.len() == 1 {
        return per.into_values().next().flatten();
    }
    let parts: Vec<String> = per
        .into_iter()
        .filter_map(|(pkg, r)| r.map(|r| format!("{pkg}: {r}")))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn alias_source(alias: &str) -> Value {
    let seg = url_segment(alias);
    if alias.starts_with("CVE-") {
        json!({"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{seg}")})
    } else if alias.starts_with("GHSA-") {
        json!({"name": "GitHub Advisories", "url": format!("https://github.com/advisories/{seg}")})
    } else {
        json!({"name": "OSV", "url": format!("https://osv.dev/vulnerability/{seg}")})
    }
}

/// Percent-encodes an id for use as one URL path segment.
fn url_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_versions() {
        assert!(spec_at_least_1_4("1.4"));
        assert!(spec_at_least_1_4("1.6"));
        assert!(spec_at_least_1_4("1.10"));
        assert!(spec_at_least_1_4("2.0"));
        assert!(!spec_at_least_1_4("1.3"));
        assert!(!spec_at_least_1_4(""));
        assert!(!spec_at_least_1_4("one"));
    }

    #[test]
    fn justifications() {
        assert_eq!(
            cdx_justification("code_not_reachable"),
            Some("code_not_reachable")
        );
        assert_eq!(
            cdx_justification("vulnerable_code_not_in_execute_path"),
            Some("code_not_reachable")
        );
        assert_eq!(
            cdx_justification("component_not_present"),
            Some("code_not_present")
        );
        assert_eq!(cdx_justification("because"), None);
    }

    #[test]
    fn segments() {
        assert_eq!(url_segment("GHSA-abcd-1234"), "GHSA-abcd-1234");
        assert_eq!(url_segment("a/b c"), "a%2Fb%20c");
    }
}
