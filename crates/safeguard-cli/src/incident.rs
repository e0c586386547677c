//! `safeguard incident`: lint the incident-support plan, keep the incident log, and report how
//! quickly customers and authorities were told (claims 4.3.1 and 4.3.2).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_disclosure::incident::log::{
    Clearable, CraKind, Fields, Incident, IncidentStatus, Log, Severity, parse_timestamp,
};
use safeguard_disclosure::incident::plan;
use safeguard_disclosure::incident::timeliness::{self, ClockStatus, Settings};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cmd::Format;
use crate::output::table;

pub const INCIDENT_HELP: &str = "Examples:
  safeguard incident plan-lint                       the plan named in safeguard.toml, or found
  safeguard incident plan-lint docs/incident-response.md --format json
  safeguard incident record --title \"API outage\" --severity high --affects-customers \\
      --detected-at 2025-06-01T09:30:00+01:00
  safeguard incident update INC-2025-001 --customers-notified-at 2025-06-01T15:00:00Z
  safeguard incident update INC-2025-001 --clear fixed-at      a time recorded by mistake
  safeguard incident list --all
  safeguard incident report --format markdown
  safeguard incident report --now 2025-06-05T00:00:00Z

The log is .safeguard/incidents.jsonl (or [incidents] log in safeguard.toml). Timestamps are
RFC 3339 with an offset (Z or +01:00).

Exit codes: 0 ok; 1 a plan element is absent (plan-lint) or a deadline was missed (report);
2 bad usage or unreadable input.";

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// Check the incident-support plan for contacts, roles, procedure, communication, recovery
    /// and post-incident review (claim 4.3.1).
    PlanLint(PlanLintArgs),
    /// Record a new incident; prints its id (INC-YYYY-NNN).
    Record(RecordArgs),
    /// Change fields of an incident (appends an event).
    Update(UpdateArgs),
    /// List incidents (open ones unless --all).
    List(ListArgs),
    /// Timeliness: detection to customer notification, and the EU CRA article 14 clocks (claim 4.3.2).
    Report(ReportArgs),
}

#[derive(Args)]
pub struct Repo {
    /// The repository root (where safeguard.toml is).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
}

#[derive(Args)]
pub struct PlanLintArgs {
    /// The plan; default: [incidents] plan, else INCIDENT*.md, docs/incident*.md or SECURITY.md.
    file: Option<PathBuf>,
    #[command(flatten)]
    repo: Repo,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args, Default)]
pub struct FieldArgs {
    /// A short title.
    #[arg(long)]
    title: Option<String>,
    /// low, medium, high or critical.
    #[arg(long, value_enum)]
    severity: Option<SeverityArg>,
    /// Customers are affected (`--affects-customers false` to undo).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    affects_customers: Option<bool>,
    /// The EU CRA article 14 track.
    #[arg(long, value_enum)]
    cra: Option<CraArg>,
    #[arg(long, value_name = "RFC3339")]
    occurred_at: Option<String>,
    /// When you became aware of it (starts every clock).
    #[arg(long, value_name = "RFC3339")]
    detected_at: Option<String>,
    #[arg(long, value_name = "RFC3339")]
    customers_notified_at: Option<String>,
    /// CRA early warning submitted (due 24 h after detection).
    #[arg(long, value_name = "RFC3339")]
    early_warning_at: Option<String>,
    /// CRA notification submitted (due 72 h after detection).
    #[arg(long, value_name = "RFC3339")]
    notification_at: Option<String>,
    /// A corrective or mitigating measure became available.
    #[arg(long, value_name = "RFC3339")]
    fixed_at: Option<String>,
    /// CRA final report submitted.
    #[arg(long, value_name = "RFC3339")]
    final_report_at: Option<String>,
    /// open or resolved.
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    #[arg(long)]
    notes: Option<String>,
    /// Empty a field recorded by mistake (repeatable; `update` only).
    #[arg(long, value_enum, value_name = "FIELD")]
    clear: Vec<ClearArg>,
    /// Who records this (default $USER).
    #[arg(long)]
    by: Option<String>,
}

