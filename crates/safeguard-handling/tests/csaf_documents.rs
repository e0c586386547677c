//! CSAF advisories and VEX drafted from tickets, the provider folder, and the OSV export:
//! every document we write passes our own validator with zero findings (schema and mandatory
//! tests), the provider metadata passes the official provider schema, and the OSV records pass
//! the OSV schema (both read in place from ../shared).

use std::path::{Path, PathBuf};

use safeguard_handling::csaf::{
    self, AdvisoryOptions, Outcome, PublishOptions, Revision, TrackingStatus,
};
use safeguard_handling::model::{Acceptance, DocMeta, Justification, Severity, Status, Ticket};
use safeguard_handling::osv;
use serde_json::{Value, json};
use time::macros::datetime;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata")
        .join(rel)
}

fn load_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (test data lives in ../shared)", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn ticket(id: i64, purl: &str, vuln: &str, status: Status) -> Ticket {
    Ticket {
        id,
        product: "acme-server".into(),
        product_version: Some("4.2.0".into()),
        purl: purl.into(),
        vuln_id: vuln.into(),
        aliases: vec![],
        summary: Some(format!("{vuln}: something bad")),
        severity: Severity::High,
        cvss_score: None,
        cvss_vector: None,
        fixed_versions: vec![],
        references: vec![],
        published: Some(datetime!(2025-11-01 00:00 UTC)),
        first_seen: datetime!(2025-12-01 09:00 UTC),
        last_seen: datetime!(2025-12-20 09:00 UTC),
        first_scan: 1,
        last_scan: 4,
        status,
        justification: None,
        statement: None,
        acceptance: None,
        triaged_at: None,
        fixed_at: None,
        fixed_by_scan: None,
        released_in: None,
        released_at: None,
        history: vec![],
    }
}

fn meta() -> DocMeta {
    DocMeta {
        publisher: "Acme Software Ltd".into(),
        namespace: "https://acme.example".into(),
        contact: Some("security@acme.example".into()),
        product_name: "Acme Server".into(),
        product_version: Some("4.2.0".into()),
        product_purl: Some("pkg:generic/acme-server@4.2.0".into()),
        document_id: "ACME-SA-2026-001".into(),
        timestamp: datetime!(2026-01-15 10:00 UTC),
    }
}

/// A mix of every status, a CVE by alias, two tickets for one CVE, scores, a fix, references.
fn mixed() -> Vec<Ticket> {
    let mut a = ticket(
        1,
        "pkg:cargo/tokio@1.0.0",
        "RUSTSEC-2023-0001",
        Status::Affected,
    );
    a.aliases = vec!["CVE-2023-22466".into(), "GHSA-7rrj-xr53-82p7".into()];
    a.cvss_vector = Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into());
    a.cvss_score = Some(9.8);
    a.fixed_versions = vec!["1.18.4".into(), "1.20.3".into()];
    a.references = vec![
        "https://rustsec.org/advisories/RUSTSEC-2023-0001.html".into(),
        "not a url".into(),
    ];
    let mut b = ticket(
        2,
        "pkg:npm/%40scope/app-lib@2.0.0",
        "CVE-2023-22466",
        Status::Fixed,
    );
    b.released_in = Some("4.2.0".into());
    let mut c = ticket(
        3,
        "pkg:pypi/requests@2.19.0",
        "GHSA-x84v-xcm2-53pg",
        Status::NotAffected,
    );
    c.justification = Some(Justification::VulnerableCodeNotInExecutePath);
    c.statement = Some("The product never calls the affected function.".into());
    let mut d = ticket(
        4,
        "pkg:golang/golang.org/x/net@v0.17.0",
        "GO-2023-2102",
        Status::Accepted,
    );
    d.acceptance = Some(Acceptance {
        approver: "ciso@acme.example".into(),
        expires: datetime!(2026-06-30 00:00 UTC),
        reason: "not reachable from the network".into(),
    });
    // a stored score that does not match its vector is left out rather than misstated
    d.cvss_vector = Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into());
    d.cvss_score = Some(5.0);
    let e = ticket(
        5,
        "pkg:maven/org.example/lib@1.2.3",
        "OSV-2024-1",
        Status::UnderInvestigation,
    );
    let mut f = ticket(6, "pkg:npm/ms@2.1.3", "CVE-2017-20165", Status::NotAffected);
    f.justification = None; // impact statement only, no flag
    let mut g = ticket(
        7,
        "pkg:npm/ms@2.1.3",
        "GHSA-aaaa-bbbb-cccc",
        Status::Affected,
    );
    g.statement = Some("Limit request sizes at the proxy.".into());
    g.cvss_vector = Some("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H".into());
    g.cvss_score = Some(5.9);
    vec![a, b, c, d, e, f, g]
}

