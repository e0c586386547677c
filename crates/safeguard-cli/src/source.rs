//! `safeguard source`: commit provenance over a range of history.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use safeguard_sig::openpgp::Keyring;
use safeguard_sig::sshsig::AllowedSigners;
use safeguard_source::forge::{protection, reviews};
use safeguard_source::git::Repo;
use safeguard_source::provenance::{self, Options, Range, Report};

pub const SOURCE_HELP: &str = "Examples:
  safeguard source                                   all of HEAD's history (newest 10000)
  safeguard source --range v1.2.0..v1.3.0            the commits of one release
  safeguard source --since 2026-01-01 --allowed-signers .github/allowed_signers
  safeguard source --keyring maintainers.asc --fail-on bad --fail-on unsigned
  safeguard source --protection main-protection.json --reviews prs.json --format json

Signatures are recorded by kind (none, SSH, OpenPGP, X.509) and verified offline against
git's SSH allowed-signers file (--allowed-signers, the format of gpg.ssh.allowedSignersFile)
or an OpenPGP keyring (--keyring, armored or binary): good, bad, or unknown key.

Review evidence: pull-request merge commits (GitHub, GitLab, Bitbucket, Azure DevOps),
Reviewed-by / Approved-by / Acked-by trailers, and forge review exports given with --reviews:
  gh pr list --state merged --limit 1000 \\
     --json number,title,author,mergeCommit,mergedAt,reviews,reviewDecision,url > prs.json
  GitLab: GET /projects/:id/merge_requests?state=merged (approved_by merged in).
Branch protection from forge settings exports given with --protection:
  gh api repos/OWNER/REPO/branches/main/protection > protection.json
  gh api repos/OWNER/REPO/rulesets/ID > ruleset.json
  GitLab: GET /projects/:id/protected_branches (and /projects/:id/approvals).
CODEOWNERS (.github/, root, docs/ or .gitlab/) is checked for covering CI configuration and
build scripts.

Exit codes: 0 done (no --fail-on condition met), 1 a --fail-on condition met, 2 bad usage or
an unreadable repository, range, key file or export.";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum SourceFormat {
    Table,
    Json,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// A signature that does not verify, or a signer not in the trust anchors.
    Bad,
    /// A commit without a signature.
    Unsigned,
    /// A non-merge commit without review evidence.
    Unreviewed,
    /// A change to CI or build files without review evidence.
    UnreviewedBuild,
}

#[derive(Args)]
pub struct SourceArgs {
    /// The git work tree.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// A revision range, e.g. `v1.2.0..v1.3.0` or `origin/main..HEAD`.
    #[arg(long, conflicts_with = "since")]
    range: Option<String>,
    /// Commits of HEAD since this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Every commit reachable from any branch or tag, not only HEAD's.
    #[arg(long, conflicts_with_all = ["range", "since"])]
    all_refs: bool,
    /// Read at most this many commits, newest first.
    #[arg(long, default_value_t = 10_000)]
    max_commits: usize,
    /// git's SSH allowed-signers file, to verify SSH signatures.
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
    /// An OpenPGP keyring (armored or binary public keys), to verify OpenPGP signatures.
    #[arg(long, value_name = "FILE")]
    keyring: Option<PathBuf>,
    /// A forge review export (gh pr list JSON, GitLab merge requests JSON) (repeatable).
    #[arg(long = "reviews", value_name = "FILE")]
    reviews: Vec<PathBuf>,
    /// A branch protection export (GitHub protection or ruleset JSON, GitLab protected
    /// branches JSON) (repeatable).
    #[arg(long = "protection", value_name = "FILE")]
    protection: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: SourceFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a commit in the range meets this condition (repeatable).
    #[arg(long, value_enum, value_name = "CONDITION")]
    fail_on: Vec<FailOn>,
    /// List every commit in the table, not only the ones that need attention.
    #[arg(long)]
    all: bool,
}

fn read(path: &PathBuf) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))
}

/// Read the trust anchors and exports the arguments name.
pub fn options(
    allowed_signers: Option<&PathBuf>,
    keyring: Option<&PathBuf>,
    review_files: &[PathBuf],
    protection_files: &[PathBuf],
) -> Result<Options> {
    let mut o = Options::default();
    if let Some(p) = allowed_signers {
        let text = String::from_utf8(read(p)?)
            .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", p.display()))?;
        let signers =
            AllowedSigners::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        o.allowed_signers = Some((p.display().to_string(), signers));
    }
    if let Some(p) = keyring {
        let ring =
            Keyring::parse(&read(p)?).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        o.keyring = Some((p.display().to_string(), ring));
    }
    for p in review_files {
        o.reviews
            .push(reviews::read_reviews(&p.display().to_string(), &read(p)?)?);
    }
    for p in protection_files {
        o.protection.extend(protection::read_protection(
            &p.display().to_string(),
            &read(p)?,
        )?);
    }
    Ok(o)
}

