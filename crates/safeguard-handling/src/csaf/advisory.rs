//! CSAF 2.0 documents drafted from tickets: a security advisory (`csaf_security_advisory`,
//! profile 4) or a VEX document (`csaf_vex`, profile 5, section 4.5).
//!
//! The product tree holds the product (vendor → product name → product version) and each
//! affected component by purl; a `default_component_of` relationship gives every component in
//! the product its own product id, and the vulnerabilities speak about those. Tickets that name
//! the same CVE (as id or alias) become one vulnerability. Output is deterministic: the same
//! tickets and metadata give the same bytes, whatever the order of the tickets.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use safeguard_model::purl::Purl;
use safeguard_vulndb::cvss::{Cvss, CvssVersion, Rating};

use super::cvss::severity_name;
use crate::model::{DocMeta, Justification, Status, Ticket};

/// `draft` or `final` (CSAF `/document/tracking/status`; `interim` is not drafted here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrackingStatus {
    /// Not yet released (what `safeguard advisory new` writes).
    #[default]
    Draft,
    /// Released.
    Final,
}

/// One entry of `/document/tracking/revision_history`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// When this revision was issued.
    pub date: OffsetDateTime,
    /// Its integer version (`1`, `2`, …).
    pub number: u32,
    /// What changed.
    pub summary: String,
}

/// Choices for a drafted document beyond the tickets and [`DocMeta`].
#[derive(Debug, Clone, Default)]
pub struct AdvisoryOptions {
    /// Draft or final.
    pub status: TrackingStatus,
    /// The document title; a title naming the product and the vulnerabilities by default.
    pub title: Option<String>,
    /// Earlier revisions, oldest first. The document's own revision (number one higher than
    /// the last, dated `meta.timestamp`) is appended; with none, the document is version 1.
    pub previous_revisions: Vec<Revision>,
    /// What the new revision changes (default "Initial version." or "Updated.").
    pub revision_summary: Option<String>,
    /// The TLP label of the distribution (default `WHITE`, for a public advisory).
    pub tlp: Option<String>,
}

/// Why a document could not be drafted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DraftError {
    /// No tickets: a CSAF advisory needs at least one vulnerability.
    #[error("no tickets to draft from: a CSAF advisory needs at least one vulnerability")]
    NoTickets,
    /// A field the document needs is empty.
    #[error("{0} is empty; set it in safeguard.toml ([vendor] name and namespace, product name)")]
    Empty(&'static str),
}

const PRODUCT_ID: &str = "CSAFPID-0";

/// Drafts a CSAF 2.0 security advisory (profile `csaf_security_advisory`) from tickets.
pub fn advisory(
    tickets: &[&Ticket],
    meta: &DocMeta,
    opts: &AdvisoryOptions,
) -> Result<Value, DraftError> {
    build(tickets, meta, opts, "csaf_security_advisory")
}

/// Drafts a CSAF 2.0 VEX document (profile `csaf_vex`) from tickets: every known-not-affected
/// product gets an impact statement (a flag from its justification and a threat of category
/// `impact`), every known-affected one an action statement (a remediation).
pub fn vex(
    tickets: &[&Ticket],
    meta: &DocMeta,
    opts: &AdvisoryOptions,
) -> Result<Value, DraftError> {
    build(tickets, meta, opts, "csaf_vex")
}

/// The CSAF flag label of a VEX justification (CSAF 2.0 section 3.2.3.5 uses the same codes).
pub fn flag_label(j: Justification) -> &'static str {
    match j {
        Justification::ComponentNotPresent => "component_not_present",
        Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
        Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
        Justification::VulnerableCodeCannotBeControlledByAdversary => {
            "vulnerable_code_cannot_be_controlled_by_adversary"
        }
        Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
    }
}

fn impact_text(j: Option<Justification>) -> &'static str {
    match j {
        Some(Justification::ComponentNotPresent) => {
            "The vulnerable component is not included in the product."
        }
        Some(Justification::VulnerableCodeNotPresent) => {
            "The vulnerable code is not present in the component as the product uses it."
        }
        Some(Justification::VulnerableCodeNotInExecutePath) => {
            "The vulnerable code is present but cannot be executed by the product."
        }
        Some(Justification::VulnerableCodeCannotBeControlledByAdversary) => {
            "The vulnerable code cannot be controlled by an attacker in the product."
        }
        Some(Justification::InlineMitigationsAlreadyExist) => {
            "Built-in protections in the product prevent exploitation."
        }
        None => "The product is not affected by this vulnerability.",
    }
}

