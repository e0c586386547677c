//! SSH signatures: the `SSHSIG` format of OpenSSH's PROTOCOL.sshsig (what `ssh-keygen -Y sign`
//! writes and git stores in a commit's `gpgsig` header when `gpg.format=ssh`), checked against
//! git's allowed-signers file (`gpg.ssh.allowedSignersFile`, the "ALLOWED SIGNERS" section of
//! ssh-keygen(1)).
//!
//! Supported keys: `ssh-ed25519`, `ecdsa-sha2-nistp256`, and `ssh-rsa` with the `rsa-sha2-256`
//! or `rsa-sha2-512` signature algorithms. Security keys (`sk-*`), other ECDSA curves, DSA and
//! certificates are reported as [`Outcome::Unsupported`].
//!
//! How the outcome is decided, in this order:
//! 1. The armor or the binary blob cannot be read: [`Outcome::Malformed`].
//! 2. The key or signature algorithm is not one of the above: [`Outcome::Unsupported`].
//! 3. The signature was made for another namespace than the one asked for, or does not verify
//!    with the key it carries (tampered message or signature): [`Outcome::Bad`]. This is
//!    decided before the allowed-signers file is looked at, so a forged signature is `Bad` even
//!    when its key is unknown.
//! 4. The key appears on no (non-`cert-authority`) line of the allowed-signers file:
//!    [`Outcome::UnknownKey`].
//! 5. The key is listed, but every line listing it excludes this signature (its `namespaces`
//!    do not include the namespace, the signing time falls outside `valid-after`/`valid-before`,
//!    or the key is listed only as a `cert-authority`): [`Outcome::Bad`], with the line and the
//!    reason. The file's owner restricted that key, so the signature is refused, not unknown.
//! 6. Otherwise [`Outcome::Good`] with the principals of the first line that accepts it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use sha2::{Digest as _, Sha256, Sha512};

use crate::crypto;

/// The namespace git uses for commit and tag signatures.
pub const NAMESPACE_GIT: &str = "git";

const MAGIC: &[u8; 6] = b"SSHSIG";
const ARMOR_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const ARMOR_END: &str = "-----END SSH SIGNATURE-----";

/// What checking an SSH signature found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The signature verifies, with a key the allowed-signers file accepts for this namespace
    /// and time.
    Good {
        /// The principals field of the allowed-signers line that accepted the key (as written,
        /// e.g. `alice@example.org` or `alice@example.org,*@corp.example`).
        principal: String,
        /// `SHA256:` and the unpadded base64 SHA-256 of the public key blob, as
        /// `ssh-keygen -l` prints it.
        key_fingerprint: String,
    },
    /// The signature does not verify, is for another namespace, or its key is listed but
    /// excluded by the line's options.
    Bad {
        /// What is wrong, in words for a user.
        reason: String,
    },
    /// The signature verifies, but its key is not in the allowed-signers file.
    UnknownKey {
        /// The key's `SHA256:` fingerprint.
        key_fingerprint: String,
    },
    /// The key type, signature algorithm or hash is one this crate does not check.
    Unsupported {
        /// Which one.
        reason: String,
    },
    /// The input is not a readable SSH signature.
    Malformed {
        /// What could not be read.
        reason: String,
    },
}

impl Outcome {
    /// True for [`Outcome::Good`].
    pub fn is_good(&self) -> bool {
        matches!(self, Outcome::Good { .. })
    }
}

/// Why an SSH signature could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `-----BEGIN SSH SIGNATURE-----` line, or no matching end line.
    #[error("{0}")]
    Armor(String),
    /// The base64 text between the armor lines does not decode.
    #[error("the signature's base64 text does not decode: {0}")]
    Base64(String),
    /// The decoded blob is not a well-formed SSHSIG structure.
    #[error("the signature blob is malformed: {0}")]
    Blob(String),
}

/// The hash an SSH signature applies to the message before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SshHash {
    /// `sha256`
    Sha256,
    /// `sha512`
    Sha512,
}

