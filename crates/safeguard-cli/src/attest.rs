//! `safeguard key`, `safeguard sign`, `safeguard verify` and the hidden
//! `safeguard sigstore verify-bundle` (the sigstore-conformance CLI protocol).

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use safeguard_attest::bundle::{self, Artifact, Policy, PublicKey};
use safeguard_attest::keys::{self, PrivateKey};
use safeguard_attest::signer::{Algorithm, ExternalSigner, Signer};

pub const KEY_HELP: &str = "Examples:
  SAFEGUARD_KEY_PASSWORD=… safeguard key generate -o release.key     writes release.key and release.pub
  safeguard key generate --algorithm ecdsa-p256 -o release.key      asks for the passphrase
  safeguard key public release.key > release.pub

Private keys are PKCS#8 PEM, encrypted with the passphrase (PBES2: scrypt and AES-256-CBC);
openssl reads them. The key id is the sha256 of the public key's DER SubjectPublicKeyInfo.
The passphrase comes from SAFEGUARD_KEY_PASSWORD, or a prompt on the terminal.";

pub const SIGN_HELP: &str = "Examples:
  safeguard sign dist/app.tar.gz --key release.key          writes dist/app.tar.gz.sigstore.json
  safeguard sign dist/* --key release.key
  safeguard sign app.bin --signer-program ./kms-signer      an external signer (see below)

Each bundle is a Sigstore bundle v0.3 (JSON) carrying the signature, the artifact's SHA-256
and the key id; verify it with `safeguard verify FILE --bundle FILE.sigstore.json --key PUB`.
An external signer is run as `PROGRAM [ARGS] public-key` (prints the SPKI PEM) and
`PROGRAM [ARGS] sign --key-id KEYID` (message on stdin, base64 signature on stdout): that is how
hardware tokens (PKCS#11) and cloud KMS keys plug in.";

pub const VERIFY_HELP: &str = "Examples:
  safeguard verify app.tar.gz --bundle app.tar.gz.sigstore.json --key release.pub
  safeguard verify app.whl --bundle app.whl.sigstore.json --trusted-root trusted_root.json \\
      --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0 \\
      --certificate-oidc-issuer https://token.actions.githubusercontent.com

Fully offline: nothing is fetched. Keyless bundles (Fulcio certificate, Rekor entry with its
inclusion proof and checkpoint, timestamps) are checked against the trusted root given, or the
Sigstore production root built into this binary. Exit codes: 0 verified, 1 verification failed
(with the reason), 2 bad usage or unreadable input.";

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgorithm {
    Ed25519,
    EcdsaP256,
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Generate a key pair: an encrypted PKCS#8 private key and its public key.
    Generate {
        #[arg(long, value_enum, default_value = "ed25519")]
        algorithm: KeyAlgorithm,
        /// The private key file to write (the public key goes beside it, `.pub`).
        #[arg(long, short, value_name = "FILE", default_value = "safeguard.key")]
        output: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Print the public key (SPKI PEM) of a private key, and its key id on stderr.
    Public {
        /// The private key file.
        key: PathBuf,
    },
}

#[derive(Args)]
pub struct SignArgs {
    /// The files to sign.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The private key (encrypted PKCS#8 PEM).
    #[arg(long, value_name = "FILE", required_unless_present = "signer_program")]
    key: Option<PathBuf>,
    /// An external signer program instead of a key file.
    #[arg(long, value_name = "PROGRAM", conflicts_with = "key")]
    signer_program: Option<PathBuf>,
    /// Arguments passed to the signer program before its subcommand (repeatable).
    #[arg(long = "signer-arg", value_name = "ARG", requires = "signer_program")]
    signer_args: Vec<String>,
    /// The suffix of the bundle files written beside the artefacts.
    #[arg(long, default_value = ".sigstore.json")]
    suffix: String,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The artefact.
    file: PathBuf,
    /// The Sigstore bundle.
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,
    /// The public key (PEM) for key-based bundles.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["certificate_identity", "certificate_oidc_issuer"])]
    key: Option<PathBuf>,
    /// The trusted root (JSON) for keyless bundles (default: the built-in production root).
    #[arg(long, value_name = "FILE")]
    trusted_root: Option<PathBuf>,
    /// The identity the signing certificate must name (keyless).
    #[arg(long, value_name = "IDENTITY", requires = "certificate_oidc_issuer")]
    certificate_identity: Option<String>,
    /// The OIDC issuer the signing certificate must name (keyless).
    #[arg(long, value_name = "URL", requires = "certificate_identity")]
    certificate_oidc_issuer: Option<String>,
}

#[derive(Subcommand)]
pub enum SigstoreCommand {
    /// The sigstore-conformance `verify-bundle` entry point.
    VerifyBundle {
        #[arg(long)]
        staging: bool,
        #[arg(long)]
        bundle: PathBuf,
        #[arg(long)]
        certificate_identity: Option<String>,
        #[arg(long)]
        certificate_oidc_issuer: Option<String>,
        #[arg(long)]
        key: Option<PathBuf>,
        #[arg(long)]
        trusted_root: Option<PathBuf>,
        /// The artefact, or `sha256:<hex>`.
        file_or_digest: String,
    },
}

/// The passphrase: `SAFEGUARD_KEY_PASSWORD`, or a prompt on the terminal.
fn passphrase(confirm: bool) -> Result<Vec<u8>> {
    if let Some(p) = keys::passphrase_from_env() {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "the key passphrase is needed: set {} (no terminal to prompt on)",
            keys::PASSPHRASE_ENV
        );
    }
    let first = prompt("Key passphrase: ")?;
    if confirm {
        let second = prompt("Again: ")?;
        if first != second {
            bail!("the passphrases differ");
        }
    }
    if first.is_empty() {
        bail!("an empty passphrase is not allowed");
    }
    Ok(first.into_bytes())
}

fn prompt(label: &str) -> Result<String> {
    eprint!("{label}");
    let _ = std::io::stderr().flush();
    let echo_off = std::process::Command::new("stty")
        .arg("-echo")
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success());
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    if echo_off {
        let _ = std::process::Command::new("stty")
            .arg("echo")
            .stdin(std::process::Stdio::inherit())
            .status();
    }
    eprintln!();
    read.context("cannot read the passphrase")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    f.write_all(data)?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    std::fs::write(path, data).with_context(|| format!("{}: cannot write", path.display()))
}

pub fn key(cmd: KeyCommand, quiet: bool) -> Result<ExitCode> {
    match cmd {
        KeyCommand::Generate {
            algorithm,
            output,
            force,
        } => {
            let public = output.with_extension("pub");
            for p in [&output, &public] {
                if p.exists() && !force {
                    bail!("{}: exists (use --force to overwrite)", p.display());
                }
            }
            let alg = match algorithm {
                KeyAlgorithm::Ed25519 => Algorithm::Ed25519,
                KeyAlgorithm::EcdsaP256 => Algorithm::EcdsaP256Sha256,
            };
            let pass = passphrase(true)?;
            let key = keys::generate(alg)?;
            write_private(&output, key.to_encrypted_pem(&pass)?.as_bytes())?;
            std::fs::write(&public, key.public_key().to_pem())
                .with_context(|| format!("{}: cannot write", public.display()))?;
            if !quiet {
                eprintln!(
                    "wrote {} (encrypted) and {}; key id {}",
                    output.display(),
                    public.display(),
                    key.key_id()
                );
            }
            println!("{}", key.key_id());
            Ok(ExitCode::SUCCESS)
        }
        KeyCommand::Public { key } => {
            let k = load_private(&key)?;
            print!("{}", k.public_key().to_pem());
            if !quiet {
                eprintln!("key id {}", k.key_id());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_private(path: &Path) -> Result<PrivateKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let encrypted = text.contains("ENCRYPTED PRIVATE KEY");
    let pass = if encrypted {
        Some(passphrase(false)?)
    } else {
        None
    };
    PrivateKey::from_pem(&text, pass.as_deref()).with_context(|| format!("{}", path.display()))
}

pub fn sign(args: SignArgs, quiet: bool) -> Result<ExitCode> {
    let signer = signer_of(
        args.key.as_ref(),
        args.signer_program.as_ref(),
        &args.signer_args,
    )?;
    for file in &args.files {
        let data = artifact_bytes(file)?;
        let digest = safeguard_attest::hash::sha256(&data);
        let b = bundle::sign_message_bundle(digest, &data, signer.as_ref())
            .with_context(|| format!("{}: signing failed", file.display()))?;
        let mut out = file.as_os_str().to_os_string();
        out.push(&args.suffix);
        let out = PathBuf::from(out);
        crate::sbom::write_atomic(&out, (serde_json::to_string_pretty(&b)? + "\n").as_bytes())?;
        if !quiet {
            eprintln!("signed {} -> {}", file.display(), out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))
}

/// Files at least this large are memory-mapped rather than read.
const MAP_AT: u64 = 64 << 20;

/// An artefact's bytes: read into memory when small, memory-mapped when large, so that signing
/// or verifying a multi-gigabyte file does not allocate its size.
enum FileBytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Owned(v) => v,
            FileBytes::Mapped(m) => m,
        }
    }
}

fn artifact_bytes(p: &Path) -> Result<FileBytes> {
    let file = std::fs::File::open(p).with_context(|| format!("{}: cannot read", p.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("{}: cannot read", p.display()))?;
    if !meta.is_file() {
        bail!("{}: not a regular file", p.display());
    }
    if meta.len() >= MAP_AT {
        // SAFETY: the map is read-only and private to this process. An artefact being signed
        // or verified is not being rewritten; if another process truncated it meanwhile,
        // reading the lost pages would fault.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .with_context(|| format!("{}: cannot map", p.display()))?;
        return Ok(FileBytes::Mapped(map));
    }
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut &file, &mut data)
        .with_context(|| format!("{}: cannot read", p.display()))?;
    Ok(FileBytes::Owned(data))
}

/// Verify and report: `verified: …` on stdout and exit 0, or `verification failed: …` on stderr
/// and exit 1.
#[allow(clippy::too_many_arguments)]
fn verify_common(
    bundle_path: &Path,
    artifact: Artifact<'_>,
    key: Option<&Path>,
    trusted_root: Option<&Path>,
    identity: Option<String>,
    issuer: Option<String>,
    staging: bool,
    quiet: bool,
) -> Result<ExitCode> {
    let bundle_json = read(bundle_path)?;
    let root = match trusted_root {
        Some(p) => Some(read(p)?),
        None => None,
    };
    let key_pem;
    let policy = match (key, identity, issuer) {
        (Some(k), _, _) => {
            key_pem = String::from_utf8(read(k)?)
                .map_err(|_| anyhow::anyhow!("{}: not a PEM text file", k.display()))?;
            Policy::Key {
                key: PublicKey::Pem(&key_pem),
                trusted_root_json: root,
            }
        }
        (None, Some(identity), Some(issuer)) => Policy::Keyless {
            trusted_root_json: root.unwrap_or_else(|| {
                if staging {
                    sigstore_verify::trust_root::SIGSTORE_STAGING_TRUSTED_ROOT
                } else {
                    sigstore_verify::trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT
                }
                .as_bytes()
                .to_vec()
            }),
            certificate_identity: identity,
            certificate_oidc_issuer: issuer,
        },
        _ => bail!("give --key, or --certificate-identity and --certificate-oidc-issuer"),
    };
    match bundle::verify_bundle(&bundle_json, artifact, &policy) {
        Ok(v) => {
            if !quiet {
                let who = v
                    .certificate_identity
                    .clone()
                    .or(v.key_id.clone().map(|k| format!("key {k}")))
                    .unwrap_or_default();
                println!(
                    "verified: {} signed by {who}{}",
                    bundle_path.display(),
                    if v.tlog_verified {
                        ", transparency log entry verified"
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn verify(args: VerifyArgs, quiet: bool) -> Result<ExitCode> {
    let data = artifact_bytes(&args.file)?;
    verify_common(
        &args.bundle,
        Artifact::Bytes(&data),
        args.key.as_deref(),
        args.trusted_root.as_deref(),
        args.certificate_identity,
        args.certificate_oidc_issuer,
        false,
        quiet,
    )
}

pub fn sigstore(cmd: SigstoreCommand, quiet: bool) -> Result<ExitCode> {
    match cmd {
        SigstoreCommand::VerifyBundle {
            staging,
            bundle,
            certificate_identity,
            certificate_oidc_issuer,
            key,
            trusted_root,
            file_or_digest,
        } => {
            // A `sha256:` digest of the right length that is not a path on disk is a digest.
            let digest = file_or_digest
                .strip_prefix("sha256:")
                .filter(|h| h.len() == 64 && !Path::new(&file_or_digest).exists())
                .and_then(|h| {
                    let mut out = [0u8; 32];
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = u8::from_str_radix(h.get(i * 2..i * 2 + 2)?, 16).ok()?;
                    }
                    Some(out)
                });
            let data;
            let artifact = match digest {
                Some(d) => Artifact::Sha256(d),
                None => {
                    data = artifact_bytes(Path::new(&file_or_digest))?;
                    Artifact::Bytes(&data)
                }
            };
            verify_common(
                &bundle,
                artifact,
                key.as_deref(),
                trusted_root.as_deref(),
                certificate_identity,
                certificate_oidc_issuer,
                staging,
                quiet,
            )
        }
    }
}

pub const ATTEST_HELP: &str = "Examples:
  safeguard attest provenance --subject dist/app.tar.gz --key release.key
  safeguard attest provenance --subject dist/app.tar.gz --subject dist/app.whl --key release.key -o provenance.sigstore.json
  safeguard attest sbom --subject dist/app.tar.gz --sbom app.cdx.json --key release.key
  safeguard attest sbom --subject dist/app.tar.gz --key release.key      (an SBOM of the repository's lockfiles)
  safeguard scan --format json -o scan.json && safeguard attest scan --subject dist/app.tar.gz --report scan.json --key release.key

Each attestation is an in-toto Statement v1 about the subjects' sha256, signed as DSSE and
wrapped in a Sigstore bundle v0.3. Check one with `safeguard verify-attestation`.

provenance: a SLSA Provenance v1 predicate filled from the CI environment (GitHub Actions,
  GitLab CI, or a generic fallback whose builder id is SAFEGUARD_BUILDER_ID, else
  local:<hostname>), with the source repository at its commit and, as resolved dependencies,
  the third-party components of the repository's lockfiles with their integrity hashes.
sbom: the SBOM itself is the predicate; its type is https://cyclonedx.org/bom,
  https://spdx.dev/Document/v2.3 (or https://spdx.dev/Document for older SPDX 2), or
  https://spdx.dev/Document/v3, from the document.
scan: the in-toto vulnerabilities predicate v0.2 (https://in-toto.io/attestation/vulns/v0.2)
  made from a `safeguard scan --format json` report: the open findings with their severities,
  and the database's last update.";

#[derive(Subcommand)]
pub enum AttestCommand {
    /// SLSA Provenance v1 for build outputs, signed (DSSE in a Sigstore bundle).
    Provenance(ProvenanceArgs),
    /// An SBOM (CycloneDX or SPDX JSON) as the predicate of a signed attestation.
    Sbom(SbomAttestArgs),
    /// A vulnerability scan report as a signed in-toto vulns v0.2 attestation.
    Scan(ScanAttestArgs),
}

/// What every attestation needs: its subjects and a key.
#[derive(Args)]
pub struct AttestCommon {
    /// The artefacts the attestation is about (repeatable; globs are expanded by the shell).
    #[arg(long = "subject", value_name = "FILE", required = true)]
    subjects: Vec<PathBuf>,
    /// The private key (encrypted PKCS#8 PEM).
    #[arg(long, value_name = "FILE", required_unless_present = "signer_program")]
    key: Option<PathBuf>,
    /// An external signer program instead of a key file.
    #[arg(long, value_name = "PROGRAM", conflicts_with = "key")]
    signer_program: Option<PathBuf>,
    /// Arguments passed to the signer program before its subcommand (repeatable).
    #[arg(long = "signer-arg", value_name = "ARG", requires = "signer_program")]
    signer_args: Vec<String>,
}

#[derive(Args)]
pub struct ProvenanceArgs {
    #[command(flatten)]
    common: AttestCommon,
    /// The repository the build ran from (for the source, its commit, and its lockfiles).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Leave the lockfiles' components out of the resolved dependencies.
    #[arg(long)]
    no_components: bool,
    /// Where to write the bundle.
    #[arg(
        long,
        short,
        value_name = "FILE",
        default_value = "provenance.sigstore.json"
    )]
    output: PathBuf,
    /// When the build started (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    started_on: Option<String>,
}

#[derive(Args)]
pub struct SbomAttestArgs {
    #[command(flatten)]
    common: AttestCommon,
    /// The SBOM (CycloneDX or SPDX JSON). Without it, a CycloneDX 1.6 SBOM of --repo's
    /// lockfiles is made.
    #[arg(long, value_name = "FILE")]
    sbom: Option<PathBuf>,
    /// The repository whose lockfiles make the SBOM when --sbom is not given.
    #[arg(long, default_value = ".", conflicts_with = "sbom")]
    repo: PathBuf,
    /// Where to write the bundle.
    #[arg(long, short, value_name = "FILE", default_value = "sbom.sigstore.json")]
    output: PathBuf,
}

#[derive(Args)]
pub struct ScanAttestArgs {
    #[command(flatten)]
    common: AttestCommon,
    /// The scan report, from `safeguard scan --format json`.
    #[arg(long, value_name = "FILE")]
    report: PathBuf,
    /// Where to write the bundle.
    #[arg(long, short, value_name = "FILE", default_value = "scan.sigstore.json")]
    output: PathBuf,
}

pub const VERIFY_ATTESTATION_HELP: &str = "Examples:
  safeguard verify-attestation dist/app.tar.gz --bundle provenance.sigstore.json --key release.pub \\
      --builder-id https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0 \\
      --source-uri github.com/acme/app

Checks the bundle's signature offline, that the file's sha256 is a subject of the statement,
and the policy given: predicate type (default SLSA Provenance v1), builder id, source
repository. Exit codes: 0 verified, 1 verification failed (with the reason), 2 bad usage.";

pub const REPRO_HELP: &str = "Examples:
  safeguard repro --artifact 'target/release/app' -- cargo build --release --locked
  safeguard repro --artifact 'dist/*.whl' --format json -- python -m build --wheel

Runs the build twice, in two fresh copies of the tree at paths of different lengths, with a
different time zone, locale and umask, then compares the artefacts' sha256. When they differ it
names the first differing file and byte offset. Exit codes: 0 reproducible, 1 not reproducible,
2 the build failed, no artefact matched, or bad usage.";

#[derive(Args)]
pub struct VerifyAttestationArgs {
    /// The artefact.
    file: PathBuf,
    /// The attestation bundle.
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,
    /// The public key (PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The predicate type required (default: SLSA Provenance v1).
    #[arg(long, value_name = "URI")]
    predicate_type: Option<String>,
    /// The builder id required.
    #[arg(long, value_name = "ID")]
    builder_id: Option<String>,
    /// The source repository required.
    #[arg(long, value_name = "URI")]
    source_uri: Option<String>,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum ReproFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct ReproArgs {
    /// The artefacts to compare, globs relative to the tree (`*`, `?`, `**`) (repeatable).
    #[arg(long = "artifact", value_name = "GLOB", required = true)]
    artifacts: Vec<String>,
    /// The tree to build.
    #[arg(long, default_value = ".")]
    source: PathBuf,
    /// Where the two copies are made (default: the system temporary folder).
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: ReproFormat,
    /// The build command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<String>,
}

fn signer_of(
    key: Option<&PathBuf>,
    program: Option<&PathBuf>,
    program_args: &[String],
) -> Result<Box<dyn Signer>> {
    Ok(match (key, program) {
        (Some(k), _) => Box::new(load_private(k)?),
        (None, Some(p)) => Box::new(
            ExternalSigner::new(p.as_os_str(), program_args.to_vec())
                .with_context(|| format!("signer program {}", p.display()))?,
        ),
        (None, None) => bail!("give --key or --signer-program"),
    })
}

/// The signer and the subjects (name as given, sha256 of the content) of an attestation.
fn prepare(
    c: &AttestCommon,
) -> Result<(
    Box<dyn Signer>,
    Vec<safeguard_attest::intoto::ResourceDescriptor>,
)> {
    let signer = signer_of(c.key.as_ref(), c.signer_program.as_ref(), &c.signer_args)?;
    let mut subjects = Vec::with_capacity(c.subjects.len());
    for s in &c.subjects {
        let digest = safeguard_attest::hash::sha256_file(s)
            .with_context(|| format!("{}: cannot read", s.display()))?;
        let name = s.to_string_lossy().replace('\\', "/");
        subjects.push(safeguard_attest::intoto::ResourceDescriptor::sha256(
            &name, &digest,
        ));
    }
    Ok((signer, subjects))
}

/// Check a statement and its predicate, sign it as DSSE, wrap it in a bundle and write it.
fn write_attestation(
    statement: &safeguard_attest::intoto::Statement,
    signer: &dyn Signer,
    output: &Path,
) -> Result<()> {
    statement
        .validate()
        .context("the attestation is not valid")?;
    safeguard_attest::predicates::check_predicate(statement)
        .context("the attestation's predicate is not valid")?;
    let envelope = safeguard_attest::dsse::sign(
        safeguard_attest::dsse::INTOTO_PAYLOAD_TYPE,
        statement.to_json().as_bytes(),
        &[signer],
    )?;
    let env_json: serde_json::Value = serde_json::from_str(&envelope.to_json())?;
    let b = bundle::dsse_bundle(env_json, &signer.key_id());
    crate::sbom::write_atomic(
        output,
        (serde_json::to_string_pretty(&b)? + "\n").as_bytes(),
    )
}

pub fn attest(cmd: AttestCommand, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    match cmd {
        AttestCommand::Provenance(a) => attest_provenance(a, quiet, now),
        AttestCommand::Sbom(a) => attest_sbom(a, quiet, now),
        AttestCommand::Scan(a) => attest_scan(a, quiet),
    }
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn progress(quiet: bool) -> impl Fn(&str) {
    let show = !quiet && std::io::stderr().is_terminal();
    move |msg: &str| {
        if show {
            eprintln!("  {msg}");
        }
    }
}

fn attest_provenance(
    a: ProvenanceArgs,
    quiet: bool,
    now: time::OffsetDateTime,
) -> Result<ExitCode> {
    use safeguard_attest::provenance::{self, ProvenanceInput, SourceInfo};
    let (signer, subjects) = prepare(&a.common)?;
    let source = match safeguard_source::git::Repo::open(&a.repo) {
        Ok(Some(repo)) => {
            let commit = repo.head_commit()?;
            let uri = repo
                .output(&["config", "--get", "remote.origin.url"])
                .ok()
                .map(|o| String::from_utf8_lossy(&o).trim().to_string())
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| a.repo.display().to_string());
            Some(SourceInfo {
                uri,
                commit,
                git_ref: repo.branch()?.map(|b| format!("refs/heads/{b}")),
            })
        }
        _ => None,
    };
    let mut dependencies = Vec::new();
    if !a.no_components {
        if !a.repo.is_dir() {
            bail!(
                "{}: not a directory (give --repo, or --no-components)",
                a.repo.display()
            );
        }
        let inv = safeguard_inventory::discover::scan(&a.repo, &progress(quiet))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for e in &inv.errors {
            eprintln!("warning: {e} (its components are not in the provenance)");
        }
        dependencies = provenance::components(&inv.components);
    }
    let input = ProvenanceInput {
        env: std::env::vars().collect(),
        subjects,
        started_on: Some(a.started_on.clone().unwrap_or_else(|| rfc3339(now))),
        finished_on: Some(rfc3339(now)),
        source,
        dependencies,
        hostname: provenance::local_hostname(),
        ..ProvenanceInput::default()
    };
    let statement = provenance::build_checked(&input).context("the provenance is not valid")?;
    write_attestation(&statement, signer.as_ref(), &a.output)?;
    if !quiet {
        eprintln!(
            "wrote {} ({} subjects, {} components, platform {:?}, key {})",
            a.output.display(),
            a.common.subjects.len(),
            input.dependencies.len(),
            provenance::detect(&input.env),
            signer.key_id()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn attest_sbom(a: SbomAttestArgs, quiet: bool, now: time::OffsetDateTime) -> Result<ExitCode> {
    use safeguard_attest::intoto::Statement;
    use safeguard_attest::predicates;
    let (signer, subjects) = prepare(&a.common)?;
    let (shown, text) = match &a.sbom {
        Some(p) => (p.display().to_string(), read(p)?),
        None => {
            if !a.repo.is_dir() {
                bail!("{}: not a directory", a.repo.display());
            }
            let inv = safeguard_inventory::discover::scan(&a.repo, &progress(quiet))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for e in &inv.errors {
                eprintln!("warning: {e} (its components are not in the SBOM)");
            }
            let (subject, lifecycle) = crate::sbom::subject_and_lifecycle(&a.repo)?;
            let meta = safeguard_inventory::sbom::Metadata {
                tool_name: "safeguard".into(),
                tool_version: env!("CARGO_PKG_VERSION").into(),
                timestamp: now,
                subject,
            };
            let bom = safeguard_inventory::sbom::write_cyclonedx_with_lifecycle(
                &inv,
                &meta,
                safeguard_inventory::sbom::CdxVersion::V1_6,
                lifecycle.as_ref(),
            );
            (
                format!("the SBOM of {}", a.repo.display()),
                bom.into_bytes(),
            )
        }
    };
    let doc: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&text)
        .map_err(|e| anyhow::anyhow!("{shown}: not a JSON object: {e}"))?;
    let predicate_type =
        predicates::sbom_predicate_type(&doc).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let statement = Statement::new(subjects, predicate_type, doc);
    write_attestation(&statement, signer.as_ref(), &a.output)?;
    if !quiet {
        eprintln!(
            "wrote {} ({} subjects, predicate {predicate_type}, key {})",
            a.output.display(),
            a.common.subjects.len(),
            signer.key_id()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The in-toto vulns v0.2 predicate for a scan report: its open findings (suppressed ones are
/// left out, as a policy engine reading the result would otherwise act on them).
fn vulns_of(
    report: &safeguard_vulndb::finding::ScanReport,
) -> Result<safeguard_attest::predicates::Vulns> {
    use safeguard_attest::predicates::{
        ScanMetadata, Scanner, ScannerDb, SeverityScore, VulnResult, Vulns,
    };
    let Some(last_update) = report.db.newest_modified else {
        bail!(
            "the scan's database ({} records) does not say when it was last updated, which the vulns predicate requires; run `safeguard db update` and scan again",
            report.db.records
        );
    };
    let mut result = Vec::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        let mut severity = vec![SeverityScore {
            method: "rating".into(),
            score: f
                .severity
                .rating
                .map(|r| r.to_string())
                .unwrap_or_else(|| "unknown".into()),
        }];
        if let Some(score) = f.severity.score {
            severity.push(SeverityScore {
                method: "cvss_score".into(),
                score: format!("{score:.1}"),
            });
        }
        if let Some(v) = &f.severity.vector {
            severity.push(SeverityScore {
                method: "cvss_vector".into(),
                score: v.clone(),
            });
        }
        let mut note = serde_json::Map::new();
        note.insert("purl".into(), f.component.purl.clone().into());
        if !f.aliases.is_empty() {
            note.insert("aliases".into(), f.aliases.clone().into());
        }
        if let Some(up) = &f.upgrade_to {
            note.insert("fixedVersion".into(), up.clone().into());
        }
        result.push(VulnResult {
            id: f.id.clone(),
            severity,
            annotations: vec![note],
        });
    }
    let when = rfc3339(report.scanned_at);
    Ok(Vulns {
        scanner: Scanner {
            uri: "https://safeguard.dev/scan".into(),
            version: Some(report.tool_version.clone()),
            db: ScannerDb {
                uri: None,
                version: Some(format!("{} records", report.db.records)),
                last_update: rfc3339(last_update),
            },
            result,
        },
        metadata: ScanMetadata {
            scan_started_on: when.clone(),
            scan_finished_on: when,
        },
    })
}

fn attest_scan(a: ScanAttestArgs, quiet: bool) -> Result<ExitCode> {
    use safeguard_attest::intoto::{PREDICATE_VULNS_V0_2, Statement};
    let text = read(&a.report)?;
    let report: safeguard_vulndb::finding::ScanReport =
        serde_json::from_slice(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a `safeguard scan --format json` report: {e}",
                a.report.display()
            )
        })?;
    let vulns = vulns_of(&report).with_context(|| a.report.display().to_string())?;
    let (signer, subjects) = prepare(&a.common)?;
    let statement = Statement::new(subjects, PREDICATE_VULNS_V0_2, vulns.to_predicate());
    write_attestation(&statement, signer.as_ref(), &a.output)?;
    if !quiet {
        eprintln!(
            "wrote {} ({} subjects, {} open findings, key {})",
            a.output.display(),
            a.common.subjects.len(),
            vulns.scanner.result.len(),
            signer.key_id()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify_attestation(a: VerifyAttestationArgs, quiet: bool) -> Result<ExitCode> {
    use safeguard_attest::intoto::{PREDICATE_SLSA_PROVENANCE_V1, Statement};
    use safeguard_attest::policy;
    let digest = safeguard_attest::hash::sha256_file(&a.file)
        .with_context(|| format!("{}: cannot read", a.file.display()))?;
    let bundle_json = read(&a.bundle)?;
    let pem = String::from_utf8(read(&a.key)?)
        .map_err(|_| anyhow::anyhow!("{}: not a PEM text file", a.key.display()))?;
    let verified = match bundle::verify_bundle(
        &bundle_json,
        Artifact::Sha256(digest),
        &Policy::Key {
            key: PublicKey::Pem(&pem),
            trusted_root_json: None,
        },
    ) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let bundle::SignedContent::Dsse { payload, .. } = verified.content else {
        eprintln!("verification failed: the bundle holds a plain signature, not an attestation");
        return Ok(ExitCode::from(1));
    };
    let statement = match Statement::from_json(&payload) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("verification failed: the attestation is not a valid in-toto statement: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let p = policy::Policy {
        predicate_type: Some(
            a.predicate_type
                .clone()
                .unwrap_or_else(|| PREDICATE_SLSA_PROVENANCE_V1.to_string()),
        ),
        builder_id: a.builder_id.clone(),
        source_uri: a.source_uri.clone(),
    };
    if let Err(e) = safeguard_attest::predicates::check_predicate(&statement) {
        eprintln!(
            "verification failed: the {} predicate is not valid: {e}",
            statement.predicate_type
        );
        return Ok(ExitCode::from(1));
    }
    let name = a.file.file_name().map(|n| n.to_string_lossy().to_string());
    match policy::check(&statement, &digest, name.as_deref(), &p) {
        Ok(()) => {
            if !quiet {
                println!(
                    "verified: {} is a subject of {} ({}), signed by key {}",
                    a.file.display(),
                    a.bundle.display(),
                    statement.predicate_type,
                    verified.key_id.unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn repro(a: ReproArgs, quiet: bool) -> Result<ExitCode> {
    use safeguard_attest::repro::{self, ArtifactStatus, ReproOptions};
    if !quiet && std::io::stderr().is_terminal() {
        eprintln!("  building twice: {}", a.command.join(" "));
    }
    let report = repro::run(&ReproOptions {
        source: a.source.clone(),
        artifacts: a.artifacts.clone(),
        command: a.command.clone(),
        work_dir: a.work_dir.clone(),
    })?;
    match a.format {
        ReproFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        ReproFormat::Table => {
            let rows: Vec<Vec<String>> = report
                .artifacts
                .iter()
                .map(|x| {
                    vec![
                        x.path.clone(),
                        match x.status {
                            ArtifactStatus::Identical => "identical".into(),
                            ArtifactStatus::Differs => format!(
                                "differs at byte {}",
                                x.first_difference.unwrap_or_default()
                            ),
                            ArtifactStatus::MissingInFirst => "missing in the first build".into(),
                            ArtifactStatus::MissingInSecond => "missing in the second build".into(),
                        },
                        x.sha256_first.clone().unwrap_or_default(),
                        x.sha256_second.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print!(
                "{}",
                crate::output::table(
                    &["ARTEFACT", "RESULT", "SHA256 (1)", "SHA256 (2)"],
                    &rows,
                    70
                )
            );
            println!(
                "{}",
                if report.reproducible {
                    "Reproducible: both builds produced identical artefacts."
                } else {
                    "Not reproducible."
                }
            );
        }
    }
    Ok(if report.reproducible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