fn date(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// The CVE a ticket is about (its id or first CVE alias), if any.
fn cve_of(t: &Ticket) -> Option<String> {
    let is_cve = |s: &str| {
        s.strip_prefix("CVE-").is_some_and(|r| {
            let mut p = r.splitn(2, '-');
            let (y, n) = (p.next().unwrap_or(""), p.next().unwrap_or(""));
            y.len() == 4
                && y.bytes().all(|b| b.is_ascii_digit())
                && n.len() >= 4
                && n.bytes().all(|b| b.is_ascii_digit())
        })
    };
    if is_cve(&t.vuln_id) {
        return Some(t.vuln_id.clone());
    }
    let mut aliases: Vec<&String> = t.aliases.iter().filter(|a| is_cve(a)).collect();
    aliases.sort();
    aliases.first().map(|s| s.to_string())
}

/// The database a non-CVE id comes from (`ids[].system_name`).
fn system_name(id: &str) -> &'static str {
    let prefix = id.split('-').next().unwrap_or("");
    match prefix {
        "GHSA" => "GitHub Security Advisories",
        "RUSTSEC" => "RustSec Advisory Database",
        "PYSEC" => "PyPI Advisory Database",
        "GO" => "Go Vulnerability Database",
        "OSV" => "OSV",
        "GSD" => "Global Security Database",
        "SNYK" => "Snyk",
        _ => "OSV",
    }
}

/// Ranks statuses when two tickets put one product in the same vulnerability: the one that asks
/// more of the customer wins.
fn rank(s: Status) -> u8 {
    match s {
        Status::Affected => 5,
        Status::Accepted => 4,
        Status::UnderInvestigation => 3,
        Status::Fixed => 2,
        Status::NotAffected => 1,
    }
}

fn non_empty(s: &str, what: &'static str) -> Result<(), DraftError> {
    if s.trim().is_empty() {
        Err(DraftError::Empty(what))
    } else {
        Ok(())
    }
}

/// An absolute http(s) URL without spaces (anything else would fail the schema's `uri` format).
fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > 8
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

struct Component {
    id: String,
    composite: String,
    name: String,
    purl: Option<String>,
}

