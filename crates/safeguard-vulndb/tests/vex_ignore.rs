//! Suppression: VEX documents (the OpenVEX specification's and go-vex's example documents,
//! CycloneDX's vulnerability test BOMs, and small documents of our own) and the ignore file.

use std::path::PathBuf;

use safeguard_vulndb::finding::{
    AffectedComponent, Finding, Severity, SeveritySource, Suppression,
};
use safeguard_vulndb::ignore;
use safeguard_vulndb::vex::{self, VexFormat, VexStatus};
use time::OffsetDateTime;
use time::macros::datetime;

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata"
    ))
    .join(rel)
}

fn read_vex(rel: &str) -> Result<vex::VexDocument, vex::VexError> {
    let path = testdata(rel);
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (test data lives in ../shared)", path.display()));
    vex::read(rel, &bytes)
}

fn vex_str(text: &str) -> Result<vex::VexDocument, vex::VexError> {
    vex::read("vex.json", text.as_bytes())
}

fn finding(id: &str, aliases: &[&str], purl: &str) -> Finding {
    let version = purl.rsplit_once('@').map_or("", |(_, v)| v);
    Finding {
        component: AffectedComponent {
            ecosystem: "x".into(),
            name: "x".into(),
            version: version.into(),
            purl: purl.into(),
            file: None,
            line: None,
            relationship: "unknown".into(),
            introduced_by: vec![],
        },
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
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
        modified: datetime!(2024-01-01 00:00 UTC),
        informational: None,
        suppressed: None,
    }
}

fn vex_suppression(f: &Finding) -> Option<(&str, Option<&str>, Option<&str>)> {
    match &f.suppressed {
        Some(Suppression::Vex {
            file,
            status,
            justification,
            statement,
        }) => {
            assert_eq!(status, "not_affected");
            Some((
                file.as_str(),
                justification.as_deref(),
                statement.as_deref(),
            ))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// OpenVEX: the specification's and go-vex's examples
// ---------------------------------------------------------------------------------------------

#[test]
fn openvex_spec_examples() {
    let doc = read_vex("openvex-spec/spec-examples/OPENVEX_SPEC__1.json").unwrap();
    assert_eq!(
        doc.format,
        VexFormat::OpenVex {
            context: "https://openvex.dev/ns/v0.2.0".into()
        }
    );
    assert_eq!(doc.statements.len(), 1);
    let st = &doc.statements[0];
    assert_eq!(st.vulnerability, "CVE-2023-12345");
    assert_eq!(st.status, VexStatus::Fixed);
    let ids: Vec<&str> = st.products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7",
            "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"
        ]
    );
    let p = st.products[0].purl.as_ref().unwrap();
    assert_eq!(
        (p.ty.as_str(), p.namespace.as_deref(), p.name.as_str()),
        ("apk", Some("wolfi"), "git")
    );
    assert_eq!(p.version.as_deref(), Some("2.39.0-r1"));
    // The statement inherits the document's timestamp (nanoseconds kept).
    assert_eq!(
        st.timestamp,
        Some(datetime!(2023-01-08 18:02:03.647787998 -06:00))
    );

    let doc = read_vex("openvex-spec/spec-examples/OPENVEX_SPEC__5.json").unwrap();
    assert_eq!(doc.statements[0].status, VexStatus::UnderInvestigation);

    // A bare statement and an empty in-toto statement are not VEX documents.
    let e = read_vex("openvex-spec/spec-examples/ATTESTING__2.json").unwrap_err();
    assert!(e.message.starts_with("not a VEX document"), "{e}");
    assert_eq!(e.line, None);
    let e = read_vex("openvex-spec/spec-examples/ATTESTING__1.json").unwrap_err();
    assert!(e.message.contains("predicateType is \"\""), "{e}");
}

#[test]
fn go_vex_examples() {
    let dir = testdata("openvex-go-vex/pkg/vex/testdata");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut read_ok = Vec::new();
    for n in &names {
        match read_vex(&format!("openvex-go-vex/pkg/vex/testdata/{n}")) {
            Ok(doc) => read_ok.push((n.clone(), doc.statements.len())),
            Err(e) => {
                assert_eq!(n, "csaf.json", "{e}");
                assert!(e.message.contains("CSAF VEX is not supported"), "{e}");
            }
        }
    }
    assert_eq!(
        read_ok,
        [
            ("v0.0.1-noversion.json".to_string(), 1),
            ("v0.0.1.json".to_string(), 1),
            ("v0.2.0.json".to_string(), 5),
            ("v001-1.vex.json".to_string(), 1),
            ("v001-2.vex.json".to_string(), 1),
            ("v020-1.vex.json".to_string(), 1),
            ("v020-2.vex.json".to_string(), 1),
        ]
    );

    // 0.0.1: vulnerability and products as plain strings.
    let doc = read_vex("openvex-go-vex/pkg/vex/testdata/v0.0.1.json").unwrap();
    assert_eq!(doc.statements[0].vulnerability, "CVE-2023-12345");
    assert_eq!(doc.statements[0].products.len(), 2);
    assert!(doc.statements[0].products.iter().all(|p| p.purl.is_some()));
    // A statement's own timestamp, without a document timestamp.
    let doc = read_vex("openvex-go-vex/pkg/vex/testdata/v001-1.vex.json").unwrap();
    assert_eq!(
        doc.statements[0].timestamp,
        Some(datetime!(2022-12-22 16:36:43 -05:00))
    );
    assert_eq!(doc.statements[0].status, VexStatus::UnderInvestigation);

    // Subcomponents are products too.
    let doc = read_vex("openvex-go-vex/pkg/vex/testdata/v0.2.0.json").unwrap();
    let st = &doc.statements[3];
    assert_eq!(st.vulnerability, "CVE-2023-3446");
    assert_eq!(st.status, VexStatus::NotAffected);
    assert_eq!(
        st.justification.as_deref(),
        Some("vulnerable_code_not_present")
    );
    let ids: Vec<&str> = st.products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:apk/alpine/libcrypto3@3.0.8-r3",
            "pkg:apk/alpine/libssl3@3.0.8-r3",
            "pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126",
        ]
    );
}

