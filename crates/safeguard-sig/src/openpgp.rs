//! OpenPGP signatures (RFC 4880, RFC 9580), checked offline against a keyring.
//!
//! What is read:
//! - ASCII armor (armor headers, CRC24 checked when present) or binary packets, with old- and
//!   new-format packet headers and partial body lengths (only for the data packets that may use
//!   them). Nothing is allocated beyond what the input's size implies.
//! - Keyrings of one or many transferable public keys, version 4 (and version 6), with user IDs
//!   and subkeys. Public-key algorithms: RSA (1, 3), ECDSA over P-256 (19), EdDSA legacy
//!   Ed25519 (22) and Ed25519 (27). Keys of other algorithms are kept (so a signature by one is
//!   reported [`Outcome::Unsupported`] rather than unknown) and noted in [`Keyring::notes`].
//! - Signatures version 4 (and version 6) of type 0x00 (binary document) and 0x01 (canonical
//!   text, line endings hashed as CR LF), made with SHA-224/256/384/512.
//!
//! Policy:
//! - Document signatures made with MD5, SHA-1 or RIPEMD-160 are [`Outcome::Bad`] (weak hash).
//!   Self-signatures inside a key (user ID certifications, subkey bindings and back-signatures)
//!   may use SHA-1, as many older keys do; the keyring is a trust anchor the caller supplies.
//! - A key counts only when a self-signature binds it: the primary key through a user ID
//!   certification or a direct-key signature, a subkey through a subkey binding signature; a
//!   signing subkey also needs its back-signature (0x19). Key flags, when present, must allow
//!   signing. Revoked keys (hard revocations; soft ones after the revocation time) and expired
//!   keys (at the signature's creation time) give [`Outcome::Bad`].
//! - Signature expiration is not checked: there is no "now" in an offline check.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::crypto::{self, HashAlg, Hasher};

/// Why OpenPGP data could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The ASCII armor is broken.
    #[error("armor line {line}: {message}")]
    Armor {
        /// 1-based line number of the input.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A packet cannot be read.
    #[error("packet {index} at byte {offset} of the binary data: {message}")]
    Packet {
        /// 0-based index of the packet.
        index: usize,
        /// Offset of the packet's header in the binary (dearmored) data.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// There is nothing to read.
    #[error("{0}")]
    Empty(String),
}

/// What checking an OpenPGP signature found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The signature verifies with a valid key of the keyring.
    Good {
        /// The primary key's fingerprint, uppercase hex.
        fingerprint: String,
        /// The key's primary user ID (else its first valid one).
        user_id: Option<String>,
        /// The fingerprint of the key that made the signature (a subkey's, or the primary's).
        signing_key: String,
        /// The signature's creation time, Unix seconds.
        created: i64,
    },
    /// The signature does not verify, uses a weak hash, or its key is not valid for it.
    Bad {
        /// What is wrong, in words for a user.
        reason: String,
    },
    /// No key of the keyring made the signature.
    UnknownKey {
        /// The issuer named by the signature: fingerprint or 16-digit key ID, uppercase hex.
        issuer: String,
    },
    /// The signature or its key uses something this crate does not check.
    Unsupported {
        /// Which.
        reason: String,
    },
    /// The input is not a readable OpenPGP signature.
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

// ---------------------------------------------------------------------------------------------
// Armor

/// One `-----BEGIN PGP …-----` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmorBlock {
    /// What follows `BEGIN ` (`PGP SIGNATURE`, `PGP PUBLIC KEY BLOCK`, …).
    pub label: String,
    /// The armor headers (`Version`, `Comment`, `Hash`, …) in order.
    pub headers: Vec<(String, String)>,
    /// The decoded data.
    pub data: Vec<u8>,
    /// 1-based line of the BEGIN line.
    pub line: usize,
}

/// CRC-24 as OpenPGP armor uses it.
pub fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0x00B7_04CE;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0186_4CFB;
            }
        }
    }
    crc & 0x00FF_FFFF
}

fn trim_line(line: &[u8]) -> &[u8] {
    line.trim_ascii_end()
}

fn begin_label(line: &[u8]) -> Option<&[u8]> {
    line.strip_prefix(b"-----BEGIN ")?.strip_suffix(b"-----")
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// Decode every `-----BEGIN PGP …-----` block of `input`. Text outside the blocks is skipped;
/// the text of a cleartext-signed message (`BEGIN PGP SIGNED MESSAGE`) is skipped too, so only
/// its signature block is returned.
pub fn dearmor(input: &[u8]) -> Result<Vec<ArmorBlock>, Error> {
    enum State {
        Outside,
        Headers,
        Body,
    }
    let mut blocks = Vec::new();
    let mut state = State::Outside;
    let mut label = String::new();
    let mut headers = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    let mut crc: Option<(usize, Vec<u8>)> = None;
    let mut begin_line = 0usize;
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let line = trim_line(raw);
        match state {
            State::Outside => {
                let Some(l) = begin_label(line) else { continue };
                if !l.starts_with(b"PGP ") || l == b"PGP SIGNED MESSAGE" {
                    continue;
                }
                label = String::from_utf8_lossy(l).into_owned();
                headers = Vec::new();
                text = Vec::new();
                crc = None;
                begin_line = line_no;
                state = State::Headers;
            }
            State::Headers | State::Body => {
                if let Some(end) = line
                    .strip_prefix(b"-----END ")
                    .and_then(|l| l.strip_suffix(b"-----"))
                {
                    if end != label.as_bytes() {
                        return Err(Error::Armor {
                            line: line_no,
                            message: format!(
                                "END {} does not close BEGIN {label} (line {begin_line})",
                                String::from_utf8_lossy(end)
                            ),
                        });
                    }
                    let data = STANDARD.decode(&text).map_err(|e| Error::Armor {
                        line: begin_line,
                        message: format!("the block's base64 data does not decode: {e}"),
                    })?;
                    if let Some((crc_line, crc_text)) = crc.take() {
                        let got = STANDARD.decode(&crc_text).ok().and_then(|b| {
                            let b: [u8; 3] = b.try_into().ok()?;
                            Some(u32::from_be_bytes([0, b[0], b[1], b[2]]))
                        });
                        match got {
                            None => {
                                return Err(Error::Armor {
                                    line: crc_line,
                                    message: "the CRC24 checksum line is not 4 base64 characters"
                                        .to_string(),
                                });
                            }
                            Some(want) if want != crc24(&data) => {
                                return Err(Error::Armor {
                                    line: crc_line,
                                    message: "CRC24 checksum mismatch: the armored data was \
                                              altered or damaged"
                                        .to_string(),
                                });
                            }
                            Some(_) => {}
                        }
                    }
                    blocks.push(ArmorBlock {
                        label: std::mem::take(&mut label),
                        headers: std::mem::take(&mut headers),
                        data,
                        line: begin_line,
                    });
                    state = State::Outside;
                    continue;
                }
                if line.starts_with(b"-----") {
                    return Err(Error::Armor {
                        line: line_no,
                        message: format!(
                            "unexpected armor line inside the block begun on line {begin_line}"
                        ),
                    });
                }
                if matches!(state, State::Headers) {
                    if line.is_empty() {
                        state = State::Body;
                        continue;
                    }
                    if let Some(colon) = line.iter().position(|&b| b == b':') {
                        let (k, v) = line.split_at(colon);
                        headers.push((
                            String::from_utf8_lossy(k).trim().to_string(),
                            String::from_utf8_lossy(v.get(1..).unwrap_or(&[]))
                                .trim()
                                .to_string(),
                        ));
                        continue;
                    }
                    // No blank line after the BEGIN line: take this as data.
                    state = State::Body;
                }
                let line = line.trim_ascii_start();
                if line.is_empty() {
                    continue;
                }
                if crc.is_some() {
                    return Err(Error::Armor {
                        line: line_no,
                        message: "data after the CRC24 checksum line".to_string(),
                    });
                }
                if let Some(c) = line.strip_prefix(b"=")
                    && c.len() == 4
                    && !c.contains(&b'=')
                {
                    crc = Some((line_no, c.to_vec()));
                    continue;
                }
                if let Some(bad) = line.iter().find(|&&b| !is_base64_byte(b)) {
                    return Err(Error::Armor {
                        line: line_no,
                        message: format!("byte 0x{bad:02x} is not base64"),
                    });
                }
                text.extend_from_slice(line);
            }
        }
    }
    if !matches!(state, State::Outside) {
        return Err(Error::Armor {
            line: begin_line,
            message: format!("the block BEGIN {label} has no END line (cut short?)"),
        });
    }
    Ok(blocks)
}

