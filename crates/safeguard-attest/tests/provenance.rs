//! Provenance built from fake CI environments, and policy checks against it.

use std::collections::BTreeMap;

use safeguard_attest::intoto::{
    PREDICATE_SLSA_PROVENANCE_V1, PREDICATE_VULNS_V0_2, Provenance, ResourceDescriptor, Statement,
};
use safeguard_attest::policy::{Policy, PolicyError, check};
use safeguard_attest::provenance::{
    BUILD_TYPE_GITHUB_ACTIONS, BUILD_TYPE_GITLAB_CI, BUILD_TYPE_LOCAL, CiPlatform, ProvenanceInput,
    SourceInfo, build, build_checked, component, detect,
};
use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Location};
use serde_json::{Value, json};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const ARTIFACT: [u8; 32] = [0xa5; 32];

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn github_env() -> BTreeMap<String, String> {
    env(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/widget"),
        ("GITHUB_REF", "refs/tags/v1.2.0"),
        ("GITHUB_SHA", SHA),
        (
            "GITHUB_WORKFLOW_REF",
            "acme/widget/.github/workflows/release.yml@refs/tags/v1.2.0",
        ),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_RUN_ID", "987654"),
        ("GITHUB_RUN_ATTEMPT", "2"),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
        ("RUNNER_ENVIRONMENT", "github-hosted"),
    ])
}

fn gitlab_env() -> BTreeMap<String, String> {
    env(&[
        ("GITLAB_CI", "true"),
        ("CI_SERVER_URL", "https://gitlab.example.org"),
        ("CI_PROJECT_PATH", "group/sub/widget"),
        ("CI_COMMIT_SHA", SHA),
        ("CI_COMMIT_REF_NAME", "main"),
        ("CI_COMMIT_BRANCH", "main"),
        ("CI_PIPELINE_ID", "4411"),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_JOB_ID", "77001"),
        ("CI_JOB_NAME", "build"),
        (
            "CI_JOB_URL",
            "https://gitlab.example.org/group/sub/widget/-/jobs/77001",
        ),
        ("CI_CONFIG_PATH", ".gitlab-ci.yml"),
        ("CI_RUNNER_ID", "12"),
        ("CI_RUNNER_VERSION", "17.5.0"),
    ])
}

/// `serde 1.0.219` from a Cargo.lock, with one hash per (algorithm, repeated byte).
fn serde_component(hashes: &[(HashAlg, &str)]) -> Component {
    let mut c = Component::new(
        Ecosystem::Cargo,
        "serde",
        "1.0.219",
        Location {
            file: "Cargo.lock".into(),
            line: Some(3),
        },
    );
    c.hashes = hashes
        .iter()
        .filter_map(|(alg, byte)| Hash::from_hex(*alg, &byte.repeat(alg.digest_len())))
        .collect();
    c
}

fn input(env: BTreeMap<String, String>) -> ProvenanceInput {
    ProvenanceInput {
        env,
        subjects: vec![ResourceDescriptor::sha256("dist/widget.tar.gz", &ARTIFACT)],
        started_on: Some("2025-03-01T10:00:00Z".to_owned()),
        finished_on: Some("2025-03-01T10:04:30Z".to_owned()),
        dependencies: vec![component(&serde_component(&[
            (HashAlg::Sha256, "11"),
            (HashAlg::Sha512, "22"),
        ]))],
        byproducts: vec![ResourceDescriptor {
            name: Some("build.log".to_owned()),
            ..ResourceDescriptor::default()
        }],
        source: None,
        hostname: None,
    }
}

/// Build, check the result with the statement and provenance validators, and round-trip it
/// through JSON.
fn built(input: &ProvenanceInput) -> (Statement, Provenance) {
    let st = build(input);
    st.validate().expect("statement is valid");
    let p = st.provenance().expect("predicate is SLSA provenance");
    p.validate().expect("provenance is valid");
    let again = Statement::from_json(st.to_json().as_bytes()).expect("round trip");
    assert_eq!(again, st);
    assert_eq!(build_checked(input), Ok(st.clone()));
    (st, p)
}

