//! SLSA Provenance v1 statements built from the CI environment.
//!
//! The environment is passed in as a map of variables ([`ProvenanceInput::env`]), so the same
//! code serves the CLI (`std::env::vars()`) and tests (fake environments). [`detect`] names the
//! platform; [`build`] writes an in-toto Statement v1 whose predicate is a
//! [`Provenance`](crate::intoto::Provenance).
//!
//! Safeguard defines its own build types, one per platform. Their parameters are:
//!
//! - [`BUILD_TYPE_GITHUB_ACTIONS`]: `externalParameters` = `{"workflow": {"ref": GITHUB_REF,
//!   "repository": "{GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}", "path": the workflow file from
//!   GITHUB_WORKFLOW_REF}, "event_name": GITHUB_EVENT_NAME}`; `internalParameters` = the runner's
//!   `runner_os`, `runner_arch`, `runner_environment`, and `run_id`, `run_attempt`,
//!   `repository_id`, `repository_owner_id`. The builder id is
//!   `{GITHUB_SERVER_URL}/{GITHUB_WORKFLOW_REF}` (the workflow at its ref, as slsa-verifier
//!   expects), or `https://github.com/actions/runner/{github-hosted|self-hosted}` when the
//!   workflow ref is unknown.
//! - [`BUILD_TYPE_GITLAB_CI`]: `externalParameters` = `{"workflow": {"ref": the full ref,
//!   "repository": "{CI_SERVER_URL}/{CI_PROJECT_PATH}", "path": CI_CONFIG_PATH},
//!   "pipeline_source": CI_PIPELINE_SOURCE, "job_name": CI_JOB_NAME}`; `internalParameters` =
//!   `pipeline_id`, `job_id`, `runner_id`, `runner_version`, `server_version`. The builder id is
//!   `{CI_SERVER_URL}/{CI_PROJECT_PATH}/-/runners/{CI_RUNNER_ID}`.
//! - [`BUILD_TYPE_LOCAL`]: `externalParameters` = `{"source": repository URI, "ref": ref}` from
//!   the [`SourceInfo`] the caller gives. The builder id is `SAFEGUARD_BUILDER_ID`, or
//!   `local:{hostname}`.
//!
//! Every platform records the source as a resolved dependency `git+{repository}@{ref}` with the
//! digest `{"gitCommit": sha}`, followed by the caller's extra dependencies. Empty variables
//! count as unset. A commit that is not 40 or 64 hex digits is left out of the digest rather
//! than producing an invalid statement.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::intoto::{
    BuildDefinition, BuildMetadata, Builder, IntotoError, PREDICATE_SLSA_PROVENANCE_V1, Provenance,
    ResourceDescriptor, RunDetails, Statement,
};

/// Build type of provenance made on GitHub Actions.
pub const BUILD_TYPE_GITHUB_ACTIONS: &str = "https://safeguard.dev/provenance/github-actions/v1";
/// Build type of provenance made on GitLab CI.
pub const BUILD_TYPE_GITLAB_CI: &str = "https://safeguard.dev/provenance/gitlab-ci/v1";
/// Build type of provenance made anywhere else (a workstation or an unrecognised CI).
pub const BUILD_TYPE_LOCAL: &str = "https://safeguard.dev/provenance/local/v1";

/// The CI platform a build runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CiPlatform {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GitHubActions,
    /// GitLab CI (`GITLAB_CI=true`).
    GitLabCi,
    /// Anything else.
    Generic,
}

impl CiPlatform {
    /// The build type Safeguard writes for this platform.
    pub fn build_type(self) -> &'static str {
        match self {
            CiPlatform::GitHubActions => BUILD_TYPE_GITHUB_ACTIONS,
            CiPlatform::GitLabCi => BUILD_TYPE_GITLAB_CI,
            CiPlatform::Generic => BUILD_TYPE_LOCAL,
        }
    }
}