/// True when the input is ASCII armored text rather than binary packets.
fn is_armored(input: &[u8]) -> bool {
    match input.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(&b) if b & 0x80 != 0 => false,
        Some(_) => input.windows(15).any(|w| w == b"-----BEGIN PGP "),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Packets

/// Packet tags that may use partial body lengths (RFC 9580 §4.2.1.4).
fn partial_allowed(tag: u8) -> bool {
    matches!(tag, 8 | 9 | 11 | 18 | 20)
}

/// One packet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Packet<'a> {
    tag: u8,
    body: Cow<'a, [u8]>,
    offset: usize,
    index: usize,
}

/// Iterates over the packets of binary data; stops after the first error.
struct Packets<'a> {
    data: &'a [u8],
    pos: usize,
    index: usize,
    failed: bool,
}

impl<'a> Packets<'a> {
    fn new(data: &'a [u8]) -> Packets<'a> {
        Packets {
            data,
            pos: 0,
            index: 0,
            failed: false,
        }
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::Packet {
            index: self.index,
            offset,
            message: message.into(),
        }
    }

    fn byte(&self, at: usize, offset: usize, what: &str) -> Result<u8, Error> {
        self.data
            .get(at)
            .copied()
            .ok_or_else(|| self.err(offset, format!("the data ends inside the {what}")))
    }

    fn be(&self, at: usize, n: usize, offset: usize) -> Result<usize, Error> {
        let mut v = 0usize;
        for k in 0..n {
            v = (v << 8) | usize::from(self.byte(at + k, offset, "length field")?);
        }
        Ok(v)
    }

    fn read(&mut self) -> Result<Packet<'a>, Error> {
        let offset = self.pos;
        let b0 = self.byte(offset, offset, "packet header")?;
        if b0 & 0x80 == 0 {
            return Err(self.err(
                offset,
                format!("0x{b0:02x} is not a packet header (its top bit is clear)"),
            ));
        }
        let mut p = offset + 1;
        let take = |this: &Self, start: usize, len: usize| -> Result<&'a [u8], Error> {
            start
                .checked_add(len)
                .and_then(|end| this.data.get(start..end))
                .ok_or_else(|| {
                    this.err(
                        offset,
                        format!(
                            "the body length {len} runs past the end of the data ({} bytes left)",
                            this.data.len().saturating_sub(start)
                        ),
                    )
                })
        };
        let (tag, body): (u8, Cow<'a, [u8]>) = if b0 & 0x40 != 0 {
            let tag = b0 & 0x3F;
            let mut chunks: Option<Vec<u8>> = None;
            loop {
                let o1 = self.byte(p, offset, "length field")?;
                p += 1;
                let len = match o1 {
                    0..=191 => usize::from(o1),
                    192..=223 => {
                        let o2 = self.byte(p, offset, "length field")?;
                        p += 1;
                        ((usize::from(o1) - 192) << 8) + usize::from(o2) + 192
                    }
                    255 => {
                        let v = self.be(p, 4, offset)?;
                        p += 4;
                        v
                    }
                    _ => {
                        if !partial_allowed(tag) {
                            return Err(self.err(
                                offset,
                                format!(
                                    "a partial body length is not allowed for packet type {tag}"
                                ),
                            ));
                        }
                        let len = 1usize << (o1 & 0x1F);
                        let chunk = take(self, p, len)?;
                        p += len;
                        chunks.get_or_insert_with(Vec::new).extend_from_slice(chunk);
                        continue;
                    }
                };
                let chunk = take(self, p, len)?;
                p += len;
                break match chunks {
                    Some(mut all) => {
                        all.extend_from_slice(chunk);
                        (tag, Cow::Owned(all))
                    }
                    None => (tag, Cow::Borrowed(chunk)),
                };
            }
        } else {
            let tag = (b0 >> 2) & 0x0F;
            let len = match b0 & 3 {
                0 => {
                    p += 1;
                    self.be(p - 1, 1, offset)?
                }
                1 => {
                    p += 2;
                    self.be(p - 2, 2, offset)?
                }
                2 => {
                    p += 4;
                    self.be(p - 4, 4, offset)?
                }
                _ => self.data.len().saturating_sub(p),
            };
            let body = take(self, p, len)?;
            p += len;
            (tag, Cow::Borrowed(body))
        };
        if tag == 0 {
            return Err(self.err(offset, "packet type 0 is reserved and never valid"));
        }
        self.pos = p;
        let index = self.index;
        self.index += 1;
        Ok(Packet {
            tag,
            body,
            offset,
            index,
        })
    }
}

impl<'a> Iterator for Packets<'a> {
    type Item = Result<Packet<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let r = self.read();
        if r.is_err() {
            self.failed = true;
        }
        Some(r)
    }
}

/// A cursor over a packet body; errors are short phrases.
struct Cur<'a> {
    buf: &'a [u8],
}

impl<'a> Cur<'a> {
    fn new(buf: &'a [u8]) -> Cur<'a> {
        Cur { buf }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if n > self.buf.len() {
            return Err(format!("the data ends inside the {what}"));
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.take(1, what)?.first().copied().unwrap_or(0))
    }

    fn be(&mut self, n: usize, what: &str) -> Result<u32, String> {
        Ok(self
            .take(n, what)?
            .iter()
            .fold(0u32, |v, &b| (v << 8) | u32::from(b)))
    }

    fn mpi(&mut self, what: &str) -> Result<&'a [u8], String> {
        let bits = self.be(2, what)? as usize;
        self.take(bits.div_ceil(8), what)
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

const OID_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const OID_ED25519_LEGACY: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01];
const OID_P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x23];

fn curve_name(oid: &[u8]) -> &'static str {
    match oid {
        OID_P256 => "NIST P-256",
        OID_P384 => "NIST P-384",
        OID_P521 => "NIST P-521",
        OID_ED25519_LEGACY => "Ed25519",
        _ => "an unknown curve",
    }
}

