use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use safeguard_assess::assessment::{Assessment, Status};
use safeguard_assess::ledger::{Ledger, render_problems};
use safeguard_assess::{report, run};
use safeguard_model::catalogue;

use crate::output::{progress, table};

#[derive(Parser)]
#[command(
    name = "safeguard",
    version,
    about = "Evidence for the UK Software Security Code of Practice, from your repositories",
    long_about = "Safeguard turns a repository and its CI configuration into claim-by-claim evidence for the \
UK Software Security Code of Practice (DSIT and NCSC, May 2025: 4 themes, 14 principles, 45 claims). \
It works offline.",
    after_help = "Examples:\n  safeguard assess                    assess the current repository into safeguard-report/\n  safeguard init --vendor \"Acme Ltd\"  write a commented safeguard.toml\n  safeguard catalogue --format json   the Code's themes, principles and claims\n  safeguard evidence verify           check the evidence ledger has not been rewritten\n  safeguard sbom -o sbom.cdx.json     CycloneDX SBOM from every lockfile\n  safeguard scan --fail-on high       known vulnerabilities in the dependencies\n  safeguard source --allowed-signers .github/allowed_signers   commit signatures and review\n  safeguard ci --format sarif         audit the CI workflows\n  safeguard secrets --history         credentials in the tree and the git history\n\nExit codes: 0 success, 1 a policy failed (--strict, ledger verification), 2 bad usage or unreadable input."
)]
pub struct Cli {
    /// More log output (-v info, -vv debug). SAFEGUARD_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Assess a repository against all 45 claims and write the report folder.
    #[command(
        after_help = "Examples:\n  safeguard assess\n  safeguard assess ../my-service --out /tmp/report\n  safeguard assess --import self-assessment.yaml --strict\n  safeguard assess --sbom vendor-lib.cdx.json        include a supplier's components\n  SOURCE_DATE_EPOCH=1767225600 safeguard assess   reproducible output\n\nWrites assessment.json, self-assessment.yaml, self-assessment.csv, report.md, report.html and\nthe SBOM (sbom.cdx.json, sbom.spdx.json), and appends the evidence to the ledger in PATH/.safeguard/."
    )]
    Assess(AssessArgs),
    /// List the Code's themes, principles and claims (and the brief's 1-14 numbering).
    #[command(
        after_help = "Examples:\n  safeguard catalogue\n  safeguard catalogue --brief\n  safeguard catalogue --format json | jq '.themes[].principles[].claims[].id'"
    )]
    Catalogue(CatalogueArgs),
    /// Write a commented safeguard.toml to start from.
    #[command(
        after_help = "Examples:\n  safeguard init\n  safeguard init --vendor \"Acme Software Ltd\" --product \"Acme Server\""
    )]
    Init(InitArgs),
    /// Inspect and verify the evidence ledger.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Write an SBOM (CycloneDX or SPDX) from every lockfile in a repository, or merge SBOMs.
    #[command(
        after_help = "Examples:\n  safeguard sbom                                   CycloneDX 1.6 JSON of . on stdout\n  safeguard sbom ../svc -o svc.cdx.json --spec-version 1.7\n  safeguard sbom --format spdx-json -o sbom.spdx.json\n  safeguard sbom --format table                    components per ecosystem, coverage gaps\n  safeguard sbom --format json | jq '.gaps'        the inventory for machines\n  safeguard sbom merge a.cdx.json b.spdx.json -o all.cdx.json\n\nLockfiles are found recursively, honouring .gitignore and skipping node_modules, target,\nvendor, .git and similar folders. Manifests with no lockfile are reported as coverage gaps.\nA lockfile that cannot be read is named with its line; the SBOM still holds the others, and\nthe exit code is 2. SOURCE_DATE_EPOCH fixes the timestamp for reproducible output."
    )]
    Sbom(crate::sbom::SbomArgs),
    /// The offline OSV vulnerability database: import, update, stats.
    #[command(
        after_help = "Examples:\n  safeguard db update                          download osv.dev's exports and import them\n  safeguard db import PyPI-all.zip advisories/   import files, folders or zips offline\n  safeguard db stats\n\nThe database lives in the user cache (~/.cache/safeguard/osv.db on Linux); --db or\nSAFEGUARD_DB chooses another file."
    )]
    Db(crate::db::DbArgs),
    /// Find known vulnerabilities in a repository's dependencies or in an SBOM.
    #[command(after_help = crate::scan::SCAN_HELP)]
    Scan(crate::scan::ScanArgs),
    /// Commit provenance: signatures verified offline, review evidence, CODEOWNERS, branch protection.
    #[command(after_help = crate::source::SOURCE_HELP)]
    Source(crate::source::SourceArgs),
    /// Audit CI workflows (GitHub Actions, GitLab CI): pinning, permissions, injection, triggers.
    #[command(after_help = crate::ci::CI_HELP)]
    Ci(crate::ci::CiArgs),
    /// Find credentials in the working tree and the git history, against a reviewed baseline.
    #[command(after_help = crate::secrets::SECRETS_HELP)]
    Secrets(crate::secrets::SecretsArgs),
    /// Signing keys: generate an encrypted key pair, print a public key.
    #[command(subcommand, after_help = crate::attest::KEY_HELP)]
    Key(crate::attest::KeyCommand),
    /// Sign files: a Sigstore bundle (v0.3 JSON) is written beside each.
    #[command(after_help = crate::attest::SIGN_HELP)]
    Sign(crate::attest::SignArgs),
    /// Verify a file against its Sigstore bundle, offline: with a public key, or keyless.
    #[command(after_help = crate::attest::VERIFY_HELP)]
    Verify(crate::attest::VerifyArgs),
    /// Signed attestations about build outputs (SLSA provenance).
    #[command(subcommand, after_help = crate::attest::ATTEST_HELP)]
    Attest(crate::attest::AttestCommand),
    /// Verify an attestation: its signature, that the file is a subject, and a policy.
    #[command(after_help = crate::attest::VERIFY_ATTESTATION_HELP)]
    VerifyAttestation(crate::attest::VerifyAttestationArgs),
    /// Build twice in different environments and compare the artefacts.
    #[command(after_help = crate::attest::REPRO_HELP)]
    Repro(crate::attest::ReproArgs),
    /// Vulnerability disclosure: security.txt (RFC 9116) and the disclosure-policy lint.
    #[command(subcommand, after_help = crate::disclosure::DISCLOSURE_HELP)]
    Disclosure(crate::disclosure::DisclosureCommand),
    /// Incidents: lint the support plan, keep the incident log, report timeliness (CRA art. 14).
    #[command(subcommand, after_help = crate::incident::INCIDENT_HELP)]
    Incident(crate::incident::IncidentCommand),
    /// Vulnerability tickets: record scans, triage with an audit trail, SLAs, releases.
    #[command(subcommand, after_help = crate::vulns::VULNS_HELP)]
    Vulns(crate::vulns::VulnsCommand),
    /// Product lifecycle: end-of-support dates and notices, update policy, user documentation.
    #[command(subcommand, after_help = crate::lifecycle::LIFECYCLE_HELP)]
    Lifecycle(crate::lifecycle::LifecycleCommand),
    /// CSAF 2.0 advisories: validate, publish in the provider layout, export as OSV.
    #[command(subcommand, after_help = crate::advisory::ADVISORY_HELP)]
    Advisory(crate::advisory::AdvisoryCommand),
    /// The sigstore-conformance CLI protocol (for the conformance suite).
    #[command(subcommand, hide = true)]
    Sigstore(crate::attest::SigstoreCommand),
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Args)]
struct AssessArgs {
    /// The repository to assess.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The report folder.
    #[arg(long, short, default_value = "safeguard-report")]
    out: PathBuf,
    /// What to print: a per-principle table, or the whole assessment as JSON.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Exit 1 unless every in-scope claim is met.
    #[arg(long)]
    strict: bool,
    /// A hand-written self-assessment in the brief's template, merged as manual evidence (repeatable).
    #[arg(long = "import", value_name = "FILE.yaml")]
    imports: Vec<PathBuf>,
    /// A supplier's SBOM (CycloneDX or SPDX JSON, XML, YAML or tag-value) whose components
    /// join the inventory for claims 1.2.1 and 1.2.2 (repeatable).
    #[arg(long = "sbom", value_name = "FILE")]
    sboms: Vec<PathBuf>,
    /// Do not append the evidence to the ledger.
    #[arg(long)]
    no_record: bool,
    #[command(flatten)]
    location: crate::db::DbLocation,
}

