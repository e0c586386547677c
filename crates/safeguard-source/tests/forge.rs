//! Forge evidence: commit-message review signals, CODEOWNERS, branch protection and review
//! exports, over fixtures shaped like the forges' API responses.

use safeguard_source::forge::ForgeError;
use safeguard_source::forge::codeowners::{self, FileCategory, Flavor};
use safeguard_source::forge::message::{PrForm, PrRef, review_signals, trailers};
use safeguard_source::forge::protection::{
    self, BranchProtection, Safeguard, applies_to, read_protection, read_protection_set,
};
use safeguard_source::forge::reviews::read_reviews;
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/forge/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

/// The fixture with `f` applied to its JSON.
fn mutate(name: &str, f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&fixture(name)).unwrap();
    f(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

fn invalid(err: ForgeError) -> (String, String, String) {
    match err {
        ForgeError::Invalid {
            file,
            path,
            message,
        } => (file, path, message),
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

fn pr(forge: &'static str, number: u64, form: PrForm) -> Option<PrRef> {
    Some(PrRef {
        forge,
        number,
        form,
    })
}

// ---------------------------------------------------------------------------------------------
// Commit messages
// ---------------------------------------------------------------------------------------------

#[test]
fn github_merge_commit_needs_two_parents() {
    let msg = "Merge pull request #123 from octo-org/feature/login\n\nAdd the login page\n";
    let s = review_signals(msg, 2);
    assert_eq!(s.pr, pr("github", 123, PrForm::MergeSubject));
    assert!(s.merge_commit);
    assert!(s.has_review_evidence());
    // The same subject on an ordinary commit was not written by GitHub's merge button.
    let s = review_signals(msg, 1);
    assert_eq!(s.pr, None);
    assert!(!s.merge_commit);
    assert!(!s.has_review_evidence());
    assert_eq!(
        review_signals("Merge pull request #12x from a/b", 2).pr,
        None
    );
}

#[test]
fn github_squash_subject() {
    let msg = "Fix overflow in the header parser (#4521)\n\n\
               * bound-check the length\n* add a regression test\n\n\
               Co-authored-by: Jane Doe <jane@example.com>\n";
    let s = review_signals(msg, 1);
    assert_eq!(s.pr, pr("github", 4521, PrForm::SquashSubject));
    assert_eq!(s.co_authored_by, ["Jane Doe <jane@example.com>"]);
    assert!(s.reviewed_by.is_empty());
    assert_eq!(
        review_signals("(#7)", 1).pr,
        pr("github", 7, PrForm::SquashSubject)
    );
    assert_eq!(review_signals("Use(#12)", 1).pr, None);
    assert_eq!(review_signals("Release 1.0 (#final)", 1).pr, None);
    assert_eq!(review_signals("Fix (#12) in the middle", 1).pr, None);
    assert_eq!(
        review_signals("Fix thing (#12)\r\n", 1).pr.unwrap().number,
        12
    );
}

#[test]
fn gitlab_bitbucket_azure_references() {
    let gitlab = "Merge branch 'feature/ota' into 'main'\n\nAdd watchdog to the OTA updater\n\n\
                  Closes #12\n\nSee merge request acme/firmware!45";
    assert_eq!(
        review_signals(gitlab, 2).pr,
        pr("gitlab", 45, PrForm::MergeRequestLine)
    );
    assert_eq!(
        review_signals(
            "Squashed\n\nSee merge request group/sub.group/my-proj!9001\n",
            1
        )
        .pr
        .unwrap()
        .number,
        9001
    );
    assert_eq!(
        review_signals("x\n\nSee merge request acme/firmware!abc", 2).pr,
        None
    );

    let bitbucket = "Merged in feature/PROJ-12-login (pull request #7)\n\nLogin page\n\n\
                     Approved-by: Bob Smith\nApproved-by: Carol Jones\n";
    let s = review_signals(bitbucket, 2);
    assert_eq!(s.pr, pr("bitbucket", 7, PrForm::MergeSubject));
    assert_eq!(s.approved_by, ["Bob Smith", "Carol Jones"]);

    // Bitbucket Server / Data Center templates.
    assert_eq!(
        review_signals(
            "Merge pull request #31 in FW/firmware from feature/ota to master\n\n\
             * commit 'abc':\n  Add OTA\n",
            2
        )
        .pr,
        pr("bitbucket", 31, PrForm::MergeSubject)
    );
    assert_eq!(
        review_signals(
            "Pull request #32: Add OTA watchdog\n\nMerge in FW/firmware from feature/wd to master\n",
            2
        )
        .pr,
        pr("bitbucket", 32, PrForm::MergeSubject)
    );
    assert_eq!(
        review_signals("Pull request #32: typed by hand\n\nNo merge line.", 1).pr,
        None
    );
    assert_eq!(
        review_signals("Merge pull request #5 into the wrong words", 2).pr,
        None
    );

    // "Related work items" has spaces in its token: not a trailer.
    let azure = "Merged PR 12: Add telemetry opt-out\n\nRelated work items: #345";
    let s = review_signals(azure, 2);
    assert_eq!(s.pr, pr("azure", 12, PrForm::MergeSubject));
    assert!(s.trailers.is_empty());
    assert_eq!(review_signals("Merged PR twelve: x", 2).pr, None);
}

#[test]
fn kernel_style_trailers_with_a_note_line() {
    let msg = "x86/mm: Fix the page walk on 5-level paging\n\n\
        The walk stopped one level early when the hardware\n\
        supports 5-level paging. Reviewed-by: in prose is not a trailer.\n\n\
        Fixes: 1234567890ab (\"x86/mm: Add 5-level paging\")\n\
        Reported-by: Ann Reporter <ann@example.org>\n\
        Signed-off-by: Dev One <dev1@example.org>\n\
        [ bp: Massage commit message. ]\n\
        Reviewed-by: Rev Two <rev2@example.org>\n\
        Acked-by: Ack Three <ack3@example.org>\n\
        Tested-by: Test Four <t4@example.org>\n\
        Signed-off-by: Maintainer Five <m5@example.org>\n";
    let s = review_signals(msg, 1);
    assert_eq!(
        s.signed_off_by,
        [
            "Dev One <dev1@example.org>",
            "Maintainer Five <m5@example.org>"
        ]
    );
    assert_eq!(s.reviewed_by, ["Rev Two <rev2@example.org>"]);
    assert_eq!(s.acked_by, ["Ack Three <ack3@example.org>"]);
    assert_eq!(s.tested_by, ["Test Four <t4@example.org>"]);
    assert_eq!(s.trailers.len(), 7);
    assert_eq!(s.trailers[0].key, "Fixes");
    assert!(s.has_review_evidence());
    assert_eq!(s.pr, None);
}

#[test]
fn trailer_like_text_outside_the_last_paragraph_is_not_a_trailer() {
    let msg = "Refactor the config loader\n\n\
               Reviewed-by: nobody yet\nAcked-by: also nobody\n\n\
               The loader now reads TOML.\n";
    let s = review_signals(msg, 1);
    assert!(s.reviewed_by.is_empty());
    assert!(s.acked_by.is_empty());
    assert!(s.trailers.is_empty());
    assert!(!s.has_review_evidence());

    // A last paragraph mixing prose and one trailer, with no git-generated trailer.
    let msg = "Subject\n\nBody.\n\nReviewed-by: Someone <s@example.org>\nand more prose here\n";
    assert!(review_signals(msg, 1).reviewed_by.is_empty());

    // The title is never trailers, even without a body.
    assert!(trailers("Reviewed-by: someone").is_empty());
    assert!(trailers("Subject\nReviewed-by: A <a@example.org>").is_empty());
    assert!(trailers("").is_empty());
}

#[test]
fn quarter_rule_with_git_generated_trailers() {
    // One Signed-off-by and three prose lines: 1 × 3 ≥ 3, a trailer block.
    let ok = "Subject\n\nBody\n\np1\np2\np3\nSigned-off-by: S <s@example.org>\n";
    assert_eq!(review_signals(ok, 1).signed_off_by, ["S <s@example.org>"]);
    // Four prose lines: 3 < 4, not a block.
    let not = "Subject\n\nBody\n\np1\np2\np3\np4\nSigned-off-by: S <s@example.org>\n";
    assert!(review_signals(not, 1).signed_off_by.is_empty());
    // Two trailers among five prose lines: 2 × 3 ≥ 5, a block; the prose is not a trailer.
    let mixed = "Subject\n\nBody\n\np1\nReviewed-by: R <r@example.org>\np2\np3\np4\np5\n\
                 Signed-off-by: S <s@example.org>\n";
    let s = review_signals(mixed, 1);
    assert_eq!(s.reviewed_by, ["R <r@example.org>"]);
    assert_eq!(s.trailers.len(), 2);
    // Without a git-generated trailer the same paragraph is prose.
    let plain = mixed.replace("Signed-off-by", "Link");
    assert!(review_signals(&plain, 1).reviewed_by.is_empty());
}

#[test]
fn continuation_lines_case_and_line_endings() {
    let msg = "Subject\r\n\r\nBody\r\n\r\nReviewed-by: Very Long Name\r\n  <very.long@example.org>\r\n\
               reviewed-BY: Second <two@example.org>\r\nCO-AUTHORED-BY: Pair <pair@example.org>\r\n\
               Acked-by : Spaced <sp@example.org>\r\n\r\n\r\n";
    let s = review_signals(msg, 1);
    assert_eq!(
        s.reviewed_by,
        [
            "Very Long Name <very.long@example.org>",
            "Second <two@example.org>"
        ]
    );
    assert_eq!(s.co_authored_by, ["Pair <pair@example.org>"]);
    assert_eq!(s.acked_by, ["Spaced <sp@example.org>"]);
    assert_eq!(s.trailers[1].key, "reviewed-BY");
}

#[test]
fn gerrit_cherry_pick_and_comments() {
    let msg = "Fix the flaky test\n\nBody text.\n\n\
               Change-Id: I0123456789abcdef0123456789abcdef01234567\n\
               Reviewed-on: https://review.example.org/c/firmware/+/1234\n\
               Reviewed-by: Gerrit Reviewer <gr@example.org>\n\
               (cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n\
               Signed-off-by: Picker <p@example.org>\n\
               # Please enter the commit message for your changes.\n\n";
    let s = review_signals(msg, 1);
    assert_eq!(
        s.reviewed_on,
        ["https://review.example.org/c/firmware/+/1234"]
    );
    assert_eq!(s.reviewed_by, ["Gerrit Reviewer <gr@example.org>"]);
    assert_eq!(s.signed_off_by, ["Picker <p@example.org>"]);
    assert_eq!(
        s.trailers
            .iter()
            .map(|t| t.key.as_str())
            .collect::<Vec<_>>(),
        ["Change-Id", "Reviewed-on", "Reviewed-by", "Signed-off-by"]
    );
    // Signed-off-by alone is not review evidence.
    let s = review_signals("Subject\n\nSigned-off-by: Dev <d@example.org>", 1);
    assert_eq!(s.signed_off_by.len(), 1);
    assert!(!s.has_review_evidence());
}

// ---------------------------------------------------------------------------------------------
// CODEOWNERS
// ---------------------------------------------------------------------------------------------

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.starts_with(needle))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{needle} not in text"))
}

fn owners(co: &codeowners::CodeOwners, path: &str) -> Option<Vec<String>> {
    co.owners_of(path).map(|(o, _)| o.to_vec())
}

#[test]
fn github_codeowners_fixture() {
    let text = fixture_text("CODEOWNERS.github");
    let co = codeowners::parse(".github/CODEOWNERS", &text);
    assert_eq!(co.flavor, Flavor::GitHub);
    let team = Some(vec!["@acme-widgets/firmware-team".to_string()]);
    let rel = Some(vec!["@acme-widgets/release-eng".to_string()]);
    assert_eq!(owners(&co, "src/main.c"), team);
    assert_eq!(co.owners_of("src/main.c").unwrap().1, line_of(&text, "*  "));
    assert_eq!(owners(&co, "Makefile"), rel);
    assert_eq!(owners(&co, "lib/Makefile"), team, "/Makefile is anchored");
    assert_eq!(owners(&co, "scripts/release/sign.sh"), rel);
    assert_eq!(
        owners(&co, "deploy/Dockerfile.prod"),
        Some(vec![
            "@acme-widgets/release-eng".to_string(),
            "platform@acme-widgets.example".to_string()
        ])
    );
    assert_eq!(
        owners(&co, ".github/workflows/ci.yml"),
        Some(vec!["@acme-widgets/platform".to_string()])
    );
    assert_eq!(
        owners(&co, "docs/index.md"),
        Some(vec!["@acme-widgets/docs".to_string()])
    );
    assert_eq!(
        owners(&co, "docs/api/ref.md"),
        team,
        "docs/* is not recursive"
    );
    assert_eq!(owners(&co, "third_party/zlib/zlib.h"), None, "un-owned");
    // Skipped lines change nothing.
    assert_eq!(owners(&co, "LICENSE"), team);
    assert_eq!(owners(&co, "tools/gen.py"), team);
    assert_eq!(owners(&co, "src/a1.c"), team);
    assert_eq!(owners(&co, "#notes.txt"), team);

    let warned: Vec<u32> = co.warnings.iter().map(|w| w.line).collect();
    assert_eq!(
        warned,
        [
            line_of(&text, "!/docs/generated/"),
            line_of(&text, "/src/[ab]"),
            line_of(&text, "\\#notes.txt"),
            line_of(&text, "/tools/"),
            line_of(&text, "/LICENSE"),
        ]
    );
    assert!(co.warnings[0].message.contains("negation"));
    assert!(co.warnings[1].message.contains("character ranges"));
    assert!(co.warnings[2].message.contains("escaping"));
    assert!(co.warnings[3].message.contains("`release-eng`"));
    assert!(co.warnings[4].message.contains("inline comments"));
}

#[test]
fn pattern_semantics() {
    let gh = |rules: &str, path: &str| {
        codeowners::parse_as("CODEOWNERS", rules, Flavor::GitHub)
            .owners_of(path)
            .is_some()
    };
    let gl = |rules: &str, path: &str| {
        codeowners::parse_as("CODEOWNERS", rules, Flavor::GitLab)
            .owners_of(path)
            .is_some()
    };
    // Trailing slash: everything under a directory of that name, anywhere.
    assert!(gh("apps/ @o", "apps/x.js"));
    assert!(gh("apps/ @o", "web/apps/deep/x.js"));
    assert!(
        !gh("apps/ @o", "apps"),
        "a file named apps is not the directory"
    );
    // Leading slash anchors.
    assert!(gh("/apps/ @o", "apps/x"));
    assert!(!gh("/apps/ @o", "web/apps/x"));
    // No trailing slash: the file, or everything under a directory of that name.
    assert!(gh("/build/logs @o", "build/logs/today.txt"));
    assert!(gh("/build/logs @o", "build/logs"));
    assert!(!gh("/build/logs @o", "build/logs2"));
    // A slash in the middle anchors on GitHub; GitLab matches it at any depth.
    assert!(gh("a/b @o", "a/b/c"));
    assert!(!gh("a/b @o", "x/a/b"));
    assert!(gl("a/b @o", "x/a/b"));
    assert!(!gl("/a/b @o", "x/a/b"));
    // ** matches any number of directories, none included.
    assert!(gh("**/logs @o", "logs/a"));
    assert!(gh("**/logs @o", "deeply/nested/logs/a"));
    assert!(gh("docs/**/*.md @o", "docs/a.md"));
    assert!(gh("docs/**/*.md @o", "docs/x/y/z.md"));
    assert!(!gh("docs/**/*.md @o", "docs/x/y/z.txt"));
    // * and ? stay within one path segment.
    assert!(gh("*.js @o", "a/b/c.js"));
    assert!(!gh("/src/*.js @o", "src/sub/c.js"));
    assert!(gh("/v?.txt @o", "v1.txt"));
    assert!(!gh("/v?.txt @o", "v10.txt"));
    assert!(gh("/* @o", "README.md"));
    assert!(!gh("/* @o", "src/main.rs"));
    // Case-sensitive.
    assert!(!gh("/README.md @o", "readme.md"));
    // Paths given with ./ or a leading slash.
    assert!(gh("/src/ @o", "./src/a.rs"));
    assert!(gh("/src/ @o", "/src/a.rs"));
    // The last matching rule wins; a rule without owners un-owns.
    let co = codeowners::parse_as(
        "CODEOWNERS",
        "* @all\n/vendor/\n/vendor/keep.c @keeper\n",
        Flavor::GitHub,
    );
    assert_eq!(owners(&co, "vendor/lib.c"), None);
    assert_eq!(owners(&co, "vendor/keep.c"), Some(vec!["@keeper".into()]));
    assert_eq!(co.owners_of("vendor/keep.c").unwrap().1, 3);
    assert_eq!(owners(&co, "src/x"), Some(vec!["@all".into()]));
    // GitLab: escaped spaces, escaped #, character classes.
    assert!(gl("path\\ with\\ spaces/ @o", "path with spaces/x"));
    assert!(gl("\\#pound.txt @o", "#pound.txt"));
    assert!(gl("/[Mm]akefile @o", "makefile"));
    assert!(!gl("/[Mm]akefile @o", "Xakefile"));
}

#[test]
fn gitlab_sections_defaults_and_exclusions() {
    let text = fixture_text("CODEOWNERS.gitlab");
    let co = codeowners::parse("CODEOWNERS", &text);
    assert_eq!(
        co.flavor,
        Flavor::GitLab,
        "detected from the section headers"
    );
    let names: Vec<(&str, bool, u32)> = co
        .sections
        .iter()
        .map(|s| (s.name.as_str(), s.optional, s.approvals))
        .collect();
    assert_eq!(
        names,
        [
            ("", false, 1),
            ("Build", false, 2),
            ("Documentation", true, 1),
            ("Security", false, 1)
        ]
    );
    let per_section = |path: &str| -> Vec<(String, Vec<String>)> {
        co.section_owners(path)
            .into_iter()
            .map(|s| (s.section.to_string(), s.owners.to_vec()))
            .collect()
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        per_section("Makefile"),
        [
            ("".to_string(), s(&["@firmware"])),
            ("Build".to_string(), s(&["@release-eng", "@platform"]))
        ]
    );
    assert_eq!(
        per_section(".gitlab-ci.yml")[1],
        ("Build".to_string(), s(&["@platform"]))
    );
    assert_eq!(
        per_section(".gitlab/ci/jobs.yml")[1],
        ("Build".to_string(), s(&["@release-eng", "@platform"]))
    );
    assert_eq!(
        per_section(".gitlab/ci/experimental/x.yml").len(),
        1,
        "excluded from Build"
    );
    assert_eq!(
        per_section("docs/guide.md")[1],
        ("Documentation".to_string(), s(&["@docs-team"]))
    );
    // [build] joins [Build]; its header has no default owners.
    assert_eq!(
        per_section("build.rs")[1],
        ("Build".to_string(), s(&["@@maintainer"]))
    );
    assert_eq!(
        per_section("path with spaces/notes.txt")[1],
        ("Build".to_string(), s(&["@release-eng"]))
    );
    assert_eq!(
        per_section(".gitlab/CODEOWNERS")[1],
        ("Security".to_string(), s(&["@security"]))
    );
    assert!(co.warnings.is_empty(), "{:?}", co.warnings);

    // Optional sections give owners but do not require their approval.
    let co = codeowners::parse("CODEOWNERS", "^[Docs] @d\ndocs/\n");
    assert_eq!(owners(&co, "docs/x.md"), Some(vec!["@d".into()]));
    assert!(!co.requires_owner_approval("docs/x.md"));
    // Invalid tokens are ignored on GitLab, and an inline comment ends the owners.
    let co = codeowners::parse_as(
        ".gitlab/CODEOWNERS",
        "LICENSE @legal this_does_not_match janedoe@gitlab.com\n*.rb @ruby # the ruby team\n[X][zero]\n",
        Flavor::GitLab,
    );
    assert_eq!(
        owners(&co, "LICENSE"),
        Some(vec!["@legal".into(), "janedoe@gitlab.com".into()])
    );
    assert_eq!(owners(&co, "app/x.rb"), Some(vec!["@ruby".into()]));
    assert_eq!(co.warnings.len(), 2, "{:?}", co.warnings);
    assert_eq!(co.warnings[0].line, 1);
    assert!(co.warnings[0].message.contains("this_does_not_match"));
    assert_eq!(co.warnings[1].line, 3);
    assert_eq!(co.sections[1].approvals, 1);
}

#[test]
fn flavor_location_and_size_limit() {
    assert_eq!(
        codeowners::parse(".gitlab/CODEOWNERS", "* @a\n").flavor,
        Flavor::GitLab
    );
    assert_eq!(
        codeowners::parse("CODEOWNERS", "* @a\n").flavor,
        Flavor::GitHub
    );
    let files = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let gh = files(&[
        "CODEOWNERS",
        ".github/CODEOWNERS",
        "docs/CODEOWNERS",
        "src/x",
    ]);
    assert_eq!(
        codeowners::locate(&gh, None),
        Some((".github/CODEOWNERS", Flavor::GitHub))
    );
    let gl = files(&[".gitlab-ci.yml", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"]);
    assert_eq!(
        codeowners::locate(&gl, None),
        Some(("docs/CODEOWNERS", Flavor::GitLab))
    );
    assert_eq!(
        codeowners::locate(&gl, Some(Flavor::GitHub)),
        Some(("docs/CODEOWNERS", Flavor::GitHub))
    );
    assert_eq!(codeowners::locate(&files(&["src/CODEOWNERS"]), None), None);

    let big = format!(
        "* @a\n{}",
        "# padding\n".repeat(codeowners::GITHUB_MAX_BYTES / 10 + 1)
    );
    let co = codeowners::parse("CODEOWNERS", &big);
    assert!(co.rules.is_empty());
    assert_eq!(co.warnings.len(), 1);
    assert_eq!(co.warnings[0].line, 0);
    assert_eq!(owners(&co, "x"), None);
}

#[test]
fn classification() {
    use FileCategory::{BuildScript as B, CiConfig as C};
    let cases: &[(&str, Option<FileCategory>)] = &[
        (".github/workflows/ci.yml", Some(C)),
        (".github/actions/setup/action.yml", Some(C)),
        ("tools/action.yaml", Some(C)),
        (".gitlab-ci.yml", Some(C)),
        (".gitlab/ci/build.gitlab-ci.yml", Some(C)),
        (".circleci/config.yml", Some(C)),
        ("Jenkinsfile", Some(C)),
        ("azure-pipelines.yml", Some(C)),
        (".buildkite/pipeline.yml", Some(C)),
        (".travis.yml", Some(C)),
        ("bitbucket-pipelines.yml", Some(C)),
        (".github/dependabot.yml", Some(C)),
        ("renovate.json", Some(C)),
        (".github/renovate.json5", Some(C)),
        (".renovaterc", Some(C)),
        ("build.rs", Some(B)),
        ("crates/x/build.rs", Some(B)),
        ("Makefile", Some(B)),
        ("mk/rules.mk", Some(B)),
        ("CMakeLists.txt", Some(B)),
        ("Dockerfile", Some(B)),
        ("deploy/Dockerfile.prod", Some(B)),
        ("docker-compose.dev.yml", Some(B)),
        ("Cargo.toml", Some(B)),
        ("web/package.json", Some(B)),
        ("pyproject.toml", Some(B)),
        ("setup.py", Some(B)),
        ("build.gradle.kts", Some(B)),
        ("pom.xml", Some(B)),
        ("go.mod", Some(B)),
        ("Justfile", Some(B)),
        ("Taskfile.yml", Some(B)),
        ("scripts/release.sh", Some(B)),
        ("scripts/lib/common.py", Some(B)),
        ("ci/run-tests", Some(B)),
        ("tools/build-image.sh", Some(B)),
        ("release.py", Some(B)),
        ("src/main.rs", None),
        ("README.md", None),
        ("scripts/README.md", None),
        ("docs/building.md", None),
        ("src/builder.rs", None),
        ("Cargo.lock", None),
    ];
    for (path, want) in cases {
        assert_eq!(codeowners::classify(path), *want, "{path}");
    }
}

#[test]
fn coverage_of_ci_and_build_files() {
    let co = codeowners::parse(
        ".github/CODEOWNERS",
        "/.github/workflows/ @acme/platform\n/Makefile @acme/release\n/scripts/ @acme/release\n\
         *.toml @acme/rust\n/scripts/experimental/\n",
    );
    let files: Vec<String> = [
        ".github/CODEOWNERS",
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        ".github/actions/setup/action.yml",
        ".github/dependabot.yml",
        "Makefile",
        "scripts/release.sh",
        "scripts/experimental/try.sh",
        "Dockerfile",
        "Cargo.toml",
        "crates/x/Cargo.toml",
        "crates/x/build.rs",
        "vendor/foo/Makefile",
        "node_modules/x/package.json",
        "src/main.rs",
        "README.md",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let cov = codeowners::coverage(&co, &files);
    assert_eq!(cov.codeowners, ".github/CODEOWNERS");
    assert!(!cov.codeowners_owned);
    assert!(cov.codeowners_owners.is_empty());
    assert_eq!((cov.ci_config.total, cov.ci_config.owned), (4, 2));
    assert_eq!(
        cov.ci_config.unowned,
        [".github/actions/setup/action.yml", ".github/dependabot.yml"]
    );
    assert_eq!((cov.build_scripts.total, cov.build_scripts.owned), (7, 4));
    assert_eq!(
        cov.build_scripts.unowned,
        [
            "scripts/experimental/try.sh",
            "Dockerfile",
            "crates/x/build.rs"
        ]
    );
    assert_eq!((cov.all.total, cov.all.owned), (14, 6));
    assert_eq!(cov.warnings, 0);

    let json = serde_json::to_value(&cov).unwrap();
    assert_eq!(json["ci_config"]["owned"], 2);
    assert_eq!(json["flavor"], "github");

    // The CODEOWNERS file owned by itself, and the unowned list capped at 20.
    let co = codeowners::parse("CODEOWNERS", "/CODEOWNERS @acme/security\n");
    let files: Vec<String> = (0..25)
        .map(|i| format!(".github/workflows/w{i:02}.yml"))
        .chain(["CODEOWNERS".to_string()])
        .collect();
    let cov = codeowners::coverage(&co, &files);
    assert!(cov.codeowners_owned);
    assert_eq!(cov.codeowners_owners, ["@acme/security"]);
    assert_eq!(cov.ci_config.total, 25);
    assert_eq!(cov.ci_config.unowned.len(), codeowners::UNOWNED_LISTED);
    assert_eq!(cov.ci_config.unowned[0], ".github/workflows/w00.yml");
    assert_eq!(cov.ci_config.unowned_not_listed, 5);
}

// ---------------------------------------------------------------------------------------------
// Branch protection
// ---------------------------------------------------------------------------------------------

fn read(name: &str) -> Vec<BranchProtection> {
    read_protection(name, &fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn github_branch_protection() {
    let list = read("github-branch-protection.json");
    assert_eq!(list.len(), 1);
    let p = &list[0];
    assert_eq!(p.source, "github-branch-protection");
    assert_eq!(p.branch, "main");
    assert!(p.require_pull_request);
    assert_eq!(p.required_approvals, 2);
    assert!(p.code_owner_review && p.dismiss_stale_reviews && p.require_last_push_approval);
    assert!(p.require_signed_commits && p.enforce_for_admins && p.linear_history);
    assert!(!p.allow_force_push && !p.allow_deletion);
    assert_eq!(
        p.required_status_checks,
        ["build / linux", "test", "CodeQL"]
    );
    assert!(p.strict_status_checks);
    assert_eq!(p.bypass, ["user:release-bot", "team:release-managers"]);

    let a = protection::assess(&list, "main", "main");
    assert_eq!(a.level, 3);
    assert_eq!(a.level_name, "reviews enforced");
    assert_eq!(a.missing.len(), 1);
    assert_eq!(a.missing[0].safeguard, Safeguard::NoBypass);
    assert_eq!(a.missing[0].level, 4);
    assert!(a.present.contains(&Safeguard::TwoApprovals));
    assert_eq!(a.applied, ["github-branch-protection (main)"]);
    // The protection of main says nothing about another branch.
    let other = protection::assess(&list, "develop", "main");
    assert_eq!(other.level, 0);
    assert_eq!(other.missing.len(), Safeguard::ALL.len());
    assert!(other.effective.is_none());

    let weak = read("github-branch-protection-weak.json");
    let w = &weak[0];
    assert_eq!(w.branch, "release/2.x");
    assert!(!w.require_pull_request && w.allow_force_push && !w.enforce_for_admins);
    let a = protection::assess(&weak, "release/2.x", "main");
    assert_eq!(a.level, 0);
    assert_eq!(a.present, [Safeguard::NoDeletion]);
    assert_eq!(a.missing[0].safeguard, Safeguard::NoForcePush);
}

#[test]
fn github_rulesets() {
    let list = read("github-ruleset.json");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].branch, "~DEFAULT_BRANCH");
    assert_eq!(list[1].branch, "release/*");
    let p = &list[0];
    assert_eq!(p.source, "github-ruleset");
    assert_eq!(p.name.as_deref(), Some("Protect default branch"));
    assert!(p.require_pull_request && p.code_owner_review && p.dismiss_stale_reviews);
    assert_eq!(p.required_approvals, 1);
    assert!(p.require_signed_commits && !p.allow_force_push && !p.allow_deletion);
    assert_eq!(p.required_status_checks, ["ci / test"]);
    assert_eq!(
        p.bypass,
        [
            "RepositoryRole admin (always)",
            "Integration 880123 (pull_request)"
        ]
    );
    assert!(!p.enforce_for_admins, "admins are on the bypass list");

    assert!(applies_to(p, "main", "main"));
    assert!(!applies_to(p, "develop", "main"));
    assert!(applies_to(&list[1], "release/1.0", "main"));
    assert!(!applies_to(&list[1], "release/1.0/hotfix", "main"));

    let a = protection::assess(&list, "main", "main");
    assert_eq!(a.level, 3);
    assert_eq!(
        a.missing.iter().map(|m| m.safeguard).collect::<Vec<_>>(),
        [Safeguard::NoBypass, Safeguard::TwoApprovals]
    );

    // An array: the tag ruleset is left out, the evaluate-mode one is not enforced.
    let list = read("github-rulesets.json");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].branch, "~ALL");
    assert_eq!(list[0].exclude, ["sandbox/**/*"]);
    assert!(list[0].allow_deletion && !list[0].allow_force_push);
    assert_eq!(list[1].enforcement, "evaluate");
    assert!(!list[1].is_active());
    let a = protection::assess(&list, "main", "main");
    assert_eq!(a.applied.len(), 1);
    assert_eq!(
        a.not_enforced,
        ["github-ruleset \"Trial: two approvals on main\" (main)"]
    );
    assert!(!a.effective.as_ref().unwrap().require_pull_request);
    assert_eq!(a.present, [Safeguard::NoForcePush]);
    assert_eq!(a.level, 0);
    assert!(applies_to(&list[0], "sandbox/x", "main"));
    assert!(!applies_to(&list[0], "sandbox/x/y", "main"));

    // Without bypass_actors (hidden from users who cannot edit rulesets) the bypass list is
    // unknown, so administrators are not taken to be bound.
    let hidden = mutate("github-ruleset.json", |v| {
        v.as_object_mut().unwrap().remove("bypass_actors");
        v["rules"][3]["parameters"]["required_approving_review_count"] = json!(2);
    });
    let list = read_protection("r.json", &hidden).unwrap();
    assert!(!list[0].enforce_for_admins && list[0].bypass.is_empty());
    assert!(list[0].notes[0].contains("bypass_actors"));
    let a = protection::assess(&list, "main", "main");
    assert_eq!(a.level, 3);
    assert_eq!(a.missing[0].safeguard, Safeguard::NoBypass);
    // With an empty list, no one bypasses: every safeguard is there.
    let open = mutate("github-ruleset.json", |v| {
        v["bypass_actors"] = json!([]);
        v["rules"][3]["parameters"]["required_approving_review_count"] = json!(2);
    });
    let a = protection::assess(&read_protection("r.json", &open).unwrap(), "main", "main");
    assert_eq!(a.level, 4);
    assert_eq!(a.level_name, "no bypass");
    assert!(a.missing.is_empty());

    // Rulesets and classic protection together: the strictest of each.
    let mut both = read("github-branch-protection-weak.json");
    both.extend(read("github-ruleset.json"));
    let e = protection::effective(&both, "release/2.x", "main").unwrap();
    assert_eq!(e.source, "combined");
    assert!(!e.allow_force_push, "the ruleset blocks force pushes");
    assert!(e.require_pull_request);
}

#[test]
fn gitlab_protected_branches_alone_and_combined() {
    let list = read("gitlab-protected-branches.json");
    assert_eq!(list.len(), 3);
    let main = &list[0];
    assert_eq!(
        (main.source.as_str(), main.branch.as_str()),
        ("gitlab-protected-branch", "main")
    );
    assert!(main.require_pull_request && main.enforce_for_admins && main.code_owner_review);
    assert!(main.bypass.is_empty());
    assert_eq!(main.required_approvals, 0);
    let release = &list[1];
    assert!(release.require_pull_request && !release.enforce_for_admins);
    assert_eq!(
        release.bypass,
        ["Maintainers", "Deploy key: release-signer"]
    );
    let develop = &list[2];
    assert!(!develop.require_pull_request && develop.allow_force_push);
    assert!(develop.notes[0].contains("developers can push directly"));
    // GitLab wildcards match across `/`.
    assert!(applies_to(release, "release/1.0/hotfix", "main"));
    assert!(!applies_to(release, "prerelease/1.0", "main"));

    let files = [
        "gitlab-protected-branches.json",
        "gitlab-approvals.json",
        "gitlab-approval-rules.json",
        "gitlab-push-rule.json",
    ];
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| fixture(f)).collect();
    let set: Vec<(&str, &[u8])> = files
        .iter()
        .zip(&bytes)
        .map(|(f, b)| (*f, b.as_slice()))
        .collect();
    let list = read_protection_set(&set).unwrap();
    let main = &list[0];
    assert_eq!(main.required_approvals, 2, "the Security rule on main");
    assert_eq!(
        list[1].required_approvals, 1,
        "project approvals_before_merge"
    );
    assert!(main.dismiss_stale_reviews && main.require_signed_commits);
    assert!(!main.author_can_approve && !main.approvals_overridable);
    let a = protection::assess(&list, "main", "main");
    assert_eq!(a.level, 2);
    assert_eq!(
        a.missing.iter().map(|m| m.safeguard).collect::<Vec<_>>(),
        [Safeguard::StatusChecks]
    );

    // The same in one bundle object.
    let bundle = json!({
        "protected_branches": serde_json::from_slice::<Value>(&bytes[0]).unwrap(),
        "approvals": serde_json::from_slice::<Value>(&bytes[1]).unwrap(),
        "approval_rules": serde_json::from_slice::<Value>(&bytes[2]).unwrap(),
        "push_rule": serde_json::from_slice::<Value>(&bytes[3]).unwrap(),
    });
    let from_bundle =
        read_protection("gitlab.json", &serde_json::to_vec(&bundle).unwrap()).unwrap();
    assert_eq!(from_bundle, list);

    // Approval settings alone say nothing about which branches are protected.
    let err = read_protection("gitlab-approvals.json", &bytes[1]).unwrap_err();
    let (file, path, message) = invalid(err);
    assert_eq!(
        (file.as_str(), path.as_str()),
        ("gitlab-approvals.json", "$")
    );
    assert!(message.contains("protected branches export"), "{message}");

    // Authors approving their own merge requests weaken the approval.
    let lax = mutate("gitlab-approvals.json", |v| {
        v["merge_requests_author_approval"] = json!(true);
        v["disable_overriding_approvers_per_merge_request"] = json!(false);
    });
    let list = read_protection_set(&[("b.json", bytes[0].as_slice()), ("a.json", lax.as_slice())])
        .unwrap();
    assert!(list[0].author_can_approve && list[0].approvals_overridable);
    let a = protection::assess(&list, "main", "main");
    assert!(
        a.missing
            .iter()
            .any(|m| m.safeguard == Safeguard::IndependentApproval)
    );
    assert_eq!(a.level, 1);
}

#[test]
fn protection_errors_name_file_and_path() {
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "github-branch-protection.json",
            mutate("github-branch-protection.json", |v| {
                v["required_pull_request_reviews"]["required_approving_review_count"] = json!("2")
            }),
            "$.required_pull_request_reviews.required_approving_review_count",
            "expected a non-negative whole number, found a string",
        ),
        (
            "github-branch-protection.json",
            mutate("github-branch-protection.json", |v| {
                v["enforce_admins"]
                    .as_object_mut()
                    .unwrap()
                    .remove("enabled");
            }),
            "$.enforce_admins.enabled",
            "missing; expected a boolean",
        ),
        (
            "github-branch-protection.json",
            mutate("github-branch-protection.json", |v| {
                v.as_object_mut().unwrap().remove("url");
            }),
            "$.url",
            "missing; expected the API URL",
        ),
        (
            "github-branch-protection.json",
            mutate("github-branch-protection.json", |v| {
                v["required_status_checks"]["checks"][1] = json!({"app_id": 1});
            }),
            "$.required_status_checks.checks[1].context",
            "missing",
        ),
        (
            "github-ruleset.json",
            mutate("github-ruleset.json", |v| {
                v["rules"][3]["parameters"]
                    .as_object_mut()
                    .unwrap()
                    .remove("required_approving_review_count");
            }),
            "$.rules[3].parameters.required_approving_review_count",
            "missing",
        ),
        (
            "github-ruleset.json",
            mutate("github-ruleset.json", |v| {
                v["enforcement"] = json!("sometimes")
            }),
            "$.enforcement",
            "unknown enforcement \"sometimes\"",
        ),
        (
            "github-ruleset.json",
            mutate("github-ruleset.json", |v| {
                v["rules"] = json!({"type": "deletion"})
            }),
            "$.rules",
            "expected an array, found an object",
        ),
        (
            "github-rulesets.json",
            mutate("github-rulesets.json", |v| {
                v[1].as_object_mut().unwrap().remove("conditions");
            }),
            "$[1].conditions",
            "missing",
        ),
        (
            "github-rulesets-list.json",
            fixture("github-rulesets-list.json"),
            "$[0].rules",
            "GET /repos/{owner}/{repo}/rulesets/{id}",
        ),
        (
            "gitlab-protected-branches.json",
            mutate("gitlab-protected-branches.json", |v| {
                v[2]["allow_force_push"] = json!("no")
            }),
            "$[2].allow_force_push",
            "expected a boolean, found a string",
        ),
        (
            "gitlab-protected-branches.json",
            mutate("gitlab-protected-branches.json", |v| {
                v[0]["push_access_levels"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("access_level");
            }),
            "$[0].push_access_levels[0].access_level",
            "missing",
        ),
        (
            "gitlab-protected-branches.json",
            mutate("gitlab-protected-branches.json", |v| {
                v[1]["name"] = json!(null)
            }),
            "$[1].name",
            "is null",
        ),
    ];
    for (file, bytes, want_path, want_msg) in cases {
        let (got_file, path, message) = invalid(read_protection(file, &bytes).unwrap_err());
        assert_eq!(got_file, file);
        assert_eq!(path, want_path, "{message}");
        assert!(message.contains(want_msg), "{path}: {message}");
    }
}

