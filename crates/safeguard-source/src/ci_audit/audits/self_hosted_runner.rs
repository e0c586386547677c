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
                for (node, confidence, why) in self_hosted(&job) {
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
}

fn github_hosted(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    ["ubuntu-", "windows-", "macos-"]
        .iter()
        .any(|p| l.starts_with(p))
}

/// The values `${{ matrix.<key> }}` can take in a job.
fn matrix_values<'a>(job: &Job<'a>, key: &str) -> Vec<&'a Node> {
    let mut values: Vec<&Node> = Vec::new();
    let Some(matrix) = job.node.get("strategy").and_then(|s| s.get("matrix")) else {
        return values;
    };
    let is_key = |k: &Node| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key));
    for e in matrix.entries() {
        if is_key(&e.key) {
            match e.value.as_seq() {
                Some(items) => values.extend(items.iter().map(|i| &**i)),
                None => values.push(&e.value),
            }
        }
    }
    if let Some(include) = matrix.get("include").and_then(Node::as_seq) {
        for item in include {
            for e in item.entries() {
                if is_key(&e.key) {
                    values.push(&e.value);
                }
            }
        }
    }
    values
}

/// The label sets a job can run with: its written labels, once per value of a
/// `${{ matrix.x }}` label. Other expressions are left out (they cannot be judged).
fn label_sets<'a>(
    job: &Job<'a>,
    labels: Vec<(&'a str, &'a Node)>,
) -> Vec<Vec<(&'a str, &'a Node)>> {
    let mut fixed = Vec::new();
    let mut matrix_key = None;
    for (label, node) in labels {
        if !label.contains("${{") {
            fixed.push((label, node));
            continue;
        }
        let exprs = expr::expressions(label);
        if let [one] = exprs.as_slice()
            && let [r] = expr::context_refs(one.inner).as_slice()
            && let Some(key) = r.path.strip_prefix("matrix.")
        {
            matrix_key = Some(key.to_string());
        }
    }
    let Some(key) = matrix_key else {
        return vec![fixed];
    };
    let values = matrix_values(job, &key);
    if values.is_empty() {
        return vec![fixed];
    }
    values
        .into_iter()
        .map(|v| {
            let mut set = fixed.clone();
            match v.as_seq() {
                Some(items) => set.extend(items.iter().filter_map(|i| Some((i.as_str()?, &**i)))),
                None => set.extend(v.as_str().map(|s| (s, v))),
            }
            set
        })
        .collect()
}

/// Where and why a job is on a self-hosted runner (once per distinct place).
fn self_hosted<'a>(job: &Job<'a>) -> Vec<(&'a Node, Confidence, String)> {
    let (labels, group) = github::runs_on(job.node);
    if let Some(g) = group {
        return vec![(
            g,
            Confidence::Low,
            format!(
                "the runner group `{}` (runner groups usually hold self-hosted runners)",
                g.as_str().unwrap_or("?")
            ),
        )];
    }
    let mut out: Vec<(&Node, Confidence, String)> = Vec::new();
    for labels in label_sets(job, labels) {
        let hit = if let Some((_, node)) = labels
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case("self-hosted"))
        {
            Some((*node, Confidence::High, "a self-hosted runner".to_string()))
        } else if !labels.is_empty() && !labels.iter().any(|(l, _)| github_hosted(l)) {
            let names: Vec<&str> = labels.iter().map(|(l, _)| *l).collect();
            labels
                .iter()
                .rev()
                .find(|(l, _)| !l.is_empty())
                .map(|(_, node)| {
                    (
                        *node,
                        Confidence::Low,
                        format!(
                            "runner labels `{}` that no GitHub-hosted runner has",
                            names.join("`, `")
                        ),
                    )
                })
        } else {
            None
        };
        if let Some(h) = hit
            && !out.iter().any(|(n, _, _)| std::ptr::eq(*n, h.0))
        {
            out.push(h);
        }
    }
    out
}
