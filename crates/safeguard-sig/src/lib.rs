//! Offline verification of the signatures git commits and tags carry.
//!
//! - [`sshsig`]: SSH signatures (the `SSHSIG` format that `ssh-keygen -Y sign` writes), checked
//!   against git's allowed-signers file.
//! - [`openpgp`]: OpenPGP signatures (RFC 4880 / RFC 9580), checked against a keyring.
//! - [`signature_kind`] tells them apart, and [`split_commit_signature`] /
//!   [`split_tag_signature`] take a raw git object apart into the signed payload and the
//!   signature.
//!
//! Nothing here touches the network or the file system beyond what the caller passes in.

#![warn(missing_docs)]

mod crypto;
pub mod openpgp;
pub mod sshsig;

/// Which kind of signature an armored block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `-----BEGIN SSH SIGNATURE-----` (check with [`sshsig::verify`]).
    Ssh,
    /// `-----BEGIN PGP SIGNATURE-----`, a cleartext-signed message, or a binary OpenPGP
    /// signature packet (check with [`openpgp::verify_detached`]).
    OpenPgp,
    /// `-----BEGIN SIGNED MESSAGE-----`: X.509 / CMS, as `gpgsm` writes for `gpg.format=x509`.
    /// Not verified by this crate.
    X509,
    /// Anything else.
    Unknown,
}

/// Tell the kind of a signature from its first armor line (leading whitespace is skipped). A
/// binary OpenPGP signature packet is recognised by its packet header.
pub fn signature_kind(sig: &[u8]) -> Kind {
    let start = sig
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(sig.len());
    let sig = sig.get(start..).unwrap_or(&[]);
    if sig.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
        Kind::Ssh
    } else if sig.starts_with(b"-----BEGIN PGP SIGNATURE-----")
        || sig.starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----")
    {
        Kind::OpenPgp
    } else if sig.starts_with(b"-----BEGIN SIGNED MESSAGE-----") {
        Kind::X509
    } else if sig
        .first()
        .is_some_and(|&b| b == 0xC2 || (b & 0xC0 == 0x80 && (b >> 2) & 0x0F == 2))
    {
        // New-format tag 2, or old-format tag 2 (0x88..=0x8B).
        Kind::OpenPgp
    } else {
        Kind::Unknown
    }
}

/// A raw git object taken apart into what was signed and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedObject {
    /// The bytes the signature covers.
    pub payload: Vec<u8>,
    /// The signature, armored as it was written.
    pub signature: Vec<u8>,
}

/// Take a raw commit object (`git cat-file commit <id>`) apart. The signature is the value of
/// the `gpgsig` header (or, when there is none, `gpgsig-sha256`), with the single space that
/// starts each continuation line removed. The payload is the commit with every `gpgsig` and
/// `gpgsig-sha256` header (and its continuation lines) left out, which is what git signs.
/// `None` when the commit carries no signature header.
pub fn split_commit_signature(raw: &[u8]) -> Option<SignedObject> {
    let header_end = find_header_end(raw);
    let (headers, body) = raw.split_at(header_end);
    let sig_of = |name: &[u8]| -> Option<Vec<u8>> {
        let mut sig: Option<Vec<u8>> = None;
        let mut in_sig = false;
        for line in headers.split_inclusive(|&b| b == b'\n') {
            if in_sig && let Some(cont) = line.strip_prefix(b" ") {
                if let Some(s) = sig.as_mut() {
                    s.extend_from_slice(cont);
                }
                continue;
            }
            in_sig = false;
            if sig.is_none()
                && let Some(rest) = line.strip_prefix(name)
                && let Some(value) = rest.strip_prefix(b" ")
            {
                sig = Some(value.to_vec());
                in_sig = true;
            }
        }
        sig
    };
    let signature = sig_of(b"gpgsig").or_else(|| sig_of(b"gpgsig-sha256"))?;
    let mut payload = Vec::with_capacity(raw.len());
    let mut skipping = false;
    for line in headers.split_inclusive(|&b| b == b'\n') {
        if skipping && line.starts_with(b" ") {
            continue;
        }
        skipping = line.starts_with(b"gpgsig ") || line.starts_with(b"gpgsig-sha256 ");
        if !skipping {
            payload.extend_from_slice(line);
        }
    }
    payload.extend_from_slice(body);
    Some(SignedObject { payload, signature })
}

