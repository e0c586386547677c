//! CI audits over fixture repositories under `tests/fixtures/ci/<audit>/{positive,negative}`.

use std::path::{Path, PathBuf};

use safeguard_source::ci_audit::{
    Confidence, Finding, Report, Severity, Step, audit_catalogue, audit_file, audit_tree, sarif,
};
use serde_json::Value;

use Confidence::{High as CH, Low as CL, Medium as CM};
use Severity::{High, Info, Low, Medium};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ci")
        .join(rel)
}

/// Every file under `root`, repository-relative with `/` separators, sorted.
fn list(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    out
}

fn audit(rel: &str) -> Report {
    let root = fixture(rel);
    let files = list(&root);
    assert!(!files.is_empty(), "fixture {rel} is empty");
    audit_tree(&root, &files)
}

/// The findings of one audit: (file, line, column, severity, confidence).
fn hits(report: &Report, id: &str) -> Vec<(String, u32, u32, Severity, Confidence)> {
    report
        .findings
        .iter()
        .filter(|f| f.audit == id)
        .map(|f| (f.file.clone(), f.line, f.column, f.severity, f.confidence))
        .collect()
}

fn h(
    file: &str,
    line: u32,
    column: u32,
    s: Severity,
    c: Confidence,
) -> (String, u32, u32, Severity, Confidence) {
    (file.to_string(), line, column, s, c)
}

fn message<'a>(report: &'a Report, id: &str, file: &str, line: u32) -> &'a Finding {
    report
        .findings
        .iter()
        .find(|f| f.audit == id && f.file == file && f.line == line)
        .unwrap_or_else(|| panic!("no {id} finding at {file}:{line}: {:#?}", report.findings))
}

/// A negative fixture: audited cleanly, and the audit says nothing.
fn assert_silent(id: &str) {
    let r = audit(&format!("{id}/negative"));
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert!(!r.files.is_empty() || id == "no-dependency-updates");
    let got = hits(&r, id);
    assert!(
        got.is_empty(),
        "{id} fired on its negative fixture: {got:#?}"
    );
}

const W: &str = ".github/workflows/";

fn wf(name: &str) -> String {
    format!("{W}{name}")
}

#[test]
fn catalogue_lists_every_audit_once() {
    let ids: Vec<&str> = audit_catalogue().iter().map(|(id, _, _)| *id).collect();
    assert_eq!(
        ids,
        [
            "unpinned-uses",
            "excessive-permissions",
            "dangerous-triggers",
            "template-injection",
            "secrets-inherit",
            "self-hosted-runner",
            "curl-pipe-shell",
            "persist-credentials",
            "cache-in-release",
            "release-unsigned",
            "no-dependency-updates",
            "missing-security-checks",
        ]
    );
    for (id, _, description) in audit_catalogue() {
        assert!(description.len() > 40, "{id}: {description}");
    }
}

#[test]
fn unpinned_uses_positive() {
    let r = audit("unpinned-uses/positive");
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert_eq!(
        r.files,
        [
            ".github/actions/local/action.yml",
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "ci/build.yml"
        ]
    );
    let ci = wf("ci.yml");
    assert_eq!(
        hits(&r, "unpinned-uses"),
        [
            h(".github/actions/local/action.yml", 5, 10, Medium, CH),
            h(&ci, 8, 16, Low, CH),
            h(&ci, 10, 15, Low, CH),
            h(&ci, 13, 15, High, CH),
            h(&ci, 14, 15, Medium, CH),
            h(&ci, 15, 15, Low, CH),
            h(&ci, 19, 11, Medium, CH),
            h(".gitlab-ci.yml", 1, 8, Medium, CH),
            h(".gitlab-ci.yml", 3, 14, High, CH),
            h(".gitlab-ci.yml", 6, 10, Medium, CH),
            h(".gitlab-ci.yml", 8, 13, Medium, CH),
            h(".gitlab-ci.yml", 13, 7, Low, CH),
            h(".gitlab-ci.yml", 14, 13, Medium, CH),
        ]
    );
    let m = message(&r, "unpinned-uses", &ci, 13);
    assert_eq!(
        m.message,
        "action `some-org/setup-thing` follows the branch `main`: every push to it changes what \
         runs here"
    );
    assert!(m.fix.contains("40-character commit SHA"));
    assert!(
        message(&r, "unpinned-uses", &ci, 19)
            .message
            .starts_with("reusable workflow `org/workflows/.github/workflows/release.yml`")
    );
    assert_eq!(
        message(&r, "unpinned-uses", &ci, 8).message,
        "container of job `build` `node:20` is not pinned to an @sha256 digest: the tag `20` \
         can be moved by the publisher"
    );
    assert_eq!(
        message(&r, "unpinned-uses", ".gitlab-ci.yml", 14).message,
        "service of job `build` `redis` is not pinned to an @sha256 digest: it has no tag, so \
         it means `latest`"
    );
    assert!(
        message(&r, "unpinned-uses", ".gitlab-ci.yml", 3)
            .message
            .contains("`group/templates` has no `ref:`")
    );
}

