//! OpenVEX 0.2.0 and CycloneDX 1.6 VEX written from tickets: validated against the official
//! schemas (read in place from ../shared, no network), every status and justification mapped,
//! deterministic, and read back by Safeguard's own VEX reader, whose `not_affected` statements
//! must suppress exactly the matching findings.

mod common;

use std::path::PathBuf;

use common::{accept, change, ticket};
use safeguard_handling::model::{DocMeta, Justification, Severity, Status, Ticket};
use safeguard_handling::vex;
use safeguard_vulndb::finding::{
    AffectedComponent, Finding, Severity as FindingSeverity, SeveritySource, Suppression,
};
use safeguard_vulndb::vex::{self as reader, VexStatus};
use serde_json::Value;
use time::macros::datetime;

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata"
    ))
    .join(rel)
}

fn load(rel: &str) -> Value {
    let path = testdata(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (test data lives in ../shared)", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn openvex_errors(doc: &Value) -> Vec<String> {
    let schema = load("openvex-spec/openvex_json_schema.json");
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn cdx_errors(doc: &Value) -> Vec<String> {
    let dir = "cyclonedx-specification/schema";
    let schema = load(&format!("{dir}/bom-1.6.schema.json"));
    let mut builder = jsonschema::Registry::new();
    for f in [
        "spdx.schema.json",
        "jsf-0.82.schema.json",
        "cryptography-defs.schema.json",
    ] {
        let s = load(&format!("{dir}/{f}"));
        let id = s["$id"].as_str().unwrap().to_string();
        builder = builder.add(id, s).unwrap();
    }
    let registry = builder.prepare().unwrap();
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

fn meta() -> DocMeta {
    DocMeta {
        publisher: "Acme Ltd".into(),
        namespace: "https://acme.example/".into(),
        contact: Some("security@acme.example".into()),
        product_name: "Acme Server".into(),
        product_version: Some("4.2.0".into()),
        product_purl: Some("pkg:generic/acme-server@4.2.0".into()),
        document_id: "ACME-VEX-2024-001".into(),
        timestamp: datetime!(2024-07-01 12:00 UTC),
    }
}

/// One ticket per status, and one `not_affected` ticket per justification plus one with only
/// an impact statement and one with neither.
fn fixture() -> Vec<Ticket> {
    let t0 = datetime!(2024-06-01 08:00 UTC);
    let mut out = Vec::new();

    // 1: under investigation.
    let mut t = ticket(1, Severity::Unknown, t0);
    t.vuln_id = "GHSA-1111-2222-3333".into();
    t.purl = "pkg:npm/%40scope/parser@2.1.0".into();
    out.push(t);

    // 2: affected, fixed versions known, CVSS 3.1, aliases and references.
    let mut t = ticket(2, Severity::Critical, t0);
    t.vuln_id = "GHSA-aaaa-bbbb-cccc".into();
    t.aliases = vec![
        "CVE-2024-1111".into(),
        "GHSA-aaaa-bbbb-cccc".into(),
        " ".into(),
    ];
    t.purl = "pkg:npm/lodash@4.17.20".into();
    t.summary = Some("Prototype pollution in merge".into());
    t.cvss_score = Some(9.8);
    t.cvss_vector = Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into());
    t.fixed_versions = vec!["4.17.21".into()];
    t.references = vec![
        "https://github.com/advisories/GHSA-aaaa-bbbb-cccc".into(),
        "not a url".into(),
    ];
    t.published = Some(datetime!(2024-05-20 00:00 UTC));
    change(&mut t, t0 + common::days(1), Status::Affected, "alice");
    out.push(t);

    // 3: affected, no fix yet, the triager's own action statement, CVSS 4.0.
    let mut t = ticket(3, Severity::High, t0);
    t.vuln_id = "CVE-2024-2222".into();
    t.purl = "pkg:pypi/requests@2.31.0".into();
    t.cvss_score = Some(8.7);
    t.cvss_vector = Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N".into());
    change(&mut t, t0 + common::days(2), Status::Affected, "alice");
    t.statement = Some("Disable proxy support until 4.2.1 ships.".into());
    out.push(t);

    // 4: accepted by the CISO until September, CVSS 3.0.
    let mut t = ticket(4, Severity::Medium, t0);
    t.vuln_id = "RUSTSEC-2024-0004".into();
    t.aliases = vec!["CVE-2024-4444".into()];
    t.purl = "pkg:cargo/hyper@0.14.1".into();
    t.cvss_score = Some(5.3);
    t.cvss_vector = Some("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L".into());
    change(&mut t, t0 + common::days(1), Status::Affected, "alice");
    accept(
        &mut t,
        t0 + common::days(3),
        datetime!(2024-09-30 00:00 UTC),
        "ciso",
    );
    out.push(t);

    // 5: fixed in release 4.2.0, CVSS 2.
    let mut t = ticket(5, Severity::Low, t0);
    t.vuln_id = "GO-2024-0005".into();
    t.purl = "pkg:golang/golang.org/x/net@0.17.0".into();
    t.cvss_score = Some(2.6);
    t.cvss_vector = Some("AV:N/AC:H/Au:N/C:P/I:N/A:N".into());
    t.fixed_versions = vec!["0.23.0".into()];
    change(&mut t, t0 + common::days(5), Status::Fixed, "scan");
    t.released_in = Some("4.2.0".into());
    out.push(t);

    // 6–10: not affected, one per justification.
    for (i, j) in Justification::ALL.iter().enumerate() {
        let id = 6 + i as i64;
        let mut t = ticket(id, Severity::High, t0);
        t.vuln_id = format!("PYSEC-2024-{id}");
        t.purl = format!("pkg:pypi/lib{id}@1.0.0");
        change(&mut t, t0 + common::days(id), Status::NotAffected, "alice");
        t.justification = Some(*j);
        if id == 8 {
            t.statement = Some("The parser is never called with untrusted input.".into());
        }
        out.push(t);
    }

    // 11: not affected with only an impact statement.
    let mut t = ticket(11, Severity::Medium, t0);
    t.vuln_id = "CVE-2024-1011".into();
    t.purl = "pkg:maven/org.example/lib11@1.0.0".into();
    change(&mut t, t0 + common::days(3), Status::NotAffected, "bob");
    t.statement = Some("Only the client half of the library ships.".into());
    out.push(t);

    // 12: not affected with neither.
    let mut t = ticket(12, Severity::Medium, t0);
    t.vuln_id = "OSV-2024-12".into();
    t.purl = "pkg:npm/lib12@1.0.0".into();
    change(&mut t, t0 + common::days(3), Status::NotAffected, "bob");
    out.push(t);
    out
}

fn refs(tickets: &[Ticket]) -> Vec<&Ticket> {
    tickets.iter().collect()
}

fn statement<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["vulnerability"]["name"] == name)
        .unwrap_or_else(|| panic!("no statement for {name}"))
}