#[test]
fn go_vex_document_suppresses_its_not_affected_subcomponents() {
    let doc = read_vex("openvex-go-vex/pkg/vex/testdata/v0.2.0.json").unwrap();
    let mut findings = vec![
        finding("CVE-2023-3446", &[], "pkg:apk/alpine/libssl3@3.0.8-r3"),
        // Fixed is not not_affected: stays open.
        finding("CVE-2023-1255", &[], "pkg:apk/alpine/libssl3@3.0.8-r3"),
        // Another version of the package: not covered.
        finding("CVE-2023-3446", &[], "pkg:apk/alpine/libssl3@3.0.9-r0"),
        // Matched through the finding's alias, qualifiers ignored.
        finding(
            "GHSA-zzzz-zzzz-zzzz",
            &["cve-2023-3817"],
            "pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64",
        ),
        // Another package.
        finding("CVE-2023-3446", &[], "pkg:apk/alpine/openssl@3.0.8-r3"),
    ];
    assert_eq!(vex::apply(&doc, &mut findings), 2);
    let expected = Some((
        "openvex-go-vex/pkg/vex/testdata/v0.2.0.json",
        Some("vulnerable_code_not_present"),
        Some("affected functions were removed before packaging"),
    ));
    assert_eq!(vex_suppression(&findings[0]), expected);
    assert_eq!(findings[1].suppressed, None);
    assert_eq!(findings[2].suppressed, None);
    assert_eq!(vex_suppression(&findings[3]), expected);
    assert_eq!(findings[4].suppressed, None);
}

// ---------------------------------------------------------------------------------------------
// OpenVEX: our own documents
// ---------------------------------------------------------------------------------------------

fn openvex(doc_time: &str, statements: &str) -> String {
    format!(
        r#"{{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "Test",
  "timestamp": "{doc_time}",
  "version": 1,
  "statements": [{statements}]
}}"#
    )
}

