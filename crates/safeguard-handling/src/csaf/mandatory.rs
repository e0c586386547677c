//! The mandatory tests of CSAF 2.0 section 6.1 (6.1.1 – 6.1.33, with the profile tests
//! 6.1.27.1 – 6.1.27.11). Each test reads the document defensively: a value of the wrong type
//! is skipped here (the schema reports it), so the tests never panic on hostile input.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::cvss::{self, Kind};
use super::validate::Finding;
use super::version::DocVersion;
use super::{cwe, lang};

/// The product status lists of a vulnerability.
const STATUS_LISTS: [&str; 8] = [
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
];

/// The VEX justification codes usable as flag labels (section 3.2.3.5).
const VEX_JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "inline_mitigations_already_exist",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_not_present",
];

struct Out(Vec<Finding>);

impl Out {
    fn push(&mut self, test: &str, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Finding {
            test: test.into(),
            path: path.into(),
            message: message.into(),
        });
    }
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// (pointer, value) of every string in an array.
fn strings<'a>(v: &'a Value, key: &str, base: &str) -> Vec<(String, &'a str)> {
    arr(v, key)
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_str().map(|s| (format!("{base}/{key}/{i}"), s)))
        .collect()
}

/// Every full product name in the tree: (pointer to the object, object).
fn full_product_names(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let Some(tree) = doc.get("product_tree") else {
        return out;
    };
    for (path, branch) in branches(doc) {
        if let Some(p) = branch.get("product") {
            out.push((format!("{path}/product"), p));
        }
    }
    for (i, p) in arr(tree, "full_product_names").iter().enumerate() {
        out.push((format!("/product_tree/full_product_names/{i}"), p));
    }
    for (i, r) in arr(tree, "relationships").iter().enumerate() {
        if let Some(p) = r.get("full_product_name") {
            out.push((
                format!("/product_tree/relationships/{i}/full_product_name"),
                p,
            ));
        }
    }
    out
}

/// Every branch node, depth first, without recursion: (pointer, node).
fn branches(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let Some(tree) = doc.get("product_tree") else {
        return out;
    };
    let mut stack: Vec<(String, &Value)> = arr(tree, "branches")
        .iter()
        .enumerate()
        .rev()
        .map(|(i, b)| (format!("/product_tree/branches/{i}"), b))
        .collect();
    while let Some((path, b)) = stack.pop() {
        for (i, child) in arr(b, "branches").iter().enumerate().rev() {
            stack.push((format!("{path}/branches/{i}"), child));
        }
        out.push((path, b));
    }
    out
}

/// group id → product ids.
fn groups(doc: &Value) -> HashMap<&str, Vec<&str>> {
    let mut map: HashMap<&str, Vec<&str>> = HashMap::new();
    if let Some(tree) = doc.get("product_tree") {
        for g in arr(tree, "product_groups") {
            if let Some(id) = text(g, "group_id") {
                map.entry(id)
                    .or_default()
                    .extend(arr(g, "product_ids").iter().filter_map(Value::as_str));
            }
        }
    }
    map
}

/// The products an item (remediation, threat, flag) applies to, groups expanded.
fn applies_to<'a>(item: &'a Value, groups: &HashMap<&str, Vec<&'a str>>) -> BTreeSet<&'a str> {
    let mut set: BTreeSet<&str> = arr(item, "product_ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for g in arr(item, "group_ids").iter().filter_map(Value::as_str) {
        if let Some(members) = groups.get(g) {
            set.extend(members.iter().copied());
        }
    }
    set
}

/// Runs every mandatory test.
pub(crate) fn run(doc: &Value) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    if !doc.is_object() {
        return out.0;
    }
    product_ids(doc, &mut out); // 6.1.1 – 6.1.3
    group_ids(doc, &mut out); // 6.1.4, 6.1.5
    vulnerabilities(doc, &mut out); // 6.1.6 – 6.1.11, 6.1.23, 6.1.24, 6.1.29, 6.1.32, 6.1.33
    languages(doc, &mut out); // 6.1.12, 6.1.15, 6.1.28
    product_helpers(doc, &mut out); // 6.1.13, 6.1.25, 6.1.31
    revision_history(doc, &mut out); // 6.1.14, 6.1.16 – 6.1.22, 6.1.30
    category(doc, &mut out); // 6.1.26
    profiles(doc, &mut out); // 6.1.27.x
    out.0
}

