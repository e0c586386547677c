//! The signature primitives both formats share, on RustCrypto: Ed25519, ECDSA over P-256 and
//! RSA PKCS #1 v1.5. Every function takes untrusted bytes and answers `Err` with a short reason
//! instead of panicking.

use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use rsa::BoxedUint;
use rsa::traits::PublicKeyParts as _;

/// The hash functions a signature can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlg {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// The name people know it by.
    pub(crate) fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }
}

/// A running hash of one of the [`HashAlg`]s.
#[derive(Debug, Clone)]
pub(crate) enum Hasher {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(crate) fn new(alg: HashAlg) -> Hasher {
        use sha2::Digest as _;
        match alg {
            HashAlg::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            HashAlg::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            HashAlg::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlg::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            HashAlg::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        use sha2::Digest as _;
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub(crate) fn finalize(self) -> Vec<u8> {
        use sha2::Digest as _;
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// `bytes` with leading zero bytes removed (the integer value stays the same).
pub(crate) fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or(&[])
}

/// A big-endian unsigned integer left-padded with zeros to exactly `N` bytes; `None` when it
/// does not fit.
pub(crate) fn pad_left<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    let bytes = strip_zeros(bytes);
    if bytes.len() > N {
        return None;
    }
    let mut out = [0u8; N];
    out.get_mut(N - bytes.len()..)?.copy_from_slice(bytes);
    Some(out)
}

/// Check an Ed25519 signature (`r || s`, 64 bytes) over `message` (strict verification: small
/// order keys and non-canonical signatures are refused).
pub(crate) fn ed25519_verify(key: &[u8; 32], message: &[u8], sig: &[u8; 64]) -> Result<(), String> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(key)
        .map_err(|_| "the Ed25519 public key is not a valid curve point".to_string())?;
    let sig = ed25519_dalek::Signature::from_bytes(sig);
    key.verify_strict(message, &sig)
        .map_err(|_| "the Ed25519 signature does not verify".to_string())
}

/// Check an ECDSA P-256 signature `(r, s)` over a message digest (truncated to the curve order
/// as ECDSA specifies). `point` is the SEC1 encoding of the public key.
pub(crate) fn p256_verify(point: &[u8], digest: &[u8], r: &[u8], s: &[u8]) -> Result<(), String> {
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
        .map_err(|_| "the P-256 public key is not a valid curve point".to_string())?;
    let (Some(r), Some(s)) = (pad_left::<32>(r), pad_left::<32>(s)) else {
        return Err("the ECDSA signature values are longer than 32 bytes".to_string());
    };
    let sig = p256::ecdsa::Signature::from_scalars(r, s)
        .map_err(|_| "the ECDSA signature values are out of range".to_string())?;
    key.verify_prehash(digest, &sig)
        .map_err(|_| "the ECDSA P-256 signature does not verify".to_string())
}

/// Smallest RSA modulus accepted, in bits.
pub(crate) const RSA_MIN_BITS: usize = 1024;
/// Largest RSA modulus accepted, in bits.
pub(crate) const RSA_MAX_BITS: usize = 16384;

/// Check an RSASSA-PKCS1-v1_5 signature over a message digest made with `alg`. `n` and `e`
/// are big-endian; `sig` may be shorter than the modulus (OpenPGP strips leading zeros).
pub(crate) fn rsa_verify(
    n: &[u8],
    e: &[u8],
    alg: HashAlg,
    digest: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let n = strip_zeros(n);
    let e = strip_zeros(e);
    if n.len() * 8 > RSA_MAX_BITS || e.len() > 8 {
        return Err(format!(
            "the RSA key is larger than {RSA_MAX_BITS} bits or has an oversized exponent"
        ));
    }
    let key = rsa::PublicKey::new_with_size_limits(
        BoxedUint::from_be_slice_vartime(n),
        BoxedUint::from_be_slice_vartime(e),
        RSA_MIN_BITS..=RSA_MAX_BITS,
    )
    .map_err(|err| format!("the RSA public key is not usable: {err}"))?;
    let size = key.size();
    let sig = strip_zeros(sig);
    if sig.len() > size {
        return Err("the RSA signature is longer than the key's modulus".to_string());
    }
    let mut padded = vec![0u8; size];
    if let Some(tail) = padded.get_mut(size - sig.len()..) {
        tail.copy_from_slice(sig);
    }
    let result = match alg {
        HashAlg::Sha1 => key.pkcs1v15_verify_prehash::<sha1::Sha1>(digest, &padded),
        HashAlg::Sha224 => key.pkcs1v15_verify_prehash::<sha2::Sha224>(digest, &padded),
        HashAlg::Sha256 => key.pkcs1v15_verify_prehash::<sha2::Sha256>(digest, &padded),
        HashAlg::Sha384 => key.pkcs1v15_verify_prehash::<sha2::Sha384>(digest, &padded),
        HashAlg::Sha512 => key.pkcs1v15_verify_prehash::<sha2::Sha512>(digest, &padded),
    };
    result.map_err(|_| "the RSA signature does not verify".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_left_pads_and_refuses_overlong() {
        assert_eq!(pad_left::<4>(&[0, 0, 1, 2]), Some([0, 0, 1, 2]));
        assert_eq!(pad_left::<4>(&[7]), Some([0, 0, 0, 7]));
        assert_eq!(pad_left::<4>(&[0, 1, 2, 3, 4]), Some([1, 2, 3, 4]));
        assert_eq!(pad_left::<4>(&[1, 2, 3, 4, 5]), None);
        assert_eq!(pad_left::<2>(&[]), Some([0, 0]));
    }

    #[test]
    fn hashers_give_known_digests() {
        let mut h = Hasher::new(HashAlg::Sha256);
        h.update(b"abc");
        let d = h.finalize();
        assert_eq!(d.first().copied(), Some(0xba));
        assert_eq!(d.len(), 32);
        let mut h = Hasher::new(HashAlg::Sha1);
        h.update(b"abc");
        assert_eq!(h.finalize().first().copied(), Some(0xa9));
    }

    #[test]
    fn bad_keys_are_errors_not_panics() {
        assert!(ed25519_verify(&[0u8; 32], b"x", &[0u8; 64]).is_err());
        assert!(p256_verify(&[4u8; 65], &[0u8; 32], &[1], &[1]).is_err());
        let err = rsa_verify(&[0xff; 16], &[1, 0, 1], HashAlg::Sha256, &[0u8; 32], &[1])
            .expect_err("a 128-bit modulus is refused");
        assert!(err.contains("not usable"), "{err}");
    }
}
