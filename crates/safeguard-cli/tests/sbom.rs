//! `safeguard sbom` and `safeguard sbom merge` end to end.

mod common;

use std::path::Path;

use common::{code, safeguard, stderr, stdout, write};
use serde_json::Value;

const SERDE_SUM: &str = "b50f7e2b5ed4d5ba4cd8e6a5e0b1b0eb6bbb2bfe6f2e6c1c3e6f0a1b2c3d4e5f";

/// A repository with lockfiles of three ecosystems, one broken lockfile and one manifest
/// without a lockfile.
fn mixed_repo(parent: &Path) -> std::path::PathBuf {
    let root = parent.join("mixed");
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"mixed\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
    );
    write(
        &root,
        "Cargo.lock",
        &format!(
            "version = 4\n\n[[package]]\nname = \"mixed\"\nversion = \"0.1.0\"\ndependencies = [\n \"serde\",\n]\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{SERDE_SUM}\"\n"
        ),
    );
    write(
        &root,
        "web/package.json",
        "{\"name\":\"web\",\"version\":\"1.0.0\",\"dependencies\":{\"@types/react\":\"^18.0.0\"}}\n",
    );
    write(
        &root,
        "web/package-lock.json",
        r#"{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "web", "version": "1.0.0", "dependencies": {"@types/react": "^18.0.0"}},
    "node_modules/@types/react": {
      "version": "18.0.20",
      "resolved": "https://registry.npmjs.org/@types/react/-/react-18.0.20.tgz",
      "integrity": "sha512-MWul1teSPxujEHVwZl4a5HxQ9vVNsjTchVA+xRqv/VYGCuKGAU6UhfrTdF5aBefwD1BHUD8i/zq+O/vyCm/FrA=="
    }
  }
}
"#,
    );
    write(
        &root,
        "py/requirements.txt",
        "requests==2.32.3 \\\n    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6\n",
    );
    write(
        &root,
        "php/composer.lock",
        "{\n  \"packages\": [\n    {\"name\": \n",
    );
    write(
        &root,
        "tools/package.json",
        "{\"name\":\"tools\",\"version\":\"0.0.1\"}\n",
    );
    write(
        &root,
        "node_modules/left-pad/package-lock.json",
        "not even json",
    );
    write(
        &root,
        "vendor/lib/requirements.txt",
        "installed-not-declared==1.0\n",
    );
    root
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn purls(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn broken_lockfile_is_named_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = mixed_repo(dir.path());
    let out = dir.path().join("sbom.cdx.json");
    let o = safeguard(
        dir.path(),
        &["sbom", root.to_str().unwrap(), "-o", out.to_str().unwrap()],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error: php/composer.lock:"), "{err}");
    assert!(err.contains("1 of 4 files could not be read"), "{err}");
    assert!(err.contains("gap: tools/package.json"), "{err}");
    let doc = json(&out);
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(
        purls(&doc),
        [
            "pkg:cargo/serde@1.0.200",
            "pkg:npm/%40types/react@18.0.20",
            "pkg:pypi/requests@2.32.3",
        ]
    );
    assert_eq!(doc["metadata"]["component"]["name"], "mixed");
    assert_eq!(doc["metadata"]["timestamp"], "2026-01-01T00:00:00Z");
    let serde = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "serde")
        .unwrap();
    assert_eq!(serde["hashes"][0]["alg"], "SHA-256");
    assert_eq!(serde["hashes"][0]["content"], SERDE_SUM);
}

#[test]
fn json_inventory_lists_gaps_files_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = mixed_repo(dir.path());
    let o = safeguard(&root, &["sbom", "--format", "json"]);
    assert_eq!(code(&o), 2);
    let inv: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let gaps: Vec<&str> = inv["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["manifest"].as_str().unwrap())
        .collect();
    assert_eq!(gaps, ["tools/package.json"]);
    let files: Vec<&str> = inv["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "Cargo.lock",
            "php/composer.lock",
            "py/requirements.txt",
            "web/package-lock.json"
        ]
    );
    assert_eq!(inv["errors"][0]["file"], "php/composer.lock");
    assert!(inv["errors"][0]["line"].as_u64().unwrap() >= 3);
}

