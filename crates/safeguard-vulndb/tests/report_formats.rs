//! The scan report writers on a hand-built report: table, JSON, SARIF 2.1.0 (validated against
//! the OASIS schema) and CycloneDX 1.6 with vulnerabilities (validated against the official
//! schema, referenced schemas registered locally, no network); and `--fail-on`.

use std::path::PathBuf;

use safeguard_inventory::Inventory;
use safeguard_inventory::sbom::{self, CdxVersion, Metadata, Subject};
use safeguard_model::{Component, Ecosystem, Location, Relationship};
use safeguard_vulndb::cvss::{CvssVersion, Rating};
use safeguard_vulndb::finding::{
    AffectedComponent, DbSummary, Finding, ScanReport, Severity, SeveritySource, Suppression,
    Unchecked,
};
use safeguard_vulndb::report;
use serde_json::Value;
use time::macros::datetime;

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

const LONG_SUMMARY: &str = "Prototype pollution in the options merger lets a remote attacker \
                            run code through crafted JSON";

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

fn component(
    eco: &str,
    name: &str,
    version: &str,
    purl: &str,
    file: Option<(&str, u32)>,
    relationship: &str,
    introduced_by: &[&str],
) -> AffectedComponent {
    AffectedComponent {
        ecosystem: eco.into(),
        name: name.into(),
        version: version.into(),
        purl: purl.into(),
        file: file.map(|(f, _)| f.to_string()),
        line: file.map(|(_, l)| l),
        relationship: relationship.into(),
        introduced_by: introduced_by.iter().map(|s| s.to_string()).collect(),
    }
}

fn cvss(rating: Rating, score: f64, version: CvssVersion, vector: &str) -> Severity {
    Severity {
        rating: Some(rating),
        score: Some(score),
        vector: Some(vector.into()),
        cvss_version: Some(version),
        source: SeveritySource::Cvss,
    }
}

const V31_CRIT: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

