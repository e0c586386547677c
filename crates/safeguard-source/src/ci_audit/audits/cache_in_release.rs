//! `cache-in-release`: release and publishing jobs that restore build caches (cache
//! poisoning).

use std::collections::BTreeSet;

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::DocKind;
use crate::ci_audit::github::{self, StepRef, Uses};
use crate::ci_audit::gitlab;
use crate::ci_audit::posture;
use crate::ci_audit::shell::Practice;
use crate::ci_audit::yaml::Node;
use crate::ci_audit::{Confidence, Severity};

pub struct CacheInRelease;

const FIX: &str = "Build release artifacts without caches: remove the cache step (or set \
     `cache: false` / `cache: ''`) in release and publishing jobs, so a cache written by a less \
     trusted workflow cannot change what is shipped.";

impl Audit for CacheInRelease {
    fn id(&self) -> &'static str {
        "cache-in-release"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn description(&self) -> &'static str {
        "Caches restored in release or publishing jobs (workflows on tags or releases, or named \
         release/publish/deploy; GitLab release jobs): a poisoned cache ends up in the release."
    }
    fn help(&self) -> &'static str {
        "Caches are shared with other workflows of the repository; anyone who can write one \
         (for example through an injection in a pull-request or comment workflow) can alter \
         what the release job builds."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.of_kind(DocKind::Workflow) {
            let workflow_reason = github::release_reason(doc);
            let publishing: BTreeSet<String> = posture::practices(doc)
                .into_iter()
                .filter(|s| s.practice == Practice::Publish)
                .filter_map(|s| s.job)
                .collect();
            for job in github::jobs(&doc.root) {
                let reason = match &workflow_reason {
                    Some(r) => format!("the workflow {r}"),
                    None if publishing.contains(job.id) => "the job publishes".to_string(),
                    None => continue,
                };
                for step in github::job_steps(job) {
                    let Some((what, confidence)) = cache_use(&step) else {
                        continue;
                    };
                    let Some((node, _)) = step.uses() else {
                        continue;
                    };
                    out.at(
                        doc,
                        node,
                        Rating(Severity::High, confidence),
                        format!(
                            "{} restores a cache ({what}) in a release job ({reason})",
                            step.label()
                        ),
                        FIX,
                    );
                }
            }
        }
        for doc in cx.of_kind(DocKind::GitLab) {
            for job in gitlab::jobs(&doc.root) {
                if job.hidden() {
                    continue;
                }
                let Some(reason) = gitlab::release_reason(&job) else {
                    continue;
                };
                let Some(cache) = gitlab::effective_cache(&doc.root, job.node) else {
                    continue;
                };
                let whose = if job.node.get("cache").is_some() {
                    "its `cache:`"
                } else {
                    "the global `cache:`"
                };
                out.at(
                    doc,
                    cache,
                    Rating(Severity::Medium, Confidence::Medium),
                    format!(
                        "release job `{}` ({reason}) uses a cache ({whose})",
                        job.name
                    ),
                    "Set `cache: []` in release jobs so they build from clean inputs.",
                );
            }
        }
    }
}

fn truthy(n: Option<&Node>) -> bool {
    n.and_then(Node::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The major version of an action ref like `v3` or `v3.1.0`, if it is one.
fn major(git_ref: &str) -> Option<u32> {
    let v = git_ref.strip_prefix('v')?;
    v.split('.').next()?.parse().ok()
}

/// Whether a step restores a cache: what, and how sure.
fn cache_use(step: &StepRef<'_>) -> Option<(String, Confidence)> {
    let action = step.action()?;
    let (_, uses) = step.uses()?;
    let git_ref = match github::parse_uses(uses) {
        Some(Uses::Repo { git_ref, .. }) => git_ref,
        _ => None,
    };
    let high = Confidence::High;
    match action.as_str() {
        "actions/cache" | "actions/cache/restore" => Some((format!("`{action}`"), high)),
        "swatinem/rust-cache" => Some(("`Swatinem/rust-cache`".to_string(), high)),
        "actions/setup-go" => match step.with("cache").and_then(Node::as_str) {
            Some(v) if v.eq_ignore_ascii_case("false") => None,
            Some(_) => Some(("`actions/setup-go` with `cache:`".to_string(), high)),
            // Caching is on by default from v4.
            None if git_ref.and_then(major).is_some_and(|m| m < 4) => None,
            None => Some((
                "`actions/setup-go`, which caches by default from v4".to_string(),
                Confidence::Medium,
            )),
        },
        a if a.starts_with("actions/setup-") => {
            let v = step.with("cache").and_then(Node::as_str)?.trim();
            if v.is_empty() || v.eq_ignore_ascii_case("false") {
                return None;
            }
            Some((format!("`{a}` with `cache: {v}`"), high))
        }
        "ruby/setup-ruby" if truthy(step.with("bundler-cache")) => Some((
            "`ruby/setup-ruby` with `bundler-cache: true`".to_string(),
            high,
        )),
        "astral-sh/setup-uv" if truthy(step.with("enable-cache")) => Some((
            "`astral-sh/setup-uv` with `enable-cache: true`".to_string(),
            high,
        )),
        "gradle/actions/setup-gradle" | "gradle/gradle-build-action"
            if !truthy(step.with("cache-disabled")) =>
        {
            Some((
                format!("`{action}`, which caches by default"),
                Confidence::Medium,
            ))
        }
        "docker/build-push-action" | "docker/bake-action" => {
            let from = step.with("cache-from").and_then(Node::as_str)?;
            from.contains("type=gha")
                .then(|| ("`cache-from: type=gha`".to_string(), high))
        }
        _ => None,
    }
}
