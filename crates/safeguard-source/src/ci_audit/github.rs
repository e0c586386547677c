//! Reading GitHub Actions workflows and actions: triggers, jobs, steps, `uses:` references.

use super::doc::{CiDoc, DocKind};
use super::yaml::{Entry, Node};

/// A parsed `uses:` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uses<'a> {
    /// `./path` in the same repository.
    Local(&'a str),
    /// `docker://image[:tag][@digest]`.
    Docker(&'a str),
    /// `owner/repo[/path]@ref`.
    Repo {
        /// The owner (user or organisation).
        owner: &'a str,
        /// `owner/repo[/path]` as written.
        name: &'a str,
        /// The ref after `@`, if any.
        git_ref: Option<&'a str>,
    },
}

/// Parse a `uses:` value; `None` for an expression or an empty value.
pub fn parse_uses(s: &str) -> Option<Uses<'_>> {
    let s = s.trim();
    if s.is_empty() || s.contains("${{") {
        return None;
    }
    if s.starts_with("./") || s.starts_with("../") {
        return Some(Uses::Local(s));
    }
    if let Some(image) = s.strip_prefix("docker://") {
        return Some(Uses::Docker(image));
    }
    let (name, git_ref) = match s.split_once('@') {
        Some((n, r)) => (n, Some(r)),
        None => (s, None),
    };
    let owner = name.split('/').next().unwrap_or(name);
    Some(Uses::Repo {
        owner,
        name,
        git_ref,
    })
}

/// The lower-cased `owner/repo[/path]` of a repository `uses:` (without the ref).
pub fn action_id(uses: &str) -> Option<String> {
    match parse_uses(uses)? {
        Uses::Repo { name, .. } => Some(name.to_ascii_lowercase()),
        _ => None,
    }
}

/// True for 40 hexadecimal digits (a full commit SHA-1).
pub fn is_full_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// True for `…@sha256:<64 hex>`.
pub fn has_digest(image: &str) -> bool {
    image
        .rsplit_once("@sha256:")
        .is_some_and(|(_, d)| d.len() == 64 && d.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// One workflow trigger.
#[derive(Debug, Clone, Copy)]
pub struct Trigger<'a> {
    /// The event name as written.
    pub name: &'a str,
    /// Where it is written.
    pub at: &'a Node,
    /// Its configuration (`branches:`, `tags:`, `inputs:`…), if any.
    pub config: Option<&'a Node>,
}

/// The triggers of a workflow (`on:` as a string, a list or a mapping).
pub fn triggers(root: &Node) -> Vec<Trigger<'_>> {
    let Some(on) = root.get("on") else {
        return Vec::new();
    };
    if let Some(name) = on.as_str() {
        return vec![Trigger {
            name,
            at: on,
            config: None,
        }];
    }
    if let Some(items) = on.as_seq() {
        return items
            .iter()
            .filter_map(|i| {
                Some(Trigger {
                    name: i.as_str()?,
                    at: i,
                    config: None,
                })
            })
            .collect();
    }
    on.entries()
        .into_iter()
        .filter_map(|e| {
            Some(Trigger {
                name: e.key.as_str()?,
                at: &e.key,
                config: Some(&*e.value).filter(|v| !v.is_null()),
            })
        })
        .collect()
}

/// One job of a workflow.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The job id.
    pub id: &'a str,
    /// The job's key node (its position).
    pub key: &'a Node,
    /// The job's mapping.
    pub node: &'a Node,
}

/// The jobs of a workflow, in order.
pub fn jobs(root: &Node) -> Vec<Job<'_>> {
    let Some(jobs) = root.get("jobs") else {
        return Vec::new();
    };
    jobs.entries()
        .into_iter()
        .filter(|e| e.value.is_map())
        .filter_map(|e: &Entry| {
            Some(Job {
                id: e.key.as_str()?,
                key: &e.key,
                node: &e.value,
            })
        })
        .collect()
}

/// The steps (mappings) of a job, or of a composite action's `runs:`.
pub fn steps(node: &Node) -> Vec<&Node> {
    node.get("steps")
        .and_then(Node::as_seq)
        .map(|s| s.iter().map(|n| &**n).filter(|n| n.is_map()).collect())
        .unwrap_or_default()
}

/// Where a step lives.
#[derive(Debug, Clone, Copy)]
pub struct StepRef<'a> {
    /// The job, for workflows; `None` in a composite action.
    pub job: Option<Job<'a>>,
    /// The step mapping.
    pub step: &'a Node,
    /// 0-based position in its list.
    pub index: usize,
}