/// Seven findings: a critical CVSS 3.1 one in two versions of a package (same id), a
/// database-rated high one, one without severity and outside the files (SBOM input), a
/// VEX-suppressed medium one, an ignored CVSS 4.0 high one, and a low one.
fn report() -> ScanReport {
    let base = Finding {
        component: component("npm", "x", "1", "pkg:npm/x@1", None, "unknown", &[]),
        id: String::new(),
        aliases: vec![],
        summary: None,
        severity: Severity {
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
        modified: datetime!(2024-05-01 10:00 UTC),
        informational: None,
        suppressed: None,
    };
    let crit = |version: &str, file: (&str, u32), upgrade: &str| Finding {
        component: component(
            "npm",
            "@scope/app-lib",
            version,
            &format!("pkg:npm/%40scope/app-lib@{version}"),
            Some(file),
            "direct",
            &[],
        ),
        id: "GHSA-aaaa-bbbb-cccc".into(),
        aliases: vec!["CVE-2024-1111".into()],
        summary: Some(LONG_SUMMARY.into()),
        severity: cvss(Rating::Critical, 9.8, CvssVersion::V3_1, V31_CRIT),
        fixed_versions: vec!["1.9.5".into(), "2.0.1".into()],
        upgrade_to: Some(upgrade.into()),
        references: vec![
            "not a url".into(),
            "https://github.com/advisories/GHSA-aaaa-bbbb-cccc".into(),
            "https://nvd.nist.gov/vuln/detail/CVE-2024-1111".into(),
        ],
        published: Some(datetime!(2024-03-01 00:00 UTC)),
        ..base.clone()
    };
    let findings = vec![
        // Deliberately out of order: the writers sort.
        Finding {
            component: component(
                "npm",
                "ms",
                "2.1.3",
                "pkg:npm/ms@2.1.3",
                Some(("web/package-lock.json", 20)),
                "transitive",
                &["pkg:npm/%40scope/app-lib@2.0.0"],
            ),
            id: "GHSA-vvvv-wwww-xxxx".into(),
            summary: Some("ReDoS in ms".into()),
            severity: cvss(
                Rating::Medium,
                5.3,
                CvssVersion::V3_1,
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
            ),
            upgrade_to: Some("2.1.4".into()),
            fixed_versions: vec!["2.1.4".into()],
            suppressed: Some(Suppression::Vex {
                file: "vex.json".into(),
                status: "not_affected".into(),
                justification: Some("vulnerable_code_not_in_execute_path".into()),
                statement: Some("ms only parses constant strings here".into()),
            }),
            ..base.clone()
        },
        Finding {
            component: component(
                "crates.io",
                "tokio",
                "1.0.0",
                "pkg:cargo/tokio@1.0.0",
                Some(("Cargo.lock", 120)),
                "transitive",
                &["pkg:cargo/axum@0.6.0", "pkg:cargo/hyper@0.14.0"],
            ),
            id: "RUSTSEC-2023-0002".into(),
            aliases: vec!["GHSA-tttt-tttt-tttt".into()],
            summary: Some("Data race\nin the \u{1b}[31mscheduler".into()),
            severity: Severity {
                rating: Some(Rating::High),
                score: None,
                vector: None,
                cvss_version: None,
                source: SeveritySource::Database,
            },
            fixed_versions: vec!["1.18.5".into(), "1.20.4".into()],
            upgrade_to: Some("1.18.5".into()),
            references: vec!["https://rustsec.org/advisories/RUSTSEC-2023-0002.html".into()],
            ..base.clone()
        },
        crit("2.0.0", ("web/package-lock.json", 5), "2.0.1"),
        Finding {
            component: component(
                "PyPI",
                "requests",
                "2.0.0",
                "pkg:pypi/requests@2.0.0",
                None,
                "unknown",
                &[],
            ),
            id: "PYSEC-2022-3".into(),
            ..base.clone()
        },
        Finding {
            component: component(
                "Go",
                "golang.org/x/net",
                "v0.17.0",
                "pkg:golang/golang.org/x/net@v0.17.0",
                Some(("go.sum", 3)),
                "direct",
                &[],
            ),
            id: "GO-2024-0005".into(),
            aliases: vec!["CVE-2024-5555".into()],
            summary: Some("HTTP/2 rapid reset".into()),
            severity: cvss(
                Rating::High,
                8.7,
                CvssVersion::V4_0,
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
            ),
            upgrade_to: Some("v0.23.0".into()),
            fixed_versions: vec!["v0.23.0".into()],
            suppressed: Some(Suppression::Ignored {
                file: ".safeguard-ignore.toml".into(),
                reason: "HTTP/2 server is disabled in production".into(),
                expires: datetime!(2030-01-01 00:00 UTC),
            }),
            ..base.clone()
        },
        crit("1.9.0", ("other/package-lock.json", 7), "1.9.5"),
        Finding {
            component: component(
                "crates.io",
                "time",
                "0.1.0",
                "pkg:cargo/time@0.1.0",
                Some(("Cargo.lock", 300)),
                "unknown",
                &[],
            ),
            id: "RUSTSEC-2020-0071".into(),
            summary: Some("Potential segfault".into()),
            severity: cvss(
                Rating::Low,
                2.0,
                CvssVersion::V2,
                "AV:L/AC:H/Au:N/C:N/I:N/A:P",
            ),
            ..base.clone()
        },
    ];
    ScanReport {
        target: "/srv/repo".into(),
        tool_version: "0.1.0".into(),
        scanned_at: datetime!(2025-01-02 03:04:05 UTC),
        db: DbSummary {
            path: "/var/db/osv".into(),
            records: 4242,
            newest_modified: Some(datetime!(2024-12-31 23:00 UTC)),
        },
        components: 57,
        unchecked: vec![Unchecked {
            purl: "pkg:generic/thing".into(),
            reason: "no version".into(),
        }],
        findings,
    }
}

fn write(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

fn row<'a>(text: &'a str, needle: &str) -> &'a str {
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(rows.len(), 1, "one line with {needle:?} in\n{text}");
    rows[0]
}