#[test]
fn the_latest_statement_wins() {
    // As in the specification's "updating statements" example: the first statement keeps its
    // own (older) timestamp, the second inherits the (newer) document timestamp.
    let text = openvex(
        "2023-01-09T09:08:42-06:00",
        r#"
    {"timestamp": "2023-01-08T18:02:03-06:00", "vulnerability": {"name": "CVE-2023-12345"},
     "products": [{"@id": "pkg:apk/wolfi/git@2.39.0-r1"}], "status": "under_investigation"},
    {"vulnerability": {"name": "CVE-2023-12345"},
     "products": [{"@id": "pkg:apk/wolfi/git"}], "status": "not_affected",
     "justification": "component_not_present"}"#,
    );
    let doc = vex_str(&text).unwrap();
    let mut f = vec![
        finding("CVE-2023-12345", &[], "pkg:apk/wolfi/git@2.39.0-r1"),
        finding("CVE-2023-12345", &[], "pkg:apk/wolfi/git@2.40.0-r0"),
    ];
    assert_eq!(
        vex::apply(&doc, &mut f),
        2,
        "a versionless product covers every version"
    );
    assert_eq!(
        vex_suppression(&f[0]),
        Some(("vex.json", Some("component_not_present"), None))
    );

    // Reversed: the newer statement says affected, so the finding stays open.
    let text = openvex(
        "2023-01-08T00:00:00Z",
        r#"
    {"vulnerability": {"name": "CVE-1"}, "products": ["pkg:cargo/a@1.0.0"],
     "status": "not_affected", "impact_statement": "not reachable"},
    {"timestamp": "2023-01-07T00:00:00Z", "last_updated": "2023-02-01T00:00:00Z",
     "vulnerability": {"name": "CVE-1"}, "products": ["pkg:cargo/a@1.0.0"],
     "status": "affected", "action_statement": "upgrade"}"#,
    );
    let doc = vex_str(&text).unwrap();
    let mut f = vec![finding("CVE-1", &[], "pkg:cargo/a@1.0.0")];
    assert_eq!(vex::apply(&doc, &mut f), 0);
    assert_eq!(f[0].suppressed, None);

    // Across documents: the newer document's statement wins whatever the order given.
    let old = vex::read(
        "old.json",
        openvex(
            "2024-01-01T00:00:00Z",
            r#"{"vulnerability": {"name": "CVE-1"}, "products": ["pkg:cargo/a@1.0.0"], "status": "affected", "action_statement": "x"}"#,
        )
        .as_bytes(),
    )
    .unwrap();
    let new = vex::read(
        "new.json",
        openvex(
            "2024-06-01T00:00:00Z",
            r#"{"vulnerability": {"name": "CVE-1"}, "products": ["pkg:cargo/a@1.0.0"], "status": "not_affected", "justification": "vulnerable_code_not_present"}"#,
        )
        .as_bytes(),
    )
    .unwrap();
    for docs in [[old.clone(), new.clone()], [new.clone(), old.clone()]] {
        let mut f = vec![finding("CVE-1", &[], "pkg:cargo/a@1.0.0")];
        assert_eq!(vex::apply_all(&docs, &mut f), 1);
        assert_eq!(vex_suppression(&f[0]).map(|s| s.0), Some("new.json"));
    }
}

#[test]
fn aliases_match_both_ways_and_suppressions_are_kept() {
    let text = openvex(
        "2024-01-01T00:00:00Z",
        r#"{"vulnerability": {"name": "CVE-2021-44228", "aliases": ["GHSA-jfh8-c2jp-5v3q"]},
            "products": [{"@id": "https://example.com/product",
                          "identifiers": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}}],
            "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
            "impact_statement": "JNDI lookups are disabled"}"#,
    );
    let doc = vex_str(&text).unwrap();
    let log4j = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
    let mut f = vec![
        finding("GHSA-jfh8-c2jp-5v3q", &["CVE-2021-44228"], log4j),
        finding("ghsa-JFH8-c2jp-5v3q", &[], log4j),
        finding("OSV-1", &["CVE-2021-44228"], log4j),
        finding("CVE-2021-45046", &[], log4j),
        finding(
            "CVE-2021-44228",
            &[],
            "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1",
        ),
    ];
    // An ignore suppression gives way to VEX; a VEX suppression is kept.
    f[1].suppressed = Some(Suppression::Ignored {
        file: "i.toml".into(),
        reason: "r".into(),
        expires: datetime!(2030-01-01 00:00 UTC),
    });
    let earlier = Suppression::Vex {
        file: "earlier.json".into(),
        status: "not_affected".into(),
        justification: None,
        statement: Some("s".into()),
    };
    f[2].suppressed = Some(earlier.clone());
    assert_eq!(vex::apply(&doc, &mut f), 2);
    assert_eq!(
        vex_suppression(&f[0]),
        Some((
            "vex.json",
            Some("vulnerable_code_not_in_execute_path"),
            Some("JNDI lookups are disabled")
        ))
    );
    assert_eq!(vex_suppression(&f[1]).map(|s| s.0), Some("vex.json"));
    assert_eq!(f[2].suppressed, Some(earlier));
    assert_eq!(f[3].suppressed, None);
    assert_eq!(f[4].suppressed, None);
}

