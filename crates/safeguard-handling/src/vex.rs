//! VEX documents written from triage decisions: OpenVEX 0.2.0 and CycloneDX 1.6 VEX.
//!
//! Both writers take the tickets of one product (the product [`DocMeta`] describes) and make
//! one statement (OpenVEX) or one vulnerability (CycloneDX) per ticket, sorted by
//! vulnerability id, then component purl, then ticket number. Same tickets and metadata, same
//! bytes.
//!
//! Status mapping:
//!
//! | ticket | OpenVEX | CycloneDX `analysis` |
//! |---|---|---|
//! | `under_investigation` | `under_investigation` | `in_triage` |
//! | `affected` | `affected` + action statement | `exploitable` (+ `update` when a fix exists) |
//! | `accepted` | `affected` + action statement naming approver, expiry, reason | `exploitable`, `will_not_fix` |
//! | `not_affected` | `not_affected` + justification / impact statement | `not_affected` + justification |
//! | `fixed` | `fixed` | `resolved` (+ `update` when fixed versions are known) |
//!
//! Justifications (OpenVEX → CycloneDX 1.6 `impactAnalysisJustification`):
//! `component_not_present` and `vulnerable_code_not_present` → `code_not_present`;
//! `vulnerable_code_not_in_execute_path` → `code_not_reachable`;
//! `vulnerable_code_cannot_be_controlled_by_adversary` → `requires_environment`;
//! `inline_mitigations_already_exist` → `protected_by_mitigating_control`. CycloneDX has no
//! term for the first two apart, so the OpenVEX name also goes into the vulnerability's
//! `safeguard:justification` property.
//!
//! Identifiers: the product is named by its purl when [`DocMeta::product_purl`] is set, else
//! by an IRI under [`DocMeta::namespace`] (`<namespace>/products/<name>/<version>`); the
//! OpenVEX document's `@id` is `<namespace>/vex/<document_id>`. When the namespace is not an
//! absolute IRI, those fall back to `urn:uuid:` names derived from the same parts, so the
//! document stays valid. A component purl that is not a valid IRI is written as
//! `identifiers.purl` instead of `@id`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::model::{DocMeta, Justification, Severity, Status, Ticket};
use crate::sla::rfc3339;

/// The OpenVEX context this module writes.
pub const OPENVEX_CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

/// The CycloneDX specification version this module writes.
pub const CYCLONEDX_SPEC_VERSION: &str = "1.6";

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The tickets in document order, duplicates (same ticket number and product) dropped.
fn ordered<'a>(tickets: &[&'a Ticket]) -> Vec<&'a Ticket> {
    let mut list: Vec<&Ticket> = tickets.to_vec();
    list.sort_by(|a, b| {
        a.vuln_id
            .cmp(&b.vuln_id)
            .then_with(|| a.purl.cmp(&b.purl))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.product.cmp(&b.product))
    });
    list.dedup_by(|a, b| a.id == b.id && a.product == b.product && a.vuln_id == b.vuln_id);
    list
}

/// When the ticket's current status was set: the latest history entry, else `first_seen`.
fn last_change(t: &Ticket) -> OffsetDateTime {
    t.history.iter().map(|c| c.at).max().unwrap_or(t.first_seen)
}

/// The ticket's aliases: trimmed, non-empty, without its own id, sorted, unique.
fn aliases(t: &Ticket) -> Vec<String> {
    let mut list: Vec<String> = t
        .aliases
        .iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty() && *a != t.vuln_id.trim())
        .collect();
    list.sort();
    list.dedup();
    list
}

/// A UUID (version 5 layout, RFC 4122 variant) from the SHA-256 of `bytes`.
pub(crate) fn uuid_from(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut b = [0u8; 16];
    for (dst, src) in b.iter_mut().zip(digest.iter()) {
        *dst = *src;
    }
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn is_sub_delim(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '='
    )
}

/// RFC 3987 `ucschar` (a conservative reading: any non-ASCII character that is not a control,
/// a space or a private-use or non-character code point).
fn is_ucschar(c: char) -> bool {
    let u = u32::from(c);
    u >= 0xA0
        && !c.is_control()
        && !c.is_whitespace()
        && !(0xE000..=0xF8FF).contains(&u)
        && !(0xFDD0..=0xFDEF).contains(&u)
        && (u & 0xFFFE) != 0xFFFE
        && u < 0xF0000
}

