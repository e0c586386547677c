//! `safeguard lifecycle`: end-of-support dates, customer notices, update policy and user
//! documentation (claims 4.1.1, 4.1.2, 4.1.3, 4.2.1).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_disclosure::lifecycle::{self, CheckStatus, Lifecycle, NoticeOptions};

use crate::cmd::Format;
use crate::output::table;

pub const LIFECYCLE_HELP: &str = "Examples:
  safeguard lifecycle check                          check safeguard.toml's [lifecycle] now
  safeguard lifecycle check --now 2026-06-01 --format json
  safeguard lifecycle notice 4.2                     draft the end-of-support notice (markdown)
  safeguard lifecycle notice 4.2 --product acme-server --format text --contact security@acme.example

The data comes from [lifecycle] in safeguard.toml ([[lifecycle.versions]] and an optional
OpenEoX-style JSON file named by `file`). Dates are YYYY-MM-DD (that day at 00:00 UTC) or RFC
3339 date-times with an offset; all comparisons are in UTC. \"12 months' notice\" counts
calendar months: the notice passes when the same day a year later (28 February for 29
February) is on or before the end of security support.

Exit codes: 0 every check passed (check) or the notice was written, 1 a check failed,
2 bad usage or unreadable / inconsistent input.";

#[derive(Subcommand)]
pub enum LifecycleCommand {
    /// Check end-of-support dates (4.1.1), notice periods (4.2.1), the update policy (4.1.2)
    /// and user documentation (4.1.3).
    #[command(after_help = LIFECYCLE_HELP)]
    Check(CheckArgs),
    /// Draft the customer end-of-support notice for a version.
    #[command(after_help = LIFECYCLE_HELP)]
    Notice(NoticeArgs),
}

#[derive(Args)]
pub struct CheckArgs {
    /// The configuration file.
    #[arg(long, default_value = "safeguard.toml")]
    config: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Evaluate at this date or RFC 3339 date-time instead of now (SOURCE_DATE_EPOCH also works).
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum NoticeFormat {
    Markdown,
    Text,
}

#[derive(Args)]
pub struct NoticeArgs {
    /// The version to announce (as in [[lifecycle.versions]]).
    version: String,
    /// The product, when several have this version.
    #[arg(long)]
    product: Option<String>,
    /// The configuration file.
    #[arg(long, default_value = "safeguard.toml")]
    config: PathBuf,
    #[arg(long, value_enum, default_value = "markdown")]
    format: NoticeFormat,
    /// Where customers reach you (e.g. a security contact address); default: the first
    /// `contact` of `[disclosure]` in safeguard.toml.
    #[arg(long)]
    contact: Option<String>,
}

pub fn run(cmd: LifecycleCommand, now: time::OffsetDateTime) -> Result<ExitCode> {
    match cmd {
        LifecycleCommand::Check(a) => check(a, now),
        LifecycleCommand::Notice(a) => notice(a),
    }
}

/// Load the config's lifecycle data; the second value is the folder paths are relative to.
fn load(config: &Path) -> Result<(safeguard_config::Config, Lifecycle, PathBuf)> {
    let c = safeguard_config::load_file(config)?;
    let base = config
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let Some(settings) = &c.lifecycle else {
        bail!(
            "{}: no [lifecycle] table: add one (see `safeguard init` for an example)",
            config.display()
        );
    };
    let lc = lifecycle::load(settings, &base)?;
    Ok((c, lc, base))
}

fn check(args: CheckArgs, now: time::OffsetDateTime) -> Result<ExitCode> {
    let now = match &args.now {
        Some(s) => {
            safeguard_config::Moment::parse(s)
                .map_err(anyhow::Error::msg)
                .context("--now")?
                .utc
        }
        None => now,
    };
    let (_, lc, base) = load(&args.config)?;
    let report = lifecycle::check(&lc, now, &base);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Table => {
            let rows: Vec<Vec<String>> = report
                .checks
                .iter()
                .map(|c| {
                    vec![
                        c.claim.to_string(),
                        c.check.to_string(),
                        match c.status {
                            CheckStatus::Pass => "pass".into(),
                            CheckStatus::Fail => "FAIL".into(),
                        },
                        c.subject.clone().unwrap_or_default(),
                        c.message.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["CLAIM", "CHECK", "STATUS", "SUBJECT", "DETAIL"],
                    &rows,
                    100
                )
            );
            let failed = report
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail)
                .count();
            println!();
            println!(
                "{} versions, {} checks, {} failed (at {}).",
                report.versions.len(),
                report.checks.len(),
                failed,
                report
                    .now
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            );
        }
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn notice(args: NoticeArgs) -> Result<ExitCode> {
    let (config, lc, _) = load(&args.config)?;
    let opts = NoticeOptions {
        product: args.product.as_deref(),
        vendor: config.vendor.name.as_deref(),
        // `--contact`, else the first security.txt contact of `[disclosure]`.
        contact: args
            .contact
            .as_deref()
            .or(config.disclosure.contact.first().map(String::as_str)),
        markdown: args.format == NoticeFormat::Markdown,
    };
    let text = lifecycle::notice(&lc, &args.version, &opts)
        .with_context(|| format!("{}", args.config.display()))?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
