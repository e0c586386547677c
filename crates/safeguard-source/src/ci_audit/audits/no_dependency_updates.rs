//! `no-dependency-updates`: no Dependabot or Renovate configuration in the repository.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::{Confidence, Severity};

pub struct NoDependencyUpdates;

impl Audit for NoDependencyUpdates {
    fn id(&self) -> &'static str {
        "no-dependency-updates"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn description(&self) -> &'static str {
        "Repository-level: dependencies (manifests, workflows, CI images) but no Dependabot or \
         Renovate configuration to keep them, and pinned action SHAs, up to date."
    }
    fn help(&self) -> &'static str {
        "Without an update tool, known-vulnerable dependencies and pinned actions stay in place \
         until someone notices. Both tools also keep SHA-pinned actions current."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let Some(repo) = cx.repo else {
            return;
        };
        if !repo.posture.dependency_updates.is_empty() || !repo.has_dependencies {
            return;
        }
        out.pos(
            &repo.location,
            (1, 1),
            Rating(Severity::Medium, Confidence::High),
            "the repository has dependencies but no dependency update configuration (looked for \
             .github/dependabot.yml, renovate.json, .renovaterc and the other Renovate \
             locations)"
                .to_string(),
            "Add `.github/dependabot.yml` with an entry per package ecosystem (include \
             `github-actions`), or a `renovate.json`.",
        );
    }
}
