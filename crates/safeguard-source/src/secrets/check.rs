//! Small, allocation-light checks used by the rule validators: Shannon entropy, base64 and
//! base62 decoding, CRC-32, bech32 checksums and placeholder recognition.

/// Shannon entropy of `bytes` in bits per byte (0 for empty input).
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// The CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &b in bytes {
        crc = TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The base62 alphabet used by GitHub and npm token checksums (digits, upper, lower).
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encode `value` in base62, left-padded with `0` to `width` characters.
pub fn base62_encode(mut value: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    let mut i = width;
    while value > 0 && i > 0 {
        i -= 1;
        out[i] = BASE62[(value % 62) as usize];
        value /= 62;
    }
    out.into_iter().map(char::from).collect()
}

/// Decode a base62 number (`None` on a character outside the alphabet or overflow).
pub fn base62_decode(text: &[u8]) -> Option<u64> {
    let mut v: u64 = 0;
    for &c in text {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'a'..=b'z' => c - b'a' + 36,
            _ => return None,
        };
        v = v.checked_mul(62)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// True when `token` ends with a 6-character base62 CRC-32 of the `body_len` characters before
/// it (the scheme GitHub and npm use: prefix, random body, checksum).
pub fn base62_crc_ok(token: &[u8], prefix_len: usize, body_len: usize) -> bool {
    let Some(body) = token.get(prefix_len..prefix_len + body_len) else {
        return false;
    };
    let Some(check) = token.get(prefix_len + body_len..prefix_len + body_len + 6) else {
        return false;
    };
    base62_decode(check) == Some(u64::from(crc32(body)))
}

fn b64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

/// Decode base64 in either alphabet (standard or URL-safe), with or without padding.
/// Whitespace and the two-character escapes `\n`, `\r` (as found in JSON strings) are
/// skipped. `None` on any other character or a truncated final quantum of one character.
/// At most `limit` bytes are produced (decoding stops there).
pub fn base64_decode(text: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity((text.len() / 4 * 3).min(limit));
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut i = 0;
    let mut seen_pad = false;
    while i < text.len() {
        let c = text[i];
        i += 1;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'\\' => {
                match text.get(i) {
                    Some(b'n' | b'r') => i += 1,
                    _ => return None,
                }
                continue;
            }
            b'=' => {
                seen_pad = true;
                continue;
            }
            _ => {}
        }
        if seen_pad {
            return None;
        }
        let v = b64_value(c)?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
            if out.len() >= limit {
                return Some(out);
            }
        }
    }
    if bits >= 6 {
        return None;
    }
    Some(out)
}

/// The bech32 character set (BIP 173).
pub const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn bech32_expand(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter()
        .map(|c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|c| c & 31))
}

/// True when `text` (any case, not mixed) is a bech32 string with a valid checksum.
pub fn bech32_ok(text: &[u8]) -> bool {
    let lower: Vec<u8> = text.iter().map(u8::to_ascii_lowercase).collect();
    let Some(sep) = lower.iter().rposition(|&c| c == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let mut vals = Vec::with_capacity(data.len());
    for c in data {
        match BECH32.iter().position(|x| x == c) {
            Some(p) => vals.push(p as u8),
            None => return false,
        }
    }
    bech32_polymod(bech32_expand(hrp).chain(vals.iter().copied())) == 1
}

/// The six bech32 checksum characters for `hrp` and the 5-bit `data` values.
pub fn bech32_checksum(hrp: &[u8], data: &[u8]) -> [u8; 6] {
    let pm = bech32_polymod(
        bech32_expand(hrp)
            .chain(data.iter().copied())
            .chain([0u8; 6]),
    ) ^ 1;
    let mut out = [0u8; 6];
    for (i, o) in out.iter_mut().enumerate() {
        *o = BECH32[((pm >> (5 * (5 - i))) & 31) as usize];
    }
    out
}

/// Words that mark a value as a stand-in rather than a real secret (compared lower-cased).
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourtoken",
    "yourkey",
    "yoursecret",
    "yourpassword",
    "xxxx",
    "****",
    "....",
    "redacted",
    "dummy",
    "sample",
    "fake",
    "notreal",
    "not_real",
    "not-a-",
    "insert",
    "replace",
    "todo",
    "fixme",
    "secret_here",
    "token_here",
    "key_here",
    "password_here",
    "here>",
    "test",
    "mock",
    "foobar",
    "lorem",
    "abcdef",
    "abc123",
    "123456",
    "qwerty",
    "password",
    "passwd",
    "secret",
    "undefined",
    "null",
    "none",
    "true",
    "false",
];