#[test]
fn in_toto_statements_lend_their_subjects() {
    let text = r#"{
  "_type": "https://in-toto.io/Statement/v0.1",
  "predicateType": "https://openvex.dev/ns/v0.2.0",
  "subject": [{"name": "pkg:npm/left-pad@1.3.0", "digest": {"sha256": "00"}}],
  "predicate": {
    "@context": "https://openvex.dev/ns/v0.2.0",
    "@id": "https://example.com/vex/2",
    "author": "Test",
    "timestamp": "2024-01-01T00:00:00Z",
    "version": 1,
    "statements": [{"vulnerability": {"name": "CVE-9"}, "status": "not_affected",
                    "justification": "inline_mitigations_already_exist"}]
  }
}"#;
    let doc = vex_str(text).unwrap();
    assert_eq!(
        doc.format,
        VexFormat::InToto {
            predicate_type: "https://openvex.dev/ns/v0.2.0".into()
        }
    );
    assert_eq!(doc.statements[0].products[0].id, "pkg:npm/left-pad@1.3.0");
    let mut f = vec![finding("CVE-9", &[], "pkg:npm/left-pad@1.3.0")];
    assert_eq!(vex::apply(&doc, &mut f), 1);
}

#[test]
fn openvex_errors_name_the_place() {
    // An unknown status: file, line and column from the JSON parser.
    let text = "{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": [\n    {\"vulnerability\": {\"name\": \"CVE-1\"}, \"status\": \"maybe\"}\n  ]\n}";
    let e = vex_str(text).unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("unknown variant `maybe`"), "{e}");
    assert!(
        e.message.contains("not_affected"),
        "lists the statuses: {e}"
    );
    assert!(e.to_string().starts_with("vex.json:3:"), "{e}");
    assert!(
        !e.to_string().contains(" at line "),
        "no doubled location: {e}"
    );

    // An unknown justification.
    let text = openvex(
        "2024-01-01T00:00:00Z",
        "\n{\"vulnerability\": \"CVE-1\", \"products\": [\"pkg:npm/a@1\"],\n \"status\": \"not_affected\", \"justification\": \"because\"}",
    );
    let e = vex_str(&text).unwrap_err();
    assert_eq!(e.line, Some(9), "{e}");
    assert!(e.message.contains("unknown variant `because`"), "{e}");

    // Truncated JSON.
    let e =
        vex_str("{\n  \"@context\": \"https://openvex.dev/ns\",\n  \"statements\": [").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");

    // Rules checked after parsing name the statement.
    let text = openvex(
        "2024-01-01T00:00:00Z",
        r#"{"vulnerability": "CVE-1", "products": ["pkg:npm/a@1"], "status": "fixed"},
           {"vulnerability": "CVE-2", "products": ["pkg:npm/a@1"], "status": "not_affected"}"#,
    );
    let e = vex_str(&text).unwrap_err();
    assert_eq!(e.line, None);
    assert_eq!(
        e.to_string(),
        "vex.json: statements[1]: CVE-2 is not_affected but the statement gives neither a \
         justification nor an impact_statement (OpenVEX requires one)"
    );
    let text = openvex(
        "2024-01-01T00:00:00Z",
        r#"{"vulnerability": "CVE-1", "status": "fixed"}"#,
    );
    assert!(
        vex_str(&text)
            .unwrap_err()
            .message
            .contains("statements[0]: the statement about CVE-1 names no product")
    );
    let text = openvex(
        "2024-01-01T00:00:00Z",
        r#"{"vulnerability": "CVE-1", "products": ["pkg:npm/a@1"], "status": "fixed", "timestamp": "yesterday"}"#,
    );
    assert!(
        vex_str(&text)
            .unwrap_err()
            .message
            .starts_with("statements[0].timestamp: \"yesterday\" is not an RFC 3339 date-time")
    );
    let e = vex_str(&openvex(
        "last week",
        r#"{"vulnerability": "CVE-1", "products": ["pkg:npm/a@1"], "status": "fixed"}"#,
    ))
    .unwrap_err();
    assert!(e.message.starts_with("timestamp: \"last week\""), "{e}");

    // Not VEX at all.
    let e = vex_str("\n  [1, 2]").unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(3)), "{e}");
    assert!(e.message.contains("JSON object"), "{e}");
    let e = vex_str("{\"@context\": \"https://www.w3.org/2018/credentials/v1\"}").unwrap_err();
    assert!(e.message.contains("not an OpenVEX context"), "{e}");
    assert!(vex::read("x.json", b"\xff\xfe").is_err());
}