#[test]
fn detects_platforms() {
    assert_eq!(detect(&github_env()), CiPlatform::GitHubActions);
    assert_eq!(detect(&gitlab_env()), CiPlatform::GitLabCi);
    assert_eq!(detect(&env(&[("CI", "true")])), CiPlatform::Generic);
    assert_eq!(
        detect(&env(&[("GITHUB_ACTIONS", "false")])),
        CiPlatform::Generic
    );
}

#[test]
fn github_actions_fields() {
    let (st, p) = built(&input(github_env()));
    assert_eq!(st.predicate_type, PREDICATE_SLSA_PROVENANCE_V1);
    assert_eq!(st.subject[0].name.as_deref(), Some("dist/widget.tar.gz"));
    assert_eq!(st.subject[0].digest.get("sha256"), Some(&"a5".repeat(32)));
    let bd = &p.build_definition;
    assert_eq!(bd.build_type, BUILD_TYPE_GITHUB_ACTIONS);
    assert_eq!(
        Value::Object(bd.external_parameters.clone()),
        json!({
            "workflow": {
                "ref": "refs/tags/v1.2.0",
                "repository": "https://github.com/acme/widget",
                "path": ".github/workflows/release.yml"
            },
            "event_name": "push"
        })
    );
    assert_eq!(
        bd.internal_parameters.clone().map(Value::Object),
        Some(json!({
            "runner_os": "Linux",
            "runner_arch": "X64",
            "runner_environment": "github-hosted",
            "run_id": "987654",
            "run_attempt": "2"
        }))
    );
    assert_eq!(bd.resolved_dependencies.len(), 2);
    let src = &bd.resolved_dependencies[0];
    assert_eq!(
        src.uri.as_deref(),
        Some("git+https://github.com/acme/widget@refs/tags/v1.2.0")
    );
    assert_eq!(src.digest.get("gitCommit").map(String::as_str), Some(SHA));
    let dep = &bd.resolved_dependencies[1];
    assert_eq!(dep.uri.as_deref(), Some("pkg:cargo/serde@1.0.219"));
    assert_eq!(dep.digest.get("sha256"), Some(&"11".repeat(32)));
    assert_eq!(dep.digest.get("sha512"), Some(&"22".repeat(64)));

    let rd = &p.run_details;
    assert_eq!(
        rd.builder.id,
        "https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.0"
    );
    let md = rd.metadata.as_ref().expect("metadata");
    assert_eq!(
        md.invocation_id.as_deref(),
        Some("https://github.com/acme/widget/actions/runs/987654/attempts/2")
    );
    assert_eq!(md.started_on.as_deref(), Some("2025-03-01T10:00:00Z"));
    assert_eq!(md.finished_on.as_deref(), Some("2025-03-01T10:04:30Z"));
    assert_eq!(rd.byproducts[0].name.as_deref(), Some("build.log"));
}

#[test]
fn github_without_workflow_ref_uses_the_runner() {
    let mut e = github_env();
    e.remove("GITHUB_WORKFLOW_REF");
    e.insert("RUNNER_ENVIRONMENT".to_owned(), "self-hosted".to_owned());
    let (_, p) = built(&input(e));
    assert_eq!(
        p.run_details.builder.id,
        "https://github.com/actions/runner/self-hosted"
    );
    let wf = &p.build_definition.external_parameters["workflow"];
    assert_eq!(wf.get("path"), None);
    assert_eq!(wf["repository"], "https://github.com/acme/widget");
}

