//! Interop: independent implementations read what we write.
//! - Python `jsonschema` (Draft 2020-12) validates assessment.json against docs/assessment.schema.json;
//! - PyYAML reads self-assessment.yaml, and must see what assessment.json's brief view says;
//! - Python's `csv` module reads self-assessment.csv: 45 rows, one per claim, same statuses.
//!
//! Skipped (with a message) unless SAFEGUARD_INTEROP=1; then a missing tool is a failure.
//! SAFEGUARD_PYTHON names the interpreter (default `python3`).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const CHECK: &str = r#"
import csv, json, sys
import jsonschema, yaml
out, schema_path = sys.argv[1], sys.argv[2]
doc = json.load(open(f"{out}/assessment.json"))
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
assert not errors, [e.message for e in errors[:5]]
sa = yaml.safe_load(open(f"{out}/self-assessment.yaml"))
assert set(sa) == {"vendor", "assessment_date", "assessment_scope", "principles"}, sa.keys()
assert sa["vendor"] == doc["scope"]["vendor"]
assert str(sa["assessment_date"]) == doc["assessment_date"]
assert [p["id"] for p in sa["principles"]] == list(range(1, 15))
for p, b in zip(sa["principles"], doc["brief"]):
    assert p["status"] == b["status"] and p["theme"] == b["theme"] and p["evidence"] == b["evidence"], (p, b)
rows = list(csv.DictReader(open(f"{out}/self-assessment.csv", newline="")))
assert len(rows) == 45, len(rows)
for r, c in zip(rows, doc["claims"]):
    assert r["claim_id"] == c["id"] and r["status"] == c["status"], (r, c)
print("interop ok")
"#;

#[test]
fn python_validators_accept_our_exports() {
    if std::env::var("SAFEGUARD_INTEROP").as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED interop test python_validators_accept_our_exports: set SAFEGUARD_INTEROP=1 (as .ci/run does) to run it"
        );
        return;
    }
    let python = std::env::var("SAFEGUARD_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python)
        .args(["-c", "import jsonschema, yaml"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "SAFEGUARD_INTEROP=1 but {python} lacks jsonschema/PyYAML ({}); install .ci/requirements.txt",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => panic!("SAFEGUARD_INTEROP=1 but {python} cannot run: {e}"),
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = acme_repo(tmp.path());
    let out = tmp.path().join("report");
    let o = safeguard(
        tmp.path(),
        &[
            "assess",
            repo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assessment.schema.json");
    let o = Command::new(&python)
        .args(["-c", CHECK, out.to_str().unwrap(), schema.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("interop ok"));
}
