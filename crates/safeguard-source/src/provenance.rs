//! `safeguard source`: commit provenance over a range of history — who signed each commit and
//! whether the signature verifies against the vendor's trust anchors, what review evidence each
//! commit has, which commits changed the build, what CODEOWNERS covers, and the branch
//! protection exported from the forge.
//!
//! Evidence for 1.1.4 (configuration items under version control), 2.2.1 (changes to the build
//! environment are logged) and 2.2.2 (only authorised personnel change it).

use std::collections::{BTreeMap, BTreeSet};

use safeguard_model::facts::{CodeownersFacts, ProtectionFacts, SourceProvenanceFacts};
use safeguard_sig::openpgp::Keyring;
use safeguard_sig::sshsig::AllowedSigners;
use safeguard_sig::{Kind, signature_kind};
use serde::Serialize;

use crate::classify;
use crate::commits::{Commit, read_commits};
use crate::forge::codeowners::{self, CodeOwners};
use crate::forge::message::review_signals;
use crate::forge::protection::{self, BranchProtection};
use crate::forge::reviews::ReviewExport;
use crate::git::{GitError, Repo};

/// Which commits to read.
#[derive(Clone, Debug, Default)]
pub enum Range {
    /// Everything reachable from `HEAD`.
    #[default]
    Head,
    /// A git revision range, `A..B` (or anything `git rev-list` takes as one argument).
    Revisions(String),
    /// Commits of `HEAD` since a date (`YYYY-MM-DD` or anything `git --since` takes).
    Since(String),
    /// Everything reachable from any ref.
    AllRefs,
}

/// Trust anchors and forge exports.
#[derive(Default)]
pub struct Options {
    pub range: Range,
    /// Read at most this many commits (newest first).
    pub max_commits: usize,
    /// git's SSH allowed-signers file, with the path it was read from.
    pub allowed_signers: Option<(String, AllowedSigners)>,
    /// An OpenPGP keyring, with the path it was read from.
    pub keyring: Option<(String, Keyring)>,
    /// Forge review exports.
    pub reviews: Vec<ReviewExport>,
    /// Branch protection rules from forge settings exports.
    pub protection: Vec<BranchProtection>,
}

/// One commit's provenance.
#[derive(Clone, Debug, Serialize)]
pub struct CommitProvenance {
    pub id: String,
    pub subject: String,
    pub author: String,
    /// Committer date, RFC 3339.
    pub date: String,
    pub merge: bool,
    /// `none`, `ssh`, `openpgp`, `x509`, `unknown`.
    pub signature: &'static str,
    /// `good`, `bad`, `unknown-key`, `unsupported`, `malformed`, `not-checked`, or `unsigned`.
    pub verification: &'static str,
    /// Who the good signature belongs to (principal or key user id), or why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Review evidence, each naming its source: `pull request #12 (github)`,
    /// `Reviewed-by: Ann <ann@x>`, `approved by bob (forge export)`.
    pub review: Vec<String>,
    /// CI configuration and build files the commit changed.
    pub build_files: Vec<String>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub range: String,
    pub commits: Vec<CommitProvenance>,
    pub shallow: bool,
    /// The branch checked against branch protection (the current branch).
    pub branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codeowners: Option<codeowners::Coverage>,
    pub codeowners_path: Option<String>,
    pub protection: Vec<ProtectionRule>,
    /// Commits that could not be read.
    pub errors: Vec<String>,
    /// Trust anchors used.
    pub trust: Vec<String>,
}

/// A branch protection rule and whether it covers the checked branch.
#[derive(Clone, Debug, Serialize)]
pub struct ProtectionRule {
    #[serde(flatten)]
    pub rule: BranchProtection,
    pub applies: bool,
}

/// Why provenance could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    #[error("{range}: git cannot read this range: {message}")]
    BadRange { range: String, message: String },
    #[error(transparent)]
    Git(#[from] GitError),
}