/// Whether every character of `s` is an IRI `ipchar` (plus the extra characters `extra`),
/// with every `%` starting a two-digit hex escape.
fn chars_ok(s: &str, extra: &[char]) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
                return false;
            };
            if !a.is_ascii_hexdigit() || !b.is_ascii_hexdigit() {
                return false;
            }
        } else if !(is_unreserved(c)
            || is_sub_delim(c)
            || matches!(c, ':' | '@')
            || is_ucschar(c)
            || extra.contains(&c))
        {
            return false;
        }
    }
    true
}

/// Whether `s` is an absolute IRI (RFC 3987) this module is willing to write: a scheme, an
/// optional authority without IP literals, and a path, query and fragment of plain IRI
/// characters. Stricter than the RFC, never looser.
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (rest, None),
    };
    let (hier, query) = match before_fragment.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (before_fragment, None),
    };
    let path = if let Some(after) = hier.strip_prefix("//") {
        let (authority, path) = match after.find('/') {
            Some(i) => (after.get(..i).unwrap_or(""), after.get(i..).unwrap_or("")),
            None => (after, ""),
        };
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if userinfo.is_some_and(|u| u.contains('@') || !chars_ok(u, &[])) {
            return false;
        }
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        };
        if host.is_empty()
            || host.contains([':', '@'])
            || !chars_ok(host, &[])
            || port.is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit()))
        {
            return false;
        }
        path
    } else {
        // Without an authority a path cannot start with "//".
        hier
    };
    chars_ok(path, &['/'])
        && query.is_none_or(|q| chars_ok(q, &['/', '?']))
        && fragment.is_none_or(|f| chars_ok(f, &['/', '?']))
}

/// Percent-encodes everything but unreserved characters (for one IRI path segment).
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    if out.is_empty() || out == "." || out == ".." {
        out.insert_str(0, "%2E");
    }
    out
}

/// The vendor namespace without trailing slashes, when it is an absolute IRI.
fn namespace(meta: &DocMeta) -> Option<&str> {
    let ns = meta.namespace.trim().trim_end_matches('/');
    is_absolute_iri(ns).then_some(ns)
}

/// How the product is named: its purl, or an IRI under the namespace, or a UUID URN.
fn product_id(meta: &DocMeta) -> String {
    if let Some(p) = meta.product_purl.as_deref().map(str::trim)
        && !p.is_empty()
        && is_absolute_iri(p)
    {
        return p.to_string();
    }
    let name = meta.product_name.trim();
    let version = meta.product_version.as_deref().map(str::trim);
    match namespace(meta) {
        Some(ns) => {
            let mut id = format!("{ns}/products/{}", segment(name));
            if let Some(v) = version.filter(|v| !v.is_empty()) {
                let _ = write!(id, "/{}", segment(v));
            }
            id
        }
        None => {
            let seed = format!(
                "product\n{}\n{}\n{}",
                meta.namespace,
                name,
                version.unwrap_or("")
            );
            format!("urn:uuid:{}", uuid_from(seed.as_bytes()))
        }
    }
}

/// Where an advisory id comes from: (source name, URL of the advisory).
pub fn advisory_source(id: &str) -> (&'static str, String) {
    let id = id.trim();
    let enc = segment(id);
    let upper = id.to_ascii_uppercase();
    if upper.starts_with("GHSA-") {
        (
            "GitHub Advisories",
            format!("https://github.com/advisories/{enc}"),
        )
    } else if upper.starts_with("RUSTSEC-") {
        (
            "RustSec",
            format!("https://rustsec.org/advisories/{enc}.html"),
        )
    } else if upper.starts_with("PYSEC-") {
        (
            "PyPI Advisory Database",
            format!("https://osv.dev/vulnerability/{enc}"),
        )
    } else if upper.starts_with("GO-") {
        (
            "Go Vulnerability Database",
            format!("https://pkg.go.dev/vuln/{enc}"),
        )
    } else if upper.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{enc}"))
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{enc}"))
    }
}

