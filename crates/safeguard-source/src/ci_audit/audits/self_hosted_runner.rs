//! `self-hosted-runner`: jobs that run on self-hosted runners, especially for pull requests.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::DocKind;
use crate::ci_audit::expr;
use crate::ci_audit::github::{self, Job};
use crate::ci_audit::yaml::Node;
use crate::ci_audit::{Confidence, Severity};

pub struct SelfHostedRunner;

/// Triggers that run code or data from pull requests.
const PR_TRIGGERS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
];

const FIX: &str = "Run untrusted code (pull requests from forks) on GitHub-hosted runners, or \
     on ephemeral, isolated self-hosted runners (`--ephemeral`, one job per machine) with no \
     access to internal networks; require approval for fork workflows.";

impl Audit for SelfHostedRunner {
    fn id(&self) -> &'static str {
        "self-hosted-runner"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn description(&self) -> &'static str {
        "Jobs on self-hosted runners (the `self-hosted` label, a runner group, or only \
         non-GitHub labels); high when the workflow runs for pull requests."
    }
    fn help(&self) -> &'static str {
        "Self-hosted runners usually persist between jobs and sit inside your network; a job \
         that runs a pull request's code can plant backdoors for later jobs or reach internal \
         systems."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.of_kind(DocKind::Workflow) {
            let triggers = github::triggers(&doc.root);
            let pr: Vec<&str> = triggers
                .iter()
                .map(|t| t.name)
                .filter(|n| PR_TRIGGERS.contains(n))
                .collect();
            let severity = if pr.is_empty() {
                Severity::Low
            } else {
                Severity::High
            };
            let context = if pr.is_empty() {
                String::new()
            } else {
                format!(" and the workflow runs on `{}`", pr.join("`/`"))
            };
            for job in github::jobs(&doc.root) {
                let Some((node, confidence, why)) = self_hosted(&job) else {
                    continue;
                };
                out.at(
                    doc,
                    node,
                    Rating(severity, confidence),
                    format!("job `{}` runs on {why}{context}", job.id),
                    FIX,
                );
            }
        }
    }
}

fn github_hosted(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    ["ubuntu-", "windows-", "macos-"]
        .iter()
        .any(|p| l.starts_with(p))
}

/// The labels of a job with `${{ matrix.x }}` resolved from `strategy.matrix`.
fn resolved_labels<'a>(
    job: &Job<'a>,
    labels: Vec<(&'a str, &'a Node)>,
) -> Vec<(&'a str, &'a Node)> {
    let mut out = Vec::new();
    for (label, node) in labels {
        if !label.contains("${{") {
            out.push((label, node));
            continue;
        }
        let exprs = expr::expressions(label);
        let [one] = exprs.as_slice() else {
            continue;
        };
        let refs = expr::context_refs(one.inner);
        let [r] = refs.as_slice() else {
            continue;
        };
        let Some(key) = r.path.strip_prefix("matrix.") else {
            continue;
        };
        let Some(matrix) = job.node.get("strategy").and_then(|s| s.get("matrix")) else {
            continue;
        };
        let mut values: Vec<&Node> = Vec::new();
        for e in matrix.entries() {
            if e.key.as_str().map(str::to_ascii_lowercase).as_deref() == Some(key) {
                match e.value.as_seq() {
                    Some(items) => values.extend(items.iter().map(|i| &**i)),
                    None => values.push(&e.value),
                }
            }
        }
        if let Some(include) = matrix.get("include").and_then(Node::as_seq) {
            for item in include {
                for e in item.entries() {
                    if e.key.as_str().map(str::to_ascii_lowercase).as_deref() == Some(key) {
                        values.push(&e.value);
                    }
                }
            }
        }
        out.extend(values.into_iter().filter_map(|v| Some((v.as_str()?, v))));
    }
    out
}

/// Where and why a job is on a self-hosted runner.
fn self_hosted<'a>(job: &Job<'a>) -> Option<(&'a Node, Confidence, String)> {
    let (labels, group) = github::runs_on(job.node);
    let labels = resolved_labels(job, labels);
    if let Some((_, node)) = labels
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case("self-hosted"))
    {
        return Some((node, Confidence::High, "a self-hosted runner".to_string()));
    }
    if let Some(g) = group {
        return Some((
            g,
            Confidence::Low,
            format!(
                "the runner group `{}` (runner groups usually hold self-hosted runners)",
                g.as_str().unwrap_or("?")
            ),
        ));
    }
    let unknown: Vec<&str> = labels
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| !l.contains("${{"))
        .collect();
    if !unknown.is_empty() && !unknown.iter().any(|l| github_hosted(l)) {
        let (_, node) = labels.first()?;
        return Some((
            node,
            Confidence::Low,
            format!(
                "runner labels `{}` that no GitHub-hosted runner has",
                unknown.join("`, `")
            ),
        ));
    }
    None
}
