//! Signing keys kept in files: generation, PKCS#8 PEM reading and writing, and public keys.
//!
//! Two algorithms are supported, [`Algorithm::Ed25519`] and [`Algorithm::EcdsaP256Sha256`].
//! Private keys are read from PKCS#8 PEM (`PRIVATE KEY`, RFC 5208/5958) or encrypted PKCS#8 PEM
//! (`ENCRYPTED PRIVATE KEY`, PBES2 from RFC 8018), the formats `openssl genpkey` writes. Keys are
//! written encrypted with PBES2: scrypt (N = 2^14, r = 8, p = 1, a random 16-byte salt) and
//! AES-256-CBC with a random IV, which OpenSSL 3 reads.
//!
//! Public keys are DER `SubjectPublicKeyInfo` (RFC 5280), PEM label `PUBLIC KEY`. A key's id is
//! the lowercase hex SHA-256 of that DER.
//!
//! The passphrase comes from the caller: [`passphrase_from_env`] reads `SAFEGUARD_KEY_PASSWORD`;
//! asking the user is the command line's job.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use pkcs8::der::pem::{self, LineEnding};
use pkcs8::der::zeroize::Zeroizing;
use pkcs8::der::{Decode, asn1::OctetStringRef};
use pkcs8::pkcs5::{self, EncryptionScheme, pbes2};
use pkcs8::spki::SubjectPublicKeyInfoRef;
use pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, EncryptedPrivateKeyInfo,
    ObjectIdentifier, PrivateKeyInfoRef,
};
use sha2::{Digest, Sha256};

use crate::signer::{Algorithm, SignError, Signer, Verifier};

/// The environment variable [`passphrase_from_env`] reads.
pub const PASSPHRASE_ENV: &str = "SAFEGUARD_KEY_PASSWORD";

/// PEM label of a plain PKCS#8 private key.
const LABEL_PRIVATE: &str = "PRIVATE KEY";
/// PEM label of an encrypted PKCS#8 private key.
const LABEL_ENCRYPTED: &str = "ENCRYPTED PRIVATE KEY";
/// PEM label of a SubjectPublicKeyInfo.
const LABEL_PUBLIC: &str = "PUBLIC KEY";

/// id-Ed25519 (RFC 8410).
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// id-ecPublicKey (RFC 5480).
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 / prime256v1 / NIST P-256 (RFC 5480).
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// DER of an Ed25519 `PrivateKeyInfo` up to the 32-byte seed: SEQUENCE (46 bytes) { INTEGER 0,
/// SEQUENCE { OID 1.3.101.112 }, OCTET STRING (34) { OCTET STRING (32) } } (RFC 8410 section 7).
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// scrypt cost written by [`PrivateKey::to_encrypted_pem`]: log2(N). OpenSSL 3 refuses to
/// decrypt keys needing more than 32 MiB, so N = 2^14 with r = 8 (16 MiB) is the most it reads.
const SCRYPT_LOG_N: u8 = 14;
/// scrypt block size written.
const SCRYPT_R: u32 = 8;
/// scrypt parallelism written.
const SCRYPT_P: u32 = 1;

/// The most work an encrypted key may ask scrypt for when it is read, as 128 · r · N · p (the
/// memory scrypt needs, times the number of times it is filled).
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// The most PBKDF2 iterations an encrypted key may ask for when it is read.
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Key files larger than this are not keys.
const MAX_KEY_FILE: u64 = 1024 * 1024;

