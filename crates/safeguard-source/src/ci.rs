//! CI configuration present, and the test commands it runs (claim 1.3.2).

use std::collections::BTreeSet;

use safeguard_model::facts::{CiFacts, CiFile};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

use crate::classify::ci_system;
use crate::util::{candidate_files, count, read_text};

const ID: &str = "ci-config";

/// Finds CI configuration (GitHub Actions, GitLab CI, Jenkins, Azure Pipelines, CircleCI,
/// Bitbucket Pipelines, Travis CI, Buildkite, Drone, Woodpecker) and the test commands each
/// file runs.
#[derive(Debug, Default, Clone, Copy)]
pub struct CiConfigCollector;

impl Collector for CiConfigCollector {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "CI configuration, and whether it runs tests"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![ClaimId::new(1, 3, 2)]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let mut files = Vec::new();
        let mut systems = BTreeSet::new();
        for path in candidate_files(cx) {
            let Some(system) = ci_system(path) else {
                continue;
            };
            systems.insert(system.to_string());
            let test_commands = read_text(cx.root, path)
                .map(|t| test_commands(&t))
                .unwrap_or_default();
            files.push(CiFile {
                path: path.to_string(),
                system: system.to_string(),
                test_commands,
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let facts = CiFacts {
            systems: systems.into_iter().collect(),
            files,
        };
        let summary = summarise(&facts);
        Ok(vec![cx.evidence(
            ID,
            &self.claims(),
            summary,
            Facts::CiConfig(facts),
        )])
    }
}

fn summarise(f: &CiFacts) -> String {
    if f.files.is_empty() {
        return "No CI configuration found (looked for GitHub Actions, GitLab CI, Jenkins, Azure \
                Pipelines, CircleCI, Bitbucket Pipelines, Travis CI, Buildkite, Drone and Woodpecker)."
            .to_string();
    }
    let testing = f
        .files
        .iter()
        .filter(|f| !f.test_commands.is_empty())
        .count();
    let commands: BTreeSet<&str> = f
        .files
        .iter()
        .flat_map(|f| f.test_commands.iter().map(String::as_str))
        .collect();
    let runs = if commands.is_empty() {
        "none of them runs a recognised test command".to_string()
    } else {
        format!(
            "{testing} of them {} tests ({})",
            if testing == 1 { "runs" } else { "run" },
            commands.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    format!(
        "Found {} ({}); {runs}.",
        count(
            f.files.len(),
            "CI configuration file",
            "CI configuration files"
        ),
        f.systems.join(", ")
    )
}

/// Tools whose first real argument is a subcommand: `(program, subcommand, normalised)`.
const SUBCOMMANDS: &[(&str, &str, &str)] = &[
    ("cargo", "test", "cargo test"),
    ("cargo", "nextest", "cargo nextest"),
    ("go", "test", "go test"),
    ("dotnet", "test", "dotnet test"),
    ("mix", "test", "mix test"),
    ("swift", "test", "swift test"),
    ("flutter", "test", "flutter test"),
    ("dart", "test", "dart test"),
    ("deno", "test", "deno test"),
    ("npm", "test", "npm test"),
    ("npm", "t", "npm test"),
    ("yarn", "test", "yarn test"),
    ("pnpm", "test", "pnpm test"),
    ("pnpm", "t", "pnpm test"),
    ("bun", "test", "bun test"),
];

/// Package managers whose `run <script>` may run a test script.
const SCRIPT_RUNNERS: &[&str] = &["npm", "yarn", "pnpm", "bun"];

/// Tools that take a list of targets or goals: `(program, target, normalised)`.
const TARGETS: &[(&str, &str, &str)] = &[
    ("make", "test", "make test"),
    ("make", "tests", "make test"),
    ("make", "check", "make check"),
    ("mvn", "test", "mvn test"),
    ("mvn", "verify", "mvn verify"),
    ("gradle", "test", "gradle test"),
    ("gradle", "check", "gradle check"),
    ("rake", "test", "rake test"),
];

/// Programs that are test runners on their own: `(program, normalised)`.
const RUNNERS: &[(&str, &str)] = &[
    ("pytest", "pytest"),
    ("py.test", "pytest"),
    ("tox", "tox"),
    ("nox", "nox"),
    ("ctest", "ctest"),
    ("rspec", "rspec"),
    ("phpunit", "phpunit"),
    ("jest", "jest"),
    ("vitest", "vitest"),
];

/// Verbs after which a runner's name is a package being installed, not a command being run.
const INSTALL_VERBS: &[&str] = &["install", "add", "uninstall", "remove", "upgrade"];

/// The program a word names: its last path segment, without `.exe`/`.cmd`/`.bat`, with
/// wrapper scripts (`gradlew`, `mvnw`) mapped to their tool.
fn program(word: &str) -> String {
    let last = word
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(word)
        .to_ascii_lowercase();
    let base = last
        .strip_suffix(".exe")
        .or_else(|| last.strip_suffix(".cmd"))
        .or_else(|| last.strip_suffix(".bat"))
        .unwrap_or(&last)
        .to_string();
    match base.as_str() {
        "gradlew" => "gradle".into(),
        "mvnw" => "mvn".into(),
        "gmake" => "make".into(),
        _ => base,
    }
}

fn is_flag(word: &str) -> bool {
    word.starts_with('-') || word.starts_with('+')
}

/// Test commands invoked in a CI file's text, normalised, sorted and deduplicated.
pub fn test_commands(text: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        for segment in line.split(['&', '|', ';']) {
            scan_segment(&crate::util::words(segment), &mut found);
        }
    }
    found.into_iter().collect()
}

fn scan_segment(words: &[&str], found: &mut BTreeSet<String>) {
    for (i, word) in words.iter().enumerate() {
        let prog = program(word);
        let rest = &words[i + 1..];
        let mut args = rest.iter().copied().filter(|w| !is_flag(w));
        let first = args.next().map(str::to_ascii_lowercase);

        for &(p, sub, norm) in SUBCOMMANDS {
            if prog == p && first.as_deref() == Some(sub) {
                found.insert(norm.to_string());
            }
        }
        if SCRIPT_RUNNERS.contains(&prog.as_str())
            && matches!(first.as_deref(), Some("run" | "run-script"))
            && let Some(script) = args.next().map(str::to_ascii_lowercase)
            && (script == "test" || script.starts_with("test:") || script.starts_with("test-"))
        {
            found.insert(format!("{prog} test"));
        }
        for &(p, target, norm) in TARGETS {
            if prog == p
                && rest.iter().filter(|w| !is_flag(w)).any(|w| {
                    // Gradle task paths such as `:core:test`.
                    let t = w.rsplit(':').next().unwrap_or(w).to_ascii_lowercase();
                    t == target || (p == "make" && t.starts_with(&format!("{target}-")))
                })
            {
                found.insert(norm.to_string());
            }
        }
        let installing = words[..i]
            .iter()
            .any(|w| INSTALL_VERBS.contains(&w.to_ascii_lowercase().as_str()));
        if !installing && !word.ends_with(':') {
            for &(p, norm) in RUNNERS {
                if prog == p {
                    found.insert(norm.to_string());
                }
            }
            if is_test_script(words, i) {
                found.insert("script".to_string());
            }
        }
    }
}

/// A word that runs a project test script: `./scripts/test.sh`, `bash ci/run-tests`,
/// `.ci/run`.
fn is_test_script(words: &[&str], i: usize) -> bool {
    let word = words[i];
    let invoked = word.starts_with("./")
        || i.checked_sub(1).is_some_and(|j| {
            matches!(
                words[j].to_ascii_lowercase().as_str(),
                "bash" | "sh" | "zsh" | "pwsh" | "powershell" | "source" | "."
            )
        });
    if !invoked || word.contains('@') || word.contains("://") || word.ends_with('/') {
        return false;
    }
    let path = word.trim_start_matches("./").to_ascii_lowercase();
    let name = path.rsplit('/').next().unwrap_or(&path);
    let stem = name.split('.').next().unwrap_or(name);
    let testy =
        stem.split(['-', '_']).any(|part| part.starts_with("test")) || stem.contains("runtest");
    let ci_dir =
        path.starts_with(".ci/") || path.starts_with("ci/") || path.starts_with("scripts/ci");
    testy || ci_dir
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(text: &str) -> Vec<String> {
        test_commands(text)
    }

    #[test]
    fn recognises_common_invocations() {
        assert_eq!(
            cmds("      - run: cargo test --workspace --locked"),
            ["cargo test"]
        );
        assert_eq!(cmds("run: cargo +nightly nextest run"), ["cargo nextest"]);
        assert_eq!(cmds("script:\n  - npm ci && npm test"), ["npm test"]);
        assert_eq!(cmds("run: npm run test:unit"), ["npm test"]);
        assert_eq!(cmds("run: yarn run test"), ["yarn test"]);
        assert_eq!(cmds("- python -m pytest -q"), ["pytest"]);
        assert_eq!(cmds("run: go test ./..."), ["go test"]);
        assert_eq!(cmds("sh 'mvn -B clean verify'"), ["mvn verify"]);
        assert_eq!(cmds("run: ./gradlew :core:test"), ["gradle test"]);
        assert_eq!(cmds("run: make -j4 lint check"), ["make check"]);
        assert_eq!(cmds("run: dotnet test --no-build"), ["dotnet test"]);
        assert_eq!(cmds("run: bundle exec rspec"), ["rspec"]);
        assert_eq!(cmds("run: vendor/bin/phpunit"), ["phpunit"]);
        assert_eq!(cmds("run: npx vitest run"), ["vitest"]);
        assert_eq!(cmds("run: ctest --output-on-failure"), ["ctest"]);
        assert_eq!(cmds("run: bash .ci/run"), ["script"]);
        assert_eq!(cmds("run: ./scripts/test.sh"), ["script"]);
        assert_eq!(
            cmds("run: flutter test && mix test"),
            ["flutter test", "mix test"]
        );
    }

    #[test]
    fn respects_word_boundaries_and_context() {
        assert!(cmds("run: cargo testing").is_empty());
        assert!(cmds("run: ./contest").is_empty());
        assert!(cmds("name: contest of jest-like things").is_empty());
        assert!(cmds("# run: cargo test").is_empty());
        assert!(cmds("run: pip install pytest tox").is_empty());
        assert!(cmds("run: cargo build --features test").is_empty());
        assert!(cmds("uses: actions/test-reporter@v1").is_empty());
        assert!(cmds("tox:\n  image: python").is_empty());
        assert!(cmds("run: npm run build").is_empty());
    }
}
