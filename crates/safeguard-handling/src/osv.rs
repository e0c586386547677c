//! A CSAF 2.0 advisory exported as OSV records (OSV schema 1.6): one record per vulnerability.
//!
//! - `id` is `x_` (the OSV prefix for ids outside the listed home databases) followed by the
//!   advisory's tracking id and the vulnerability's CVE (or first id), so it is stable across
//!   revisions; `aliases` hold the CVE and the other ids.
//! - `affected` lists each component (a product with a purl, directly or through a
//!   `default_component_of` relationship) whose product is known affected, with the component's
//!   version (OSV `versions`).
//! - `published`/`modified` are the advisory's initial and current release dates, in UTC.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use safeguard_model::Ecosystem;
use safeguard_model::purl::Purl;

/// The OSV schema version written.
pub const SCHEMA_VERSION: &str = "1.6.0";

/// Why an advisory cannot be exported.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OsvError {
    /// A field OSV needs is missing.
    #[error("the advisory has no {0}; is it a CSAF 2.0 document?")]
    Missing(&'static str),
}

fn utc(s: &str) -> Option<String> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()?
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// OSV id characters: the tracking id with anything outside `A-Za-z0-9-._:` replaced by `_`.
fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Exports every vulnerability of a CSAF advisory as an OSV record.
pub fn from_advisory(doc: &Value) -> Result<Vec<Value>, OsvError> {
    let tracking = doc
        .get("document")
        .and_then(|d| d.get("tracking"))
        .ok_or(OsvError::Missing("/document/tracking"))?;
    let tracking_id = tracking
        .get("id")
        .and_then(Value::as_str)
        .ok_or(OsvError::Missing("/document/tracking/id"))?;
    let modified = tracking
        .get("current_release_date")
        .and_then(Value::as_str)
        .and_then(utc)
        .ok_or(OsvError::Missing(
            "valid /document/tracking/current_release_date",
        ))?;
    let published = tracking
        .get("initial_release_date")
        .and_then(Value::as_str)
        .and_then(utc);

    // product id → component purl (full product names, branches and relationships)
    let mut purl_of: BTreeMap<String, String> = BTreeMap::new();
    let mut component_of: BTreeMap<String, String> = BTreeMap::new();
    if let Some(tree) = doc.get("product_tree") {
        let mut stack: Vec<&Value> = arr(tree, "branches").iter().collect();
        let mut fpns: Vec<&Value> = arr(tree, "full_product_names").iter().collect();
        while let Some(b) = stack.pop() {
            if let Some(p) = b.get("product") {
                fpns.push(p);
            }
            stack.extend(arr(b, "branches"));
        }
        for r in arr(tree, "relationships") {
            if let Some(p) = r.get("full_product_name") {
                fpns.push(p);
            }
            if let (Some(id), Some(component)) = (
                r.get("full_product_name")
                    .and_then(|f| f.get("product_id"))
                    .and_then(Value::as_str),
                r.get("product_reference").and_then(Value::as_str),
            ) {
                component_of.insert(id.into(), component.into());
            }
        }
        for p in fpns {
            if let (Some(id), Some(purl)) = (
                p.get("product_id").and_then(Value::as_str),
                p.get("product_identification_helper")
                    .and_then(|h| h.get("purl"))
                    .and_then(Value::as_str),
            ) {
                purl_of.insert(id.into(), purl.into());
            }
        }
    }
    let resolve = |id: &str| -> Option<Purl> {
        let purl = purl_of
            .get(id)
            .or_else(|| component_of.get(id).and_then(|c| purl_of.get(c)))?;
        Purl::parse(purl).ok()
    };

    let mut records = Vec::new();
    for (i, v) in arr(doc, "vulnerabilities").iter().enumerate() {
        let cve = v.get("cve").and_then(Value::as_str);
        let ids: Vec<&str> = arr(v, "ids")
            .iter()
            .filter_map(|i| i.get("text").and_then(Value::as_str))
            .collect();
        let key = cve
            .or_else(|| ids.first().copied())
            .map(str::to_string)
            .unwrap_or_else(|| (i + 1).to_string());
        let mut rec = Map::new();
        rec.insert("schema_version".into(), json!(SCHEMA_VERSION));
        rec.insert(
            "id".into(),
            json!(format!("x_{}_{}", id_part(tracking_id), id_part(&key))),
        );
        rec.insert("modified".into(), json!(modified));
        if let Some(p) = &published {
            rec.insert("published".into(), json!(p));
        }
        let aliases: BTreeSet<&str> = cve.into_iter().chain(ids.iter().copied()).collect();
        if !aliases.is_empty() {
            rec.insert("aliases".into(), json!(aliases));
        }
        let notes = arr(v, "notes");
        let summary = v.get("title").and_then(Value::as_str).or_else(|| {
            notes
                .iter()
                .find(|n| n.get("category").and_then(Value::as_str) == Some("summary"))
                .and_then(|n| n.get("text").and_then(Value::as_str))
        });
        if let Some(s) = summary {
            rec.insert("summary".into(), json!(s));
        }
        let details: Vec<&str> = notes
            .iter()
            .filter_map(|n| n.get("text").and_then(Value::as_str))
            .collect();
        if !details.is_empty() {
            rec.insert("details".into(), json!(details.join("\n\n")));
        }
        if let Some(vector) = arr(v, "scores")
            .iter()
            .filter_map(|s| s.get("cvss_v3")?.get("vectorString")?.as_str())
            .next()
        {
            rec.insert(
                "severity".into(),
                json!([{"type": "CVSS_V3", "score": vector}]),
            );
        }
        let status = v.get("product_status");
        let mut affected: BTreeMap<(String, String), (String, BTreeSet<String>)> = BTreeMap::new();
        for list in ["known_affected", "first_affected", "last_affected"] {
            for id in status
                .map(|s| arr(s, list))
                .unwrap_or(&[])
                .iter()
                .filter_map(Value::as_str)
            {
                let Some(p) = resolve(id) else { continue };
                let eco = Ecosystem::from_purl_type(&p.ty);
                if eco == Ecosystem::Generic {
                    continue;
                }
                let name = p.full_name();
                let version = p.version.clone().unwrap_or_default();
                let mut bare = p.clone();
                bare.version = None;
                bare.qualifiers.clear();
                bare.subpath = None;
                let e = affected
                    .entry((eco.osv_name().to_string(), name))
                    .or_insert_with(|| (bare.to_string(), BTreeSet::new()));
                if !version.is_empty() {
                    e.1.insert(version);
                }
            }
        }
        if !affected.is_empty() {
            let a: Vec<Value> = affected
                .into_iter()
                .map(|((ecosystem, name), (purl, versions))| {
                    let mut item =
                        json!({"package": {"ecosystem": ecosystem, "name": name, "purl": purl}});
                    if !versions.is_empty() {
                        item["versions"] = json!(versions);
                    }
                    item
                })
                .collect();
            rec.insert("affected".into(), json!(a));
        }
        let mut refs: BTreeSet<(&str, &str)> = BTreeSet::new();
        for r in arr(v, "references").iter().chain(
            doc.get("document")
                .map(|d| arr(d, "references"))
                .unwrap_or(&[]),
        ) {
            if let Some(url) = r.get("url").and_then(Value::as_str) {
                let kind = if r.get("category").and_then(Value::as_str) == Some("self") {
                    "ADVISORY"
                } else {
                    "WEB"
                };
                refs.insert((kind, url));
            }
        }
        if !refs.is_empty() {
            let r: Vec<Value> = refs
                .into_iter()
                .map(|(t, u)| json!({"type": t, "url": u}))
                .collect();
            rec.insert("references".into(), json!(r));
        }
        let mut csaf = json!({"tracking_id": tracking_id});
        if let Some(version) = tracking.get("version") {
            csaf["version"] = version.clone();
        }
        if let Some(s) = status {
            csaf["product_status"] = s.clone();
        }
        rec.insert("database_specific".into(), json!({"csaf": csaf}));
        records.push(Value::Object(rec));
    }
    Ok(records)
}