/// Markers of an indirection (environment variable, template, code) rather than a literal value.
const INDIRECTION: &[&str] = &[
    "${",
    "$(",
    "{{",
    "}}",
    "%(",
    "%s",
    "<",
    ">",
    "os.environ",
    "process.env",
    "getenv",
    "env(",
    "env[",
    "env.",
    "settings.",
    "config.",
    "secrets.",
    "vault:",
    "arn:",
];

/// True when `value` is evidently not a real secret: a placeholder word, an environment or
/// template reference, a run of one repeated character or a simple ascending sequence.
pub fn is_placeholder(value: &[u8]) -> bool {
    if value.is_empty() {
        return true;
    }
    let lower: Vec<u8> = value.iter().map(u8::to_ascii_lowercase).collect();
    let has = |needle: &str| memchr::memmem::find(&lower, needle.as_bytes()).is_some();
    if PLACEHOLDER_WORDS.iter().any(|w| has(w)) || INDIRECTION.iter().any(|w| has(w)) {
        return true;
    }
    if value.starts_with(b"$") || value.starts_with(b"%") && value.ends_with(b"%") {
        return true;
    }
    let first = value[0];
    if value.iter().all(|&c| c == first) {
        return true;
    }
    // Long runs of one character (`aaaaaaaa`, `00000000`) mark hand-made fillers.
    let mut run = 1;
    for w in value.windows(2) {
        if w[0] == w[1] {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// The number of distinct character classes (lower, upper, digit, other) in `value`.
pub fn char_classes(value: &[u8]) -> u32 {
    let (mut lo, mut up, mut dg, mut ot) = (false, false, false, false);
    for &c in value {
        match c {
            b'a'..=b'z' => lo = true,
            b'A'..=b'Z' => up = true,
            b'0'..=b'9' => dg = true,
            _ => ot = true,
        }
    }
    u32::from(lo) + u32::from(up) + u32::from(dg) + u32::from(ot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_vector() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_round_trip() {
        assert_eq!(base62_encode(0, 6), "000000");
        assert_eq!(base62_encode(61, 2), "0z");
        assert_eq!(base62_decode(b"0z"), Some(61));
        assert_eq!(
            base62_decode(base62_encode(0xFFFF_FFFF, 6).as_bytes()),
            Some(0xFFFF_FFFF)
        );
        assert_eq!(base62_decode(b"a-b"), None);
    }

    #[test]
    fn github_published_token_checksum() {
        // An expired, revoked token published to explain the format.
        let token = concat!("ghp_", "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ", "0mLq17");
        assert!(base62_crc_ok(token.as_bytes(), 4, 30));
        let broken = concat!("ghp_", "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ", "0mLq18");
        assert!(!base62_crc_ok(broken.as_bytes(), 4, 30));
    }

    #[test]
    fn base64_both_alphabets_and_escapes() {
        assert_eq!(
            base64_decode(b"aGVsbG8=", 100).as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(
            base64_decode(b"aGVs\\nbG8", 100).as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(base64_decode(b"-_-_", 100), Some(vec![0xfb, 0xff, 0xbf]));
        assert_eq!(base64_decode(b"a", 100), None);
        assert_eq!(base64_decode(b"a=b=", 100), None);
        assert_eq!(base64_decode(b"aGVsbG8=", 2).as_deref(), Some(&b"he"[..]));
    }

    #[test]
    fn bech32_checksum_round_trip() {
        // BIP 173 valid test vector.
        assert!(bech32_ok(b"A12UEL5L"));
        assert!(bech32_ok(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
        assert!(!bech32_ok(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"));
        let data = [3u8, 1, 4, 1, 5, 9, 2, 6];
        let sum = bech32_checksum(b"hrp", &data);
        let mut s = b"hrp1".to_vec();
        s.extend(data.iter().map(|&d| BECH32[d as usize]));
        s.extend_from_slice(&sum);
        assert!(bech32_ok(&s));
    }

    #[test]
    fn placeholders() {
        for p in [
            "changeme",
            "${API_TOKEN}",
            "<your-token>",
            "xxxxxxxxxxxx",
            "os.environ['X']",
            "process.env.TOKEN",
            "0000000000000000",
            "{{ secrets.TOKEN }}",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for real in ["q8Zt2LmX9vRw4Kp1", "hV3n-Jq0_rT7sY2b"] {
            assert!(!is_placeholder(real.as_bytes()), "{real}");
        }
    }

    #[test]
    fn entropy_ranges() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(entropy(b"q8Zt2LmX9vRw4Kp1") > 3.5);
    }
}
