//! `safeguard advisory`: validate CSAF 2.0 documents (schema plus the mandatory tests of
//! section 6.1), publish them in the CSAF provider folder layout, export them as OSV.
//! `advisory new --ticket ID` (drafting from the store) calls [`draft`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_handling::csaf::{self, AdvisoryOptions, Outcome, PublishOptions};
use safeguard_handling::model::{DocMeta, Ticket};
use safeguard_handling::osv;
use serde_json::{Value, json};

use crate::output::table;

pub const ADVISORY_HELP: &str = "Examples:
  safeguard advisory new --ticket VULN-12 --ticket VULN-13 -o acme-sa-2026-0012.json   a draft
  safeguard advisory new --ticket VULN-12 --final --title \"Acme Server: lodash prototype pollution\"
  safeguard advisory validate acme-sa-2026-001.json            schema + mandatory tests 6.1.1-6.1.33
  safeguard advisory validate advisories/*.json --format json
  safeguard advisory publish --dir site/.well-known/csaf \\
      --base-url https://acme.example/.well-known/csaf advisories/*.json
  safeguard advisory osv acme-sa-2026-001.json > acme-sa-2026-001.osv.json

validate reports every file, also when one is bad. publish validates first, refuses the
invalid documents and publishes the others: year folders, index.txt, changes.csv,
provider-metadata.json and .sha256/.sha512 files (CSAF 2.0 section 7). Publishing again is a
no-op; a newer version of an advisory replaces the older one. Published final and interim
advisories are recorded in the ticket store (when the repository has one), against the tickets
whose vulnerability ids they name: claims 3.4.1 and 3.4.2 read them.

Exit codes: 0 ok; 1 a document is invalid (validate, osv) or was refused (publish);
2 bad usage or an unreadable file.";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
pub enum AdvisoryCommand {
    /// Draft a CSAF 2.0 security advisory from tickets of the store.
    #[command(after_help = ADVISORY_HELP)]
    New(NewArgs),
    /// Validate CSAF 2.0 documents: the JSON schema and every mandatory test (section 6.1).
    #[command(after_help = ADVISORY_HELP)]
    Validate(ValidateArgs),
    /// Publish CSAF documents in the provider folder layout (CSAF 2.0 section 7).
    #[command(after_help = ADVISORY_HELP)]
    Publish(PublishArgs),
    /// Print a CSAF advisory as OSV records (a JSON array, one record per vulnerability).
    #[command(after_help = ADVISORY_HELP)]
    Osv(OsvArgs),
}

#[derive(Args)]
pub struct NewArgs {
    /// The tickets (VULN-12 or 12; repeatable), all of one product.
    #[arg(long = "ticket", required = true, value_name = "ID")]
    tickets: Vec<String>,
    /// Mark it final (released) instead of draft.
    #[arg(long = "final")]
    final_: bool,
    /// The title (default: the product and the vulnerabilities).
    #[arg(long)]
    title: Option<String>,
    /// The TLP label (default WHITE: a public advisory).
    #[arg(long, value_name = "LABEL")]
    tlp: Option<String>,
    #[command(flatten)]
    store: crate::vulns::StoreArgs,
    #[command(flatten)]
    publisher: crate::vulns::PublisherArgs,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// CSAF JSON files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct PublishArgs {
    /// The provider folder (created if missing).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// The https URL the folder is served at, for provider-metadata.json.
    #[arg(long, value_name = "URL")]
    base_url: String,
    /// The provider role stated in provider-metadata.json.
    #[arg(long, default_value = "csaf_provider", value_parser = ["csaf_publisher", "csaf_provider", "csaf_trusted_provider"])]
    role: String,
    /// CSAF JSON files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// The repository whose ticket store records the published advisories.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The store file (default: [vulns] store, else .safeguard/store.db in --repo).
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Do not record the advisories in the ticket store.
    #[arg(long)]
    no_record: bool,
    /// Who publishes (default $USER).
    #[arg(long)]
    by: Option<String>,
}

#[derive(Args)]
pub struct OsvArgs {
    /// A CSAF JSON file.
    file: PathBuf,
}

pub fn run(cmd: AdvisoryCommand, now: time::OffsetDateTime) -> Result<ExitCode> {
    match cmd {
        AdvisoryCommand::New(a) => new(a, now),
        AdvisoryCommand::Validate(a) => validate(a),
        AdvisoryCommand::Publish(a) => publish(a, now),
        AdvisoryCommand::Osv(a) => osv_cmd(a),
    }
}

/// Drafts a CSAF 2.0 security advisory from tickets, checks it with the validator and returns
/// it as pretty JSON (for `advisory new --ticket ID`). An advisory that fails our own validator
/// is an error, never written.
pub fn draft(tickets: &[&Ticket], meta: &DocMeta, opts: &AdvisoryOptions) -> Result<String> {
    let doc = csaf::advisory(tickets, meta, opts).context("cannot draft the advisory")?;
    let report = csaf::validate(&doc);
    if !report.is_valid() {
        bail!(
            "the drafted advisory is not valid CSAF (please report this): {}",
            report
                .findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    Ok(String::from_utf8(csaf::publish::to_bytes(&doc))?)
}

/// Reads a file of at most the validator's size limit.
fn read(path: &Path) -> Result<Vec<u8>> {
    let len = std::fs::metadata(path)
        .with_context(|| format!("{}: cannot read", path.display()))?
        .len();
    if len > csaf::validate::MAX_INPUT_BYTES as u64 {
        bail!(
            "{}: {len} bytes; CSAF documents are read up to {} bytes",
            path.display(),
            csaf::validate::MAX_INPUT_BYTES
        );
    }
    std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))
}

/// A file's verdict: parsed document and report, or why it could not be read.
enum Checked {
    Read(Value, csaf::Report),
    Unreadable(String),
}

fn check(path: &Path) -> Checked {
    let bytes = match read(path) {
        Ok(b) => b,
        Err(e) => return Checked::Unreadable(format!("{e:#}")),
    };
    match csaf::validate::parse(&bytes) {
        Ok(v) => {
            let r = csaf::validate(&v);
            Checked::Read(v, r)
        }
        Err(e) => Checked::Unreadable(format!("{}: {e}", path.display())),
    }
}

fn validate(args: ValidateArgs) -> Result<ExitCode> {
    let mut invalid = false;
    let mut unreadable = false;
    let mut rows = Vec::new();
    let mut details = Vec::new();
    let mut json_out = Vec::new();
    for f in &args.files {
        let name = f.display().to_string();
        match check(f) {
            Checked::Unreadable(e) => {
                unreadable = true;
                rows.push(vec![name.clone(), "unreadable".into(), "-".into()]);
                details.push(format!("error: {e}"));
                json_out.push(json!({"file": name, "valid": false, "error": e}));
            }
            Checked::Read(_, r) => {
                invalid |= !r.is_valid();
                rows.push(vec![
                    name.clone(),
                    if r.is_valid() { "valid" } else { "invalid" }.into(),
                    r.failed_tests().join(" "),
                ]);
                for finding in &r.findings {
                    details.push(format!("{name}: {finding}"));
                }
                json_out.push(json!({"file": name, "valid": r.is_valid(), "findings": r.findings}));
            }
        }
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&json_out)?),
        Format::Table => {
            print!("{}", table(&["FILE", "RESULT", "FAILED TESTS"], &rows, 70));
            for d in &details {
                println!("{d}");
            }
        }
    }
    Ok(exit(unreadable, invalid))
}

fn exit(unreadable: bool, failed: bool) -> ExitCode {
    if unreadable {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn publish(args: PublishArgs, now: time::OffsetDateTime) -> Result<ExitCode> {
    let mut unreadable = false;
    let mut docs = Vec::new();
    let mut names = Vec::new();
    let mut rows = Vec::new();
    let mut details = Vec::new();
    let mut json_out = Vec::new();
    for f in &args.files {
        let name = f.display().to_string();
        match read(f).and_then(|b| csaf::validate::parse(&b).map_err(anyhow::Error::from)) {
            Ok(v) => {
                docs.push(v);
                names.push(name);
            }
            Err(e) => {
                unreadable = true;
                rows.push(vec![
                    name.clone(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "unreadable".into(),
                ]);
                details.push(format!("error: {name}: {e:#}"));
                json_out.push(
                    json!({"file": name, "outcome": "unreadable", "error": format!("{e:#}")}),
                );
            }
        }
    }
    let opts = PublishOptions {
        base_url: args.base_url.clone(),
        role: args.role.clone(),
        now,
    };
    let report = csaf::publish(&args.dir, &docs, &opts)
        .with_context(|| format!("{}: cannot publish", args.dir.display()))?;
    for (name, e) in names.iter().zip(&report.entries) {
        let outcome = match &e.outcome {
            Outcome::Published => "published".to_string(),
            Outcome::Replaced { previous_version } => {
                format!("replaced version {previous_version}")
            }
            Outcome::Unchanged => "unchanged".into(),
            Outcome::KeptExisting { existing_version } => {
                format!("kept: version {existing_version} is already published")
            }
            Outcome::Refused { findings } => {
                for f in findings {
                    details.push(format!("{name}: {f}"));
                }
                "refused: not valid CSAF".into()
            }
        };
        rows.push(vec![
            name.clone(),
            e.tracking_id.clone(),
            e.version.clone(),
            e.path.clone(),
            outcome,
        ]);
        let mut j = serde_json::to_value(e)?;
        j["file"] = json!(name);
        json_out.push(j);
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&json_out)?),
        Format::Table => {
            print!(
                "{}",
                table(
                    &["FILE", "TRACKING ID", "VERSION", "PATH", "OUTCOME"],
                    &rows,
                    60
                )
            );
            for d in &details {
                println!("{d}");
            }
        }
    }
    if !args.no_record {
        record_published(&args, &docs, &report, now)?;
    }
    Ok(exit(unreadable, report.any_refused()))
}

/// The vulnerability ids an advisory names (`cve`, `ids[].text`).
fn named_ids(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        if let Some(c) = v["cve"].as_str() {
            out.push(c.to_string());
        }
        for i in v["ids"].as_array().into_iter().flatten() {
            if let Some(t) = i["text"].as_str() {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// Record published (non-draft) advisories in the repository's ticket store, when it has one.
fn record_published(
    args: &PublishArgs,
    docs: &[Value],
    report: &csaf::PublishReport,
    now: time::OffsetDateTime,
) -> Result<()> {
    let path = crate::vulns::store_path(&args.repo, args.store.as_deref())?;
    if !path.exists() {
        return Ok(());
    }
    let mut store = safeguard_store::Store::open(&path, safeguard_store::OpenMode::Existing)?;
    let tickets = store.tickets(&Default::default())?;
    let by = crate::vulns::actor(args.by.as_deref());
    for (doc, e) in docs.iter().zip(&report.entries) {
        if matches!(e.outcome, Outcome::Refused { .. }) {
            continue;
        }
        let status = doc["document"]["tracking"]["status"]
            .as_str()
            .unwrap_or("draft")
            .to_string();
        if status == "draft" {
            continue;
        }
        let ids = named_ids(doc);
        let covered: Vec<i64> = tickets
            .iter()
            .filter(|t| {
                ids.iter().any(|i| {
                    i.eq_ignore_ascii_case(&t.vuln_id)
                        || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(i))
                })
            })
            .map(|t| t.id)
            .collect();
        let issued = doc["document"]["tracking"]["current_release_date"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| {
                now.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            });
        let bytes = csaf::publish::to_bytes(doc);
        store.record_advisory(&safeguard_store::AdvisoryRecord {
            tracking_id: e.tracking_id.clone(),
            version: e.version.clone(),
            status,
            issued_at: issued,
            recorded_by: by.clone(),
            tickets: covered.clone(),
            sha256: safeguard_model::sha256_bytes(&bytes),
        })?;
        eprintln!(
            "{}: advisory {} version {} recorded, covering {} tickets.",
            path.display(),
            e.tracking_id,
            e.version,
            covered.len()
        );
    }
    store.close()?;
    Ok(())
}

fn new(a: NewArgs, now: time::OffsetDateTime) -> Result<ExitCode> {
    let ids: Vec<i64> = a
        .tickets
        .iter()
        .map(|t| crate::vulns::ticket_id(t))
        .collect::<Result<_>>()?;
    let mut store = crate::vulns::open(
        &a.store.repo,
        a.store.store.as_deref(),
        safeguard_store::OpenMode::Existing,
    )?;
    let mut tickets = Vec::new();
    for id in &ids {
        tickets.push(store.ticket(*id)?);
    }
    store.close()?;
    let products: std::collections::BTreeSet<&str> =
        tickets.iter().map(|t| t.product.as_str()).collect();
    if products.len() > 1 {
        bail!(
            "the tickets belong to different products ({}): draft one advisory per product",
            products.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    let mut publisher = crate::vulns::PublisherArgs {
        product: a.publisher.product.clone(),
        namespace: a.publisher.namespace.clone(),
        id: a.publisher.id.clone(),
    };
    if publisher.product.is_none() {
        publisher.product = products.first().map(|p| p.to_string());
    }
    let year = now.year();
    let first = ids.iter().min().copied().unwrap_or(0);
    let meta = crate::vulns::doc_meta(
        &a.store.repo,
        &publisher,
        |product| format!("{}-SA-{year}-{first:04}", product.to_ascii_uppercase()),
        now,
    )?;
    let refs: Vec<&Ticket> = tickets.iter().collect();
    let opts = AdvisoryOptions {
        status: if a.final_ {
            csaf::TrackingStatus::Final
        } else {
            csaf::TrackingStatus::Draft
        },
        title: a.title.clone(),
        tlp: a.tlp.clone(),
        ..Default::default()
    };
    let text = draft(&refs, &meta, &opts)?;
    match &a.output {
        Some(p) => crate::sbom::write_atomic(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn osv_cmd(args: OsvArgs) -> Result<ExitCode> {
    let (doc, report) = match check(&args.file) {
        Checked::Unreadable(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
        Checked::Read(d, r) => (d, r),
    };
    if !report.is_valid() {
        for f in &report.findings {
            eprintln!("{}: {f}", args.file.display());
        }
        eprintln!(
            "error: {} is not valid CSAF; fix it before exporting",
            args.file.display()
        );
        return Ok(ExitCode::from(1));
    }
    let records = osv::from_advisory(&doc)
        .with_context(|| format!("{}: cannot export as OSV", args.file.display()))?;
    println!("{}", serde_json::to_string_pretty(&records)?);
    Ok(ExitCode::SUCCESS)
}