#[test]
fn table_lists_open_findings_and_summarises() {
    let r = report();
    let text = write(|o| report::write_table(&r, false, o));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Scanned /srv/repo: 57 components against /var/db/osv (4242 records, newest 2024-12-31)"
    );
    let header = row(&text, "SEVERITY");
    for col in ["ID", "PACKAGE", "FIX", "INTRODUCED BY", "SUMMARY"] {
        assert!(header.contains(col), "{header}");
    }
    // Sorted: the two critical rows, high, low, unknown.
    let sev: Vec<&str> = lines
        .iter()
        .skip_while(|l| !l.starts_with("SEVERITY"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(sev, ["CRITICAL", "CRITICAL", "HIGH", "LOW", "UNKNOWN"]);

    let crit = row(&text, "@scope/app-lib@2.0.0");
    assert!(
        crit.starts_with("CRITICAL 9.8  GHSA-aaaa-bbbb-cccc"),
        "{crit}"
    );
    assert!(crit.contains("upgrade to 2.0.1"), "{crit}");
    assert!(crit.contains("direct"), "{crit}");
    // The summary is cut to 60 characters ending in an ellipsis.
    let summary = crit.split("direct").last().unwrap().trim();
    assert_eq!(summary.chars().count(), 60, "{summary:?}");
    assert!(summary.ends_with('…'));
    assert!(LONG_SUMMARY.starts_with(summary.trim_end_matches('…')));

    let tokio = row(&text, "tokio@1.0.0");
    assert!(
        tokio.starts_with("HIGH "),
        "no score for a database rating: {tokio}"
    );
    assert!(!tokio.contains("HIGH 0"), "{tokio}");
    assert!(tokio.contains("axum@0.6.0 +1"), "{tokio}");
    assert!(tokio.contains("upgrade to 1.18.5"), "{tokio}");
    assert!(tokio.contains("Data race in the  [31mscheduler"), "{tokio}");
    assert!(!text.contains('\u{1b}'), "control characters are flattened");

    let unknown = row(&text, "requests@2.0.0");
    assert!(unknown.starts_with("UNKNOWN"), "{unknown}");
    assert!(unknown.contains("no fix"), "{unknown}");
    assert!(row(&text, "time@0.1.0").starts_with("LOW 2.0"));

    // Suppressed findings are counted, not listed.
    assert!(!text.contains("ms@2.1.3"));
    assert!(!text.contains("GO-2024-0005"));
    assert!(text.contains("1 component could not be checked:\n  pkg:generic/thing (no version)"));
    assert_eq!(
        *lines.last().unwrap(),
        "5 findings: 2 critical, 1 high, 1 low, 1 unknown severity; 2 suppressed (use --show-suppressed)"
    );
}

#[test]
fn table_shows_suppressed_findings_on_request() {
    let r = report();
    let text = write(|o| report::write_table(&r, true, o));
    assert!(text.contains("\nSuppressed findings (2):\n"), "{text}");
    let vex = row(&text, "ms@2.1.3");
    assert!(vex.starts_with("MEDIUM 5.3  GHSA-vvvv-wwww-xxxx"), "{vex}");
    assert!(
        vex.ends_with(
            "VEX not_affected (vulnerable_code_not_in_execute_path): ms only parses constant \
             strings here [vex.json]"
        ),
        "{vex}"
    );
    let ignored = row(&text, "golang.org/x/net@v0.17.0");
    assert!(
        ignored.ends_with(
            "ignored until 2030-01-01: HTTP/2 server is disabled in production \
             [.safeguard-ignore.toml]"
        ),
        "{ignored}"
    );
    assert_eq!(
        text.lines().last().unwrap(),
        "5 findings: 2 critical, 1 high, 1 low, 1 unknown severity; 2 suppressed"
    );
}

#[test]
fn table_without_findings() {
    let mut r = report();
    r.unchecked.clear();
    r.findings.retain(|f| f.suppressed.is_some());
    let text = write(|o| report::write_table(&r, false, o));
    assert_eq!(
        text.lines().last().unwrap(),
        "No open findings; 2 suppressed (use --show-suppressed)"
    );
    assert!(!text.contains("SEVERITY"));
    r.findings.clear();
    let text = write(|o| report::write_table(&r, false, o));
    assert_eq!(text.lines().last().unwrap(), "No known vulnerabilities");
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

#[test]
fn json_round_trips_with_suppressed_findings_in_sorted_order() {
    let r = report();
    let text = write(|o| report::write_json(&r, o));
    assert!(text.ends_with("}\n"));
    let back: ScanReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back.findings.len(), 7);
    let ids: Vec<(&str, &str)> = back
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.component.version.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("GHSA-aaaa-bbbb-cccc", "1.9.0"),
            ("GHSA-aaaa-bbbb-cccc", "2.0.0"),
            ("RUSTSEC-2023-0002", "1.0.0"),
            ("RUSTSEC-2020-0071", "0.1.0"),
            ("PYSEC-2022-3", "2.0.0"),
            ("GO-2024-0005", "v0.17.0"),
            ("GHSA-vvvv-wwww-xxxx", "2.1.3"),
        ]
    );
    // Same content as the input, only reordered.
    let mut want = r.findings.clone();
    want.sort_by(|a, b| (&a.id, &a.component.purl).cmp(&(&b.id, &b.component.purl)));
    let mut got = back.findings.clone();
    got.sort_by(|a, b| (&a.id, &a.component.purl).cmp(&(&b.id, &b.component.purl)));
    assert_eq!(got, want);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["findings"][5]["suppressed"]["kind"], "ignored");
    assert_eq!(doc["findings"][6]["suppressed"]["kind"], "vex");
    assert_eq!(doc["findings"][6]["suppressed"]["file"], "vex.json");
}

