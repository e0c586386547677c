mod common;

use common::{Fixture, ci};
use safeguard_model::facts::CiFile;
use safeguard_source::CiConfigCollector;

fn file(path: &str, system: &str, commands: &[&str]) -> CiFile {
    CiFile {
        path: path.into(),
        system: system.into(),
        test_commands: commands.iter().map(|c| c.to_string()).collect(),
    }
}

#[test]
fn detects_systems_and_test_commands_on_word_boundaries() {
    let f = Fixture::new();
    f.write(
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  test:\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test --workspace\n      - run: |\n          python -m pytest -q && npm run test:unit\n",
    )
    .write(".github/workflows/release.yaml", "jobs:\n  build:\n    steps:\n      - run: cargo testing\n      - run: ./contest\n")
    .write(".gitlab-ci.yml", "test:\n  script:\n    - ./gradlew check\n    # - go test ./...\n")
    .write("Jenkinsfile", "pipeline { stages { stage('t') { steps { sh 'make -j4 test' } } } }\n")
    .write(".circleci/config.yml", "jobs:\n  t:\n    steps:\n      - run: bash .ci/run\n")
    .write("docs/ci.md", "cargo test");

    let e = f.collect(&CiConfigCollector);
    let c = ci(&e);
    assert_eq!(
        c.systems,
        ["circleci", "github-actions", "gitlab-ci", "jenkins"]
    );
    assert_eq!(
        c.files,
        [
            file(".circleci/config.yml", "circleci", &["script"]),
            file(
                ".github/workflows/ci.yml",
                "github-actions",
                &["cargo test", "npm test", "pytest"]
            ),
            file(".github/workflows/release.yaml", "github-actions", &[]),
            file(".gitlab-ci.yml", "gitlab-ci", &["gradle check"]),
            file("Jenkinsfile", "jenkins", &["make test"]),
        ]
    );
    assert!(
        e.summary.starts_with("Found 5 CI configuration files"),
        "{}",
        e.summary
    );
    assert!(e.summary.contains("4 of them run tests"), "{}", e.summary);
}

#[test]
fn no_ci_is_evidence_too() {
    let f = Fixture::new();
    f.write("src/main.rs", "fn main() {}");
    let e = f.collect(&CiConfigCollector);
    assert!(ci(&e).systems.is_empty());
    assert!(ci(&e).files.is_empty());
    assert!(
        e.summary.starts_with("No CI configuration found"),
        "{}",
        e.summary
    );
}

#[test]
fn odd_content_does_not_panic() {
    let f = Fixture::new();
    // Not UTF-8, but the command is still readable.
    f.write(
        ".travis.yml",
        b"script:\n  - caf\xe9\xff && go test ./...\n".as_slice(),
    );
    // Larger than 1 MiB: the start is read, the rest is not.
    let mut big = b"steps:\n  - run: dotnet test\n".to_vec();
    big.resize(2 * 1024 * 1024, b' ');
    big.extend_from_slice(b"\n  - run: mix test\n");
    f.write(".drone.yml", big);
    // Binary.
    f.write("bitbucket-pipelines.yml", b"\0\0\0cargo test".as_slice());

    let c = ci(&f.collect(&CiConfigCollector)).clone();
    assert_eq!(
        c.files,
        [
            file(".drone.yml", "drone", &["dotnet test"]),
            file(".travis.yml", "travis-ci", &["go test"]),
            file("bitbucket-pipelines.yml", "bitbucket-pipelines", &[]),
        ]
    );
}

#[test]
fn excluded_prefixes_never_count() {
    let mut f = Fixture::new();
    f.write(".github/workflows/ci.yml", "run: cargo test")
        .write(".gitlab-ci.yml", "script: [\"pytest\"]");
    f.excluded = vec![".github/".into()];
    f.list_excluded = true;
    let c = ci(&f.collect(&CiConfigCollector)).clone();
    assert_eq!(c.systems, ["gitlab-ci"]);
    assert_eq!(c.files, [file(".gitlab-ci.yml", "gitlab-ci", &["pytest"])]);
}