/// A parsed SSH signature (the contents of a `-----BEGIN SSH SIGNATURE-----` block).
#[derive(Clone, PartialEq, Eq)]
pub struct SshSignature {
    public_key: Vec<u8>,
    namespace: Vec<u8>,
    reserved: Vec<u8>,
    hash: Result<SshHash, String>,
    signature: Vec<u8>,
}

impl fmt::Debug for SshSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshSignature")
            .field("key_type", &self.key_type())
            .field("key_fingerprint", &self.key_fingerprint())
            .field("namespace", &self.namespace())
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

impl SshSignature {
    /// Parse an armored signature (`-----BEGIN SSH SIGNATURE-----` … `-----END …`), or, when
    /// the input does not start with armor, the binary blob itself. Text before the begin line
    /// is ignored.
    pub fn parse(input: &[u8]) -> Result<SshSignature, SignatureError> {
        let blob = if looks_armored(input) {
            dearmor(input)?
        } else {
            input.to_vec()
        };
        SshSignature::from_blob(&blob)
    }

    fn from_blob(blob: &[u8]) -> Result<SshSignature, SignatureError> {
        let bad = |m: &str| SignatureError::Blob(m.to_string());
        let rest = blob
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("it does not start with the magic \"SSHSIG\""))?;
        let mut r = Reader::new(rest);
        let version = r.u32().map_err(|e| bad(&format!("version: {e}")))?;
        if version != 1 {
            return Err(SignatureError::Blob(format!(
                "version {version} is not the supported version 1"
            )));
        }
        let public_key = r.string().map_err(|e| bad(&format!("public key: {e}")))?;
        let namespace = r.string().map_err(|e| bad(&format!("namespace: {e}")))?;
        let reserved = r
            .string()
            .map_err(|e| bad(&format!("reserved field: {e}")))?;
        let hash = r
            .string()
            .map_err(|e| bad(&format!("hash algorithm: {e}")))?;
        let signature = r.string().map_err(|e| bad(&format!("signature: {e}")))?;
        if !r.is_empty() {
            return Err(bad("there are extra bytes after the signature"));
        }
        if namespace.is_empty() {
            return Err(bad("the namespace is empty"));
        }
        let hash = match hash {
            b"sha256" => Ok(SshHash::Sha256),
            b"sha512" => Ok(SshHash::Sha512),
            other => Err(format!(
                "hash algorithm \"{}\" (only sha256 and sha512 are defined)",
                String::from_utf8_lossy(other)
            )),
        };
        Ok(SshSignature {
            public_key: public_key.to_vec(),
            namespace: namespace.to_vec(),
            reserved: reserved.to_vec(),
            hash,
            signature: signature.to_vec(),
        })
    }

    /// The namespace the signature was made for (`git` for commits), lossily decoded.
    pub fn namespace(&self) -> String {
        String::from_utf8_lossy(&self.namespace).into_owned()
    }

    /// The hash applied to the message, or the unsupported name.
    pub fn hash(&self) -> Result<SshHash, &str> {
        self.hash.as_ref().copied().map_err(String::as_str)
    }

    /// The signing key's type name (`ssh-ed25519`, …), or `None` when the key blob is unreadable.
    pub fn key_type(&self) -> Option<String> {
        Reader::new(&self.public_key)
            .string()
            .ok()
            .map(|t| String::from_utf8_lossy(t).into_owned())
    }

    /// The signing key's SSH wire-format blob.
    pub fn public_key_blob(&self) -> &[u8] {
        &self.public_key
    }

    /// The signing key's `SHA256:` fingerprint.
    pub fn key_fingerprint(&self) -> String {
        fingerprint(&self.public_key)
    }

    /// Check the signature over `message` with the key it carries, for `namespace`. `Ok(())`
    /// when it verifies; otherwise the [`Outcome`] (`Bad` or `Unsupported`) that says why.
    /// The allowed-signers file is not consulted.
    pub fn check(&self, message: &[u8], namespace: &str) -> Result<(), Outcome> {
        if self.namespace != namespace.as_bytes() {
            return Err(Outcome::Bad {
                reason: format!(
                    "the signature was made for namespace \"{}\", not \"{namespace}\"",
                    self.namespace()
                ),
            });
        }
        let hash = self.hash.clone().map_err(|e| Outcome::Unsupported {
            reason: format!("the signature uses {e}"),
        })?;
        let key = SshKey::parse(&self.public_key).map_err(|reason| Outcome::Malformed {
            reason: format!("the signature's public key: {reason}"),
        })?;
        let digest = match hash {
            SshHash::Sha256 => Sha256::digest(message).to_vec(),
            SshHash::Sha512 => Sha512::digest(message).to_vec(),
        };
        let hash_name: &[u8] = match hash {
            SshHash::Sha256 => b"sha256",
            SshHash::Sha512 => b"sha512",
        };
        let mut signed = Vec::with_capacity(64 + self.namespace.len() + digest.len());
        signed.extend_from_slice(MAGIC);
        put_string(&mut signed, &self.namespace);
        put_string(&mut signed, &self.reserved);
        put_string(&mut signed, hash_name);
        put_string(&mut signed, &digest);

        let mut r = Reader::new(&self.signature);
        let (Ok(alg), Ok(sig)) = (r.string(), r.string()) else {
            return Err(Outcome::Malformed {
                reason: "the signature field is not an algorithm name and a signature".to_string(),
            });
        };
        let alg = String::from_utf8_lossy(alg);
        let bad = |reason: String| Outcome::Bad {
            reason: format!("{reason} (key {})", self.key_fingerprint()),
        };
        match key {
            SshKey::Ed25519(pk) => {
                if alg != "ssh-ed25519" {
                    return Err(bad(format!(
                        "signature algorithm {alg} does not match the ssh-ed25519 key"
                    )));
                }
                let sig: &[u8; 64] = sig.try_into().map_err(|_| {
                    bad(format!(
                        "an Ed25519 signature is 64 bytes, not {}",
                        sig.len()
                    ))
                })?;
                crypto::ed25519_verify(&pk, &signed, sig).map_err(bad)
            }
            SshKey::EcdsaP256(point) => {
                if alg != "ecdsa-sha2-nistp256" {
                    return Err(bad(format!(
                        "signature algorithm {alg} does not match the ecdsa-sha2-nistp256 key"
                    )));
                }
                let mut sr = Reader::new(sig);
                let (Ok(r_), Ok(s_)) = (sr.string(), sr.string()) else {
                    return Err(bad("the ECDSA signature is not two integers".to_string()));
                };
                let digest = Sha256::digest(&signed);
                crypto::p256_verify(point, &digest, r_, s_).map_err(bad)
            }
            SshKey::Rsa { e, n } => {
                let (alg, digest) = match &*alg {
                    "rsa-sha2-256" => (crypto::HashAlg::Sha256, Sha256::digest(&signed).to_vec()),
                    "rsa-sha2-512" => (crypto::HashAlg::Sha512, Sha512::digest(&signed).to_vec()),
                    "ssh-rsa" => {
                        return Err(bad(
                            "the RSA signature uses SHA-1 (ssh-rsa), which is not accepted"
                                .to_string(),
                        ));
                    }
                    other => {
                        return Err(bad(format!(
                            "signature algorithm {other} does not match the ssh-rsa key"
                        )));
                    }
                };
                crypto::rsa_verify(n, e, alg, &digest, sig).map_err(bad)
            }
            SshKey::Unsupported(kind) => Err(Outcome::Unsupported {
                reason: format!(
                    "{kind} keys are not supported (key {})",
                    self.key_fingerprint()
                ),
            }),
        }
    }
}