// ---------------------------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------------------------

fn sarif_errors(doc: &Value) -> Vec<String> {
    let schema = load("sarif/sarif-schema-2.1.0.json");
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

fn sarif(show_suppressed: bool) -> Value {
    let r = report();
    let text = write(|o| report::write_sarif(&r, show_suppressed, o));
    assert!(text.ends_with("}\n"));
    serde_json::from_str(&text).unwrap()
}

fn result_for<'a>(doc: &'a Value, id: &str, purl: &str) -> &'a Value {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == id && r["properties"]["purl"] == purl)
        .unwrap_or_else(|| panic!("no result {id} {purl}"))
}

#[test]
fn sarif_validates_against_the_schema() {
    for show in [false, true] {
        let doc = sarif(show);
        let errors = sarif_errors(&doc);
        assert!(errors.is_empty(), "show_suppressed={show}: {errors:#?}");
    }
    // An empty report is valid too.
    let mut r = report();
    r.findings.clear();
    let doc: Value = serde_json::from_str(&write(|o| report::write_sarif(&r, false, o))).unwrap();
    assert!(sarif_errors(&doc).is_empty());
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn the_sarif_schema_check_can_fail() {
    let mut doc = sarif(true);
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    doc["runs"][0]["results"][0]["suppressions"] = serde_json::json!([{"kind": "maybe"}]);
    doc["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    let errors = sarif_errors(&doc);
    assert!(errors.len() >= 3, "{errors:#?}");
}

#[test]
fn sarif_rules_results_and_locations() {
    let doc = sarif(false);
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["$schema"], report::SARIF_SCHEMA);
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "safeguard");
    assert_eq!(driver["version"], "0.1.0");
    assert_eq!(driver["informationUri"], report::INFORMATION_URI);

    // One rule per id of the open findings, sorted by id.
    let rule_ids: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rule_ids,
        [
            "GHSA-aaaa-bbbb-cccc",
            "PYSEC-2022-3",
            "RUSTSEC-2020-0071",
            "RUSTSEC-2023-0002"
        ]
    );
    let ghsa = &driver["rules"][0];
    assert_eq!(ghsa["shortDescription"]["text"], LONG_SUMMARY);
    assert_eq!(
        ghsa["helpUri"], "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
        "the first reference that is a URL"
    );
    assert_eq!(ghsa["properties"]["security-severity"], "9.8");
    assert_eq!(
        ghsa["properties"]["aliases"],
        serde_json::json!(["CVE-2024-1111"])
    );
    assert_eq!(ghsa["defaultConfiguration"]["level"], "error");
    let tags = ghsa["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&"security".into()));
    // No score, no security-severity: the database rating and the unknown one.
    assert!(
        driver["rules"][1]["properties"]
            .get("security-severity")
            .is_none()
    );
    assert_eq!(
        driver["rules"][1]["shortDescription"]["text"],
        "Vulnerability PYSEC-2022-3"
    );
    assert!(
        driver["rules"][3]["properties"]
            .get("security-severity")
            .is_none()
    );
    assert_eq!(driver["rules"][2]["properties"]["security-severity"], "2.0");

    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "suppressed findings are left out");
    assert_eq!(doc["runs"][0]["properties"]["suppressedFindings"], 2);
    for r in results {
        assert!(r.get("suppressions").is_none());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(driver["rules"][idx]["id"], r["ruleId"]);
    }

    let crit = result_for(
        &doc,
        "GHSA-aaaa-bbbb-cccc",
        "pkg:npm/%40scope/app-lib@2.0.0",
    );
    assert_eq!(crit["level"], "error");
    let loc = &crit["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "web/package-lock.json");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 5);
    let msg = crit["message"]["text"].as_str().unwrap();
    assert!(
        msg.starts_with("@scope/app-lib@2.0.0 is affected by GHSA-aaaa-bbbb-cccc: Prototype"),
        "{msg}"
    );
    assert!(msg.ends_with("Upgrade to 2.0.1."), "{msg}");

    let tokio = result_for(&doc, "RUSTSEC-2023-0002", "pkg:cargo/tokio@1.0.0");
    assert_eq!(tokio["level"], "error", "high → error");
    let msg = tokio["message"]["text"].as_str().unwrap();
    assert!(
        msg.ends_with("Introduced by axum@0.6.0, hyper@0.14.0."),
        "{msg}"
    );
    assert!(!msg.contains('\n') && !msg.contains('\u{1b}'));
    assert_eq!(
        result_for(&doc, "RUSTSEC-2020-0071", "pkg:cargo/time@0.1.0")["level"],
        "note"
    );

    // No file: a logical location named by the purl.
    let unknown = result_for(&doc, "PYSEC-2022-3", "pkg:pypi/requests@2.0.0");
    assert_eq!(unknown["level"], "note");
    assert!(unknown["locations"][0].get("physicalLocation").is_none());
    let logical = &unknown["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["fullyQualifiedName"], "pkg:pypi/requests@2.0.0");
    assert_eq!(logical["kind"], "package");
    assert_eq!(unknown["properties"]["severity"], "unknown");
}

#[test]
fn sarif_fingerprints_are_stable_per_purl_and_id() {
    let a = sarif(true);
    let mut shuffled = report();
    shuffled.findings.reverse();
    let b: Value =
        serde_json::from_str(&write(|o| report::write_sarif(&shuffled, true, o))).unwrap();
    assert_eq!(a, b, "input order does not matter");

    let fp = |doc: &Value, purl: &str| {
        result_for(doc, "GHSA-aaaa-bbbb-cccc", purl)["partialFingerprints"]["safeguardFinding/v1"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let v2 = fp(&a, "pkg:npm/%40scope/app-lib@2.0.0");
    let v1 = fp(&a, "pkg:npm/%40scope/app-lib@1.9.0");
    assert_eq!(v2.len(), 16);
    assert_ne!(v1, v2);
    // Moving the package to another line of the lockfile keeps the fingerprint.
    let mut moved = report();
    for f in &mut moved.findings {
        f.component.line = f.component.line.map(|l| l + 100);
    }
    let c: Value = serde_json::from_str(&write(|o| report::write_sarif(&moved, true, o))).unwrap();
    assert_eq!(fp(&c, "pkg:npm/%40scope/app-lib@2.0.0"), v2);
}

#[test]
fn sarif_suppressions_with_show_suppressed() {
    let doc = sarif(true);
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 7);
    assert_eq!(doc["runs"][0]["properties"]["suppressedFindings"], 0);
    let vex = result_for(&doc, "GHSA-vvvv-wwww-xxxx", "pkg:npm/ms@2.1.3");
    assert_eq!(vex["level"], "warning", "medium → warning");
    let s = &vex["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["status"], "accepted");
    assert_eq!(
        s["justification"],
        "VEX not_affected (vulnerable_code_not_in_execute_path): ms only parses constant \
         strings here [vex.json]"
    );
    let ignored = result_for(&doc, "GO-2024-0005", "pkg:golang/golang.org/x/net@v0.17.0");
    assert_eq!(
        ignored["suppressions"][0]["justification"],
        "ignored until 2030-01-01: HTTP/2 server is disabled in production \
         [.safeguard-ignore.toml]"
    );
    let rule = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "GO-2024-0005")
        .unwrap();
    assert_eq!(rule["properties"]["security-severity"], "8.7");
    // Open results have no suppressions.
    assert!(
        result_for(&doc, "PYSEC-2022-3", "pkg:pypi/requests@2.0.0")
            .get("suppressions")
            .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// CycloneDX
// ---------------------------------------------------------------------------------------------

fn cdx_schema_errors(version: &str, doc: &Value) -> Vec<String> {
    let dir = "cyclonedx-specification/schema";
    let schema = load(&format!("{dir}/bom-{version}.schema.json"));
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

/// The SBOM of the fixture's packages, as the inventory writes it (requests is left out: it
/// came from an SBOM the scan read, so it is not in this inventory).
fn bom(version: CdxVersion) -> Value {
    let loc = |file: &str, line: u32| Location {
        file: file.into(),
        line: Some(line),
    };
    let mut components = vec![
        Component::new(
            Ecosystem::Npm,
            "@scope/app-lib",
            "2.0.0",
            loc("web/package-lock.json", 5),
        ),
        Component::new(
            Ecosystem::Npm,
            "@scope/app-lib",
            "1.9.0",
            loc("other/package-lock.json", 7),
        ),
        Component::new(
            Ecosystem::Npm,
            "ms",
            "2.1.3",
            loc("web/package-lock.json", 20),
        ),
        Component::new(Ecosystem::Cargo, "tokio", "1.0.0", loc("Cargo.lock", 120)),
        Component::new(Ecosystem::Cargo, "time", "0.1.0", loc("Cargo.lock", 300)),
        Component::new(
            Ecosystem::Go,
            "golang.org/x/net",
            "v0.17.0",
            loc("go.sum", 3),
        ),
    ];
    components[0].relationship = Relationship::Direct;
    let inv = Inventory {
        components,
        ..Default::default()
    };
    let meta = Metadata {
        tool_name: "safeguard".into(),
        tool_version: "0.1.0".into(),
        timestamp: datetime!(2025-01-02 03:04:05 UTC),
        subject: Subject {
            name: "repo".into(),
            ..Default::default()
        },
    };
    serde_json::from_str(&sbom::write_cyclonedx(&inv, &meta, version)).unwrap()
}

fn cdx() -> Value {
    let r = report();
    let text = write(|o| report::write_cyclonedx(&r, bom(CdxVersion::V1_6), o));
    assert!(text.ends_with("}\n"));
    serde_json::from_str(&text).unwrap()
}

fn vulns<'a>(doc: &'a Value, id: &str) -> Vec<&'a Value> {
    doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["id"] == id)
        .collect()
}

#[test]
fn cyclonedx_validates_against_the_schema() {
    let doc = cdx();
    let errors = cdx_schema_errors("1.6", &doc);
    assert!(errors.is_empty(), "{errors:#?}");
    // 1.5 and 1.7 BOMs take the same vulnerabilities.
    for v in [CdxVersion::V1_5, CdxVersion::V1_7] {
        let mut b = bom(v);
        report::add_vulnerabilities(&report(), &mut b).unwrap();
        let errors = cdx_schema_errors(v.as_str(), &b);
        assert!(errors.is_empty(), "{v}: {errors:#?}");
    }
    // And the check can fail.
    let mut bad = doc.clone();
    bad["vulnerabilities"][0]["ratings"][0]["method"] = "CVSSv9".into();
    bad["vulnerabilities"][0]["analysis"] = serde_json::json!({"state": "fine"});
    assert!(cdx_schema_errors("1.6", &bad).len() >= 2);
}

#[test]
fn cyclonedx_vulnerability_content() {
    let doc = cdx();
    // The BOM's own content is kept.
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["components"].as_array().unwrap().len(), 6);
    let ids: Vec<&str> = doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "GHSA-aaaa-bbbb-cccc",
            "GHSA-vvvv-wwww-xxxx",
            "GO-2024-0005",
            "PYSEC-2022-3",
            "RUSTSEC-2020-0071",
            "RUSTSEC-2023-0002"
        ]
    );

    // Two versions of one package share the entry of their id.
    let ghsa = vulns(&doc, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(ghsa.len(), 1);
    let g = ghsa[0];
    assert_eq!(g["source"]["name"], "OSV");
    assert_eq!(
        g["source"]["url"],
        "https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc"
    );
    assert_eq!(
        g["references"],
        serde_json::json!([{"id": "CVE-2024-1111", "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-1111"}}])
    );
    assert_eq!(
        g["ratings"],
        serde_json::json!([{"score": 9.8, "severity": "critical", "method": "CVSSv31", "vector": V31_CRIT}])
    );
    assert_eq!(g["description"], LONG_SUMMARY);
    assert_eq!(
        g["advisories"],
        serde_json::json!([
            {"url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc"},
            {"url": "https://nvd.nist.gov/vuln/detail/CVE-2024-1111"}
        ])
    );
    assert_eq!(g["published"], "2024-03-01T00:00:00Z");
    assert_eq!(g["updated"], "2024-05-01T10:00:00Z");
    assert_eq!(
        g["recommendation"],
        "@scope/app-lib@1.9.0: Upgrade to 1.9.5; @scope/app-lib@2.0.0: Upgrade to 2.0.1"
    );
    assert_eq!(
        g["affects"],
        serde_json::json!([
            {"ref": "pkg:npm/%40scope/app-lib@1.9.0", "versions": [{"version": "1.9.0", "status": "affected"}]},
            {"ref": "pkg:npm/%40scope/app-lib@2.0.0", "versions": [{"version": "2.0.0", "status": "affected"}]}
        ])
    );
    assert!(g.get("analysis").is_none());

    // Every affects ref is a component's bom-ref, except requests (not in the BOM).
    let refs: Vec<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    for v in doc["vulnerabilities"].as_array().unwrap() {
        for a in v["affects"].as_array().unwrap() {
            let r = a["ref"].as_str().unwrap();
            assert!(
                refs.contains(&r) || r == "pkg:pypi/requests@2.0.0",
                "dangling ref {r}"
            );
        }
    }

    let tokio = vulns(&doc, "RUSTSEC-2023-0002")[0];
    assert_eq!(
        tokio["ratings"],
        serde_json::json!([{"severity": "high", "method": "other"}])
    );
    assert_eq!(tokio["recommendation"], "Upgrade to 1.18.5");
    assert_eq!(
        tokio["references"][0]["source"]["name"],
        "GitHub Advisories"
    );
    let time = vulns(&doc, "RUSTSEC-2020-0071")[0];
    assert_eq!(time["ratings"][0]["method"], "CVSSv2");
    assert!(time.get("recommendation").is_none());

    let unknown = vulns(&doc, "PYSEC-2022-3")[0];
    assert_eq!(
        unknown["ratings"],
        serde_json::json!([{"severity": "unknown"}])
    );
    assert_eq!(unknown["affects"][0]["ref"], "pkg:pypi/requests@2.0.0");

    // VEX: analysis not_affected with the justification mapped to CycloneDX's vocabulary.
    let vex = vulns(&doc, "GHSA-vvvv-wwww-xxxx")[0];
    assert_eq!(
        vex["analysis"],
        serde_json::json!({
            "state": "not_affected",
            "justification": "code_not_reachable",
            "detail": "ms only parses constant strings here"
        })
    );
    assert_eq!(vex["affects"][0]["ref"], "pkg:npm/ms@2.1.3");

    // Ignored: no analysis, the reason as properties; CVSS 4.0 → CVSSv4.
    let go = vulns(&doc, "GO-2024-0005")[0];
    assert!(go.get("analysis").is_none());
    assert_eq!(go["ratings"][0]["method"], "CVSSv4");
    assert_eq!(go["ratings"][0]["score"], 8.7);
    let props: Vec<(&str, &str)> = go["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        props,
        [
            ("safeguard:ignore:expires", "2030-01-01T00:00:00Z"),
            ("safeguard:ignore:file", ".safeguard-ignore.toml"),
            (
                "safeguard:ignore:reason",
                "HTTP/2 server is disabled in production"
            ),
        ]
    );
}