fn vuln<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vulnerability {id}"))
}

// ---------------------------------------------------------------------------------------------
// OpenVEX
// ---------------------------------------------------------------------------------------------

#[test]
fn openvex_validates_against_the_schema() {
    let tickets = fixture();
    let doc = vex::openvex(&refs(&tickets), &meta());
    let errors = openvex_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["statements"].as_array().unwrap().len(), 12);
}

#[test]
fn the_openvex_schema_check_can_fail() {
    let tickets = fixture();
    let mut doc = vex::openvex(&refs(&tickets), &meta());
    // An affected statement without its action statement, and an unknown justification.
    let list = doc["statements"].as_array_mut().unwrap();
    for s in list.iter_mut() {
        if s["status"] == "affected" {
            s.as_object_mut().unwrap().remove("action_statement");
        }
        if s["justification"] == "component_not_present" {
            s["justification"] = "code_not_present".into();
        }
    }
    assert!(
        openvex_errors(&doc).len() >= 4,
        "{:#?}",
        openvex_errors(&doc)
    );
}

#[test]
fn openvex_document_fields() {
    let tickets = fixture();
    let doc = vex::openvex(&refs(&tickets), &meta());
    assert_eq!(doc["@context"], "https://openvex.dev/ns/v0.2.0");
    assert_eq!(doc["@id"], "https://acme.example/vex/ACME-VEX-2024-001");
    assert_eq!(doc["author"], "Acme Ltd");
    assert_eq!(doc["timestamp"], "2024-07-01T12:00:00Z");
    assert_eq!(doc["version"], 1);
    // Sorted by vulnerability id.
    let names: Vec<&str> = doc["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["vulnerability"]["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert_eq!(names[0], "CVE-2024-1011");
}

#[test]
fn openvex_statuses_and_statements() {
    let tickets = fixture();
    let doc = vex::openvex(&refs(&tickets), &meta());

    let s = statement(&doc, "GHSA-1111-2222-3333");
    assert_eq!(s["status"], "under_investigation");
    assert_eq!(s["timestamp"], "2024-06-01T08:00:00Z");
    assert_eq!(
        s["products"],
        serde_json::json!([{
            "@id": "pkg:generic/acme-server@4.2.0",
            "subcomponents": [{"@id": "pkg:npm/%40scope/parser@2.1.0"}]
        }])
    );

    let s = statement(&doc, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(s["status"], "affected");
    assert_eq!(
        s["vulnerability"],
        serde_json::json!({
            "@id": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
            "name": "GHSA-aaaa-bbbb-cccc",
            "description": "Prototype pollution in merge",
            "aliases": ["CVE-2024-1111"]
        })
    );
    assert_eq!(
        s["action_statement"],
        "Update pkg:npm/lodash@4.17.20 to a fixed version (4.17.21)."
    );
    assert_eq!(s["action_statement_timestamp"], "2024-06-02T08:00:00Z");
    assert_eq!(s["timestamp"], "2024-06-02T08:00:00Z");

    let s = statement(&doc, "CVE-2024-2222");
    assert_eq!(s["status"], "affected");
    assert_eq!(
        s["action_statement"],
        "Disable proxy support until 4.2.1 ships."
    );

    let s = statement(&doc, "RUSTSEC-2024-0004");
    assert_eq!(s["status"], "affected");
    assert_eq!(
        s["action_statement"],
        "Risk accepted by ciso until 2024-09-30T00:00:00Z: compensating WAF rule in place."
    );
    assert_eq!(s["action_statement_timestamp"], "2024-06-04T08:00:00Z");

    let s = statement(&doc, "GO-2024-0005");
    assert_eq!(s["status"], "fixed");
    assert_eq!(s["status_notes"], "Fixed in release 4.2.0.");

    for (i, j) in Justification::ALL.iter().enumerate() {
        let s = statement(&doc, &format!("PYSEC-2024-{}", 6 + i));
        assert_eq!(s["status"], "not_affected");
        assert_eq!(s["justification"], j.as_str());
    }
    assert_eq!(
        statement(&doc, "PYSEC-2024-8")["impact_statement"],
        "The parser is never called with untrusted input."
    );
    assert!(
        statement(&doc, "PYSEC-2024-6")
            .get("impact_statement")
            .is_none()
    );

    let s = statement(&doc, "CVE-2024-1011");
    assert!(s.get("justification").is_none());
    assert_eq!(
        s["impact_statement"],
        "Only the client half of the library ships."
    );
    let s = statement(&doc, "OSV-2024-12");
    assert_eq!(
        s["impact_statement"],
        "The vendor determined that the product is not affected; no justification was recorded."
    );
}

#[test]
fn openvex_without_a_purl_or_a_usable_namespace_stays_valid() {
    let tickets = fixture();
    let mut m = meta();
    m.product_purl = None;
    m.document_id = "VEX 2024/07 #1".into();
    let doc = vex::openvex(&refs(&tickets), &m);
    assert_eq!(
        doc["@id"],
        "https://acme.example/vex/VEX%202024%2F07%20%231"
    );
    assert_eq!(
        statement(&doc, "GO-2024-0005")["products"][0]["@id"],
        "https://acme.example/products/Acme%20Server/4.2.0"
    );
    assert!(
        openvex_errors(&doc).is_empty(),
        "{:#?}",
        openvex_errors(&doc)
    );

    // A namespace that is not an IRI, and a component purl that is not one either.
    m.namespace = "acme".into();
    let mut odd = fixture();
    odd[0].purl = "pkg:npm/a|b@1 0".into();
    let doc = vex::openvex(&refs(&odd), &m);
    let id = doc["@id"].as_str().unwrap();
    assert!(id.starts_with("urn:uuid:") && id.len() == 45, "{id}");
    let s = statement(&doc, "GHSA-1111-2222-3333");
    assert_eq!(
        s["products"][0]["subcomponents"],
        serde_json::json!([{"identifiers": {"purl": "pkg:npm/a|b@1 0"}}])
    );
    assert!(
        openvex_errors(&doc).is_empty(),
        "{:#?}",
        openvex_errors(&doc)
    );
}

#[test]
fn openvex_of_no_tickets_has_no_statements() {
    let doc = vex::openvex(&[], &meta());
    assert_eq!(doc["statements"], serde_json::json!([]));
    // The schema wants at least one: callers must not write such a document.
    assert_eq!(openvex_errors(&doc).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// CycloneDX
// ---------------------------------------------------------------------------------------------

#[test]
fn cyclonedx_validates_against_the_schema() {
    let tickets = fixture();
    let doc = vex::cyclonedx(&refs(&tickets), &meta());
    let errors = cdx_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["vulnerabilities"].as_array().unwrap().len(), 12);
    assert_eq!(doc["components"].as_array().unwrap().len(), 12);

    let empty = vex::cyclonedx(&[], &meta());
    assert!(cdx_errors(&empty).is_empty(), "{:#?}", cdx_errors(&empty));
}

#[test]
fn the_cyclonedx_schema_check_can_fail() {
    let tickets = fixture();
    let mut doc = vex::cyclonedx(&refs(&tickets), &meta());
    doc["vulnerabilities"][0]["analysis"]["state"] = "affected".into();
    doc["vulnerabilities"][0]["analysis"]["justification"] = "component_not_present".into();
    doc["vulnerabilities"][1]["ratings"][0]["method"] = "CVSSv3.1".into();
    assert_eq!(cdx_errors(&doc).len(), 3, "{:#?}", cdx_errors(&doc));
}

#[test]
fn cyclonedx_document_fields() {
    let tickets = fixture();
    let doc = vex::cyclonedx(&refs(&tickets), &meta());
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["metadata"]["timestamp"], "2024-07-01T12:00:00Z");
    assert_eq!(
        doc["metadata"]["component"],
        serde_json::json!({
            "type": "application",
            "bom-ref": "pkg:generic/acme-server@4.2.0",
            "supplier": {
                "name": "Acme Ltd",
                "url": ["https://acme.example"],
                "contact": [{"email": "security@acme.example"}]
            },
            "name": "Acme Server",
            "version": "4.2.0",
            "purl": "pkg:generic/acme-server@4.2.0"
        })
    );
    let c = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bom-ref"] == "pkg:npm/%40scope/parser@2.1.0")
        .unwrap();
    assert_eq!(
        *c,
        serde_json::json!({
            "type": "library",
            "bom-ref": "pkg:npm/%40scope/parser@2.1.0",
            "group": "@scope",
            "name": "parser",
            "version": "2.1.0",
            "purl": "pkg:npm/%40scope/parser@2.1.0"
        })
    );
    let serial = doc["serialNumber"].as_str().unwrap();
    assert!(
        serial.starts_with("urn:uuid:") && serial.len() == 45,
        "{serial}"
    );
    assert_eq!(&serial[23..24], "5", "version nibble");
}

#[test]
fn cyclonedx_sources_from_id_prefixes() {
    let tickets = fixture();
    let doc = vex::cyclonedx(&refs(&tickets), &meta());
    let src = |id: &str| vuln(&doc, id)["source"].clone();
    assert_eq!(
        src("GHSA-aaaa-bbbb-cccc"),
        serde_json::json!({"name": "GitHub Advisories", "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc"})
    );
    assert_eq!(
        src("RUSTSEC-2024-0004"),
        serde_json::json!({"name": "RustSec", "url": "https://rustsec.org/advisories/RUSTSEC-2024-0004.html"})
    );
    assert_eq!(
        src("PYSEC-2024-6"),
        serde_json::json!({"name": "PyPI Advisory Database", "url": "https://osv.dev/vulnerability/PYSEC-2024-6"})
    );
    assert_eq!(
        src("GO-2024-0005"),
        serde_json::json!({"name": "Go Vulnerability Database", "url": "https://pkg.go.dev/vuln/GO-2024-0005"})
    );
    assert_eq!(
        src("CVE-2024-2222"),
        serde_json::json!({"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-2222"})
    );
    assert_eq!(
        src("OSV-2024-12"),
        serde_json::json!({"name": "OSV", "url": "https://osv.dev/vulnerability/OSV-2024-12"})
    );
    assert_eq!(
        vuln(&doc, "RUSTSEC-2024-0004")["references"],
        serde_json::json!([{"id": "CVE-2024-4444", "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-4444"}}])
    );
}

#[test]
fn cyclonedx_ratings_name_the_cvss_version() {
    let tickets = fixture();
    let doc = vex::cyclonedx(&refs(&tickets), &meta());
    let rating = |id: &str| vuln(&doc, id)["ratings"][0].clone();
    assert_eq!(
        rating("GHSA-aaaa-bbbb-cccc"),
        serde_json::json!({"score": 9.8, "severity": "critical", "method": "CVSSv31", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"})
    );
    assert_eq!(rating("CVE-2024-2222")["method"], "CVSSv4");
    assert_eq!(rating("RUSTSEC-2024-0004")["method"], "CVSSv3");
    assert_eq!(rating("GO-2024-0005")["method"], "CVSSv2");
    assert_eq!(
        rating("PYSEC-2024-6"),
        serde_json::json!({"severity": "high"})
    );
    // An unrated ticket has no rating at all.
    assert!(vuln(&doc, "GHSA-1111-2222-3333").get("ratings").is_none());
    assert_eq!(vex::cvss_method("CVSS:9.9/X"), "other");
}

#[test]
fn cyclonedx_analysis_for_every_status_and_justification() {
    let tickets = fixture();
    let doc = vex::cyclonedx(&refs(&tickets), &meta());
    let analysis = |id: &str| vuln(&doc, id)["analysis"].clone();

    assert_eq!(
        analysis("GHSA-1111-2222-3333"),
        serde_json::json!({"state": "in_triage", "firstIssued": "2024-06-01T08:00:00Z", "lastUpdated": "2024-06-01T08:00:00Z"})
    );
    assert_eq!(
        analysis("GHSA-aaaa-bbbb-cccc"),
        serde_json::json!({
            "state": "exploitable",
            "response": ["update"],
            "detail": "Update pkg:npm/lodash@4.17.20 to a fixed version (4.17.21).",
            "firstIssued": "2024-06-02T08:00:00Z",
            "lastUpdated": "2024-06-02T08:00:00Z"
        })
    );
    assert!(analysis("CVE-2024-2222").get("response").is_none());
    assert_eq!(
        analysis("RUSTSEC-2024-0004"),
        serde_json::json!({
            "state": "exploitable",
            "response": ["will_not_fix"],
            "detail": "Risk accepted by ciso until 2024-09-30T00:00:00Z: compensating WAF rule in place.",
            "firstIssued": "2024-06-02T08:00:00Z",
            "lastUpdated": "2024-06-04T08:00:00Z"
        })
    );
    assert_eq!(
        analysis("GO-2024-0005"),
        serde_json::json!({
            "state": "resolved",
            "response": ["update"],
            "detail": "Fixed in release 4.2.0.",
            "firstIssued": "2024-06-01T08:00:00Z",
            "lastUpdated": "2024-06-06T08:00:00Z"
        })
    );
    let expected = [
        "code_not_present",
        "code_not_present",
        "code_not_reachable",
        "requires_environment",
        "protected_by_mitigating_control",
    ];
    for (i, (j, cdx)) in Justification::ALL.iter().zip(expected).enumerate() {
        let id = format!("PYSEC-2024-{}", 6 + i);
        assert_eq!(analysis(&id)["state"], "not_affected");
        assert_eq!(analysis(&id)["justification"], cdx, "{id}");
        assert_eq!(vex::cyclonedx_justification(*j), cdx);
        assert_eq!(
            vuln(&doc, &id)["properties"][2],
            serde_json::json!({"name": "safeguard:justification", "value": j.as_str()})
        );
    }
    assert_eq!(
        analysis("CVE-2024-1011"),
        serde_json::json!({
            "state": "not_affected",
            "detail": "Only the client half of the library ships.",
            "firstIssued": "2024-06-04T08:00:00Z",
            "lastUpdated": "2024-06-04T08:00:00Z"
        })
    );
    let v = vuln(&doc, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(
        v["affects"],
        serde_json::json!([{"ref": "pkg:npm/lodash@4.17.20"}])
    );
    assert_eq!(
        v["advisories"],
        serde_json::json!([{"url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc"}])
    );
    assert_eq!(v["published"], "2024-05-20T00:00:00Z");
    assert_eq!(
        v["properties"][0],
        serde_json::json!({"name": "safeguard:ticket", "value": "VULN-2"})
    );
}

#[test]
fn cyclonedx_with_odd_metadata_stays_valid() {
    let mut odd = fixture();
    odd[0].purl = "pkg:npm/a|b@1 0".into();
    odd[1].purl = String::new();
    odd[2].cvss_score = Some(f64::NAN);
    let mut m = meta();
    m.namespace = "acme".into();
    m.product_purl = None;
    m.contact = Some("https://acme.example/security".into());
    let doc = vex::cyclonedx(&refs(&odd), &m);
    assert!(cdx_errors(&doc).is_empty(), "{:#?}", cdx_errors(&doc));
    assert_eq!(
        doc["metadata"]["supplier"],
        serde_json::json!({"name": "Acme Ltd", "url": ["https://acme.example/security"]})
    );
    assert_eq!(
        vuln(&doc, "GHSA-aaaa-bbbb-cccc")["affects"][0]["ref"],
        "VULN-2-component"
    );
}

// ---------------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn output_does_not_depend_on_input_order() {
    let tickets = fixture();
    let forward = refs(&tickets);
    let mut backward = forward.clone();
    backward.reverse();
    assert_eq!(
        vex::openvex(&forward, &meta()),
        vex::openvex(&backward, &meta())
    );
    let a = vex::cyclonedx(&forward, &meta());
    let b = vex::cyclonedx(&backward, &meta());
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    // The serial number follows the content.
    let mut changed = fixture();
    changed[0].status = Status::Affected;
    let c = vex::cyclonedx(&refs(&changed), &meta());
    assert_ne!(a["serialNumber"], c["serialNumber"]);
}

// ---------------------------------------------------------------------------------------------
// Round trip through Safeguard's own VEX reader
// ---------------------------------------------------------------------------------------------

fn finding(id: &str, aliases: &[&str], purl: &str) -> Finding {
    Finding {
        component: AffectedComponent {
            ecosystem: "npm".into(),
            name: "x".into(),
            version: "1".into(),
            purl: purl.into(),
            file: None,
            line: None,
            relationship: "direct".into(),
            introduced_by: vec![],
        },
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        summary: None,
        severity: FindingSeverity {
            rating: None,
            score: None,
            vector: None,
            cvss_version: None,
            source: SeveritySource::Unknown,
        },
        fixed_versions: vec![],
        upgrade_to: None,
        references: vec![],
        published: None,
        modified: datetime!(2024-05-01 00:00 UTC),
        informational: None,
        suppressed: None,
    }
}

/// One finding per ticket (the not_affected ticket 8 found under an alias), plus a finding of
/// a not_affected vulnerability in another version of the component, which must stay open.
fn findings(tickets: &[Ticket]) -> Vec<Finding> {
    let mut out: Vec<Finding> = tickets
        .iter()
        .map(|t| finding(&t.vuln_id, &[], &t.purl))
        .collect();
    out.push(finding("PYSEC-2024-6", &[], "pkg:pypi/lib6@2.0.0"));
    out
}

fn round_trip(name: &str, text: &str) {
    let tickets = fixture();
    let doc = reader::read(name, text.as_bytes()).unwrap();
    assert_eq!(doc.statements.len(), 12);
    let status = |v: &str| {
        doc.statements
            .iter()
            .find(|s| s.vulnerability == v)
            .map(|s| s.status)
            .unwrap()
    };
    assert_eq!(status("GHSA-1111-2222-3333"), VexStatus::UnderInvestigation);
    assert_eq!(status("GHSA-aaaa-bbbb-cccc"), VexStatus::Affected);
    assert_eq!(status("RUSTSEC-2024-0004"), VexStatus::Affected);
    assert_eq!(status("GO-2024-0005"), VexStatus::Fixed);
    assert_eq!(status("PYSEC-2024-7"), VexStatus::NotAffected);

    let mut found = findings(&tickets);
    // Ticket 2 found under its CVE alias: the statement's aliases must carry it.
    found[1] = finding("CVE-2024-1111", &["GHSA-zzzz"], "pkg:npm/lodash@4.17.20");
    let suppressed = reader::apply(&doc, &mut found);
    assert_eq!(suppressed, 7);
    for (t, f) in tickets.iter().zip(&found) {
        let want = t.status == Status::NotAffected;
        assert_eq!(f.suppressed.is_some(), want, "{} {}", t.key(), f.id);
        if let Some(Suppression::Vex { file, status, .. }) = &f.suppressed {
            assert_eq!(file, name);
            assert_eq!(status, "not_affected");
        }
    }
    assert!(found.last().unwrap().suppressed.is_none(), "other version");
    let j = |i: usize| match &found[i].suppressed {
        Some(Suppression::Vex { justification, .. }) => justification.clone(),
        _ => None,
    };
    assert!(j(5).is_some() && j(7).is_some(), "justifications carried");
    assert_eq!(j(10), None, "ticket 11 has only an impact statement");
}

#[test]
fn openvex_round_trip_suppresses_exactly_the_not_affected_findings() {
    let tickets = fixture();
    let doc = vex::openvex(&refs(&tickets), &meta());
    let text = serde_json::to_string_pretty(&doc).unwrap();
    round_trip("acme.openvex.json", &text);
    let read = reader::read("acme.openvex.json", text.as_bytes()).unwrap();
    let s = read
        .statements
        .iter()
        .find(|s| s.vulnerability == "PYSEC-2024-8")
        .unwrap();
    assert_eq!(
        s.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(
        s.statement.as_deref(),
        Some("The parser is never called with untrusted input.")
    );
    assert_eq!(s.timestamp, Some(datetime!(2024-06-09 08:00 UTC)));
}

#[test]
fn cyclonedx_round_trip_suppresses_exactly_the_not_affected_findings() {
    let tickets = fixture();
    let doc = vex::cyclonedx(&refs(&tickets), &meta());
    let text = serde_json::to_string_pretty(&doc).unwrap();
    round_trip("acme.cdx.json", &text);
    let read = reader::read("acme.cdx.json", text.as_bytes()).unwrap();
    let s = read
        .statements
        .iter()
        .find(|s| s.vulnerability == "PYSEC-2024-8")
        .unwrap();
    assert_eq!(s.justification.as_deref(), Some("code_not_reachable"));
    assert_eq!(s.timestamp, Some(datetime!(2024-06-09 08:00 UTC)));
}
