//! Our OSV validator (typed reading + `RawRecord::validate`, strict mode) must agree with the
//! official OSV JSON schema on every record in the test data, valid or broken.

use std::path::{Path, PathBuf};

use safeguard_vulndb::osv;

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata"
    ))
    .join(rel)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml")
        ) {
            out.push(p);
        }
    }
}

#[test]
fn validator_agrees_with_the_official_schema() {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(testdata("osv-schema/validation/schema.json")).unwrap(),
    )
    .unwrap();
    // The schema's `format: date-time` is an annotation in draft 2020-12; its `pattern`s are
    // the assertions, and so is our timestamp check.
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    let mut paths = Vec::new();
    for dir in [
        "rustsec-advisory-db-osv/crates",
        "golang-vulndb/data/osv",
        "pypa-advisory-database/vulns",
        "ghsa-sample/advisories",
        "osv-schema/tools/osv-linter/testdata",
        "osv-schema/tools/redhat/testdata/OSV",
    ] {
        files(&testdata(dir), &mut paths);
    }
    let (mut agree, mut valid, mut invalid) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        let json = if p.extension().is_some_and(|e| e == "yaml") {
            osv::yaml_to_json(std::str::from_utf8(&bytes).unwrap()).unwrap()
        } else {
            bytes
        };
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let official = validator.is_valid(&value);
        let ours = osv::parse_json(&json, true);
        if official == ours.is_ok() {
            agree += 1;
        } else {
            disagreements.push(format!(
                "{}: schema says {}, we say {:?}",
                p.display(),
                if official { "valid" } else { "invalid" },
                ours.as_ref().map(|_| ()).map_err(|e| e.to_string())
            ));
        }
        if official {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    println!(
        "{agree}/{} records agree ({valid} valid, {invalid} invalid per the schema)",
        paths.len()
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(
        paths.len() > 8000,
        "test data missing: {} files",
        paths.len()
    );
    assert!(
        invalid > 0,
        "the data should include records the schema rejects"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}

/// Each mutation breaks one rule of the schema: the schema and we must both reject it, and our
/// reason must name the place.
#[test]
fn broken_records_are_rejected_by_both_with_the_place() {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(testdata("osv-schema/validation/schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    let base = serde_json::json!({
        "id": "GHSA-xxxx-yyyy-zzzz",
        "modified": "2024-01-02T03:04:05Z",
        "published": "2024-01-01T00:00:00.123Z",
        "aliases": ["CVE-2024-0001"],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": "npm", "name": "left-pad"},
            "ranges": [
                {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]},
                {"type": "GIT", "repo": "https://example.com/r", "events": [{"introduced": "0"}, {"fixed": "0123456789abcdef0123456789abcdef01234567"}]}
            ],
            "versions": ["1.0.0"]
        }],
        "references": [{"type": "ADVISORY", "url": "https://example.com/a"}],
        "credits": [{"name": "A", "type": "FINDER"}]
    });
    assert!(validator.is_valid(&base));
    assert!(osv::parse_json(&serde_json::to_vec(&base).unwrap(), true).is_ok());
    type Mutation = (&'static str, &'static str, fn(&mut serde_json::Value));
    let mutations: &[Mutation] = &[
        ("no modified", "modified", |v| {
            v.as_object_mut().unwrap().remove("modified");
        }),
        ("bad timestamp", "modified", |v| {
            v["modified"] = "2024-01-02 03:04:05".into()
        }),
        ("unknown field", "unknown field", |v| v["extra"] = 1.into()),
        ("unregistered prefix", "id", |v| v["id"] = "ACME-1".into()),
        (
            "unregistered ecosystem",
            "affected[0].package.ecosystem",
            |v| v["affected"][0]["package"]["ecosystem"] = "Nope".into(),
        ),
        ("no introduced", "affected[0].ranges[0].events", |v| {
            v["affected"][0]["ranges"][0]["events"] = serde_json::json!([{"fixed": "1"}])
        }),
        ("empty events", "affected[0].ranges[0].events", |v| {
            v["affected"][0]["ranges"][0]["events"] = serde_json::json!([])
        }),
        (
            "fixed and last_affected",
            "affected[0].ranges[0].events",
            |v| {
                v["affected"][0]["ranges"][0]["events"] =
                    serde_json::json!([{"introduced": "0"}, {"fixed": "1"}, {"last_affected": "2"}])
            },
        ),
        ("two keys in an event", "more than one", |v| {
            v["affected"][0]["ranges"][0]["events"] =
                serde_json::json!([{"introduced": "0", "fixed": "1"}])
        }),
        ("bad range type", "unknown variant", |v| {
            v["affected"][0]["ranges"][0]["type"] = "RANGE".into()
        }),
        ("GIT without repo", "affected[0].ranges[1].repo", |v| {
            v["affected"][0]["ranges"][1]
                .as_object_mut()
                .unwrap()
                .remove("repo");
        }),
        ("short commit", "affected[0].ranges[1].events[1]", |v| {
            v["affected"][0]["ranges"][1]["events"][1]["fixed"] = "abc123".into()
        }),
        ("bad CVSS", "severity[0].score", |v| {
            v["severity"][0]["score"] = "CVSS:3.1/AV:Q".into()
        }),
        ("bad severity type", "severity[0].type", |v| {
            v["severity"][0]["type"] = "CVSS_V5".into()
        }),
        ("severity twice", "affected[0].severity", |v| {
            v["affected"][0]["severity"] =
                serde_json::json!([{"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}])
        }),
        ("bad reference type", "references[0].type", |v| {
            v["references"][0]["type"] = "BLOG".into()
        }),
        ("bad credit type", "credits[0].type", |v| {
            v["credits"][0]["type"] = "HERO".into()
        }),
        ("package without name", "missing field `name`", |v| {
            v["affected"][0]["package"]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
        ("version not a string", "invalid type", |v| {
            v["affected"][0]["versions"] = serde_json::json!([1])
        }),
    ];
    for (what, place, mutate) in mutations {
        let mut v = base.clone();
        mutate(&mut v);
        assert!(
            !validator.is_valid(&v),
            "{what}: the schema should reject it"
        );
        let err = osv::parse_json(&serde_json::to_vec(&v).unwrap(), true).expect_err(what);
        let text = err.to_string();
        assert!(
            text.contains(place),
            "{what}: {text:?} should name {place:?}"
        );
    }
}
