//! The signing and verifying interfaces every key backend implements: files ([`crate::keys`]),
//! an external signer program, and later hardware or KMS keys.
//!
//! Two backends are here: [`FileSigner`], a private key read from a PEM file, and
//! [`ExternalSigner`], a separate program that holds the key, the way git runs `gpg.program`.
//!
//! # The external signer protocol
//!
//! An external signer is a program path plus fixed arguments (`PROGRAM [ARGS]`). Safeguard runs
//! it directly (no shell), with the caller's environment and working directory, in two ways:
//!
//! - `PROGRAM [ARGS] public-key`: stdin is empty. The program prints its public key as a PEM
//!   `PUBLIC KEY` (DER SubjectPublicKeyInfo) block on stdout and exits 0. The key must be Ed25519
//!   or ECDSA P-256. Safeguard computes the key id from it (lowercase hex SHA-256 of the DER).
//! - `PROGRAM [ARGS] sign --key-id KEYID`: the message to sign is written to stdin, which is then
//!   closed. The program signs the whole message (Ed25519 pure; ECDSA P-256 over its SHA-256) and
//!   prints the signature **base64-encoded** (standard alphabet, padding optional, line breaks
//!   and surrounding whitespace ignored) on stdout, and exits 0. An Ed25519 signature is the
//!   64-byte RFC 8032 signature; a P-256 signature is DER (`ECDSA-Sig-Value`) or the raw 64-byte
//!   `r || s`, which Safeguard converts to DER. `KEYID` is the id computed from `public-key`;
//!   a program holding several keys uses it to choose one.
//!
//! Anything on stderr is kept and shown when the program fails (a non-zero exit, no usable
//! output). A program that does not finish within the timeout (60 s by default) is killed. The
//! message is written from a separate thread and both outputs are read concurrently, so a
//! program that does not read its input, or writes a lot, cannot dead-lock Safeguard. Every
//! signature is checked against the public key before it is used, so a misconfigured program is
//! caught at signing time rather than by whoever verifies.
//!
//! For example, a signer around an OpenSSL key file (`ARGS` = the key file):
//!
//! ```sh
//! #!/bin/sh
//! key="$1"; shift
//! case "$1" in
//!   public-key) exec openssl pkey -in "$key" -pubout ;;
//!   sign) t=$(mktemp) && cat > "$t" && openssl pkeyutl -sign -inkey "$key" -rawin -in "$t" \
//!           | base64; s=$?; rm -f "$t"; exit $s ;;
//!   *) echo "unknown command: $1" >&2; exit 2 ;;
//! esac
//! ```
//!
//! # Hardware tokens and cloud KMS
//!
//! Keys that never leave a device or a cloud service plug in through this protocol, with a small
//! adapter program, or later through their own [`Signer`] implementation:
//!
//! - **PKCS#11 tokens** (YubiKey PIV, Nitrokey, smart cards, HSMs): `public-key` exports the
//!   token's public key as SPKI (for example `pkcs11-tool --read-object --type pubkey` converted
//!   with OpenSSL), and `sign` asks the token for `CKM_EDDSA` or `CKM_ECDSA` over the SHA-256 of
//!   the message (PKCS#11 returns raw `r || s`, which is accepted). The PIN is the program's
//!   business (its own prompt, a pinentry, or an environment variable).
//! - **AWS KMS**: `GetPublicKey` already returns DER SPKI (wrap it in PEM); `sign` calls `Sign`
//!   with `ECDSA_SHA_256` (`MessageType=RAW`, or `DIGEST` with the SHA-256 for messages over
//!   4 KiB), whose DER signature is printed base64, as the CLI already returns it.
//! - **Google Cloud KMS**: `getPublicKey` returns the SPKI PEM; `asymmetricSign` with
//!   `EC_SIGN_P256_SHA256` takes the SHA-256 digest and returns a DER signature in base64;
//!   `EC_SIGN_ED25519` keys take the message itself.
//! - **Azure Key Vault**: the key's JWK (`crv` P-256, `x`, `y`) is turned into SPKI; `sign` with
//!   `ES256` over the SHA-256 digest returns raw `r || s` (accepted and converted to DER).
//!
//! The credentials are the adapter's (the cloud CLI's usual environment and profiles):
//! Safeguard never sees them. A native backend would implement [`Signer`] (and keep
//! [`Signer::key_id`] the SHA-256 of the SPKI) and can be used anywhere a [`FileSigner`] is.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::keys::{KeyError, PrivateKey, PublicKey};