// ---------------------------------------------------------------------------------------------
// CycloneDX VEX
// ---------------------------------------------------------------------------------------------

#[test]
fn cyclonedx_vulnerability_test_boms() {
    let jackson = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4";
    for (v, updated) in [
        ("1.4", datetime!(2021-01-01 00:00 UTC)),
        ("1.5", datetime!(2022-02-01 00:00 UTC)),
        ("1.6", datetime!(2022-02-01 00:00 UTC)),
    ] {
        let rel = format!(
            "cyclonedx-specification/tools/src/test/resources/{v}/valid-vulnerability-{v}.json"
        );
        let doc = read_vex(&rel).unwrap();
        assert_eq!(
            doc.format,
            VexFormat::CycloneDx {
                spec_version: v.into()
            }
        );
        assert_eq!(doc.statements.len(), 1, "{v}");
        let st = &doc.statements[0];
        assert_eq!(st.vulnerability, "SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111");
        assert_eq!(st.aliases, ["CVE-2018-7489"]);
        assert_eq!(st.status, VexStatus::NotAffected);
        assert_eq!(st.justification.as_deref(), Some("code_not_reachable"));
        assert_eq!(st.products.len(), 1);
        assert_eq!(st.products[0].id, jackson);
        assert_eq!(st.timestamp, Some(updated), "{v}");

        let mut f = vec![
            finding("GHSA-qxxx-2pp7-5hmx", &["CVE-2018-7489"], jackson),
            finding(
                "GHSA-qxxx-2pp7-5hmx",
                &["CVE-2018-7489"],
                "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.5",
            ),
        ];
        assert_eq!(vex::apply(&doc, &mut f), 1, "{v}");
        assert_eq!(
            vex_suppression(&f[0]),
            Some((
                rel.as_str(),
                Some("code_not_reachable"),
                Some(
                    "An optional explanation of why the application is not affected by the \
                     vulnerable component."
                )
            ))
        );
        assert_eq!(f[1].suppressed, None);
    }
}