fn algorithm_name(algo: u8) -> String {
    match algo {
        1 => "RSA".into(),
        2 => "RSA (encrypt-only)".into(),
        3 => "RSA (sign-only)".into(),
        16 => "ElGamal".into(),
        17 => "DSA".into(),
        18 => "ECDH".into(),
        19 => "ECDSA".into(),
        22 => "EdDSA (legacy)".into(),
        25 => "X25519".into(),
        26 => "X448".into(),
        27 => "Ed25519".into(),
        28 => "Ed448".into(),
        other => format!("public-key algorithm {other}"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Material {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    P256 { point: Vec<u8> },
    Ed25519([u8; 32]),
    Unsupported(String),
}

/// A public key or subkey packet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    version: u8,
    created: u32,
    algorithm: u8,
    material: Material,
    fingerprint: Vec<u8>,
    key_id: [u8; 8],
    body: Vec<u8>,
}

enum KeyError {
    Version(u8),
    Bad(String),
}

fn parse_material(algo: u8, m: &[u8]) -> Result<Material, String> {
    let mut c = Cur::new(m);
    Ok(match algo {
        1 | 3 => {
            let n = c.mpi("RSA modulus")?.to_vec();
            let e = c.mpi("RSA exponent")?.to_vec();
            Material::Rsa { n, e }
        }
        19 | 22 => {
            let oid_len = c.u8("curve OID")?;
            if oid_len == 0 || oid_len == 0xFF {
                return Err(format!("curve OID length {oid_len} is reserved"));
            }
            let oid = c.take(usize::from(oid_len), "curve OID")?;
            let point = c.mpi("public point")?;
            match (algo, oid) {
                (19, OID_P256) => Material::P256 {
                    point: point.to_vec(),
                },
                (22, OID_ED25519_LEGACY) => match point.split_first() {
                    Some((0x40, k)) => match <[u8; 32]>::try_from(k) {
                        Ok(k) => Material::Ed25519(k),
                        Err(_) => return Err("the Ed25519 point is not 32 bytes".into()),
                    },
                    _ => return Err("the Ed25519 point lacks its 0x40 prefix".into()),
                },
                _ => Material::Unsupported(format!(
                    "{} over {}",
                    algorithm_name(algo),
                    curve_name(oid)
                )),
            }
        }
        27 => match <[u8; 32]>::try_from(c.take(32, "Ed25519 key")?) {
            Ok(k) => Material::Ed25519(k),
            Err(_) => return Err("the Ed25519 key is not 32 bytes".into()),
        },
        other => Material::Unsupported(algorithm_name(other)),
    })
}

fn parse_key(body: &[u8]) -> Result<Key, KeyError> {
    let mut c = Cur::new(body);
    let bad = KeyError::Bad;
    let version = c.u8("key version").map_err(bad)?;
    if version != 4 && version != 6 {
        return Err(KeyError::Version(version));
    }
    let created = c.be(4, "creation time").map_err(bad)?;
    let algorithm = c.u8("key algorithm").map_err(bad)?;
    let material_bytes = if version == 6 {
        let len = c.be(4, "key material length").map_err(bad)? as usize;
        let m = c.take(len, "key material").map_err(bad)?;
        if !c.is_empty() {
            return Err(bad("bytes after the key material".to_string()));
        }
        m
    } else {
        c.rest()
    };
    let material = parse_material(algorithm, material_bytes).map_err(bad)?;
    let (fingerprint, key_id) = if version == 4 {
        let len = u16::try_from(body.len())
            .map_err(|_| bad("a version 4 key packet longer than 65535 bytes".to_string()))?;
        let mut h = Hasher::new(HashAlg::Sha1);
        h.update(&[0x99]);
        h.update(&len.to_be_bytes());
        h.update(body);
        let fp = h.finalize();
        let id = fp.get(12..20).and_then(|s| <[u8; 8]>::try_from(s).ok());
        (fp, id.unwrap_or_default())
    } else {
        let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
        let mut h = Hasher::new(HashAlg::Sha256);
        h.update(&[0x9B]);
        h.update(&len.to_be_bytes());
        h.update(body);
        let fp = h.finalize();
        let id = fp.get(..8).and_then(|s| <[u8; 8]>::try_from(s).ok());
        (fp, id.unwrap_or_default())
    };
    Ok(Key {
        version,
        created,
        algorithm,
        material,
        fingerprint,
        key_id,
        body: body.to_vec(),
    })
}

fn hash_key(h: &mut Hasher, key: &Key) {
    if key.version == 6 {
        h.update(&[0x9B]);
        h.update(
            &u32::try_from(key.body.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
    } else {
        h.update(&[0x99]);
        h.update(
            &u16::try_from(key.body.len())
                .unwrap_or(u16::MAX)
                .to_be_bytes(),
        );
    }
    h.update(&key.body);
}

fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Signatures

#[derive(Debug, Clone, PartialEq, Eq)]
enum SigMaterial {
    Rsa(Vec<u8>),
    Ecdsa { r: Vec<u8>, s: Vec<u8> },
    EdLegacy { r: Vec<u8>, s: Vec<u8> },
    Ed25519([u8; 64]),
    Other,
}

/// A signature packet, as far as checking needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Sig {
    version: u8,
    sig_type: u8,
    pk_algo: u8,
    hash_algo: u8,
    /// The hashed part: version through the end of the hashed subpackets.
    hashed_prefix: Vec<u8>,
    left16: [u8; 2],
    salt: Vec<u8>,
    material: Option<SigMaterial>,
    created: Option<u32>,
    key_expires_in: Option<u32>,
    key_flags: Option<u8>,
    primary_uid: bool,
    revocation_reason: Option<u8>,
    issuer_id: Option<[u8; 8]>,
    issuer_fp: Option<Vec<u8>>,
    embedded: Vec<Sig>,
    unknown_critical: Option<u8>,
}

enum SigError {
    Unsupported(String),
    Malformed(String),
}

impl Sig {
    fn issuer_text(&self) -> String {
        if let Some(fp) = &self.issuer_fp {
            hex_upper(fp)
        } else if let Some(id) = &self.issuer_id {
            hex_upper(id)
        } else {
            "(the signature names no issuer)".to_string()
        }
    }

    fn issued_by(&self, key: &Key) -> bool {
        match (&self.issuer_fp, &self.issuer_id) {
            (Some(fp), _) => *fp == key.fingerprint,
            (None, Some(id)) => *id == key.key_id,
            (None, None) => true,
        }
    }
}

fn parse_subpackets(area: &[u8], hashed: bool, sig: &mut Sig, depth: u8) -> Result<(), String> {
    let mut c = Cur::new(area);
    while !c.is_empty() {
        let o1 = c.u8("subpacket length")?;
        let len = match o1 {
            0..=191 => usize::from(o1),
            192..=254 => {
                ((usize::from(o1) - 192) << 8) + usize::from(c.u8("subpacket length")?) + 192
            }
            255 => c.be(4, "subpacket length")? as usize,
        };
        if len == 0 {
            return Err("a subpacket has length 0".to_string());
        }
        let sp = c.take(len, "subpacket")?;
        let (&ty, data) = sp.split_first().ok_or("an empty subpacket")?;
        let critical = ty & 0x80 != 0;
        let ty = ty & 0x7F;
        let u32_of = |d: &[u8]| -> Result<u32, String> {
            <[u8; 4]>::try_from(d)
                .map(u32::from_be_bytes)
                .map_err(|_| format!("subpacket {ty} must be 4 bytes, not {}", d.len()))
        };
        match ty {
            2 if hashed => sig.created = Some(u32_of(data)?),
            9 if hashed => sig.key_expires_in = Some(u32_of(data)?),
            27 if hashed => sig.key_flags = Some(data.first().copied().unwrap_or(0)),
            25 if hashed => sig.primary_uid = data.first().is_some_and(|&b| b != 0),
            29 if hashed => sig.revocation_reason = data.first().copied(),
            16 => {
                if sig.issuer_id.is_none() || hashed {
                    sig.issuer_id = <[u8; 8]>::try_from(data).ok();
                }
            }
            33 => {
                if (sig.issuer_fp.is_none() || hashed)
                    && let Some((_, fp)) = data.split_first()
                    && (fp.len() == 20 || fp.len() == 32)
                {
                    sig.issuer_fp = Some(fp.to_vec());
                }
            }
            32 => {
                if depth == 0
                    && let Ok(inner) = parse_sig(data, 1)
                {
                    sig.embedded.push(inner);
                }
            }
            // Understood well enough to be harmless when critical.
            2 | 3 | 4 | 5 | 6 | 7 | 9 | 11 | 12 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29
            | 30 | 31 | 34 | 35 | 37 | 38 | 39 => {}
            _ => {
                if critical && hashed && sig.unknown_critical.is_none() {
                    sig.unknown_critical = Some(ty);
                }
            }
        }
    }
    Ok(())
}

fn parse_sig(body: &[u8], depth: u8) -> Result<Sig, SigError> {
    let m = SigError::Malformed;
    let mut c = Cur::new(body);
    let version = c.u8("signature version").map_err(m)?;
    if version != 4 && version != 6 {
        return Err(SigError::Unsupported(format!(
            "version {version} signatures are not supported"
        )));
    }
    let sig_type = c.u8("signature type").map_err(m)?;
    let pk_algo = c.u8("public-key algorithm").map_err(m)?;
    let hash_algo = c.u8("hash algorithm").map_err(m)?;
    let width = if version == 6 { 4 } else { 2 };
    let hlen = c.be(width, "hashed subpacket length").map_err(m)? as usize;
    let hashed = c.take(hlen, "hashed subpackets").map_err(m)?;
    let ulen = c.be(width, "unhashed subpacket length").map_err(m)? as usize;
    let unhashed = c.take(ulen, "unhashed subpackets").map_err(m)?;
    let left = c.take(2, "hash quick check").map_err(m)?;
    let mut sig = Sig {
        version,
        sig_type,
        pk_algo,
        hash_algo,
        left16: [
            left.first().copied().unwrap_or(0),
            left.get(1).copied().unwrap_or(0),
        ],
        ..Sig::default()
    };
    let prefix_len = 4 + width + hlen;
    sig.hashed_prefix = body.get(..prefix_len).unwrap_or(&[]).to_vec();
    if version == 6 {
        let salt_len = c.u8("salt length").map_err(m)?;
        sig.salt = c.take(usize::from(salt_len), "salt").map_err(m)?.to_vec();
    }
    parse_subpackets(hashed, true, &mut sig, depth).map_err(m)?;
    parse_subpackets(unhashed, false, &mut sig, depth).map_err(m)?;
    let material = match pk_algo {
        1 | 3 => SigMaterial::Rsa(c.mpi("RSA signature").map_err(m)?.to_vec()),
        19 => {
            let r = c.mpi("ECDSA r").map_err(m)?.to_vec();
            let s = c.mpi("ECDSA s").map_err(m)?.to_vec();
            SigMaterial::Ecdsa { r, s }
        }
        22 => {
            let r = c.mpi("EdDSA r").map_err(m)?.to_vec();
            let s = c.mpi("EdDSA s").map_err(m)?.to_vec();
            SigMaterial::EdLegacy { r, s }
        }
        27 => match <[u8; 64]>::try_from(c.take(64, "Ed25519 signature").map_err(m)?) {
            Ok(s) => SigMaterial::Ed25519(s),
            Err(_) => return Err(m("the Ed25519 signature is not 64 bytes".to_string())),
        },
        _ => {
            c.rest();
            SigMaterial::Other
        }
    };
    if !c.is_empty() {
        return Err(m("bytes after the signature values".to_string()));
    }
    sig.material = Some(material);
    Ok(sig)
}

/// What a signature is used for, which decides the hash policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Document,
    SelfSig,
}

/// Either a verdict on a signature or the reason it cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fail {
    Bad(String),
    Unsupported(String),
    Malformed(String),
}

impl Fail {
    fn into_outcome(self) -> Outcome {
        match self {
            Fail::Bad(reason) => Outcome::Bad { reason },
            Fail::Unsupported(reason) => Outcome::Unsupported { reason },
            Fail::Malformed(reason) => Outcome::Malformed { reason },
        }
    }

    fn text(&self) -> &str {
        match self {
            Fail::Bad(s) | Fail::Unsupported(s) | Fail::Malformed(s) => s,
        }
    }
}

fn hash_for(algo: u8, usage: Use) -> Result<HashAlg, Fail> {
    match algo {
        8 => Ok(HashAlg::Sha256),
        9 => Ok(HashAlg::Sha384),
        10 => Ok(HashAlg::Sha512),
        11 => Ok(HashAlg::Sha224),
        2 if usage == Use::SelfSig => Ok(HashAlg::Sha1),
        1 => Err(Fail::Bad("the signature uses MD5, a broken hash".into())),
        2 => Err(Fail::Bad(
            "the signature uses SHA-1, a hash too weak to trust for signatures".into(),
        )),
        3 => Err(Fail::Bad(
            "the signature uses RIPEMD-160, a hash too weak to trust for signatures".into(),
        )),
        12 | 14 => Err(Fail::Unsupported(format!(
            "SHA-3 (hash algorithm {algo}) is not supported"
        ))),
        other => Err(Fail::Unsupported(format!(
            "hash algorithm {other} is not supported"
        ))),
    }
}

fn salt_len(h: HashAlg) -> usize {
    match h {
        HashAlg::Sha384 => 24,
        HashAlg::Sha512 => 32,
        HashAlg::Sha1 | HashAlg::Sha224 | HashAlg::Sha256 => 16,
    }
}

/// Check `sig`, made by `key`, over what `feed` hashes. Checks the hash policy, critical
/// subpackets, the quick check and the signature values; not the key's validity.
fn check_sig(sig: &Sig, key: &Key, usage: Use, feed: &dyn Fn(&mut Hasher)) -> Result<(), Fail> {
    let alg = hash_for(sig.hash_algo, usage)?;
    if let Some(t) = sig.unknown_critical {
        return Err(Fail::Bad(format!(
            "the signature has a critical subpacket of unknown type {t}"
        )));
    }
    if sig.created.is_none() {
        return Err(Fail::Malformed(
            "the signature has no hashed creation time".into(),
        ));
    }
    if sig.version == 6 && sig.salt.len() != salt_len(alg) {
        return Err(Fail::Malformed(format!(
            "a version 6 signature with {} needs a {}-byte salt, not {}",
            alg.name(),
            salt_len(alg),
            sig.salt.len()
        )));
    }
    if let Material::Unsupported(what) = &key.material {
        return Err(Fail::Unsupported(format!(
            "key {} uses {what}, which is not supported",
            hex_upper(&key.fingerprint)
        )));
    }
    let same_algo = sig.pk_algo == key.algorithm
        || (matches!(sig.pk_algo, 1 | 3) && matches!(key.algorithm, 1 | 3));
    if !same_algo {
        return Err(Fail::Bad(format!(
            "the signature claims {} but key {} is {}",
            algorithm_name(sig.pk_algo),
            hex_upper(&key.fingerprint),
            algorithm_name(key.algorithm)
        )));
    }
    let mut h = Hasher::new(alg);
    if sig.version == 6 {
        h.update(&sig.salt);
    }
    feed(&mut h);
    h.update(&sig.hashed_prefix);
    h.update(&[sig.version, 0xFF]);
    h.update(
        &u32::try_from(sig.hashed_prefix.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    let digest = h.finalize();
    if digest.get(..2) != Some(&sig.left16[..]) {
        return Err(Fail::Bad(
            "the signed data does not match the signature (hash quick check failed): the \
             data or the signature was altered"
                .into(),
        ));
    }
    let result = match (&key.material, &sig.material) {
        (Material::Rsa { n, e }, Some(SigMaterial::Rsa(s))) => {
            crypto::rsa_verify(n, e, alg, &digest, s)
        }
        (Material::P256 { point }, Some(SigMaterial::Ecdsa { r, s })) => {
            crypto::p256_verify(point, &digest, r, s)
        }
        (Material::Ed25519(k), Some(SigMaterial::EdLegacy { r, s })) => {
            match (crypto::pad_left::<32>(r), crypto::pad_left::<32>(s)) {
                (Some(r), Some(s)) => {
                    let mut sig64 = [0u8; 64];
                    sig64[..32].copy_from_slice(&r);
                    sig64[32..].copy_from_slice(&s);
                    crypto::ed25519_verify(k, &digest, &sig64)
                }
                _ => Err("the EdDSA signature values are longer than 32 bytes".to_string()),
            }
        }
        (Material::Ed25519(k), Some(SigMaterial::Ed25519(s))) => {
            crypto::ed25519_verify(k, &digest, s)
        }
        _ => Err("the signature values do not fit the key's algorithm".to_string()),
    };
    result.map_err(|e| {
        Fail::Bad(format!(
            "{e} with key {}: the data or the signature was altered",
            hex_upper(&key.fingerprint)
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Keyring

#[derive(Debug, Clone, PartialEq, Eq)]
struct Revocation {
    hard: bool,
    at: i64,
}

/// The validity of a primary key or subkey, worked out from its self-signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyState {
    /// Why the key is not bound to the certificate, if it is not.
    unbound: Option<Fail>,
    /// Why the key may not make document signatures, if it may not.
    no_signing: Option<String>,
    expires_at: Option<i64>,
    revoked: Option<Revocation>,
}

/// A user ID of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserId {
    value: String,
    valid: bool,
    primary: bool,
}

impl UserId {
    /// The user ID text (lossily decoded UTF-8).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// True when a valid, unrevoked self-signature binds it to the key.
    pub fn is_valid(&self) -> bool {
        self.valid
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Subkey {
    key: Key,
    state: KeyState,
}

/// One transferable public key (certificate): a primary key, its user IDs and subkeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    primary: Key,
    state: KeyState,
    user_ids: Vec<UserId>,
    subkeys: Vec<Subkey>,
}

impl Cert {
    /// The primary key's fingerprint, uppercase hex.
    pub fn fingerprint(&self) -> String {
        hex_upper(&self.primary.fingerprint)
    }

    /// The primary key's 16-digit key ID, uppercase hex.
    pub fn key_id(&self) -> String {
        hex_upper(&self.primary.key_id)
    }

    /// The key's version (4 or 6).
    pub fn version(&self) -> u8 {
        self.primary.version
    }

    /// The user IDs, valid or not, in packet order.
    pub fn user_ids(&self) -> &[UserId] {
        &self.user_ids
    }

    /// The primary user ID: the valid one flagged primary, else the first valid one.
    pub fn primary_user_id(&self) -> Option<&str> {
        self.user_ids
            .iter()
            .find(|u| u.valid && u.primary)
            .or_else(|| self.user_ids.iter().find(|u| u.valid))
            .map(|u| u.value.as_str())
    }

    /// The subkeys' fingerprints, uppercase hex, in packet order.
    pub fn subkey_fingerprints(&self) -> Vec<String> {
        self.subkeys
            .iter()
            .map(|s| hex_upper(&s.key.fingerprint))
            .collect()
    }

    /// Whether the primary key is bound by a valid self-signature; the error says why not.
    pub fn validity(&self) -> Result<(), String> {
        match &self.state.unbound {
            Some(f) => Err(f.text().to_string()),
            None => Ok(()),
        }
    }
}

/// A set of certificates to check signatures against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keyring {
    certs: Vec<Cert>,
    notes: Vec<String>,
}

struct RawUid {
    data: Vec<u8>,
    attribute: bool,
    sigs: Vec<Sig>,
}

struct RawSub {
    key: Key,
    sigs: Vec<Sig>,
}

struct RawCert {
    primary: Key,
    direct: Vec<Sig>,
    uids: Vec<RawUid>,
    subs: Vec<RawSub>,
}

impl Keyring {
    /// Read a keyring: ASCII armored (any number of `PUBLIC KEY BLOCK`s, text around them is
    /// skipped) or binary, one or many transferable public keys. Errors name the armor line or
    /// the packet and its offset. Keys of unsupported versions or algorithms, secret keys and
    /// unreadable third-party signatures are skipped and described in [`Keyring::notes`].
    pub fn parse(bytes: &[u8]) -> Result<Keyring, Error> {
        let mut ring = Keyring::default();
        if is_armored(bytes) {
            let blocks = dearmor(bytes)?;
            let mut any = false;
            for b in blocks {
                if b.label == "PGP PUBLIC KEY BLOCK" || b.label == "PGP PRIVATE KEY BLOCK" {
                    any = true;
                    ring.add_binary(&b.data)?;
                } else {
                    ring.notes
                        .push(format!("armor block {} (line {}) skipped", b.label, b.line));
                }
            }
            if !any {
                return Err(Error::Empty(
                    "no \"-----BEGIN PGP PUBLIC KEY BLOCK-----\" block was found".to_string(),
                ));
            }
        } else {
            match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
                None => return Err(Error::Empty("the keyring is empty".to_string())),
                Some(&b) if b & 0x80 == 0 => {
                    return Err(Error::Empty(
                        "no \"-----BEGIN PGP PUBLIC KEY BLOCK-----\" block was found, and the \
                         input is not binary OpenPGP data"
                            .to_string(),
                    ));
                }
                Some(_) => {}
            }
            ring.add_binary(bytes)?;
        }
        Ok(ring)
    }

    fn add_binary(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut current: Option<RawCert> = None;
        let mut skipping = false;
        for packet in Packets::new(data) {
            let packet = packet?;
            let perr = |message: String| Error::Packet {
                index: packet.index,
                offset: packet.offset,
                message,
            };
            match packet.tag {
                6 => {
                    if let Some(raw) = current.take() {
                        self.finish(raw);
                    }
                    skipping = false;
                    match parse_key(&packet.body) {
                        Ok(key) => {
                            current = Some(RawCert {
                                primary: key,
                                direct: Vec::new(),
                                uids: Vec::new(),
                                subs: Vec::new(),
                            });
                        }
                        Err(KeyError::Version(v)) => {
                            skipping = true;
                            self.notes.push(format!(
                                "packet {} at byte {}: a version {v} public key is not \
                                 supported; it and its subkeys were skipped",
                                packet.index, packet.offset
                            ));
                        }
                        Err(KeyError::Bad(m)) => return Err(perr(format!("public key: {m}"))),
                    }
                }
                5 => {
                    if let Some(raw) = current.take() {
                        self.finish(raw);
                    }
                    skipping = true;
                    self.notes.push(format!(
                        "packet {} at byte {}: a secret key was skipped (export the public key)",
                        packet.index, packet.offset
                    ));
                }
                _ if skipping => {}
                14 => {
                    let Some(raw) = current.as_mut() else {
                        return Err(perr("a subkey comes before any primary key".to_string()));
                    };
                    match parse_key(&packet.body) {
                        Ok(key) => raw.subs.push(RawSub {
                            key,
                            sigs: Vec::new(),
                        }),
                        Err(KeyError::Version(v)) => self.notes.push(format!(
                            "packet {} at byte {}: a version {v} subkey was skipped",
                            packet.index, packet.offset
                        )),
                        Err(KeyError::Bad(m)) => return Err(perr(format!("subkey: {m}"))),
                    }
                }
                13 | 17 => {
                    let Some(raw) = current.as_mut() else {
                        return Err(perr("a user ID comes before any primary key".to_string()));
                    };
                    raw.uids.push(RawUid {
                        data: packet.body.to_vec(),
                        attribute: packet.tag == 17,
                        sigs: Vec::new(),
                    });
                }
                2 => {
                    let Some(raw) = current.as_mut() else {
                        return Err(perr("a signature comes before any primary key".to_string()));
                    };
                    let sig = match parse_sig(&packet.body, 0) {
                        Ok(sig) => sig,
                        Err(SigError::Unsupported(m) | SigError::Malformed(m)) => {
                            self.notes.push(format!(
                                "packet {} at byte {}: signature skipped: {m}",
                                packet.index, packet.offset
                            ));
                            continue;
                        }
                    };
                    // Only self-signatures matter; third-party certifications are dropped.
                    if !sig.issued_by(&raw.primary) {
                        continue;
                    }
                    if let Some(sub) = raw.subs.last_mut() {
                        sub.sigs.push(sig);
                    } else if let Some(uid) = raw.uids.last_mut() {
                        uid.sigs.push(sig);
                    } else {
                        raw.direct.push(sig);
                    }
                }
                // Trust and marker packets.
                12 | 10 => {}
                7 => self.notes.push(format!(
                    "packet {} at byte {}: a secret subkey was skipped",
                    packet.index, packet.offset
                )),
                other => self.notes.push(format!(
                    "packet {} at byte {}: packet type {other} does not belong in a keyring; \
                     skipped",
                    packet.index, packet.offset
                )),
            }
        }
        if let Some(raw) = current.take() {
            self.finish(raw);
        }
        Ok(())
    }

    fn finish(&mut self, raw: RawCert) {
        let primary = raw.primary;
        let fp = hex_upper(&primary.fingerprint);
        if let Material::Unsupported(what) = &primary.material {
            self.notes
                .push(format!("key {fp} uses {what}, which is not supported"));
        }
        let self_check = |sig: &Sig, feed: &dyn Fn(&mut Hasher)| -> Result<(), Fail> {
            check_sig(sig, &primary, Use::SelfSig, &|h| {
                hash_key(h, &primary);
                feed(h);
            })
        };
        // User IDs.
        let mut user_ids = Vec::new();
        let mut binding: Option<&Sig> = None;
        let mut first_failure: Option<Fail> = None;
        for uid in &raw.uids {
            let prefix = if uid.attribute { 0xD1 } else { 0xB4 };
            let feed = |h: &mut Hasher| {
                h.update(&[prefix]);
                h.update(
                    &u32::try_from(uid.data.len())
                        .unwrap_or(u32::MAX)
                        .to_be_bytes(),
                );
                h.update(&uid.data);
            };
            let mut latest: Option<&Sig> = None;
            let mut revoked = false;
            for sig in &uid.sigs {
                match sig.sig_type {
                    0x10..=0x13 => match self_check(sig, &feed) {
                        Ok(()) => {
                            if latest.is_none_or(|l| l.created < sig.created) {
                                latest = Some(sig);
                            }
                        }
                        Err(f) => {
                            first_failure.get_or_insert(f);
                        }
                    },
                    0x30 => revoked |= self_check(sig, &feed).is_ok(),
                    _ => {}
                }
            }
            let valid = latest.is_some() && !revoked;
            if valid && binding.is_none_or(|b| b.created < latest.and_then(|l| l.created)) {
                binding = latest;
            }
            if !uid.attribute {
                user_ids.push(UserId {
                    value: String::from_utf8_lossy(&uid.data).into_owned(),
                    valid,
                    primary: valid && latest.is_some_and(|l| l.primary_uid),
                });
            }
        }
        let mut revoked = None;
        for sig in &raw.direct {
            match sig.sig_type {
                0x1F => match self_check(sig, &|_| {}) {
                    Ok(()) => {
                        if binding.is_none_or(|b| b.created < sig.created) {
                            binding = Some(sig);
                        }
                    }
                    Err(f) => {
                        first_failure.get_or_insert(f);
                    }
                },
                0x20 if self_check(sig, &|_| {}).is_ok() => {
                    revoked = Some(revocation(sig));
                }
                _ => {}
            }
        }
        let state = key_state(&primary, binding, revoked, || match first_failure {
            Some(Fail::Unsupported(m)) => {
                Fail::Unsupported(format!("key {fp}'s self-signatures cannot be checked: {m}"))
            }
            Some(f) => Fail::Bad(format!(
                "key {fp} has no valid self-signature ({})",
                f.text()
            )),
            None => Fail::Bad(format!(
                "key {fp} has no self-signature binding a user ID or the key itself"
            )),
        });
        // Subkeys.
        let mut subkeys = Vec::new();
        for sub in raw.subs {
            let key = sub.key;
            let sfp = hex_upper(&key.fingerprint);
            let feed = |h: &mut Hasher| hash_key(h, &key);
            let mut binding: Option<&Sig> = None;
            let mut revoked = None;
            let mut failure: Option<Fail> = None;
            for sig in &sub.sigs {
                match sig.sig_type {
                    0x18 => match self_check(sig, &feed) {
                        Ok(()) => {
                            if binding.is_none_or(|b| b.created < sig.created) {
                                binding = Some(sig);
                            }
                        }
                        Err(f) => {
                            failure.get_or_insert(f);
                        }
                    },
                    0x28 if self_check(sig, &feed).is_ok() => {
                        revoked = Some(revocation(sig));
                    }
                    _ => {}
                }
            }
            let mut st = key_state(&key, binding, revoked, || match failure {
                Some(Fail::Unsupported(m)) => {
                    Fail::Unsupported(format!("subkey {sfp}'s binding cannot be checked: {m}"))
                }
                Some(f) => Fail::Bad(format!(
                    "subkey {sfp} has no valid binding signature ({})",
                    f.text()
                )),
                None => Fail::Bad(format!("subkey {sfp} has no binding signature")),
            });
            if st.no_signing.is_none()
                && let Some(b) = binding
            {
                let back = b.embedded.iter().filter(|e| e.sig_type == 0x19).any(|e| {
                    check_sig(e, &key, Use::SelfSig, &|h| {
                        hash_key(h, &primary);
                        hash_key(h, &key);
                    })
                    .is_ok()
                });
                if !back {
                    st.no_signing = Some(format!(
                        "signing subkey {sfp} is not cross-certified (it has no valid \
                         primary key binding back-signature)"
                    ));
                }
            }
            subkeys.push(Subkey { key, state: st });
        }
        self.certs.push(Cert {
            primary,
            state,
            user_ids,
            subkeys,
        });
    }

    /// The certificates, in input order.
    pub fn certs(&self) -> &[Cert] {
        &self.certs
    }

    /// What was skipped while reading, one sentence each.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// True when there is no certificate.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

fn revocation(sig: &Sig) -> Revocation {
    Revocation {
        // Key superseded (1) or retired (3) are soft: earlier signatures stay valid.
        hard: !matches!(sig.revocation_reason, Some(1 | 3)),
        at: i64::from(sig.created.unwrap_or(0)),
    }
}

fn key_state(
    key: &Key,
    binding: Option<&Sig>,
    revoked: Option<Revocation>,
    unbound: impl FnOnce() -> Fail,
) -> KeyState {
    let fp = hex_upper(&key.fingerprint);
    match binding {
        None => KeyState {
            unbound: Some(unbound()),
            no_signing: None,
            expires_at: None,
            revoked,
        },
        Some(b) => {
            let algo_signs = matches!(key.algorithm, 1 | 3 | 17 | 19 | 22 | 27 | 28);
            let no_signing = if !algo_signs {
                Some(format!(
                    "key {fp} uses {}, which cannot sign",
                    algorithm_name(key.algorithm)
                ))
            } else if b.key_flags.is_some_and(|f| f & 0x02 == 0) {
                Some(format!("key {fp} is not flagged for signing data"))
            } else {
                None
            };
            KeyState {
                unbound: None,
                no_signing,
                expires_at: b
                    .key_expires_in
                    .filter(|&s| s > 0)
                    .map(|s| i64::from(key.created) + i64::from(s)),
                revoked,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Verification

/// Hash a document for signature type 0x00 (as is) or 0x01 (lone LF made CR LF).
fn hash_document(h: &mut Hasher, data: &[u8], sig_type: u8) {
    if sig_type != 0x01 {
        h.update(data);
        return;
    }
    let mut prev = 0u8;
    for seg in data.split_inclusive(|&b| b == b'\n') {
        match seg.split_last() {
            Some((b'\n', head)) => {
                let before = head.last().copied().unwrap_or(prev);
                if before == b'\r' {
                    h.update(seg);
                } else {
                    h.update(head);
                    h.update(b"\r\n");
                }
            }
            _ => h.update(seg),
        }
        prev = seg.last().copied().unwrap_or(prev);
    }
}

fn read_signatures(input: &[u8]) -> Result<Vec<Result<Sig, SigError>>, String> {
    let data: Cow<'_, [u8]> = if is_armored(input) {
        let blocks = dearmor(input).map_err(|e| e.to_string())?;
        let block = blocks
            .into_iter()
            .find(|b| b.label == "PGP SIGNATURE")
            .ok_or("no \"-----BEGIN PGP SIGNATURE-----\" block was found")?;
        Cow::Owned(block.data)
    } else {
        if input.is_empty() {
            return Err("the signature is empty".to_string());
        }
        if input.first().is_some_and(|&b| b & 0x80 == 0) {
            return Err("this is neither an armored nor a binary OpenPGP signature".to_string());
        }
        Cow::Borrowed(input)
    };
    let mut sigs = Vec::new();
    for packet in Packets::new(&data) {
        let packet = packet.map_err(|e| e.to_string())?;
        match packet.tag {
            2 => sigs.push(parse_sig(&packet.body, 0)),
            10 => {}
            other => {
                return Err(format!(
                    "packet {} at byte {} is of type {other}, not a signature",
                    packet.index, packet.offset
                ));
            }
        }
    }
    if sigs.is_empty() {
        return Err("the input holds no signature packet".to_string());
    }
    Ok(sigs)
}

/// Check one signature over `data` against the keyring.
fn evaluate(sig: &Sig, data: &[u8], keyring: &Keyring) -> Outcome {
    if !matches!(sig.sig_type, 0x00 | 0x01) {
        return Outcome::Bad {
            reason: format!(
                "signature type 0x{:02x} is not a signature over a document",
                sig.sig_type
            ),
        };
    }
    if let Err(f) = hash_for(sig.hash_algo, Use::Document) {
        return f.into_outcome();
    }
    let mut first: Option<Outcome> = None;
    let mut found = false;
    for cert in &keyring.certs {
        let keys = std::iter::once((&cert.primary, &cert.state))
            .chain(cert.subkeys.iter().map(|s| (&s.key, &s.state)));
        for (key, state) in keys {
            if !sig.issued_by(key) {
                continue;
            }
            found = true;
            let outcome = match check_sig(sig, key, Use::Document, &|h| {
                hash_document(h, data, sig.sig_type);
            }) {
                Err(f) => f.into_outcome(),
                Ok(()) => judge_key(sig, cert, key, state),
            };
            if outcome.is_good() {
                return outcome;
            }
            first.get_or_insert(outcome);
        }
    }
    match first {
        Some(o) if found => o,
        _ => Outcome::UnknownKey {
            issuer: sig.issuer_text(),
        },
    }
}

/// The signature verified with `key`: is the key valid for it?
fn judge_key(sig: &Sig, cert: &Cert, key: &Key, state: &KeyState) -> Outcome {
    let created = i64::from(sig.created.unwrap_or(0));
    let fp = hex_upper(&key.fingerprint);
    let primary_state = &cert.state;
    for st in [primary_state, state] {
        if let Some(f) = &st.unbound {
            return f.clone().into_outcome();
        }
        if let Some(r) = &st.revoked
            && (r.hard || created >= r.at)
        {
            return Outcome::Bad {
                reason: format!(
                    "key {fp} was revoked{}",
                    if r.hard {
                        String::new()
                    } else {
                        format!(" at {}", crate::sshsig::format_time(r.at))
                    }
                ),
            };
        }
    }
    if let Some(why) = &state.no_signing {
        return Outcome::Bad {
            reason: why.clone(),
        };
    }
    for (k, st) in [(&cert.primary, primary_state), (key, state)] {
        if let Some(exp) = st.expires_at
            && created >= exp
        {
            return Outcome::Bad {
                reason: format!(
                    "key {} expired at {}, before the signature was made at {}",
                    hex_upper(&k.fingerprint),
                    crate::sshsig::format_time(exp),
                    crate::sshsig::format_time(created)
                ),
            };
        }
    }
    if created < i64::from(key.created) {
        return Outcome::Bad {
            reason: format!(
                "the signature claims to be made at {}, before key {fp} was created",
                crate::sshsig::format_time(created)
            ),
        };
    }
    Outcome::Good {
        fingerprint: hex_upper(&cert.primary.fingerprint),
        user_id: cert.primary_user_id().map(str::to_string),
        signing_key: fp,
        created,
    }
}

fn combine(outcomes: impl Iterator<Item = Outcome>) -> Outcome {
    let mut first = None;
    for o in outcomes {
        if o.is_good() {
            return o;
        }
        first.get_or_insert(o);
    }
    first.unwrap_or(Outcome::Malformed {
        reason: "the input holds no signature".to_string(),
    })
}

/// Verify a detached signature (armored or binary) over `data`. With several signatures, the
/// first good one wins; otherwise the first signature's outcome is returned.
pub fn verify_detached(armored_or_binary_sig: &[u8], data: &[u8], keyring: &Keyring) -> Outcome {
    let sigs = match read_signatures(armored_or_binary_sig) {
        Ok(s) => s,
        Err(reason) => return Outcome::Malformed { reason },
    };
    combine(sigs.into_iter().map(|s| match s {
        Ok(sig) => evaluate(&sig, data, keyring),
        Err(SigError::Unsupported(reason)) => Outcome::Unsupported { reason },
        Err(SigError::Malformed(reason)) => Outcome::Malformed {
            reason: format!("the signature packet: {reason}"),
        },
    }))
}

fn hash_header_name(algo: u8) -> &'static str {
    match algo {
        1 => "MD5",
        2 => "SHA1",
        3 => "RIPEMD160",
        8 => "SHA256",
        9 => "SHA384",
        10 => "SHA512",
        11 => "SHA224",
        12 => "SHA3-256",
        14 => "SHA3-512",
        _ => "?",
    }
}

/// Verify a cleartext-signed message (`-----BEGIN PGP SIGNED MESSAGE-----`, RFC 9580 §7), as
/// security.txt files use. Returns the outcome and, when the message's framing could be read,
/// the signed text: dash-escapes removed, trailing spaces and tabs removed from each line, lines
/// joined with LF and no final line ending (exactly the text the signature covers, with LF for
/// CR LF). Text outside the signed part is never returned. If `Hash:` armor headers are present,
/// the signature's hash must be one they list.
pub fn cleartext_verify(text: &[u8], keyring: &Keyring) -> (Outcome, Option<Vec<u8>>) {
    let malformed = |reason: &str| {
        (
            Outcome::Malformed {
                reason: reason.to_string(),
            },
            None,
        )
    };
    let mut lines = text.split_inclusive(|&b| b == b'\n').enumerate();
    let mut offset = 0usize;
    let mut started = false;
    for (_, line) in lines.by_ref() {
        offset += line.len();
        if trim_line(line) == b"-----BEGIN PGP SIGNED MESSAGE-----" {
            started = true;
            break;
        }
    }
    if !started {
        return malformed("no \"-----BEGIN PGP SIGNED MESSAGE-----\" line was found");
    }
    let mut hashes: Vec<String> = Vec::new();
    let mut headers_done = false;
    for (i, line) in lines.by_ref() {
        offset += line.len();
        let line = trim_line(line);
        if line.is_empty() {
            headers_done = true;
            break;
        }
        let Some(value) = line.strip_prefix(b"Hash:") else {
            if line.contains(&b':') {
                continue;
            }
            return malformed(&format!(
                "line {}: the cleartext headers must end with a blank line",
                i + 1
            ));
        };
        hashes.extend(
            String::from_utf8_lossy(value)
                .split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty()),
        );
    }
    if !headers_done {
        return malformed("the message ends inside the cleartext headers");
    }
    let mut signed: Vec<u8> = Vec::new();
    let mut plain: Vec<u8> = Vec::new();
    let mut sig_start = None;
    let mut first_line = true;
    for (_, line) in lines {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if content.starts_with(b"-----BEGIN PGP SIGNATURE-----") {
            sig_start = Some(offset);
            break;
        }
        offset += line.len();
        let content = content.strip_prefix(b"- ").unwrap_or(content);
        let end = content
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |p| p + 1);
        let content = content.get(..end).unwrap_or(&[]);
        if !first_line {
            signed.extend_from_slice(b"\r\n");
            plain.push(b'\n');
        }
        first_line = false;
        signed.extend_from_slice(content);
        plain.extend_from_slice(content);
    }
    let Some(sig_start) = sig_start else {
        return malformed("the signed message has no \"-----BEGIN PGP SIGNATURE-----\" block");
    };
    let sig_part = text.get(sig_start..).unwrap_or(&[]);
    let sigs = match read_signatures(sig_part) {
        Ok(s) => s,
        Err(reason) => return (Outcome::Malformed { reason }, Some(plain)),
    };
    let outcome = combine(sigs.into_iter().map(|s| match s {
        Ok(sig) => {
            let name = hash_header_name(sig.hash_algo);
            if !hashes.is_empty() && !hashes.iter().any(|h| h == name) {
                return Outcome::Bad {
                    reason: format!(
                        "the signature uses {name} but the message's Hash header lists {}",
                        hashes.join(", ")
                    ),
                };
            }
            evaluate(&sig, &signed, keyring)
        }
        Err(SigError::Unsupported(reason)) => Outcome::Unsupported { reason },
        Err(SigError::Malformed(reason)) => Outcome::Malformed {
            reason: format!("the signature packet: {reason}"),
        },
    }));
    (outcome, Some(plain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_known_values() {
        assert_eq!(crc24(b""), 0x00B7_04CE);
        // The published check value of CRC-24/OpenPGP.
        assert_eq!(crc24(b"123456789"), 0x0021_CF02);
    }

    fn armor(label: &str, data: &[u8], crc: Option<u32>) -> String {
        let mut s = format!("-----BEGIN {label}-----\nComment: test\n\n");
        let b64 = STANDARD.encode(data);
        for chunk in b64.as_bytes().chunks(64) {
            s.push_str(&String::from_utf8_lossy(chunk));
            s.push('\n');
        }
        if let Some(c) = crc {
            let b = c.to_be_bytes();
            s.push('=');
            s.push_str(&STANDARD.encode(&b[1..]));
            s.push('\n');
        }
        s.push_str(&format!("-----END {label}-----\n"));
        s
    }

    #[test]
    fn armor_round_trip_with_and_without_crc() {
        let data: Vec<u8> = (0..=255u8).collect();
        for crc in [Some(crc24(&data)), None] {
            let text = format!("preamble\n{}trailer\n", armor("PGP SIGNATURE", &data, crc));
            let blocks = dearmor(text.as_bytes()).expect("decodes");
            assert_eq!(blocks.len(), 1);
            let [b] = blocks.as_slice() else { panic!() };
            assert_eq!(b.label, "PGP SIGNATURE");
            assert_eq!(b.headers, vec![("Comment".to_string(), "test".to_string())]);
            assert_eq!(b.data, data);
            assert_eq!(b.line, 2);
        }
        // CRLF line endings decode the same.
        let crlf = armor("PGP SIGNATURE", b"hello", Some(crc24(b"hello"))).replace('\n', "\r\n");
        let blocks = dearmor(crlf.as_bytes()).expect("decodes");
        assert_eq!(
            blocks.first().map(|b| b.data.clone()),
            Some(b"hello".to_vec())
        );
    }

    #[test]
    fn armor_crc_mismatch_is_an_error_with_the_line() {
        let text = armor("PGP SIGNATURE", b"hello world", Some(crc24(b"hello worle")));
        let e = dearmor(text.as_bytes()).expect_err("crc mismatch");
        match e {
            Error::Armor { line, message } => {
                assert_eq!(line, 5);
                assert!(message.contains("CRC24"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn armor_errors() {
        let cut = "-----BEGIN PGP SIGNATURE-----\n\niQ==\n";
        let e = dearmor(cut.as_bytes()).expect_err("no end");
        assert!(e.to_string().contains("no END line"), "{e}");
        let mismatch = "-----BEGIN PGP SIGNATURE-----\n\naGk=\n-----END PGP MESSAGE-----\n";
        let e = dearmor(mismatch.as_bytes()).expect_err("label mismatch");
        assert!(e.to_string().contains("does not close"), "{e}");
        let junk = "-----BEGIN PGP SIGNATURE-----\n\naGk*\n-----END PGP SIGNATURE-----\n";
        let e = dearmor(junk.as_bytes()).expect_err("bad char");
        assert_eq!(
            e,
            Error::Armor {
                line: 3,
                message: "byte 0x2a is not base64".to_string()
            }
        );
        let bad_b64 = "-----BEGIN PGP SIGNATURE-----\n\naGk\n-----END PGP SIGNATURE-----\n";
        let e = dearmor(bad_b64.as_bytes()).expect_err("bad base64");
        assert!(e.to_string().contains("does not decode"), "{e}");
        // No blank line after BEGIN: taken as data.
        let lenient = "-----BEGIN PGP SIGNATURE-----\naGk=\n-----END PGP SIGNATURE-----\n";
        let blocks = dearmor(lenient.as_bytes()).expect("lenient");
        assert_eq!(blocks.first().map(|b| b.data.clone()), Some(b"hi".to_vec()));
    }

    fn packets(data: &[u8]) -> Result<Vec<(u8, Vec<u8>, usize)>, Error> {
        Packets::new(data)
            .map(|p| p.map(|p| (p.tag, p.body.to_vec(), p.offset)))
            .collect()
    }

    #[test]
    fn new_format_lengths() {
        // One-octet length.
        assert_eq!(packets(&[0xC2, 2, 7, 8]), Ok(vec![(2, vec![7, 8], 0)]));
        // Two-octet length: 192 + (0 << 8) + 8 = 200.
        let mut d = vec![0xCB, 192, 8];
        d.extend(std::iter::repeat_n(1u8, 200));
        let p = packets(&d).expect("two-octet");
        assert_eq!(p.first().map(|(t, b, _)| (*t, b.len())), Some((11, 200)));
        // Five-octet length.
        let mut d = vec![0xCB, 255, 0, 0, 1, 0];
        d.extend(std::iter::repeat_n(2u8, 256));
        let p = packets(&d).expect("five-octet");
        assert_eq!(p.first().map(|(_, b, _)| b.len()), Some(256));
        // Partial lengths on a literal data packet: 2 + 1 + final 3.
        let d = [0xCB, 0xE1, 1, 2, 0xE0, 3, 3, 4, 5, 6];
        assert_eq!(packets(&d), Ok(vec![(11, vec![1, 2, 3, 4, 5, 6], 0)]));
        // ... but not on a signature packet.
        let e = packets(&[0xC2, 0xE1, 1, 2, 0]).expect_err("partial sig");
        assert!(
            e.to_string().contains("partial body length is not allowed"),
            "{e}"
        );
        // A partial chunk running past the end.
        let e = packets(&[0xCB, 0xE4, 1, 2]).expect_err("short partial");
        assert!(e.to_string().contains("runs past the end"), "{e}");
    }

    #[test]
    fn old_format_lengths() {
        // Tag 2, one-octet length.
        assert_eq!(packets(&[0x88, 1, 9]), Ok(vec![(2, vec![9], 0)]));
        // Tag 6, two-octet length.
        assert_eq!(packets(&[0x99, 0, 2, 1, 2]), Ok(vec![(6, vec![1, 2], 0)]));
        // Tag 13, four-octet length.
        assert_eq!(
            packets(&[0xB6, 0, 0, 0, 1, b'x']),
            Ok(vec![(13, vec![b'x'], 0)])
        );
        // Indeterminate length: the rest of the data.
        assert_eq!(packets(&[0xAF, 1, 2, 3]), Ok(vec![(11, vec![1, 2, 3], 0)]));
    }

    #[test]
    fn packet_errors_name_index_and_offset() {
        // Second packet's length runs past the end.
        let e = packets(&[0xC2, 1, 0, 0xC2, 5, 1]).expect_err("truncated");
        assert_eq!(
            e,
            Error::Packet {
                index: 1,
                offset: 3,
                message: "the body length 5 runs past the end of the data (1 bytes left)"
                    .to_string()
            }
        );
        let e = packets(&[0x41]).expect_err("no top bit");
        assert!(e.to_string().contains("packet 0 at byte 0"), "{e}");
        let e = packets(&[0xC2]).expect_err("no length");
        assert!(e.to_string().contains("length field"), "{e}");
        let e = packets(&[0xC2, 255, 0, 0]).expect_err("short 5-octet length");
        assert!(e.to_string().contains("length field"), "{e}");
        let e = packets(&[0xC0, 0]).expect_err("tag 0");
        assert!(e.to_string().contains("reserved"), "{e}");
        // A huge declared length never allocates: it is just refused.
        let e = packets(&[0xC2, 255, 0xFF, 0xFF, 0xFF, 0xFF]).expect_err("huge");
        assert!(e.to_string().contains("runs past the end"), "{e}");
    }

    #[test]
    fn text_documents_hash_with_crlf() {
        let hash = |data: &[u8], ty: u8| {
            let mut h = Hasher::new(HashAlg::Sha256);
            hash_document(&mut h, data, ty);
            h.finalize()
        };
        assert_eq!(hash(b"a\nb\r\nc\n", 1), hash(b"a\r\nb\r\nc\r\n", 0));
        assert_eq!(hash(b"\n\n", 1), hash(b"\r\n\r\n", 0));
        assert_ne!(hash(b"a\nb", 0), hash(b"a\r\nb", 0));
        assert_eq!(hash(b"no newline", 1), hash(b"no newline", 0));
    }

    #[test]
    fn keyring_errors() {
        assert!(matches!(Keyring::parse(b""), Err(Error::Empty(_))));
        assert!(matches!(Keyring::parse(b"just text"), Err(Error::Empty(_))));
        // A user ID before any key.
        let e = Keyring::parse(&[0xCD, 1, b'a']).expect_err("uid first");
        assert!(e.to_string().contains("before any primary key"), "{e}");
        // A truncated v4 RSA key: version, time, algorithm 1, then an MPI claiming 2048 bits.
        let e = Keyring::parse(&[0xC6, 8, 4, 0, 0, 0, 0, 1, 8, 0]).expect_err("short");
        assert!(e.to_string().contains("RSA modulus"), "{e}");
        // A version 3 key is skipped with a note.
        let ring = Keyring::parse(&[0xC6, 6, 3, 0, 0, 0, 0, 1]).expect("v3 skipped");
        assert!(ring.is_empty());
        assert!(
            ring.notes().iter().any(|n| n.contains("version 3")),
            "{:?}",
            ring.notes()
        );
    }

    #[test]
    fn unknown_algorithm_key_is_kept_with_a_note() {
        // v4 key, algorithm 17 (DSA), with some opaque material.
        let body = [4u8, 0, 0, 0, 1, 17, 0, 8, 0xAA];
        let mut d = vec![0xC6, u8::try_from(body.len()).unwrap_or(0)];
        d.extend_from_slice(&body);
        let ring = Keyring::parse(&d).expect("parses");
        assert_eq!(ring.len(), 1);
        assert!(
            ring.notes().iter().any(|n| n.contains("DSA")),
            "{:?}",
            ring.notes()
        );
        let cert = ring.certs().first().expect("one cert");
        assert_eq!(cert.fingerprint().len(), 40);
        assert!(cert.validity().is_err());
    }

    #[test]
    fn malformed_signatures() {
        let ring = Keyring::default();
        for (input, needle) in [
            (&b""[..], "empty"),
            (b"hello", "neither"),
            (b"-----BEGIN PGP SIGNATURE-----\n\n", "no END line"),
            (&[0xC2, 1, 3][..], "version 3"),
            (&[0xC2, 3, 4, 0, 1][..], "data ends"),
            (&[0xCB, 1, 0][..], "not a signature"),
        ] {
            let out = verify_detached(input, b"data", &ring);
            let text = format!("{out:?}");
            assert!(
                matches!(out, Outcome::Malformed { .. } | Outcome::Unsupported { .. }),
                "{text}"
            );
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }

    #[test]
    fn cleartext_framing_errors() {
        let ring = Keyring::default();
        let (o, t) = cleartext_verify(b"hello", &ring);
        assert!(
            matches!(o, Outcome::Malformed { .. }) && t.is_none(),
            "{o:?}"
        );
        let (o, _) = cleartext_verify(
            b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nbody\n",
            &ring,
        );
        assert!(
            format!("{o:?}").contains("no \\\"-----BEGIN PGP SIGNATURE"),
            "{o:?}"
        );
        let (o, t) = cleartext_verify(
            b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- -dash\ntrail  \t\n-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n",
            &ring,
        );
        assert_eq!(t.as_deref(), Some(&b"-dash\ntrail"[..]));
        assert!(matches!(o, Outcome::Malformed { .. }), "{o:?}");
    }
}
