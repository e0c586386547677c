#![no_main]
//! CODEOWNERS: any text parses (bad lines become warnings with real line numbers), lookups
//! never panic, the rule reported for a path matches it, and coverage counts add up.
use libfuzzer_sys::fuzz_target;
use safeguard_source::forge::codeowners::{self, Flavor, UNOWNED_LISTED};

const PATHS: &[&str] = &[
    "README.md",
    "src/main.rs",
    ".github/workflows/ci.yml",
    ".github/CODEOWNERS",
    "docs/a/b.md",
    "scripts/release.sh",
    "Makefile",
    "path with spaces/x",
    "#pound.txt",
    "a/b/c/d/e/f/g/h",
];

fuzz_target!(|text: &str| {
    // Lines after a NUL are extra paths to look up.
    let (rules, extra) = text.split_once('\0').unwrap_or((text, ""));
    let lines = u32::try_from(rules.split('\n').count()).unwrap_or(u32::MAX);
    let mut files: Vec<String> = PATHS.iter().map(|s| s.to_string()).collect();
    files.extend(extra.lines().take(64).map(str::to_string));
    for flavor in [Flavor::GitHub, Flavor::GitLab] {
        let co = codeowners::parse_as(".github/CODEOWNERS", rules, flavor);
        for w in &co.warnings {
            assert!(w.line <= lines, "{w:?}");
            assert!(!w.message.is_empty());
        }
        for r in &co.rules {
            assert!(r.line >= 1 && r.line <= lines);
            assert!(r.section < co.sections.len());
        }
        for f in &files {
            if let Some((owners, line)) = co.owners_of(f) {
                assert!(!owners.is_empty());
                let rule = co
                    .rules
                    .iter()
                    .find(|r| r.line == line)
                    .expect("the rule exists");
                assert!(rule.matches(f), "{f} / {}", rule.pattern);
            }
            for s in co.section_owners(f) {
                assert!(!s.owners.is_empty());
            }
        }
        let cov = codeowners::coverage(&co, &files);
        for c in [&cov.all, &cov.ci_config, &cov.build_scripts] {
            assert!(c.unowned.len() <= UNOWNED_LISTED);
            assert_eq!(c.owned + c.unowned.len() + c.unowned_not_listed, c.total);
        }
        assert!(cov.ci_config.total + cov.build_scripts.total <= cov.all.total);
    }
    let _ = codeowners::parse("CODEOWNERS", text);
});
