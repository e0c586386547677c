//! Agreement with osv-scalibr's extractor fixtures (`../shared/testdata/osv-scalibr-extractors`).
//!
//! Every case in every `expected.json` is run through our extractor of the same id. A case
//! passes when the set of (name, version) pairs is the same, or, for `want_error` cases, when
//! we return an error. Misses must be listed, with the reason, in `conformance-misses.txt`; the
//! test fails on any unlisted miss and on any listed miss that now passes, so the list and
//! `docs/conformance.md` stay true.
//!
//! - `CONFORMANCE_ONLY=javascript/` restricts the run to extractor ids with that prefix.
//! - `UPDATE_CONFORMANCE=1` rewrites `docs/conformance.md` from the results.
//! - `CONFORMANCE_VERBOSE=1` prints every miss with its difference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use safeguard_inventory::{Input, extractor};
use serde_json::Value;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/osv-scalibr-extractors")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Default)]
struct Tally {
    cases: usize,
    passed: usize,
    error_cases: usize,
    errors_agreed: usize,
    lines_expected: usize,
    lines_agreed: usize,
    misses: Vec<String>,
}

type Pairs = BTreeSet<(String, String)>;

fn expected_pairs(case: &Value) -> (Pairs, BTreeMap<(String, String), u64>) {
    let mut pairs = BTreeSet::new();
    let mut lines = BTreeMap::new();
    for p in case["packages"].as_array().into_iter().flatten() {
        let key = (
            p["name"].as_str().unwrap_or_default().to_string(),
            p["version"].as_str().unwrap_or_default().to_string(),
        );
        if let Some(line) = p["line"].as_u64().filter(|l| *l > 0) {
            lines.insert(key.clone(), line);
        }
        pairs.insert(key);
    }
    (pairs, lines)
}

fn known_misses() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-misses.txt"),
    )
    .expect("tests/conformance-misses.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(3, " | ");
            let id = parts.next().unwrap().trim();
            let case = parts.next().expect("format: id | case | reason").trim();
            let reason = parts.next().expect("format: id | case | reason").trim();
            assert!(!reason.is_empty(), "a listed miss needs a reason: {l}");
            (format!("{id} | {case}"), reason.to_string())
        })
        .collect()
}