/// The signature algorithms Safeguard signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 (RFC 8032), pure: the message itself is signed.
    Ed25519,
    /// ECDSA over P-256 with SHA-256; signatures are DER-encoded.
    EcdsaP256Sha256,
}

/// Why signing failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The backend could not produce a signature (a program failed, a device refused).
    #[error("signing failed: {0}")]
    Backend(String),
}

/// Something that signs messages with one private key.
pub trait Signer: Send + Sync {
    /// The key id: lowercase hex sha256 of the public key's DER SubjectPublicKeyInfo.
    fn key_id(&self) -> String;
    /// The algorithm of the key.
    fn algorithm(&self) -> Algorithm;
    /// The public key as a PEM `PUBLIC KEY` (SPKI) block.
    fn public_key_pem(&self) -> String;
    /// Sign `message` (the whole message; hashing is part of the algorithm).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// Something that checks signatures made by one public key.
pub trait Verifier: Send + Sync {
    /// The key id (as [`Signer::key_id`]).
    fn key_id(&self) -> String;
    /// Whether `signature` is a valid signature of `message` by this key.
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------

/// A private key read from a PEM file (PKCS#8, plain or encrypted; see [`crate::keys`]).
#[derive(Debug)]
pub struct FileSigner {
    path: PathBuf,
    key: PrivateKey,
}

impl FileSigner {
    /// Read the key in `path`, decrypting it with `passphrase` when it is encrypted. Errors name
    /// the file.
    pub fn open(path: impl AsRef<Path>, passphrase: Option<&[u8]>) -> Result<FileSigner, KeyError> {
        let path = path.as_ref();
        Ok(FileSigner {
            path: path.to_path_buf(),
            key: PrivateKey::from_file(path, passphrase)?,
        })
    }

    /// The key file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key read from it.
    pub fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// The public half of the key.
    pub fn public_key(&self) -> &PublicKey {
        self.key.public_key()
    }
}

impl Signer for FileSigner {
    fn key_id(&self) -> String {
        self.key.key_id().to_string()
    }

    fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }

    fn public_key_pem(&self) -> String {
        self.key.public_key().to_pem()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.key.sign_message(message))
    }
}

/// How long an external signer program may run by default (a hardware token may wait for a
/// touch or a PIN).
pub const DEFAULT_EXTERNAL_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest timeout honoured (longer ones are shortened to this).
const MAX_EXTERNAL_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// The most stdout an external signer may print.
const MAX_PROGRAM_STDOUT: u64 = 1024 * 1024;
/// The most stderr kept from an external signer.
const MAX_PROGRAM_STDERR: u64 = 64 * 1024;
/// The most stderr quoted in an error message.
const MAX_QUOTED_STDERR: usize = 4096;