fn refs(v: &[Ticket]) -> Vec<&Ticket> {
    v.iter().collect()
}

fn assert_valid(doc: &Value) {
    let report = csaf::validate(doc);
    assert!(
        report.is_valid(),
        "{:#?}\n{}",
        report.findings,
        serde_json::to_string_pretty(doc).unwrap()
    );
}

#[test]
fn advisories_from_several_ticket_mixes_are_valid() {
    let all = mixed();
    let mixes: Vec<Vec<Ticket>> = vec![
        all.clone(),
        vec![all[0].clone()],
        vec![all[2].clone()],
        vec![all[1].clone(), all[4].clone()],
        vec![all[3].clone(), all[5].clone(), all[6].clone()],
    ];
    for (n, mix) in mixes.iter().enumerate() {
        for status in [TrackingStatus::Draft, TrackingStatus::Final] {
            let opts = AdvisoryOptions {
                status,
                ..Default::default()
            };
            let doc = csaf::advisory(&refs(mix), &meta(), &opts).unwrap();
            assert_eq!(
                doc["document"]["category"], "csaf_security_advisory",
                "mix {n}"
            );
            assert_valid(&doc);
            let vex = csaf::vex(&refs(mix), &meta(), &opts).unwrap();
            assert_eq!(vex["document"]["category"], "csaf_vex");
            assert_valid(&vex);
        }
    }
}

