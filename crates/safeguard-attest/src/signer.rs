//! The signing and verifying interfaces every key backend implements: files ([`crate::keys`]),
//! an external signer program, and later hardware or KMS keys.

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
