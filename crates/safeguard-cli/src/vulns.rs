//! `safeguard vulns`: vulnerability tickets from scans, triage decisions with an audit trail,
//! SLA tracking, KPIs and VEX (claims 3.3.2, 3.4 and 3.5).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_handling::model::{Justification, Severity, Status, Ticket};
use safeguard_handling::sla::{self, SlaPolicy};
use safeguard_store::{OpenMode, ScanInput, Store, TicketFilter, Triage};
use safeguard_vulndb::finding::ScanReport;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cmd::Format;
use crate::output::table;
use crate::scan::{RecordArgs, ScanSource};

pub const VULNS_HELP: &str = "Examples:
  safeguard vulns sync                         scan the repository and record the findings as tickets
  safeguard vulns sync --report scan.json      record a saved `safeguard scan --format json` report
  safeguard vulns list                         open tickets, with their SLA due dates
  safeguard vulns list --status all --format json
  safeguard vulns show VULN-12
  safeguard vulns triage VULN-12 --status not_affected \\
      --justification vulnerable_code_not_in_execute_path --reason \"parser never reached\"
  safeguard vulns triage VULN-13 --status accepted --approver \"CISO\" --expires 2026-03-31 \\
      --reason \"compensating WAF rule; fix lands in 5.0\"
  safeguard vulns release 4.2.1                the fixes made so far shipped in 4.2.1 today
  safeguard vulns verify                       check the store and its hash-chained audit trail
  safeguard vulns report --format html -o kpis.html   KPIs with charts (also table, json, markdown)
  safeguard vulns vex --format openvex -o acme.openvex.json   VEX from the triage decisions

Tickets live in .safeguard/store.db (or --store, or [vulns] store in safeguard.toml), one per
(product, component purl, vulnerability id). A finding that disappears from a later complete
scan closes its ticket as fixed, citing that scan. Every change is appended to a hash-chained
audit trail: who, when, what, why.

Exit codes: 0 ok; 1 verify found a problem; 2 bad usage or an unreadable store or input.";

#[derive(Subcommand)]
pub enum VulnsCommand {
    /// Scan (or read a saved scan report) and record the findings as tickets.
    Sync(SyncArgs),
    /// List tickets (open ones unless --status says otherwise).
    List(ListArgs),
    /// One ticket with its history and audit trail.
    Show(ShowArgs),
    /// Record a triage decision: affected, not_affected, fixed, accepted, under_investigation.
    Triage(TriageArgs),
    /// Record a product release: fixed tickets not yet shipped are marked as shipped in it.
    Release(ReleaseArgs),
    /// Check the store's integrity and its hash-chained audit trail.
    Verify(VerifyArgs),
    /// KPIs: open tickets by severity and age, share handled within SLA, time to remediate
    /// and to triage, breaches.
    Report(ReportArgs),
    /// VEX from the triage decisions: OpenVEX 0.2, CycloneDX 1.6 or the CSAF 2.0 VEX profile.
    Vex(VexArgs),
}

/// Where the store is.
#[derive(Args)]
pub struct StoreArgs {
    /// The repository root (where safeguard.toml and .safeguard/ are).
    #[arg(long, default_value = ".")]
    pub(crate) repo: PathBuf,
    /// The store file (default: [vulns] store in safeguard.toml, else .safeguard/store.db).
    #[arg(long, value_name = "FILE")]
    pub(crate) store: Option<PathBuf>,
}