#[derive(Args)]
struct CatalogueArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Show the brief's 1-14 numbering and how it maps to the official ids.
    #[arg(long)]
    brief: bool,
}

#[derive(Args)]
struct InitArgs {
    /// Folder to write safeguard.toml in.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Your organisation's name.
    #[arg(long)]
    vendor: Option<String>,
    /// The product this repository builds.
    #[arg(long)]
    product: Option<String>,
    /// Overwrite an existing safeguard.toml.
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// List the ledger's records.
    #[command(
        after_help = "Examples:\n  safeguard evidence list\n  safeguard evidence list --repo ../svc --format json"
    )]
    List {
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show one record, by id, id prefix or sequence number.
    #[command(
        after_help = "Examples:\n  safeguard evidence show 3\n  safeguard evidence show sha256:1f2e3d\n  safeguard evidence show 1f2e3d"
    )]
    Show {
        id: String,
        #[arg(long, default_value = ".")]
        repo: PathBuf,
    },
    /// Check the ledger: names any record that was edited, removed or reordered (exit 1).
    #[command(
        after_help = "Examples:\n  safeguard evidence verify\n  safeguard evidence verify --format json"
    )]
    Verify {
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Assess(a) => assess(a, cli.quiet),
        Command::Catalogue(c) => catalogue_cmd(c),
        Command::Init(i) => init(i),
        Command::Evidence(e) => evidence(e),
        Command::Sbom(s) => crate::sbom::run(s, cli.quiet, now()?),
        Command::Db(d) => crate::db::run(d, cli.quiet),
        Command::Scan(s) => crate::scan::run(s, cli.quiet, now()?),
        Command::Source(s) => crate::source::run(s, cli.quiet),
        Command::Ci(c) => crate::ci::run(c, cli.quiet),
        Command::Secrets(s) => crate::secrets::run(s, cli.quiet, now()?),
        Command::Key(k) => crate::attest::key(k, cli.quiet),
        Command::Sign(s) => crate::attest::sign(s, cli.quiet),
        Command::Verify(v) => crate::attest::verify(v, cli.quiet),
        Command::Sigstore(s) => crate::attest::sigstore(s, cli.quiet),
        Command::Attest(a) => crate::attest::attest(a, cli.quiet, now()?),
        Command::VerifyAttestation(v) => crate::attest::verify_attestation(v, cli.quiet),
        Command::Repro(r) => crate::attest::repro(r, cli.quiet),
        Command::Disclosure(d) => crate::disclosure::run(d, now()?),
        Command::Incident(i) => crate::incident::run(i, now()?),
        Command::Vulns(v) => crate::vulns::run(v, cli.quiet, now()?),
        Command::Lifecycle(l) => crate::lifecycle::run(l, now()?),
        Command::Advisory(a) => crate::advisory::run(a, now()?),
    }
}