#[test]
fn cyclonedx_refs_states_and_versions() {
    let text = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "metadata": {"timestamp": "2024-01-01T00:00:00Z",
               "component": {"type": "application", "name": "app", "bom-ref": "app",
                             "purl": "pkg:npm/app@1.0.0"}},
  "components": [
    {"type": "library", "name": "outer", "bom-ref": "c-outer", "purl": "pkg:npm/outer@1.0.0",
     "components": [{"type": "library", "name": "inner", "bom-ref": "c-inner",
                     "purl": "pkg:npm/inner@2.0.0"}]}
  ],
  "vulnerabilities": [
    {"id": "CVE-A", "analysis": {"state": "not_affected", "justification": "requires_dependency"},
     "affects": [{"ref": "c-inner"}, {"ref": "app"}]},
    {"id": "CVE-B", "analysis": {"state": "exploitable"}, "affects": [{"ref": "c-outer"}]},
    {"id": "CVE-C", "analysis": {"state": "false_positive"}, "affects": [{"ref": "c-outer"}]},
    {"id": "CVE-D", "analysis": {"state": "not_affected", "detail": "patched in our fork"},
     "affects": [{"ref": "pkg:npm/lib", "versions": [{"version": "3.0.0"}, {"range": "vers:npm/>=4"}]}]},
    {"id": "CVE-E", "affects": [{"ref": "c-outer"}]},
    {"id": "CVE-F", "analysis": {"state": "not_affected"},
     "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:npm%2Fouter@1.0.0"}]}
  ]
}"#;
    let doc = vex_str(text).unwrap();
    assert_eq!(
        doc.statements.len(),
        5,
        "CVE-E has no analysis: not a statement"
    );
    let statuses: Vec<VexStatus> = doc.statements.iter().map(|s| s.status).collect();
    assert_eq!(
        statuses,
        [
            VexStatus::NotAffected,
            VexStatus::Affected,
            VexStatus::FalsePositive,
            VexStatus::NotAffected,
            VexStatus::NotAffected
        ]
    );
    assert_eq!(
        doc.statements[0].timestamp,
        Some(datetime!(2024-01-01 00:00 UTC)),
        "the BOM's timestamp"
    );
    let mut f = vec![
        finding("CVE-A", &[], "pkg:npm/inner@2.0.0"),
        finding("CVE-A", &[], "pkg:npm/app@1.0.0"),
        finding("CVE-B", &[], "pkg:npm/outer@1.0.0"),
        finding("CVE-C", &[], "pkg:npm/outer@1.0.0"),
        finding("CVE-D", &[], "pkg:npm/lib@3.0.0"),
        finding("CVE-D", &[], "pkg:npm/lib@4.1.0"),
        finding("CVE-E", &[], "pkg:npm/outer@1.0.0"),
        finding("CVE-F", &[], "pkg:npm/outer@1.0.0"),
    ];
    assert_eq!(vex::apply(&doc, &mut f), 4);
    let suppressed: Vec<bool> = f.iter().map(|f| f.suppressed.is_some()).collect();
    assert_eq!(
        suppressed,
        [true, true, false, false, true, false, false, true]
    );
    assert_eq!(
        vex_suppression(&f[4]),
        Some(("vex.json", None, Some("patched in our fork")))
    );

    // Errors name the place.
    let e = vex_str(
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n\"vulnerabilities\": [{\"id\": \"X\",\n \"analysis\": {\"state\": \"dunno\"}}]}",
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("unknown variant `dunno`"), "{e}");
    let e = vex_str(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [{"id": "X", "analysis": {"state": "not_affected"}}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "vulnerabilities[0]: the analysis of X names no affected component (affects is empty)"
    );
}

// ---------------------------------------------------------------------------------------------
// The ignore file
// ---------------------------------------------------------------------------------------------

const IGNORE: &str = r#"# Reviewed exceptions.

[[ignore]]
id = "CVE-2024-1111"                     # an alias of the finding
reason = "Only reachable from the admin CLI, which is not shipped"
expires = 2030-06-30

[[ignore]]
id = "RUSTSEC-2023-0002"
purl = "pkg:cargo/tokio@1.0.0"
reason = 'Waiting for axum 0.7'
expires = "2025-01-01T00:00:00Z"

[[ ignore ]]
"id" = "GHSA-nothing-matches"
reason = """
Kept for the audit trail."""
expires = 2030-01-01T12:00:00+01:00

[[ignore]]
id = "GHSA-vvvv-wwww-xxxx"
purl = "pkg:npm/ms"
reason = "Constant input only"
expires = 2025-06-01
"#;

#[test]
fn ignore_file_reads() {
    let f = ignore::read(".safeguard-ignore.toml", IGNORE.as_bytes()).unwrap();
    assert_eq!(f.entries.len(), 4);
    let e = &f.entries[0];
    assert_eq!(e.id, "CVE-2024-1111");
    assert_eq!(e.purl, None);
    assert_eq!(
        e.reason,
        "Only reachable from the admin CLI, which is not shipped"
    );
    assert_eq!(e.expires, datetime!(2030-06-30 00:00 UTC));
    assert_eq!(e.line, 3);
    assert_eq!(f.entries[1].purl.as_deref(), Some("pkg:cargo/tokio@1.0.0"));
    assert_eq!(
        f.entries[1].package.as_ref().unwrap().version.as_deref(),
        Some("1.0.0")
    );
    assert_eq!(f.entries[1].reason, "Waiting for axum 0.7");
    assert_eq!(f.entries[2].id, "GHSA-nothing-matches");
    assert_eq!(f.entries[2].reason, "Kept for the audit trail.");
    assert_eq!(f.entries[2].expires, datetime!(2030-01-01 11:00 UTC));
    assert_eq!(f.entries[2].line, 14);
    assert_eq!(f.entries[3].package.as_ref().unwrap().version, None);
    assert_eq!(ignore::DEFAULT_FILE_NAME, ".safeguard-ignore.toml");

    // CRLF line endings and a byte-order mark read the same.
    let crlf = format!("\u{feff}{}", IGNORE.replace('\n', "\r\n"));
    let g = ignore::read(".safeguard-ignore.toml", crlf.as_bytes()).unwrap();
    assert_eq!(g.entries, f.entries);
    // An empty file has no entries.
    assert!(
        ignore::read("i.toml", b"# nothing yet\n")
            .unwrap()
            .entries
            .is_empty()
    );
}

