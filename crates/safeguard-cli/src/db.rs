//! `safeguard db`: the offline OSV vulnerability database (import, update, stats).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use safeguard_vulndb::db::{self, ImportOptions, ImportReport};
use safeguard_vulndb::osv::Timestamp;
use safeguard_vulndb::store::Stats;

use crate::cmd::Format;
use crate::output::table;

#[derive(Args, Clone)]
pub struct DbLocation {
    /// The database file, or a folder holding osv.db. Default: $SAFEGUARD_DB, else
    /// osv.db in the user cache folder (~/.cache/safeguard on Linux).
    #[arg(long, value_name = "PATH", env = "SAFEGUARD_DB", global = true)]
    pub db: Option<PathBuf>,
}

impl DbLocation {
    pub fn path(&self) -> PathBuf {
        db::resolve(self.db.as_deref())
    }
}

#[derive(Args)]
pub struct DbArgs {
    #[command(flatten)]
    location: DbLocation,
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Subcommand)]
enum DbCommand {
    /// Import OSV records from files, folders, NDJSON files or all.zip exports.
    #[command(
        after_help = "Examples:\n  safeguard db import ~/Downloads/PyPI-all.zip ~/Downloads/npm-all.zip\n  safeguard db import advisory-db/crates            a folder of OSV JSON files\n  safeguard db import pypa-advisory-database/vulns   OSV YAML works too\n  safeguard db import --db ./osv.db records.ndjson --format json\n\nEach record is validated against the OSV schema; a broken record is reported with its\nreason and skipped, and the rest still import. A record replaces the stored one with the\nsame id only when its `modified` is newer. Withdrawn records are kept but never matched.\nA damaged database is detected and rebuilt from its intact records.\nExit codes: 0 imported (even if some records were rejected), 2 an input could not be read."
    )]
    Import(ImportArgs),
    /// Download osv.dev's per-ecosystem exports and import them.
    #[command(
        after_help = "Examples:\n  safeguard db update                                  every ecosystem Safeguard reads lockfiles for\n  safeguard db update --ecosystem crates.io --ecosystem PyPI\n  safeguard db update --base-url http://mirror.internal/osv\n\nArchives are kept in an exports/ folder beside the database and revalidated with\nETag/Last-Modified, so an unchanged export is not downloaded again. A failed download never\nreplaces the previous archive. Offline? Download all.zip elsewhere and use `safeguard db import`."
    )]
    Update(UpdateArgs),
    /// Record counts and the newest `modified` per ecosystem.
    #[command(
        after_help = "Examples:\n  safeguard db stats\n  safeguard db stats --format json | jq '.ecosystems'"
    )]
    Stats(StatsArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// OSV JSON or YAML files, folders of them, NDJSON files, or zip exports.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also reject records whose id prefix or ecosystem is not registered in the OSV schema.
    #[arg(long)]
    strict: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
struct UpdateArgs {
    /// OSV ecosystem to fetch (repeatable). Default: crates.io, npm, PyPI, Go, RubyGems,
    /// Packagist, Maven, NuGet, SwiftURL, Pub, Hex and CRAN.
    #[arg(long = "ecosystem", value_name = "NAME")]
    ecosystems: Vec<String>,
    /// Where the exports are published.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    base_url: String,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[cfg(feature = "db-update")]
const DEFAULT_BASE_URL: &str = safeguard_vulndb::update::DEFAULT_BASE_URL;
#[cfg(not(feature = "db-update"))]
const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

#[derive(Args)]
struct StatsArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: DbArgs, quiet: bool) -> Result<ExitCode> {
    let path = args.location.path();
    match args.command {
        DbCommand::Import(a) => import(&path, &a, quiet),
        DbCommand::Update(a) => update(&path, &a, quiet),
        DbCommand::Stats(a) => stats(&path, a.format),
    }
}

fn progress_printer(quiet: bool) -> impl FnMut(db::Progress<'_>) {
    let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut last = String::new();
    move |p: db::Progress<'_>| {
        if show && !p.file.is_empty() {
            if p.file != last {
                last = p.file.to_owned();
                eprintln!("  importing {}", p.file);
            } else if p.records.is_multiple_of(100_000) {
                eprintln!("  … {} records", p.records);
            }
        }
    }
}

