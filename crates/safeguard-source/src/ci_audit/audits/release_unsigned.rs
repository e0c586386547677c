//! `release-unsigned`: jobs that publish releases or packages with no signing or attestation
//! anywhere in the pipeline.

use std::collections::BTreeSet;

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::{CiDoc, DocKind};
use crate::ci_audit::github::{self, Uses};
use crate::ci_audit::posture::{self, Seen};
use crate::ci_audit::shell::Practice;
use crate::ci_audit::{Confidence, Severity};

pub struct ReleaseUnsigned;

const FIX: &str = "Sign or attest what you publish: `actions/attest-build-provenance` (or \
     slsa-github-generator) for build provenance, `cosign sign`/`sign-blob` with keyless \
     signing, `npm publish --provenance`, PyPI trusted publishing with attestations, or \
     `safeguard sign` / `safeguard attest`.";

const LOOKED_FOR: &str = "cosign, sigstore, GitHub artifact attestations, SLSA generator, gpg, \
     npm --provenance, PyPI attestations, safeguard sign/attest";

impl Audit for ReleaseUnsigned {
    fn id(&self) -> &'static str {
        "release-unsigned"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn description(&self) -> &'static str {
        "Release and publishing jobs (cargo/npm/PyPI/gem publish, image push, GitHub/GitLab \
         releases, GoReleaser) in pipelines with no signing or attestation step."
    }
    fn help(&self) -> &'static str {
        "Without signatures or provenance, users cannot check that a release was built by \
         your pipeline from your source, and a stolen publishing token is enough to ship \
         malware under your name."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let goreleaser_signs = cx.repo.is_some_and(|r| r.goreleaser_signs);
        let mut used_actions: BTreeSet<String> = BTreeSet::new();
        for doc in cx.of_kind(DocKind::Workflow) {
            let mut seen = posture::practices(doc);
            let mut publishes: Vec<(Seen, String)> = seen
                .iter()
                .filter(|s| s.practice == Practice::Publish)
                .map(|s| (s.clone(), format!("`{}`", s.what)))
                .collect();
            // Local actions and reusable workflows this workflow runs.
            for step in github::all_steps(doc) {
                let Some((node, uses)) = step.uses() else {
                    continue;
                };
                let Some(Uses::Local(path)) = github::parse_uses(uses) else {
                    continue;
                };
                let Some(action) = local_action(cx, path) else {
                    continue;
                };
                used_actions.insert(action.path.clone());
                let inner = posture::practices(action);
                for s in inner.iter().filter(|s| s.practice == Practice::Publish) {
                    publishes.push((
                        Seen {
                            job: step.job.map(|j| j.id.to_string()),
                            line: node.line,
                            column: node.column,
                            ..s.clone()
                        },
                        format!("`{}` in `{}`", s.what, action.path),
                    ));
                }
                seen.extend(inner);
            }
            for job in github::jobs(&doc.root) {
                if let Some(u) = job.node.get("uses").and_then(|u| u.as_str())
                    && let Some(Uses::Local(path)) = github::parse_uses(u)
                    && let Some(called) = cx.doc(path.trim_start_matches("./"))
                {
                    seen.extend(posture::practices(called));
                }
            }
            report(doc, &seen, publishes, goreleaser_signs, "workflow", out);
        }
        for doc in cx.of_kind(DocKind::Action) {
            if used_actions.contains(&doc.path) {
                continue;
            }
            let seen = posture::practices(doc);
            let publishes = own_publishes(&seen);
            report(doc, &seen, publishes, goreleaser_signs, "action", out);
        }
        // A GitLab pipeline is the root file and everything it includes.
        let gitlab: Vec<&CiDoc> = cx.of_kind(DocKind::GitLab).collect();
        let all: Vec<(usize, Seen)> = gitlab
            .iter()
            .enumerate()
            .flat_map(|(i, d)| posture::practices(d).into_iter().map(move |s| (i, s)))
            .collect();
        let pipeline: Vec<Seen> = all.iter().map(|(_, s)| s.clone()).collect();
        for (i, doc) in gitlab.iter().enumerate() {
            let own: Vec<Seen> = all
                .iter()
                .filter(|(j, _)| *j == i)
                .map(|(_, s)| s.clone())
                .collect();
            report(
                doc,
                &pipeline,
                own_publishes(&own),
                goreleaser_signs,
                "pipeline",
                out,
            );
        }
    }
}

fn own_publishes(seen: &[Seen]) -> Vec<(Seen, String)> {
    seen.iter()
        .filter(|s| s.practice == Practice::Publish)
        .map(|s| (s.clone(), format!("`{}`", s.what)))
        .collect()
}

/// The action file a local `uses: ./path` names.
fn local_action<'a>(cx: &Context<'a>, path: &str) -> Option<&'a CiDoc> {
    let dir = path.trim_start_matches("./").trim_end_matches('/');
    ["action.yml", "action.yaml"].iter().find_map(|f| {
        let p = if dir.is_empty() {
            f.to_string()
        } else {
            format!("{dir}/{f}")
        };
        cx.doc(&p).filter(|d| d.kind == DocKind::Action)
    })
}

fn report(
    doc: &CiDoc,
    seen: &[Seen],
    publishes: Vec<(Seen, String)>,
    goreleaser_signs: bool,
    unit: &str,
    out: &mut Sink<'_>,
) {
    let signed = seen
        .iter()
        .any(|s| matches!(s.practice, Practice::Sign | Practice::Attest));
    if signed {
        return;
    }
    let mut jobs_done: BTreeSet<Option<String>> = BTreeSet::new();
    for (s, what) in publishes {
        if goreleaser_signs && (s.what.starts_with("GoReleaser") || s.what == "goreleaser release")
        {
            continue;
        }
        if !jobs_done.insert(s.job.clone()) {
            continue;
        }
        let who = match &s.job {
            Some(j) => format!("job `{j}`"),
            None => format!("this {unit}"),
        };
        out.pos(
            &doc.path,
            (s.line, s.column),
            Rating(Severity::Medium, Confidence::Medium),
            format!(
                "{who} publishes ({what}) but nothing in the {unit} signs or attests it \
                 (looked for {LOOKED_FOR})"
            ),
            FIX,
        );
    }
}
