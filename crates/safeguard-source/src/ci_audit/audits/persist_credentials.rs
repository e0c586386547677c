//! `persist-credentials`: `actions/checkout` leaving the token in `.git/config`.

use std::collections::BTreeSet;

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::github;
use crate::ci_audit::{Confidence, Severity};

pub struct PersistCredentials;

impl Audit for PersistCredentials {
    fn id(&self) -> &'static str {
        "persist-credentials"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn description(&self) -> &'static str {
        "`actions/checkout` without `persist-credentials: false`, which leaves the job's token \
         in the checkout for every later step (and any uploaded artifact) to read."
    }
    fn help(&self) -> &'static str {
        "By default actions/checkout stores the GITHUB_TOKEN in the repository's git \
         configuration; later steps, tools and artifacts of the workspace can read it."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.github() {
            let steps = github::all_steps(doc);
            let uploading: BTreeSet<Option<&str>> = steps
                .iter()
                .filter(|s| s.action().as_deref() == Some("actions/upload-artifact"))
                .map(|s| s.job.map(|j| j.id))
                .collect();
            for step in &steps {
                if step.action().as_deref() != Some("actions/checkout") {
                    continue;
                }
                let Some((node, uses)) = step.uses() else {
                    continue;
                };
                let value = step.with("persist-credentials").and_then(|v| v.as_str());
                if value.is_some_and(|v| v.eq_ignore_ascii_case("false") || v.contains("${{")) {
                    continue;
                }
                let uploads = uploading.contains(&step.job.map(|j| j.id));
                let (severity, extra) = if uploads {
                    (
                        Severity::Medium,
                        "; the same job uploads an artifact, which may include it",
                    )
                } else {
                    (Severity::Low, "")
                };
                out.at(
                    doc,
                    node,
                    Rating(severity, Confidence::High),
                    format!(
                        "{} uses `{}` without `persist-credentials: false`: the token stays in \
                         .git/config for every later step{extra}",
                        step.label(),
                        github::one_line(uses)
                    ),
                    "Add `with: persist-credentials: false` (and give the token explicitly to \
                     the one step that pushes, if any).",
                );
            }
        }
    }
}