/// The acceptance as a sentence: approver, expiry and reason.
fn acceptance_text(t: &Ticket) -> String {
    match &t.acceptance {
        Some(a) => {
            let approver = a.approver.trim();
            let reason = a.reason.trim();
            let mut s = format!(
                "Risk accepted by {} until {}",
                if approver.is_empty() {
                    "an unnamed approver"
                } else {
                    approver
                },
                rfc3339(a.expires)
            );
            if reason.is_empty() {
                s.push('.');
            } else {
                let _ = write!(s, ": {reason}");
                if !reason.ends_with(['.', '!', '?']) {
                    s.push('.');
                }
            }
            s
        }
        None => "Risk accepted; no approver or expiry is recorded.".to_string(),
    }
}

/// What to do about an affected component.
fn remedy_text(t: &Ticket) -> String {
    let fixed: Vec<&str> = t
        .fixed_versions
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if fixed.is_empty() {
        format!(
            "No fixed version of {} is known yet; a remedy is being prepared.",
            t.purl.trim()
        )
    } else {
        format!(
            "Update {} to a fixed version ({}).",
            t.purl.trim(),
            fixed.join(", ")
        )
    }
}

fn statement_text(t: &Ticket) -> Option<String> {
    t.statement
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// OpenVEX
// ---------------------------------------------------------------------------------------------

/// The OpenVEX 0.2.0 document for `tickets` of the product `meta` describes.
///
/// Statements carry the vulnerability (name, aliases, description, and an `@id` pointing at
/// the advisory), the product with the ticket's component as its subcomponent, the status,
/// the justification and impact statement for `not_affected` (a fixed sentence when neither
/// was recorded, since OpenVEX requires one), the action statement for `affected` (the
/// ticket's statement, else the fixed versions to update to) and for `accepted` (approver,
/// expiry and reason, then the ticket's statement), and the time of the latest status change.
///
/// OpenVEX requires at least one statement: with no tickets, `statements` is empty and the
/// document is not valid; callers should refuse to write it.
pub fn openvex(tickets: &[&Ticket], meta: &DocMeta) -> Value {
    let product = product_id(meta);
    let mut statements: Vec<Value> = Vec::new();
    for t in ordered(tickets) {
        let mut vuln = Map::new();
        let (_, url) = advisory_source(&t.vuln_id);
        if is_absolute_iri(&url) {
            vuln.insert("@id".into(), Value::String(url));
        }
        vuln.insert("name".into(), Value::String(t.vuln_id.trim().to_string()));
        if let Some(s) = t
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            vuln.insert("description".into(), Value::String(s.to_string()));
        }
        let aliases = aliases(t);
        if !aliases.is_empty() {
            vuln.insert("aliases".into(), json!(aliases));
        }

        let purl = t.purl.trim();
        let sub = if is_absolute_iri(purl) {
            json!({ "@id": purl })
        } else {
            json!({ "identifiers": { "purl": purl } })
        };
        let mut prod = Map::new();
        prod.insert("@id".into(), Value::String(product.clone()));
        if purl != product {
            prod.insert("subcomponents".into(), json!([sub]));
        }

        let changed = rfc3339(last_change(t));
        let mut st = Map::new();
        st.insert("vulnerability".into(), Value::Object(vuln));
        st.insert("timestamp".into(), Value::String(changed.clone()));
        st.insert("products".into(), json!([Value::Object(prod)]));
        let statement = statement_text(t);
        match t.status {
            Status::UnderInvestigation => {
                st.insert("status".into(), json!("under_investigation"));
                if let Some(s) = statement {
                    st.insert("status_notes".into(), Value::String(s));
                }
            }
            Status::Affected => {
                st.insert("status".into(), json!("affected"));
                st.insert(
                    "action_statement".into(),
                    Value::String(statement.unwrap_or_else(|| remedy_text(t))),
                );
                st.insert("action_statement_timestamp".into(), Value::String(changed));
            }
            Status::Accepted => {
                st.insert("status".into(), json!("affected"));
                let mut action = acceptance_text(t);
                if let Some(s) = statement {
                    action.push(' ');
                    action.push_str(&s);
                }
                st.insert("action_statement".into(), Value::String(action));
                st.insert("action_statement_timestamp".into(), Value::String(changed));
                st.insert(
                    "status_notes".into(),
                    json!("The vendor accepted the risk for a limited time; the product remains affected."),
                );
            }
            Status::NotAffected => {
                st.insert("status".into(), json!("not_affected"));
                if let Some(j) = t.justification {
                    st.insert("justification".into(), json!(j.as_str()));
                }
                match statement {
                    Some(s) => {
                        st.insert("impact_statement".into(), Value::String(s));
                    }
                    None if t.justification.is_none() => {
                        st.insert(
                            "impact_statement".into(),
                            json!("The vendor determined that the product is not affected; no justification was recorded."),
                        );
                    }
                    None => {}
                }
            }
            Status::Fixed => {
                st.insert("status".into(), json!("fixed"));
                let mut notes = Vec::new();
                if let Some(r) = t
                    .released_in
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                {
                    notes.push(format!("Fixed in release {r}."));
                }
                if let Some(s) = statement {
                    notes.push(s);
                }
                if !notes.is_empty() {
                    st.insert("status_notes".into(), Value::String(notes.join(" ")));
                }
            }
        }
        let st = Value::Object(st);
        if !statements.contains(&st) {
            statements.push(st);
        }
    }

    let id = match namespace(meta) {
        Some(ns) => format!("{ns}/vex/{}", segment(meta.document_id.trim())),
        None => format!(
            "urn:uuid:{}",
            uuid_from(format!("openvex\n{}\n{}", meta.namespace, meta.document_id).as_bytes())
        ),
    };
    json!({
        "@context": OPENVEX_CONTEXT,
        "@id": id,
        "author": meta.publisher.trim(),
        "timestamp": rfc3339(meta.timestamp),
        "version": 1,
        "tooling": "Safeguard",
        "statements": statements,
    })
}

