//! `safeguard scan`: known vulnerabilities in a repository's dependencies or in SBOMs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use safeguard_inventory::discover;
use safeguard_inventory::sbom::{self, CdxVersion, Metadata};
use safeguard_vulndb::cvss::Rating;
use safeguard_vulndb::finding::ScanReport;
use safeguard_vulndb::{ignore, report, scan, vex};

use crate::db::DbLocation;

pub const SCAN_HELP: &str = "Examples:
  safeguard scan                                   the lockfiles of the current repository
  safeguard scan ../svc --fail-on high             exit 1 on any open high or critical finding
  safeguard scan --sbom vendor.cdx.json            any CycloneDX or SPDX SBOM
  safeguard scan --format sarif -o scan.sarif      for code-scanning dashboards
  safeguard scan --format cyclonedx-json -o vdr.cdx.json   a BOM with its vulnerabilities
  safeguard scan --vex triage.openvex.json --show-suppressed
  safeguard scan --record                          also keep the findings as tickets (safeguard vulns)

Findings are matched offline against the database of `safeguard db` with each ecosystem's
own version ordering. A VEX statement (OpenVEX or CycloneDX) saying `not_affected`
suppresses a finding; so does an entry of the ignore file (.safeguard-ignore.toml in PATH,
or --ignore-file), which needs a reason and an expiry date:

  [[ignore]]
  id = \"GHSA-xxxx-xxxx-xxxx\"
  purl = \"pkg:npm/lodash\"          # optional: one package (any version)
  reason = \"only used at build time, input is trusted\"
  expires = \"2026-06-30\"

Exit codes: 0 no open finding at or above --fail-on (or no --fail-on), 1 there is one,
2 bad usage, no database, or an unreadable lockfile or SBOM (the rest are still scanned).";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    /// Findings for people.
    Table,
    /// The whole scan report, suppressed findings included.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// A CycloneDX 1.6 BOM with a `vulnerabilities` section.
    CyclonedxJson,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Low,
    Medium,
    High,
    Critical,
}

/// What a scan reads: shared by `scan` and `vulns sync`.
#[derive(Args)]
pub struct ScanSource {
    /// The repository (or folder) whose lockfiles are scanned.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Scan this SBOM (CycloneDX or SPDX, any encoding) instead of the lockfiles (repeatable).
    #[arg(long = "sbom", value_name = "FILE")]
    pub sboms: Vec<PathBuf>,
    #[command(flatten)]
    pub location: DbLocation,
    /// An OpenVEX or CycloneDX VEX document; `not_affected` statements suppress findings (repeatable).
    #[arg(long = "vex", value_name = "FILE")]
    pub vex: Vec<PathBuf>,
    /// The ignore file (default: PATH/.safeguard-ignore.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
}

/// Recording a scan in the store (`scan --record`, `vulns sync`).
#[derive(Args)]
pub struct RecordArgs {
    /// The store (default: [vulns] store in safeguard.toml, else .safeguard/store.db in PATH).
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// The product the findings belong to (default: the product in safeguard.toml, else the
    /// folder's name).
    #[arg(long)]
    pub product: Option<String>,
    /// Who records (default $USER).
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Args)]
pub struct ScanArgs {
    #[command(flatten)]
    source: ScanSource,
    #[arg(long, value_enum, default_value = "table")]
    format: ScanFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when an open finding is rated at least this high.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// List suppressed findings too, with the VEX justification or ignore reason.
    #[arg(long)]
    show_suppressed: bool,
    /// Record the findings as tickets in the store (see `safeguard vulns`).
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    record_args: RecordArgs,
}

/// A scan's result with what it read.
pub(crate) struct Scanned {
    pub result: ScanReport,
    pub inventory: safeguard_inventory::Inventory,
    pub target: String,
}