/// Why a key could not be read, written or made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The text holds no PEM block at all.
    #[error("not a PEM key: {0}")]
    NotPem(String),
    /// A PEM block was found but its label is not the one expected.
    #[error("expected a PEM `{expected}` block but found `{found}`{hint}")]
    WrongLabel {
        /// The label found after `-----BEGIN `.
        found: String,
        /// What was expected.
        expected: &'static str,
        /// How to convert the key, when known (starts with "; ").
        hint: &'static str,
    },
    /// The private key is encrypted and no passphrase was given.
    #[error(
        "the private key is encrypted and needs a passphrase (set {PASSPHRASE_ENV} or enter it \
         when asked)"
    )]
    PassphraseRequired,
    /// Decryption failed: the passphrase is wrong, or the encrypted key was altered.
    #[error(
        "wrong passphrase: the private key could not be decrypted (if the passphrase is right, \
         the key file is damaged)"
    )]
    WrongPassphrase,
    /// The key is of an algorithm Safeguard does not sign with.
    #[error(
        "unsupported key algorithm {name} (OID {oid}); Safeguard supports Ed25519 and ECDSA P-256"
    )]
    UnsupportedAlgorithm {
        /// The algorithm (or, for EC keys, curve) OID in dotted form.
        oid: String,
        /// A readable name for the OID, or "unknown".
        name: &'static str,
    },
    /// The key is encrypted with a scheme that is not supported.
    #[error(
        "unsupported private key encryption {0}; re-encrypt the key with `openssl pkcs8 -topk8 \
         -v2 aes-256-cbc`"
    )]
    UnsupportedEncryption(String),
    /// The encrypted key asks for a key derivation so costly it could exhaust memory or time.
    #[error("the encrypted key asks for an unreasonably costly key derivation ({0})")]
    KdfTooCostly(String),
    /// The bytes are not a well-formed key of the kind the label says.
    #[error("the key is malformed: {0}")]
    Malformed(String),
    /// Keys must not be written under an empty passphrase.
    #[error("an empty passphrase does not protect a key; choose a non-empty passphrase")]
    EmptyPassphrase,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    /// A key file could not be read.
    #[error("{}: cannot read the key file: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key file was read but its content is not a usable key.
    #[error("{}: {source}", .path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        source: Box<KeyError>,
    },
}

/// A readable name for the key algorithm and curve OIDs users are likely to meet.
fn oid_name(oid: &ObjectIdentifier) -> &'static str {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA (rsaEncryption)",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10040.4.1" => "DSA",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10045.2.1" => "EC",
        "1.2.840.10045.3.1.7" => "EC curve P-256",
        "1.3.132.0.34" => "EC curve P-384 (secp384r1)",
        "1.3.132.0.35" => "EC curve P-521 (secp521r1)",
        "1.3.132.0.10" => "EC curve secp256k1",
        "1.3.36.3.3.2.8.1.1.7" => "EC curve brainpoolP256r1",
        "1.2.156.10197.1.301" => "EC curve SM2",
        _ => "unknown",
    }
}

fn unsupported(oid: &ObjectIdentifier) -> KeyError {
    KeyError::UnsupportedAlgorithm {
        oid: oid.to_string(),
        name: oid_name(oid),
    }
}

/// Find the first PEM block in `text` and decode it: its label and DER bytes. Text before the
/// block and after it is ignored (as OpenSSL does).
fn pem_block(text: &str) -> Result<(String, Vec<u8>), KeyError> {
    let Some(start) = text.find("-----BEGIN ") else {
        return Err(KeyError::NotPem(
            "no `-----BEGIN ...-----` line was found".to_string(),
        ));
    };
    let rest = &text[start..];
    let label_end = rest["-----BEGIN ".len()..]
        .find("-----")
        .map(|i| i + "-----BEGIN ".len());
    let Some(label_end) = label_end else {
        return Err(KeyError::NotPem(
            "the `-----BEGIN` line is not closed with `-----`".to_string(),
        ));
    };
    let label = &rest["-----BEGIN ".len()..label_end];
    let end_marker = format!("-----END {label}-----");
    let Some(end) = rest.find(&end_marker) else {
        return Err(KeyError::NotPem(format!(
            "the `{label}` block has no `{end_marker}` line"
        )));
    };
    let block = &rest[..end + end_marker.len()];
    if block.contains("Proc-Type:") || block.contains("DEK-Info:") {
        return Err(KeyError::UnsupportedEncryption(format!(
            "legacy OpenSSL PEM encryption of a `{label}` block"
        )));
    }
    match pem::decode_vec(block.as_bytes()) {
        Ok((label, der)) => Ok((label.to_string(), der)),
        Err(e) => Err(KeyError::Malformed(format!(
            "the `{label}` PEM block cannot be decoded ({e})"
        ))),
    }
}