#[test]
fn cyclonedx_splits_an_id_suppressed_for_one_component_only() {
    let mut r = report();
    for f in &mut r.findings {
        if f.component.version == "1.9.0" {
            f.suppressed = Some(Suppression::Vex {
                file: "v.json".into(),
                status: "not_affected".into(),
                justification: Some("odd_reason".into()),
                statement: None,
            });
        }
    }
    let mut doc = bom(CdxVersion::V1_6);
    let summary = report::add_vulnerabilities(&r, &mut doc).unwrap();
    assert_eq!(summary.vulnerabilities, 7);
    let ghsa = vulns(&doc, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(ghsa.len(), 2);
    assert!(ghsa[0].get("analysis").is_none());
    assert_eq!(
        ghsa[0]["affects"][0]["ref"],
        "pkg:npm/%40scope/app-lib@2.0.0"
    );
    assert_eq!(
        ghsa[1]["affects"][0]["ref"],
        "pkg:npm/%40scope/app-lib@1.9.0"
    );
    // An unknown justification is not invented: it goes into the detail.
    assert_eq!(
        ghsa[1]["analysis"],
        serde_json::json!({"state": "not_affected", "detail": "Justification: odd_reason."})
    );
    assert!(cdx_schema_errors("1.6", &doc).is_empty());
}

#[test]
fn cyclonedx_refs_and_errors() {
    // A finding whose purl is not a purl and not in the BOM is left out and reported.
    let mut r = report();
    let mut odd = r.findings[3].clone();
    odd.component.purl = "requests 2.0.0".into();
    odd.id = "PYSEC-2099-1".into();
    r.findings.push(odd);
    let mut doc = bom(CdxVersion::V1_6);
    let summary = report::add_vulnerabilities(&r, &mut doc).unwrap();
    assert_eq!(
        summary.skipped,
        [("PYSEC-2099-1".to_string(), "requests 2.0.0".to_string())]
    );
    assert_eq!(summary.vulnerabilities, 6);
    assert!(vulns(&doc, "PYSEC-2099-1").is_empty());

    // A component whose bom-ref is not its purl is referenced by its bom-ref.
    let mut doc = bom(CdxVersion::V1_6);
    doc["components"][0]["bom-ref"] = "component-0".into();
    let purl0 = doc["components"][0]["purl"].as_str().unwrap().to_string();
    report::add_vulnerabilities(&report(), &mut doc).unwrap();
    let refs: Vec<String> = doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["affects"].as_array().unwrap().iter())
        .map(|a| a["ref"].as_str().unwrap().to_string())
        .collect();
    assert!(refs.contains(&"component-0".to_string()));
    assert!(!refs.contains(&purl0));

    // Existing vulnerabilities are replaced.
    let mut doc = bom(CdxVersion::V1_6);
    doc["vulnerabilities"] = serde_json::json!([{"id": "OLD"}]);
    report::add_vulnerabilities(&report(), &mut doc).unwrap();
    assert!(vulns(&doc, "OLD").is_empty());

    // Documents that cannot take vulnerabilities.
    let r = report();
    let err = report::add_vulnerabilities(&r, &mut serde_json::json!([1])).unwrap_err();
    assert_eq!(err, report::CdxError::NotAnObject);
    let mut spdx = serde_json::json!({"spdxVersion": "SPDX-2.3"});
    let err = report::add_vulnerabilities(&r, &mut spdx).unwrap_err();
    assert!(
        err.to_string()
            .contains("not CycloneDX (bomFormat is missing)"),
        "{err}"
    );
    let mut old = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.3"});
    let err = report::add_vulnerabilities(&r, &mut old).unwrap_err();
    assert!(
        err.to_string()
            .contains("CycloneDX 1.3 has no vulnerabilities"),
        "{err}"
    );
    let mut out = Vec::new();
    let err = report::write_cyclonedx(&r, old, &mut out).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(out.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Determinism and --fail-on
// ---------------------------------------------------------------------------------------------

#[test]
fn every_writer_is_deterministic_whatever_the_input_order() {
    let a = report();
    let mut b = report();
    b.findings.reverse();
    b.findings.swap(0, 3);
    for show in [false, true] {
        assert_eq!(
            write(|o| report::write_table(&a, show, o)),
            write(|o| report::write_table(&b, show, o))
        );
        assert_eq!(
            write(|o| report::write_sarif(&a, show, o)),
            write(|o| report::write_sarif(&b, show, o))
        );
    }
    assert_eq!(
        write(|o| report::write_json(&a, o)),
        write(|o| report::write_json(&b, o))
    );
    assert_eq!(
        write(|o| report::write_cyclonedx(&a, bom(CdxVersion::V1_6), o)),
        write(|o| report::write_cyclonedx(&b, bom(CdxVersion::V1_6), o))
    );
}

#[test]
fn fail_on_counts_open_findings_only() {
    let r = report();
    for t in [
        Rating::None,
        Rating::Low,
        Rating::Medium,
        Rating::High,
        Rating::Critical,
    ] {
        assert!(report::exit_rating_reached(&r, t), "{t}");
    }

    // Only a suppressed critical: nothing fails.
    let mut only_suppressed = report();
    only_suppressed
        .findings
        .retain(|f| f.id == "GHSA-aaaa-bbbb-cccc");
    for f in &mut only_suppressed.findings {
        f.suppressed = Some(Suppression::Ignored {
            file: "i.toml".into(),
            reason: "r".into(),
            expires: datetime!(2030-01-01 00:00 UTC),
        });
    }
    assert!(!report::exit_rating_reached(&only_suppressed, Rating::None));

    // High open (the ignored GO finding is high but suppressed): fails up to high.
    let mut high = report();
    high.findings
        .retain(|f| f.id == "RUSTSEC-2023-0002" || f.id == "GO-2024-0005");
    assert!(report::exit_rating_reached(&high, Rating::High));
    assert!(!report::exit_rating_reached(&high, Rating::Critical));

    // Unknown severity counts as low.
    let mut unknown = report();
    unknown.findings.retain(|f| f.id == "PYSEC-2022-3");
    assert!(report::exit_rating_reached(&unknown, Rating::None));
    assert!(report::exit_rating_reached(&unknown, Rating::Low));
    assert!(!report::exit_rating_reached(&unknown, Rating::Medium));

    // Rated none: only --fail-on none.
    let mut none = report();
    none.findings.retain(|f| f.id == "RUSTSEC-2020-0071");
    none.findings[0].severity.rating = Some(Rating::None);
    assert!(report::exit_rating_reached(&none, Rating::None));
    assert!(!report::exit_rating_reached(&none, Rating::Low));

    let mut empty = report();
    empty.findings.clear();
    assert!(!report::exit_rating_reached(&empty, Rating::None));
}