#[test]
fn protection_format_and_syntax_errors() {
    let err =
        read_protection("not-protected.json", &fixture("github-not-protected.json")).unwrap_err();
    assert!(matches!(err, ForgeError::UnknownFormat { .. }));
    let text = err.to_string();
    assert!(text.starts_with("not-protected.json: "), "{text}");
    assert!(
        text.contains("\"Branch not protected\"") && text.contains("the branch is not protected")
    );

    for (bytes, kind) in [
        (&b"\"hello\""[..], "string"),
        (&b"{\"name\": \"main\"}"[..], "object"),
        (&b"[1, 2]"[..], "array"),
    ] {
        let err = read_protection("x.json", bytes).unwrap_err();
        assert!(
            matches!(&err, ForgeError::UnknownFormat { file, message }
                if file == "x.json" && message.contains("GitHub branch protection")),
            "{kind}: {err}"
        );
    }
    assert_eq!(read_protection("empty.json", b"[]").unwrap(), []);

    // Truncated: the path of the value being read when the text ran out.
    let text = fixture_text("github-ruleset.json");
    let cut = text.find("\"dismiss_stale_reviews_on_push\"").unwrap();
    match read_protection("github-ruleset.json", &text.as_bytes()[..cut]).unwrap_err() {
        ForgeError::Syntax {
            file,
            path,
            line,
            message,
            ..
        } => {
            assert_eq!(file, "github-ruleset.json");
            assert_eq!(path, "$.rules[3].parameters");
            assert_eq!(line, text[..cut].lines().count());
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let cut = text.find("{ \"type\": \"non_fast_forward\" }").unwrap() + 5;
    match read_protection("r.json", &text.as_bytes()[..cut]).unwrap_err() {
        ForgeError::Syntax { path, .. } => assert_eq!(path, "$.rules[1]"),
        other => panic!("{other:?}"),
    }

    // Every prefix of every export fails cleanly, naming the file.
    for name in [
        "github-branch-protection.json",
        "github-ruleset.json",
        "github-rulesets.json",
        "gitlab-protected-branches.json",
    ] {
        let bytes = fixture(name);
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .unwrap();
        for n in 0..end {
            let err = read_protection(name, &bytes[..n]).unwrap_err();
            assert_eq!(err.file(), name);
            assert!(err.json_path().unwrap().starts_with('$'));
        }
    }
}

#[test]
fn branch_patterns() {
    let mut p = read("github-ruleset.json").remove(0);
    p.branch = "feature/**".into();
    p.exclude = vec!["feature/tmp-*".into()];
    assert!(applies_to(&p, "feature/a/b", "main"));
    assert!(!applies_to(&p, "feature/tmp-1", "main"));
    assert!(!applies_to(&p, "features/a", "main"));
    p.branch = "v[0-9].x".into();
    assert!(applies_to(&p, "v2.x", "main"));
    assert!(!applies_to(&p, "va.x", "main"));
    p.branch = "~DEFAULT_BRANCH".into();
    p.exclude = vec!["~DEFAULT_BRANCH".into()];
    assert!(!applies_to(&p, "main", "main"));
}

// ---------------------------------------------------------------------------------------------
// Review exports
// ---------------------------------------------------------------------------------------------

#[test]
fn github_review_export() {
    let export = read_reviews("prs.json", &fixture("gh-pr-list.json")).unwrap();
    assert_eq!(export.forge, Some("github"));
    assert_eq!(export.reviews.len(), 3);
    assert_eq!(export.commit_count(), 3);

    let r = export
        .get("3f1c2a9d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a")
        .unwrap();
    assert_eq!(r.number, 412);
    assert_eq!(r.author.as_deref(), Some("alice-dev"));
    // carol requested changes, then approved; dave only commented.
    assert_eq!(r.approvers, ["carol-sec", "bob-reviewer"]);
    assert!(!r.self_approved);
    assert_eq!(r.merged_at.as_deref(), Some("2025-03-04T11:22:33Z"));
    assert_eq!(r.decision.as_deref(), Some("APPROVED"));
    assert_eq!(
        r.url.as_deref(),
        Some("https://github.com/acme-widgets/firmware/pull/412")
    );
    // Short and upper-case ids find it too.
    assert_eq!(export.get("3F1C2A9").unwrap().number, 412);
    assert!(export.get("3f1c2a").is_none(), "too short");
    assert!(export.get("ffffffff").is_none());

    // A self-approval does not count; a dismissed approval does not either.
    let r = export
        .get("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d")
        .unwrap();
    assert_eq!(r.number, 415);
    assert!(r.approvers.is_empty());
    assert!(r.self_approved);
    assert_eq!(r.decision, None);

    let r = export
        .get("0123456789abcdef0123456789abcdef01234567")
        .unwrap();
    assert_eq!(r.author.as_deref(), Some("app/dependabot"));
    assert_eq!(r.approvers, ["bob-reviewer"]);
}

#[test]
fn gitlab_review_export() {
    let export = read_reviews("mrs.json", &fixture("gitlab-merge-requests.json")).unwrap();
    assert_eq!(export.forge, Some("gitlab"));
    assert_eq!(export.reviews.len(), 2);
    let merge = export
        .get("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")
        .unwrap();
    let squash = export
        .get("b2c3d4e5f60718293a4b5c6d7e8f901234567890")
        .unwrap();
    assert_eq!(merge, squash);
    assert_eq!(merge.number, 45);
    assert_eq!(merge.author.as_deref(), Some("heidi"));
    assert_eq!(merge.approvers, ["grace-maint"]);
    assert!(merge.self_approved);
    // Fast-forward merge: the head commit is what landed.
    let ff = export
        .get("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00")
        .unwrap();
    assert_eq!(ff.number, 46);
    assert!(ff.approvers.is_empty() && !ff.self_approved);
    assert_eq!(export.commit_count(), 3);

    // Merge requests that are not merged are left out.
    let opened = mutate("gitlab-merge-requests.json", |v| {
        v[0]["state"] = json!("opened")
    });
    let export = read_reviews("mrs.json", &opened).unwrap();
    assert_eq!(export.reviews.len(), 1);
    assert!(
        export
            .get("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")
            .is_none()
    );
}

#[test]
fn review_export_errors() {
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "gh-pr-list.json",
            mutate("gh-pr-list.json", |v| v[0]["number"] = json!("412")),
            "$[0].number",
            "expected a non-negative whole number, found a string",
        ),
        (
            "gh-pr-list.json",
            mutate("gh-pr-list.json", |v| {
                v[1].as_object_mut().unwrap().remove("reviews");
            }),
            "$[1].reviews",
            "--json",
        ),
        (
            "gh-pr-list.json",
            mutate("gh-pr-list.json", |v| {
                v[0]["mergeCommit"]["oid"] = json!("not-a-sha")
            }),
            "$[0].mergeCommit.oid",
            "not a commit id",
        ),
        (
            "gh-pr-list.json",
            mutate("gh-pr-list.json", |v| {
                v[2]["reviews"][0]["state"] = json!(7)
            }),
            "$[2].reviews[0].state",
            "expected a string, found a number",
        ),
        (
            "gitlab-merge-requests.json",
            mutate("gitlab-merge-requests.json", |v| {
                v[0]["author"].as_object_mut().unwrap().remove("username");
            }),
            "$[0].author.username",
            "missing",
        ),
        (
            "gitlab-merge-requests.json",
            mutate("gitlab-merge-requests.json", |v| {
                v[1].as_object_mut().unwrap().remove("merge_commit_sha");
            }),
            "$[1].merge_commit_sha",
            "missing",
        ),
        (
            "gitlab-merge-requests.json",
            mutate("gitlab-merge-requests.json", |v| {
                v[0]["approved_by"][1]["user"] = json!("heidi")
            }),
            "$[0].approved_by[1].user",
            "expected an object, found a string",
        ),
    ];
    for (file, bytes, want_path, want_msg) in cases {
        let (got_file, path, message) = invalid(read_reviews(file, &bytes).unwrap_err());
        assert_eq!(got_file, file);
        assert_eq!(path, want_path, "{message}");
        assert!(message.contains(want_msg), "{path}: {message}");
    }

    let err = read_reviews("x.json", br#"{"number": 1}"#).unwrap_err();
    assert!(
        matches!(&err, ForgeError::UnknownFormat { message, .. } if message.contains("found an object"))
    );
    let err = read_reviews("x.json", br#"[{"id": 1}]"#).unwrap_err();
    assert!(matches!(err, ForgeError::UnknownFormat { .. }));
    let empty = read_reviews("x.json", b"[]").unwrap();
    assert_eq!(empty.forge, None);
    assert!(empty.reviews.is_empty());

    let text = fixture_text("gh-pr-list.json");
    let cut = text.find("\"CHANGES_REQUESTED\"").unwrap() + 4;
    match read_reviews("prs.json", &text.as_bytes()[..cut]).unwrap_err() {
        ForgeError::Syntax {
            file,
            path,
            message,
            ..
        } => {
            assert_eq!(file, "prs.json");
            assert_eq!(path, "$[0].reviews[1].state");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let err = read_reviews("prs.json", &text.as_bytes()[..cut]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("prs.json: not valid JSON at line ")
    );
}
