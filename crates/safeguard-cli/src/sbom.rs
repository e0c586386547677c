//! `safeguard sbom`: an SBOM from a repository's lockfiles, and `sbom merge`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_inventory::sbom::{self, CdxVersion, Metadata, Subject, SubjectLifecycle};
use safeguard_inventory::{Inventory, discover};

use crate::output::table;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SbomArgs {
    #[command(subcommand)]
    command: Option<SbomCommand>,
    #[command(flatten)]
    generate: GenerateArgs,
}

#[derive(Subcommand)]
enum SbomCommand {
    /// Merge CycloneDX or SPDX JSON documents (ours or other tools') into one.
    #[command(
        after_help = "Examples:\n  safeguard sbom merge app.cdx.json vendor-lib.spdx.json -o product.cdx.json\n  safeguard sbom merge a.cdx.json b.cdx.json --format spdx-json --name \"Acme Server\" --product-version 4.2\n\nComponents with the same package URL become one, keeping every source location.\nA document that cannot be read is reported; the others are still merged, and the exit code is 2."
    )]
    Merge(MergeArgs),
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum SbomFormat {
    /// CycloneDX JSON (1.5, 1.6 or 1.7 with --spec-version).
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
    /// A summary per ecosystem and the files read, for people.
    Table,
    /// The inventory (components, files read, coverage gaps, errors) as JSON, for machines.
    Json,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum SpecVersion {
    #[value(name = "1.5")]
    V15,
    #[value(name = "1.6")]
    V16,
    #[value(name = "1.7")]
    V17,
}

impl SpecVersion {
    fn cdx(self) -> CdxVersion {
        match self {
            SpecVersion::V15 => CdxVersion::V1_5,
            SpecVersion::V16 => CdxVersion::V1_6,
            SpecVersion::V17 => CdxVersion::V1_7,
        }
    }
}

#[derive(Args)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "cyclonedx-json")]
    format: SbomFormat,
    /// CycloneDX specification version.
    #[arg(long, value_enum, default_value = "1.6")]
    spec_version: SpecVersion,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct GenerateArgs {
    /// The repository (or folder) to inventory.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args)]
struct MergeArgs {
    /// The SBOMs to merge (CycloneDX 1.2-1.7 JSON or SPDX 2.2/2.3 JSON).
    #[arg(required = true, num_args = 1..)]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
    /// Name of the product the merged SBOM describes.
    #[arg(long, default_value = "merged")]
    name: String,
    /// Version of that product.
    #[arg(long)]
    product_version: Option<String>,
}

pub fn run(args: SbomArgs, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    match args.command {
        Some(SbomCommand::Merge(m)) => merge(m, quiet, now),
        None => generate(args.generate, quiet, now),
    }
}

fn generate(args: GenerateArgs, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    let root = &args.path;
    if !root.is_dir() {
        anyhow::bail!("{}: not a directory", root.display());
    }
    let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = move |msg: &str| {
        if show {
            eprintln!("  {msg}");
        }
    };
    let inv = discover::scan(root, &progress).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (subject, lifecycle) = subject_and_lifecycle(root)?;
    let meta = Metadata {
        tool_name: "safeguard".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        timestamp: now,
        subject,
    };
    emit(&inv, &meta, lifecycle.as_ref(), &args.out)?;
    if !quiet && args.out.format != SbomFormat::Table {
        eprint!("{}", summary(&inv));
    }
    Ok(report_errors(&inv))
}

fn merge(args: MergeArgs, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    let mut docs = Vec::new();
    let mut failed = Vec::new();
    for path in &args.inputs {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match sbom::read(&shown, &bytes) {
                Ok(doc) => docs.push(doc),
                Err(e) => failed.push(e.to_string()),
            },
            Err(e) => failed.push(format!("{shown}: cannot read: {e}")),
        }
    }
    let mut inv = sbom::merge(&docs);
    inv.errors.clear();
    let meta = Metadata {
        tool_name: "safeguard".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        timestamp: now,
        subject: Subject {
            name: args.name.clone(),
            version: args.product_version.clone(),
            commit: None,
            supplier: None,
        },
    };
    emit(&inv, &meta, None, &args.out)?;
    if !quiet {
        eprintln!(
            "Merged {} documents: {} components ({} distinct).",
            docs.len(),
            inv.components.len(),
            inv.distinct()
        );
    }
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for f in &failed {
            eprintln!("error: {f}");
        }
        eprintln!(
            "error: {} of {} documents could not be read; the others were merged.",
            failed.len(),
            args.inputs.len()
        );
        Ok(ExitCode::from(2))
    }
}