/// Read the commits of `options.range` in `repo` and everything else the report holds.
/// `files` are the tracked files (for CODEOWNERS coverage).
pub fn collect(
    repo: &Repo,
    files: &[String],
    options: &Options,
) -> Result<Report, ProvenanceError> {
    let (args, label) = range_args(&options.range, options.max_commits);
    let ids = match repo.output(&args) {
        Ok(out) => String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>(),
        Err(GitError::Failed { stderr, .. }) => {
            return Err(ProvenanceError::BadRange {
                range: label,
                message: stderr,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let changed = changed_files(repo, &ids)?;
    let batch = read_commits(repo, ids)?;
    let mut commits = Vec::with_capacity(batch.commits.len());
    for c in &batch.commits {
        commits.push(provenance_of(c, options, changed.get(&c.id)));
    }
    let parents: Vec<&[String]> = batch.commits.iter().map(|c| c.parents.as_slice()).collect();
    inherit_merge_reviews(&mut commits, &parents);
    let branch = repo.branch()?;
    let default = branch.clone().unwrap_or_else(|| "main".into());
    let (codeowners_path, coverage) = match codeowners_file(repo, files) {
        Some((path, co)) => (Some(path), Some(codeowners::coverage(&co, files))),
        None => (None, None),
    };
    let protection = options
        .protection
        .iter()
        .map(|rule| ProtectionRule {
            applies: protection::applies_to(rule, &default, &default),
            rule: rule.clone(),
        })
        .collect();
    let mut trust = Vec::new();
    if let Some((p, _)) = &options.allowed_signers {
        trust.push(format!("allowed-signers {p}"));
    }
    if let Some((p, _)) = &options.keyring {
        trust.push(format!("keyring {p}"));
    }
    let shown = if batch.commits.len() == options.max_commits && options.max_commits > 0 {
        format!("{label} (newest {} commits)", options.max_commits)
    } else {
        label
    };
    Ok(Report {
        range: shown,
        commits,
        shallow: repo.is_shallow()?,
        branch,
        codeowners: coverage,
        codeowners_path,
        protection,
        errors: batch.errors.iter().map(|e| e.to_string()).collect(),
        trust,
    })
}

/// Commits that reached the mainline through a merge inherit the merge's review evidence: a
/// pull request reviews every commit it brings in.
///
/// The mainline is the first-parent chain from the first commit listed (the tip). Walking it
/// from oldest to newest, each merge claims the commits reachable from its other parents that
/// no older mainline commit reaches — exactly `M^1..M`, without one `git rev-list` per merge.
fn inherit_merge_reviews(commits: &mut [CommitProvenance], parents: &[&[String]]) {
    use std::collections::HashMap;
    let index: HashMap<&str, usize> = commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut mainline = Vec::new();
    let mut visited = vec![false; commits.len()];
    let mut at = if commits.is_empty() { None } else { Some(0) };
    while let Some(i) = at {
        if visited[i] {
            break;
        }
        visited[i] = true;
        mainline.push(i);
        at = parents
            .get(i)
            .and_then(|p| p.first())
            .and_then(|p| index.get(p.as_str()).copied());
    }
    let mut inherited: Vec<(usize, String)> = Vec::new();
    for &m in mainline.iter().rev() {
        let others = parents
            .get(m)
            .map_or(&[][..], |p| p.get(1..).unwrap_or(&[]));
        if others.is_empty() {
            continue;
        }
        let note = if commits[m].review.is_empty() {
            None
        } else {
            Some(format!(
                "via merge {} ({})",
                &commits[m].id[..commits[m].id.len().min(10)],
                commits[m].review.join("; ")
            ))
        };
        let mut stack: Vec<usize> = others
            .iter()
            .filter_map(|p| index.get(p.as_str()).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if visited[i] {
                continue;
            }
            visited[i] = true;
            if let Some(n) = &note {
                inherited.push((i, n.clone()));
            }
            if let Some(ps) = parents.get(i) {
                stack.extend(ps.iter().filter_map(|p| index.get(p.as_str()).copied()));
            }
        }
    }
    for (i, note) in inherited {
        if let Some(c) = commits.get_mut(i) {
            c.review.push(note);
        }
    }
}

fn range_args(range: &Range, max: usize) -> (Vec<String>, String) {
    let mut args = vec!["rev-list".to_string()];
    if max > 0 {
        args.push(format!("--max-count={max}"));
    }
    let label = match range {
        Range::Head => {
            args.push("HEAD".into());
            "HEAD".to_string()
        }
        Range::Revisions(r) => {
            args.push("--end-of-options".into());
            args.push(r.clone());
            r.clone()
        }
        Range::AllRefs => {
            args.push("--all".into());
            "all refs".to_string()
        }
        Range::Since(d) => {
            args.push(format!("--since={d}"));
            args.push("HEAD".into());
            format!("HEAD since {d}")
        }
    };
    (args, label)
}

/// For each commit id, the CI and build files it changed (first-parent diff; merges: none).
fn changed_files(repo: &Repo, ids: &[String]) -> Result<BTreeMap<String, Vec<String>>, GitError> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for chunk in ids.chunks(2000) {
        let mut args: Vec<&str> = vec![
            "show",
            "--no-walk=unsorted",
            "--format=%x01%H",
            "--name-only",
            "--no-renames",
        ];
        args.extend(chunk.iter().map(String::as_str));
        let out = repo.output(&args)?;
        let text = String::from_utf8_lossy(&out);
        let mut current: Option<String> = None;
        for line in text.lines() {
            if let Some(id) = line.strip_prefix('\u{1}') {
                current = Some(id.to_string());
                continue;
            }
            let (Some(id), false) = (&current, line.is_empty()) else {
                continue;
            };
            if is_build_file(line) {
                map.entry(id.clone()).or_default().push(line.to_string());
            }
        }
    }
    Ok(map)
}

/// CI configuration, build definitions, container files and tooling configuration.
pub fn is_build_file(path: &str) -> bool {
    matches!(
        classify::config_category(path),
        Some(classify::CI | classify::BUILD | classify::CONTAINER | classify::TOOLING)
    ) || path.starts_with(".github/actions/")
        || path == "build.rs"
        || path.ends_with("/build.rs")
}

fn codeowners_file(repo: &Repo, files: &[String]) -> Option<(String, CodeOwners)> {
    let (path, flavor) = codeowners::locate(files, None)?;
    let text = std::fs::read_to_string(repo.root().join(path)).ok()?;
    Some((path.to_string(), codeowners::parse_as(path, &text, flavor)))
}

fn provenance_of(
    c: &Commit,
    options: &Options,
    build_files: Option<&Vec<String>>,
) -> CommitProvenance {
    let (kind, verification, signer, reason) = verify(c, options);
    let mut review = Vec::new();
    let signals = review_signals(&c.message, c.parents.len());
    if let Some(pr) = &signals.pr {
        review.push(format!("pull request #{} ({})", pr.number, pr.forge));
    }
    for (key, people) in [
        ("Reviewed-by", &signals.reviewed_by),
        ("Approved-by", &signals.approved_by),
        ("Acked-by", &signals.acked_by),
    ] {
        for p in people {
            review.push(format!("{key}: {p}"));
        }
    }
    for export in &options.reviews {
        if let Some(r) = export.get(&c.id) {
            for a in &r.approvers {
                review.push(format!(
                    "approved by {a} ({} #{}, forge export)",
                    r.forge, r.number
                ));
            }
        }
    }
    CommitProvenance {
        id: c.id.clone(),
        subject: c.subject().to_string(),
        author: format!("{} <{}>", c.author.name, c.author.email),
        date: crate::git::rfc3339(c.committer.time),
        merge: c.parents.len() > 1,
        signature: kind,
        verification,
        signer,
        reason,
        review,
        build_files: build_files.cloned().unwrap_or_default(),
    }
}

type Verdict = (&'static str, &'static str, Option<String>, Option<String>);

fn verify(c: &Commit, options: &Options) -> Verdict {
    let Some(sig) = &c.signature else {
        return ("none", "unsigned", None, None);
    };
    match signature_kind(sig) {
        Kind::Ssh => {
            let Some((_, signers)) = &options.allowed_signers else {
                return ("ssh", "not-checked", None, None);
            };
            use safeguard_sig::sshsig::{NAMESPACE_GIT, Outcome, verify};
            match verify(
                sig,
                &c.payload,
                NAMESPACE_GIT,
                signers,
                Some(c.committer.time),
            ) {
                Outcome::Good {
                    principal,
                    key_fingerprint,
                } => (
                    "ssh",
                    "good",
                    Some(format!("{principal} ({key_fingerprint})")),
                    None,
                ),
                Outcome::Bad { reason } => ("ssh", "bad", None, Some(reason)),
                Outcome::UnknownKey { key_fingerprint } => (
                    "ssh",
                    "unknown-key",
                    None,
                    Some(format!(
                        "key {key_fingerprint} is not in the allowed-signers file"
                    )),
                ),
                Outcome::Unsupported { reason } => ("ssh", "unsupported", None, Some(reason)),
                Outcome::Malformed { reason } => ("ssh", "malformed", None, Some(reason)),
            }
        }
        Kind::OpenPgp => {
            let Some((_, keyring)) = &options.keyring else {
                return ("openpgp", "not-checked", None, None);
            };
            use safeguard_sig::openpgp::{Outcome, verify_detached};
            match verify_detached(sig, &c.payload, keyring) {
                Outcome::Good {
                    fingerprint,
                    user_id,
                    ..
                } => (
                    "openpgp",
                    "good",
                    Some(match user_id {
                        Some(u) => format!("{u} ({fingerprint})"),
                        None => fingerprint,
                    }),
                    None,
                ),
                Outcome::Bad { reason } => ("openpgp", "bad", None, Some(reason)),
                Outcome::UnknownKey { issuer } => (
                    "openpgp",
                    "unknown-key",
                    None,
                    Some(format!("key {issuer} is not in the keyring")),
                ),
                Outcome::Unsupported { reason } => ("openpgp", "unsupported", None, Some(reason)),
                Outcome::Malformed { reason } => ("openpgp", "malformed", None, Some(reason)),
            }
        }
        Kind::X509 => (
            "x509",
            "unsupported",
            None,
            Some("X.509 (gpgsm) signatures are recorded but not verified".into()),
        ),
        Kind::Unknown => (
            "unknown",
            "malformed",
            None,
            Some("unrecognised signature armor".into()),
        ),
    }
}

/// The evidence summary of a report.
pub fn facts(report: &Report) -> SourceProvenanceFacts {
    let mut f = SourceProvenanceFacts {
        range: report.range.clone(),
        commits: report.commits.len() as u64,
        shallow: report.shallow,
        trust: report.trust.clone(),
        errors: report.errors.iter().take(20).cloned().collect(),
        ..SourceProvenanceFacts::default()
    };
    let mut authors = BTreeSet::new();
    for c in &report.commits {
        *f.signature_kinds
            .entry(c.signature.to_string())
            .or_default() += 1;
        if c.signature != "none" {
            *f.verification
                .entry(c.verification.to_string())
                .or_default() += 1;
        }
        authors.insert(c.author.as_str());
        if c.verification == "bad" && f.bad_signatures.len() < 20 {
            f.bad_signatures.push(format!(
                "{} {} ({})",
                short(&c.id),
                c.subject,
                c.reason.as_deref().unwrap_or("bad signature")
            ));
        }
        if c.merge {
            continue;
        }
        f.non_merge += 1;
        let reviewed = !c.review.is_empty();
        if reviewed {
            f.reviewed += 1;
        }
        let mut sources = BTreeSet::new();
        for r in &c.review {
            sources.insert(
                if r.starts_with("pull request") || r.starts_with("via merge") {
                    "pull-request"
                } else if r.ends_with("forge export)") {
                    "forge-export"
                } else {
                    "trailer"
                },
            );
        }
        for s in sources {
            *f.review_sources.entry(s.to_string()).or_default() += 1;
        }
        if !c.build_files.is_empty() {
            f.build_changes += 1;
            if reviewed {
                f.build_changes_reviewed += 1;
            } else if f.unreviewed_build_changes.len() < 20 {
                f.unreviewed_build_changes
                    .push(format!("{} {}", short(&c.id), c.subject));
            }
            if c.verification == "good" {
                f.build_changes_signed += 1;
            }
        }
    }
    f.authors = authors.len() as u64;
    if let (Some(path), Some(cov)) = (&report.codeowners_path, &report.codeowners) {
        f.codeowners = Some(codeowners_facts(path, cov));
    }
    f.protection = report
        .protection
        .iter()
        .map(|p| ProtectionFacts {
            source: p.rule.source.clone(),
            branch: p.rule.branch.clone(),
            applies_to_default: p.applies,
            require_pull_request: p.rule.require_pull_request,
            required_approvals: p.rule.required_approvals,
            code_owner_review: p.rule.code_owner_review,
            dismiss_stale_reviews: p.rule.dismiss_stale_reviews,
            require_signed_commits: p.rule.require_signed_commits,
            allow_force_push: p.rule.allow_force_push,
            allow_deletion: p.rule.allow_deletion,
            enforce_for_admins: p.rule.enforce_for_admins,
        })
        .collect();
    f
}

fn codeowners_facts(path: &str, cov: &codeowners::Coverage) -> CodeownersFacts {
    CodeownersFacts {
        path: path.to_string(),
        ..CodeownersFacts::default()
    }
    .with_coverage(cov)
}

trait WithCoverage {
    fn with_coverage(self, cov: &codeowners::Coverage) -> Self;
}

impl WithCoverage for CodeownersFacts {
    fn with_coverage(mut self, cov: &codeowners::Coverage) -> Self {
        self.ci_files = cov.ci_config.total as u64;
        self.ci_owned = cov.ci_config.owned as u64;
        self.build_files = cov.build_scripts.total as u64;
        self.build_owned = cov.build_scripts.owned as u64;
        self.self_owned = cov.codeowners_owned;
        self.unowned = cov
            .ci_config
            .unowned
            .iter()
            .chain(cov.build_scripts.unowned.iter())
            .take(20)
            .cloned()
            .collect();
        self
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}