/// Verify an SSH signature over `message` for `namespace` (git uses [`NAMESPACE_GIT`]) against
/// an allowed-signers file. `signed_at` (Unix seconds) is checked against the lines'
/// `valid-after`/`valid-before` options; `None` uses the current time, as `ssh-keygen -Y verify`
/// does without `-Overify-time`. See the module documentation for how the outcome is decided.
pub fn verify(
    armored: &[u8],
    message: &[u8],
    namespace: &str,
    signers: &AllowedSigners,
    signed_at: Option<i64>,
) -> Outcome {
    let sig = match SshSignature::parse(armored) {
        Ok(sig) => sig,
        Err(e) => {
            return Outcome::Malformed {
                reason: e.to_string(),
            };
        }
    };
    if let Err(outcome) = sig.check(message, namespace) {
        return outcome;
    }
    let key_fingerprint = sig.key_fingerprint();
    let at = signed_at.unwrap_or_else(now);
    let mut refusal: Option<String> = None;
    for entry in signers.entries() {
        if entry.key != sig.public_key {
            continue;
        }
        match entry.accepts(namespace, at) {
            Ok(()) => {
                return Outcome::Good {
                    principal: entry.principals.clone(),
                    key_fingerprint,
                };
            }
            Err(why) => {
                refusal.get_or_insert(format!(
                    "key {key_fingerprint} is listed on allowed-signers line {} for {}, but {why}",
                    entry.line, entry.principals
                ));
            }
        }
    }
    match refusal {
        Some(reason) => Outcome::Bad { reason },
        None => Outcome::UnknownKey { key_fingerprint },
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `SHA256:` and the unpadded base64 SHA-256 of an SSH public key blob.
pub fn fingerprint(key_blob: &[u8]) -> String {
    format!(
        "SHA256:{}",
        STANDARD_NO_PAD.encode(Sha256::digest(key_blob))
    )
}

fn looks_armored(input: &[u8]) -> bool {
    memfind(input, ARMOR_BEGIN.as_bytes()).is_some()
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn dearmor(input: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let mut lines = input
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii_end())
        .skip_while(|l| l.trim_ascii_start() != ARMOR_BEGIN.as_bytes());
    if lines.next().is_none() {
        return Err(SignatureError::Armor(format!(
            "no \"{ARMOR_BEGIN}\" line was found"
        )));
    }
    let mut text = Vec::with_capacity(input.len());
    let mut ended = false;
    for line in lines {
        let line = line.trim_ascii_start();
        if line == ARMOR_END.as_bytes() {
            ended = true;
            break;
        }
        if line.starts_with(b"-----") {
            return Err(SignatureError::Armor(format!(
                "unexpected armor line \"{}\" before \"{ARMOR_END}\"",
                String::from_utf8_lossy(line)
            )));
        }
        text.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
    }
    if !ended {
        return Err(SignatureError::Armor(format!(
            "the signature is cut short: no \"{ARMOR_END}\" line"
        )));
    }
    if text.is_empty() {
        return Err(SignatureError::Armor(
            "the armor holds no signature data".to_string(),
        ));
    }
    STANDARD
        .decode(&text)
        .map_err(|e| SignatureError::Base64(e.to_string()))
}

/// A public key in SSH wire format, as far as verification needs it.
enum SshKey<'a> {
    Ed25519([u8; 32]),
    EcdsaP256(&'a [u8]),
    Rsa { e: &'a [u8], n: &'a [u8] },
    Unsupported(String),
}

impl<'a> SshKey<'a> {
    fn parse(blob: &'a [u8]) -> Result<SshKey<'a>, String> {
        let mut r = Reader::new(blob);
        let kind = r.string().map_err(|e| format!("key type: {e}"))?;
        let key = match kind {
            b"ssh-ed25519" => {
                let pk = r.string().map_err(|e| format!("Ed25519 key: {e}"))?;
                let pk: [u8; 32] = pk
                    .try_into()
                    .map_err(|_| format!("an Ed25519 key is 32 bytes, not {}", pk.len()))?;
                SshKey::Ed25519(pk)
            }
            b"ecdsa-sha2-nistp256" => {
                let curve = r.string().map_err(|e| format!("ECDSA curve: {e}"))?;
                if curve != b"nistp256" {
                    return Err("the ecdsa-sha2-nistp256 key names another curve".to_string());
                }
                SshKey::EcdsaP256(r.string().map_err(|e| format!("ECDSA point: {e}"))?)
            }
            b"ssh-rsa" => {
                let e = r.string().map_err(|e| format!("RSA exponent: {e}"))?;
                let n = r.string().map_err(|e| format!("RSA modulus: {e}"))?;
                SshKey::Rsa { e, n }
            }
            other => return Ok(SshKey::Unsupported(String::from_utf8_lossy(other).into())),
        };
        if !r.is_empty() {
            return Err("extra bytes after the key".to_string());
        }
        Ok(key)
    }
}

fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s);
}

/// A reader of SSH wire-format values (`uint32`, `string`).
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        let (head, rest) = self
            .buf
            .split_first_chunk::<4>()
            .ok_or("the data ends inside a length field")?;
        self.buf = rest;
        Ok(u32::from_be_bytes(*head))
    }

    fn string(&mut self) -> Result<&'a [u8], &'static str> {
        let len = usize::try_from(self.u32()?).map_err(|_| "length too large")?;
        if len > self.buf.len() {
            return Err("a length field runs past the end of the data");
        }
        let (s, rest) = self.buf.split_at(len);
        self.buf = rest;
        Ok(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Allowed signers

/// An error in an allowed-signers file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allowed signers line {line}: {message}")]
pub struct SignersError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong on that line.
    pub message: String,
}

/// One line of an allowed-signers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerEntry {
    /// 1-based line number in the file.
    pub line: usize,
    /// The principals pattern-list, as written (comma-separated, `*` and `?` wildcards).
    pub principals: String,
    /// `cert-authority`: the key signs certificates rather than commits.
    pub cert_authority: bool,
    /// `namespaces="…"`: the pattern-list of namespaces the key may sign for (any when `None`).
    pub namespaces: Option<String>,
    /// `valid-after=…` as Unix seconds.
    pub valid_after: Option<i64>,
    /// `valid-before=…` as Unix seconds.
    pub valid_before: Option<i64>,
    /// The key type field (`ssh-ed25519`, …).
    pub key_type: String,
    /// The decoded key blob.
    pub key: Vec<u8>,
    /// The comment after the key, if any.
    pub comment: String,
}