pub fn run(args: ScanArgs, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    let Scanned {
        result,
        inventory,
        target,
    } = perform(&args.source, quiet, now)?;
    let src = &args.source;
    if args.record {
        crate::vulns::record(
            &src.path,
            &result,
            inventory.errors.is_empty(),
            &args.record_args,
            quiet,
            now,
        )?;
    }
    let mut out: Vec<u8> = Vec::new();
    match args.format {
        ScanFormat::Table => report::write_table(&result, args.show_suppressed, &mut out)?,
        ScanFormat::Json => report::write_json(&result, &mut out)?,
        ScanFormat::Sarif => report::write_sarif(&result, args.show_suppressed, &mut out)?,
        ScanFormat::CyclonedxJson => {
            let subject = if src.sboms.is_empty() {
                crate::sbom::subject_of(&src.path)?
            } else {
                safeguard_inventory::sbom::Subject {
                    name: target.clone(),
                    version: None,
                    commit: None,
                    supplier: None,
                }
            };
            let meta = Metadata {
                tool_name: "safeguard".into(),
                tool_version: env!("CARGO_PKG_VERSION").into(),
                timestamp: now,
                subject,
            };
            let bom = sbom::write_cyclonedx(&inventory, &meta, CdxVersion::V1_6);
            let bom: serde_json::Value =
                serde_json::from_str(&bom).context("internal: CycloneDX output is not JSON")?;
            report::write_cyclonedx(&result, bom, &mut out)?;
        }
    }
    match &args.output {
        Some(p) => crate::sbom::write_atomic(p, &out)?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&out)?;
        }
    }
    if !quiet {
        freshness_note(&result, now);
    }
    for e in &inventory.errors {
        eprintln!("error: {e}");
    }
    if !inventory.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    if let Some(level) = args.fail_on {
        let rating = match level {
            FailOn::Low => Rating::Low,
            FailOn::Medium => Rating::Medium,
            FailOn::High => Rating::High,
            FailOn::Critical => Rating::Critical,
        };
        if report::exit_rating_reached(&result, rating) {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Read the inputs and scan them, applying VEX documents and the ignore file.
pub(crate) fn perform(
    args: &ScanSource,
    quiet: bool,
    now: time::OffsetDateTime,
) -> Result<Scanned> {
    let db_path = args.location.path();
    let database = safeguard_vulndb::db::open(&db_path)?;
    let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = move |msg: &str| {
        if show {
            eprintln!("  {msg}");
        }
    };
    let (inventory, target) = if args.sboms.is_empty() {
        if !args.path.is_dir() {
            anyhow::bail!("{}: not a directory", args.path.display());
        }
        let inv = discover::scan(&args.path, &progress).map_err(|e| anyhow::anyhow!("{e}"))?;
        (inv, args.path.display().to_string())
    } else {
        let mut docs = Vec::new();
        let mut errors = Vec::new();
        for p in &args.sboms {
            let read = std::fs::read(p)
                .map_err(|e| format!("{}: {e}", p.display()))
                .and_then(|bytes| {
                    sbom::read(&p.display().to_string(), &bytes).map_err(|e| e.to_string())
                });
            match read {
                Ok(d) => docs.push(d),
                Err(e) => errors.push(e),
            }
        }
        let mut inv = sbom::merge(&docs);
        for e in errors {
            eprintln!("error: {e}");
            inv.errors.push(safeguard_inventory::ParseError::new(
                String::new(),
                None,
                None,
                e,
            ));
        }
        let target = args
            .sboms
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        (inv, target)
    };

    let mut result = scan::scan(
        &database,
        &inventory.components,
        &target,
        env!("CARGO_PKG_VERSION"),
    )?;
    result.scanned_at = now;
    for path in &args.vex {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let doc = vex::read(&path.display().to_string(), &bytes)?;
        vex::apply(&doc, &mut result.findings);
    }
    let ignore_path = args.ignore_file.clone().or_else(|| {
        let p = args.path.join(".safeguard-ignore.toml");
        (args.sboms.is_empty() && p.is_file()).then_some(p)
    });
    if let Some(path) = ignore_path {
        let bytes =
            std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
        let file = ignore::read(&path.display().to_string(), &bytes)?;
        for w in ignore::apply(&file, &mut result.findings, now) {
            eprintln!("warning: {w}");
        }
    }
    scan::sort_findings(&mut result.findings);
    Ok(Scanned {
        result,
        inventory,
        target,
    })
}

fn freshness_note(result: &ScanReport, now: time::OffsetDateTime) {
    match result.db.newest_modified {
        Some(t) if now - t > time::Duration::days(1) => eprintln!(
            "note: the newest record in {} was modified {} ago; run `safeguard db update` for current data",
            result.db.path,
            crate::db::age(now, t)
        ),
        None => eprintln!(
            "note: the database {} is empty; run `safeguard db update`",
            result.db.path
        ),
        _ => {}
    }
}