fn import(path: &Path, args: &ImportArgs, quiet: bool) -> Result<ExitCode> {
    let report = db::import(
        path,
        &args.paths,
        ImportOptions {
            strict: args.strict,
        },
        &mut progress_printer(quiet),
    )?;
    print_import(&report, args.format, quiet)?;
    Ok(if report.source_errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn print_import(report: &ImportReport, format: Format, quiet: bool) -> Result<()> {
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    for e in &report.source_errors {
        eprintln!("error: {e}");
    }
    if let Some(r) = &report.rebuilt {
        eprintln!("warning: {r}");
    }
    const SHOWN: usize = 20;
    for r in report.rejected.iter().take(SHOWN) {
        eprintln!(
            "rejected: {} ({}): {}",
            r.origin,
            r.id.as_deref().unwrap_or("no id"),
            r.reason
        );
    }
    if report.rejected.len() > SHOWN {
        eprintln!(
            "rejected: … and {} more (--format json lists them all)",
            report.rejected.len() - SHOWN
        );
    }
    if quiet {
        return Ok(());
    }
    for (message, count) in &report.lints {
        println!("note: {count} record(s) kept although: {message} (--strict rejects them)");
    }
    println!(
        "Read {} record(s) from {} file(s): {} added, {} updated, {} not newer, {} rejected.",
        report.read,
        report.files,
        report.added,
        report.updated,
        report.unchanged,
        report.rejected.len()
    );
    println!(
        "Database {}: {} record(s) ({} withdrawn).",
        report.database.display(),
        report.stats.records,
        report.stats.withdrawn
    );
    Ok(())
}

#[cfg(feature = "db-update")]
fn update(path: &Path, args: &UpdateArgs, quiet: bool) -> Result<ExitCode> {
    use safeguard_vulndb::update::{self, UpdateOptions};
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut options = UpdateOptions::new(dir.join("exports"));
    options.base_url = args.base_url.clone();
    if !args.ecosystems.is_empty() {
        options.ecosystems = args.ecosystems.clone();
    }
    let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let fetched = update::download(&options, &mut |p: update::Progress<'_>| {
        if show && p.done {
            eprintln!(
                "  {}: {}",
                p.ecosystem,
                if p.bytes > 0 {
                    format!("{} bytes", p.bytes)
                } else {
                    "done".into()
                }
            );
        }
    })?;
    let mut to_import = Vec::new();
    let db_missing = !path.exists();
    let mut failed = false;
    for o in &fetched.outcomes {
        match &o.result {
            Ok(d) if d.unchanged && !db_missing => {
                if !quiet && args.format == Format::Table {
                    println!("{}: unchanged since the last download", o.ecosystem);
                }
            }
            Ok(d) => to_import.push(d.path.clone()),
            Err(e) => {
                failed = true;
                eprintln!("error: {}: {e}", o.ecosystem);
            }
        }
    }
    if to_import.is_empty() {
        if args.format == Format::Json {
            println!(
                "{}",
                serde_json::json!({ "imported": [], "failed": failed })
            );
        }
        return Ok(if failed {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }
    let report = db::import(
        path,
        &to_import,
        ImportOptions::default(),
        &mut progress_printer(quiet),
    )?;
    print_import(&report, args.format, quiet)?;
    Ok(if failed || !report.source_errors.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(not(feature = "db-update"))]
fn update(_path: &Path, _args: &UpdateArgs, _quiet: bool) -> Result<ExitCode> {
    anyhow::bail!(
        "this safeguard was built without the `db-update` feature, so it cannot download; \
         download the exports (e.g. https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip) \
         and run `safeguard db import FILE…`"
    )
}

/// The age of a timestamp in words ("3 h", "12 days").
pub fn age(now: time::OffsetDateTime, then: time::OffsetDateTime) -> String {
    let secs = (now - then).whole_seconds();
    match secs {
        s if s < 0 => "in the future".into(),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 48 * 3600 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

fn stats(path: &Path, format: Format) -> Result<ExitCode> {
    let database = db::open(path)?;
    let stats: Stats = database.stats()?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let now = time::OffsetDateTime::now_utc();
    let fmt_ts = |n: Option<i64>| n.map(|n| Timestamp(n).to_datetime());
    if format == Format::Json {
        let ecosystems: serde_json::Map<String, serde_json::Value> = stats
            .ecosystems
            .iter()
            .map(|(k, e)| {
                (
                    k.clone(),
                    serde_json::json!({
                        "records": e.records,
                        "withdrawn": e.withdrawn,
                        "newest_modified": fmt_ts(e.newest_modified).map(rfc3339),
                    }),
                )
            })
            .collect();
        let doc = serde_json::json!({
            "database": path.display().to_string(),
            "bytes": size,
            "records": stats.records,
            "withdrawn": stats.withdrawn,
            "newest_modified": fmt_ts(stats.newest_modified).map(rfc3339),
            "built_at": time::OffsetDateTime::from_unix_timestamp(stats.built_at).ok().map(rfc3339),
            "ecosystems": ecosystems,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = stats
        .ecosystems
        .iter()
        .map(|(k, e)| {
            let newest = fmt_ts(e.newest_modified);
            vec![
                k.clone(),
                e.records.to_string(),
                e.withdrawn.to_string(),
                newest.map(rfc3339).unwrap_or_default(),
                newest.map(|t| age(now, t)).unwrap_or_default(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &[
                "ECOSYSTEM",
                "RECORDS",
                "WITHDRAWN",
                "NEWEST MODIFIED",
                "AGE"
            ],
            &rows,
            40
        )
    );
    println!();
    println!(
        "{}: {} record(s), {} withdrawn, {:.1} MB; newest record modified {}.",
        path.display(),
        stats.records,
        stats.withdrawn,
        size as f64 / 1e6,
        fmt_ts(stats.newest_modified)
            .map(|t| format!("{} ({} ago)", rfc3339(t), age(now, t)))
            .unwrap_or_else(|| "never".into())
    );
    Ok(ExitCode::SUCCESS)
}

pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