impl SignerEntry {
    /// The key's `SHA256:` fingerprint.
    pub fn key_fingerprint(&self) -> String {
        fingerprint(&self.key)
    }

    /// True when `identity` (e.g. `alice@example.org`) matches the principals pattern-list.
    pub fn matches_principal(&self, identity: &str) -> bool {
        pattern_list_match(&self.principals, identity)
    }

    /// Whether this line accepts a signature for `namespace` made at `at` (Unix seconds); the
    /// error says why not.
    fn accepts(&self, namespace: &str, at: i64) -> Result<(), String> {
        if self.cert_authority {
            return Err(
                "that line is a cert-authority line, which only vouches for certificates"
                    .to_string(),
            );
        }
        if let Some(ns) = &self.namespaces
            && !pattern_list_match(ns, namespace)
        {
            return Err(format!(
                "its namespaces=\"{ns}\" do not include \"{namespace}\""
            ));
        }
        if let Some(after) = self.valid_after
            && at < after
        {
            return Err(format!(
                "the signing time {} is before its valid-after {}",
                format_time(at),
                format_time(after)
            ));
        }
        if let Some(before) = self.valid_before
            && at > before
        {
            return Err(format!(
                "the signing time {} is after its valid-before {} (expired)",
                format_time(at),
                format_time(before)
            ));
        }
        Ok(())
    }
}