impl<'a> StepRef<'a> {
    /// The step's `uses:` node and text.
    pub fn uses(&self) -> Option<(&'a Node, &'a str)> {
        let n = self.step.get("uses")?;
        Some((n, n.as_str()?))
    }

    /// The lower-cased action id of its `uses:` (`actions/checkout`).
    pub fn action(&self) -> Option<String> {
        self.uses().and_then(|(_, u)| action_id(u))
    }

    /// The `with:` input `key`.
    pub fn with(&self, key: &str) -> Option<&'a Node> {
        self.step.get("with")?.get(key)
    }

    /// The `run:` scalar.
    pub fn run(&self) -> Option<&'a Node> {
        self.step.get("run").filter(|r| r.as_str().is_some())
    }

    /// How to name the step in a message: `step "Build" in job `release``.
    pub fn label(&self) -> String {
        let name = self
            .step
            .get("name")
            .and_then(Node::as_str)
            .or_else(|| self.step.get("id").and_then(Node::as_str));
        let step = match name {
            Some(n) => format!("step \"{}\"", one_line(n)),
            None => format!("step {}", self.index + 1),
        };
        match &self.job {
            Some(j) => format!("{step} of job `{}`", j.id),
            None => step,
        }
    }
}

/// Shorten a name for a message: the first line, at most 80 characters.
pub fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    let mut out: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// The steps of a workflow (every job) or of a composite action.
pub fn all_steps(doc: &CiDoc) -> Vec<StepRef<'_>> {
    match doc.kind {
        DocKind::Workflow => jobs(&doc.root)
            .into_iter()
            .flat_map(|job| {
                steps(job.node)
                    .into_iter()
                    .enumerate()
                    .map(move |(index, step)| StepRef {
                        job: Some(job),
                        step,
                        index,
                    })
            })
            .collect(),
        DocKind::Action => doc
            .root
            .get("runs")
            .map(|runs| {
                steps(runs)
                    .into_iter()
                    .enumerate()
                    .map(|(index, step)| StepRef {
                        job: None,
                        step,
                        index,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        DocKind::GitLab => Vec::new(),
    }
}

/// The steps of one job.
pub fn job_steps(job: Job<'_>) -> Vec<StepRef<'_>> {
    steps(job.node)
        .into_iter()
        .enumerate()
        .map(|(index, step)| StepRef {
            job: Some(job),
            step,
            index,
        })
        .collect()
}

/// Why a workflow counts as a release workflow (it runs on tags or releases, or its name or
/// file name says release, publish or deploy), or `None`.
pub fn release_reason(doc: &CiDoc) -> Option<String> {
    for t in triggers(&doc.root) {
        if t.name == "release" {
            return Some("runs on `release` events".to_string());
        }
        if t.name == "push" && t.config.is_some_and(|c| c.get("tags").is_some()) {
            return Some("runs on pushed tags".to_string());
        }
    }
    let stem = crate::util::file_name(&doc.path);
    let name = doc.root.get("name").and_then(Node::as_str).unwrap_or("");
    for (what, text) in [("file name", stem), ("name", name)] {
        let lower = text.to_ascii_lowercase();
        if let Some(word) = ["release", "publish", "deploy"]
            .into_iter()
            .find(|w| lower.contains(w))
        {
            return Some(format!("its {what} `{}` says {word}", one_line(text)));
        }
    }
    None
}

/// The labels of a job's `runs-on` (a string, a list, or `{group, labels}`), each with its
/// node; `group` is the runner group, if any.
pub fn runs_on(job: &Node) -> (Vec<(&str, &Node)>, Option<&Node>) {
    let Some(r) = job.get("runs-on") else {
        return (Vec::new(), None);
    };
    if r.is_map() {
        let labels = r.get("labels").map(labels_of).unwrap_or_default();
        return (labels, r.get("group"));
    }
    (labels_of(r), None)
}

fn labels_of(n: &Node) -> Vec<(&str, &Node)> {
    if let Some(s) = n.as_str() {
        return vec![(s, n)];
    }
    n.as_seq()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| Some((i.as_str()?, &**i)))
                .collect()
        })
        .unwrap_or_default()
}

/// Shells the workflow expressions go to for template-injection purposes.
pub fn is_github_script(action: &str) -> bool {
    action == "actions/github-script"
}