/// The run's time: `SOURCE_DATE_EPOCH` when set (reproducible builds convention), else now.
pub fn now() -> Result<time::OffsetDateTime> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => {
            let secs: i64 = v.trim().parse().with_context(|| {
                format!("SOURCE_DATE_EPOCH=`{v}` is not a whole number of seconds")
            })?;
            time::OffsetDateTime::from_unix_timestamp(secs)
                .with_context(|| format!("SOURCE_DATE_EPOCH=`{v}` is out of range"))
        }
        _ => Ok(time::OffsetDateTime::now_utc()),
    }
}

/// A CI run reference from the environment, when running in a known CI.
fn ci_run() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let (Some(server), Some(repo), Some(id)) = (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_RUN_ID"),
    ) {
        return Some(format!("{server}/{repo}/actions/runs/{id}"));
    }
    var("CI_JOB_URL").or_else(|| var("BUILD_URL"))
}

fn assess(args: AssessArgs, quiet: bool) -> Result<ExitCode> {
    let opts = run::Options {
        root: args.path.clone(),
        out_dir: Some(args.out.clone()),
        imports: args.imports.clone(),
        sboms: args.sboms.clone(),
        now: now()?,
        ci_run: ci_run(),
        record: !args.no_record,
        vuln_db: Some(args.location.path()),
    };
    let a = run::run(&opts, &progress(quiet))?;
    let written = report::write(&a, &args.out)
        .with_context(|| format!("{}: cannot write the report", args.out.display()))?;
    match args.format {
        Format::Json => print!("{}", report::to_json(&a)),
        Format::Table if !quiet => {
            print!("{}", summary_table(&a));
            println!();
            println!(
                "{} claims: {} met, {} partially met, {} not met, {} need manual evidence, {} not applicable.",
                a.summary.counts.total(),
                a.summary.counts.met,
                a.summary.counts.partially_met,
                a.summary.counts.not_met,
                a.summary.counts.needs_manual_evidence,
                a.summary.counts.not_applicable
            );
            for f in &a.collector_failures {
                println!("warning: collector {} failed: {}", f.collector, f.message);
            }
            if let Some(l) = &a.ledger {
                println!(
                    "Ledger: {} entries ({} new), head {}.",
                    l.entries,
                    l.appended,
                    &l.head[..16]
                );
            }
            println!(
                "Wrote {}.",
                written
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Format::Table => {}
    }
    if args.strict {
        let short: Vec<String> = a
            .claims
            .iter()
            .filter(|c| c.status != Status::Met && c.status != Status::NotApplicable)
            .map(|c| format!("{} ({})", c.id, c.status.label().to_lowercase()))
            .collect();
        if !short.is_empty() {
            eprintln!(
                "strict: {} in-scope claims are not met: {}",
                short.len(),
                short.join(", ")
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_table(a: &Assessment) -> String {
    let mut rows = Vec::new();
    for t in &a.themes {
        for p in &t.principles {
            let c = &p.counts;
            rows.push(vec![
                p.id.to_string(),
                p.title.clone(),
                p.status.label().to_string(),
                format!("{}/{}", c.met, c.in_scope()),
                c.partially_met.to_string(),
                c.not_met.to_string(),
                c.needs_manual_evidence.to_string(),
                c.not_applicable.to_string(),
            ]);
        }
    }
    table(
        &[
            "ID",
            "PRINCIPLE",
            "STATUS",
            "MET",
            "PARTIAL",
            "NOT MET",
            "MANUAL",
            "N/A",
        ],
        &rows,
        60,
    )
}

fn catalogue_cmd(args: CatalogueArgs) -> Result<ExitCode> {
    match (args.format, args.brief) {
        (Format::Json, _) => {
            let brief: Vec<serde_json::Value> = catalogue::BRIEF
                .iter()
                .map(|b| {
                    serde_json::json!({
                        "id": b.id, "theme": b.theme, "topic": b.topic, "official": b.official,
                        "claims": b.claims(),
                    })
                })
                .collect();
            let roles: serde_json::Map<String, serde_json::Value> =
                safeguard_model::VendorRole::ALL
                    .iter()
                    .map(|r| (r.as_str().to_string(), serde_json::json!(r.themes())))
                    .collect();
            let doc = serde_json::json!({
                "themes": catalogue::THEMES,
                "applicability": roles,
                "brief_numbering": brief,
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        (Format::Table, false) => {
            let rows: Vec<Vec<String>> = catalogue::claims()
                .map(|(t, p, c)| {
                    vec![
                        c.id.to_string(),
                        t.key.to_string(),
                        p.id.to_string(),
                        c.title.to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(&["CLAIM", "THEME", "PRINCIPLE", "TITLE"], &rows, 90)
            );
            println!();
            println!(
                "{} themes, {} principles, {} claims. Themes by vendor role: {}.",
                catalogue::THEMES.len(),
                catalogue::principles().count(),
                catalogue::claims().count(),
                safeguard_model::VendorRole::ALL
                    .iter()
                    .map(|r| format!("{} {:?}", r.as_str(), r.themes()))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        (Format::Table, true) => {
            let rows: Vec<Vec<String>> = catalogue::BRIEF
                .iter()
                .map(|b| {
                    let refs: Vec<String> = b
                        .official
                        .iter()
                        .map(|r| {
                            serde_json::to_value(r)
                                .map(|v| v.as_str().unwrap_or_default().to_string())
                                .unwrap_or_default()
                        })
                        .collect();
                    vec![
                        b.id.to_string(),
                        b.theme.to_string(),
                        b.topic.to_string(),
                        refs.join(", "),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(&["BRIEF", "THEME", "TOPIC", "OFFICIAL"], &rows, 80)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn init(args: InitArgs) -> Result<ExitCode> {
    let dir = &args.path;
    if !dir.is_dir() {
        bail!("{}: not a directory", dir.display());
    }
    let path = dir.join(safeguard_config::FILE_NAME);
    if path.exists() && !args.force {
        bail!(
            "{} already exists; use --force to overwrite it",
            path.display()
        );
    }
    let folder = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "my-product".into());
    let text = safeguard_config::template(
        args.vendor.as_deref().unwrap_or("Example Software Ltd"),
        args.product.as_deref().unwrap_or(&folder),
    );
    // The template must always be a valid configuration.
    safeguard_config::parse(&text, &path)?;
    std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    println!(
        "Wrote {}. Edit it, then run `safeguard assess {}`.",
        path.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn ledger_at(repo: &Path) -> Result<Ledger> {
    if !repo.is_dir() {
        bail!("{}: not a directory", repo.display());
    }
    Ok(Ledger::at_root(repo))
}

fn evidence(cmd: EvidenceCommand) -> Result<ExitCode> {
    match cmd {
        EvidenceCommand::List { repo, format } => {
            let ledger = ledger_at(&repo)?;
            let entries = ledger.entries()?;
            match format {
                Format::Json => {
                    let v: Vec<serde_json::Value> = entries
                        .iter()
                        .map(|e| serde_json::json!({"seq": e.seq, "id": e.id, "record": e.record}))
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Table => {
                    if entries.is_empty() {
                        println!(
                            "No evidence recorded in {} yet: run `safeguard assess` first.",
                            ledger.path().display()
                        );
                        return Ok(ExitCode::SUCCESS);
                    }
                    let rows: Vec<Vec<String>> = entries
                        .iter()
                        .map(|e| {
                            let (kind, collector, at, summary) = e.describe();
                            let id = e.id.strip_prefix("sha256:").unwrap_or(&e.id);
                            vec![
                                e.seq.to_string(),
                                id[..id.len().min(12)].to_string(),
                                kind.into(),
                                collector.into(),
                                at.into(),
                                summary.into(),
                            ]
                        })
                        .collect();
                    print!(
                        "{}",
                        table(
                            &["SEQ", "ID", "KIND", "COLLECTOR", "OBSERVED", "SUMMARY"],
                            &rows,
                            70
                        )
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Show { id, repo } => {
            let e = ledger_at(&repo)?.find(&id)?;
            let v =
                serde_json::json!({"seq": e.seq, "id": e.id, "hash": e.hash, "record": e.record});
            println!("{}", serde_json::to_string_pretty(&v)?);
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Verify { repo, format } => {
            let ledger = ledger_at(&repo)?;
            let v = ledger.verify()?;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "ok": v.ok(), "entries": v.entries, "head": v.head, "problems": v.problems, "notes": v.notes,
                    }))?
                ),
                Format::Table => {
                    for n in &v.notes {
                        println!("note: {n}");
                    }
                    if v.ok() {
                        println!(
                            "ok: {} entries verified in {}{}",
                            v.entries,
                            ledger.path().display(),
                            v.head
                                .as_ref()
                                .map(|h| format!(", head {}", &h[..16]))
                                .unwrap_or_default()
                        );
                    } else {
                        println!(
                            "FAILED: {} problems in {}:\n{}",
                            v.problems.len(),
                            ledger.path().display(),
                            render_problems(&v.problems)
                        );
                    }
                }
            }
            Ok(if v.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