#[test]
fn unpinned_uses_negative() {
    assert_silent("unpinned-uses");
}

#[test]
fn excessive_permissions_positive() {
    let r = audit("excessive-permissions/positive");
    assert_eq!(
        hits(&r, "excessive-permissions"),
        [
            h(&wf("a.yml"), 3, 3, Medium, CM),
            h(&wf("b.yml"), 3, 3, Medium, CM),
            h(&wf("b.yml"), 4, 3, Medium, CM),
            h(&wf("b.yml"), 13, 18, High, CH),
            h(&wf("c.yml"), 2, 14, High, CH),
        ]
    );
    assert_eq!(
        message(&r, "excessive-permissions", &wf("b.yml"), 3).message,
        "workflow-level `contents: write` applies to all 2 jobs without their own permissions \
         (`one`, `three`)"
    );
    assert!(
        message(&r, "excessive-permissions", &wf("a.yml"), 3)
            .message
            .starts_with("job `build` has no `permissions:`")
    );
}

#[test]
fn excessive_permissions_negative() {
    assert_silent("excessive-permissions");
}

#[test]
fn dangerous_triggers_positive() {
    let r = audit("dangerous-triggers/positive");
    assert_eq!(
        hits(&r, "dangerous-triggers"),
        [
            h(&wf("note.yml"), 1, 5, Low, CM),
            h(&wf("pwn.yml"), 12, 16, High, CM),
            h(&wf("wr.yml"), 12, 11, High, CM),
        ]
    );
    let m = message(&r, "dangerous-triggers", &wf("pwn.yml"), 12);
    assert!(
        m.message.starts_with(
            "step 1 of job `test` runs on `pull_request_target` and checks out \
             `ref: ${{ github.event.pull_request.head.sha }}`"
        ),
        "{}",
        m.message
    );
}

#[test]
fn dangerous_triggers_negative() {
    assert_silent("dangerous-triggers");
}

#[test]
fn template_injection_positive() {
    let r = audit("template-injection/positive");
    let action = ".github/actions/comment/action.yml";
    let t = wf("triage.yml");
    assert_eq!(
        hits(&r, "template-injection"),
        [
            h(action, 10, 18, Medium, CL),
            h(action, 10, 39, High, CH),
            h(&t, 17, 17, High, CH),
            h(&t, 18, 19, Medium, CL),
            h(&t, 22, 27, High, CH),
            h(&t, 25, 20, Low, CL),
        ]
    );
    let m = message(&r, "template-injection", &t, 17);
    assert_eq!(
        m.message,
        "`${{ github.event.issue.title }}` in `run:` of step \"Greet\" of job `triage` is \
         expanded into code; it carries attacker-controllable `github.event.issue.title`"
    );
    assert!(m.fix.contains("env:"));
    assert!(
        message(&r, "template-injection", &t, 22)
            .message
            .contains("github-script `script:`")
    );
}

#[test]
fn template_injection_negative() {
    assert_silent("template-injection");
}

#[test]
fn secrets_inherit_positive() {
    let r = audit("secrets-inherit/positive");
    assert_eq!(
        hits(&r, "secrets-inherit"),
        [h(&wf("call.yml"), 6, 14, Medium, CH)]
    );
    assert!(
        message(&r, "secrets-inherit", &wf("call.yml"), 6)
            .message
            .starts_with("job `call` calls `org/repo/.github/workflows/deploy.yml@")
    );
}

#[test]
fn secrets_inherit_negative() {
    assert_silent("secrets-inherit");
}

