//! `excessive-permissions`: workflows whose `GITHUB_TOKEN` gets more than the jobs need.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::DocKind;
use crate::ci_audit::github;
use crate::ci_audit::yaml::Node;
use crate::ci_audit::{Confidence, Severity};

pub struct ExcessivePermissions;

const FIX_DEFAULT: &str = "Add `permissions: {}` (or `contents: read`) at the top of the \
     workflow and grant each job only the scopes it needs in its own `permissions:`.";
const FIX_WRITE_ALL: &str = "Replace `write-all` with the specific scopes the job needs \
     (for example `contents: write`), everything else defaulting to none.";
const FIX_SCOPE: &str = "Move the write scope from the workflow's `permissions:` to the \
     `permissions:` of the job that needs it, leaving the workflow at `contents: read` or `{}`.";

impl Audit for ExcessivePermissions {
    fn id(&self) -> &'static str {
        "excessive-permissions"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn description(&self) -> &'static str {
        "Workflows with no `permissions:` (the broad default token), `write-all`, or write \
         scopes granted to every job at workflow level."
    }
    fn help(&self) -> &'static str {
        "A compromised step can do whatever the GITHUB_TOKEN allows. Set `permissions:` at \
         workflow level to read-only or nothing, and grant write scopes per job."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.of_kind(DocKind::Workflow) {
            let root = &doc.root;
            let jobs = github::jobs(root);
            let triggers = github::triggers(root);
            // Reusable workflows get their token from the caller, which sets the permissions.
            let reusable_only =
                !triggers.is_empty() && triggers.iter().all(|t| t.name == "workflow_call");
            let top = root.get_entry("permissions");
            for job in &jobs {
                if let Some(p) = job.node.get("permissions")
                    && p.as_str() == Some("write-all")
                {
                    out.at(
                        doc,
                        p,
                        Rating(Severity::High, Confidence::High),
                        format!(
                            "job `{}` sets `permissions: write-all`: its token can write to \
                             every scope",
                            job.id
                        ),
                        FIX_WRITE_ALL,
                    );
                }
            }
            let inheriting: Vec<&str> = jobs
                .iter()
                .filter(|j| j.node.get("permissions").is_none())
                .map(|j| j.id)
                .collect();
            match top {
                Some(e) => {
                    let v: &Node = &e.value;
                    if v.as_str() == Some("write-all") {
                        out.at(
                            doc,
                            v,
                            Rating(Severity::High, Confidence::High),
                            "workflow-level `permissions: write-all`: every job's token can \
                             write to every scope"
                                .to_string(),
                            FIX_WRITE_ALL,
                        );
                    } else if v.is_map() && inheriting.len() >= 2 {
                        for scope in v.entries() {
                            if scope.value.as_str() != Some("write") {
                                continue;
                            }
                            let name = scope.key.as_str().unwrap_or("?");
                            out.at(
                                doc,
                                &scope.key,
                                Rating(Severity::Medium, Confidence::Medium),
                                format!(
                                    "workflow-level `{name}: write` applies to all {} jobs \
                                     without their own permissions ({})",
                                    inheriting.len(),
                                    list(&inheriting)
                                ),
                                FIX_SCOPE,
                            );
                        }
                    }
                }
                None if !reusable_only => {
                    for job in jobs.iter().filter(|j| j.node.get("permissions").is_none()) {
                        out.at(
                            doc,
                            job.key,
                            Rating(Severity::Medium, Confidence::Medium),
                            format!(
                                "job `{}` has no `permissions:` and neither has the workflow: \
                                 it gets the repository's default token permissions, which \
                                 can be write access to everything",
                                job.id
                            ),
                            FIX_DEFAULT,
                        );
                    }
                }
                None => {}
            }
        }
    }
}

fn list(ids: &[&str]) -> String {
    let shown: Vec<String> = ids.iter().take(5).map(|i| format!("`{i}`")).collect();
    let mut s = shown.join(", ");
    if ids.len() > 5 {
        s.push_str(&format!(" and {} more", ids.len() - 5));
    }
    s
}
