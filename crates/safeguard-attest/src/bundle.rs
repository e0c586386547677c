//! Sigstore bundles: writing them for key-based signing and verifying them fully offline.
//!
//! Verification never fetches anything. Keyless (Fulcio certificate) bundles are checked with
//! the pinned `sigstore-verify` crate against a trusted root the caller supplies as JSON: the
//! certificate chain, its SCT, the transparency-log inclusion proof, checkpoint and promise,
//! RFC 3161 timestamps, the signature and the artifact binding. Key-based bundles are checked
//! against a key the caller supplies; with a trusted root the transparency log is checked too,
//! without one only the signature and the artifact binding are (the log entries a bundle may
//! carry are then not trusted, and [`Verified::tlog_verified`] says so).
//!
//! Bundles Safeguard writes ([`sign_message_bundle`], [`dsse_bundle`]) carry a public-key hint
//! (the key id) and no log entries: they are meant for vendors who sign with their own keys.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;
use sha2::{Digest as _, Sha256, Sha512};
use sigstore_verify::crypto::{KeyAlgorithm, SigningScheme};
use sigstore_verify::trust_root::TrustedRoot;
use sigstore_verify::types::bundle::{MessageSignature, VerificationMaterialContent};
use sigstore_verify::types::{
    Bundle, DerPublicKey, DsseEnvelope, HashAlgorithm, Sha256Hash, Sha512Hash, SignatureContent,
    Statement,
};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy};

use crate::signer::{SignError, Signer, Verifier};

/// The media type of the bundles Safeguard writes (Sigstore bundle v0.3).
pub const BUNDLE_MEDIA_TYPE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// The DSSE payload type of in-toto statements, the only one a bundle can bind to an artifact.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The artifact a bundle is checked against: its bytes, or only its SHA-256 digest.
#[derive(Clone, Copy, Debug)]
pub enum Artifact<'a> {
    /// The whole artifact.
    Bytes(&'a [u8]),
    /// The artifact's SHA-256 digest. Enough for ECDSA signatures and DSSE attestations;
    /// Ed25519 message signatures (and signer-backend verifiers) need the bytes.
    Sha256([u8; 32]),
}

/// The public key a key-based [`Policy`] checks signatures with.
#[derive(Clone, Copy)]
pub enum PublicKey<'a> {
    /// A key backend's verifier (see [`crate::signer`]).
    Verifier(&'a dyn Verifier),
    /// A PEM `PUBLIC KEY` (SPKI) block: ECDSA P-256/P-384, Ed25519 or RSA.
    Pem(&'a str),
}

impl std::fmt::Debug for PublicKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Verifier(v) => f.debug_tuple("Verifier").field(&v.key_id()).finish(),
            Self::Pem(pem) => f.debug_tuple("Pem").field(pem).finish(),
        }
    }
}

/// Who must have signed a bundle.
#[derive(Debug)]
pub enum Policy<'a> {
    /// A key the vendor controls.
    Key {
        /// The key that must have made the signature.
        key: PublicKey<'a>,
        /// A Sigstore trusted root (JSON). When given, the bundle's transparency-log entries
        /// (and any RFC 3161 timestamps) must be present and are verified against it; this
        /// needs [`PublicKey::Pem`]. When absent, only the signature and the artifact binding
        /// are checked.
        trusted_root_json: Option<Vec<u8>>,
    },
    /// A Fulcio certificate for an OIDC identity (Sigstore "keyless" signing).
    Keyless {
        /// The Sigstore trusted root (JSON) holding the Fulcio, Rekor, CT and TSA keys.
        trusted_root_json: Vec<u8>,
        /// The identity the certificate's subject alternative name must equal exactly.
        certificate_identity: String,
        /// The OIDC issuer the certificate must name exactly.
        certificate_oidc_issuer: String,
    },
}

/// What a bundle signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedContent {
    /// A signature over the artifact itself.
    MessageSignature,
    /// A DSSE envelope whose in-toto statement names the artifact as a subject.
    Dsse {
        /// The envelope's payload type.
        payload_type: String,
        /// The signed payload (the in-toto statement JSON).
        payload: Vec<u8>,
    },
}

