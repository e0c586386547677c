//! `unpinned-uses`: actions, reusable workflows, container images and GitLab includes that are
//! not pinned to an immutable version.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::{CiDoc, DocKind};
use crate::ci_audit::github::{self, Uses, has_digest, is_full_sha};
use crate::ci_audit::gitlab::{self, Include};
use crate::ci_audit::yaml::Node;
use crate::ci_audit::{Confidence, Severity};

pub struct UnpinnedUses;

const FIX_ACTION: &str = "Pin to the full 40-character commit SHA of the version you reviewed, \
     with the tag in a comment (`uses: owner/repo@<sha> # v1.2.3`), and let Dependabot or \
     Renovate propose updates.";
const FIX_IMAGE: &str = "Pin the image by digest (`name:tag@sha256:<digest>`) and let \
     Dependabot or Renovate propose updates.";

/// Refs that are certainly branches or moving aliases.
const MOVING_REFS: &[&str] = &[
    "main", "master", "develop", "dev", "trunk", "latest", "head", "stable", "nightly",
];

impl Audit for UnpinnedUses {
    fn id(&self) -> &'static str {
        "unpinned-uses"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn description(&self) -> &'static str {
        "Actions, reusable workflows, container images and GitLab includes not pinned to a \
         commit SHA or image digest: whoever controls the tag or branch controls your pipeline."
    }
    fn help(&self) -> &'static str {
        "Tags and branches can be moved to malicious code at any time (as in the tj-actions/\
         changed-files compromise). Pin actions and reusable workflows to a full commit SHA, \
         container images to an @sha256 digest, and GitLab project includes to a commit SHA."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.github() {
            for step in github::all_steps(doc) {
                if let Some((node, uses)) = step.uses() {
                    check_uses(doc, node, uses, "action", out);
                }
            }
            match doc.kind {
                DocKind::Workflow => {
                    for job in github::jobs(&doc.root) {
                        if let Some(u) = job.node.get("uses")
                            && let Some(s) = u.as_str()
                        {
                            check_uses(doc, u, s, "reusable workflow", out);
                        }
                        if let Some(c) = job.node.get("container") {
                            check_container(doc, c, &format!("container of job `{}`", job.id), out);
                        }
                        if let Some(services) = job.node.get("services") {
                            for e in services.entries() {
                                let what = format!(
                                    "service `{}` of job `{}`",
                                    e.key.as_str().unwrap_or("?"),
                                    job.id
                                );
                                check_container(doc, &e.value, &what, out);
                            }
                        }
                    }
                }
                DocKind::Action => {
                    if let Some(image) = doc.root.get("runs").and_then(|r| r.get("image"))
                        && let Some(s) = image.as_str()
                        && let Some(name) = s.strip_prefix("docker://")
                    {
                        check_image(doc, image, name, "Docker action image", out);
                    }
                }
                DocKind::GitLab => {}
            }
        }
        for doc in cx.of_kind(DocKind::GitLab) {
            let root = &doc.root;
            for img in gitlab::images(root) {
                check_image(doc, img.at, img.name, &format!("global {}", img.what), out);
            }
            if let Some(d) = root.get("default") {
                for img in gitlab::images(d) {
                    check_image(doc, img.at, img.name, &format!("default {}", img.what), out);
                }
            }
            for job in gitlab::jobs(root) {
                for img in gitlab::images(job.node) {
                    let what = format!("{} of job `{}`", img.what, job.name);
                    check_image(doc, img.at, img.name, &what, out);
                }
            }
            for inc in gitlab::includes(root) {
                check_include(doc, inc, out);
            }
        }
    }
}