#[test]
fn self_hosted_runner_positive() {
    let r = audit("self-hosted-runner/positive");
    assert_eq!(
        hits(&r, "self-hosted-runner"),
        [
            h(&wf("build.yml"), 5, 15, High, CH),
            h(&wf("build.yml"), 11, 29, High, CL),
            h(&wf("nightly.yml"), 8, 14, Low, CL),
        ]
    );
    assert_eq!(
        message(&r, "self-hosted-runner", &wf("build.yml"), 5).message,
        "job `build` runs on a self-hosted runner and the workflow runs on `pull_request`"
    );
    // Each matrix value is a label set of its own: only `my-gpu-box` is flagged.
    assert_eq!(
        message(&r, "self-hosted-runner", &wf("build.yml"), 11).message,
        "job `matrix` runs on runner labels `my-gpu-box` that no GitHub-hosted runner has and \
         the workflow runs on `pull_request`"
    );
}

#[test]
fn self_hosted_runner_negative() {
    assert_silent("self-hosted-runner");
}

#[test]
fn curl_pipe_shell_positive() {
    let r = audit("curl-pipe-shell/positive");
    assert_eq!(
        hits(&r, "curl-pipe-shell"),
        [
            h(&wf("setup.yml"), 9, 11, Medium, CH),
            h(&wf("setup.yml"), 10, 14, Medium, CH),
            h(".gitlab-ci.yml", 3, 7, Medium, CH),
        ]
    );
    assert_eq!(
        message(&r, "curl-pipe-shell", &wf("setup.yml"), 9).message,
        "step 1 of job `setup` runs downloaded code without checking it: `curl … | bash`"
    );
    assert_eq!(
        message(&r, "curl-pipe-shell", ".gitlab-ci.yml", 3).message,
        "job `job` runs downloaded code without checking it: `wget … | sh`"
    );
}

#[test]
fn curl_pipe_shell_negative() {
    assert_silent("curl-pipe-shell");
}

#[test]
fn persist_credentials_positive() {
    let r = audit("persist-credentials/positive");
    assert_eq!(
        hits(&r, "persist-credentials"),
        [
            h(&wf("ci.yml"), 7, 15, Medium, CH),
            h(&wf("ci.yml"), 14, 15, Low, CH),
        ]
    );
    assert!(
        message(&r, "persist-credentials", &wf("ci.yml"), 7)
            .message
            .ends_with("the same job uploads an artifact, which may include it")
    );
}

#[test]
fn persist_credentials_negative() {
    assert_silent("persist-credentials");
}

#[test]
fn cache_in_release_positive() {
    let r = audit("cache-in-release/positive");
    assert_eq!(
        hits(&r, "cache-in-release"),
        [
            h(&wf("release.yml"), 11, 15, High, CH),
            h(&wf("release.yml"), 15, 15, High, CH),
            h(".gitlab-ci.yml", 3, 5, Medium, CM),
        ]
    );
    assert_eq!(
        message(&r, "cache-in-release", &wf("release.yml"), 11).message,
        "step 1 of job `build` restores a cache (`actions/setup-node` with `cache: npm`) in a \
         release job (the workflow runs on pushed tags)"
    );
    assert_eq!(
        message(&r, "cache-in-release", ".gitlab-ci.yml", 3).message,
        "release job `publish-crate` (its name says publish) uses a cache (the global `cache:`)"
    );
}

#[test]
fn cache_in_release_negative() {
    assert_silent("cache-in-release");
}

#[test]
fn release_unsigned_positive() {
    let r = audit("release-unsigned/positive");
    assert_eq!(
        hits(&r, "release-unsigned"),
        [
            h(&wf("publish.yml"), 14, 14, Medium, CM),
            h(".gitlab-ci.yml", 4, 3, Medium, CM),
        ]
    );
    assert!(
        message(&r, "release-unsigned", &wf("publish.yml"), 14)
            .message
            .starts_with("job `crate` publishes (`cargo publish`) but nothing in the workflow")
    );
}

#[test]
fn release_unsigned_negative() {
    assert_silent("release-unsigned");
}

#[test]
fn no_dependency_updates_positive() {
    let r = audit("no-dependency-updates/positive");
    assert_eq!(
        hits(&r, "no-dependency-updates"),
        [h(".github", 1, 1, Medium, CH)]
    );
    assert!(r.posture.dependency_updates.is_empty());
}

