//! `safeguard secrets`: credentials in the working tree and the git history.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_source::secret_scan::{self, Baseline, Options, Report, Reviewed};
use safeguard_source::secrets::{self, Scanner};

pub const SECRETS_HELP: &str = "Examples:
  safeguard secrets                                the working tree of .
  safeguard secrets ../svc --history               the tree and every blob of the git history
  safeguard secrets --history-only --format json   only the history (like `gitleaks git`)
  safeguard secrets --fail-on-new                  exit 1 on any secret not in the baseline
  safeguard secrets --format sarif -o secrets.sarif
  safeguard secrets review 3f1c…e9 --reason \"revoked 2026-01-02\" --reviewer alice@example.org
  safeguard secrets review --all-open --reason \"test fixtures\" --reviewer alice@example.org
  safeguard secrets rules                          the detection rules

Secrets are never printed in full: output shows a redacted prefix and the length, and a
fingerprint (sha256 of rule and secret) that identifies the secret wherever it appears.
A reviewed secret stops alerting once its fingerprint is in the baseline file
(PATH/.safeguard-secrets.toml, or --baseline), with a reason, a reviewer and a date.

The tree scan honours .gitignore (--no-ignore scans everything), includes hidden files and
skips binary files; files of any size are streamed in bounded memory. The history scan reads
every blob reachable from any ref once, skipping blobs the tree scan already read.

Exit codes: 0 done (and, with --fail-on-new, no open secret), 1 an open secret with
--fail-on-new, 2 bad usage or nothing could be scanned.";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum SecretsFormat {
    /// One line per secret, for people.
    Table,
    /// The whole report.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SecretsArgs {
    #[command(subcommand)]
    command: Option<SecretsCommand>,
    #[command(flatten)]
    scan: ScanArgs,
}

#[derive(Args, Clone)]
struct ScanArgs {
    /// The folder (usually a git work tree) to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Scan every blob of the git history as well as the working tree.
    #[arg(long)]
    history: bool,
    /// Scan only the git history, not the working tree.
    #[arg(long, conflicts_with = "history")]
    history_only: bool,
    /// The reviewed-baseline file (default: PATH/.safeguard-secrets.toml when it exists).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Exit 1 when a secret is not in the baseline (or its review expired).
    #[arg(long)]
    fail_on_new: bool,
    /// Scan files .gitignore excludes too.
    #[arg(long)]
    no_ignore: bool,
    /// Skip files and blobs bigger than this many bytes (default: no limit; big files stream).
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// Worker threads for the tree scan (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    format: SecretsFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// List reviewed secrets too (table format).
    #[arg(long)]
    show_reviewed: bool,
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// Mark secrets as reviewed: add them to the baseline with a reason, a reviewer and a date.
    Review(ReviewArgs),
    /// List the detection rules.
    Rules {
        #[arg(long, value_enum, default_value = "table")]
        format: crate::cmd::Format,
    },
}

