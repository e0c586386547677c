//! `missing-security-checks`: repository-level: no SAST, no fuzzing, or no tests in CI.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::{Confidence, Severity};

pub struct MissingSecurityChecks;

impl Audit for MissingSecurityChecks {
    fn id(&self) -> &'static str {
        "missing-security-checks"
    }
    fn severity(&self) -> Severity {
        Severity::Low
    }
    fn description(&self) -> &'static str {
        "Repository-level: CI runs no static analysis (SAST), no fuzzing, or no tests."
    }
    fn help(&self) -> &'static str {
        "Running tests, static analysis and fuzzing on every change is how defects and \
         vulnerabilities are caught before release."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let Some(repo) = cx.repo else {
            return;
        };
        let p = &repo.posture;
        let where_ = if repo.has_ci {
            "in the CI configuration"
        } else {
            "(no CI configuration was found)"
        };
        let mut add = |severity: Severity, message: String, fix: &str| {
            out.pos(
                &repo.location,
                (1, 1),
                Rating(severity, Confidence::Medium),
                message,
                fix,
            );
        };
        if p.tests.is_empty() {
            add(
                Severity::Low,
                format!("no step runs tests {where_}"),
                "Run the test suite in CI on every push and pull request (`cargo test`, \
                 `pytest`, `npm test`, `go test`, …).",
            );
        }
        if p.sast.is_empty() {
            add(
                Severity::Low,
                format!(
                    "no static analysis (SAST) step {where_} (looked for CodeQL, Semgrep, gosec, \
                     bandit, Brakeman, SonarQube, zizmor, GitLab SAST templates)"
                ),
                "Add a SAST job: `github/codeql-action`, Semgrep, or GitLab's \
                 `Security/SAST.gitlab-ci.yml` template.",
            );
        }
        if p.fuzzing.is_empty() {
            add(
                Severity::Info,
                format!(
                    "no fuzzing {where_} or repository (looked for cargo-fuzz, ClusterFuzzLite, \
                     OSS-Fuzz CIFuzz, `go test -fuzz`, GitLab coverage fuzzing)"
                ),
                "Fuzz code that parses untrusted input: cargo-fuzz or `go test -fuzz` targets \
                 run by ClusterFuzzLite or OSS-Fuzz.",
            );
        }
    }
}