/// A bundle that verified, and what its verification established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// What was signed.
    pub content: SignedContent,
    /// For key policies: the key id (lowercase hex SHA-256 of the DER SPKI).
    pub key_id: Option<String>,
    /// For keyless policies: the certificate's subject alternative name.
    pub certificate_identity: Option<String>,
    /// For keyless policies: the certificate's OIDC issuer.
    pub certificate_oidc_issuer: Option<String>,
    /// Whether the signing certificate chained to the trusted root.
    pub certificate_verified: bool,
    /// Whether transparency-log inclusion was verified against a trusted root.
    pub tlog_verified: bool,
    /// The authenticated Rekor integrated time (Unix seconds), when there is one.
    pub integrated_time: Option<i64>,
    /// Every authenticated signing time used (Unix seconds).
    pub verified_timestamps: Vec<i64>,
}

/// Why a bundle did not verify. Every message starts with `verification failed:`.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The bundle is not valid JSON or not a Sigstore bundle.
    #[error(
        "verification failed: the bundle is not a valid Sigstore bundle (line {line}, column {column}): {reason}"
    )]
    Malformed {
        /// 1-based line of the problem in the bundle JSON.
        line: usize,
        /// 1-based column of the problem in the bundle JSON.
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// The trusted root could not be read or used.
    #[error("verification failed: the trusted root is not usable: {0}")]
    TrustedRoot(String),
    /// The public key of the policy could not be read.
    #[error("verification failed: the public key is not usable: {0}")]
    Key(String),
    /// The bundle does not fit the policy, or uses something this verifier cannot check.
    #[error("verification failed: {0}")]
    Unsupported(String),
    /// A check failed: the signature, the artifact binding, the certificate, the log, ….
    #[error("verification failed: {0}")]
    Rejected(String),
}

/// Verify a Sigstore bundle (v0.1, v0.2 or v0.3 JSON) over `artifact` under `policy`, offline.
pub fn verify_bundle(
    bundle_json: &[u8],
    artifact: Artifact<'_>,
    policy: &Policy<'_>,
) -> Result<Verified, BundleError> {
    let bundle: Bundle =
        serde_json::from_slice(bundle_json).map_err(|e| BundleError::Malformed {
            line: e.line(),
            column: e.column(),
            reason: strip_position(&e.to_string()),
        })?;
    match policy {
        Policy::Keyless {
            trusted_root_json,
            certificate_identity,
            certificate_oidc_issuer,
        } => {
            if matches!(
                bundle.verification_material.content,
                VerificationMaterialContent::PublicKey(_)
            ) {
                return Err(BundleError::Unsupported(
                    "the bundle was signed with a key (it has a public-key hint, no certificate); \
                     verify it with that public key instead of a certificate identity"
                        .into(),
                ));
            }
            reject_root_in_chain(&bundle)?;
            let sigstore_policy = VerificationPolicy::new(
                certificate_identity.as_str(),
                certificate_oidc_issuer.as_str(),
            );
            verify_with_sigstore(&bundle, artifact, trusted_root_json, &sigstore_policy, None)
        }
        Policy::Key {
            key,
            trusted_root_json: Some(root),
        } => {
            let PublicKey::Pem(pem) = key else {
                return Err(BundleError::Unsupported(
                    "checking a transparency log needs the public key as PEM, \
                     not a key backend's verifier"
                        .into(),
                ));
            };
            let der = der_from_pem(pem)?;
            let key_id = key_id_of(der.as_bytes());
            require_public_key_material(&bundle)?;
            let sigstore_policy = PublicKeyVerificationPolicy::new(der);
            verify_with_sigstore(&bundle, artifact, root, &sigstore_policy, Some(key_id))
        }
        Policy::Key {
            key,
            trusted_root_json: None,
        } => verify_with_key_offline(&bundle, artifact, *key),
    }
}