#[derive(Args)]
struct ReviewArgs {
    /// Fingerprints to mark (64 hex digits, from the scan output).
    #[arg(value_name = "FINGERPRINT")]
    fingerprints: Vec<String>,
    /// Scan PATH and mark every open secret found.
    #[arg(long)]
    all_open: bool,
    /// With --all-open: the folder to scan.
    #[arg(long, default_value = ".")]
    path: PathBuf,
    /// With --all-open: scan the history too.
    #[arg(long)]
    history: bool,
    /// Why the secret is acceptable (revoked, test fixture, …).
    #[arg(long)]
    reason: String,
    /// Who reviewed it.
    #[arg(long)]
    reviewer: String,
    /// Review date, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// The review expires on this date, YYYY-MM-DD.
    #[arg(long)]
    expires: Option<String>,
    /// The baseline file (default: PATH/.safeguard-secrets.toml).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

/// The default baseline file of a scanned folder.
pub fn default_baseline(path: &Path) -> PathBuf {
    path.join(".safeguard-secrets.toml")
}

pub fn run(args: SecretsArgs, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    let today = day(now);
    match args.command {
        Some(SecretsCommand::Rules { format }) => rules(format),
        Some(SecretsCommand::Review(r)) => review(r, quiet, &today),
        None => scan_cmd(args.scan, quiet, &today),
    }
}

fn day(now: time::OffsetDateTime) -> String {
    let d = now.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn load_baseline(explicit: Option<&Path>, root: &Path) -> Result<Option<Baseline>> {
    match explicit {
        Some(p) => Ok(Some(Baseline::load(p)?)),
        None => {
            let p = default_baseline(root);
            if p.is_file() {
                Ok(Some(Baseline::load(&p)?))
            } else {
                Ok(None)
            }
        }
    }
}

fn run_scan(
    path: &Path,
    tree: bool,
    history: bool,
    a: Option<&ScanArgs>,
    baseline: Option<&Baseline>,
    quiet: bool,
    today: &str,
) -> Result<Report> {
    let options = Options {
        tree,
        history,
        respect_ignore: !a.is_some_and(|a| a.no_ignore),
        max_file_size: a.and_then(|a| a.max_file_size).unwrap_or(0),
        threads: a.and_then(|a| a.threads).unwrap_or(0),
        today: today.to_string(),
    };
    let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    if show {
        eprintln!(
            "  scanning {}{} with {} rules",
            path.display(),
            match (tree, history) {
                (true, true) => " (tree and history)",
                (false, true) => " (history)",
                _ => "",
            },
            secrets::rules().len()
        );
    }
    let scanner = Scanner::new();
    Ok(secret_scan::scan(path, &options, &scanner, baseline)?)
}

fn scan_cmd(a: ScanArgs, quiet: bool, today: &str) -> Result<ExitCode> {
    let baseline = load_baseline(a.baseline.as_deref(), &a.path)?;
    let report = run_scan(
        &a.path,
        !a.history_only,
        a.history || a.history_only,
        Some(&a),
        baseline.as_ref(),
        quiet,
        today,
    )?;
    let out = match a.format {
        SecretsFormat::Table => table(&report, a.show_reviewed).into_bytes(),
        SecretsFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&report)?;
            v.push(b'\n');
            v
        }
        SecretsFormat::Sarif => {
            let mut v =
                serde_json::to_vec_pretty(&secret_scan::sarif(&report, env!("CARGO_PKG_VERSION")))?;
            v.push(b'\n');
            v
        }
    };
    match &a.output {
        Some(p) => crate::sbom::write_atomic(p, &out)?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&out)?;
        }
    }
    if !quiet {
        for e in &report.errors {
            eprintln!("warning: {e}");
        }
    }
    if a.fail_on_new && report.open().next().is_some() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn table(report: &Report, show_reviewed: bool) -> String {
    let mut rows = Vec::new();
    for f in &report.findings {
        if !f.is_open() && !show_reviewed {
            continue;
        }
        let first = f.locations.first();
        let mut place = first
            .map(|l| {
                let mut s = format!("{}:{}:{}", l.path, l.line, l.column);
                if let Some(c) = &l.commit {
                    s = format!(
                        "{s} (history: commit {} {} {})",
                        &c.id[..c.id.len().min(10)],
                        c.date.get(..10).unwrap_or(&c.date),
                        c.author
                    );
                } else if l.blob.is_some() {
                    s.push_str(" (history)");
                }
                s
            })
            .unwrap_or_default();
        if f.occurrences > 1 {
            place.push_str(&format!(" +{} more", f.occurrences - 1));
        }
        rows.push(vec![
            f.status.to_string(),
            f.rule.to_string(),
            f.redacted.clone(),
            place,
            f.fingerprint.clone(),
        ]);
    }
    let mut out = String::new();
    if !rows.is_empty() {
        out.push_str(&crate::output::table(
            &["STATUS", "RULE", "SECRET", "WHERE", "FINGERPRINT"],
            &rows,
            90,
        ));
        out.push('\n');
    }
    let open = report.open().count();
    let open_tree = report.open().filter(|f| f.in_tree).count();
    let reviewed = report.findings.len() - open;
    let mut scanned = Vec::new();
    if report.files > 0 || report.blobs == 0 {
        scanned.push(format!("{} files ({})", report.files, mb(report.bytes)));
    }
    if report.history {
        scanned.push(format!(
            "{} history blobs ({}) from {} commits",
            report.blobs,
            mb(report.blob_bytes),
            report.commits
        ));
    }
    out.push_str(&format!(
        "Scanned {} with {} rules: {} open secret{} ({} in the working tree), {} reviewed.\n",
        scanned.join(" and "),
        report.rules,
        open,
        if open == 1 { "" } else { "s" },
        open_tree,
        reviewed
    ));
    if !report.skipped.is_empty() {
        let parts: Vec<String> = report
            .skipped
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        out.push_str(&format!("Skipped: {}.\n", parts.join(", ")));
    }
    if report.not_utf8 > 0 {
        out.push_str(&format!(
            "{} files are not UTF-8 text and were scanned as bytes.\n",
            report.not_utf8
        ));
    }
    if open > 0 {
        out.push_str(
            "Rotate each open secret, then record it with `safeguard secrets review FINGERPRINT \
             --reason ... --reviewer ...`.\n",
        );
    }
    out
}