/// Conversion advice for labels of private keys in formats other than PKCS#8.
fn private_label_hint(label: &str) -> &'static str {
    match label {
        "EC PRIVATE KEY" | "RSA PRIVATE KEY" | "OPENSSH PRIVATE KEY" => {
            "; convert the key to PKCS#8 with `openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem`"
        }
        "PUBLIC KEY" => "; this is a public key, a private key is needed here",
        _ => "",
    }
}

/// Lowercase hex of the SHA-256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// Read a key file, refusing anything implausibly large.
fn read_key_file(path: &Path) -> Result<String, KeyError> {
    let read_err = |source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    let bytes = Zeroizing::new(bytes);
    let in_file = |source: KeyError| KeyError::InFile {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(in_file(KeyError::NotPem(format!(
            "the file is larger than {MAX_KEY_FILE} bytes"
        ))));
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Err(in_file(KeyError::NotPem(
            "the file is not text (a DER file? convert it with `openssl pkey -outform PEM`)"
                .to_string(),
        ))),
    }
}

/// Fill `buf` from the operating system's random number generator.
fn random(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|e| KeyError::Random(e.to_string()))
}

/// Make a new private key of algorithm `alg` from the operating system's randomness.
pub fn generate(alg: Algorithm) -> Result<PrivateKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    match alg {
        Algorithm::Ed25519 => {
            random(seed.as_mut())?;
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            PrivateKey::from_inner(PrivateInner::Ed25519(Box::new(key)))
        }
        Algorithm::EcdsaP256Sha256 => {
            // A random 256-bit string is a valid scalar unless it is zero or at least the group
            // order (probability below 2^-32); draw again in that case.
            for _ in 0..64 {
                random(seed.as_mut())?;
                if let Ok(key) = p256::ecdsa::SigningKey::from_slice(seed.as_ref()) {
                    return PrivateKey::from_inner(PrivateInner::P256(Box::new(key)));
                }
            }
            Err(KeyError::Random(
                "64 draws in a row were not a valid P-256 scalar".to_string(),
            ))
        }
    }
}

/// The passphrase in `SAFEGUARD_KEY_PASSWORD`, as bytes; `None` when it is unset or empty.
pub fn passphrase_from_env() -> Option<Vec<u8>> {
    let value = std::env::var_os(PASSPHRASE_ENV)?;
    let bytes = value.into_encoded_bytes();
    if bytes.is_empty() { None } else { Some(bytes) }
}

// ---------------------------------------------------------------------------------------------
// Public keys
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
enum PublicInner {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

/// A public key: Ed25519 or ECDSA P-256, kept with its DER SubjectPublicKeyInfo and key id.
#[derive(Clone)]
pub struct PublicKey {
    inner: PublicInner,
    spki: Vec<u8>,
    key_id: String,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id)
            .finish()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki == other.spki
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    fn from_inner(inner: PublicInner) -> Result<PublicKey, KeyError> {
        let doc = match &inner {
            PublicInner::Ed25519(k) => k.to_public_key_der(),
            PublicInner::P256(k) => k.to_public_key_der(),
        }
        .map_err(|e| KeyError::Malformed(format!("the public key cannot be encoded ({e})")))?;
        let spki = doc.as_bytes().to_vec();
        let key_id = sha256_hex(&spki);
        Ok(PublicKey {
            inner,
            spki,
            key_id,
        })
    }