#[test]
fn no_dependency_updates_negative() {
    assert_silent("no-dependency-updates");
    let r = audit("no-dependency-updates/negative");
    assert_eq!(
        r.posture.dependency_updates,
        ["dependabot (.github/dependabot.yml)"]
    );
}

#[test]
fn no_dependency_updates_needs_dependencies() {
    // Nothing to update: no finding.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "hello\n").unwrap();
    let r = audit_tree(dir.path(), &["README.md".to_string()]);
    assert!(hits(&r, "no-dependency-updates").is_empty());
    // Missing-security-checks still reports, placed at the root.
    assert_eq!(
        hits(&r, "missing-security-checks"),
        [
            h(".", 1, 1, Info, CM),
            h(".", 1, 1, Low, CM),
            h(".", 1, 1, Low, CM)
        ]
    );
}

#[test]
fn missing_security_checks_positive() {
    let r = audit("missing-security-checks/positive");
    let got: Vec<(String, u32, u32, Severity, String)> = r
        .findings
        .iter()
        .filter(|f| f.audit == "missing-security-checks")
        .map(|f| {
            (
                f.file.clone(),
                f.line,
                f.column,
                f.severity,
                f.message.clone(),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got.iter().all(|g| g.0 == "." && g.1 == 1 && g.2 == 1));
    let msgs: Vec<&str> = got.iter().map(|g| g.4.as_str()).collect();
    assert!(msgs.contains(&"no step runs tests in the CI configuration"));
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("no static analysis (SAST) step"))
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("no fuzzing in the CI configuration"))
    );
    let fuzz = got.iter().find(|g| g.4.starts_with("no fuzzing")).unwrap();
    assert_eq!(fuzz.3, Info);
}

#[test]
fn missing_security_checks_negative() {
    assert_silent("missing-security-checks");
    let r = audit("missing-security-checks/negative");
    let ci = wf("ci.yml");
    let step = |line: u32, what: &str| Step {
        file: ci.clone(),
        line,
        what: what.to_string(),
    };
    assert_eq!(r.posture.tests, [step(10, "cargo test")]);
    assert_eq!(
        r.posture.sast,
        [step(17, "CodeQL (github/codeql-action/analyze)")]
    );
    assert_eq!(r.posture.fuzzing, [step(21, "cargo fuzz")]);
    assert!(r.posture.signing.is_empty());
    assert!(r.posture.attestation.is_empty());
}

#[test]
fn posture_records_signing_and_attestation() {
    let r = audit("release-unsigned/negative");
    let ci = wf("publish.yml");
    let what: Vec<(String, u32, String)> = r
        .posture
        .attestation
        .iter()
        .map(|s| (s.file.clone(), s.line, s.what.clone()))
        .collect();
    assert_eq!(
        what,
        [
            (
                ci.clone(),
                18,
                "GitHub artifact attestation (actions/attest-build-provenance)".to_string()
            ),
            (ci.clone(), 24, "npm publish --provenance".to_string()),
        ]
    );
    assert_eq!(
        r.posture.signing,
        [Step {
            file: ".gitlab-ci.yml".to_string(),
            line: 3,
            what: "cosign".to_string()
        }]
    );
}

// ---------------------------------------------------------------------------------------------
// Single files, errors, hostile input
// ---------------------------------------------------------------------------------------------

#[test]
fn audit_file_sorts_and_chooses_the_kind() {
    let text = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: x/y@v1\n      - run: curl https://x | sh\n";
    let (findings, err) = audit_file("ci/anything.yml", text);
    assert!(err.is_none());
    let got: Vec<(&str, u32, u32)> = findings
        .iter()
        .map(|f| (f.audit, f.line, f.column))
        .collect();
    // Recognised as a workflow by content; sorted by (line, column, audit).
    assert_eq!(
        got,
        [
            ("excessive-permissions", 3, 3),
            ("unpinned-uses", 6, 15),
            ("curl-pipe-shell", 7, 14)
        ]
    );
    // The same text as GitLab CI: no workflow audits apply.
    let (findings, err) = audit_file(".gitlab-ci.yml", text);
    assert!(err.is_none());
    assert!(findings.is_empty(), "{findings:#?}");
    // Windows separators are normalised.
    let (findings, _) = audit_file(".github\\workflows\\a.yml", text);
    assert!(findings.iter().all(|f| f.file == ".github/workflows/a.yml"));
}