/// A parsed allowed-signers file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedSigners {
    entries: Vec<SignerEntry>,
}

impl AllowedSigners {
    /// Parse the file's text. Blank lines and `#` comments are skipped; any other line that
    /// cannot be read is an error naming its line number.
    ///
    /// Timestamps without a trailing `Z` are read as UTC (OpenSSH reads them in the local time
    /// zone; an offline, reproducible check cannot depend on the machine's zone).
    pub fn parse(text: &str) -> Result<AllowedSigners, SignersError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if let Some(entry) = parse_line(line, line_no)? {
                entries.push(entry);
            }
        }
        Ok(AllowedSigners { entries })
    }

    /// The lines, in file order.
    pub fn entries(&self) -> &[SignerEntry] {
        &self.entries
    }

    /// Number of key lines.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the file lists no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Split off one whitespace-delimited token, honouring double quotes (which may hold spaces).
/// Returns the token (quotes kept) and the rest.
fn take_token(s: &str) -> Result<(&str, &str), String> {
    let s = s.trim_start_matches([' ', '\t']);
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ' ' | '\t' if !in_quotes => return Ok((&s[..i], &s[i..])),
            _ => {}
        }
    }
    if in_quotes {
        return Err("a double quote is not closed".to_string());
    }
    Ok((s, ""))
}

