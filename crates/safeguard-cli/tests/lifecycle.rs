//! `safeguard lifecycle check` and `safeguard lifecycle notice`.

mod common;

use std::path::{Path, PathBuf};

use common::{safeguard, write};

const CONFIG: &str = r#"
[vendor]
name = "Acme Software Ltd"

[lifecycle]
update_policy = "docs/updates.md"
user_docs = ["docs/secure-use.md"]

[[lifecycle.versions]]
product = "acme-server"
version = "4.2"
general_availability = 2025-01-15
end_of_security_support = 2027-01-15
end_of_life = 2027-07-15
notice_published = 2025-12-01
shipped = true

[[lifecycle.versions]]
product = "acme-server"
version = "5.0"
general_availability = 2026-02-01
end_of_security_support = "2028-02-01T09:00:00+01:00"

[[lifecycle.versions]]
product = "acme-server"
version = "3.9"
general_availability = 2023-03-01
end_of_security_support = 2026-03-01
shipped = false
"#;

fn repo(dir: &Path) -> PathBuf {
    let root = dir.join("repo");
    write(&root, "safeguard.toml", CONFIG);
    write(
        &root,
        "docs/updates.md",
        "# Updates\n\nA security update ships monthly; apply it with the package manager.\n",
    );
    write(
        &root,
        "docs/secure-use.md",
        "# Secure use\n\nKeep TLS on. Upgrade within a week of each release.\n",
    );
    root
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = safeguard(root, args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Compare with the golden copy; `UPDATE_GOLDEN=1` rewrites it instead.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lifecycle")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(
        actual,
        want,
        "{} differs (run with UPDATE_GOLDEN=1 to accept)",
        path.display()
    );
}