#[test]
fn invalid_yaml_names_file_line_and_column() {
    let (findings, err) = audit_file(".github/workflows/bad.yml", "on: push\njobs:\n  a: [1, 2\n");
    assert!(findings.is_empty());
    let e = err.unwrap();
    assert_eq!(e.file, ".github/workflows/bad.yml");
    assert!(e.line >= 3, "{e:?}");
    assert!(e.message.starts_with("invalid YAML"), "{e:?}");

    let (_, err) = audit_file(".github/workflows/list.yml", "- a\n- b\n");
    let e = err.unwrap();
    assert_eq!((e.line, e.column), (1, 1));
    assert_eq!(
        e.message,
        "expected a mapping at the top level of a workflow, found a sequence"
    );
    // An empty file audits as nothing.
    assert_eq!(
        audit_file(".github/workflows/empty.yml", ""),
        (Vec::new(), None)
    );
}

#[test]
fn hostile_files_are_errors_and_the_rest_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let wfdir = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wfdir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(wfdir.join(name), bytes).unwrap();

    write(
        "good.yml",
        b"on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: x/y@v1\n",
    );
    // Deep nesting (flow and block).
    write(
        "deep.yml",
        format!("a: {}{}\n", "[".repeat(400), "]".repeat(400)).as_bytes(),
    );
    let mut block = String::new();
    for i in 0..300 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    write("deep-block.yml", block.as_bytes());
    // Billion laughs.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    write("bomb.yml", bomb.as_bytes());
    // Invalid UTF-8 on line 2, column 7.
    write("latin1.yml", b"on: push\nname: caf\xe9\n");
    // A tab used for indentation.
    write("tabs.yml", b"on: push\njobs:\n\tbuild:\n\t\truns-on: x\n");
    // A 2 MiB scalar.
    let mut huge = b"on: push\nname: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    huge.push(b'\n');
    write("huge-scalar.yml", &huge);
    // A file over the 4 MiB limit.
    let mut big = b"on: push\n".to_vec();
    big.extend(std::iter::repeat_n(b'#', 5 * 1024 * 1024));
    write("big.yml", &big);

    let files: Vec<String> = [
        "good.yml",
        "deep.yml",
        "deep-block.yml",
        "bomb.yml",
        "latin1.yml",
        "tabs.yml",
        "huge-scalar.yml",
        "big.yml",
    ]
    .iter()
    .map(|n| format!(".github/workflows/{n}"))
    .collect();
    let r = audit_tree(dir.path(), &files);

    let err = |name: &str| {
        r.errors
            .iter()
            .find(|e| e.file == format!(".github/workflows/{name}"))
            .unwrap_or_else(|| panic!("no error for {name}: {:#?}", r.errors))
    };
    assert_eq!(r.errors.len(), 7, "{:#?}", r.errors);
    assert!(
        err("deep.yml")
            .message
            .contains("nested more than 256 levels"),
        "{:?}",
        err("deep.yml")
    );
    assert!(
        err("deep-block.yml").message.contains("256"),
        "{:?}",
        err("deep-block.yml")
    );
    assert!(
        err("bomb.yml").message.contains("expands to more than"),
        "{:?}",
        err("bomb.yml")
    );
    let latin = err("latin1.yml");
    assert_eq!((latin.line, latin.column), (2, 10));
    assert!(
        latin
            .message
            .contains("not valid UTF-8 (invalid byte 0xe9)")
    );
    let tabs = err("tabs.yml");
    assert_eq!(tabs.line, 3);
    assert!(tabs.message.starts_with("invalid YAML"), "{tabs:?}");
    let huge = err("huge-scalar.yml");
    assert_eq!((huge.line, huge.column), (2, 7));
    assert!(
        huge.message.contains("more than the 1024 KiB limit"),
        "{huge:?}"
    );
    let big = err("big.yml");
    assert_eq!((big.line, big.column), (1, 1));
    assert!(big.message.contains("more than the 4 MiB limit"), "{big:?}");

    // The good file was still audited.
    assert_eq!(r.files, [".github/workflows/good.yml"]);
    assert_eq!(
        hits(&r, "unpinned-uses"),
        [h(".github/workflows/good.yml", 7, 15, Medium, CH)]
    );
}

