//! `safeguard disclosure`: RFC 9116 security.txt check and generation, and the
//! disclosure-policy lint.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_disclosure::lint::{self, Status};
use safeguard_disclosure::securitytxt::{self, CheckOptions, Fields};
use safeguard_sig::openpgp::Keyring;

pub const DISCLOSURE_HELP: &str = "Examples:
  safeguard disclosure securitytxt check                      .well-known/security.txt, else security.txt
  safeguard disclosure securitytxt check site/security.txt --keyring keys/security.asc
  safeguard disclosure securitytxt check --url https://example.com/.well-known/security.txt
  safeguard disclosure securitytxt generate -o .well-known/security.txt
  safeguard disclosure lint                                   SECURITY.md and friends
  safeguard disclosure lint docs/disclosure.md --format json

Exit codes: 0 ok, 1 the check failed (security.txt errors, a required policy element absent),
2 bad usage or unreadable input.";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
pub enum DisclosureCommand {
    /// RFC 9116 security.txt: check or generate.
    #[command(subcommand, name = "securitytxt")]
    SecurityTxt(SecurityTxtCommand),
    /// Lint a disclosure policy (SECURITY.md) for the elements the NCSC Vulnerability Disclosure
    /// Toolkit and ISO/IEC 29147 expect.
    Lint(LintArgs),
}

#[derive(Subcommand)]
pub enum SecurityTxtCommand {
    /// Check a security.txt: every field, the expiry, the signature.
    Check(CheckArgs),
    /// Write a security.txt from the [disclosure] section of safeguard.toml.
    Generate(GenerateArgs),
}

#[derive(Args)]
pub struct CheckArgs {
    /// The file (default .well-known/security.txt, then security.txt).
    file: Option<PathBuf>,
    /// OpenPGP public keys to verify a signed file with.
    #[arg(long, value_name = "FILE")]
    keyring: Option<PathBuf>,
    /// The URL the file is served at; a Canonical field should list it.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// The configuration file.
    #[arg(long, value_name = "FILE", default_value = "safeguard.toml")]
    config: PathBuf,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct LintArgs {
    /// Policy documents (default: SECURITY.md, .github/SECURITY.md, docs/SECURITY.md and other
    /// usual disclosure-policy paths that exist).
    files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(cmd: DisclosureCommand, now: time::OffsetDateTime) -> Result<ExitCode> {
    match cmd {
        DisclosureCommand::SecurityTxt(SecurityTxtCommand::Check(a)) => check(a, now),
        DisclosureCommand::SecurityTxt(SecurityTxtCommand::Generate(a)) => generate(a, now),
        DisclosureCommand::Lint(a) => lint_cmd(a),
    }
}

fn check(a: CheckArgs, now: time::OffsetDateTime) -> Result<ExitCode> {
    let path = match a.file {
        Some(p) => p,
        None => [".well-known/security.txt", "security.txt"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .context("no security.txt found (looked for .well-known/security.txt and security.txt); name the file")?,
    };
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let keyring = match &a.keyring {
        Some(k) => {
            let data = std::fs::read(k).with_context(|| format!("cannot read {}", k.display()))?;
            Some(
                Keyring::parse(&data)
                    .with_context(|| format!("{}: not an OpenPGP keyring", k.display()))?,
            )
        }
        None => None,
    };
    if let Some(u) = &a.url
        && !u.starts_with("https://")
    {
        bail!("--url `{u}` must be an https:// URL");
    }
    let opts = CheckOptions {
        now,
        keyring: keyring.as_ref(),
        url: a.url.as_deref(),
    };
    let report = securitytxt::check(&bytes, &opts);
    match a.format {
        Format::Json => {
            let mut v = serde_json::to_value(&report)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("file".into(), path.display().to_string().into());
            }
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = report
                .findings()
                .map(|f| {
                    vec![
                        format!("{:?}", f.severity).to_lowercase(),
                        f.code.to_string(),
                        f.line.map_or_else(|| "-".into(), |l| l.to_string()),
                        f.message.clone(),
                    ]
                })
                .collect();
            println!("{}", path.display());
            if !rows.is_empty() {
                print!(
                    "{}",
                    crate::output::table(&["severity", "code", "line", "message"], &rows, 100)
                );
            }
            println!(
                "signature: {}",
                serde_json::to_value(&report.signature)?["status"]
                    .as_str()
                    .unwrap_or("?")
            );
            println!(
                "{}: {} errors, {} recommendations",
                if report.valid { "valid" } else { "NOT VALID" },
                report.errors.len(),
                report.recommendations.len()
            );
        }
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn generate(a: GenerateArgs, now: time::OffsetDateTime) -> Result<ExitCode> {
    let config = safeguard_config::load_file(&a.config)?;
    let d = &config.disclosure;
    let expires = match &d.expires {
        Some(e) => Some(securitytxt::parse_datetime(e.get_ref()).with_context(|| {
            format!(
                "{}: [disclosure] expires `{}` is not an RFC 3339 date and time (e.g. 2026-12-31T23:00:00Z)",
                a.config.display(),
                e.get_ref()
            )
        })?),
        None => Some(now + time::Duration::days(i64::from(d.expires_in_days()))),
    };
    let fields = Fields {
        contact: d.contact.clone(),
        expires,
        canonical: d.canonical.clone(),
        policy: d.policy.clone(),
        encryption: d.encryption.clone(),
        acknowledgments: d.acknowledgments.clone(),
        preferred_languages: d.preferred_languages.clone(),
        hiring: d.hiring.clone(),
    };
    let text = securitytxt::generate(&fields, now)
        .with_context(|| format!("{}: [disclosure]", a.config.display()))?;
    match &a.output {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::write(p, &text).with_context(|| format!("cannot write {}", p.display()))?;
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn lint_cmd(a: LintArgs) -> Result<ExitCode> {
    let files: Vec<PathBuf> = if a.files.is_empty() {
        lint::DEFAULT_PATHS
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_file())
            .collect()
    } else {
        a.files
    };
    if files.is_empty() {
        eprintln!(
            "no disclosure policy found (looked for {})",
            lint::DEFAULT_PATHS.join(", ")
        );
        return Ok(ExitCode::from(1));
    }
    let mut failed = false;
    let mut out = Vec::new();
    for f in &files {
        let report = lint_file(f)?;
        failed |= !report.missing_required().is_empty();
        out.push((f.clone(), report));
    }
    match a.format {
        Format::Json => {
            let v: Vec<serde_json::Value> = out
                .iter()
                .map(|(f, r)| {
                    serde_json::json!({
                        "file": f.display().to_string(),
                        "elements": r.elements,
                        "missing_required": r.missing_required(),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Table => {
            for (f, r) in &out {
                println!("{}", f.display());
                let rows: Vec<Vec<String>> = r
                    .elements
                    .iter()
                    .map(|e| {
                        vec![
                            e.element.name().to_string(),
                            match e.status {
                                Status::Present => "present",
                                Status::Absent if e.required => "ABSENT (required)",
                                Status::Absent => "absent",
                                Status::Malformed => "MALFORMED",
                            }
                            .to_string(),
                            e.line.map_or_else(|| "-".into(), |l| l.to_string()),
                            e.problem
                                .clone()
                                .or_else(|| e.evidence.clone())
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    crate::output::table(&["element", "status", "line", "evidence"], &rows, 90)
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lint_file(f: &Path) -> Result<lint::LintReport> {
    let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: byte {} is not UTF-8",
            f.display(),
            e.utf8_error().valid_up_to() + 1
        )
    })?;
    Ok(lint::lint(&text))
}