/// Run `sigstore-verify` with a caller-supplied trusted root and translate its result.
fn verify_with_sigstore(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    trusted_root_json: &[u8],
    policy: &(impl sigstore_verify::Policy + ?Sized),
    key_id: Option<String>,
) -> Result<Verified, BundleError> {
    let root_text = std::str::from_utf8(trusted_root_json)
        .map_err(|e| BundleError::TrustedRoot(format!("it is not UTF-8 text: {e}")))?;
    let root =
        TrustedRoot::from_json(root_text).map_err(|e| BundleError::TrustedRoot(e.to_string()))?;
    let verifier = sigstore_verify::Verifier::new(&root)
        .map_err(|e| BundleError::TrustedRoot(e.to_string()))?;
    let outcome = match artifact {
        Artifact::Bytes(bytes) => verifier.verify(bytes, bundle, policy),
        Artifact::Sha256(digest) => verifier.verify(Sha256Hash::from(digest), bundle, policy),
    };
    let result = outcome.map_err(|e| BundleError::Rejected(e.to_string()))?;
    Ok(Verified {
        content: signed_content(&bundle.content),
        key_id,
        certificate_identity: result.identity().map(|san| san.as_str().to_owned()),
        certificate_oidc_issuer: result.issuer().map(str::to_owned),
        certificate_verified: result.certificate_verified(),
        tlog_verified: result.tlog_verified(),
        integrated_time: result.integrated_time().map(|t| t.as_second()),
        verified_timestamps: result
            .verified_timestamps()
            .iter()
            .map(|t| t.as_second())
            .collect(),
    })
}

fn signed_content(content: &SignatureContent) -> SignedContent {
    match content {
        SignatureContent::DsseEnvelope(envelope) => SignedContent::Dsse {
            payload_type: envelope.payload_type.clone(),
            payload: envelope.payload.as_bytes().to_vec(),
        },
        _ => SignedContent::MessageSignature,
    }
}

fn require_public_key_material(bundle: &Bundle) -> Result<(), BundleError> {
    match &bundle.verification_material.content {
        VerificationMaterialContent::PublicKey(_) => Ok(()),
        _ => Err(BundleError::Unsupported(
            "the bundle carries a signing certificate, not a public-key hint; \
             verify it with a certificate identity and OIDC issuer instead of a key"
                .into(),
        )),
    }
}

/// The key a local check uses: a PEM key parsed once, or a backend verifier.
enum LocalKey<'a> {
    Der {
        der: DerPublicKey,
        algorithm: KeyAlgorithm,
    },
    Backend(&'a dyn Verifier),
}

/// Check a key-based bundle without a trusted root: the signature and the artifact binding.
fn verify_with_key_offline(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    key: PublicKey<'_>,
) -> Result<Verified, BundleError> {
    require_public_key_material(bundle)?;
    let (local, key_id) = match key {
        PublicKey::Pem(pem) => {
            let der = der_from_pem(pem)?;
            let algorithm = KeyAlgorithm::from_spki(&der)
                .map_err(|e| BundleError::Key(format!("unsupported key: {e}")))?;
            let key_id = key_id_of(der.as_bytes());
            (LocalKey::Der { der, algorithm }, key_id)
        }
        PublicKey::Verifier(verifier) => (LocalKey::Backend(verifier), verifier.key_id()),
    };
    match &bundle.content {
        SignatureContent::MessageSignature(signature) => {
            check_message_signature(signature, artifact, &local, &key_id)?;
        }
        SignatureContent::DsseEnvelope(envelope) => {
            check_dsse(envelope, artifact, &local, &key_id)?;
        }
        _ => {
            return Err(BundleError::Unsupported(
                "the bundle holds neither a messageSignature nor a dsseEnvelope".into(),
            ));
        }
    }
    Ok(Verified {
        content: signed_content(&bundle.content),
        key_id: Some(key_id),
        certificate_identity: None,
        certificate_oidc_issuer: None,
        certificate_verified: false,
        tlog_verified: false,
        integrated_time: None,
        verified_timestamps: Vec::new(),
    })
}

