//! in-toto conformance: the reference Go implementation's test cases (extracted to
//! go_test_vectors.json) and the Statements among the spec's examples, read in place.

use safeguard_attest::intoto::{
    IntotoError, PREDICATE_SLSA_PROVENANCE_V1, Provenance, ResourceDescriptor, STATEMENT_TYPE_V1,
    Statement,
};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/in-toto-attestation"
);

/// The reference implementation's name for each of our error categories.
fn go_name(e: &IntotoError) -> &'static str {
    match e {
        IntotoError::InvalidStatementType { .. } => "ErrInvalidStatementType",
        IntotoError::SubjectRequired => "ErrSubjectRequired",
        IntotoError::ResourceDescriptorRequiredField { .. } => "ErrRDRequiredField",
        IntotoError::DigestRequired { .. } => "ErrDigestRequired",
        IntotoError::InvalidDigestEncoding { .. } => "ErrInvalidDigestEncoding",
        IntotoError::IncorrectDigestLength { .. } => "ErrIncorrectDigestLength",
        IntotoError::PredicateTypeRequired => "ErrPredicateTypeRequired",
        IntotoError::PredicateRequired => "ErrPredicateRequired",
        IntotoError::BuildDefinitionRequired => "ErrBuildDefinitionRequired",
        IntotoError::BuildTypeRequired => "ErrBuildTypeRequired",
        IntotoError::ExternalParametersRequired => "ErrExternalParamsRequired",
        IntotoError::RunDetailsRequired => "ErrRunDetailsRequired",
        IntotoError::BuilderRequired => "ErrBuilderRequired",
        IntotoError::BuilderIdRequired => "ErrBuilderIdRequired",
        _ => "other",
    }
}

/// Expected outcome of the resource-descriptor cases, whose expected error the extraction did not
/// record (the Go tests assert it in code): keyed by the case's index in the file. The reasons
/// are from the Go test functions named in the vectors (TestBadResourceDescriptor*).
fn rd_expectation(json: &Value) -> Option<&'static str> {
    let digest = json.get("digest").and_then(Value::as_object);
    let has_id = json.get("name").is_some() || json.get("uri").is_some();
    match digest {
        None if !has_id => Some("ErrRDRequiredField"),
        Some(d) if d.get("sha256").and_then(Value::as_str) == Some("badDigest") => {
            Some("ErrInvalidDigestEncoding")
        }
        Some(d)
            if d.values().any(|v| v.as_str() == Some("abc123"))
                && (d.contains_key("sha256") || d.contains_key("gitCommit")) =>
        {
            Some("ErrIncorrectDigestLength")
        }
        _ => None,
    }
}

fn read_vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{DIR}/go_test_vectors.json")).expect("read");
    serde_json::from_str::<Value>(&text)
        .expect("json")
        .as_array()
        .expect("array")
        .clone()
}

fn check_statement(json: &Value) -> Result<Statement, IntotoError> {
    Statement::from_json(&serde_json::to_vec(json).unwrap())
}