#[test]
fn check_flags_a_notice_due_now() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    let (code, out, err) = run(&root, &["lifecycle", "check", "--now", "2026-01-10"]);
    // 3.9 ended 2026-03-01 with no notice and is within 12 months: due now.
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("notice-due"), "{out}");
    assert!(out.contains("acme-server 3.9"), "{out}");
    assert!(out.contains("3 versions, "), "{out}");

    let (code, out, err) = run(
        &root,
        &[
            "lifecycle",
            "check",
            "--now",
            "2026-01-10",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["now"], "2026-01-10T00:00:00Z");
    let failed: Vec<(String, String, String)> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| {
            (
                c["claim"].as_str().unwrap().to_string(),
                c["check"].as_str().unwrap().to_string(),
                c["subject"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [(
            "4.2.1".to_string(),
            "notice-due".to_string(),
            "acme-server 3.9".to_string()
        )]
    );
    assert_eq!(v["versions"][1]["phase"], "pre-release");
    assert_eq!(v["versions"][0]["notice_deadline"], "2026-01-15");
}

#[test]
fn check_flags_shipped_after_end_and_passes_when_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    // 4.2 ended 2027-01-15 and is still shipped.
    let (code, out, _) = run(
        &root,
        &[
            "lifecycle",
            "check",
            "--now",
            "2027-02-01T00:00:00+14:00",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // +14:00 is 2027-01-31T10:00Z.
    assert_eq!(v["now"], "2027-01-31T10:00:00Z");
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "shipped-after-end"
                && c["subject"] == "acme-server 4.2"
                && c["status"] == "fail"),
        "{out}"
    );

    // Record the 3.9 notice and stop shipping 4.2: everything passes.
    let fixed = CONFIG.replace("shipped = true", "shipped = false").replace(
        "end_of_security_support = 2026-03-01\n",
        "end_of_security_support = 2026-03-01\nnotice_published = 2025-03-01\n",
    );
    write(&root, "safeguard.toml", &fixed);
    let (code, out, err) = run(&root, &["lifecycle", "check", "--now", "2027-02-01"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn bad_input_exits_2_with_a_place() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    write(
        &root,
        "safeguard.toml",
        "[lifecycle]\n[[lifecycle.versions]]\nproduct = \"acme-server\"\nversion = \"1.0\"\ngeneral_availability = 2026-01-01\nend_of_life = 2025-01-01\n",
    );
    let (code, _, err) = run(&root, &["lifecycle", "check"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "acme-server 1.0: end_of_life (2025-01-01) is before general_availability (2026-01-01)"
        ),
        "{err}"
    );
    write(
        &root,
        "safeguard.toml",
        "[lifecycle]\nfile = \"eox.json\"\n",
    );
    write(
        &root,
        "eox.json",
        "{\"statements\": [\n  {\"product_version\": 1}\n]}\n",
    );
    let (code, _, err) = run(&root, &["lifecycle", "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("eox.json"), "{err}");
    assert!(
        err.contains("`product_version` must be a non-empty string"),
        "{err}"
    );

    write(
        &root,
        "safeguard.toml",
        "[lifecycle]\n[[lifecycle.versions]]\nversion = \"1\"\nend_of_life = 2025-02-30\n",
    );
    let (code, _, err) = run(&root, &["lifecycle", "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("safeguard.toml:4:"), "{err}");

    let (code, _, err) = run(&root, &["lifecycle", "check", "--now", "yesterday"]);
    assert_eq!(code, 2);
    assert!(err.contains("--now"), "{err}");
}

#[test]
fn notice_markdown_and_text_goldens() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo(tmp.path());
    let (code, md, err) = run(
        &root,
        &[
            "lifecycle",
            "notice",
            "4.2",
            "--contact",
            "security@acme.example",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("Upgrade to acme-server 5.0"), "{md}");
    golden("notice-4.2.md", &md);

    let (code, text, err) = run(
        &root,
        &[
            "lifecycle",
            "notice",
            "4.2",
            "--product",
            "acme-server",
            "--format",
            "text",
            "--contact",
            "security@acme.example",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!text.contains("**"), "{text}");
    golden("notice-4.2.txt", &text);

    let (code, _, err) = run(&root, &["lifecycle", "notice", "9.9"]);
    assert_eq!(code, 2);
    assert!(err.contains("no version `9.9`"), "{err}");
}

/// The SBOM of a product whose version `[lifecycle]` lists carries that version's dates on
/// `metadata.component`; another version's SBOM carries none.
#[test]
fn sbom_carries_the_product_versions_lifecycle_dates() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo(dir.path());
    let with_product = |version: &str| {
        format!(
            "[[products]]\nid = \"acme-server\"\nname = \"Acme Server\"\nversion = \"{version}\"\n{CONFIG}"
        )
    };
    write(&root, "safeguard.toml", &with_product("4.2"));
    write(
        &root,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    let props = |root: &Path| {
        let (code, out, err) = run(root, &["sbom", "--format", "cyclonedx-json"]);
        assert_eq!(code, 0, "{err}");
        lifecycle_props(&serde_json::from_str(&out).unwrap())
    };
    // `assess` writes the same dates into the SBOM of its report folder.
    let report = dir.path().join("report");
    let (code, _, err) = run(
        &root,
        &[
            "assess",
            ".",
            "--no-record",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    assert!(code == 0 || code == 1, "{err}");
    let assessed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.join("sbom.cdx.json")).unwrap()).unwrap();
    assert_eq!(lifecycle_props(&assessed), props(&root));
    assert_eq!(
        props(&root),
        vec![
            (
                "safeguard:lifecycle:general_availability".to_string(),
                "2025-01-15".to_string()
            ),
            (
                "safeguard:lifecycle:end_of_security_support".to_string(),
                "2027-01-15".to_string()
            ),
            (
                "safeguard:lifecycle:end_of_life".to_string(),
                "2027-07-15".to_string()
            ),
        ]
    );
    write(&root, "safeguard.toml", &with_product("9.9"));
    assert_eq!(props(&root), vec![]);
}

fn lifecycle_props(bom: &serde_json::Value) -> Vec<(String, String)> {
    assert_eq!(bom["metadata"]["lifecycles"][0]["phase"], "build");
    bom["metadata"]["component"]["properties"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap().to_string(),
                        p["value"].as_str().unwrap().to_string(),
                    )
                })
                .filter(|(n, _)| n.contains("lifecycle"))
                .collect()
        })
        .unwrap_or_default()
}