/// Take a raw annotated tag object (`git cat-file tag <name>`) apart: the signature is appended
/// to the message, starting at the last line that opens a PGP, SSH or X.509 signature block.
/// `None` when the tag carries no such block.
pub fn split_tag_signature(raw: &[u8]) -> Option<SignedObject> {
    const STARTS: [&[u8]; 3] = [
        b"-----BEGIN PGP SIGNATURE-----",
        b"-----BEGIN SSH SIGNATURE-----",
        b"-----BEGIN SIGNED MESSAGE-----",
    ];
    let body_start = find_header_end(raw);
    let mut found = None;
    let mut pos = 0usize;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if pos >= body_start && STARTS.iter().any(|s| line.starts_with(s)) {
            found = Some(pos);
        }
        pos += line.len();
    }
    let at = found?;
    let (payload, signature) = raw.split_at(at);
    Some(SignedObject {
        payload: payload.to_vec(),
        signature: signature.to_vec(),
    })
}

/// Offset of the blank line ending a git object's headers (or the end of the object).
fn find_header_end(raw: &[u8]) -> usize {
    let mut pos = 0usize;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line == b"\n" {
            return pos;
        }
        pos += line.len();
    }
    raw.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            signature_kind(b"\n  -----BEGIN SSH SIGNATURE-----\nabc"),
            Kind::Ssh
        );
        assert_eq!(
            signature_kind(b"-----BEGIN PGP SIGNATURE-----\n"),
            Kind::OpenPgp
        );
        assert_eq!(
            signature_kind(b"-----BEGIN PGP SIGNED MESSAGE-----\n"),
            Kind::OpenPgp
        );
        assert_eq!(
            signature_kind(b"-----BEGIN SIGNED MESSAGE-----\n"),
            Kind::X509
        );
        assert_eq!(signature_kind(&[0x89, 0x01, 0x33]), Kind::OpenPgp);
        assert_eq!(signature_kind(&[0xC2, 0x75]), Kind::OpenPgp);
        assert_eq!(signature_kind(&[0x99, 0x01]), Kind::Unknown);
        assert_eq!(signature_kind(b"hello"), Kind::Unknown);
        assert_eq!(signature_kind(b""), Kind::Unknown);
    }

    #[test]
    fn commit_split() {
        let raw = b"tree 1234\nparent 5678\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\ngpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\nmergetag object 9\n type commit\n\nmessage\n gpgsig in body stays\n";
        let s = split_commit_signature(raw).expect("signed");
        assert_eq!(
            s.signature,
            b"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
        );
        assert_eq!(
            s.payload,
            b"tree 1234\nparent 5678\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\nmergetag object 9\n type commit\n\nmessage\n gpgsig in body stays\n"
        );
        assert_eq!(split_commit_signature(b"tree 1\n\ngpgsig x\n"), None);
        let both = b"tree 1\ngpgsig-sha256 B\n b2\ngpgsig A\n\nm\n";
        let s = split_commit_signature(both).expect("signed");
        assert_eq!(s.signature, b"A\n");
        assert_eq!(s.payload, b"tree 1\n\nm\n");
    }

    #[test]
    fn tag_split() {
        let raw = b"object 1\ntype commit\ntag v1\ntagger T <t@x> 1 +0000\n\nrelease\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n";
        let s = split_tag_signature(raw).expect("signed");
        assert_eq!(
            s.payload,
            b"object 1\ntype commit\ntag v1\ntagger T <t@x> 1 +0000\n\nrelease\n"
        );
        assert!(s.signature.starts_with(b"-----BEGIN PGP SIGNATURE-----\n"));
        assert_eq!(split_tag_signature(b"object 1\n\nno sig\n"), None);
    }
}