#[test]
fn go_reference_vectors() {
    let vectors = read_vectors();
    assert_eq!(vectors.len(), 23, "the vector file changed");
    let (mut valid_ok, mut invalid_ok, mut total) = (0, 0, 0);
    for (i, v) in vectors.iter().enumerate() {
        let file = v["file"].as_str().unwrap();
        let func = v["func"].as_str().unwrap_or("");
        let json = &v["json"];
        let label = format!("#{i} {file} {func} {}", v["case"]);
        let expected: Option<String> = match v["expected_err"].as_str() {
            // TestBadStatementType asserts ErrInvalidStatementType; the extraction lost it.
            Some("nil") if func == "TestBadStatementType" => Some("ErrInvalidStatementType".into()),
            Some(e) => Some(e.to_owned()),
            None if file == "resource_descriptor_test.go" => rd_expectation(json).map(Into::into),
            None => None,
        };

        if func == "TestStatementTypeVersions" {
            // A template over versions; v1 is valid, 2 and 0.2 are not. (Go also accepts the
            // legacy 0.1; we do not, see the module documentation.)
            let template = serde_json::to_string(json).unwrap();
            for (version, ok) in [("1", true), ("2", false), ("0.2", false), ("0.1", false)] {
                let text = template.replace("v%s", &format!("v{version}"));
                let got = Statement::from_json(text.as_bytes());
                total += 1;
                if ok {
                    assert_eq!(got.unwrap().statement_type, STATEMENT_TYPE_V1, "{label}");
                    valid_ok += 1;
                } else {
                    let e = got.unwrap_err();
                    assert_eq!(go_name(&e), "ErrInvalidStatementType", "{label} v{version}");
                    invalid_ok += 1;
                }
            }
            continue;
        }

        total += 1;
        let got: Result<(), IntotoError> = match file {
            "statement_test.go" => check_statement(json).map(|_| ()),
            "resource_descriptor_test.go" => {
                let rd: ResourceDescriptor = serde_json::from_value(json.clone()).unwrap();
                rd.validate("rd")
            }
            "provenance_test.go" => {
                Provenance::from_predicate(json.as_object().unwrap()).map(|p| {
                    // Valid provenance must survive a round trip through the typed structs.
                    assert_eq!(
                        Value::Object(p.to_predicate()),
                        *json,
                        "{label}: typed round trip"
                    );
                })
            }
            other => panic!("unknown vector file {other}"),
        };
        match (expected, got) {
            (None, Ok(())) => valid_ok += 1,
            (None, Err(e)) => panic!("{label}: expected valid, got {e}"),
            (Some(want), Err(e)) => {
                assert_eq!(go_name(&e), want, "{label}: {e}");
                invalid_ok += 1;
            }
            (Some(want), Ok(())) => panic!("{label}: expected {want}, got valid"),
        }
    }
    println!(
        "in-toto Go vectors: {valid_ok} valid accepted, {invalid_ok} invalid rejected with the \
         reference category, of {total} cases"
    );
    assert_eq!(valid_ok + invalid_ok, total);
    assert_eq!((valid_ok, invalid_ok), (7, 19));
}