fn unquote(s: &str) -> String {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else if c != '"' {
            out.push(c);
        }
    }
    out
}

fn is_key_type(token: &str) -> bool {
    token.starts_with("ssh-")
        || token.starts_with("ecdsa-")
        || token.starts_with("sk-")
        || token.starts_with("rsa-")
}

fn parse_line(line: &str, line_no: usize) -> Result<Option<SignerEntry>, SignersError> {
    let err = |message: String| SignersError {
        line: line_no,
        message,
    };
    let trimmed = line.trim_start_matches([' ', '\t']).trim_end();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let (principals, rest) = take_token(trimmed).map_err(err)?;
    let principals = unquote(principals);
    if principals.is_empty() {
        return Err(err("the principals field is empty".to_string()));
    }
    let (mut token, mut rest) = take_token(rest).map_err(err)?;
    let mut entry = SignerEntry {
        line: line_no,
        principals,
        cert_authority: false,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key_type: String::new(),
        key: Vec::new(),
        comment: String::new(),
    };
    if token.is_empty() {
        return Err(err("the line has principals but no key".to_string()));
    }
    if !is_key_type(token) {
        parse_options(token, &mut entry).map_err(err)?;
        (token, rest) = take_token(rest).map_err(err)?;
        if token.is_empty() {
            return Err(err("the line has options but no key".to_string()));
        }
    }
    if !is_key_type(token) {
        return Err(err(format!("\"{token}\" is not an SSH key type")));
    }
    let (b64, rest) = take_token(rest).map_err(err)?;
    if b64.is_empty() {
        return Err(err(format!("the {token} key has no base64 key data")));
    }
    let key = STANDARD
        .decode(b64)
        .map_err(|e| err(format!("the key's base64 data does not decode: {e}")))?;
    let inner = Reader::new(&key).string().ok();
    if inner != Some(token.as_bytes()) {
        return Err(err(format!(
            "the key data is not a {token} key (it names {})",
            inner.map_or_else(
                || "nothing readable".to_string(),
                |t| format!("\"{}\"", String::from_utf8_lossy(t))
            )
        )));
    }
    entry.key_type = token.to_string();
    entry.key = key;
    entry.comment = rest.trim().to_string();
    Ok(Some(entry))
}

fn parse_options(text: &str, entry: &mut SignerEntry) -> Result<(), String> {
    // Split on commas outside double quotes.
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    for part in parts {
        let (name, value) = match part.split_once('=') {
            Some((n, v)) => (n, Some(unquote(v))),
            None => (part, None),
        };
        let lname = name.to_ascii_lowercase();
        match (lname.as_str(), value) {
            ("cert-authority", None) => entry.cert_authority = true,
            ("namespaces", Some(v)) => {
                if v.is_empty() {
                    return Err("namespaces=\"\" lists no namespace".to_string());
                }
                entry.namespaces = Some(v);
            }
            ("valid-after", Some(v)) => {
                entry.valid_after =
                    Some(parse_timestamp(&v).map_err(|e| format!("valid-after=\"{v}\": {e}"))?);
            }
            ("valid-before", Some(v)) => {
                entry.valid_before =
                    Some(parse_timestamp(&v).map_err(|e| format!("valid-before=\"{v}\": {e}"))?);
            }
            ("cert-authority", Some(_)) => {
                return Err("cert-authority takes no value".to_string());
            }
            ("namespaces" | "valid-after" | "valid-before", None) => {
                return Err(format!("option {name} needs a value (\"{name}=...\")"));
            }
            ("", _) => return Err("an empty option (stray comma?)".to_string()),
            _ => return Err(format!("unknown option \"{name}\"")),
        }
    }
    Ok(())
}