// ---------------------------------------------------------------------------------------------
// 6.1.1 – 6.1.3: product ids

fn product_ids(doc: &Value, out: &mut Out) {
    let mut defined: HashMap<&str, String> = HashMap::new();
    for (path, fpn) in full_product_names(doc) {
        let Some(id) = text(fpn, "product_id") else {
            continue;
        };
        if let Some(first) = defined.get(id) {
            out.push(
                "6.1.2",
                format!("{path}/product_id"),
                format!("product id `{id}` is already defined at {first}"),
            );
        } else {
            defined.insert(id, format!("{path}/product_id"));
        }
    }
    let mut refs: Vec<(String, &str)> = Vec::new();
    if let Some(tree) = doc.get("product_tree") {
        for (i, g) in arr(tree, "product_groups").iter().enumerate() {
            refs.extend(strings(
                g,
                "product_ids",
                &format!("/product_tree/product_groups/{i}"),
            ));
        }
        for (i, r) in arr(tree, "relationships").iter().enumerate() {
            for key in ["product_reference", "relates_to_product_reference"] {
                if let Some(id) = text(r, key) {
                    refs.push((format!("/product_tree/relationships/{i}/{key}"), id));
                }
            }
        }
    }
    for (i, v) in arr(doc, "vulnerabilities").iter().enumerate() {
        let base = format!("/vulnerabilities/{i}");
        if let Some(ps) = v.get("product_status") {
            for list in STATUS_LISTS {
                refs.extend(strings(ps, list, &format!("{base}/product_status")));
            }
        }
        for (key, field) in [
            ("remediations", "product_ids"),
            ("scores", "products"),
            ("threats", "product_ids"),
            ("flags", "product_ids"),
        ] {
            for (j, item) in arr(v, key).iter().enumerate() {
                refs.extend(strings(item, field, &format!("{base}/{key}/{j}")));
            }
        }
    }
    for (path, id) in refs {
        if !defined.contains_key(id) {
            out.push(
                "6.1.1",
                path,
                format!("product id `{id}` is not defined in the product tree"),
            );
        }
    }
    // 6.1.3: a product defined by a relationship must not depend on itself.
    let Some(tree) = doc.get("product_tree") else {
        return;
    };
    let mut deps: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut rel_defs: Vec<(String, &str)> = Vec::new();
    for (i, r) in arr(tree, "relationships").iter().enumerate() {
        let Some(id) = r
            .get("full_product_name")
            .and_then(|f| text(f, "product_id"))
        else {
            continue;
        };
        rel_defs.push((
            format!("/product_tree/relationships/{i}/full_product_name/product_id"),
            id,
        ));
        let e = deps.entry(id).or_default();
        for key in ["product_reference", "relates_to_product_reference"] {
            if let Some(d) = text(r, key) {
                e.push(d);
            }
        }
    }
    for (path, id) in rel_defs {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = deps.get(id).cloned().unwrap_or_default();
        let mut circular = false;
        while let Some(next) = stack.pop() {
            if next == id {
                circular = true;
                break;
            }
            if seen.insert(next)
                && let Some(more) = deps.get(next)
            {
                stack.extend(more.iter().copied());
            }
        }
        if circular {
            out.push(
                "6.1.3",
                path,
                format!(
                    "product id `{id}` is defined through a relationship that refers back to itself"
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6.1.4, 6.1.5: product group ids

fn group_ids(doc: &Value, out: &mut Out) {
    let mut defined: HashMap<&str, String> = HashMap::new();
    if let Some(tree) = doc.get("product_tree") {
        for (i, g) in arr(tree, "product_groups").iter().enumerate() {
            let Some(id) = text(g, "group_id") else {
                continue;
            };
            let path = format!("/product_tree/product_groups/{i}/group_id");
            if let Some(first) = defined.get(id) {
                out.push(
                    "6.1.5",
                    path,
                    format!("product group id `{id}` is already defined at {first}"),
                );
            } else {
                defined.insert(id, path);
            }
        }
    }
    for (i, v) in arr(doc, "vulnerabilities").iter().enumerate() {
        for key in ["remediations", "threats", "flags"] {
            for (j, item) in arr(v, key).iter().enumerate() {
                for (path, id) in strings(
                    item,
                    "group_ids",
                    &format!("/vulnerabilities/{i}/{key}/{j}"),
                ) {
                    if !defined.contains_key(id) {
                        out.push(
                            "6.1.4",
                            path,
                            format!("product group id `{id}` is not defined in the product tree"),
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Per-vulnerability tests

fn vulnerabilities(doc: &Value, out: &mut Out) {
    let groups = groups(doc);
    let mut cves: HashMap<&str, usize> = HashMap::new();
    for (i, v) in arr(doc, "vulnerabilities").iter().enumerate() {
        let base = format!("/vulnerabilities/{i}");
        contradicting_status(v, &base, out);
        scores(v, &base, out);
        // 6.1.11
        if let Some(c) = v.get("cwe")
            && let (Some(id), Some(name)) = (text(c, "id"), text(c, "name"))
            && let Some(msg) = cwe::problem(id, name)
        {
            out.push("6.1.11", format!("{base}/cwe"), msg);
        }
        // 6.1.23
        if let Some(cve) = text(v, "cve") {
            if let Some(first) = cves.get(cve) {
                out.push(
                    "6.1.23",
                    format!("{base}/cve"),
                    format!("{cve} is already used by /vulnerabilities/{first}"),
                );
            } else {
                cves.insert(cve, i);
            }
        }
        // 6.1.24
        let mut involvements: HashMap<(&str, Option<OffsetDateTime>, Option<&str>), usize> =
            HashMap::new();
        for (j, inv) in arr(v, "involvements").iter().enumerate() {
            let Some(party) = text(inv, "party") else {
                continue;
            };
            let raw = text(inv, "date");
            let parsed = raw.and_then(|d| OffsetDateTime::parse(d, &Rfc3339).ok());
            let key = (party, parsed, if parsed.is_some() { None } else { raw });
            if let Some(first) = involvements.get(&key) {
                out.push(
                    "6.1.24",
                    format!("{base}/involvements/{j}"),
                    format!(
                        "party `{party}` already has an involvement at this date (/vulnerabilities/{i}/involvements/{first})"
                    ),
                );
            } else {
                involvements.insert(key, j);
            }
        }
        // 6.1.29, 6.1.32
        for (key, test) in [("remediations", "6.1.29"), ("flags", "6.1.32")] {
            for (j, item) in arr(v, key).iter().enumerate() {
                if item.get("product_ids").is_none() && item.get("group_ids").is_none() {
                    out.push(
                        test,
                        format!("{base}/{key}/{j}"),
                        format!(
                            "this {} names no product_ids or group_ids",
                            &key[..key.len() - 1]
                        ),
                    );
                }
            }
        }
        // 6.1.33
        let mut justified: BTreeMap<&str, usize> = BTreeMap::new();
        for (j, flag) in arr(v, "flags").iter().enumerate() {
            if !text(flag, "label").is_some_and(|l| VEX_JUSTIFICATIONS.contains(&l)) {
                continue;
            }
            for p in applies_to(flag, &groups) {
                if let Some(first) = justified.get(p) {
                    if *first != j {
                        out.push(
                            "6.1.33",
                            format!("{base}/flags/{j}"),
                            format!(
                                "product `{p}` already has a VEX justification flag ({base}/flags/{first})"
                            ),
                        );
                    }
                } else {
                    justified.insert(p, j);
                }
            }
        }
    }
}

/// 6.1.6: the affected, not affected, fixed and under investigation sets are disjoint.
fn contradicting_status(v: &Value, base: &str, out: &mut Out) {
    let Some(ps) = v.get("product_status") else {
        return;
    };
    let classes: [(&str, &[&str]); 4] = [
        (
            "affected",
            &["first_affected", "known_affected", "last_affected"],
        ),
        ("not affected", &["known_not_affected"]),
        ("fixed", &["first_fixed", "fixed"]),
        ("under investigation", &["under_investigation"]),
    ];
    let mut class_of: HashMap<&str, &str> = HashMap::new();
    for (class, lists) in classes {
        for list in lists {
            for (path, id) in strings(ps, list, &format!("{base}/product_status")) {
                match class_of.get(id) {
                    Some(other) if *other != class => out.push(
                        "6.1.6",
                        path,
                        format!("product `{id}` is both {other} and {class}"),
                    ),
                    Some(_) => {}
                    None => {
                        class_of.insert(id, class);
                    }
                }
            }
        }
    }
}

/// 6.1.7, 6.1.9, 6.1.10.
fn scores(v: &Value, base: &str, out: &mut Out) {
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    for (j, score) in arr(v, "scores").iter().enumerate() {
        let spath = format!("{base}/scores/{j}");
        let mut versions: Vec<String> = Vec::new();
        for (key, kind) in [("cvss_v2", Kind::V2), ("cvss_v3", Kind::V3)] {
            let Some(obj) = score.get(key) else {
                continue;
            };
            if let Some(ver) = text(obj, "version") {
                versions.push(ver.to_string());
            }
            for (test, suffix, message) in cvss::check(kind, obj) {
                out.push(test, format!("{spath}/{key}{suffix}"), message);
            }
        }
        for (k, p) in arr(score, "products").iter().enumerate() {
            let Some(p) = p.as_str() else {
                continue;
            };
            for ver in &versions {
                if let Some(first) = seen.get(&(p, ver.clone())) {
                    if *first != j {
                        out.push(
                            "6.1.7",
                            format!("{spath}/products/{k}"),
                            format!(
                                "product `{p}` already has a CVSS {ver} score ({base}/scores/{first})"
                            ),
                        );
                    }
                } else {
                    seen.insert((p, ver.clone()), j);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6.1.12, 6.1.15, 6.1.28: languages

fn languages(doc: &Value, out: &mut Out) {
    let Some(d) = doc.get("document") else {
        return;
    };
    for key in ["lang", "source_lang"] {
        if let Some(tag) = text(d, key)
            && let Some(msg) = lang::problem(tag)
        {
            out.push("6.1.12", format!("/document/{key}"), msg);
        }
    }
    if d.get("publisher").and_then(|p| text(p, "category")) == Some("translator")
        && text(d, "source_lang").is_none_or(str::is_empty)
    {
        out.push(
            "6.1.15",
            "/document/source_lang",
            "the publisher is a translator, so source_lang must give the original language",
        );
    }
    if let (Some(l), Some(s)) = (text(d, "lang"), text(d, "source_lang"))
        && l.eq_ignore_ascii_case(s)
    {
        out.push(
            "6.1.28",
            "/document/lang",
            format!("the document language and the source language are both `{l}`"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6.1.13, 6.1.25, 6.1.31: product tree details

fn product_helpers(doc: &Value, out: &mut Out) {
    for (path, fpn) in full_product_names(doc) {
        let Some(helper) = fpn.get("product_identification_helper") else {
            continue;
        };
        let hpath = format!("{path}/product_identification_helper");
        if let Some(purl) = text(helper, "purl")
            && let Err(e) = safeguard_model::purl::Purl::parse(purl)
        {
            out.push(
                "6.1.13",
                format!("{hpath}/purl"),
                format!("`{purl}` is not a valid purl: {}", e.reason),
            );
        }
        for (i, h) in arr(helper, "hashes").iter().enumerate() {
            let mut algorithms: HashSet<String> = HashSet::new();
            for (j, fh) in arr(h, "file_hashes").iter().enumerate() {
                let Some(alg) = text(fh, "algorithm") else {
                    continue;
                };
                if !algorithms.insert(alg.to_ascii_lowercase()) {
                    out.push(
                        "6.1.25",
                        format!("{hpath}/hashes/{i}/file_hashes/{j}/algorithm"),
                        format!("hash algorithm `{alg}` is used more than once for this file"),
                    );
                }
            }
        }
    }
    // The spec's list: the operators anywhere, the words as whole (whitespace-separated)
    // words, so that a name such as `after-eight` is a version, not a range.
    const RANGE_OPERATORS: [&str; 2] = ["<", ">"];
    const RANGE_WORDS: [&str; 7] = [
        "after", "all", "before", "earlier", "later", "prior", "versions",
    ];
    for (path, b) in branches(doc) {
        if text(b, "category") != Some("product_version") {
            continue;
        }
        let Some(name) = text(b, "name") else {
            continue;
        };
        let lower = name.to_lowercase();
        let found = RANGE_OPERATORS
            .iter()
            .find(|o| lower.contains(*o))
            .or_else(|| {
                RANGE_WORDS
                    .iter()
                    .find(|w| lower.split_whitespace().any(|t| t == **w))
            });
        if let Some(word) = found {
            out.push(
                "6.1.31",
                format!("{path}/name"),
                format!("product_version `{name}` looks like a version range (it contains `{word}`); use product_version_range"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Revision history and version tests

struct Revision<'a> {
    index: usize,
    date: Option<OffsetDateTime>,
    number_text: &'a str,
    number: Option<DocVersion>,
}

fn revision_history(doc: &Value, out: &mut Out) {
    let Some(tracking) = doc.get("document").and_then(|d| d.get("tracking")) else {
        return;
    };
    let status = text(tracking, "status");
    let version_text = text(tracking, "version");
    let version = version_text.and_then(DocVersion::parse);
    let mut revs: Vec<Revision> = arr(tracking, "revision_history")
        .iter()
        .enumerate()
        .filter_map(|(index, r)| {
            let number_text = text(r, "number")?;
            Some(Revision {
                index,
                date: text(r, "date").and_then(|d| OffsetDateTime::parse(d, &Rfc3339).ok()),
                number_text,
                number: DocVersion::parse(number_text),
            })
        })
        .collect();
    let rh = "/document/tracking/revision_history";

    // 6.1.30: one versioning scheme throughout.
    let mut schemes: Vec<(String, bool)> = revs
        .iter()
        .filter_map(|r| {
            r.number
                .as_ref()
                .map(|n| (format!("{rh}/{}/number", r.index), n.is_integer()))
        })
        .collect();
    if let Some(v) = &version {
        schemes.push(("/document/tracking/version".into(), v.is_integer()));
    }
    if let Some((_, first)) = schemes.first() {
        let first = *first;
        for (path, integer) in &schemes {
            if *integer != first {
                out.push(
                    "6.1.30",
                    path.clone(),
                    "integer and semantic versioning are mixed in this document",
                );
            }
        }
    }

    // 6.1.22: no number twice.
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    for r in &revs {
        if let Some(first) = numbers.get(r.number_text) {
            out.push(
                "6.1.22",
                format!("{rh}/{}/number", r.index),
                format!(
                    "version {} is already in the revision history ({rh}/{first})",
                    r.number_text
                ),
            );
        } else {
            numbers.insert(r.number_text, r.index);
        }
    }

    // 6.1.18, 6.1.19
    let released = matches!(status, Some("final") | Some("interim"));
    for r in &revs {
        let Some(n) = &r.number else { continue };
        if released && n.is_zero() {
            out.push(
                "6.1.18",
                format!("{rh}/{}/number", r.index),
                format!(
                    "the document is {} but revision {} is a pre-release version 0",
                    status.unwrap_or_default(),
                    r.number_text
                ),
            );
        }
        if n.has_pre_release() {
            out.push(
                "6.1.19",
                format!("{rh}/{}/number", r.index),
                format!(
                    "revision {} is a pre-release; the revision history lists releases only",
                    r.number_text
                ),
            );
        }
    }

    // 6.1.17, 6.1.20
    if let Some(v) = &version {
        let vt = version_text.unwrap_or_default();
        if (v.is_zero() || v.has_pre_release()) && status != Some("draft") {
            out.push(
                "6.1.17",
                "/document/tracking/status",
                format!(
                    "version {vt} is not a release, so the status must be draft, not {}",
                    status.unwrap_or("missing")
                ),
            );
        }
        if released && v.has_pre_release() {
            out.push(
                "6.1.20",
                "/document/tracking/version",
                format!(
                    "the document is {} but version {vt} has a pre-release part",
                    status.unwrap_or_default()
                ),
            );
        }
    }

    // Sort by date, ties by version (items without a date or a readable number are left out).
    revs.retain(|r| r.date.is_some() && r.number.is_some());
    revs.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| match (&a.number, &b.number) {
                (Some(x), Some(y)) => x.precedence(y),
                _ => std::cmp::Ordering::Equal,
            })
    });

    // 6.1.14: sorted by date, the numbers ascend. Items that share a date can be put in
    // order, so only a number lower than one of an earlier date fails.
    let mut highest: Option<(&DocVersion, OffsetDateTime, usize)> = None;
    for r in &revs {
        let (Some(n), Some(d)) = (&r.number, r.date) else {
            continue;
        };
        if let Some((h, hd, hi)) = highest
            && hd < d
            && n.precedence(h) == std::cmp::Ordering::Less
        {
            out.push(
                "6.1.14",
                format!("{rh}/{}", r.index),
                format!(
                    "revision {} is dated after {rh}/{hi} but has a lower number",
                    r.number_text
                ),
            );
        }
        if highest.is_none_or(|(h, _, _)| n.precedence(h) == std::cmp::Ordering::Greater) {
            highest = Some((n, d, r.index));
        }
    }

    // 6.1.16: the version is the number of the newest revision.
    if let (Some(v), Some(last)) = (&version, revs.last())
        && let Some(n) = &last.number
    {
        let draft = status == Some("draft");
        let a = v.without_build(draft);
        let b = n.without_build(draft);
        if a != b {
            out.push(
                "6.1.16",
                "/document/tracking/version",
                format!(
                    "version is {} but the newest revision ({rh}/{}) is {}",
                    version_text.unwrap_or_default(),
                    last.index,
                    last.number_text
                ),
            );
        }
    }

    // 6.1.21: no major version is skipped, and the first is 0 or 1.
    let mut prev: Option<&DocVersion> = None;
    for r in &revs {
        let Some(n) = &r.number else { continue };
        match prev {
            None => {
                if n.major() != "0" && n.major() != "1" {
                    out.push(
                        "6.1.21",
                        format!("{rh}/{}/number", r.index),
                        format!(
                            "the first revision is {}; it must be 0 or 1 (major version 0 or 1)",
                            r.number_text
                        ),
                    );
                }
            }
            Some(p) => {
                if let (Ok(a), Ok(b)) = (p.major().parse::<u128>(), n.major().parse::<u128>())
                    && b > a.saturating_add(1)
                {
                    out.push(
                        "6.1.21",
                        format!("{rh}/{}/number", r.index),
                        format!(
                            "revision {} follows {}: versions in between are missing",
                            r.number_text,
                            p.major()
                        ),
                    );
                }
            }
        }
        prev = Some(n);
    }
}

// ---------------------------------------------------------------------------------------------
// 6.1.26: prohibited document category names

const PROFILE_VALUES: [&str; 5] = [
    "csaf_base",
    "csaf_security_incident_response",
    "csaf_informational_advisory",
    "csaf_security_advisory",
    "csaf_vex",
];

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn category(doc: &Value, out: &mut Out) {
    let Some(cat) = doc.get("document").and_then(|d| text(d, "category")) else {
        return;
    };
    if PROFILE_VALUES.contains(&cat) {
        return;
    }
    if cat.to_lowercase().starts_with("csaf_") {
        out.push(
            "6.1.26",
            "/document/category",
            format!(
                "`{cat}` uses the prefix csaf_, which is reserved for the profiles of the standard"
            ),
        );
        return;
    }
    let n = normalise(cat);
    let names = [
        "Security incident response",
        "Informational Advisory",
        "Security Advisory",
        "VEX",
    ];
    let prohibited = PROFILE_VALUES[1..]
        .iter()
        .copied()
        .chain(names)
        .any(|p| normalise(p) == n);
    if prohibited {
        out.push(
            "6.1.26",
            "/document/category",
            format!(
                "`{cat}` is the name of a CSAF profile; use the profile's value or another category"
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6.1.27.x: profile tests

fn profiles(doc: &Value, out: &mut Out) {
    let Some(d) = doc.get("document") else {
        return;
    };
    let cat = text(d, "category").unwrap_or_default();
    let vulns = doc.get("vulnerabilities");
    if matches!(
        cat,
        "csaf_informational_advisory" | "csaf_security_incident_response"
    ) {
        let has_note = arr(d, "notes").iter().any(|n| {
            matches!(
                text(n, "category"),
                Some("description" | "details" | "general" | "summary")
            )
        });
        if !has_note {
            out.push(
                "6.1.27.1",
                "/document/notes",
                "this profile needs a document note of category description, details, general or summary",
            );
        }
        let has_ref = arr(d, "references")
            .iter()
            .any(|r| text(r, "category") == Some("external"));
        if !has_ref {
            out.push(
                "6.1.27.2",
                "/document/references",
                "this profile needs a document reference of category external",
            );
        }
    }
    if cat == "csaf_informational_advisory" && vulns.is_some() {
        out.push(
            "6.1.27.3",
            "/vulnerabilities",
            "an informational advisory has no vulnerabilities; use csaf_security_advisory",
        );
    }
    if !matches!(cat, "csaf_security_advisory" | "csaf_vex") {
        return;
    }
    if doc.get("product_tree").is_none() {
        out.push(
            "6.1.27.4",
            "/product_tree",
            format!("a {cat} document needs a product tree"),
        );
    }
    if vulns.is_none() {
        out.push(
            "6.1.27.11",
            "/vulnerabilities",
            format!("a {cat} document needs vulnerabilities"),
        );
    }
    let groups = groups(doc);
    for (i, v) in arr(doc, "vulnerabilities").iter().enumerate() {
        let base = format!("/vulnerabilities/{i}");
        if v.get("notes").is_none() {
            out.push(
                "6.1.27.5",
                format!("{base}/notes"),
                "the vulnerability has no notes",
            );
        }
        if cat == "csaf_security_advisory" && v.get("product_status").is_none() {
            out.push(
                "6.1.27.6",
                format!("{base}/product_status"),
                "the vulnerability has no product_status",
            );
        }
        if cat != "csaf_vex" {
            continue;
        }
        let ps = v.get("product_status");
        let has_vex_status = ps.is_some_and(|ps| {
            [
                "fixed",
                "known_affected",
                "known_not_affected",
                "under_investigation",
            ]
            .iter()
            .any(|k| ps.get(*k).is_some())
        });
        if !has_vex_status {
            out.push(
                "6.1.27.7",
                format!("{base}/product_status"),
                "a VEX vulnerability needs fixed, known_affected, known_not_affected or under_investigation",
            );
        }
        if v.get("cve").is_none() && v.get("ids").is_none() {
            out.push(
                "6.1.27.8",
                base.clone(),
                "a VEX vulnerability needs a cve or ids",
            );
        }
        let Some(ps) = ps else { continue };
        // 6.1.27.9: every known_not_affected product has an impact statement.
        let mut impact: BTreeSet<&str> = BTreeSet::new();
        for f in arr(v, "flags") {
            impact.extend(applies_to(f, &groups));
        }
        for t in arr(v, "threats") {
            if text(t, "category") == Some("impact") {
                impact.extend(applies_to(t, &groups));
            }
        }
        for (path, id) in strings(ps, "known_not_affected", &format!("{base}/product_status")) {
            if !impact.contains(id) {
                out.push(
                    "6.1.27.9",
                    path,
                    format!("product `{id}` is known_not_affected but has no impact statement (a flag, or a threat of category impact)"),
                );
            }
        }
        // 6.1.27.10: every known_affected product has an action statement.
        let mut action: BTreeSet<&str> = BTreeSet::new();
        for r in arr(v, "remediations") {
            action.extend(applies_to(r, &groups));
        }
        for (path, id) in strings(ps, "known_affected", &format!("{base}/product_status")) {
            if !action.contains(id) {
                out.push(
                    "6.1.27.10",
                    path,
                    format!("product `{id}` is known_affected but has no action statement (a remediation)"),
                );
            }
        }
    }
}