/// The source a build came from, as the caller knows it (used by the generic platform, and as
/// a fallback for variables a CI platform did not set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceInfo {
    /// The repository URI, e.g. `https://example.com/org/repo` (no `git+` prefix).
    pub uri: String,
    /// The commit, lowercase hex.
    pub commit: Option<String>,
    /// The ref, e.g. `refs/heads/main`.
    pub git_ref: Option<String>,
}

/// What [`build`] needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvenanceInput {
    /// The environment variables of the build.
    pub env: BTreeMap<String, String>,
    /// The artifacts built (name and sha256, see [`ResourceDescriptor::sha256`]).
    pub subjects: Vec<ResourceDescriptor>,
    /// When the build started (RFC 3339).
    pub started_on: Option<String>,
    /// When the build finished (RFC 3339).
    pub finished_on: Option<String>,
    /// Extra resolved dependencies, e.g. inventory components (see [`component`]).
    pub dependencies: Vec<ResourceDescriptor>,
    /// Byproducts of the build (logs, reports).
    pub byproducts: Vec<ResourceDescriptor>,
    /// The source repository, when the caller read it from git.
    pub source: Option<SourceInfo>,
    /// This machine's host name, for the generic builder id `local:{hostname}`; when unset,
    /// `HOSTNAME` / `COMPUTERNAME` from [`env`](ProvenanceInput::env) are tried, then
    /// `unknown`.
    pub hostname: Option<String>,
}

/// Which platform the environment belongs to.
pub fn detect(env: &BTreeMap<String, String>) -> CiPlatform {
    let is_true = |k: &str| env.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if is_true("GITHUB_ACTIONS") {
        CiPlatform::GitHubActions
    } else if is_true("GITLAB_CI") {
        CiPlatform::GitLabCi
    } else {
        CiPlatform::Generic
    }
}

/// This machine's host name, read from the system (`/proc/sys/kernel/hostname`, then
/// `/etc/hostname`), for [`ProvenanceInput::hostname`]. `None` when neither is readable.
pub fn local_hostname() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .find(|s| !s.is_empty() && s.len() <= 255)
}

/// The in-toto digest-set key for a lockfile hash algorithm (Go's `h1:` dirhash is
/// `dirHash1`, hex encoded, as the in-toto digest-set specification defines it).
pub fn digest_key(alg: safeguard_model::HashAlg) -> &'static str {
    use safeguard_model::HashAlg;
    match alg {
        HashAlg::Md5 => "md5",
        HashAlg::Sha1 => "sha1",
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha384 => "sha384",
        HashAlg::Sha512 => "sha512",
        HashAlg::GoH1 => "dirHash1",
    }
}

/// A resolved dependency for an inventory component: its purl as the URI, with the integrity
/// hashes its lockfile records (one per algorithm; the first of each wins).
pub fn component(c: &safeguard_model::Component) -> ResourceDescriptor {
    let mut digest = BTreeMap::new();
    for h in &c.hashes {
        digest
            .entry(digest_key(h.alg).to_owned())
            .or_insert_with(|| h.value.clone());
    }
    ResourceDescriptor {
        uri: Some(c.purl.clone()),
        digest,
        ..ResourceDescriptor::default()
    }
}

/// The resolved dependencies for an inventory: one per distinct third-party purl, in purl
/// order, with the hashes of every occurrence merged. The product's own packages
/// (`first_party`) are left out: the source repository stands for them.
pub fn components<'a>(
    inventory: impl IntoIterator<Item = &'a safeguard_model::Component>,
) -> Vec<ResourceDescriptor> {
    let mut by_purl: BTreeMap<&str, ResourceDescriptor> = BTreeMap::new();
    for c in inventory {
        if c.first_party || c.purl.is_empty() {
            continue;
        }
        let rd = component(c);
        match by_purl.get_mut(c.purl.as_str()) {
            Some(seen) => {
                for (k, v) in rd.digest {
                    seen.digest.entry(k).or_insert(v);
                }
            }
            None => {
                by_purl.insert(&c.purl, rd);
            }
        }
    }
    by_purl.into_values().collect()
}