#[derive(Args)]
pub struct SyncArgs {
    #[command(flatten)]
    source: ScanSource,
    /// Record this saved scan report (`safeguard scan --format json`) instead of scanning.
    #[arg(long, value_name = "FILE", conflicts_with = "sboms")]
    report: Option<PathBuf>,
    #[command(flatten)]
    record: RecordArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum StatusArg {
    Open,
    All,
    UnderInvestigation,
    Affected,
    NotAffected,
    Fixed,
    Accepted,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    None,
    Unknown,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Which statuses (repeatable; default: open = under_investigation, affected, accepted).
    #[arg(long, value_enum)]
    status: Vec<StatusArg>,
    /// Only these severities (repeatable).
    #[arg(long, value_enum)]
    severity: Vec<SeverityArg>,
    /// Only this product.
    #[arg(long)]
    product: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The ticket (VULN-12 or 12).
    id: String,
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
enum TriageStatus {
    UnderInvestigation,
    Affected,
    NotAffected,
    Fixed,
    Accepted,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
enum JustificationArg {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

#[derive(Args)]
pub struct TriageArgs {
    /// The ticket (VULN-12 or 12).
    id: String,
    #[arg(long, value_enum)]
    status: TriageStatus,
    /// For not_affected: the VEX justification.
    #[arg(long, value_enum)]
    justification: Option<JustificationArg>,
    /// The VEX impact statement (not_affected) or action statement (affected, accepted).
    #[arg(long)]
    statement: Option<String>,
    /// For accepted: who approved the risk.
    #[arg(long)]
    approver: Option<String>,
    /// For accepted: when the acceptance lapses (YYYY-MM-DD, end of that day UTC, or RFC 3339).
    #[arg(long, value_name = "DATE")]
    expires: Option<String>,
    /// Why (required: it goes into the audit trail).
    #[arg(long)]
    reason: String,
    /// Who decides (default $USER).
    #[arg(long)]
    by: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct ReleaseArgs {
    /// The product version released.
    version: String,
    /// When it was released (YYYY-MM-DD or RFC 3339; default now).
    #[arg(long, value_name = "DATE")]
    at: Option<String>,
    /// The product (default: the product in safeguard.toml, else the folder's name).
    #[arg(long)]
    product: Option<String>,
    #[arg(long)]
    by: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
    Markdown,
    /// A self-contained page with inline SVG charts.
    Html,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Only this product.
    #[arg(long)]
    product: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Measure at this time (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub(crate) enum VexFormat {
    /// OpenVEX 0.2.0 JSON.
    Openvex,
    /// A CycloneDX 1.6 VEX BOM.
    Cyclonedx,
    /// A CSAF 2.0 document of the VEX profile (`csaf_vex`).
    Csaf,
}

/// Who publishes a document, for VEX and advisories.
#[derive(Args)]
pub struct PublisherArgs {
    /// The product (default: the product in safeguard.toml, else the folder's name).
    #[arg(long)]
    pub product: Option<String>,
    /// The publisher's web namespace (default: [vendor] url in safeguard.toml).
    #[arg(long, value_name = "URL")]
    pub namespace: Option<String>,
    /// The document id (default: PRODUCT-vex-YYYYMMDD, or the advisory's tracking id).
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Args)]
pub struct VexArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    publisher: PublisherArgs,
    #[arg(long, value_enum, default_value = "openvex")]
    format: VexFormat,
    /// Every ticket, not only the ones a person triaged (untriaged ones are stated as
    /// under_investigation).
    #[arg(long)]
    all: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(cmd: VulnsCommand, quiet: bool, now: OffsetDateTime) -> Result<ExitCode> {
    match cmd {
        VulnsCommand::Sync(a) => sync(a, quiet, now),
        VulnsCommand::List(a) => list(a, now),
        VulnsCommand::Show(a) => show(a, now),
        VulnsCommand::Triage(a) => triage(a, now),
        VulnsCommand::Release(a) => release(a, now),
        VulnsCommand::Verify(a) => verify(a),
        VulnsCommand::Report(a) => report(a, now),
        VulnsCommand::Vex(a) => vex(a, now),
    }
}

/// Who acts: `--by`, else $USER / $USERNAME, else "unknown".
pub(crate) fn actor(by: Option<&str>) -> String {
    by.map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// The store's path: `--store`, else `[vulns] store` relative to the configuration, else
/// `.safeguard/store.db` in the repository.
pub(crate) fn store_path(repo: &Path, explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let loaded = safeguard_config::load_from_root(repo)?;
    let base = loaded.base_dir(repo);
    Ok(match loaded.config.vulns.store.as_deref() {
        Some(s) => base.join(s),
        None => repo.join(safeguard_store::DEFAULT_PATH),
    })
}

/// The configuration's product id and version, else the folder's name.
pub(crate) fn product_of(repo: &Path, explicit: Option<&str>) -> Result<(String, Option<String>)> {
    let loaded = safeguard_config::load_from_root(repo)?;
    let products = &loaded.config.products;
    if let Some(p) = explicit {
        let version = products
            .iter()
            .find(|x| x.id.get_ref().as_str() == p)
            .and_then(|x| x.version.clone());
        return Ok((p.to_string(), version));
    }
    if products.len() == 1 {
        return Ok((
            products[0].id.get_ref().to_string(),
            products[0].version.clone(),
        ));
    }
    let canonical = repo
        .canonicalize()
        .with_context(|| format!("{}: cannot open", repo.display()))?;
    Ok((
        canonical
            .file_name()
            .map_or_else(|| "product".into(), |n| n.to_string_lossy().into_owned()),
        None,
    ))
}

/// `[vulns.sla]`, or the default policy.
fn sla_policy(repo: &Path) -> Result<SlaPolicy> {
    Ok(safeguard_config::load_from_root(repo)?
        .config
        .vulns
        .sla_policy())
}

pub(crate) fn open(repo: &Path, explicit: Option<&Path>, mode: OpenMode) -> Result<Store> {
    let path = store_path(repo, explicit)?;
    Ok(Store::open(&path, mode)?)
}

/// Record a scan report in the store (`scan --record`, `vulns sync`), and say what changed on
/// standard error.
pub(crate) fn record(
    repo: &Path,
    report: &ScanReport,
    complete: bool,
    args: &RecordArgs,
    quiet: bool,
    now: OffsetDateTime,
) -> Result<safeguard_store::RecordOutcome> {
    let (product, product_version) = product_of(repo, args.product.as_deref())?;
    let bytes = serde_json::to_vec(report)?;
    let input = ScanInput {
        product,
        product_version,
        target: report.target.clone(),
        scanned_at: report.scanned_at,
        db_newest: report.db.newest_modified,
        components: report.components,
        findings: report.findings.clone(),
        digest: safeguard_model::sha256_bytes(&bytes),
        complete,
    };
    let mut store = open(repo, args.store.as_deref(), OpenMode::Create)?;
    let out = store.record_scan(&input, &actor(args.by.as_deref()), now)?;
    if !quiet {
        match out.already_recorded {
            Some(id) => eprintln!(
                "{}: this report was already recorded as scan {id}; nothing changed.",
                store.path().display()
            ),
            None => eprintln!(
                "{}: scan {} recorded for {}: {} new tickets, {} seen again, {} reopened, {} closed as fixed{}.",
                store.path().display(),
                out.scan_id,
                input.product,
                out.created.len(),
                out.seen_again,
                out.reopened.len(),
                out.fixed.len(),
                if out.closing_skipped {
                    " (the scan was incomplete, so no ticket was closed)"
                } else {
                    ""
                }
            ),
        }
    }
    store.close()?;
    Ok(out)
}

fn sync(a: SyncArgs, quiet: bool, now: OffsetDateTime) -> Result<ExitCode> {
    let (report, complete, errors) = match &a.report {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
            let report: ScanReport = serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{}: line {}, column {}: not a `safeguard scan --format json` report: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                )
            })?;
            (report, true, Vec::new())
        }
        None => {
            let scanned = crate::scan::perform(&a.source, quiet, now)?;
            let errors: Vec<String> = scanned
                .inventory
                .errors
                .iter()
                .map(ToString::to_string)
                .collect();
            (scanned.result, errors.is_empty(), errors)
        }
    };
    let out = record(
        &a.source.path,
        &report,
        complete,
        &a.record,
        quiet || a.format == Format::Json,
        now,
    )?;
    if a.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn statuses(args: &[StatusArg]) -> Vec<Status> {
    let mut out = Vec::new();
    let list: &[StatusArg] = if args.is_empty() {
        &[StatusArg::Open]
    } else {
        args
    };
    for s in list {
        match s {
            StatusArg::All => return Vec::new(),
            StatusArg::Open => out.extend([
                Status::UnderInvestigation,
                Status::Affected,
                Status::Accepted,
            ]),
            StatusArg::UnderInvestigation => out.push(Status::UnderInvestigation),
            StatusArg::Affected => out.push(Status::Affected),
            StatusArg::NotAffected => out.push(Status::NotAffected),
            StatusArg::Fixed => out.push(Status::Fixed),
            StatusArg::Accepted => out.push(Status::Accepted),
        }
    }
    out
}

fn severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Critical => Severity::Critical,
        SeverityArg::High => Severity::High,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::Low => Severity::Low,
        SeverityArg::None => Severity::None,
        SeverityArg::Unknown => Severity::Unknown,
    }
}

fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn day(t: OffsetDateTime) -> String {
    stamp(t).chars().take(10).collect()
}

fn list(a: ListArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let policy = sla_policy(&a.store.repo)?;
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Existing)?;
    let filter = TicketFilter {
        product: a.product.clone(),
        statuses: statuses(&a.status),
        severities: a.severity.iter().map(|s| severity(*s)).collect(),
    };
    let mut tickets = store.tickets(&filter)?;
    tickets.sort_by(|x, y| y.severity.cmp(&x.severity).then(x.id.cmp(&y.id)));
    match a.format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = tickets
                .iter()
                .map(|t| {
                    let mut v = serde_json::to_value(t).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert(
                            "sla".into(),
                            serde_json::to_value(sla::evaluate(t, &policy, now))
                                .unwrap_or_default(),
                        );
                    }
                    v
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?)
        }
        Format::Table => {
            if tickets.is_empty() {
                println!("No tickets match.");
            } else {
                let rows: Vec<Vec<String>> = tickets
                    .iter()
                    .map(|t| {
                        let st = sla::evaluate(t, &policy, now);
                        vec![
                            t.key(),
                            t.severity.as_str().to_string(),
                            t.status.as_str().to_string(),
                            t.vuln_id.clone(),
                            t.purl.clone(),
                            day(t.first_seen),
                            day(st.due),
                            st.state.as_str().to_string(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table(
                        &[
                            "TICKET",
                            "SEVERITY",
                            "STATUS",
                            "VULNERABILITY",
                            "COMPONENT",
                            "FIRST SEEN",
                            "DUE",
                            "SLA",
                        ],
                        &rows,
                        60
                    )
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn ticket_id(s: &str) -> Result<i64> {
    safeguard_store::parse_ticket_id(s)
        .with_context(|| format!("`{s}` is not a ticket id (VULN-12 or 12)"))
}

fn show(a: ShowArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let id = ticket_id(&a.id)?;
    let policy = sla_policy(&a.store.repo)?;
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Existing)?;
    let t = store.ticket(id)?;
    let trail = store.audit(Some(id))?;
    let st = sla::evaluate(&t, &policy, now);
    match a.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"ticket": t, "sla": st, "audit": trail})
            )?
        ),
        Format::Table => {
            print!("{}", describe(&t));
            println!(
                "  SLA         {} days from {}: due {} ({})",
                st.days,
                stamp(st.start),
                stamp(st.due),
                st.state.as_str()
            );
            println!("\nAudit trail:");
            for e in &trail {
                println!(
                    "  #{:<5} {}  {:<16} {:<12} {}",
                    e.seq, e.at, e.action, e.actor, e.reason
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(t: &Ticket) -> String {
    let mut s = format!(
        "{}  {}  {}\n  component   {}\n  product     {}{}\n  severity    {}{}\n  first seen  {} (scan {})\n  last seen   {} (scan {})\n",
        t.key(),
        t.vuln_id,
        t.status.as_str(),
        t.purl,
        t.product,
        t.product_version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default(),
        t.severity.as_str(),
        t.cvss_score
            .map(|s| format!(" (CVSS {s:.1})"))
            .unwrap_or_default(),
        stamp(t.first_seen),
        t.first_scan,
        stamp(t.last_seen),
        t.last_scan
    );
    if !t.aliases.is_empty() {
        s.push_str(&format!("  aliases     {}\n", t.aliases.join(", ")));
    }
    if let Some(x) = &t.summary {
        s.push_str(&format!("  summary     {x}\n"));
    }
    if !t.fixed_versions.is_empty() {
        s.push_str(&format!("  fixed in    {}\n", t.fixed_versions.join(", ")));
    }
    if let Some(j) = t.justification {
        s.push_str(&format!("  justified   {}\n", j.as_str()));
    }
    if let Some(x) = &t.statement {
        s.push_str(&format!("  statement   {x}\n"));
    }
    if let Some(acc) = &t.acceptance {
        s.push_str(&format!(
            "  accepted by {} until {}: {}\n",
            acc.approver,
            stamp(acc.expires),
            acc.reason
        ));
    }
    if let Some(f) = t.fixed_at {
        s.push_str(&format!(
            "  fixed       {}{}\n",
            stamp(f),
            t.fixed_by_scan
                .map(|n| format!(" (gone from scan {n})"))
                .unwrap_or_default()
        ));
    }
    if let (Some(v), Some(at)) = (&t.released_in, t.released_at) {
        s.push_str(&format!("  released    in {v} at {}\n", stamp(at)));
    }
    s
}

/// A date (`YYYY-MM-DD`: the end of that day in UTC when `end_of_day`, else its start) or an
/// RFC 3339 time.
fn parse_when(flag: &str, s: &str, end_of_day: bool) -> Result<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(s, &fmt) {
        Ok(d) => {
            let t = if end_of_day {
                d.with_hms(23, 59, 59)
            } else {
                d.with_hms(0, 0, 0)
            }
            .map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
            Ok(t.assume_utc())
        }
        Err(_) => bail!("{flag}: `{s}` is neither a date (YYYY-MM-DD) nor an RFC 3339 time"),
    }
}

fn triage(a: TriageArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let id = ticket_id(&a.id)?;
    let decision = Triage {
        status: match a.status {
            TriageStatus::UnderInvestigation => Status::UnderInvestigation,
            TriageStatus::Affected => Status::Affected,
            TriageStatus::NotAffected => Status::NotAffected,
            TriageStatus::Fixed => Status::Fixed,
            TriageStatus::Accepted => Status::Accepted,
        },
        justification: a.justification.map(|j| match j {
            JustificationArg::ComponentNotPresent => Justification::ComponentNotPresent,
            JustificationArg::VulnerableCodeNotPresent => Justification::VulnerableCodeNotPresent,
            JustificationArg::VulnerableCodeNotInExecutePath => {
                Justification::VulnerableCodeNotInExecutePath
            }
            JustificationArg::VulnerableCodeCannotBeControlledByAdversary => {
                Justification::VulnerableCodeCannotBeControlledByAdversary
            }
            JustificationArg::InlineMitigationsAlreadyExist => {
                Justification::InlineMitigationsAlreadyExist
            }
        }),
        statement: a.statement.clone(),
        approver: a.approver.clone(),
        expires: a
            .expires
            .as_deref()
            .map(|s| parse_when("--expires", s, true))
            .transpose()?,
        reason: a.reason.clone(),
    };
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Existing)?;
    let t = store.triage(id, &decision, &actor(a.by.as_deref()), now)?;
    store.close()?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&t)?),
        Format::Table => println!("{} is now {}.", t.key(), t.status.as_str()),
    }
    Ok(ExitCode::SUCCESS)
}

fn release(a: ReleaseArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let at =
        a.at.as_deref()
            .map(|s| parse_when("--at", s, false))
            .transpose()?
            .unwrap_or(now);
    let (product, _) = product_of(&a.store.repo, a.product.as_deref())?;
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Create)?;
    let out = store.record_release(&product, &a.version, at, &actor(a.by.as_deref()), now)?;
    store.close()?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        Format::Table => println!(
            "{} {} released at {}: it ships the fix of {} tickets{}.",
            out.product,
            out.version,
            out.released_at,
            out.tickets.len(),
            if out.tickets.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    out.tickets
                        .iter()
                        .map(|n| format!("VULN-{n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(a: VerifyArgs) -> Result<ExitCode> {
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Existing)?;
    let r = store.verify()?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
        Format::Table => {
            println!(
                "{}: {} audit entries, {} tickets, {} scans; database integrity: {}",
                r.store, r.entries, r.tickets, r.scans, r.integrity
            );
            if let Some(h) = &r.head {
                println!("head of the audit chain: {h}");
            }
            if r.ok() {
                println!("ok: the audit chain is intact and every ticket matches it");
            }
            for p in &r.problems {
                println!("problem: {p}");
            }
        }
    }
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn report(a: ReportArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let now = match &a.now {
        Some(s) => OffsetDateTime::parse(s, &Rfc3339)
            .map_err(|e| anyhow::anyhow!("--now: `{s}` is not an RFC 3339 time: {e}"))?,
        None => now,
    };
    let policy = sla_policy(&a.store.repo)?;
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Existing)?;
    let tickets = store.tickets(&TicketFilter {
        product: a.product.clone(),
        ..TicketFilter::default()
    })?;
    let k = safeguard_handling::kpi::report(&tickets, &policy, now);
    let text = match a.format {
        ReportFormat::Table => safeguard_handling::kpi::render_table(&k),
        ReportFormat::Markdown => safeguard_handling::kpi::render_markdown(&k),
        ReportFormat::Html => safeguard_handling::kpi::render_html(&k),
        ReportFormat::Json => serde_json::to_string_pretty(&k)? + "\n",
    };
    match &a.output {
        Some(p) => crate::sbom::write_atomic(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The publisher and product of a VEX document or advisory, from `safeguard.toml` and flags.
pub(crate) fn doc_meta(
    repo: &Path,
    p: &PublisherArgs,
    default_id: impl FnOnce(&str) -> String,
    now: OffsetDateTime,
) -> Result<safeguard_handling::model::DocMeta> {
    let loaded = safeguard_config::load_from_root(repo)?;
    let config = &loaded.config;
    let (product, version) = product_of(repo, p.product.as_deref())?;
    let publisher = config.vendor.name.clone().with_context(
        || "set [vendor] name in safeguard.toml: a VEX document or advisory names its publisher",
    )?;
    let namespace = p
        .namespace
        .clone()
        .or_else(|| config.vendor.url.clone())
        .with_context(|| {
            "set [vendor] url in safeguard.toml (or give --namespace https://…): the publisher's namespace identifies the document"
        })?;
    let product_name = config
        .products
        .iter()
        .find(|x| x.id.get_ref().as_str() == product)
        .and_then(|x| x.name.clone())
        .unwrap_or_else(|| product.clone());
    Ok(safeguard_handling::model::DocMeta {
        publisher,
        namespace,
        contact: config.disclosure.contact.first().cloned(),
        product_name,
        product_purl: version
            .as_ref()
            .map(|v| format!("pkg:generic/{product}@{v}")),
        product_version: version,
        document_id: p.id.clone().unwrap_or_else(|| default_id(&product)),
        timestamp: now,
    })
}

fn vex(a: VexArgs, now: OffsetDateTime) -> Result<ExitCode> {
    let meta = doc_meta(
        &a.store.repo,
        &a.publisher,
        |product| format!("{product}-vex-{}", day(now).replace('-', "")),
        now,
    )?;
    let (product, _) = product_of(&a.store.repo, a.publisher.product.as_deref())?;
    let mut store = open(&a.store.repo, a.store.store.as_deref(), OpenMode::Existing)?;
    let tickets = store.tickets(&TicketFilter {
        product: Some(product.clone()),
        ..TicketFilter::default()
    })?;
    let chosen: Vec<&Ticket> = tickets
        .iter()
        .filter(|t| a.all || t.triaged_at.is_some() || t.status == Status::Fixed)
        .collect();
    if chosen.is_empty() {
        bail!(
            "no triaged ticket for {product}: a VEX document needs at least one statement (triage with `safeguard vulns triage`, or give --all)"
        );
    }
    let doc = match a.format {
        VexFormat::Openvex => safeguard_handling::vex::openvex(&chosen, &meta),
        VexFormat::Cyclonedx => safeguard_handling::vex::cyclonedx(&chosen, &meta),
        VexFormat::Csaf => safeguard_handling::csaf::vex(
            &chosen,
            &meta,
            &safeguard_handling::csaf::AdvisoryOptions {
                status: safeguard_handling::csaf::TrackingStatus::Final,
                ..Default::default()
            },
        )
        .context("cannot write the CSAF VEX document")?,
    };
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match &a.output {
        Some(p) => crate::sbom::write_atomic(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