/// Parse `YYYYMMDD[Z]`, `YYYYMMDDHHMM[Z]` or `YYYYMMDDHHMMSS[Z]` to Unix seconds (UTC).
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(
            "expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally ending in Z".to_string(),
        );
    }
    let num = |range: std::ops::Range<usize>| -> i64 {
        digits
            .get(range)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (num(0..4), num(4..6), num(6..8));
    let (hour, minute, second) = match digits.len() {
        8 => (0, 0, 0),
        12 => (num(8..10), num(10..12), 0),
        _ => (num(8..10), num(10..12), num(12..14)),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(format!("{year:04}-{month:02}-{day:02} is not a date"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!(
            "{hour:02}:{minute:02}:{second:02} is not a time of day"
        ));
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub(crate) fn format_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// OpenSSH pattern-list matching: comma-separated patterns with `*` and `?`; a pattern starting
/// with `!` that matches makes the whole list fail.
pub fn pattern_list_match(list: &str, value: &str) -> bool {
    let mut matched = false;
    for pat in list.split(',') {
        let pat = pat.trim();
        if let Some(neg) = pat.strip_prefix('!') {
            if glob_match(neg, value) {
                return false;
            }
        } else if !pat.is_empty() && glob_match(pat, value) {
            matched = true;
        }
    }
    matched
}

/// `*`/`?` wildcard matching without recursion (linear backtracking on the last `*`).
fn glob_match(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, vi));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == v.get(vi) => {
                pi += 1;
                vi += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    pi = sp + 1;
                    vi = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_as_utc() {
        assert_eq!(parse_timestamp("19700101"), Ok(0));
        assert_eq!(parse_timestamp("19700101Z"), Ok(0));
        assert_eq!(parse_timestamp("20240229"), Ok(1_709_164_800));
        assert_eq!(parse_timestamp("202402291230"), Ok(1_709_164_800 + 45_000));
        assert_eq!(
            parse_timestamp("20240229123005Z"),
            Ok(1_709_164_800 + 45_005)
        );
        assert!(parse_timestamp("20230229").is_err());
        assert!(parse_timestamp("2024022").is_err());
        assert!(parse_timestamp("20241301").is_err());
        assert!(parse_timestamp("202401012460").is_err());
        assert_eq!(
            format_time(1_709_164_800 + 45_005),
            "2024-02-29 12:30:05 UTC"
        );
        assert_eq!(format_time(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn patterns() {
        assert!(glob_match("*@example.org", "alice@example.org"));
        assert!(!glob_match("*@example.org", "alice@example.com"));
        assert!(glob_match("a?ice@*", "alice@x"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("?", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(pattern_list_match("git,file", "git"));
        assert!(!pattern_list_match("file", "git"));
        assert!(pattern_list_match("*,!file", "git"));
        assert!(!pattern_list_match("*,!file", "file"));
        assert!(!pattern_list_match("", "git"));
    }

    const ED_KEY: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIK0HqrxCh8V9o5Fx6dq3uUp2Yq5zkRrI9jvNOwxrMSpE";

    #[test]
    fn allowed_signers_lines() {
        let text = format!(
            "# team keys\n\n\
             alice@example.org ssh-ed25519 {ED_KEY} alice laptop\n\
             \"bob@example.org,*@corp\" namespaces=\"git,file\",valid-after=20240101,valid-before=\"20250101Z\" ssh-ed25519 {ED_KEY}\n\
             *@ca.example cert-authority ssh-ed25519 {ED_KEY}\n"
        );
        let s = AllowedSigners::parse(&text).expect("parses");
        assert_eq!(s.len(), 3);
        let [a, b, c] = s.entries() else {
            panic!("three entries");
        };
        assert_eq!(a.line, 3);
        assert_eq!(a.principals, "alice@example.org");
        assert_eq!(a.comment, "alice laptop");
        assert_eq!(a.key_type, "ssh-ed25519");
        assert_eq!(b.line, 4);
        assert_eq!(b.principals, "bob@example.org,*@corp");
        assert!(b.matches_principal("carol@corp"));
        assert!(!b.matches_principal("carol@corp.example"));
        assert_eq!(b.namespaces.as_deref(), Some("git,file"));
        assert_eq!(b.valid_after, Some(1_704_067_200));
        assert_eq!(b.valid_before, Some(1_735_689_600));
        assert!(c.cert_authority);
        assert_eq!(b.accepts("git", 1_704_067_200), Ok(()));
        assert!(b.accepts("ssh", 1_704_067_200).is_err());
        let late = b.accepts("git", 1_735_689_601).expect_err("expired");
        assert!(late.contains("expired"), "{late}");
        assert!(c.accepts("git", 0).is_err());
    }

    #[test]
    fn allowed_signers_errors_name_the_line() {
        let cases = [
            ("a@b\n", 1, "no key"),
            ("\n\na@b ssh-ed25519\n", 3, "no base64"),
            ("a@b ssh-ed25519 !!!!\n", 1, "does not decode"),
            (
                &format!("a@b bogus=1 ssh-ed25519 {ED_KEY}\n") as &str,
                1,
                "unknown option",
            ),
            (
                &format!("a@b valid-after=2024 ssh-ed25519 {ED_KEY}\n"),
                1,
                "valid-after",
            ),
            (&format!("a@b ssh-rsa {ED_KEY}\n"), 1, "not a ssh-rsa key"),
            ("a@b namespaces=\"git ssh-ed25519 x\n", 1, "not closed"),
            ("a@b cert-authority\n", 1, "no key"),
        ];
        for (text, line, needle) in cases {
            let e = AllowedSigners::parse(text).expect_err(text);
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn armor_errors() {
        let e = SshSignature::parse(b"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n")
            .expect_err("no end line");
        assert!(e.to_string().contains("cut short"), "{e}");
        let e = SshSignature::parse(
            b"-----BEGIN SSH SIGNATURE-----\n%%%\n-----END SSH SIGNATURE-----\n",
        )
        .expect_err("bad base64");
        assert!(matches!(e, SignatureError::Base64(_)), "{e}");
        let e = SshSignature::parse(b"garbage").expect_err("not sshsig");
        assert!(e.to_string().contains("magic"), "{e}");
        // Magic and version 1, then a string length running past the end.
        let mut blob = b"SSHSIG".to_vec();
        blob.extend_from_slice(&1u32.to_be_bytes());
        blob.extend_from_slice(&1000u32.to_be_bytes());
        let e = SshSignature::parse(&blob).expect_err("truncated");
        assert!(e.to_string().contains("public key"), "{e}");
        let mut blob = b"SSHSIG".to_vec();
        blob.extend_from_slice(&2u32.to_be_bytes());
        let e = SshSignature::parse(&blob).expect_err("version 2");
        assert!(e.to_string().contains("version 2"), "{e}");
    }

    #[test]
    fn unsupported_key_is_reported() {
        let mut key = Vec::new();
        put_string(&mut key, b"sk-ssh-ed25519@openssh.com");
        put_string(&mut key, &[1; 32]);
        put_string(&mut key, b"ssh:");
        let mut sig = Vec::new();
        put_string(&mut sig, b"sk-ssh-ed25519@openssh.com");
        put_string(&mut sig, &[0; 64]);
        let mut blob = b"SSHSIG".to_vec();
        blob.extend_from_slice(&1u32.to_be_bytes());
        put_string(&mut blob, &key);
        put_string(&mut blob, b"git");
        put_string(&mut blob, b"");
        put_string(&mut blob, b"sha512");
        put_string(&mut blob, &sig);
        let armored = format!("{ARMOR_BEGIN}\n{}\n{ARMOR_END}\n", STANDARD.encode(&blob));
        let out = verify(
            armored.as_bytes(),
            b"msg",
            "git",
            &AllowedSigners::default(),
            Some(0),
        );
        match out {
            Outcome::Unsupported { reason } => {
                assert!(reason.contains("sk-ssh-ed25519@openssh.com"), "{reason}");
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
        // A hash name outside sha256/sha512 is also unsupported, not malformed.
        let mut blob2 = b"SSHSIG".to_vec();
        blob2.extend_from_slice(&1u32.to_be_bytes());
        put_string(&mut blob2, &key);
        put_string(&mut blob2, b"git");
        put_string(&mut blob2, b"");
        put_string(&mut blob2, b"md5");
        put_string(&mut blob2, &sig);
        let out = verify(&blob2, b"msg", "git", &AllowedSigners::default(), Some(0));
        assert!(
            matches!(&out, Outcome::Unsupported { reason } if reason.contains("md5")),
            "{out:?}"
        );
    }
}
