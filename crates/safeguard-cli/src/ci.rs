//! `safeguard ci`: static audits of CI workflows.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use safeguard_source::ci_audit::{self, Report};

pub const CI_HELP: &str = "Examples:
  safeguard ci                                  audit the workflows of .
  safeguard ci ../svc --format sarif -o ci.sarif
  safeguard ci --fail-on high                   exit 1 on a high or critical finding
  safeguard ci --min-confidence medium --format json
  safeguard ci --list                           the audits and what they look for

Audits GitHub Actions workflows (.github/workflows), composite, JavaScript and Docker actions
(action.yml), and GitLab CI (.gitlab-ci.yml and the local files it includes). Each finding has
a severity, a confidence, file:line:col and a fix hint. The report also lists the security
checks the pipelines run (tests, SAST, fuzzing, signing and attestation) and whether a
dependency-update tool is configured.

Exit codes: 0 done (no finding at or above --fail-on), 1 there is one, 2 bad usage.";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum CiFormat {
    Table,
    Json,
    Sarif,
}

#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum Level {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Args)]
pub struct CiArgs {
    /// The repository whose CI configuration is audited.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: CiFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a finding is at least this severe.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<Level>,
    /// Leave out findings below this confidence.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "low")]
    min_confidence: Confidence,
    /// List the audits and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum Confidence {
    Low,
    Medium,
    High,
}

fn severity_rank(s: &str) -> Level {
    match s {
        "critical" => Level::Critical,
        "high" => Level::High,
        "medium" => Level::Medium,
        "low" => Level::Low,
        _ => Level::Info,
    }
}

fn confidence_rank(s: &str) -> Confidence {
    match s {
        "high" => Confidence::High,
        "medium" => Confidence::Medium,
        _ => Confidence::Low,
    }
}

/// The files of a tree: tracked files in a git work tree, otherwise a walk.
pub fn tree_files(path: &Path) -> Result<Vec<String>> {
    match safeguard_source::git::Repo::open(path) {
        Ok(Some(repo)) => {
            let mut files = repo.tracked_files()?;
            files.extend(repo.untracked_files()?);
            files.sort();
            files.dedup();
            return Ok(files);
        }
        Ok(None) => {}
        // A damaged repository: audit what is on disk.
        Err(e) => eprintln!("warning: {e}; auditing the files on disk instead"),
    }
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(path)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
    {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_some_and(|t| t.is_file())
            && let Ok(rel) = entry.path().strip_prefix(path)
        {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    files.sort();
    Ok(files)
}

pub fn run(args: CiArgs, quiet: bool) -> Result<ExitCode> {
    if args.list {
        let rows: Vec<Vec<String>> = ci_audit::audit_catalogue()
            .into_iter()
            .map(|(id, sev, desc)| vec![id.to_string(), sev.as_str().to_string(), desc.to_string()])
            .collect();
        print!(
            "{}",
            crate::output::table(&["AUDIT", "SEVERITY", "WHAT IT LOOKS FOR"], &rows, 100)
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !args.path.is_dir() {
        bail!("{}: not a directory", args.path.display());
    }
    let files = tree_files(&args.path)?;
    let mut report = ci_audit::audit_tree(&args.path, &files);
    report
        .findings
        .retain(|f| confidence_rank(f.confidence.as_str()) >= args.min_confidence);
    let out = match args.format {
        CiFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        CiFormat::Sarif => {
            serde_json::to_string_pretty(&ci_audit::sarif(&report, env!("CARGO_PKG_VERSION")))?
                + "\n"
        }
        CiFormat::Table => table(&report),
    };
    match &args.output {
        Some(p) => crate::sbom::write_atomic(p, out.as_bytes())?,
        None => print!("{out}"),
    }
    if !quiet {
        for e in &report.errors {
            eprintln!("error: {}:{}:{}: {}", e.file, e.line, e.column, e.message);
        }
    }
    if let Some(level) = args.fail_on
        && report
            .findings
            .iter()
            .any(|f| severity_rank(f.severity.as_str()) >= level)
    {
        return Ok(ExitCode::from(1));
    }
    if !report.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn table(report: &Report) -> String {
    let mut out = String::new();
    let rows: Vec<Vec<String>> = report
        .findings
        .iter()
        .map(|f| {
            vec![
                format!("{}:{}:{}", f.file, f.line, f.column),
                f.severity.as_str().to_string(),
                f.confidence.as_str().to_string(),
                f.audit.to_string(),
                format!("{} Fix: {}", f.message, f.fix),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push_str(&crate::output::table(
            &[
                "WHERE",
                "SEVERITY",
                "CONFIDENCE",
                "AUDIT",
                "FINDING AND FIX",
            ],
            &rows,
            160,
        ));
        out.push('\n');
    }
    let p = &report.posture;
    let list = |v: &[ci_audit::Step]| {
        if v.is_empty() {
            "none found".to_string()
        } else {
            v.iter()
                .map(|s| format!("{} ({}:{})", s.what, s.file, s.line))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    out.push_str(&format!(
        "Audited {} files: {} findings.\n",
        report.files.len(),
        report.findings.len()
    ));
    out.push_str(&format!(
        "Dependency updates: {}\n",
        if p.dependency_updates.is_empty() {
            "none configured".to_string()
        } else {
            p.dependency_updates.join(", ")
        }
    ));
    out.push_str(&format!("Tests:       {}\n", list(&p.tests)));
    out.push_str(&format!("SAST:        {}\n", list(&p.sast)));
    out.push_str(&format!("Fuzzing:     {}\n", list(&p.fuzzing)));
    out.push_str(&format!("Signing:     {}\n", list(&p.signing)));
    out.push_str(&format!("Attestation: {}\n", list(&p.attestation)));
    out
}