#[derive(Args)]
pub struct RecordArgs {
    #[command(flatten)]
    fields: FieldArgs,
    #[command(flatten)]
    repo: Repo,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct UpdateArgs {
    /// The incident id (INC-YYYY-NNN).
    id: String,
    #[command(flatten)]
    fields: FieldArgs,
    #[command(flatten)]
    repo: Repo,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    repo: Repo,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Include resolved incidents.
    #[arg(long)]
    all: bool,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    repo: Repo,
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Measure pending clocks from this time (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

#[derive(Copy, Clone, ValueEnum)]
enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Copy, Clone, ValueEnum)]
enum CraArg {
    None,
    ExploitedVulnerability,
    SevereIncident,
}

#[derive(Copy, Clone, ValueEnum)]
enum ClearArg {
    Severity,
    OccurredAt,
    DetectedAt,
    CustomersNotifiedAt,
    EarlyWarningAt,
    NotificationAt,
    FixedAt,
    FinalReportAt,
    Notes,
}

#[derive(Copy, Clone, ValueEnum)]
enum StatusArg {
    Open,
    Resolved,
}

pub fn run(cmd: IncidentCommand, now: OffsetDateTime) -> Result<ExitCode> {
    match cmd {
        IncidentCommand::PlanLint(a) => plan_lint(a),
        IncidentCommand::Record(a) => {
            let (log, _) = open_log(&a.repo.repo)?;
            let by = who(&a.fields);
            let fields = fields(&a.fields)?;
            if !fields.clear.is_empty() {
                bail!("--clear is for `incident update`: a new incident has nothing to clear");
            }
            let i = log.record(fields, &by, now)?;
            show_one(&i, a.format, "Recorded")
        }
        IncidentCommand::Update(a) => {
            let (log, _) = open_log(&a.repo.repo)?;
            let by = who(&a.fields);
            let fields = fields(&a.fields)?;
            if fields == Fields::default() {
                bail!("nothing to change: give at least one field, e.g. --status resolved");
            }
            let i = log.update(&a.id, fields, &by, now)?;
            show_one(&i, a.format, "Updated")
        }
        IncidentCommand::List(a) => list(a),
        IncidentCommand::Report(a) => report(a, now),
    }
}

fn config(repo: &Path) -> Result<(safeguard_config::IncidentSettings, PathBuf)> {
    let loaded = safeguard_config::load_from_root(repo)?;
    let base = loaded.base_dir(repo);
    Ok((loaded.config.incidents, base))
}

fn open_log(repo: &Path) -> Result<(Log, safeguard_config::IncidentSettings)> {
    let (settings, base) = config(repo)?;
    let log = Log::open(base.join(settings.log()));
    Ok((log, settings))
}

fn read(log: &Log) -> Result<Vec<Incident>> {
    let state = log.read()?;
    if let Some(line) = state.truncated_line {
        eprintln!(
            "warning: {}:{line}: incomplete last line (an interrupted write) ignored; the next record removes it",
            log.path().display()
        );
    }
    Ok(state.incidents)
}

fn who(f: &FieldArgs) -> String {
    crate::vulns::actor(f.by.as_deref())
}

fn fields(a: &FieldArgs) -> Result<Fields> {
    let ts = |name: &str, v: &Option<String>| -> Result<Option<OffsetDateTime>> {
        v.as_deref()
            .map(|s| parse_timestamp(&format!("--{}", name.replace('_', "-")), s))
            .transpose()
            .map_err(Into::into)
    };
    Ok(Fields {
        title: a.title.clone(),
        severity: a.severity.map(|s| match s {
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }),
        affects_customers: a.affects_customers,
        cra: a.cra.map(|c| match c {
            CraArg::None => CraKind::None,
            CraArg::ExploitedVulnerability => CraKind::ExploitedVulnerability,
            CraArg::SevereIncident => CraKind::SevereIncident,
        }),
        occurred_at: ts("occurred_at", &a.occurred_at)?,
        detected_at: ts("detected_at", &a.detected_at)?,
        customers_notified_at: ts("customers_notified_at", &a.customers_notified_at)?,
        early_warning_at: ts("early_warning_at", &a.early_warning_at)?,
        notification_at: ts("notification_at", &a.notification_at)?,
        fixed_at: ts("fixed_at", &a.fixed_at)?,
        final_report_at: ts("final_report_at", &a.final_report_at)?,
        status: a.status.map(|s| match s {
            StatusArg::Open => IncidentStatus::Open,
            StatusArg::Resolved => IncidentStatus::Resolved,
        }),
        notes: a.notes.clone(),
        clear: a
            .clear
            .iter()
            .map(|c| match c {
                ClearArg::Severity => Clearable::Severity,
                ClearArg::OccurredAt => Clearable::OccurredAt,
                ClearArg::DetectedAt => Clearable::DetectedAt,
                ClearArg::CustomersNotifiedAt => Clearable::CustomersNotifiedAt,
                ClearArg::EarlyWarningAt => Clearable::EarlyWarningAt,
                ClearArg::NotificationAt => Clearable::NotificationAt,
                ClearArg::FixedAt => Clearable::FixedAt,
                ClearArg::FinalReportAt => Clearable::FinalReportAt,
                ClearArg::Notes => Clearable::Notes,
            })
            .collect(),
    })
}

fn stamp(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

fn show_one(i: &Incident, format: Format, verb: &str) -> Result<ExitCode> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(i)?),
        Format::Table => println!("{verb} {}: {} ({})", i.id, i.title, i.status.as_str()),
    }
    Ok(ExitCode::SUCCESS)
}

