//! `curl-pipe-shell`: scripts that run code downloaded from the network without checking it.

use super::{Audit, Context, Rating, Sink};
use crate::ci_audit::doc::{CiDoc, DocKind};
use crate::ci_audit::github;
use crate::ci_audit::gitlab;
use crate::ci_audit::shell;
use crate::ci_audit::yaml::{self, Node};
use crate::ci_audit::{Confidence, Severity};

pub struct CurlPipeShell;

const FIX: &str = "Download to a file, check it against a pinned checksum or signature \
     (`echo \"<sha256>  install.sh\" | sha256sum -c`), then run it; or install a pinned \
     version from a package manager or a pinned action.";

impl Audit for CurlPipeShell {
    fn id(&self) -> &'static str {
        "curl-pipe-shell"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn description(&self) -> &'static str {
        "`curl … | sh`, `bash <(curl …)`, `iwr … | iex` and similar in `run:` or GitLab \
         scripts: code fetched at build time runs unchecked."
    }
    fn help(&self) -> &'static str {
        "Whoever controls the URL (or its DNS, CDN or TLS) controls the build, and the script \
         can change between runs without any change to this repository."
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for doc in cx.github() {
            for step in github::all_steps(doc) {
                if let Some(run) = step.run() {
                    scan(doc, run, &step.label(), out);
                }
            }
        }
        for doc in cx.of_kind(DocKind::GitLab) {
            let root = &doc.root;
            for line in gitlab::scripts(root) {
                scan(doc, line, "the global script", out);
            }
            if let Some(d) = root.get("default") {
                for line in gitlab::scripts(d) {
                    scan(doc, line, "the default script", out);
                }
            }
            for job in gitlab::jobs(root) {
                for line in gitlab::scripts(job.node) {
                    scan(doc, line, &format!("job `{}`", job.name), out);
                }
            }
        }
    }
}

fn scan(doc: &CiDoc, node: &Node, place: &str, out: &mut Sink<'_>) {
    let Some(text) = node.as_str() else {
        return;
    };
    for (offset, what) in shell::remote_exec(text) {
        let len = text
            .get(offset..)
            .and_then(|t| t.find(char::is_whitespace))
            .unwrap_or(1)
            .max(1);
        let pos = yaml::locate(&doc.src, node, offset, len);
        out.pos(
            &doc.path,
            pos,
            Rating(Severity::Medium, Confidence::High),
            format!("{place} runs downloaded code without checking it: {what}"),
            FIX,
        );
    }
}