/// The provenance predicate for `input` (not yet wrapped in a statement).
pub fn build_provenance(input: &ProvenanceInput) -> Provenance {
    let platform = detect(&input.env);
    let env = Env(&input.env);
    let parts = match platform {
        CiPlatform::GitHubActions => github(&env, input.source.as_ref()),
        CiPlatform::GitLabCi => gitlab(&env, input.source.as_ref()),
        CiPlatform::Generic => generic(&env, input),
    };
    let mut resolved = Vec::with_capacity(1 + input.dependencies.len());
    if let Some(src) = parts.source {
        resolved.push(src);
    }
    resolved.extend(input.dependencies.iter().cloned());
    let metadata = BuildMetadata {
        invocation_id: parts.invocation_id,
        started_on: input.started_on.clone(),
        finished_on: input.finished_on.clone(),
    };
    let has_metadata = metadata != BuildMetadata::default();
    Provenance {
        build_definition: BuildDefinition {
            build_type: platform.build_type().to_owned(),
            external_parameters: parts.external,
            internal_parameters: (!parts.internal.is_empty()).then_some(parts.internal),
            resolved_dependencies: resolved,
        },
        run_details: RunDetails {
            builder: Builder {
                id: parts.builder_id,
                version: parts.builder_version,
                builder_dependencies: Vec::new(),
            },
            metadata: has_metadata.then_some(metadata),
            byproducts: input.byproducts.clone(),
        },
    }
}

/// The in-toto Statement v1 (SLSA Provenance v1 predicate) for `input`. It is not validated:
/// an input with no subjects or a malformed timestamp gives an invalid statement; use
/// [`build_checked`] to be told.
pub fn build(input: &ProvenanceInput) -> Statement {
    Statement::new(
        input.subjects.clone(),
        PREDICATE_SLSA_PROVENANCE_V1,
        build_provenance(input).to_predicate(),
    )
}

/// As [`build`], then check the statement and its predicate.
pub fn build_checked(input: &ProvenanceInput) -> Result<Statement, IntotoError> {
    let provenance = build_provenance(input);
    provenance.validate()?;
    let st = Statement::new(
        input.subjects.clone(),
        PREDICATE_SLSA_PROVENANCE_V1,
        provenance.to_predicate(),
    );
    st.validate()?;
    Ok(st)
}

/// Environment lookups where empty values count as unset.
struct Env<'a>(&'a BTreeMap<String, String>);

impl Env<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(|v| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// The platform-specific parts of the predicate.
struct Parts {
    builder_id: String,
    builder_version: BTreeMap<String, String>,
    external: Map<String, Value>,
    internal: Map<String, Value>,
    invocation_id: Option<String>,
    source: Option<ResourceDescriptor>,
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), Value::String(v.to_owned()));
    }
}