fn check_message_signature(
    signature: &MessageSignature,
    artifact: Artifact<'_>,
    key: &LocalKey<'_>,
    key_id: &str,
) -> Result<(), BundleError> {
    // The declared digest must be the artifact's.
    if let Some(declared) = &signature.message_digest {
        let actual: Vec<u8> = match (declared.algorithm, artifact) {
            (HashAlgorithm::Sha2256, Artifact::Bytes(bytes)) => Sha256::digest(bytes).to_vec(),
            (HashAlgorithm::Sha2256, Artifact::Sha256(digest)) => digest.to_vec(),
            (HashAlgorithm::Sha2512, Artifact::Bytes(bytes)) => Sha512::digest(bytes).to_vec(),
            (other, _) => {
                return Err(BundleError::Unsupported(format!(
                    "the bundle's messageDigest uses {other}, which cannot be compared \
                     with the artifact as given; supply the artifact's bytes"
                )));
            }
        };
        if declared.digest.as_bytes() != actual.as_slice() {
            return Err(BundleError::Rejected(format!(
                "the artifact's {} digest {} does not match the bundle's messageDigest {}",
                declared.algorithm,
                hex(&actual),
                hex(declared.digest.as_bytes())
            )));
        }
    }
    let sig = &signature.signature;
    let valid = match key {
        LocalKey::Der { der, algorithm } => {
            let scheme = match &signature.message_digest {
                Some(d) => algorithm
                    .resolve_signing_scheme(d.algorithm)
                    .map_err(|e| BundleError::Unsupported(e.to_string()))?,
                None => algorithm.default_signing_scheme(),
            };
            match artifact {
                Artifact::Bytes(bytes) => {
                    sigstore_verify::crypto::verify_signature(der, bytes, sig, scheme).is_ok()
                }
                Artifact::Sha256(digest) => {
                    if scheme.hash_algorithm() != Some(HashAlgorithm::Sha2256) {
                        return Err(needs_bytes(scheme));
                    }
                    sigstore_verify::crypto::verify_signature_prehashed(der, &digest, sig, scheme)
                        .is_ok()
                }
            }
        }
        LocalKey::Backend(verifier) => match artifact {
            Artifact::Bytes(bytes) => verifier.verify(bytes, sig.as_bytes()),
            Artifact::Sha256(_) => {
                return Err(BundleError::Unsupported(
                    "a key backend's verifier checks whole messages: supply the artifact's \
                     bytes, not only its digest"
                        .into(),
                ));
            }
        },
    };
    if valid {
        Ok(())
    } else {
        Err(BundleError::Rejected(format!(
            "the signature over the artifact does not verify with key {key_id}"
        )))
    }
}

fn needs_bytes(scheme: SigningScheme) -> BundleError {
    BundleError::Unsupported(format!(
        "{} signatures cannot be checked from a SHA-256 digest: supply the artifact's bytes",
        scheme.name()
    ))
}

fn check_dsse(
    envelope: &DsseEnvelope,
    artifact: Artifact<'_>,
    key: &LocalKey<'_>,
    key_id: &str,
) -> Result<(), BundleError> {
    let pae = envelope.pae();
    let sig = &envelope.signature.sig;
    let valid = match key {
        LocalKey::Der { der, algorithm } => sigstore_verify::crypto::verify_signature(
            der,
            &pae,
            sig,
            algorithm.default_signing_scheme(),
        )
        .is_ok(),
        LocalKey::Backend(verifier) => verifier.verify(&pae, sig.as_bytes()),
    };
    if !valid {
        return Err(BundleError::Rejected(format!(
            "the DSSE envelope's signature does not verify with key {key_id}"
        )));
    }
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(BundleError::Unsupported(format!(
            "the DSSE payload type is {:?}; only {IN_TOTO_PAYLOAD_TYPE} statements name the \
             artifact they cover",
            envelope.payload_type
        )));
    }
    let statement: Statement =
        serde_json::from_slice(envelope.payload.as_bytes()).map_err(|e| {
            BundleError::Rejected(format!(
                "the DSSE payload is not an in-toto statement (line {}, column {}): {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ))
        })?;
    let sha256 = match artifact {
        Artifact::Bytes(bytes) => Sha256::digest(bytes).into(),
        Artifact::Sha256(digest) => digest,
    };
    let mut bound = statement.matches_sha256(&Sha256Hash::from(sha256));
    if !bound && let Artifact::Bytes(bytes) = artifact {
        let sha512: [u8; 64] = Sha512::digest(bytes).into();
        bound = statement.matches_sha512(&Sha512Hash::from(sha512));
    }
    if bound {
        Ok(())
    } else {
        Err(BundleError::Rejected(format!(
            "no subject of the in-toto statement has the artifact's digest (sha256 {})",
            hex(&sha256)
        )))
    }
}

/// A bundle must not carry its own root of trust: reject a v0.1/v0.2 certificate chain that
/// holds a self-issued (root) certificate.
fn reject_root_in_chain(bundle: &Bundle) -> Result<(), BundleError> {
    if let VerificationMaterialContent::X509CertificateChain { certificates } =
        &bundle.verification_material.content
    {
        for (position, cert) in certificates.iter().enumerate() {
            if is_self_issued(cert.raw_bytes.as_bytes()) {
                return Err(BundleError::Rejected(format!(
                    "certificate {} of the bundle's certificate chain is a root (self-issued) \
                     certificate; roots of trust come from the trusted root, never the bundle",
                    position + 1
                )));
            }
        }
    }
    Ok(())
}

/// One DER element: (tag, content, rest). `None` when the input is not well-formed DER.
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(count)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    let (content, rest) = rest.split_at_checked(len)?;
    Some((tag, content, rest))
}