fn ignore_err(text: &str) -> ignore::IgnoreError {
    ignore::read("i.toml", text.as_bytes()).unwrap_err()
}

#[test]
fn ignore_file_errors_name_the_line() {
    let e = ignore_err("[[ignore]]\nid = \"X\"\nexpires = 2030-01-01\n\n[[ignore]]\nid = \"Y\"\n");
    assert_eq!((e.line, e.column), (1, 1), "{e}");
    assert_eq!(
        e.to_string(),
        "i.toml:1:1: this [[ignore]] entry has no reason: add reason = \"why the finding is \
         safe to accept for now\""
    );
    let e = ignore_err("\n[[ignore]]\nid = \"X\"\nreason = \"r\"\n");
    assert_eq!((e.line, e.column), (2, 1), "{e}");
    assert!(e.message.contains("has no expires"), "{e}");
    let e = ignore_err("[[ignore]]\nreason = \"r\"\nexpires = 2030-01-01\n");
    assert!(e.message.contains("has no id"), "{e}");

    let e = ignore_err("[[ignore]]\nid = \"X\"\nreason = \"   \"\nexpires = 2030-01-01\n");
    assert_eq!((e.line, e.column), (3, 10), "{e}");
    assert!(e.message.starts_with("reason is blank"), "{e}");
    let e = ignore_err("[[ignore]]\nid = \"X\"\nreason = \"r\"\nexpiry = 2030-01-01\n");
    assert_eq!((e.line, e.column), (4, 1), "{e}");
    assert_eq!(
        e.message,
        "unknown key \"expiry\" (an [[ignore]] entry has id, purl, reason, expires)"
    );
    let e = ignore_err(
        "[[ignore]]\nid = \"X\"\npurl = \"npm/ms\"\nreason = \"r\"\nexpires = 2030-01-01\n",
    );
    assert_eq!((e.line, e.column), (3, 8), "{e}");
    assert!(e.message.contains("not a package URL"), "{e}");
    let e = ignore_err("[[ignore]]\nid = \"X\"\nreason = \"r\"\nexpires = 2030-01-01T10:00:00\n");
    assert_eq!((e.line, e.column), (4, 11), "{e}");
    assert!(e.message.contains("no time zone"), "{e}");
    let e = ignore_err("[[ignore]]\nid = \"X\"\nreason = \"r\"\nexpires = \"next year\"\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("is not a date"), "{e}");
    let e = ignore_err("[[ignore]]\nid = \"X\"\nid = \"Y\"\n");
    assert_eq!((e.line, e.column), (3, 1), "{e}");
    assert!(e.message.contains("given twice"), "{e}");
    let e = ignore_err("[[ignore]]\nid = 2030-01-01\n");
    assert_eq!((e.line, e.column), (2, 6), "{e}");
    assert!(e.message.contains("must be a string"), "{e}");

    // Syntax outside what the format uses.
    let e = ignore_err("[ignore]\nid = \"X\"\n");
    assert_eq!((e.line, e.column), (1, 1), "{e}");
    assert!(e.message.contains("[[ignore]] (two brackets)"), "{e}");
    let e = ignore_err("# c\n[[ignores]]\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("unknown table [[ignores]]"), "{e}");
    let e = ignore_err("id = \"X\"\n");
    assert!(e.message.contains("outside any entry"), "{e}");
    let e = ignore_err("[[ignore]]\nid = 5\n");
    assert_eq!((e.line, e.column), (2, 6), "{e}");
    let e = ignore_err("[[ignore]]\nid = true\n");
    assert!(
        e.message.contains("expected a string in quotes or a date"),
        "{e}"
    );
    let e = ignore_err("[[ignore]]\nid.x = \"X\"\n");
    assert!(e.message.contains("dotted keys"), "{e}");
    let e = ignore_err("[[ignore]]\nid = \"X\nreason = \"r\"\n");
    assert_eq!((e.line, e.column), (2, 6), "{e}");
    assert!(e.message.contains("no closing"), "{e}");
    let e = ignore_err("[[ignore]]\nid = \"X\" \"Y\"\n");
    assert_eq!((e.line, e.column), (2, 10), "{e}");
    let e = ignore_err("[[ignore]]\nreason = \"\"\"never closed\n\n");
    assert_eq!((e.line, e.column), (2, 10), "{e}");
    let e = ignore::read("i.toml", b"[[ignore]]\nid = \"\xff\"\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 7), "{e}");
    assert!(e.message.contains("not UTF-8"), "{e}");
}

#[test]
fn ignore_entries_suppress_until_they_expire() {
    let file = ignore::read(".safeguard-ignore.toml", IGNORE.as_bytes()).unwrap();
    let mut findings = vec![
        finding(
            "GHSA-aaaa-bbbb-cccc",
            &["CVE-2024-1111"],
            "pkg:npm/%40scope/app-lib@2.0.0",
        ),
        finding(
            "GHSA-aaaa-bbbb-cccc",
            &["CVE-2024-1111"],
            "pkg:npm/%40scope/app-lib@1.9.0",
        ),
        finding("RUSTSEC-2023-0002", &[], "pkg:cargo/tokio@1.0.0"),
        finding("RUSTSEC-2023-0002", &[], "pkg:cargo/tokio@1.1.0"),
        finding("GHSA-vvvv-wwww-xxxx", &[], "pkg:npm/ms@2.1.3"),
        finding("GHSA-vvvv-wwww-xxxx", &[], "pkg:npm/other@1.0.0"),
    ];
    // 2025-06-01T00:00Z: the ms entry expires exactly now, the tokio one expired in January.
    let now = datetime!(2025-06-01 00:00 UTC);
    let warnings = ignore::apply(&file, &mut findings, now);

    let ignored = |f: &Finding| match &f.suppressed {
        Some(Suppression::Ignored {
            file,
            reason,
            expires,
        }) => Some((file.clone(), reason.clone(), *expires)),
        _ => None,
    };
    let first = (
        ".safeguard-ignore.toml".to_string(),
        "Only reachable from the admin CLI, which is not shipped".to_string(),
        datetime!(2030-06-30 00:00 UTC),
    );
    assert_eq!(ignored(&findings[0]), Some(first.clone()));
    assert_eq!(ignored(&findings[1]), Some(first));
    for f in &findings[2..] {
        assert_eq!(f.suppressed, None, "{} {}", f.id, f.component.purl);
    }

    let text: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        text,
        [
            ".safeguard-ignore.toml:8: entry for RUSTSEC-2023-0002 in pkg:cargo/tokio@1.0.0 \
             expired on 2025-01-01; the finding is reported again (fix it, or review the entry \
             and set a new expiry)",
            ".safeguard-ignore.toml:14: entry for GHSA-nothing-matches matches no open finding; \
             remove it if it is no longer needed",
            ".safeguard-ignore.toml:20: entry for GHSA-vvvv-wwww-xxxx in pkg:npm/ms expired on \
             2025-06-01; the finding is reported again (fix it, or review the entry and set a \
             new expiry)",
        ]
    );

    // A day earlier the ms entry still applies, to ms only (any version).
    let mut findings2: Vec<Finding> = findings
        .iter()
        .map(|f| Finding {
            informational: None,
            suppressed: None,
            ..f.clone()
        })
        .collect();
    let warnings = ignore::apply(&file, &mut findings2, datetime!(2025-05-31 23:59 UTC));
    assert!(findings2[4].suppressed.is_some());
    assert!(findings2[5].suppressed.is_none());
    assert_eq!(warnings.len(), 2);
}

#[test]
fn ignore_leaves_vex_suppressions_alone() {
    let file = ignore::read(
        "i.toml",
        b"[[ignore]]\nid = \"CVE-1\"\nreason = \"r\"\nexpires = 2030-01-01\n",
    )
    .unwrap();
    let vex = Suppression::Vex {
        file: "vex.json".into(),
        status: "not_affected".into(),
        justification: Some("component_not_present".into()),
        statement: None,
    };
    let mut f = vec![finding("CVE-1", &[], "pkg:npm/a@1")];
    f[0].suppressed = Some(vex.clone());
    let warnings = ignore::apply(&file, &mut f, OffsetDateTime::UNIX_EPOCH);
    assert_eq!(f[0].suppressed, Some(vex));
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("matches no open finding"));
    assert_eq!(warnings[0].line, 1);
}