#[test]
fn scalibr_extractor_conformance() {
    let root = testdata();
    assert!(
        root.is_dir(),
        "conformance data missing: {} (it lives in ../shared beside the repository)",
        root.display()
    );
    let only = std::env::var("CONFORMANCE_ONLY").ok();
    let verbose = std::env::var_os("CONFORMANCE_VERBOSE").is_some();
    let mut expected_files: Vec<PathBuf> = Vec::new();
    for family in std::fs::read_dir(&root).unwrap() {
        let family = family.unwrap().path();
        if !family.is_dir() {
            continue;
        }
        for ex in std::fs::read_dir(&family).unwrap() {
            let f = ex.unwrap().path().join("expected.json");
            if f.is_file() {
                expected_files.push(f);
            }
        }
    }
    expected_files.sort();

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut seen_misses = BTreeMap::new();
    for file in &expected_files {
        let dir = file.parent().unwrap();
        let id = dir
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        if only.as_deref().is_some_and(|p| !id.starts_with(p)) {
            continue;
        }
        let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let ex = extractor::by_id(&id);
        let tally = tallies.entry(id.clone()).or_default();
        for case in &cases {
            let name = case["name"].as_str().unwrap_or_default();
            let input_path = case["input"].as_str().unwrap();
            let want_error = case["want_error"].as_bool().unwrap_or(false);
            tally.cases += 1;
            tally.error_cases += want_error as usize;
            let (want, want_lines) = expected_pairs(case);
            let outcome = match ex {
                None => Err("no reader with this id".to_string()),
                Some(ex) => {
                    let bytes = std::fs::read(dir.join(input_path)).unwrap();
                    let input = Input {
                        path: input_path,
                        bytes: &bytes,
                        root: Some(dir),
                    };
                    match ex.extract(&input) {
                        Err(e) if want_error => {
                            tally.errors_agreed += 1;
                            let _ = e;
                            Ok(())
                        }
                        Err(e) => Err(format!("unexpected error: {e}")),
                        Ok(_) if want_error => Err("expected an error, got components".into()),
                        Ok(components) => {
                            let got: Pairs = components
                                .iter()
                                .map(|c| (c.name.clone(), c.version.clone()))
                                .collect();
                            for (key, line) in &want_lines {
                                tally.lines_expected += 1;
                                if components.iter().any(|c| {
                                    (&c.name, &c.version) == (&key.0, &key.1)
                                        && c.location.line == Some(*line as u32)
                                }) {
                                    tally.lines_agreed += 1;
                                }
                            }
                            if got == want {
                                Ok(())
                            } else {
                                let missing: Vec<_> = want.difference(&got).collect();
                                let extra: Vec<_> = got.difference(&want).collect();
                                Err(format!("missing {missing:?}, extra {extra:?}"))
                            }
                        }
                    }
                }
            };
            match outcome {
                Ok(()) => tally.passed += 1,
                Err(why) => {
                    let key = format!("{id} | {name}");
                    if verbose {
                        eprintln!("MISS {key} ({input_path}): {why}");
                    }
                    tally.misses.push(name.to_string());
                    seen_misses.insert(key, why);
                }
            }
        }
    }

    let listed: BTreeMap<String, String> = known_misses()
        .into_iter()
        .filter(|(k, _)| only.as_deref().is_none_or(|p| k.starts_with(p)))
        .collect();
    let unlisted: Vec<_> = seen_misses
        .iter()
        .filter(|(k, _)| !listed.contains_key(*k))
        .map(|(k, why)| format!("{k}: {why}"))
        .collect();
    let fixed: Vec<_> = listed
        .keys()
        .filter(|k| !seen_misses.contains_key(*k))
        .collect();

    let table = render(&tallies, &listed);
    println!("{table}");
    if only.is_none() {
        let doc_path = repo_root().join("docs/conformance.md");
        // This test owns the top of the file, up to the first section of another test.
        let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
        let rest = doc.find("<!-- section: ").map_or("", |i| &doc[i..]);
        if std::env::var_os("UPDATE_CONFORMANCE").is_some() {
            let sep = if rest.is_empty() { "" } else { "\n" };
            std::fs::write(&doc_path, format!("{table}{sep}{rest}")).unwrap();
        } else {
            let ours = doc
                .find("<!-- section: ")
                .map_or(doc.as_str(), |i| doc[..i].trim_end_matches('\n'));
            assert_eq!(
                ours.trim_end(),
                table.trim_end(),
                "docs/conformance.md is out of date; run with UPDATE_CONFORMANCE=1"
            );
        }
    }
    assert!(
        unlisted.is_empty(),
        "{} conformance misses not listed in tests/conformance-misses.txt:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "listed misses that now pass (remove them from tests/conformance-misses.txt): {fixed:?}"
    );
}

fn render(tallies: &BTreeMap<String, Tally>, listed: &BTreeMap<String, String>) -> String {
    let (mut cases, mut passed) = (0, 0);
    let mut rows = String::new();
    for (id, t) in tallies {
        cases += t.cases;
        passed += t.passed;
        let lines = if t.lines_expected == 0 {
            "–".to_string()
        } else {
            format!("{}/{}", t.lines_agreed, t.lines_expected)
        };
        rows.push_str(&format!(
            "| `{id}` | {} | {}/{} | {} | {} |\n",
            t.cases,
            t.passed,
            t.cases,
            if t.error_cases == 0 {
                "–".to_string()
            } else {
                format!("{}/{}", t.errors_agreed, t.error_cases)
            },
            lines
        ));
    }
    let mut misses = String::new();
    for (key, reason) in listed {
        misses.push_str(&format!("- `{key}`: {reason}\n"));
    }
    if misses.is_empty() {
        misses.push_str("None.\n");
    }
    format!(
        "# Conformance: lockfile readers against osv-scalibr\n\n\
         Generated by `cargo test -p safeguard-inventory --test conformance` \
         (`UPDATE_CONFORMANCE=1` rewrites this file; the test fails when it is stale).\n\n\
         Data: `../shared/testdata/osv-scalibr-extractors`, the fixtures and `expected.json` of \
         each osv-scalibr extractor. A case passes when our reader returns the same set of \
         (name, version) pairs, or an error where scalibr expects one. \"Errors\" counts the \
         `want_error` cases we reject; \"Lines\" counts expected packages whose line we report \
         identically (informational, not part of pass/fail).\n\n\
         **{passed}/{cases} cases pass.**\n\n\
         | extractor | cases | passed | errors | lines |\n|---|---|---|---|---|\n{rows}\n\
         ## Misses, and why\n\n{misses}"
    )
}