pub fn run(args: SourceArgs, quiet: bool) -> Result<ExitCode> {
    let Some(repo) = Repo::open(&args.path)? else {
        bail!("{}: not a git work tree", args.path.display());
    };
    let mut opts = options(
        args.allowed_signers.as_ref(),
        args.keyring.as_ref(),
        &args.reviews,
        &args.protection,
    )?;
    opts.range = match (&args.range, &args.since) {
        _ if args.all_refs => Range::AllRefs,
        (Some(r), _) => Range::Revisions(r.clone()),
        (None, Some(d)) => Range::Since(d.clone()),
        (None, None) => Range::Head,
    };
    opts.max_commits = args.max_commits;
    let files = repo.tracked_files()?;
    let report = provenance::collect(&repo, &files, &opts)?;
    let out = match args.format {
        SourceFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        SourceFormat::Table => table(&report, args.all),
    };
    match &args.output {
        Some(p) => crate::sbom::write_atomic(p, out.as_bytes())?,
        None => print!("{out}"),
    }
    if !quiet {
        for e in &report.errors {
            eprintln!("warning: {e}");
        }
        if report.shallow {
            eprintln!(
                "warning: shallow clone: commits before the shallow boundary are not in the report"
            );
        }
    }
    let hit = args.fail_on.iter().any(|c| {
        report.commits.iter().any(|k| match c {
            FailOn::Bad => matches!(k.verification, "bad" | "unknown-key" | "malformed"),
            FailOn::Unsigned => k.signature == "none",
            FailOn::Unreviewed => !k.merge && k.review.is_empty(),
            FailOn::UnreviewedBuild => !k.merge && k.review.is_empty() && !k.build_files.is_empty(),
        })
    });
    Ok(if hit {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn table(report: &Report, all: bool) -> String {
    let f = provenance::facts(report);
    let mut out = String::new();
    let count = |m: &std::collections::BTreeMap<String, u64>| {
        if m.is_empty() {
            "none".to_string()
        } else {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let n = |k: u64, noun: &str| {
        if k == 1 {
            format!("1 {noun}")
        } else {
            format!("{k} {noun}s")
        }
    };
    out.push_str(&format!(
        "Range {}: {} by {}{}\n",
        f.range,
        n(f.commits, "commit"),
        n(f.authors, "author"),
        if f.shallow { " (shallow clone)" } else { "" }
    ));
    out.push_str(&format!("Signatures:    {}\n", count(&f.signature_kinds)));
    out.push_str(&format!(
        "Verification:  {}{}\n",
        count(&f.verification),
        if f.trust.is_empty() {
            " (no --allowed-signers or --keyring given)".to_string()
        } else {
            format!(" (against {})", f.trust.join(", "))
        }
    ));
    out.push_str(&format!(
        "Review:        {} of {} non-merge commits ({})\n",
        f.reviewed,
        f.non_merge,
        count(&f.review_sources)
    ));
    out.push_str(&format!(
        "Build changes: {} commits changed CI or build files; {} reviewed, {} with a good signature\n",
        f.build_changes, f.build_changes_reviewed, f.build_changes_signed
    ));
    match &f.codeowners {
        Some(c) => out.push_str(&format!(
            "CODEOWNERS:    {}: CI files {}/{} owned, build files {}/{} owned, {}\n",
            c.path,
            c.ci_owned,
            c.ci_files,
            c.build_owned,
            c.build_files,
            if c.self_owned {
                "CODEOWNERS itself owned"
            } else {
                "CODEOWNERS itself has no owner"
            }
        )),
        None => out.push_str("CODEOWNERS:    none\n"),
    }
    if f.protection.is_empty() {
        out.push_str("Protection:    no forge export given (--protection)\n");
    }
    for p in &f.protection {
        out.push_str(&format!(
            "Protection:    {} {}{}: pull request {}, {} approvals, code owners {}, signed commits {}, force push {}, admins {}\n",
            p.source,
            p.branch,
            if p.applies_to_default { "" } else { " (not this branch)" },
            yes(p.require_pull_request),
            p.required_approvals,
            yes(p.code_owner_review),
            yes(p.require_signed_commits),
            if p.allow_force_push { "allowed" } else { "blocked" },
            if p.enforce_for_admins { "included" } else { "exempt" },
        ));
    }
    let rows: Vec<Vec<String>> = report
        .commits
        .iter()
        .filter(|c| {
            all || matches!(c.verification, "bad" | "unknown-key" | "malformed")
                || (!c.merge && c.review.is_empty() && !c.build_files.is_empty())
        })
        .map(|c| {
            vec![
                c.id[..c.id.len().min(10)].to_string(),
                c.date.get(..10).unwrap_or(&c.date).to_string(),
                format!("{} {}", c.signature, c.verification),
                if c.review.is_empty() {
                    "-".to_string()
                } else {
                    c.review.join("; ")
                },
                c.subject.clone(),
                c.reason.clone().or(c.signer.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        if !all {
            out.push_str(
                "Commits that need attention (bad signatures, unreviewed build changes):\n",
            );
        }
        out.push_str(&crate::output::table(
            &["COMMIT", "DATE", "SIGNATURE", "REVIEW", "SUBJECT", "DETAIL"],
            &rows,
            60,
        ));
    }
    out
}

fn yes(b: bool) -> &'static str {
    if b { "required" } else { "not required" }
}
