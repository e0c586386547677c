//! Deterministic generation of fake but format-valid example secrets, one per rule, so tests
//! can plant them and prove every rule fires.
//!
//! A rule's example is either a template or a custom function. Templates are literal text with
//! `{C:N}` for `N` random characters of class `C`, `{uuid}` for a random lower-case UUID, and
//! `<<` … `>>` around the part the rule reports as the secret (the whole value when absent).
//!
//! | class | characters |
//! |---|---|
//! | `A` | `A-Za-z0-9` (base62) |
//! | `a` | `A-Za-z` |
//! | `l` | `a-z` |
//! | `u` | `A-Z` |
//! | `L` | `a-z0-9` |
//! | `U` | `A-Z0-9` |
//! | `d` | `0-9` |
//! | `h` | `0-9a-f` |
//! | `H` | `0-9A-F` |
//! | `b` | base64 `A-Za-z0-9+/` |
//! | `w` | base64url `A-Za-z0-9_-` |
//! | `3` | base32 `A-Z2-7` |

use super::check;

/// A small deterministic pseudo-random generator (SplitMix64). Not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5EED_5EC2_E75A_FE00)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// `n` characters drawn from `alphabet`.
    pub fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// The characters of a template class letter (see the module documentation).
pub fn class(c: char) -> Option<&'static [u8]> {
    Some(match c {
        'A' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        'a' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        'l' => b"abcdefghijklmnopqrstuvwxyz",
        'u' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        'L' => b"abcdefghijklmnopqrstuvwxyz0123456789",
        'U' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        'd' => b"0123456789",
        'h' => b"0123456789abcdef",
        'H' => b"0123456789ABCDEF",
        'b' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        'w' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        '3' => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        _ => return None,
    })
}

/// The characters of a class letter, base62 for an unknown letter.
pub fn cls(c: char) -> &'static [u8] {
    class(c).unwrap_or(check::BASE62)
}

/// Expand a template (see the module documentation). Unknown `{…}` groups are kept literally.
pub fn expand(template: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let spec = &after[..close];
        if spec == "uuid" {
            out.push_str(&uuid(rng));
        } else if let Some((c, n)) = spec.split_once(':')
            && let (Some(alpha), Ok(n)) = (c.chars().next().and_then(class), n.parse::<usize>())
            && c.len() == 1
        {
            out.push_str(&rng.chars(alpha, n));
        } else {
            out.push('{');
            out.push_str(spec);
            out.push('}');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A random lower-case UUID (version 4 layout).
pub fn uuid(rng: &mut Rng) -> String {
    let h = cls('h');
    format!(
        "{}-{}-4{}-a{}-{}",
        rng.chars(h, 8),
        rng.chars(h, 4),
        rng.chars(h, 3),
        rng.chars(h, 3),
        rng.chars(h, 12)
    )
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Unpadded base64url.
pub fn base64url(bytes: &[u8]) -> String {
    base64(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// A token in the GitHub/npm scheme: `prefix`, 30 random base62 characters, and the base62
/// CRC-32 of those 30 characters.
pub fn crc_token(prefix: &str, rng: &mut Rng) -> String {
    let body = rng.chars(check::BASE62, 30);
    let sum = check::base62_encode(u64::from(check::crc32(body.as_bytes())), 6);
    format!("{prefix}{body}{sum}")
}

/// A DER-looking byte string: a SEQUENCE header and `len` random content bytes.
pub fn der_like(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut der = vec![0x30, 0x82, (len >> 8) as u8, len as u8, 0x02, 0x01, 0x00];
    der.extend(rng.bytes(len.saturating_sub(3)));
    der
}

/// A PEM block with `label` around `der`, lines of 64 characters.
pub fn pem(label: &str, der: &[u8]) -> String {
    let b = base64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_deterministically() {
        let a = expand("ghp_{A:36}", &mut Rng::new(7));
        let b = expand("ghp_{A:36}", &mut Rng::new(7));
        assert_eq!(a, b);
        assert_eq!(a.len(), 40);
        assert!(a[4..].bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, expand("ghp_{A:36}", &mut Rng::new(8)));
        let u = expand("{uuid}", &mut Rng::new(1));
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
        assert_eq!(expand("{zz}x", &mut Rng::new(1)), "{zz}x");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn crc_tokens_validate() {
        let t = crc_token("ghp_", &mut Rng::new(3));
        assert!(check::base62_crc_ok(t.as_bytes(), 4, 30));
    }
}