// ---------------------------------------------------------------------------------------------
// CycloneDX
// ---------------------------------------------------------------------------------------------

/// The CycloneDX 1.6 name for a justification.
pub fn cyclonedx_justification(j: Justification) -> &'static str {
    match j {
        Justification::ComponentNotPresent | Justification::VulnerableCodeNotPresent => {
            "code_not_present"
        }
        Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
        Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
        Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
    }
}

/// The CycloneDX scoring method a CVSS vector names (`other` when it names none).
pub fn cvss_method(vector: &str) -> &'static str {
    let v = vector.trim();
    if v.starts_with("CVSS:4.0/") {
        "CVSSv4"
    } else if v.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if v.starts_with("CVSS:3.0/") {
        "CVSSv3"
    } else if v.starts_with("CVSS:2.0/") || v.starts_with("AV:") || v.starts_with("(AV:") {
        "CVSSv2"
    } else {
        "other"
    }
}

fn source(id: &str) -> Value {
    let (name, url) = advisory_source(id);
    json!({ "name": name, "url": url })
}

/// Whether `s` is a plain email address (`local@domain.tld`), as a conservative check.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn component_for(purl: &str) -> Value {
    let mut c = Map::new();
    c.insert("type".into(), json!("library"));
    c.insert("bom-ref".into(), json!(purl));
    match safeguard_model::Purl::parse(purl) {
        Ok(p) => {
            if let Some(ns) = p.namespace.filter(|n| !n.is_empty()) {
                c.insert("group".into(), json!(ns));
            }
            c.insert("name".into(), json!(p.name));
            if let Some(v) = p.version.filter(|v| !v.is_empty()) {
                c.insert("version".into(), json!(v));
            }
            c.insert("purl".into(), json!(purl));
        }
        Err(_) => {
            c.insert("name".into(), json!(purl));
        }
    }
    Value::Object(c)
}

/// The bom-ref of a ticket's component: its purl, or a name made from the ticket when the
/// purl is empty.
fn component_ref(t: &Ticket) -> String {
    let p = t.purl.trim();
    if p.is_empty() {
        format!("{}-component", t.key())
    } else {
        p.to_string()
    }
}