/// Why an external signer program could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ExternalSignerError {
    /// The program could not be started.
    #[error("cannot run the external signer `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why it could not be started.
        source: std::io::Error,
    },
    /// The program did not finish in time and was killed.
    #[error(
        "the external signer `{program} {command}` did not finish within {seconds} s and was stopped"
    )]
    Timeout {
        /// The program.
        program: String,
        /// The protocol command (`public-key` or `sign`).
        command: &'static str,
        /// The timeout in seconds.
        seconds: u64,
    },
    /// The program exited unsuccessfully.
    #[error("the external signer `{program} {command}` failed ({status}){}", stderr_suffix(.stderr))]
    Failed {
        /// The program.
        program: String,
        /// The protocol command.
        command: &'static str,
        /// How it exited.
        status: String,
        /// What it wrote to stderr (trimmed, possibly shortened).
        stderr: String,
    },
    /// The program succeeded but its output is not what the protocol asks for.
    #[error("the external signer `{program} {command}` printed {problem}{}", stderr_suffix(.stderr))]
    BadOutput {
        /// The program.
        program: String,
        /// The protocol command.
        command: &'static str,
        /// What is wrong with the output.
        problem: String,
        /// What it wrote to stderr.
        stderr: String,
    },
    /// The program printed a signature that does not verify with its own public key.
    #[error(
        "the external signer `{program}` returned a signature that does not verify with its \
         public key {key_id} (is it configured with another key?)"
    )]
    WrongSignature {
        /// The program.
        program: String,
        /// The key id from `public-key`.
        key_id: String,
    },
    /// Waiting for the program failed.
    #[error("lost track of the external signer `{program}`: {source}")]
    Wait {
        /// The program.
        program: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn stderr_suffix(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

/// A signer that is a separate program speaking the protocol in the [module documentation](self).
#[derive(Debug, Clone)]
pub struct ExternalSigner {
    program: OsString,
    args: Vec<OsString>,
    timeout: Duration,
    public: PublicKey,
}

impl ExternalSigner {
    /// Configure `PROGRAM [ARGS]` and ask it for its public key (`public-key`), with the default
    /// timeout.
    pub fn new<I, S>(program: impl AsRef<OsStr>, args: I) -> Result<Self, ExternalSignerError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Self::with_timeout(program, args, DEFAULT_EXTERNAL_TIMEOUT)
    }

    /// As [`ExternalSigner::new`], allowing each run of the program `timeout` (at most a day).
    pub fn with_timeout<I, S>(
        program: impl AsRef<OsStr>,
        args: I,
        timeout: Duration,
    ) -> Result<Self, ExternalSignerError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let timeout = timeout.min(MAX_EXTERNAL_TIMEOUT);
        let program = program.as_ref().to_os_string();
        let args: Vec<OsString> = args
            .into_iter()
            .map(|a| a.as_ref().to_os_string())
            .collect();
        let run = run_program(&program, &args, "public-key", &[], None, timeout)?;
        let bad = |problem: String| ExternalSignerError::BadOutput {
            program: display_program(&program),
            command: "public-key",
            problem,
            stderr: run.stderr.clone(),
        };
        let text = std::str::from_utf8(&run.stdout)
            .map_err(|_| bad("something that is not text instead of a PEM public key".into()))?;
        let public =
            PublicKey::from_pem(text).map_err(|e| bad(format!("an unusable public key ({e})")))?;
        Ok(ExternalSigner {
            program,
            args,
            timeout,
            public,
        })
    }

    /// The program's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The program as configured.
    pub fn program(&self) -> &OsStr {
        &self.program
    }

    /// Run `sign` and return the checked signature (P-256 signatures as DER).
    pub fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, ExternalSignerError> {
        let key_id = self.public.key_id();
        let run = run_program(
            &self.program,
            &self.args,
            "sign",
            &["--key-id", key_id],
            Some(message.to_vec()),
            self.timeout,
        )?;
        let bad = |problem: String| ExternalSignerError::BadOutput {
            program: display_program(&self.program),
            command: "sign",
            problem,
            stderr: run.stderr.clone(),
        };
        let compact: Vec<u8> = run
            .stdout
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if compact.is_empty() {
            return Err(bad("nothing (a base64 signature was expected)".into()));
        }
        let signature = base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
            .map_err(|_| {
                bad("something that is not base64 (a base64 signature was expected)".into())
            })?;
        let signature = match self.public.algorithm() {
            Algorithm::EcdsaP256Sha256 => p256_to_der(&signature),
            Algorithm::Ed25519 => signature,
        };
        if !self.public.verify_signature(message, &signature) {
            return Err(ExternalSignerError::WrongSignature {
                program: display_program(&self.program),
                key_id: key_id.to_string(),
            });
        }
        Ok(signature)
    }
}

/// A P-256 signature as DER: DER is kept, a raw `r || s` converted; anything else is returned
/// unchanged (and will fail verification).
fn p256_to_der(signature: &[u8]) -> Vec<u8> {
    if p256::ecdsa::Signature::from_der(signature).is_ok() {
        return signature.to_vec();
    }
    match p256::ecdsa::Signature::from_slice(signature) {
        Ok(sig) if signature.len() == 64 => sig.to_der().as_bytes().to_vec(),
        _ => signature.to_vec(),
    }
}