#[test]
fn gitlab_ci_fields() {
    let (_, p) = built(&input(gitlab_env()));
    let bd = &p.build_definition;
    assert_eq!(bd.build_type, BUILD_TYPE_GITLAB_CI);
    assert_eq!(
        Value::Object(bd.external_parameters.clone()),
        json!({
            "workflow": {
                "ref": "refs/heads/main",
                "repository": "https://gitlab.example.org/group/sub/widget",
                "path": ".gitlab-ci.yml"
            },
            "pipeline_source": "push",
            "job_name": "build"
        })
    );
    assert_eq!(
        bd.internal_parameters.clone().map(Value::Object),
        Some(json!({
            "pipeline_id": "4411",
            "job_id": "77001",
            "runner_id": "12",
            "runner_version": "17.5.0"
        }))
    );
    assert_eq!(
        bd.resolved_dependencies[0].uri.as_deref(),
        Some("git+https://gitlab.example.org/group/sub/widget@refs/heads/main")
    );
    assert_eq!(
        bd.resolved_dependencies[0]
            .digest
            .get("gitCommit")
            .map(String::as_str),
        Some(SHA)
    );
    let rd = &p.run_details;
    assert_eq!(
        rd.builder.id,
        "https://gitlab.example.org/group/sub/widget/-/runners/12"
    );
    assert_eq!(
        rd.builder.version.get("gitlab-runner").map(String::as_str),
        Some("17.5.0")
    );
    assert_eq!(
        rd.metadata
            .as_ref()
            .and_then(|m| m.invocation_id.as_deref()),
        Some("https://gitlab.example.org/group/sub/widget/-/jobs/77001")
    );
}

#[test]
fn gitlab_tag_pipeline_records_the_tag_ref() {
    let mut e = gitlab_env();
    e.remove("CI_COMMIT_BRANCH");
    e.remove("CI_JOB_URL");
    e.insert("CI_COMMIT_TAG".to_owned(), "v3.0.0".to_owned());
    e.insert("CI_COMMIT_REF_NAME".to_owned(), "v3.0.0".to_owned());
    let (_, p) = built(&input(e));
    assert_eq!(
        p.build_definition.external_parameters["workflow"]["ref"],
        "refs/tags/v3.0.0"
    );
    assert_eq!(
        p.run_details
            .metadata
            .as_ref()
            .and_then(|m| m.invocation_id.as_deref()),
        Some("https://gitlab.example.org/group/sub/widget/-/jobs/77001")
    );
}

#[test]
fn generic_fields() {
    let mut i = input(env(&[("HOSTNAME", "ignored-when-given"), ("PATH", "/bin")]));
    i.hostname = Some("build-box".to_owned());
    i.source = Some(SourceInfo {
        uri: "https://git.example.com/acme/widget".to_owned(),
        commit: Some(SHA.to_owned()),
        git_ref: Some("refs/heads/release".to_owned()),
    });
    let (_, p) = built(&i);
    assert_eq!(p.build_definition.build_type, BUILD_TYPE_LOCAL);
    assert_eq!(p.run_details.builder.id, "local:build-box");
    assert_eq!(
        Value::Object(p.build_definition.external_parameters.clone()),
        json!({"source": "https://git.example.com/acme/widget", "ref": "refs/heads/release"})
    );
    assert_eq!(p.build_definition.internal_parameters, None);
    let src = &p.build_definition.resolved_dependencies[0];
    assert_eq!(
        src.uri.as_deref(),
        Some("git+https://git.example.com/acme/widget@refs/heads/release")
    );
    assert_eq!(src.digest.get("gitCommit").map(String::as_str), Some(SHA));
    assert_eq!(
        p.run_details
            .metadata
            .as_ref()
            .and_then(|m| m.invocation_id.as_deref()),
        None
    );
}

#[test]
fn generic_builder_id_from_the_environment() {
    let i = input(env(&[
        ("SAFEGUARD_BUILDER_ID", "https://ci.example.com/builders/x"),
        ("HOSTNAME", "h"),
    ]));
    let (_, p) = built(&i);
    assert_eq!(
        p.run_details.builder.id,
        "https://ci.example.com/builders/x"
    );
    // No source: empty external parameters, only the caller's dependency.
    assert!(p.build_definition.external_parameters.is_empty());
    assert_eq!(p.build_definition.resolved_dependencies.len(), 1);

    let (_, p) = built(&input(env(&[("HOSTNAME", "from-env")])));
    assert_eq!(p.run_details.builder.id, "local:from-env");
    let (_, p) = built(&input(env(&[("SAFEGUARD_BUILDER_ID", "")])));
    assert_eq!(p.run_details.builder.id, "local:unknown");
}