fn build(
    tickets: &[&Ticket],
    meta: &DocMeta,
    opts: &AdvisoryOptions,
    category: &str,
) -> Result<Value, DraftError> {
    if tickets.is_empty() {
        return Err(DraftError::NoTickets);
    }
    non_empty(&meta.publisher, "the publisher name")?;
    non_empty(&meta.namespace, "the publisher namespace")?;
    non_empty(&meta.product_name, "the product name")?;
    non_empty(&meta.document_id, "the document id")?;
    let mut tickets: Vec<&Ticket> = tickets.to_vec();
    tickets.sort_by(|a, b| (&a.purl, &a.vuln_id, a.id).cmp(&(&b.purl, &b.vuln_id, b.id)));

    // Components, numbered in purl order.
    let purls: BTreeSet<&str> = tickets.iter().map(|t| t.purl.as_str()).collect();
    let mut components: BTreeMap<&str, Component> = BTreeMap::new();
    for (n, purl) in purls.iter().enumerate() {
        let parsed = Purl::parse(purl).ok();
        let name = match &parsed {
            Some(p) => match &p.version {
                Some(v) => format!("{} {v}", p.full_name()),
                None => p.full_name(),
            },
            None if purl.trim().is_empty() => "unnamed component".to_string(),
            None => purl.to_string(),
        };
        components.insert(
            purl,
            Component {
                id: format!("CSAFPID-C{}", n + 1),
                composite: format!("CSAFPID-{}", n + 1),
                name,
                purl: parsed.map(|_| purl.to_string()),
            },
        );
    }
    let product_full_name = match &meta.product_version {
        Some(v) => format!("{} {v}", meta.product_name),
        None => meta.product_name.clone(),
    };

    // Product tree.
    let mut product = json!({"name": product_full_name, "product_id": PRODUCT_ID});
    if let Some(p) = meta
        .product_purl
        .as_deref()
        .filter(|p| Purl::parse(p).is_ok())
    {
        product["product_identification_helper"] = json!({"purl": p});
    }
    let name_branch = match &meta.product_version {
        Some(v) => json!({"category": "product_name", "name": meta.product_name, "branches": [
            {"category": "product_version", "name": v, "product": product}
        ]}),
        None => json!({"category": "product_name", "name": meta.product_name, "product": product}),
    };
    let mut full_product_names = Vec::new();
    let mut relationships = Vec::new();
    for c in components.values() {
        let mut fpn = json!({"name": c.name, "product_id": c.id});
        if let Some(p) = &c.purl {
            fpn["product_identification_helper"] = json!({"purl": p});
        }
        full_product_names.push(fpn);
        relationships.push(json!({
            "category": "default_component_of",
            "full_product_name": {
                "name": format!("{} as part of {product_full_name}", c.name),
                "product_id": c.composite,
            },
            "product_reference": c.id,
            "relates_to_product_reference": PRODUCT_ID,
        }));
    }
    let product_tree = json!({
        "branches": [{"category": "vendor", "name": meta.publisher, "branches": [name_branch]}],
        "full_product_names": full_product_names,
        "relationships": relationships,
    });

    // Vulnerabilities: one per CVE (or per id when there is no CVE).
    let mut by_key: BTreeMap<String, Vec<&Ticket>> = BTreeMap::new();
    for t in &tickets {
        let key = cve_of(t).unwrap_or_else(|| t.vuln_id.clone());
        by_key.entry(key).or_default().push(t);
    }
    let mut vulnerabilities = Vec::new();
    for (key, group) in &by_key {
        vulnerabilities.push(vulnerability(key, group, &components));
    }

    // Document.
    let previous = &opts.previous_revisions;
    let number = previous
        .last()
        .map(|r| r.number.saturating_add(1))
        .unwrap_or(1);
    let mut history: Vec<Value> = previous
        .iter()
        .map(
            |r| json!({"date": date(r.date), "number": r.number.to_string(), "summary": r.summary}),
        )
        .collect();
    let summary = opts.revision_summary.clone().unwrap_or_else(|| {
        if previous.is_empty() {
            "Initial version.".into()
        } else {
            "Updated.".into()
        }
    });
    history.push(
        json!({"date": date(meta.timestamp), "number": number.to_string(), "summary": summary}),
    );
    let initial = previous.first().map(|r| r.date).unwrap_or(meta.timestamp);
    let title = opts
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| {
            let keys: Vec<&str> = by_key.keys().map(String::as_str).collect();
            let shown = if keys.len() > 3 {
                format!("{} and {} more", keys[..3].join(", "), keys.len() - 3)
            } else {
                keys.join(", ")
            };
            let kind = if category == "csaf_vex" {
                "VEX"
            } else {
                "Security advisory"
            };
            format!("{kind} for {product_full_name}: {shown}")
        });
    let mut publisher =
        json!({"category": "vendor", "name": meta.publisher, "namespace": meta.namespace});
    if let Some(c) = meta.contact.as_deref().filter(|c| !c.trim().is_empty()) {
        publisher["contact_details"] = json!(c);
    }
    let note = if category == "csaf_vex" {
        format!(
            "Exploitability of {} known vulnerabilities in the components of {product_full_name}, from {}'s triage decisions.",
            by_key.len(),
            meta.publisher
        )
    } else {
        format!(
            "{} vulnerabilities affect components of {product_full_name}. This advisory states for each whether the product is affected and how to remediate.",
            by_key.len()
        )
    };
    let document = json!({
        "category": category,
        "csaf_version": "2.0",
        "distribution": {"tlp": {"label": opts.tlp.clone().unwrap_or_else(|| "WHITE".into()), "url": "https://www.first.org/tlp/"}},
        "lang": "en",
        "notes": [{"category": "summary", "text": note, "title": "Summary"}],
        "publisher": publisher,
        "title": title,
        "tracking": {
            "current_release_date": date(meta.timestamp),
            "generator": {"date": date(meta.timestamp), "engine": {"name": "Safeguard", "version": env!("CARGO_PKG_VERSION")}},
            "id": meta.document_id,
            "initial_release_date": date(initial),
            "revision_history": history,
            "status": match opts.status { TrackingStatus::Draft => "draft", TrackingStatus::Final => "final" },
            "version": number.to_string(),
        },
    });
    Ok(json!({
        "document": document,
        "product_tree": product_tree,
        "vulnerabilities": vulnerabilities,
    }))
}