#[test]
fn output_is_deterministic_and_spdx_has_whole_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let root = mixed_repo(dir.path());
    std::fs::remove_file(root.join("php/composer.lock")).unwrap();
    for format in ["cyclonedx-json", "spdx-json"] {
        let a = safeguard(&root, &["sbom", "--format", format]);
        let b = safeguard(&root, &["sbom", "--format", format]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(stdout(&a), stdout(&b), "{format} differs between runs");
    }
    let o = safeguard(&root, &["sbom", "--format", "spdx-json"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["creationInfo"]["created"], "2026-01-01T00:00:00Z");
    for v in ["1.5", "1.7"] {
        let o = safeguard(&root, &["sbom", "--spec-version", v]);
        let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(doc["specVersion"], v);
    }
}

#[test]
fn merge_unions_components_and_reports_bad_documents() {
    let dir = tempfile::tempdir().unwrap();
    let root = mixed_repo(dir.path());
    std::fs::remove_file(root.join("php/composer.lock")).unwrap();
    std::fs::remove_file(root.join("web/package-lock.json")).unwrap();
    let a = dir.path().join("a.cdx.json");
    let o = safeguard(&root, &["sbom", "-o", a.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::remove_file(root.join("Cargo.lock")).unwrap();
    write(
        &root,
        "web/package-lock.json",
        r#"{"lockfileVersion": 3, "packages": {"": {}, "node_modules/wrappy": {"version": "1.0.2"}}}"#,
    );
    let b = dir.path().join("b.spdx.json");
    let o = safeguard(
        &root,
        &["sbom", "--format", "spdx-json", "-o", b.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"bomFormat\": \"CycloneDX\", \"components\": 7}").unwrap();

    let merged = dir.path().join("merged.cdx.json");
    let o = safeguard(
        dir.path(),
        &[
            "sbom",
            "merge",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--name",
            "Acme Suite",
            "-o",
            merged.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.json"), "{}", stderr(&o));
    let doc = json(&merged);
    assert_eq!(doc["metadata"]["component"]["name"], "Acme Suite");
    assert_eq!(
        purls(&doc),
        [
            "pkg:cargo/serde@1.0.200",
            "pkg:npm/wrappy@1.0.2",
            "pkg:pypi/requests@2.32.3",
        ]
    );
}

#[test]
fn not_a_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = safeguard(dir.path(), &["sbom", "does-not-exist"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("does-not-exist: not a directory"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn assess_takes_a_suppliers_sbom() {
    let dir = tempfile::tempdir().unwrap();
    let root = mixed_repo(dir.path());
    std::fs::remove_file(root.join("php/composer.lock")).unwrap();
    let supplier = dir.path().join("vendor-lib.cdx.json");
    std::fs::write(
        &supplier,
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "components": [{"type": "library", "name": "zlib", "version": "1.3.1",
                            "purl": "pkg:generic/zlib@1.3.1"}]}"#,
    )
    .unwrap();
    let out = dir.path().join("report");
    let o = safeguard(
        dir.path(),
        &[
            "assess",
            root.to_str().unwrap(),
            "--no-record",
            "--out",
            out.to_str().unwrap(),
            "--sbom",
            supplier.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&out.join("sbom.cdx.json"));
    assert!(purls(&doc).contains(&"pkg:generic/zlib@1.3.1".to_string()));
    assert!(purls(&doc).contains(&"pkg:cargo/serde@1.0.200".to_string()));
    // assess walks more than `sbom` does, but reads lockfiles from the same places.
    assert!(
        !purls(&doc)
            .iter()
            .any(|p| p.contains("installed-not-declared")),
        "{:?}",
        purls(&doc)
    );

    std::fs::write(
        &supplier,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n \"components\": {}}",
    )
    .unwrap();
    let o = safeguard(
        dir.path(),
        &[
            "assess",
            root.to_str().unwrap(),
            "--no-record",
            "--out",
            out.to_str().unwrap(),
            "--sbom",
            supplier.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("vendor-lib.cdx.json:2"),
        "{}",
        stderr(&o)
    );
}