fn mb(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}

fn review(r: ReviewArgs, quiet: bool, today: &str) -> Result<ExitCode> {
    let path = r
        .baseline
        .clone()
        .unwrap_or_else(|| default_baseline(&r.path));
    let mut baseline = if path.is_file() {
        Baseline::load(&path)?
    } else {
        Baseline::empty(&path)
    };
    let date = r.date.clone().unwrap_or_else(|| today.to_string());
    let mut entries = Vec::new();
    let entry = |fingerprint: String, rule: Option<String>, location: Option<String>| Reviewed {
        fingerprint,
        rule,
        location,
        reason: r.reason.clone(),
        reviewer: r.reviewer.clone(),
        date: date.clone(),
        expires: r.expires.clone(),
    };
    if r.all_open {
        let report = run_scan(
            &r.path,
            true,
            r.history,
            None,
            Some(&baseline),
            quiet,
            today,
        )?;
        for f in report.open() {
            let loc = f
                .locations
                .first()
                .map(|l| format!("{}:{}", l.path, l.line));
            entries.push(entry(f.fingerprint.clone(), Some(f.rule.to_string()), loc));
        }
    } else if r.fingerprints.is_empty() {
        bail!("name the fingerprints to review, or use --all-open");
    }
    for fp in &r.fingerprints {
        entries.push(entry(fp.trim().to_ascii_lowercase(), None, None));
    }
    let n = entries.len();
    let added = baseline
        .append(entries)
        .with_context(|| format!("{}: baseline not updated", path.display()))?;
    if !quiet {
        eprintln!(
            "{}: {added} secret{} recorded as reviewed{}",
            path.display(),
            if added == 1 { "" } else { "s" },
            if added < n {
                format!(" ({} already there)", n - added)
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn rules(format: crate::cmd::Format) -> Result<ExitCode> {
    let all = secrets::rules();
    let out = match format {
        crate::cmd::Format::Json => {
            let v: Vec<serde_json::Value> = all
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "family": r.family.as_str(),
                        "severity": r.severity.as_str(),
                        "description": r.description,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&v)? + "\n"
        }
        crate::cmd::Format::Table => {
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.family.as_str().to_string(),
                        r.severity.as_str().to_string(),
                        r.description.to_string(),
                    ]
                })
                .collect();
            crate::output::table(&["RULE", "FAMILY", "SEVERITY", "DESCRIPTION"], &rows, 80)
                + &format!("{} rules\n", all.len())
        }
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