#[test]
fn reports_per_script_are_capped() {
    let mut text = String::from(
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n",
    );
    for _ in 0..100 {
        text.push_str("          echo \"${{ github.event.issue.title }}\"\n");
        text.push_str("          curl -s https://x | sh\n");
    }
    let (findings, err) = audit_file(".github/workflows/many.yml", &text);
    assert!(err.is_none());
    let count = |id: &str| findings.iter().filter(|f| f.audit == id).count();
    assert_eq!(count("template-injection"), 32);
    assert_eq!(count("curl-pipe-shell"), 32);
    // The first ones are reported, each at its own line.
    let lines: Vec<u32> = findings
        .iter()
        .filter(|f| f.audit == "template-injection")
        .map(|f| f.line)
        .take(3)
        .collect();
    assert_eq!(lines, [8, 10, 12]);
}

#[test]
fn gitlab_missing_include_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitlab-ci.yml"),
        "include:\n  - local: /ci/missing.yml\nbuild:\n  script: [make]\n",
    )
    .unwrap();
    let r = audit_tree(dir.path(), &[".gitlab-ci.yml".to_string()]);
    assert_eq!(r.files, [".gitlab-ci.yml"]);
    assert_eq!(r.errors.len(), 1);
    let e = &r.errors[0];
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        (".gitlab-ci.yml", 2, 12)
    );
    assert_eq!(
        e.message,
        "included file `ci/missing.yml` is not in the tree, so it was not audited"
    );
}

#[test]
fn gitlab_component_header_and_globbed_includes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("ci/jobs")).unwrap();
    std::fs::write(
        root.join(".gitlab-ci.yml"),
        "spec:\n  inputs:\n    stage:\n      default: test\n---\ninclude:\n  - local: '/ci/**.yml'\nbuild:\n  image: alpine\n  script: [make]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("ci/a.yml"),
        "a:\n  image: node:20\n  script: [x]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("ci/jobs/b.yml"),
        "b:\n  script:\n    - curl https://x | sh\n",
    )
    .unwrap();
    std::fs::write(root.join("ci/notes.txt"), "not yaml\n").unwrap();
    let files: Vec<String> = [
        ".gitlab-ci.yml",
        "ci/a.yml",
        "ci/jobs/b.yml",
        "ci/notes.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let r = audit_tree(root, &files);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert_eq!(r.files, [".gitlab-ci.yml", "ci/a.yml", "ci/jobs/b.yml"]);
    let got: Vec<(&str, &str, u32, u32)> = r
        .findings
        .iter()
        .filter(|f| f.audit == "unpinned-uses" || f.audit == "curl-pipe-shell")
        .map(|f| (f.audit, f.file.as_str(), f.line, f.column))
        .collect();
    // The configuration is the document after the `spec:` header.
    assert_eq!(
        got,
        [
            ("unpinned-uses", ".gitlab-ci.yml", 9, 10),
            ("unpinned-uses", "ci/a.yml", 2, 10),
            ("curl-pipe-shell", "ci/jobs/b.yml", 3, 7),
        ]
    );
}

#[test]
fn aliases_and_merge_keys_reach_every_job() {
    let text = "\
.defaults: &defaults
  image: node:20
  script:
    - curl -s https://x | bash
job-a:
  <<: *defaults
job-b:
  <<: *defaults
";
    let (findings, err) = audit_file(".gitlab-ci.yml", text);
    assert!(err.is_none());
    let got: Vec<(&str, u32, u32)> = findings
        .iter()
        .map(|f| (f.audit, f.line, f.column))
        .collect();
    // Each job reaches the template's nodes; each finding names its job, at the same place.
    assert_eq!(
        got,
        [
            ("unpinned-uses", 2, 10),
            ("unpinned-uses", 2, 10),
            ("unpinned-uses", 2, 10),
            ("curl-pipe-shell", 4, 7),
            ("curl-pipe-shell", 4, 7),
            ("curl-pipe-shell", 4, 7),
        ]
    );
    assert!(findings[0].message.contains("`.defaults`"));
    assert!(findings[2].message.contains("`job-b`"));
}

// ---------------------------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------------------------

fn sarif_errors(doc: &Value) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/sarif/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (test data lives in ../shared)"));
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn report_with_errors() -> Report {
    let mut r = audit("unpinned-uses/positive");
    let other = audit("template-injection/positive");
    r.findings.extend(other.findings);
    r.errors.push(safeguard_source::ci_audit::FileError {
        file: ".github/workflows/odd name.yml".to_string(),
        line: 3,
        column: 4,
        message: "invalid YAML: something".to_string(),
    });
    r
}