impl Signer for ExternalSigner {
    fn key_id(&self) -> String {
        self.public.key_id().to_string()
    }

    fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    fn public_key_pem(&self) -> String {
        self.public.to_pem()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        self.sign_message(message)
            .map_err(|e| SignError::Backend(e.to_string()))
    }
}

fn display_program(program: &OsStr) -> String {
    program.to_string_lossy().into_owned()
}

/// What a successful run printed.
struct ProgramOutput {
    stdout: Vec<u8>,
    stderr: String,
}

/// Which stream a reader thread read.
enum Stream {
    Stdout,
    Stderr,
}

/// Read at most `limit` bytes of `reader`, then discard the rest so the writer never blocks.
/// Returns the bytes and whether there was more.
fn read_limited(mut reader: impl Read, limit: u64) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let _ = reader.by_ref().take(limit).read_to_end(&mut kept);
    let more = std::io::copy(&mut reader, &mut std::io::sink()).unwrap_or(0);
    (kept, more > 0)
}

/// Trimmed, lossy text of a program's stderr, shortened for messages.
fn stderr_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.len() <= MAX_QUOTED_STDERR {
        return text.to_string();
    }
    let mut end = MAX_QUOTED_STDERR;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} [...]", &text[..end])
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

/// Stop a child that overran (best effort: it may already have exited).
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Run `program args command extra`, feeding `input` on stdin, within `timeout`.
fn run_program(
    program: &OsStr,
    args: &[OsString],
    command: &'static str,
    extra: &[&str],
    input: Option<Vec<u8>>,
    timeout: Duration,
) -> Result<ProgramOutput, ExternalSignerError> {
    let name = || display_program(program);
    let mut child = Command::new(program)
        .args(args)
        .arg(command)
        .args(extra)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| ExternalSignerError::Spawn {
            program: name(),
            source,
        })?;

    // The message is written from its own thread: a program that reads slowly, or not at all,
    // must not stop us from reading its output or enforcing the timeout. Closing stdin (the
    // thread ending) tells the program the message is complete.
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let (tx, rx) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send((Stream::Stdout, read_limited(out, MAX_PROGRAM_STDOUT)));
        });
    }
    if let Some(err) = child.stderr.take() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send((Stream::Stderr, read_limited(err, MAX_PROGRAM_STDERR)));
        });
    }
    drop(tx);

    let timed_out = || ExternalSignerError::Timeout {
        program: name(),
        command,
        seconds: timeout.as_secs().max(1),
    };
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(source) => {
                stop(&mut child);
                return Err(ExternalSignerError::Wait {
                    program: name(),
                    source,
                });
            }
        }
        let now = Instant::now();
        if now >= deadline {
            stop(&mut child);
            return Err(timed_out());
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    };

    // The program has exited; its outputs end unless it left a process behind holding them.
    // Wait for them no longer than the time left (and at least a moment).
    let (mut stdout, mut stderr) = (None, None);
    let collect_until = deadline.max(Instant::now() + Duration::from_millis(500));
    while stdout.is_none() || stderr.is_none() {
        let left = collect_until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((Stream::Stdout, got)) => stdout = Some(got),
            Ok((Stream::Stderr, got)) => stderr = Some(got),
            Err(mpsc::RecvTimeoutError::Timeout) => return Err(timed_out()),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let (stdout, stdout_overflow) = stdout.unwrap_or_default();
    let stderr = stderr_text(&stderr.unwrap_or_default().0);
    if !status.success() {
        return Err(ExternalSignerError::Failed {
            program: name(),
            command,
            status: describe_status(status),
            stderr,
        });
    }
    if stdout_overflow {
        return Err(ExternalSignerError::BadOutput {
            program: name(),
            command,
            problem: format!("more than {MAX_PROGRAM_STDOUT} bytes"),
            stderr,
        });
    }
    Ok(ProgramOutput { stdout, stderr })
}