fn check_uses(doc: &CiDoc, node: &Node, uses: &str, what: &str, out: &mut Sink<'_>) {
    match github::parse_uses(uses) {
        Some(Uses::Docker(image)) => check_image(doc, node, image, "Docker step image", out),
        Some(Uses::Repo {
            owner,
            name,
            git_ref,
        }) => {
            if git_ref.is_some_and(is_full_sha) {
                return;
            }
            let first_party = matches!(owner.to_ascii_lowercase().as_str(), "actions" | "github");
            let moving =
                git_ref.is_none_or(|r| MOVING_REFS.contains(&r.to_ascii_lowercase().as_str()));
            let (severity, how) = match (first_party, git_ref) {
                (_, None) => (Severity::High, "names no version at all".to_string()),
                (true, Some(r)) => (
                    if moving {
                        Severity::Medium
                    } else {
                        Severity::Low
                    },
                    format!("is pinned to `{r}`, a tag or branch GitHub can move"),
                ),
                (false, Some(r)) if moving => (
                    Severity::High,
                    format!("follows the branch `{r}`: every push to it changes what runs here"),
                ),
                (false, Some(r)) => (
                    Severity::Medium,
                    format!("is pinned to `{r}`, a tag or branch its owner `{owner}` can move"),
                ),
            };
            out.at(
                doc,
                node,
                Rating(severity, Confidence::High),
                format!("{what} `{name}` {how}"),
                FIX_ACTION,
            );
        }
        Some(Uses::Local(_)) | None => {}
    }
}

fn check_container(doc: &CiDoc, node: &Node, what: &str, out: &mut Sink<'_>) {
    let image = if node.as_str().is_some() {
        Some(node)
    } else {
        node.get("image")
    };
    if let Some(n) = image
        && let Some(s) = n.as_str()
    {
        check_image(doc, n, s, what, out);
    }
}

/// The tag of an image reference without its digest, if any.
fn tag(image: &str) -> Option<&str> {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map(|(_, t)| t)
}

fn check_image(doc: &CiDoc, node: &Node, image: &str, what: &str, out: &mut Sink<'_>) {
    let image = image.trim();
    // Variables (`$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA`, `${{ matrix.image }}`) cannot be judged.
    if image.is_empty() || image.contains('$') || has_digest(image) {
        return;
    }
    let (severity, how) = match tag(image) {
        None => (
            Severity::Medium,
            "it has no tag, so it means `latest`".to_string(),
        ),
        Some(t) if t.eq_ignore_ascii_case("latest") => (
            Severity::Medium,
            "`latest` changes with every release".to_string(),
        ),
        Some(t) => (
            Severity::Low,
            format!("the tag `{t}` can be moved by the publisher"),
        ),
    };
    out.at(
        doc,
        node,
        Rating(severity, Confidence::High),
        format!("{what} `{image}` is not pinned to an @sha256 digest: {how}"),
        FIX_IMAGE,
    );
}

fn check_include(doc: &CiDoc, inc: Include<'_>, out: &mut Sink<'_>) {
    const FIX_PROJECT: &str = "Set `ref:` to the full commit SHA of the version you reviewed (tags and branches can \
         be moved).";
    match inc {
        Include::Project { project, git_ref } => {
            let name = project.as_str().unwrap_or_default();
            match git_ref {
                None => out.at(
                    doc,
                    project,
                    Rating(Severity::High, Confidence::High),
                    format!(
                        "include of project `{name}` has no `ref:`: it follows that project's \
                         default branch"
                    ),
                    FIX_PROJECT,
                ),
                Some(r) => {
                    let r_text = r.as_str().unwrap_or_default();
                    if !is_full_sha(r_text) && !r_text.contains('$') {
                        out.at(
                            doc,
                            r,
                            Rating(Severity::Medium, Confidence::High),
                            format!(
                                "include of project `{name}` is pinned to `{r_text}`, a tag or \
                                 branch that can be moved"
                            ),
                            FIX_PROJECT,
                        );
                    }
                }
            }
        }
        Include::Remote(n, false) => out.at(
            doc,
            n,
            Rating(Severity::Medium, Confidence::High),
            format!(
                "remote include `{}` can change at any time and has no `integrity:` hash",
                n.as_str().unwrap_or_default()
            ),
            "Add `integrity: sha256-…` for the reviewed content, or vendor the file into this \
             repository and include it with `local:`.",
        ),
        Include::Component(n) => {
            let c = n.as_str().unwrap_or_default();
            let version = c.rsplit_once('@').map(|(_, v)| v);
            if version.is_some_and(is_full_sha) || c.contains('$') {
                return;
            }
            let severity = match version {
                None => Severity::High,
                Some(v) if v.starts_with('~') => Severity::High,
                Some(_) => Severity::Medium,
            };
            out.at(
                doc,
                n,
                Rating(severity, Confidence::High),
                format!("component `{c}` is not pinned to a commit SHA"),
                "Pin the component to a full commit SHA (`…/component@<sha>`).",
            );
        }
        Include::Remote(_, true) | Include::Local(_) | Include::Template(_) => {}
    }
}