#[test]
fn sarif_validates_against_the_schema() {
    let doc = sarif(&report_with_errors(), "1.2.3");
    let errors = sarif_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}");
    let empty = sarif(&Report::default(), "1.2.3");
    assert!(sarif_errors(&empty).is_empty());
    assert_eq!(empty["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn the_sarif_schema_check_can_fail() {
    let mut doc = sarif(&report_with_errors(), "1.2.3");
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    doc["version"] = "2.0.0".into();
    let errors = sarif_errors(&doc);
    assert!(errors.len() >= 3, "{errors:#?}");
}

#[test]
fn sarif_rules_results_and_locations() {
    let r = report_with_errors();
    let doc = sarif(&r, "1.2.3");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "safeguard");
    assert_eq!(driver["version"], "1.2.3");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 12);
    assert_eq!(rules[0]["id"], "unpinned-uses");
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[4]["id"], "secrets-inherit");
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "warning");
    assert_eq!(rules[11]["id"], "missing-security-checks");
    assert_eq!(rules[11]["defaultConfiguration"]["level"], "note");
    assert!(
        rules[3]["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Expressions")
    );

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.findings.len());
    // Repository-level findings (at `.`/`.github`) sort first; take the first file finding.
    let first = results
        .iter()
        .find(|x| x["ruleId"] == "unpinned-uses")
        .unwrap();
    assert_eq!(first["ruleIndex"], 0);
    assert_eq!(first["level"], "warning");
    let loc = &first["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        ".github/actions/local/action.yml"
    );
    assert_eq!(loc["region"]["startLine"], 5);
    assert_eq!(loc["region"]["startColumn"], 10);
    assert_eq!(first["properties"]["confidence"], "high");
    assert_eq!(first["properties"]["severity"], "medium");
    assert!(
        first["properties"]["fix"]
            .as_str()
            .unwrap()
            .starts_with("Pin the image by digest")
    );
    let ti = results
        .iter()
        .find(|x| x["ruleId"] == "template-injection")
        .unwrap();
    assert_eq!(ti["ruleIndex"], 3);

    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".github/workflows/odd%20name.yml"
    );
    // Deterministic.
    assert_eq!(doc, sarif(&r, "1.2.3"));
    assert_eq!(
        serde_json::to_string(&doc).unwrap(),
        serde_json::to_string(&sarif(&r, "1.2.3")).unwrap()
    );
}

#[test]
fn report_serialises_in_snake_case() {
    let r = audit("curl-pipe-shell/positive");
    let v = serde_json::to_value(&r).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["audit"] == "curl-pipe-shell")
        .unwrap();
    assert_eq!(f["severity"], "medium");
    assert_eq!(f["confidence"], "high");
    assert_eq!(f["file"], ".github/workflows/setup.yml");
    assert!(v["posture"]["dependency_updates"].is_array());
    assert!(v["posture"]["attestation"].is_array());
}

#[test]
fn posture_records_dependency_installs() {
    let r = audit("installs");
    let ci = wf("ci.yml");
    let got: Vec<(String, u32, String)> = r
        .posture
        .installs
        .iter()
        .map(|s| (s.file.clone(), s.line, s.what.clone()))
        .collect();
    let s = |f: &str, l: u32, w: &str| (f.to_string(), l, w.to_string());
    assert_eq!(
        got,
        [
            s(&ci, 12, "npm ci verified"),
            s(&ci, 14, "npm install unverified"),
            s(&ci, 19, "pip install --require-hashes verified"),
            s(&ci, 20, "pip install -r py/hashed.txt verified"),
            s(&ci, 21, "pip install -r py/plain.txt unverified"),
            // A requirements file outside the tree is never read.
            s(&ci, 22, "pip install -r ../outside.txt unverified"),
            s(&ci, 26, "cargo test --locked verified"),
            s(
                ".gitlab-ci.yml",
                3,
                "yarn install --frozen-lockfile verified"
            ),
            s(".gitlab-ci.yml", 4, "bundle install unverified"),
        ]
    );
    // The evidence carries them as `path:line what`.
    let facts = safeguard_source::pipeline::ci_facts(&r);
    assert_eq!(
        facts.installs.first().map(String::as_str),
        Some(".github/workflows/ci.yml:12 npm ci verified")
    );
    assert_eq!(facts.installs.len(), 9);
}
