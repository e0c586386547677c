//! Fixture repositories and a runner for the `safeguard` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const EPOCH: &str = "1767225600"; // 2026-01-01T00:00:00Z

/// Run `git` in `dir` with a fixed identity and dates, isolated from the user's config.
pub fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Dev")
        .env("GIT_AUTHOR_EMAIL", "ada@acme.example")
        .env("GIT_COMMITTER_NAME", "Ada Dev")
        .env("GIT_COMMITTER_EMAIL", "ada@acme.example")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub const TRAINING_PDF: &str = "%PDF-1.4 secure development training record 2025\n";
/// sha256 of TRAINING_PDF.
pub fn training_sha() -> String {
    safeguard_model::sha256_bytes(TRAINING_PDF.as_bytes())
}

/// A small but complete product repository, with two commits: the second changes an
/// architecture file after the threat model was written.
pub fn acme_repo(parent: &Path) -> PathBuf {
    let root = parent.join("acme-server");
    std::fs::create_dir_all(&root).unwrap();
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"acme-server\"\nversion = \"4.2.0\"\nedition = \"2021\"\n\n[dependencies]\nitoa = \"1\"\n",
    );
    write(
        &root,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"acme-server\"\nversion = \"4.2.0\"\ndependencies = [\n \"itoa\",\n]\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b\"\n",
    );
    write(
        &root,
        "src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 { a + b }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() { assert_eq!(super::add(1, 2), 3); }\n}\n",
    );
    write(&root, "tests/smoke.rs", "#[test]\nfn smoke() {}\n");
    write(
        &root,
        ".gitignore",
        "/target\n/safeguard-report\n/.safeguard\n",
    );
    write(
        &root,
        ".github/workflows/ci.yml",
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test --locked\n",
    );
    write(
        &root,
        "SECURITY.md",
        "# Security policy\n\n## Supported Versions\n\nOnly the latest 4.x release is supported.\n\n## Reporting a vulnerability\n\nPlease do not open a public issue. Report vulnerabilities privately to security@acme.example.\nWe acknowledge reports within 5 working days.\n",
    );
    write(
        &root,
        "docs/threat-model.md",
        "# Threat model\n\nSTRIDE analysis of the API surface.\n",
    );
    write(&root, "docs/policies/training.pdf", TRAINING_PDF);
    write(
        &root,
        "safeguard.toml",
        &format!(
            r#"[vendor]
name = "Acme Software Ltd"
role = "developer-and-distributor"

[sro]
name = "Grace Hopper"
role = "Chief Technology Officer"

[[product_lines]]
id = "acme-enterprise"
name = "Acme Enterprise"

[[products]]
id = "acme-server"
name = "Acme Server"
line = "acme-enterprise"
version = "4.2.0"

[[manual_evidence]]
id = "sdl-training"
title = "Secure development training records 2025"
document = "docs/policies/training.pdf"
sha256 = "{}"
owner = "Head of Engineering"
reviewed = 2025-10-01
expires = 2026-10-01
claims = ["1.1.2"]

[[manual_evidence]]
id = "build-access-review"
title = "Build environment access review Q2"
document = "https://intranet.acme.example/reviews/build-access-q2"
sha256 = "{}"
owner = "Platform lead"
reviewed = 2025-06-30
expires = 2025-12-31
claims = ["2.1.6"]

[[manual_evidence]]
id = "incident-plan"
title = "Incident support plan"
document = "https://acme.example/security/incident-plan"
owner = "CISO"
reviewed = 2025-09-01
expires = 2026-09-01
claims = ["4.3.1"]
"#,
            training_sha(),
            "0".repeat(64)
        ),
    );
    git(&root, &["init", "-q"], "2025-01-01T09:00:00Z");
    git(&root, &["add", "-A"], "2025-01-01T09:00:00Z");
    git(
        &root,
        &["commit", "-q", "-m", "initial"],
        "2025-01-01T09:00:00Z",
    );
    write(
        &root,
        "proto/api.proto",
        "syntax = \"proto3\";\nservice Acme { rpc Get(Req) returns (Resp); }\n",
    );
    git(&root, &["add", "-A"], "2025-06-01T09:00:00Z");
    git(
        &root,
        &["commit", "-q", "-m", "add the gRPC API"],
        "2025-06-01T09:00:00Z",
    );
    root
}

/// Run the binary with a fixed clock and a clean CI environment.
pub fn safeguard(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .current_dir(cwd)
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GITHUB_RUN_ID")
        .env_remove("CI_JOB_URL")
        .env_remove("BUILD_URL")
        .env_remove("SAFEGUARD_LOG")
        // Never the user's own vulnerability database: tests that need one pass --db.
        .env("SAFEGUARD_DB", "/nonexistent/safeguard-test/osv.db")
        .output()
        .expect("run safeguard")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}