/// The CycloneDX 1.6 VEX BOM for `tickets` of the product `meta` describes.
///
/// `metadata.component` is the product (bom-ref: its purl or IRI, as in [`openvex`]);
/// `components` holds each ticket's component once (bom-ref = purl); each vulnerability has
/// its id and source (from the id's prefix), references for its aliases, a rating (score,
/// severity, and the method its CVSS vector names), description, recommendation, advisories
/// (the ticket's http(s) references), publication date, the analysis (state, justification,
/// response, detail, first issued = the first triage decision, last updated = the latest
/// status change), `affects` pointing at the component, and the ticket key as the
/// `safeguard:ticket` property. `serialNumber` is a UUID derived from the SHA-256 of the
/// document without it.
pub fn cyclonedx(tickets: &[&Ticket], meta: &DocMeta) -> Value {
    let product = product_id(meta);
    let list = ordered(tickets);

    let mut components: BTreeMap<String, Value> = BTreeMap::new();
    let mut vulnerabilities = Vec::new();
    for t in &list {
        let reference = component_ref(t);
        if reference != product {
            components
                .entry(reference.clone())
                .or_insert_with(|| component_for(&reference));
        }
        let id = t.vuln_id.trim();
        let mut v = Map::new();
        v.insert("id".into(), json!(id));
        v.insert("source".into(), source(id));
        let refs: Vec<Value> = aliases(t)
            .iter()
            .map(|a| json!({ "id": a, "source": source(a) }))
            .collect();
        if !refs.is_empty() {
            v.insert("references".into(), Value::Array(refs));
        }

        let mut rating = Map::new();
        if let Some(score) = t.cvss_score.filter(|s| s.is_finite()) {
            rating.insert("score".into(), json!(score));
        }
        rating.insert("severity".into(), json!(t.severity.as_str()));
        if let Some(vector) = t
            .cvss_vector
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            rating.insert("method".into(), json!(cvss_method(vector)));
            rating.insert("vector".into(), json!(vector));
        }
        if rating.len() > 1 || t.severity != Severity::Unknown {
            v.insert("ratings".into(), json!([Value::Object(rating)]));
        }
        if let Some(s) = t
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            v.insert("description".into(), json!(s));
        }
        let fixed: Vec<&str> = t
            .fixed_versions
            .iter()
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
            .collect();
        if !fixed.is_empty() {
            v.insert("recommendation".into(), json!(remedy_text(t)));
        }
        let mut advisories: Vec<&str> = t
            .references
            .iter()
            .map(|r| r.trim())
            .filter(|r| {
                (r.starts_with("https://") || r.starts_with("http://")) && is_absolute_iri(r)
            })
            .collect();
        advisories.sort_unstable();
        advisories.dedup();
        if !advisories.is_empty() {
            v.insert(
                "advisories".into(),
                Value::Array(advisories.iter().map(|u| json!({ "url": u })).collect()),
            );
        }
        if let Some(p) = t.published {
            v.insert("published".into(), json!(rfc3339(p)));
        }

        let mut analysis = Map::new();
        let statement = statement_text(t);
        let (state, response, detail): (&str, Vec<&str>, Option<String>) = match t.status {
            Status::UnderInvestigation => ("in_triage", vec![], statement),
            Status::Affected => (
                "exploitable",
                if fixed.is_empty() {
                    vec![]
                } else {
                    vec!["update"]
                },
                Some(statement.unwrap_or_else(|| remedy_text(t))),
            ),
            Status::Accepted => {
                let mut d = acceptance_text(t);
                if let Some(s) = statement {
                    d.push(' ');
                    d.push_str(&s);
                }
                ("exploitable", vec!["will_not_fix"], Some(d))
            }
            Status::NotAffected => ("not_affected", vec![], statement),
            Status::Fixed => {
                let mut notes = Vec::new();
                if let Some(r) = t
                    .released_in
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                {
                    notes.push(format!("Fixed in release {r}."));
                }
                if let Some(s) = statement {
                    notes.push(s);
                }
                (
                    "resolved",
                    if fixed.is_empty() {
                        vec![]
                    } else {
                        vec!["update"]
                    },
                    (!notes.is_empty()).then(|| notes.join(" ")),
                )
            }
        };
        analysis.insert("state".into(), json!(state));
        if t.status == Status::NotAffected
            && let Some(j) = t.justification
        {
            analysis.insert("justification".into(), json!(cyclonedx_justification(j)));
        }
        if !response.is_empty() {
            analysis.insert("response".into(), json!(response));
        }
        if let Some(d) = detail {
            analysis.insert("detail".into(), json!(d));
        }
        let first = t
            .triaged_at
            .or_else(|| t.history.iter().map(|c| c.at).min())
            .unwrap_or(t.first_seen);
        let last = last_change(t);
        analysis.insert("firstIssued".into(), json!(rfc3339(first.min(last))));
        analysis.insert("lastUpdated".into(), json!(rfc3339(last)));
        v.insert("analysis".into(), Value::Object(analysis));
        v.insert("affects".into(), json!([{ "ref": reference }]));

        let mut props = vec![json!({ "name": "safeguard:ticket", "value": t.key() })];
        props.push(json!({ "name": "safeguard:status", "value": t.status.as_str() }));
        if t.status == Status::NotAffected
            && let Some(j) = t.justification
        {
            props.push(json!({ "name": "safeguard:justification", "value": j.as_str() }));
        }
        v.insert("properties".into(), Value::Array(props));
        let v = Value::Object(v);
        if !vulnerabilities.contains(&v) {
            vulnerabilities.push(v);
        }
    }

    let mut subject = Map::new();
    subject.insert("type".into(), json!("application"));
    subject.insert("bom-ref".into(), json!(product));
    subject.insert("supplier".into(), supplier(meta));
    subject.insert("name".into(), json!(meta.product_name.trim()));
    if let Some(v) = meta
        .product_version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        subject.insert("version".into(), json!(v));
    }
    if let Some(p) = meta
        .product_purl
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        subject.insert("purl".into(), json!(p));
    }

    let mut bom = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": CYCLONEDX_SPEC_VERSION,
        "version": 1,
        "metadata": {
            "timestamp": rfc3339(meta.timestamp),
            "component": Value::Object(subject),
            "supplier": supplier(meta),
        },
        "components": components.into_values().collect::<Vec<_>>(),
        "vulnerabilities": vulnerabilities,
    });
    let unsigned = serde_json::to_vec(&bom).unwrap_or_default();
    if let Some(obj) = bom.as_object_mut() {
        obj.insert(
            "serialNumber".into(),
            json!(format!("urn:uuid:{}", uuid_from(&unsigned))),
        );
    }
    bom
}