#[test]
fn the_advisory_says_what_the_tickets_say() {
    let doc = csaf::advisory(&refs(&mixed()), &meta(), &AdvisoryOptions::default()).unwrap();
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    // RUSTSEC-2023-0001 (alias CVE-2023-22466) and the npm ticket for that CVE are one item
    let cve = vulns.iter().find(|v| v["cve"] == "CVE-2023-22466").unwrap();
    assert_eq!(
        cve["ids"],
        json!([{"system_name": "GitHub Security Advisories", "text": "GHSA-7rrj-xr53-82p7"},
               {"system_name": "RustSec Advisory Database", "text": "RUSTSEC-2023-0001"}])
    );
    // products: components numbered by purl order; tokio is C4 → composite CSAFPID-4
    let rels = doc["product_tree"]["relationships"].as_array().unwrap();
    let composite = |purl: &str| -> String {
        let fpn = doc["product_tree"]["full_product_names"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product_identification_helper"]["purl"] == purl)
            .unwrap();
        let rel = rels
            .iter()
            .find(|r| r["product_reference"] == fpn["product_id"])
            .unwrap();
        assert_eq!(rel["category"], "default_component_of");
        assert_eq!(rel["relates_to_product_reference"], "CSAFPID-0");
        rel["full_product_name"]["product_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let tokio = composite("pkg:cargo/tokio@1.0.0");
    let applib = composite("pkg:npm/%40scope/app-lib@2.0.0");
    assert_eq!(cve["product_status"]["known_affected"], json!([tokio]));
    assert_eq!(cve["product_status"]["fixed"], json!([applib]));
    let rem = cve["remediations"].as_array().unwrap();
    assert!(rem.iter().any(|r| r["category"] == "vendor_fix"
        && r["details"] == "Update tokio 1.0.0 to version 1.18.4 or 1.20.3."
        && r["product_ids"] == json!([tokio])));
    assert!(
        rem.iter()
            .any(|r| r["details"] == "Fixed in release 4.2.0."
                && r["product_ids"] == json!([applib]))
    );
    assert_eq!(
        cve["scores"],
        json!([{"cvss_v3": {"baseScore": 9.8, "baseSeverity": "CRITICAL",
            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "version": "3.1"},
            "products": [tokio]}])
    );
    assert_eq!(
        cve["references"].as_array().unwrap().len(),
        1,
        "the non-URL reference is dropped"
    );
    // not affected with a justification: a flag with the CSAF label and an impact threat
    let ghsa = vulns
        .iter()
        .find(|v| v["title"] == "GHSA-x84v-xcm2-53pg")
        .unwrap();
    let requests = composite("pkg:pypi/requests@2.19.0");
    assert_eq!(
        ghsa["flags"],
        json!([{"label": "vulnerable_code_not_in_execute_path", "product_ids": [requests]}])
    );
    assert_eq!(
        ghsa["threats"][0]["details"],
        "The product never calls the affected function."
    );
    assert!(ghsa.get("cve").is_none());
    // accepted risk: affected, with the acceptance as the action statement; the inconsistent
    // stored score is not published
    let go = vulns.iter().find(|v| v["title"] == "GO-2023-2102").unwrap();
    assert_eq!(
        go["product_status"]["known_affected"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(go["remediations"][0]["category"], "no_fix_planned");
    assert!(
        go["remediations"][0]["details"]
            .as_str()
            .unwrap()
            .contains("ciso@acme.example until 2026-06-30T00:00:00Z")
    );
    assert!(go.get("scores").is_none());
    // affected without a fix but with a statement: a mitigation; CVSS 3.0 kept as 3.0
    let ms = vulns
        .iter()
        .find(|v| v["title"] == "GHSA-aaaa-bbbb-cccc")
        .unwrap();
    assert_eq!(ms["remediations"][0]["category"], "mitigation");
    assert_eq!(ms["scores"][0]["cvss_v3"]["version"], "3.0");
    assert_eq!(ms["scores"][0]["cvss_v3"]["baseSeverity"], "MEDIUM");
    let osv_item = vulns.iter().find(|v| v["title"] == "OSV-2024-1").unwrap();
    assert!(osv_item["product_status"]["under_investigation"].is_array());
    // the document
    let d = &doc["document"];
    assert_eq!(d["tracking"]["status"], "draft");
    assert_eq!(d["tracking"]["version"], "1");
    assert_eq!(d["tracking"]["id"], "ACME-SA-2026-001");
    assert_eq!(
        d["tracking"]["initial_release_date"],
        "2026-01-15T10:00:00Z"
    );
    assert_eq!(
        d["publisher"],
        json!({"category": "vendor", "name": "Acme Software Ltd",
        "namespace": "https://acme.example", "contact_details": "security@acme.example"})
    );
    let version_branch = &doc["product_tree"]["branches"][0]["branches"][0]["branches"][0];
    assert_eq!(version_branch["category"], "product_version");
    assert_eq!(version_branch["product"]["product_id"], "CSAFPID-0");
}

#[test]
fn same_tickets_in_any_order_give_the_same_bytes() {
    let t = mixed();
    let forward = csaf::advisory(&refs(&t), &meta(), &AdvisoryOptions::default()).unwrap();
    let mut reversed: Vec<&Ticket> = refs(&t);
    reversed.reverse();
    let backward = csaf::advisory(&reversed, &meta(), &AdvisoryOptions::default()).unwrap();
    assert_eq!(
        serde_json::to_vec(&forward).unwrap(),
        serde_json::to_vec(&backward).unwrap()
    );
}

#[test]
fn a_revision_continues_the_history_and_stays_valid() {
    let opts = AdvisoryOptions {
        status: TrackingStatus::Final,
        previous_revisions: vec![Revision {
            date: datetime!(2026-01-10 08:00 UTC),
            number: 1,
            summary: "Initial version.".into(),
        }],
        revision_summary: Some("Fix released.".into()),
        ..Default::default()
    };
    let doc = csaf::advisory(&refs(&mixed()), &meta(), &opts).unwrap();
    assert_valid(&doc);
    let t = &doc["document"]["tracking"];
    assert_eq!(t["version"], "2");
    assert_eq!(t["initial_release_date"], "2026-01-10T08:00:00Z");
    assert_eq!(t["revision_history"][1]["summary"], "Fix released.");
}

#[test]
fn drafting_needs_tickets_and_a_publisher() {
    assert_eq!(
        csaf::advisory(&[], &meta(), &AdvisoryOptions::default()),
        Err(csaf::DraftError::NoTickets)
    );
    let mut m = meta();
    m.namespace = " ".into();
    let t = mixed();
    assert!(matches!(
        csaf::vex(&refs(&t), &m, &AdvisoryOptions::default()),
        Err(csaf::DraftError::Empty(_))
    ));
}

#[test]
fn our_validator_catches_a_broken_draft() {
    // the validator is the guard of the tests above: show that it can fail on our own output
    let mut doc = csaf::vex(&refs(&mixed()), &meta(), &AdvisoryOptions::default()).unwrap();
    let v = doc["vulnerabilities"].as_array_mut().unwrap();
    let not_affected = v.iter_mut().find(|v| v["threats"].is_array()).unwrap();
    not_affected.as_object_mut().unwrap().remove("threats");
    not_affected.as_object_mut().unwrap().remove("flags");
    let report = csaf::validate(&doc);
    assert!(
        report.failed_tests().contains(&"6.1.27.9"),
        "{:?}",
        report.findings
    );
}

fn publish_opts(now: time::OffsetDateTime) -> PublishOptions {
    PublishOptions {
        base_url: "https://acme.example/.well-known/csaf".into(),
        role: "csaf_provider".into(),
        now,
    }
}

fn with_version(mut doc: Value, version: u32, date: &str) -> Value {
    let t = &mut doc["document"]["tracking"];
    t["version"] = json!(version.to_string());
    t["current_release_date"] = json!(date);
    t["status"] = json!("final");
    let mut history = Vec::new();
    for n in 1..=version {
        history.push(json!({"date": if n == version { date.to_string() } else { format!("2026-01-1{n}T10:00:00Z") }, "number": n.to_string(), "summary": format!("Revision {n}.")}));
    }
    t["revision_history"] = json!(history);
    doc
}

#[test]
fn publish_writes_the_provider_layout_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("csaf");
    let t = mixed();
    let a = with_version(
        csaf::advisory(&refs(&t[..2]), &meta(), &AdvisoryOptions::default()).unwrap(),
        1,
        "2026-01-15T10:00:00Z",
    );
    let mut m2 = meta();
    m2.document_id = "ACME-SA-2025:007".into();
    m2.timestamp = datetime!(2025-12-01 10:00 UTC);
    let b = with_version(
        csaf::vex(&refs(&t[2..]), &m2, &AdvisoryOptions::default()).unwrap(),
        1,
        "2025-12-01T10:00:00Z",
    );
    let mut invalid = a.clone();
    invalid["document"]["tracking"]["id"] = json!("ACME-BROKEN");
    invalid["vulnerabilities"][0]["product_status"]["known_affected"] = json!(["CSAFPID-404"]);

    let report = csaf::publish(
        &dir,
        &[a.clone(), invalid, b.clone()],
        &publish_opts(datetime!(2026-01-16 00:00 UTC)),
    )
    .unwrap();
    let outcomes: Vec<(&str, &str)> = report
        .entries
        .iter()
        .map(|e| {
            (
                e.path.as_str(),
                match &e.outcome {
                    Outcome::Published => "published",
                    Outcome::Refused { .. } => "refused",
                    _ => "other",
                },
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("2026/acme-sa-2026-001.json", "published"),
            ("", "refused"),
            ("2025/acme-sa-2025_007.json", "published"),
        ]
    );
    assert!(report.any_refused());
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    assert_eq!(
        read("index.txt"),
        "2025/acme-sa-2025_007.json\n2026/acme-sa-2026-001.json\n"
    );
    assert_eq!(
        read("changes.csv"),
        "\"2026/acme-sa-2026-001.json\",\"2026-01-15T10:00:00Z\"\n\"2025/acme-sa-2025_007.json\",\"2025-12-01T10:00:00Z\"\n"
    );
    // hash files: `<hex>  <name>`, matching the bytes on disk
    use sha2::Digest;
    let bytes = std::fs::read(dir.join("2026/acme-sa-2026-001.json")).unwrap();
    let hex256: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        read("2026/acme-sa-2026-001.json.sha256"),
        format!("{hex256}  acme-sa-2026-001.json\n")
    );
    let hex512: String = sha2::Sha512::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        read("2026/acme-sa-2026-001.json.sha512"),
        format!("{hex512}  acme-sa-2026-001.json\n")
    );
    assert!(!dir.join("2026/acme-broken.json").exists());
    // provider-metadata.json against the official schema, read in place
    let metadata: Value = serde_json::from_str(&read("provider-metadata.json")).unwrap();
    assert_eq!(
        metadata["canonical_url"],
        "https://acme.example/.well-known/csaf/provider-metadata.json"
    );
    assert_eq!(metadata["publisher"]["namespace"], "https://acme.example");
    assert_eq!(metadata["last_updated"], "2026-01-16T00:00:00Z");
    let schema = load_json(&shared(
        "oasis-csaf/csaf_2.0/json_schema/provider_json_schema.json",
    ));
    let csaf_schema = load_json(&shared(
        "oasis-csaf/csaf_2.0/json_schema/csaf_json_schema.json",
    ));
    let mut registry = jsonschema::Registry::new()
        .add(
            "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
            csaf_schema,
        )
        .unwrap();
    for v in ["2.0", "3.0", "3.1"] {
        let s = load_json(&shared(&format!(
            "oasis-csaf/csaf_2.0/referenced_schema/first/cvss-v{v}.json"
        )));
        registry = registry
            .add(format!("https://www.first.org/cvss/cvss-v{v}.json"), s)
            .unwrap();
    }
    let registry = registry.prepare().unwrap();
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&metadata)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    // again, later: nothing changes, not even last_updated
    let snapshot = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if e.is_dir() {
                    stack.push(e)
                } else {
                    files.push((e.display().to_string(), std::fs::read(&e).unwrap()))
                }
            }
        }
        files.sort();
        files
    };
    let before = snapshot(&dir);
    let again = csaf::publish(
        &dir,
        &[a.clone(), b.clone()],
        &publish_opts(datetime!(2026-02-01 00:00 UTC)),
    )
    .unwrap();
    assert!(
        again
            .entries
            .iter()
            .all(|e| e.outcome == Outcome::Unchanged),
        "{:?}",
        again.entries
    );
    assert_eq!(snapshot(&dir), before);

    // version 2 replaces version 1; then version 1 again is kept out
    let a2 = with_version(a.clone(), 2, "2026-01-20T10:00:00Z");
    let r = csaf::publish(
        &dir,
        std::slice::from_ref(&a2),
        &publish_opts(datetime!(2026-01-20 11:00 UTC)),
    )
    .unwrap();
    assert_eq!(
        r.entries[0].outcome,
        Outcome::Replaced {
            previous_version: "1".into()
        }
    );
    let r = csaf::publish(
        &dir,
        std::slice::from_ref(&a),
        &publish_opts(datetime!(2026-01-21 11:00 UTC)),
    )
    .unwrap();
    assert_eq!(
        r.entries[0].outcome,
        Outcome::KeptExisting {
            existing_version: "2".into()
        }
    );
    let on_disk: Value = serde_json::from_str(&read("2026/acme-sa-2026-001.json")).unwrap();
    assert_eq!(on_disk["document"]["tracking"]["version"], "2");
    assert!(
        read("changes.csv")
            .starts_with("\"2026/acme-sa-2026-001.json\",\"2026-01-20T10:00:00Z\"\n")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&read("provider-metadata.json")).unwrap()["last_updated"],
        "2026-01-20T11:00:00Z"
    );
    // no temporary files left behind
    assert!(snapshot(&dir).iter().all(|(p, _)| !p.contains(".tmp-")));
}