#[test]
fn bad_input_is_reported_by_build_checked() {
    let mut i = input(github_env());
    i.started_on = Some("yesterday".to_owned());
    assert_eq!(
        build_checked(&i).unwrap_err().to_string(),
        "SLSA provenance: runDetails.metadata.startedOn \"yesterday\" is not an RFC 3339 timestamp"
    );
    let mut i = input(github_env());
    i.subjects.clear();
    assert_eq!(
        build_checked(&i).unwrap_err().to_string(),
        "the statement has no subject; at least one is required"
    );
}

// ---- policy ----

fn github_statement() -> Statement {
    build(&input(github_env()))
}

fn full_policy() -> Policy {
    Policy {
        predicate_type: Some(PREDICATE_SLSA_PROVENANCE_V1.to_owned()),
        builder_id: Some(
            "https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.0"
                .to_owned(),
        ),
        source_uri: Some("https://github.com/acme/widget".to_owned()),
    }
}

#[test]
fn matching_policy_passes() {
    let st = github_statement();
    assert_eq!(check(&st, &ARTIFACT, None, &full_policy()), Ok(()));
    assert_eq!(
        check(&st, &ARTIFACT, Some("widget.tar.gz"), &full_policy()),
        Ok(())
    );
    assert_eq!(
        check(
            &st,
            &ARTIFACT,
            Some("dist/widget.tar.gz"),
            &Policy::default()
        ),
        Ok(())
    );
    // Source spellings that name the same repository.
    for source in [
        "git+https://github.com/acme/widget.git",
        "https://github.com/acme/widget@refs/tags/v1.2.0",
        "github.com/acme/widget",
        "https://GITHUB.com/acme/widget/",
    ] {
        let policy = Policy {
            source_uri: Some(source.to_owned()),
            ..Policy::default()
        };
        assert_eq!(check(&st, &ARTIFACT, None, &policy), Ok(()), "{source}");
    }
    // GitLab and generic statements carry their source too.
    let gl = build(&input(gitlab_env()));
    let policy = Policy {
        source_uri: Some("https://gitlab.example.org/group/sub/widget.git".to_owned()),
        builder_id: Some("https://gitlab.example.org/group/sub/widget/-/runners/12".to_owned()),
        ..Policy::default()
    };
    assert_eq!(check(&gl, &ARTIFACT, None, &policy), Ok(()));
    let mut i = input(BTreeMap::new());
    i.source = Some(SourceInfo {
        uri: "https://git.example.com/acme/widget".to_owned(),
        commit: None,
        git_ref: None,
    });
    let local = build(&i);
    let policy = Policy {
        source_uri: Some("git.example.com/acme/widget".to_owned()),
        ..Policy::default()
    };
    assert_eq!(check(&local, &ARTIFACT, None, &policy), Ok(()));
}

#[test]
fn subject_mismatch() {
    let st = github_statement();
    let err = check(&st, &[0x5a; 32], None, &full_policy()).unwrap_err();
    assert!(matches!(err, PolicyError::SubjectMismatch { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "verification failed: subject mismatch: no subject has sha256 {}; found \"dist/widget.tar.gz\" (\"{}\")",
            "5a".repeat(32),
            "a5".repeat(32)
        )
    );
    let err = check(&st, &ARTIFACT, Some("other.zip"), &full_policy()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "verification failed: subject mismatch: the subject with sha256 {} is named \"dist/widget.tar.gz\", expected \"other.zip\"",
            "a5".repeat(32)
        )
    );
}