/// Renders the inventory in the requested format and writes it to the output (atomically
/// when it is a file).
fn emit(
    inv: &Inventory,
    meta: &Metadata,
    lifecycle: Option<&SubjectLifecycle>,
    out: &OutputArgs,
) -> Result<()> {
    let text = match out.format {
        SbomFormat::CyclonedxJson => {
            sbom::write_cyclonedx_with_lifecycle(inv, meta, out.spec_version.cdx(), lifecycle)
        }
        SbomFormat::SpdxJson => sbom::write_spdx(inv, meta),
        SbomFormat::Table => summary(inv),
        SbomFormat::Json => serde_json::to_string_pretty(inv)? + "\n",
    };
    match &out.output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// Lists unreadable files on stderr; exit 2 when there were any.
fn report_errors(inv: &Inventory) -> ExitCode {
    if inv.errors.is_empty() {
        return ExitCode::SUCCESS;
    }
    for e in &inv.errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "error: {} of {} files could not be read; the SBOM holds the components of the others.",
        inv.errors.len(),
        inv.files.len()
    );
    ExitCode::from(2)
}

/// The product the SBOM describes: from `safeguard.toml` when it names one product, else the
/// folder's name; the commit from git when the folder is a repository.
pub(crate) fn subject_of(root: &Path) -> Result<Subject> {
    Ok(subject_and_lifecycle(root)?.0)
}

/// The SBOM's subject (the configuration's product, or the folder), and its version's
/// lifecycle dates when `[lifecycle]` has them.
pub(crate) fn subject_and_lifecycle(root: &Path) -> Result<(Subject, Option<SubjectLifecycle>)> {
    let canonical = root
        .canonicalize()
        .with_context(|| format!("{}: cannot open", root.display()))?;
    let folder = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".into());
    let loaded = safeguard_config::load_from_root(&canonical)?;
    let config = &loaded.config;
    let product = (config.products.len() == 1).then(|| &config.products[0]);
    let commit = match safeguard_source::Repo::open(&canonical) {
        Ok(Some(repo)) => repo.head_commit().ok().flatten(),
        _ => None,
    };
    let lifecycle = product.and_then(|p| {
        let mut names = vec![p.id.get_ref().as_str()];
        names.extend(p.name.as_deref());
        safeguard_assess::composition::subject_lifecycle(
            config,
            &loaded.base_dir(&canonical),
            &names,
            p.version.as_deref(),
        )
    });
    let subject = Subject {
        name: product
            .map(|p| p.name.clone().unwrap_or_else(|| p.id.get_ref().to_string()))
            .unwrap_or(folder),
        version: product.and_then(|p| p.version.clone()),
        commit,
        supplier: config.vendor.name.clone(),
    };
    Ok((subject, lifecycle))
}

/// Files read, components per ecosystem, coverage gaps and errors.
fn summary(inv: &Inventory) -> String {
    let facts = inv.facts();
    let rows: Vec<Vec<String>> = facts
        .ecosystems
        .iter()
        .map(|e| {
            vec![
                e.ecosystem.clone(),
                e.files.to_string(),
                e.components.to_string(),
                e.with_integrity.to_string(),
                e.manifests_without_lockfile.to_string(),
            ]
        })
        .collect();
    let mut out = table(
        &[
            "ECOSYSTEM",
            "FILES",
            "COMPONENTS",
            "WITH HASH",
            "UNLOCKED MANIFESTS",
        ],
        &rows,
        40,
    );
    out.push_str(&format!(
        "{} components ({} direct, {} transitive) from {} files; {} with integrity hashes.\n",
        facts.components,
        facts.direct,
        facts.transitive,
        facts.files.len(),
        facts.with_integrity
    ));
    for g in &inv.gaps {
        out.push_str(&format!(
            "gap: {} ({}) has no lockfile; expected one of {}\n",
            g.manifest,
            g.ecosystem,
            g.expected.join(", ")
        ));
    }
    out
}