/// The vendor as a CycloneDX organizational entity: name, namespace URL, contact.
fn supplier(meta: &DocMeta) -> Value {
    let mut s = Map::new();
    s.insert("name".into(), json!(meta.publisher.trim()));
    let mut urls = Vec::new();
    if let Some(ns) = namespace(meta) {
        urls.push(ns.to_string());
    }
    let contact = meta.contact.as_deref().map(str::trim).unwrap_or("");
    let email = contact.strip_prefix("mailto:").unwrap_or(contact);
    if is_email(email) {
        s.insert("contact".into(), json!([{ "email": email }]));
    } else if is_absolute_iri(contact) && !urls.iter().any(|u| u == contact) {
        urls.push(contact.to_string());
    }
    if !urls.is_empty() {
        s.insert("url".into(), json!(urls));
    }
    Value::Object(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris() {
        for ok in [
            "https://acme.example",
            "https://acme.example:8443/vex/doc-1",
            "pkg:cargo/serde@1.0.0",
            "pkg:npm/%40scope/lib@1.0.0?arch=x86_64#sub/path",
            "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
            "https://ex.example/caf\u{e9}",
        ] {
            assert!(is_absolute_iri(ok), "{ok}");
        }
        for bad in [
            "acme.example",
            "",
            "1http://x",
            "https://a b",
            "https://host:port/",
            "https:///path",
            "pkg:npm/a|b",
            "pkg:npm/a%zz",
            "pkg:npm/a#b#c",
            "https://[::1]/",
            "https://x/\u{7}",
        ] {
            assert!(!is_absolute_iri(bad), "{bad}");
        }
    }

    #[test]
    fn segments_and_uuids() {
        assert_eq!(segment("2024 /#1?"), "2024%20%2F%231%3F");
        assert_eq!(segment(""), "%2E");
        assert_eq!(segment(".."), "%2E..");
        assert_eq!(segment("caf\u{e9}"), "caf%C3%A9");
        let u = uuid_from(b"abc");
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223...
        assert_eq!(u, "ba7816bf-8f01-5fea-8141-40de5dae2223");
    }

    #[test]
    fn emails() {
        assert!(is_email("security@acme.example"));
        assert!(!is_email("security@localhost"));
        assert!(!is_email("a b@acme.example"));
        assert!(!is_email("https://acme.example"));
    }
}