/// `https://host/` without the trailing slash.
fn trim_url(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// The source descriptor `git+{repo}@{ref}` with the commit as `gitCommit` when it is well
/// formed.
fn source_descriptor(
    repo: &str,
    git_ref: Option<&str>,
    commit: Option<&str>,
) -> ResourceDescriptor {
    let uri = match git_ref {
        Some(r) => format!("git+{repo}@{r}"),
        None => format!("git+{repo}"),
    };
    let mut digest = BTreeMap::new();
    if let Some(c) = commit {
        let c = c.to_ascii_lowercase();
        if matches!(c.len(), 40 | 64) && c.bytes().all(|b| b.is_ascii_hexdigit()) {
            digest.insert("gitCommit".to_owned(), c);
        }
    }
    ResourceDescriptor {
        uri: Some(uri),
        digest,
        ..ResourceDescriptor::default()
    }
}

fn github(env: &Env<'_>, fallback: Option<&SourceInfo>) -> Parts {
    let server = trim_url(env.get("GITHUB_SERVER_URL").unwrap_or("https://github.com"));
    let repository = env.get("GITHUB_REPOSITORY");
    let repo_url = repository
        .map(|r| format!("{server}/{r}"))
        .or_else(|| fallback.map(|s| s.uri.clone()));
    let git_ref = env
        .get("GITHUB_REF")
        .or_else(|| fallback.and_then(|s| s.git_ref.as_deref()));
    let commit = env
        .get("GITHUB_SHA")
        .or_else(|| fallback.and_then(|s| s.commit.as_deref()));
    let workflow_ref = env.get("GITHUB_WORKFLOW_REF");
    // GITHUB_WORKFLOW_REF is `{owner}/{repo}/{path}@{ref}`.
    let workflow_path = workflow_ref.and_then(|w| {
        let without_ref = w.rsplit_once('@').map_or(w, |(p, _)| p);
        match repository {
            Some(r) => without_ref
                .strip_prefix(r)
                .and_then(|p| p.strip_prefix('/')),
            None => without_ref.splitn(3, '/').nth(2),
        }
    });
    let runner_environment = env.get("RUNNER_ENVIRONMENT");
    let builder_id = match workflow_ref {
        Some(w) => format!("{server}/{w}"),
        None => format!(
            "https://github.com/actions/runner/{}",
            runner_environment.unwrap_or("github-hosted")
        ),
    };

    let mut workflow = Map::new();
    put(&mut workflow, "ref", git_ref);
    put(&mut workflow, "repository", repo_url.as_deref());
    put(&mut workflow, "path", workflow_path);
    let mut external = Map::new();
    if !workflow.is_empty() {
        external.insert("workflow".to_owned(), Value::Object(workflow));
    }
    put(&mut external, "event_name", env.get("GITHUB_EVENT_NAME"));

    let mut internal = Map::new();
    for (key, var) in [
        ("runner_os", "RUNNER_OS"),
        ("runner_arch", "RUNNER_ARCH"),
        ("runner_environment", "RUNNER_ENVIRONMENT"),
        ("run_id", "GITHUB_RUN_ID"),
        ("run_attempt", "GITHUB_RUN_ATTEMPT"),
        ("repository_id", "GITHUB_REPOSITORY_ID"),
        ("repository_owner_id", "GITHUB_REPOSITORY_OWNER_ID"),
    ] {
        put(&mut internal, key, env.get(var));
    }

    let invocation_id = match (repository, env.get("GITHUB_RUN_ID")) {
        (Some(r), Some(run)) => Some(format!(
            "{server}/{r}/actions/runs/{run}/attempts/{}",
            env.get("GITHUB_RUN_ATTEMPT").unwrap_or("1")
        )),
        _ => None,
    };

    Parts {
        builder_id,
        builder_version: BTreeMap::new(),
        external,
        internal,
        invocation_id,
        source: repo_url.map(|u| source_descriptor(&u, git_ref, commit)),
    }
}

fn gitlab(env: &Env<'_>, fallback: Option<&SourceInfo>) -> Parts {
    let server = trim_url(env.get("CI_SERVER_URL").unwrap_or("https://gitlab.com"));
    let project = env.get("CI_PROJECT_PATH");
    let repo_url = project
        .map(|p| format!("{server}/{p}"))
        .or_else(|| fallback.map(|s| s.uri.clone()));
    // Full refs, like GitHub's, so that `git+{repo}@{ref}` reads the same on both.
    let git_ref = if let Some(tag) = env.get("CI_COMMIT_TAG") {
        Some(format!("refs/tags/{tag}"))
    } else if let Some(branch) = env.get("CI_COMMIT_BRANCH") {
        Some(format!("refs/heads/{branch}"))
    } else {
        env.get("CI_COMMIT_REF_NAME")
            .map(str::to_owned)
            .or_else(|| fallback.and_then(|s| s.git_ref.clone()))
    };
    let commit = env
        .get("CI_COMMIT_SHA")
        .or_else(|| fallback.and_then(|s| s.commit.as_deref()));

    let project_part = project.unwrap_or("unknown-project");
    let builder_id = format!(
        "{server}/{project_part}/-/runners/{}",
        env.get("CI_RUNNER_ID").unwrap_or("unknown")
    );
    let mut builder_version = BTreeMap::new();
    if let Some(v) = env.get("CI_RUNNER_VERSION") {
        builder_version.insert("gitlab-runner".to_owned(), v.to_owned());
    }

    let mut workflow = Map::new();
    put(&mut workflow, "ref", git_ref.as_deref());
    put(&mut workflow, "repository", repo_url.as_deref());
    put(&mut workflow, "path", env.get("CI_CONFIG_PATH"));
    let mut external = Map::new();
    if !workflow.is_empty() {
        external.insert("workflow".to_owned(), Value::Object(workflow));
    }
    put(
        &mut external,
        "pipeline_source",
        env.get("CI_PIPELINE_SOURCE"),
    );
    put(&mut external, "job_name", env.get("CI_JOB_NAME"));

    let mut internal = Map::new();
    for (key, var) in [
        ("pipeline_id", "CI_PIPELINE_ID"),
        ("job_id", "CI_JOB_ID"),
        ("runner_id", "CI_RUNNER_ID"),
        ("runner_version", "CI_RUNNER_VERSION"),
        ("server_version", "CI_SERVER_VERSION"),
    ] {
        put(&mut internal, key, env.get(var));
    }

    let invocation_id = env.get("CI_JOB_URL").map(str::to_owned).or_else(|| {
        let job = env.get("CI_JOB_ID")?;
        Some(format!("{server}/{}/-/jobs/{job}", project?))
    });

    Parts {
        builder_id,
        builder_version,
        external,
        internal,
        invocation_id,
        source: repo_url.map(|u| source_descriptor(&u, git_ref.as_deref(), commit)),
    }
}

fn generic(env: &Env<'_>, input: &ProvenanceInput) -> Parts {
    let builder_id = match env.get("SAFEGUARD_BUILDER_ID") {
        Some(id) => id.to_owned(),
        None => {
            let host = input
                .hostname
                .as_deref()
                .filter(|h| !h.is_empty())
                .or_else(|| env.get("HOSTNAME"))
                .or_else(|| env.get("COMPUTERNAME"))
                .unwrap_or("unknown");
            format!("local:{host}")
        }
    };
    let mut external = Map::new();
    let source = input.source.as_ref().filter(|s| !s.uri.is_empty());
    if let Some(s) = source {
        put(&mut external, "source", Some(&s.uri));
        put(&mut external, "ref", s.git_ref.as_deref());
    }
    Parts {
        builder_id,
        builder_version: BTreeMap::new(),
        external,
        internal: Map::new(),
        invocation_id: None,
        source: source
            .map(|s| source_descriptor(&s.uri, s.git_ref.as_deref(), s.commit.as_deref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn hostname_is_read_on_linux() {
        let h = local_hostname().unwrap_or_default();
        assert!(!h.is_empty() && !h.contains('\n'), "{h:?}");
    }

    #[test]
    fn bad_commit_is_left_out() {
        let d = source_descriptor("https://h/r", Some("refs/heads/x"), Some("not-a-sha"));
        assert_eq!(d.uri.as_deref(), Some("git+https://h/r@refs/heads/x"));
        assert!(d.digest.is_empty());
        let d = source_descriptor("https://h/r", None, Some(&"AB".repeat(20)));
        assert_eq!(d.uri.as_deref(), Some("git+https://h/r"));
        assert_eq!(d.digest.get("gitCommit"), Some(&"ab".repeat(20)));
    }
}