fn list(a: ListArgs) -> Result<ExitCode> {
    let (log, _) = open_log(&a.repo.repo)?;
    let incidents: Vec<Incident> = read(&log)?
        .into_iter()
        .filter(|i| a.all || i.status == IncidentStatus::Open)
        .collect();
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&incidents)?),
        Format::Table if incidents.is_empty() => println!(
            "No {}incidents in {}.",
            if a.all { "" } else { "open " },
            log.path().display()
        ),
        Format::Table => {
            let rows: Vec<Vec<String>> = incidents
                .iter()
                .map(|i| {
                    vec![
                        i.id.clone(),
                        i.status.as_str().into(),
                        i.severity.map(Severity::as_str).unwrap_or("").into(),
                        if i.affects_customers { "yes" } else { "no" }.into(),
                        i.cra.as_str().into(),
                        stamp(i.detected_at),
                        i.title.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &[
                        "ID",
                        "STATUS",
                        "SEVERITY",
                        "CUSTOMERS",
                        "CRA",
                        "DETECTED",
                        "TITLE"
                    ],
                    &rows,
                    60
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report(a: ReportArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let now = match &a.now {
        Some(s) => parse_timestamp("--now", s)?,
        None => now,
    };
    let (log, settings) = open_log(&a.repo.repo)?;
    let incidents = read(&log)?;
    let r = timeliness::report(
        &incidents,
        now,
        &Settings {
            notify_within_hours: settings.notify_within_hours(),
        },
    );
    let rows: Vec<Vec<String>> = r
        .incidents
        .iter()
        .flat_map(|i| {
            i.clocks()
                .into_iter()
                .filter(|c| c.status != ClockStatus::NotApplicable)
                .map(|c| {
                    vec![
                        i.id.clone(),
                        c.name.to_string(),
                        c.status.as_str().to_string(),
                        stamp(c.due),
                        stamp(c.done_at),
                        c.detail.clone(),
                    ]
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let headers = ["INCIDENT", "CLOCK", "STATUS", "DUE", "DONE", "DETAIL"];
    match a.format {
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&r)?),
        ReportFormat::Table => {
            if rows.is_empty() {
                println!("No incidents that affect customers or fall under CRA article 14.");
            } else {
                print!("{}", table(&headers, &rows, 70));
            }
            println!(
                "{} clocks met, {} missed, {} pending (as of {}; customer target {} h).",
                r.met,
                r.missed,
                r.pending,
                stamp(Some(r.now)),
                r.settings.notify_within_hours
            );
        }
        ReportFormat::Markdown => {
            println!("# Incident timeliness\n");
            println!(
                "As of {}. Customer-notification target: {} hours after detection. CRA clocks: Regulation (EU) 2024/2847, article 14.\n",
                stamp(Some(r.now)),
                r.settings.notify_within_hours
            );
            println!("| {} |", headers.join(" | "));
            println!("|{}", "---|".repeat(headers.len()));
            for row in &rows {
                let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                println!("| {} |", cells.join(" | "));
            }
            println!(
                "\n{} met, {} missed, {} pending.",
                r.met, r.missed, r.pending
            );
        }
    }
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The plan to lint: the argument, `[incidents] plan`, or the first likely file.
fn find_plan(a: &PlanLintArgs) -> Result<PathBuf> {
    if let Some(f) = &a.file {
        return Ok(f.clone());
    }
    let (settings, base) = config(&a.repo.repo)?;
    if let Some(p) = &settings.plan {
        return Ok(base.join(p));
    }
    let root = &a.repo.repo;
    let mut candidates: Vec<PathBuf> = Vec::new();
    for dir in [root.clone(), root.join("docs")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .map(|n| n.to_ascii_lowercase())
                        .is_some_and(|n| n.starts_with("incident") && n.ends_with(".md"))
            })
            .collect();
        names.sort();
        candidates.extend(names);
    }
    candidates.push(root.join("SECURITY.md"));
    candidates.push(root.join(".github/SECURITY.md"));
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .with_context(|| {
            format!(
                "{}: no incident-support plan found (INCIDENT*.md, docs/incident*.md, SECURITY.md); give the file or set [incidents] plan in safeguard.toml",
                root.display()
            )
        })
}

fn plan_lint(a: PlanLintArgs) -> Result<ExitCode> {
    let path = find_plan(&a)?;
    let bytes = std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let r = plan::lint(&text);
    match a.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "file": path.display().to_string(),
                "complete": r.complete(),
                "elements": r.elements,
            }))?
        ),
        Format::Table => {
            let rows: Vec<Vec<String>> = r
                .elements
                .iter()
                .map(|e| {
                    vec![
                        e.element.as_str().into(),
                        e.status.as_str().into(),
                        e.line
                            .map(|l| format!("{}:{l}", path.display()))
                            .unwrap_or_default(),
                        e.detail.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(&["ELEMENT", "STATUS", "WHERE", "DETAIL"], &rows, 80)
            );
        }
    }
    Ok(if r.any_absent() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