#[test]
fn spec_example_statements() {
    let mut names: Vec<_> = std::fs::read_dir(format!("{DIR}/spec-examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    let (mut full, mut elided, mut statements) = (0, 0, 0);
    for path in names {
        let text = std::fs::read(&path).unwrap();
        let raw: Value = serde_json::from_slice(&text).unwrap();
        if raw.get("_type").is_none() {
            continue;
        }
        statements += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Several examples abbreviate digests ("4faeb1b2...", "3A244fd47e07d10..."): a strict
        // validator must refuse exactly those, on the digest, and accept everything else.
        let abbreviated = raw["subject"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["digest"].as_object().unwrap().values())
            .any(|d| {
                let d = d.as_str().unwrap();
                d.ends_with("...") || d.len() < 40
            });
        match Statement::from_json(&text) {
            Ok(st) => {
                assert!(!abbreviated, "{name}: accepted an abbreviated digest");
                assert_eq!(st.statement_type, STATEMENT_TYPE_V1);
                assert_eq!(
                    Value::Object(st.predicate.clone().unwrap()),
                    raw["predicate"]
                );
                full += 1;
            }
            Err(e) => {
                assert!(abbreviated, "{name}: {e}");
                assert!(
                    matches!(
                        e,
                        IntotoError::InvalidDigestEncoding { .. }
                            | IntotoError::IncorrectDigestLength { .. }
                    ),
                    "{name}: {e}"
                );
                assert!(
                    e.to_string().starts_with("subject[0]: the sha"),
                    "{name}: {e}"
                );
                // With the digests replaced by well-formed ones, the statement is valid.
                let mut fixed: Statement = Statement::from_json_unvalidated(&text).unwrap();
                for s in &mut fixed.subject {
                    for (alg, v) in s.digest.iter_mut() {
                        *v = "a".repeat(if alg == "sha512" { 128 } else { 64 });
                    }
                }
                fixed.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
                elided += 1;
            }
        }
    }
    println!(
        "in-toto spec examples: {statements} statements, {full} valid as written, {elided} \
         refused only for abbreviated digests"
    );
    assert_eq!((statements, full, elided), (12, 3, 9));
}

#[test]
fn slsa_provenance_statement() {
    let text = br#"{
      "_type": "https://in-toto.io/Statement/v1",
      "subject": [{"name": "app.tar.gz", "digest": {"sha256": "5678000000000000000000000000000000000000000000000000000000001234"}}],
      "predicateType": "https://slsa.dev/provenance/v1",
      "predicate": {
        "buildDefinition": {
          "buildType": "https://example.com/build/v1",
          "externalParameters": {"ref": "refs/tags/v1.0.0"},
          "internalParameters": {"runner": "x"},
          "resolvedDependencies": [{"uri": "git+https://example.com/repo", "digest": {"gitCommit": "d20ace7968ba43c0219f62d71334c1095bab1602"}}]
        },
        "runDetails": {
          "builder": {"id": "https://example.com/builder", "version": {"safeguard": "0.1.0"}},
          "metadata": {"invocationId": "run-7", "startedOn": "2025-01-02T03:04:05Z", "finishedOn": "2025-01-02T03:09:05Z"},
          "byproducts": [{"name": "log", "digest": {"sha256": "0000000000000000000000000000000000000000000000000000000000000000"}}]
        }
      }
    }"#;
    let st = Statement::from_json(text).unwrap();
    let p = st.provenance().unwrap();
    assert_eq!(
        p.build_definition.build_type,
        "https://example.com/build/v1"
    );
    assert_eq!(
        p.build_definition.external_parameters["ref"],
        "refs/tags/v1.0.0"
    );
    assert_eq!(
        p.build_definition.resolved_dependencies[0].digest["gitCommit"],
        "d20ace7968ba43c0219f62d71334c1095bab1602"
    );
    assert_eq!(p.run_details.builder.id, "https://example.com/builder");
    assert_eq!(p.run_details.builder.version["safeguard"], "0.1.0");
    let m = p.run_details.metadata.as_ref().unwrap();
    assert_eq!(m.invocation_id.as_deref(), Some("run-7"));
    assert_eq!(m.finished_on.as_deref(), Some("2025-01-02T03:09:05Z"));
    assert_eq!(p.run_details.byproducts[0].name.as_deref(), Some("log"));

    // Rebuilt from the typed predicate, the statement is the same.
    let again = Statement::new(
        st.subject.clone(),
        PREDICATE_SLSA_PROVENANCE_V1,
        p.to_predicate(),
    );
    assert_eq!(again, st);

    // A bad timestamp and a bad dependency digest are reported with their place.
    let bad = String::from_utf8_lossy(text).replace("2025-01-02T03:04:05Z", "yesterday");
    let e = Statement::from_json(bad.as_bytes())
        .unwrap()
        .provenance()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "SLSA provenance: runDetails.metadata.startedOn \"yesterday\" is not an RFC 3339 timestamp"
    );
    let bad =
        String::from_utf8_lossy(text).replace("d20ace7968ba43c0219f62d71334c1095bab1602", "HEAD");
    let e = Statement::from_json(bad.as_bytes())
        .unwrap()
        .provenance()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "predicate.buildDefinition.resolvedDependencies[0]: the gitCommit digest \"HEAD\" is not lowercase hex"
    );
    // Another predicate type is not provenance.
    let other = Statement::new(
        st.subject.clone(),
        "https://spdx.dev/Document/v2.3",
        p.to_predicate(),
    );
    assert!(matches!(
        other.provenance(),
        Err(IntotoError::PredicateTypeMismatch { .. })
    ));
}

#[test]
fn hostile_statements_are_errors() {
    for bad in [
        &b""[..],
        b"null",
        b"{\"_type\": 5}",
        b"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":[]}]}",
        b"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicate\":[]}",
        &[b'['; 100_000],
    ] {
        assert!(
            matches!(Statement::from_json(bad), Err(IntotoError::Json(_))),
            "{bad:?}"
        );
    }
    let e = Statement::from_json(br#"{"subject":[]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "wrong statement type \"\": expected \"https://in-toto.io/Statement/v1\""
    );
}