#[test]
fn file_names_agree_with_the_oasis_filename_tests() {
    let base = shared("oasis-csaf/csaf_2.0/test/filenames/data");
    let mut checked = 0;
    for (sub, should_match) in [("valid", true), ("invalid", false)] {
        for e in std::fs::read_dir(base.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let doc = load_json(&p);
            let id = doc["document"]["tracking"]["id"].as_str().unwrap();
            let actual = p.file_name().unwrap().to_str().unwrap();
            assert_eq!(
                csaf::file_name(id) == actual,
                should_match,
                "{actual} for id {id}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[test]
fn osv_export_validates_against_the_osv_schema() {
    let doc = csaf::advisory(&refs(&mixed()), &meta(), &AdvisoryOptions::default()).unwrap();
    let records = osv::from_advisory(&doc).unwrap();
    assert_eq!(
        records.len(),
        doc["vulnerabilities"].as_array().unwrap().len()
    );
    let schema = load_json(&shared("osv-schema/validation/schema.json"));
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    for r in &records {
        let errors: Vec<String> = validator
            .iter_errors(r)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{r:#}");
    }
    let cve = records
        .iter()
        .find(|r| r["aliases"][0] == "CVE-2023-22466")
        .unwrap();
    assert_eq!(cve["id"], "x_ACME-SA-2026-001_CVE-2023-22466");
    assert_eq!(cve["modified"], "2026-01-15T10:00:00Z");
    assert_eq!(
        cve["severity"],
        json!([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}])
    );
    // only the known-affected component is listed (the npm one is fixed)
    assert_eq!(
        cve["affected"],
        json!([{"package": {"ecosystem": "crates.io", "name": "tokio", "purl": "pkg:cargo/tokio"}, "versions": ["1.0.0"]}])
    );
    // the real OASIS examples export too
    let rhsa = load_json(&shared(
        "oasis-csaf/csaf_2.0/examples/csaf/rhsa-2021_5217.json",
    ));
    for r in osv::from_advisory(&rhsa).unwrap() {
        assert!(validator.is_valid(&r), "{r:#}");
    }
    assert!(osv::from_advisory(&json!({"document": {}})).is_err());
}

#[test]
fn hostile_input_is_refused_with_a_reason_and_never_panics() {
    match csaf::validate_bytes(b"{\"document\": [1, 2,") {
        Err(csaf::InputError::NotJson {
            line: 1, column, ..
        }) => assert!(column >= 18),
        other => panic!("{other:?}"),
    }
    let too_big = vec![b' '; csaf::validate::MAX_INPUT_BYTES + 1];
    assert!(matches!(
        csaf::validate_bytes(&too_big),
        Err(csaf::InputError::TooLarge { .. })
    ));
    // deeper than the limit but within serde_json's: one schema finding naming the place
    let deep = format!("{}{}", "[".repeat(110), "]".repeat(110));
    let report = csaf::validate_bytes(deep.as_bytes()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].test, "schema");
    assert!(report.findings[0].path.starts_with("/0/0/0"));
    // wrong types everywhere: schema findings, no panic
    let report =
        csaf::validate(&json!({"document": 1, "product_tree": [], "vulnerabilities": {"a": 1}}));
    assert!(!report.is_valid());
    assert!(
        report.findings.iter().all(|f| f.test == "schema"),
        "{:?}",
        report.findings
    );
    let report = csaf::validate(&json!([]));
    assert_eq!(report.failed_tests(), vec!["schema"]);
}