    /// Read a DER SubjectPublicKeyInfo. The key is kept (and its id computed) in the canonical
    /// encoding: a compressed P-256 point is stored uncompressed, as OpenSSL writes it.
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let info = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| KeyError::Malformed(format!("not a DER SubjectPublicKeyInfo ({e})")))?;
        let oid = info.algorithm.oid;
        let inner =
            if oid == OID_ED25519 {
                PublicInner::Ed25519(
                    ed25519_dalek::VerifyingKey::from_public_key_der(der).map_err(|e| {
                        KeyError::Malformed(format!("not a valid Ed25519 public key ({e})"))
                    })?,
                )
            } else if oid == OID_EC_PUBLIC_KEY {
                check_ec_curve(info.algorithm.parameters_oid().ok())?;
                PublicInner::P256(p256::ecdsa::VerifyingKey::from_public_key_der(der).map_err(
                    |e| KeyError::Malformed(format!("not a valid P-256 public key ({e})")),
                )?)
            } else {
                return Err(unsupported(&oid));
            };
        PublicKey::from_inner(inner)
    }

    /// Read a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block; text around it is ignored.
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        let (label, der) = pem_block(pem)?;
        if label != LABEL_PUBLIC {
            let hint = match label.as_str() {
                LABEL_PRIVATE | LABEL_ENCRYPTED => {
                    "; this is a private key, extract its public key with `openssl pkey -pubout`"
                }
                "CERTIFICATE" => {
                    "; extract the public key with `openssl x509 -pubkey -noout -in CERT.pem`"
                }
                _ => "",
            };
            return Err(KeyError::WrongLabel {
                found: label,
                expected: LABEL_PUBLIC,
                hint,
            });
        }
        PublicKey::from_der(&der)
    }

    /// Read a public key PEM file.
    pub fn from_file(path: &Path) -> Result<PublicKey, KeyError> {
        let text = read_key_file(path)?;
        PublicKey::from_pem(&text).map_err(|source| KeyError::InFile {
            path: path.to_path_buf(),
            source: Box::new(source),
        })
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn to_der(&self) -> &[u8] {
        &self.spki
    }

    /// The PEM `PUBLIC KEY` block (LF line endings, trailing newline).
    pub fn to_pem(&self) -> String {
        // Encoding bytes as base64 cannot fail for a fixed, valid label.
        pem::encode_string(LABEL_PUBLIC, LineEnding::LF, &self.spki).unwrap_or_default()
    }

    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            PublicInner::Ed25519(_) => Algorithm::Ed25519,
            PublicInner::P256(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// Check `signature` over `message`. Ed25519 is verified strictly (RFC 8032, rejecting
    /// non-canonical and small-order values); ECDSA P-256 hashes `message` with SHA-256 and
    /// accepts both a DER signature and a raw 64-byte `r || s`.
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.inner {
            PublicInner::Ed25519(key) => {
                let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
                    return false;
                };
                key.verify_strict(message, &sig).is_ok()
            }
            PublicInner::P256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                if let Ok(sig) = p256::ecdsa::Signature::from_der(signature)
                    && key.verify(message, &sig).is_ok()
                {
                    return true;
                }
                if signature.len() == 64
                    && let Ok(sig) = p256::ecdsa::Signature::from_slice(signature)
                {
                    return key.verify(message, &sig).is_ok();
                }
                false
            }
        }
    }
}

/// Accept only P-256 as the curve of an id-ecPublicKey key.
fn check_ec_curve(curve: Option<ObjectIdentifier>) -> Result<(), KeyError> {
    match curve {
        Some(c) if c == OID_P256 => Ok(()),
        Some(c) => Err(unsupported(&c)),
        None => Err(KeyError::Malformed(
            "an EC key without a named curve (only named P-256 keys are supported)".to_string(),
        )),
    }
}

impl Verifier for PublicKey {
    fn key_id(&self) -> String {
        self.key_id.clone()
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify_signature(message, signature)
    }
}

// ---------------------------------------------------------------------------------------------
// Private keys
// ---------------------------------------------------------------------------------------------

enum PrivateInner {
    Ed25519(Box<ed25519_dalek::SigningKey>),
    P256(Box<p256::ecdsa::SigningKey>),
}