fn vulnerability(key: &str, group: &[&Ticket], components: &BTreeMap<&str, Component>) -> Value {
    let mut v = Map::new();
    let is_cve = key.starts_with("CVE-");
    if is_cve {
        v.insert("cve".into(), json!(key));
    }
    // ids: every non-CVE id and alias
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for t in group {
        ids.insert(&t.vuln_id);
        ids.extend(t.aliases.iter().map(String::as_str));
    }
    let ids: Vec<Value> = ids
        .into_iter()
        .filter(|i| !i.starts_with("CVE-") && !i.trim().is_empty())
        .map(|i| json!({"system_name": system_name(i), "text": i}))
        .collect();
    if !ids.is_empty() {
        v.insert("ids".into(), json!(ids));
    } else if !is_cve {
        // a key that is neither a CVE nor a usable id still needs an id (profile 5)
        v.insert(
            "ids".into(),
            json!([{"system_name": "Safeguard", "text": key}]),
        );
    }

    // One ticket per product: the most demanding status wins.
    let mut per_product: BTreeMap<&str, &Ticket> = BTreeMap::new();
    for t in group {
        let Some(c) = components.get(t.purl.as_str()) else {
            continue;
        };
        let e = per_product.entry(c.composite.as_str()).or_insert(t);
        if (rank(t.status), std::cmp::Reverse(t.id)) > (rank(e.status), std::cmp::Reverse(e.id)) {
            *e = t;
        }
    }

    let summary = group
        .iter()
        .filter_map(|t| t.summary.as_deref())
        .find(|s| !s.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            let names: BTreeSet<&str> = group
                .iter()
                .filter_map(|t| components.get(t.purl.as_str()).map(|c| c.name.as_str()))
                .collect();
            format!(
                "{key} in {}.",
                names.into_iter().collect::<Vec<_>>().join(", ")
            )
        });
    v.insert(
        "notes".into(),
        json!([{"category": "summary", "text": summary, "title": "Summary"}]),
    );

    let mut status: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut remediations: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut threats: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut flags: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut scores: BTreeMap<(String, String, String, String), Vec<&str>> = BTreeMap::new();
    for (pid, t) in &per_product {
        let component = components
            .get(t.purl.as_str())
            .map(|c| c.name.as_str())
            .unwrap_or("the component");
        let fix = |fixed: &[String]| -> String {
            let mut vs: Vec<&str> = fixed
                .iter()
                .map(String::as_str)
                .filter(|s| !s.trim().is_empty())
                .collect();
            vs.sort_unstable();
            vs.dedup();
            format!("Update {component} to version {}.", vs.join(" or "))
        };
        let list = match t.status {
            Status::Affected | Status::Accepted => "known_affected",
            Status::NotAffected => "known_not_affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        };
        status.entry(list).or_default().push(pid);
        let has_fix = t.fixed_versions.iter().any(|f| !f.trim().is_empty());
        match t.status {
            Status::Affected if has_fix => {
                remediations
                    .entry(("vendor_fix".into(), fix(&t.fixed_versions)))
                    .or_default()
                    .push(pid);
            }
            Status::Affected => {
                let (cat, details) = match t.statement.as_deref().filter(|s| !s.trim().is_empty()) {
                    Some(s) => ("mitigation", s.to_string()),
                    None => (
                        "none_available",
                        format!("No fixed version of {component} is available yet."),
                    ),
                };
                remediations
                    .entry((cat.into(), details))
                    .or_default()
                    .push(pid);
            }
            Status::Accepted => {
                let details = match &t.acceptance {
                    Some(a) => format!(
                        "The risk is accepted by {} until {}: {}",
                        a.approver,
                        date(a.expires),
                        a.reason
                    ),
                    None => t
                        .statement
                        .clone()
                        .filter(|s| !s.trim().is_empty())
                        .unwrap_or_else(|| {
                            "The risk is accepted; no fix is planned for now.".into()
                        }),
                };
                let cat = if t.statement.as_deref().is_some_and(|s| !s.trim().is_empty()) {
                    "mitigation"
                } else {
                    "no_fix_planned"
                };
                remediations
                    .entry((cat.into(), details))
                    .or_default()
                    .push(pid);
            }
            Status::Fixed => {
                let details = match (&t.released_in, has_fix) {
                    (Some(r), _) if !r.trim().is_empty() => format!("Fixed in release {r}."),
                    (_, true) => fix(&t.fixed_versions),
                    _ => "Fixed: the product no longer ships the vulnerable component version."
                        .into(),
                };
                remediations
                    .entry(("vendor_fix".into(), details))
                    .or_default()
                    .push(pid);
            }
            Status::NotAffected => {
                let details = t
                    .statement
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| impact_text(t.justification).to_string());
                threats.entry(details).or_default().push(pid);
                if let Some(j) = t.justification {
                    flags.entry(flag_label(j)).or_default().push(pid);
                }
            }
            Status::UnderInvestigation => {}
        }
        // Scores: CVSS 3.x only, from the stored score when it matches the vector.
        if let (Some(vector), Some(score)) = (t.cvss_vector.as_deref(), t.cvss_score)
            && let Ok(c) = Cvss::parse(vector)
            && matches!(c.version, CvssVersion::V3_0 | CvssVersion::V3_1)
            && score.is_finite()
            && (c.base_score() - score).abs() < 0.05
        {
            let version = if c.version == CvssVersion::V3_0 {
                "3.0"
            } else {
                "3.1"
            };
            let severity = severity_name(Rating::from_score(c.version, score));
            scores
                .entry((
                    version.into(),
                    vector.to_string(),
                    format!("{score:.1}"),
                    severity.into(),
                ))
                .or_default()
                .push(pid);
        }
    }
    let status: Map<String, Value> = status
        .into_iter()
        .map(|(k, ids)| (k.to_string(), json!(ids)))
        .collect();
    v.insert("product_status".into(), Value::Object(status));
    if !remediations.is_empty() {
        let r: Vec<Value> = remediations
            .into_iter()
            .map(|((cat, details), ids)| json!({"category": cat, "details": details, "product_ids": ids}))
            .collect();
        v.insert("remediations".into(), json!(r));
    }
    if !scores.is_empty() {
        let s: Vec<Value> = scores
            .into_iter()
            .map(|((version, vector, score, severity), ids)| {
                let base: f64 = score.parse().unwrap_or(0.0);
                json!({"cvss_v3": {"baseScore": base, "baseSeverity": severity, "vectorString": vector, "version": version}, "products": ids})
            })
            .collect();
        v.insert("scores".into(), json!(s));
    }
    if !threats.is_empty() {
        let t: Vec<Value> = threats
            .into_iter()
            .map(|(details, ids)| json!({"category": "impact", "details": details, "product_ids": ids}))
            .collect();
        v.insert("threats".into(), json!(t));
    }
    if !flags.is_empty() {
        let f: Vec<Value> = flags
            .into_iter()
            .map(|(label, ids)| json!({"label": label, "product_ids": ids}))
            .collect();
        v.insert("flags".into(), json!(f));
    }
    let mut refs: BTreeSet<&str> = BTreeSet::new();
    for t in group {
        refs.extend(
            t.references
                .iter()
                .map(String::as_str)
                .filter(|r| is_url(r)),
        );
    }
    if !refs.is_empty() {
        let r: Vec<Value> = refs
            .into_iter()
            .map(|u| json!({"category": "external", "summary": format!("Reference for {key}"), "url": u}))
            .collect();
        v.insert("references".into(), json!(r));
    }
    v.insert("title".into(), json!(key));
    Value::Object(v)
}