#[test]
fn predicate_type_mismatch() {
    let st = github_statement();
    let policy = Policy {
        predicate_type: Some(PREDICATE_VULNS_V0_2.to_owned()),
        ..full_policy()
    };
    let err = check(&st, &ARTIFACT, None, &policy).unwrap_err();
    assert_eq!(
        err.to_string(),
        "verification failed: predicate type mismatch: expected \"https://in-toto.io/attestation/vulns/v0.2\" found \"https://slsa.dev/provenance/v1\""
    );
    // A builder check on a statement that is not provenance says so.
    let vulns = Statement::new(
        vec![ResourceDescriptor::sha256("w", &ARTIFACT)],
        PREDICATE_VULNS_V0_2,
        serde_json::Map::new(),
    );
    let err = check(&vulns, &ARTIFACT, None, &full_policy()).unwrap_err();
    assert!(matches!(err, PolicyError::PredicateTypeMismatch { .. }));
    let policy = Policy {
        predicate_type: None,
        ..full_policy()
    };
    let err = check(&vulns, &ARTIFACT, None, &policy).unwrap_err();
    assert!(matches!(err, PolicyError::NotProvenance(_)), "{err}");
}

#[test]
fn builder_id_mismatch() {
    let st = github_statement();
    let policy = Policy {
        builder_id: Some(
            "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main"
                .to_owned(),
        ),
        ..full_policy()
    };
    let err = check(&st, &ARTIFACT, None, &policy).unwrap_err();
    assert_eq!(
        err.to_string(),
        "verification failed: builder id mismatch: expected \"https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main\" found \"https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.0\""
    );
}

#[test]
fn source_uri_mismatch() {
    let st = github_statement();
    for wrong in [
        "https://github.com/acme/widget-fork",
        "https://github.com/acme",
        "https://gitlab.com/acme/widget",
        "http://github.com/acme/widget",
    ] {
        let policy = Policy {
            source_uri: Some(wrong.to_owned()),
            ..full_policy()
        };
        let err = check(&st, &ARTIFACT, None, &policy).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "verification failed: source URI mismatch: expected \"{wrong}\" found \"https://github.com/acme/widget\", \"git+https://github.com/acme/widget@refs/tags/v1.2.0\", \"pkg:cargo/serde@1.0.219\""
            )
        );
    }
}

#[test]
fn invalid_statement_is_refused() {
    let mut st = github_statement();
    st.subject.clear();
    let err = check(&st, &ARTIFACT, None, &Policy::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "verification failed: the statement is not valid: the statement has no subject; at least one is required"
    );
}

#[test]
fn inventory_components_become_resolved_dependencies() {
    let a = serde_component(&[(HashAlg::Sha256, "aa")]);
    // The same crate in a second lockfile, with a sha512 and a different sha256: the first
    // sha256 is kept and the sha512 is added.
    let b = serde_component(&[(HashAlg::Sha256, "bb"), (HashAlg::Sha512, "cc")]);
    let mut go = Component::new(
        Ecosystem::Go,
        "golang.org/x/text",
        "v0.3.7",
        Location {
            file: "go.sum".into(),
            line: Some(1),
        },
    );
    go.hashes = vec![Hash::from_hex(HashAlg::GoH1, &"dd".repeat(32)).expect("hex")];
    let mut own = serde_component(&[]);
    own.name = "widget".into();
    own.purl = "pkg:cargo/widget@1.2.0".into();
    own.first_party = true;
    let deps = safeguard_attest::provenance::components([&go, &a, &own, &b]);
    assert_eq!(deps.len(), 2, "{deps:?}");
    assert_eq!(deps[0].uri.as_deref(), Some("pkg:cargo/serde@1.0.219"));
    assert_eq!(deps[0].digest.get("sha256"), Some(&"aa".repeat(32)));
    assert_eq!(deps[0].digest.get("sha512"), Some(&"cc".repeat(64)));
    assert_eq!(
        deps[1].uri.as_deref(),
        Some("pkg:golang/golang.org/x/text@v0.3.7")
    );
    assert_eq!(deps[1].digest.get("dirHash1"), Some(&"dd".repeat(32)));
    // A statement carrying them is valid.
    let mut inp = input(env(&[]));
    inp.dependencies = deps;
    built(&inp);
}