/// A private signing key, Ed25519 or ECDSA P-256, with its public key. Its `Debug` output shows
/// only the algorithm and key id.
pub struct PrivateKey {
    inner: PrivateInner,
    public: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.public.key_id)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    fn from_inner(inner: PrivateInner) -> Result<PrivateKey, KeyError> {
        let public = match &inner {
            PrivateInner::Ed25519(k) => PublicInner::Ed25519(k.verifying_key()),
            PrivateInner::P256(k) => PublicInner::P256(*k.verifying_key()),
        };
        Ok(PrivateKey {
            inner,
            public: PublicKey::from_inner(public)?,
        })
    }

    /// Read a PEM private key: PKCS#8 `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` decrypted with
    /// `passphrase` (PBES2 with scrypt or PBKDF2-HMAC-SHA-2 and AES-CBC/GCM, as OpenSSL writes).
    /// A passphrase given for a plain key is ignored. Text around the block is ignored.
    pub fn from_pem(pem: &str, passphrase: Option<&[u8]>) -> Result<PrivateKey, KeyError> {
        let (label, der) = pem_block(pem)?;
        let der = Zeroizing::new(der);
        match label.as_str() {
            LABEL_PRIVATE => PrivateKey::from_pkcs8_der(&der),
            LABEL_ENCRYPTED => {
                // The structure and its cost are checked first: a damaged file is reported as
                // such even before a passphrase is asked for.
                let (params, ciphertext) = parse_encrypted(&der)?;
                let Some(passphrase) = passphrase else {
                    return Err(KeyError::PassphraseRequired);
                };
                let plain = decrypt(&params, ciphertext, passphrase)?;
                PrivateKey::from_pkcs8_der(&plain).map_err(|e| match e {
                    // Garbage that still passed the padding check: a wrong passphrase.
                    KeyError::Malformed(_) => KeyError::WrongPassphrase,
                    other => other,
                })
            }
            _ => {
                let hint = private_label_hint(&label);
                Err(KeyError::WrongLabel {
                    found: label,
                    expected: LABEL_PRIVATE,
                    hint,
                })
            }
        }
    }

    /// Read a private key PEM file (see [`PrivateKey::from_pem`]); errors name the file.
    pub fn from_file(path: &Path, passphrase: Option<&[u8]>) -> Result<PrivateKey, KeyError> {
        let text = Zeroizing::new(read_key_file(path)?);
        PrivateKey::from_pem(&text, passphrase).map_err(|source| KeyError::InFile {
            path: path.to_path_buf(),
            source: Box::new(source),
        })
    }

    /// Read a DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (unencrypted).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<PrivateKey, KeyError> {
        let info = PrivateKeyInfoRef::from_der(der)
            .map_err(|e| KeyError::Malformed(format!("not a DER PKCS#8 private key ({e})")))?;
        let oid = info.algorithm.oid;
        let inner = if oid == OID_ED25519 {
            let key = ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| {
                KeyError::Malformed(format!("not a valid Ed25519 private key ({e})"))
            })?;
            PrivateInner::Ed25519(Box::new(key))
        } else if oid == OID_EC_PUBLIC_KEY {
            check_ec_curve(info.algorithm.parameters_oid().ok())?;
            let key = p256::ecdsa::SigningKey::from_pkcs8_der(der)
                .map_err(|e| KeyError::Malformed(format!("not a valid P-256 private key ({e})")))?;
            PrivateInner::P256(Box::new(key))
        } else {
            return Err(unsupported(&oid));
        };
        PrivateKey::from_inner(inner)
    }

    /// The key as DER PKCS#8. Ed25519 keys are written as version 1 `PrivateKeyInfo` (RFC 8410
    /// section 7) without the optional public key, which OpenSSL 3.0 cannot read.
    fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        match &self.inner {
            PrivateInner::Ed25519(k) => {
                let mut der = Zeroizing::new(Vec::with_capacity(ED25519_PKCS8_PREFIX.len() + 32));
                der.extend_from_slice(&ED25519_PKCS8_PREFIX);
                der.extend_from_slice(k.as_bytes());
                Ok(der)
            }
            PrivateInner::P256(k) => k
                .to_pkcs8_der()
                .map(|doc| Zeroizing::new(doc.as_bytes().to_vec()))
                .map_err(|e| {
                    KeyError::Malformed(format!("the private key cannot be encoded ({e})"))
                }),
        }
    }

    /// The key as a PEM `ENCRYPTED PRIVATE KEY`: PKCS#8 encrypted with PBES2, scrypt
    /// (N = 2^14, r = 8, p = 1) and AES-256-CBC, with a fresh random salt and IV.
    pub fn to_encrypted_pem(&self, passphrase: &[u8]) -> Result<String, KeyError> {
        if passphrase.is_empty() {
            return Err(KeyError::EmptyPassphrase);
        }
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        random(&mut salt)?;
        random(&mut iv)?;
        let scrypt = pkcs5::scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
            .map_err(|e| KeyError::Malformed(format!("scrypt parameters ({e})")))?;
        let params = pbes2::Parameters::generate_scrypt_aes256cbc(scrypt, &salt, iv)
            .map_err(|e| KeyError::Malformed(format!("PBES2 parameters ({e})")))?;
        let plain = self.to_pkcs8_der()?;
        let encrypted = params
            .encrypt(passphrase, plain.as_slice())
            .map_err(|e| KeyError::Malformed(format!("encryption failed ({e})")))?;
        let data = OctetStringRef::new(&encrypted)
            .map_err(|e| KeyError::Malformed(format!("encryption output ({e})")))?;
        let info = EncryptedPrivateKeyInfo {
            encryption_algorithm: EncryptionScheme::Pbes2(params),
            encrypted_data: data,
        };
        let der = pkcs8::der::Encode::to_der(&info)
            .map_err(|e| KeyError::Malformed(format!("encrypted key encoding ({e})")))?;
        pem::encode_string(LABEL_ENCRYPTED, LineEnding::LF, &der)
            .map_err(|e| KeyError::Malformed(format!("PEM encoding ({e})")))
    }

    /// The key as an unencrypted PEM `PRIVATE KEY` (PKCS#8). The text is secret: prefer
    /// [`PrivateKey::to_encrypted_pem`] for anything written to disk.
    pub fn to_unencrypted_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        let plain = self.to_pkcs8_der()?;
        pem::encode_string(LABEL_PRIVATE, LineEnding::LF, &plain)
            .map(Zeroizing::new)
            .map_err(|e| KeyError::Malformed(format!("PEM encoding ({e})")))
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Lowercase hex SHA-256 of the public key's DER SubjectPublicKeyInfo.
    pub fn key_id(&self) -> &str {
        self.public.key_id()
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    /// Sign `message`: Ed25519 pure (64 bytes), or ECDSA P-256 over SHA-256 with RFC 6979
    /// nonces, DER-encoded.
    pub fn sign_message(&self, message: &[u8]) -> Vec<u8> {
        match &self.inner {
            PrivateInner::Ed25519(k) => {
                let sig = ed25519_dalek::Signer::sign(k.as_ref(), message);
                sig.to_bytes().to_vec()
            }
            PrivateInner::P256(k) => {
                let sig: p256::ecdsa::Signature =
                    p256::ecdsa::signature::Signer::sign(k.as_ref(), message);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }
}

impl Signer for PrivateKey {
    fn key_id(&self) -> String {
        self.public.key_id.clone()
    }

    fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    fn public_key_pem(&self) -> String {
        self.public.to_pem()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.sign_message(message))
    }
}

/// Read a DER `EncryptedPrivateKeyInfo`: its PBES2 parameters, once checked to be affordable,
/// and the ciphertext.
fn parse_encrypted(der: &[u8]) -> Result<(pbes2::Parameters, &[u8]), KeyError> {
    // Name the scheme of anything that is not PBES2 (PBES1, PKCS#12 PBE) before the full parse,
    // which rejects schemes it cannot read without saying which.
    if let Some(oid) = encryption_scheme_oid(der)
        && oid != pbes2::PBES2_OID
    {
        return Err(KeyError::UnsupportedEncryption(format!(
            "{} (OID {oid})",
            encryption_name(&oid)
        )));
    }
    let info: EncryptedPrivateKeyInfo<&OctetStringRef> = EncryptedPrivateKeyInfo::from_der(der)
        .map_err(|e| match e.kind() {
            // The decoder rejects unknown schemes, KDFs, PRFs and ciphers while parsing.
            pkcs8::der::ErrorKind::OidUnknown { oid } => {
                KeyError::UnsupportedEncryption(format!("{} (OID {oid})", encryption_name(&oid)))
            }
            _ => KeyError::Malformed(format!("not a DER encrypted PKCS#8 key ({e})")),
        })?;
    let params = match info.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => params,
        EncryptionScheme::Pbes1(_) => {
            return Err(KeyError::UnsupportedEncryption(
                "PBES1 (obsolete DES/RC2 based)".to_string(),
            ));
        }
        _ => {
            return Err(KeyError::UnsupportedEncryption(
                "(a scheme other than PBES2)".to_string(),
            ));
        }
    };
    match &params.kdf {
        pbes2::Kdf::Pbkdf2(p) => {
            if p.iteration_count == 0 {
                return Err(KeyError::Malformed("PBKDF2 iteration count 0".to_string()));
            }
            if p.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(KeyError::KdfTooCostly(format!(
                    "PBKDF2 with {} iterations, more than {MAX_PBKDF2_ITERATIONS}",
                    p.iteration_count
                )));
            }
        }
        pbes2::Kdf::Scrypt(p) => {
            let n = p.cost_parameter;
            if n < 2 || !n.is_power_of_two() || p.block_size == 0 || p.parallelization == 0 {
                return Err(KeyError::Malformed(format!(
                    "invalid scrypt parameters N = {n}, r = {}, p = {}",
                    p.block_size, p.parallelization
                )));
            }
            let memory = 128u64
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(n)
                .saturating_mul(u64::from(p.parallelization));
            if memory > MAX_SCRYPT_MEMORY {
                return Err(KeyError::KdfTooCostly(format!(
                    "scrypt with N = {n}, r = {}, p = {}: 128 · r · N · p is more than \
                     {MAX_SCRYPT_MEMORY}",
                    p.block_size, p.parallelization
                )));
            }
        }
        _ => {
            return Err(KeyError::UnsupportedEncryption(
                "(a key derivation other than PBKDF2 and scrypt)".to_string(),
            ));
        }
    }
    Ok((params, info.encrypted_data.as_bytes()))
}

