//! `dangerous-triggers`: `pull_request_target` / `workflow_run` (and `issue_comment`)
//! workflows that check out or run the pull request's code with the base repository's
//! secrets and token.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::{CiDoc, DocKind};
use crate::ci_audit::expr;
use crate::ci_audit::github::{self, StepRef};
use crate::ci_audit::yaml::{self, Node};
use crate::ci_audit::{Confidence, Severity};

pub struct DangerousTriggers;

/// Triggers that run with secrets and a write token for events outsiders can cause.
const PRIVILEGED: &[&str] = &["pull_request_target", "workflow_run"];

/// Contexts naming the pull request's (or triggering run's) code.
const HEAD_CONTEXTS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.event.workflow_run.head_repository.full_name",
];

const FIX_CHECKOUT: &str = "Do not check out or run pull request code in a privileged \
     workflow: use the `pull_request` trigger for building and testing, and if results must be \
     posted back, pass them as an artifact to a separate `workflow_run` job that never executes \
     them.";
const FIX_NOTE: &str = "Prefer `pull_request`. If this trigger is needed, keep the workflow's \
     permissions minimal, never check out or run the pull request's code, and pass event data \
     to scripts through `env:`.";

impl Audit for DangerousTriggers {
    fn id(&self) -> &'static str {
        "dangerous-triggers"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn description(&self) -> &'static str {
        "`pull_request_target`, `workflow_run` and `issue_comment` workflows that check out or \
         run pull request code with secrets and a write token (\"pwn requests\"); other uses of \
         the privileged triggers are noted."
    }
    fn help(&self) -> &'static str {
        "These triggers run in the context of the base repository, with its secrets and a \
         token that can write, for events anyone can cause. Checking out the pull request's \
         head and building it hands that power to the pull request's author."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.of_kind(DocKind::Workflow) {
            let triggers = github::triggers(&doc.root);
            let privileged: Vec<_> = triggers
                .iter()
                .filter(|t| PRIVILEGED.contains(&t.name))
                .collect();
            let comment = triggers.iter().any(|t| t.name == "issue_comment");
            if privileged.is_empty() && !comment {
                continue;
            }
            let trigger_names: Vec<&str> = privileged
                .iter()
                .map(|t| t.name)
                .chain(comment.then_some("issue_comment"))
                .collect();
            let on = trigger_names.join("`/`");
            let mut found = false;
            for step in github::all_steps(doc) {
                for (node, pos, what) in head_checkouts(doc, &step) {
                    found = true;
                    out.pos(
                        &doc.path,
                        pos.unwrap_or((node.line, node.column)),
                        Rating(Severity::High, Confidence::Medium),
                        format!(
                            "{} runs on `{on}` and {what}: the pull request's author controls \
                             code that runs with this workflow's secrets and token",
                            step.label()
                        ),
                        FIX_CHECKOUT,
                    );
                }
            }
            if found {
                continue;
            }
            for t in privileged {
                out.at(
                    doc,
                    t.at,
                    Rating(Severity::Low, Confidence::Medium),
                    format!(
                        "workflow runs on `{}`, which has the repository's secrets and a write \
                         token for events outsiders can cause; it does not check out the pull \
                         request's code, but any event data it uses is untrusted",
                        t.name
                    ),
                    FIX_NOTE,
                );
            }
        }
    }
}

/// True when `text` names the pull request's head: a head context in an expression, or a
/// `refs/pull/…` ref.
fn names_head(text: &str) -> bool {
    if text.contains("refs/pull/") {
        return true;
    }
    expr::expressions(text).iter().any(|e| {
        expr::context_refs(e.inner)
            .iter()
            .any(|r| HEAD_CONTEXTS.contains(&r.path.as_str()))
    })
}

/// A place in a step: its node, an exact position inside it (for scripts), and what happens.
type Place<'a> = (&'a Node, Option<(u32, u32)>, String);

/// Places where a step fetches the pull request's code: `actions/checkout` with a head `ref:`
/// or `repository:`, or `git checkout|fetch|switch|pull` / `gh pr checkout` in `run:`.
fn head_checkouts<'a>(doc: &CiDoc, step: &StepRef<'a>) -> Vec<Place<'a>> {
    let mut out = Vec::new();
    if step.action().as_deref() == Some("actions/checkout") {
        for key in ["ref", "repository"] {
            if let Some(v) = step.with(key)
                && v.as_str().is_some_and(names_head)
            {
                out.push((
                    v,
                    None,
                    format!(
                        "checks out `{key}: {}`",
                        github::one_line(v.as_str().unwrap_or_default())
                    ),
                ));
            }
        }
    }
    if let Some(run) = step.run()
        && let Some(text) = run.as_str()
    {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let start = offset + (line.len() - trimmed.len());
            offset += line.len();
            if trimmed.starts_with('#') {
                continue;
            }
            let hit = if let Some(i) = trimmed.find("gh pr checkout") {
                Some((i, "runs `gh pr checkout`"))
            } else {
                ["git checkout", "git fetch", "git switch", "git pull"]
                    .iter()
                    .find_map(|c| trimmed.find(c))
                    .filter(|_| names_head(trimmed) || trimmed.contains("pull/"))
                    .map(|i| (i, "fetches the pull request's head with git"))
            };
            if out.len() >= crate::ci_audit::shell::MAX_PER_SCRIPT {
                break;
            }
            if let Some((i, what)) = hit {
                let pos = yaml::locate(&doc.src, run, start + i, 3);
                out.push((run, Some(pos), what.to_string()));
            }
        }
    }
    out
}