/// Whether an X.509 certificate's issuer and subject names are the same (a root or other
/// self-issued certificate). Unparseable certificates answer `false`: the chain check that
/// follows rejects them with a better reason.
fn is_self_issued(cert_der: &[u8]) -> bool {
    fn names(cert_der: &[u8]) -> Option<(&[u8], &[u8])> {
        let (_, certificate, _) = der_element(cert_der)?;
        let (_, tbs, _) = der_element(certificate)?;
        let (tag, _, mut rest) = der_element(tbs)?;
        if tag == 0xa0 {
            // Explicit version; the serial number follows.
            rest = der_element(rest)?.2;
        }
        let (_, _, rest) = der_element(rest)?; // signature algorithm
        let (_, issuer, rest) = der_element(rest)?;
        let (_, _, rest) = der_element(rest)?; // validity
        let (_, subject, _) = der_element(rest)?;
        Some((issuer, subject))
    }
    names(cert_der).is_some_and(|(issuer, subject)| issuer == subject)
}

fn der_from_pem(pem: &str) -> Result<DerPublicKey, BundleError> {
    DerPublicKey::from_pem(pem).map_err(|e| BundleError::Key(e.to_string()))
}

/// The key id of a DER SPKI public key: lowercase hex SHA-256, as [`Signer::key_id`].
fn key_id_of(spki_der: &[u8]) -> String {
    hex(&Sha256::digest(spki_der))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Sign `artifact` with `signer` and wrap the signature in a Sigstore bundle v0.3 with a
/// public-key hint (the signer's key id) and no transparency-log entries.
///
/// `artifact_digest_sha256` must be the SHA-256 of `artifact` (callers usually have it from
/// streaming the file); it is recorded as the bundle's `messageDigest` and not recomputed.
pub fn sign_message_bundle(
    artifact_digest_sha256: [u8; 32],
    artifact: &[u8],
    signer: &dyn Signer,
) -> Result<serde_json::Value, SignError> {
    let signature = signer.sign(artifact)?;
    Ok(json!({
        "mediaType": BUNDLE_MEDIA_TYPE_V03,
        "verificationMaterial": {
            "publicKey": { "hint": signer.key_id() },
            "tlogEntries": [],
        },
        "messageSignature": {
            "messageDigest": {
                "algorithm": "SHA2_256",
                "digest": BASE64.encode(artifact_digest_sha256),
            },
            "signature": BASE64.encode(signature),
        },
    }))
}

/// Wrap a signed DSSE envelope (`payload`, `payloadType`, `signatures`) in a Sigstore bundle
/// v0.3 with a public-key hint `key_id` and no transparency-log entries.
///
/// A bundle holds exactly one DSSE signature: when the envelope has several, the one whose
/// `keyid` is `key_id` is kept (the envelope is left as it is when none or several match).
pub fn dsse_bundle(envelope_json: serde_json::Value, key_id: &str) -> serde_json::Value {
    let mut envelope = envelope_json;
    if let Some(signatures) = envelope
        .get_mut("signatures")
        .and_then(serde_json::Value::as_array_mut)
        && signatures.len() > 1
    {
        let matching: Vec<usize> = signatures
            .iter()
            .enumerate()
            .filter(|(_, s)| s.get("keyid").and_then(serde_json::Value::as_str) == Some(key_id))
            .map(|(i, _)| i)
            .collect();
        if let [only] = matching.as_slice() {
            let kept = signatures.swap_remove(*only);
            signatures.clear();
            signatures.push(kept);
        }
    }
    json!({
        "mediaType": BUNDLE_MEDIA_TYPE_V03,
        "verificationMaterial": {
            "publicKey": { "hint": key_id },
            "tlogEntries": [],
        },
        "dsseEnvelope": envelope,
    })
}