/// Decrypt `ciphertext` with `passphrase` under `params`.
fn decrypt(
    params: &pbes2::Parameters,
    ciphertext: &[u8],
    passphrase: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let plain = params
        .decrypt(passphrase, ciphertext)
        .map_err(|e| match e {
            pkcs5::Error::DecryptFailed => KeyError::WrongPassphrase,
            pkcs5::Error::UnsupportedAlgorithm { oid } => {
                KeyError::UnsupportedEncryption(format!("{} (OID {oid})", encryption_name(&oid)))
            }
            pkcs5::Error::AlgorithmParametersInvalid { oid } => {
                KeyError::Malformed(format!("invalid encryption parameters for OID {oid}"))
            }
            other => KeyError::Malformed(format!("decryption failed ({other})")),
        })?;
    Ok(Zeroizing::new(plain))
}

/// The OID of the `encryptionAlgorithm` of a DER `EncryptedPrivateKeyInfo`, if it can be read.
fn encryption_scheme_oid(der: &[u8]) -> Option<ObjectIdentifier> {
    use pkcs8::der::{Reader, SliceReader};
    let mut reader = SliceReader::new(der).ok()?;
    // Only the OID is needed: the rest of each SEQUENCE is skipped.
    let oid: Result<ObjectIdentifier, pkcs8::der::Error> = reader.sequence(|outer| {
        let oid = outer.sequence(|alg| {
            let oid = alg.decode()?;
            alg.drain(alg.remaining_len())?;
            Ok::<ObjectIdentifier, pkcs8::der::Error>(oid)
        })?;
        outer.drain(outer.remaining_len())?;
        Ok(oid)
    });
    oid.ok()
}

/// Names for PBES2 algorithm OIDs that may be unsupported.
fn encryption_name(oid: &ObjectIdentifier) -> &'static str {
    match oid.to_string().as_str() {
        "1.2.840.113549.2.7" => "PBKDF2 with HMAC-SHA1",
        "1.2.840.113549.3.7" => "3DES-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        "1.2.410.200004.1.4" => "SEED-CBC",
        "1.2.392.200011.61.1.1.1.2" => "Camellia-128-CBC",
        "1.2.392.200011.61.1.1.1.4" => "Camellia-256-CBC",
        "1.2.156.10197.1.104.2" => "SM4-CBC",
        "1.2.840.113549.1.5.3" => "PBES1 with MD5 and DES-CBC",
        "1.2.840.113549.1.5.10" => "PBES1 with SHA-1 and DES-CBC",
        "1.2.840.113549.1.12.1.3" => "PKCS#12 PBE with SHA-1 and 3DES",
        "1.2.840.113549.1.12.1.6" => "PKCS#12 PBE with SHA-1 and RC2-40",
        _ => "an unknown algorithm",
    }
}
