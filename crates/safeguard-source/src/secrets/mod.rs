//! Secret detection: rules and the scanning engine.
//!
//! [`Scanner`] holds a compiled rule set. It finds every rule keyword in one Aho-Corasick pass
//! over the input (ASCII case-insensitive), then runs a rule's regex only inside a bounded window
//! around that rule's keyword hits, merging overlapping windows. No regex ever runs over the
//! whole input, so the cost is one linear pass plus work proportional to the number of keyword
//! hits. [`Scanner::scan_reader`] streams inputs of any size in bounded memory.
//!
//! Matches carry the rule (an index into [`rules()`]), the byte range and 1-based line and
//! column of the secret, the secret itself (for the caller to fingerprint and then drop) and a
//! [`Confidence`]. Report secrets only through [`redact`]; compare them across runs and file
//! moves through [`fingerprint`].

mod check;
mod engine;
pub mod examples;
mod rules;

pub use engine::{CHUNK, Match, Scanner, SecretsError};
pub use rules::{
    Candidate, Confidence, Example, ExampleGen, Family, Rule, Severity, Shape, Validator, Verdict,
    is_known_example, rules,
};

use sha2::{Digest, Sha256};

/// The index into [`rules()`] of the rule with this id.
pub fn rule_index(id: &str) -> Option<usize> {
    rules().iter().position(|r| r.id == id)
}

/// A display form of a secret that never reveals it: at most the first four characters of a
/// long secret (two of a medium one, none of a short one), an ellipsis and the length, e.g.
/// `ghp_…(40 chars)`. Non-printable leading bytes are shown as `?`.
pub fn redact(secret: &[u8]) -> String {
    let shown = match secret.len() {
        0..=7 => 0,
        8..=15 => 2,
        _ => 4,
    };
    let mut out: String = secret[..shown]
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect();
    out.push('…');
    out.push_str(&format!("({} chars)", secret.len()));
    out
}

/// A stable, location-independent identifier of a secret found by a rule: the lower-case hex
/// SHA-256 of `safeguard-secret-v1\0{rule_id}\0{secret}`. A reviewed secret keeps its
/// fingerprint when the file moves or lines shift.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"safeguard-secret-v1\0");
    h.update(rule_id.as_bytes());
    h.update(b"\0");
    h.update(secret);
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_is_shareable_and_rules_are_indexed() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Scanner>();
        assert_eq!(
            rule_index("github-classic-pat").map(|i| rules()[i].id),
            Some("github-classic-pat")
        );
        assert_eq!(rule_index("no-such-rule"), None);
    }

    #[test]
    fn redact_keeps_prefix_and_length_only() {
        assert_eq!(
            redact(b"ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            "ghp_…(40 chars)"
        );
        assert_eq!(redact(b"hunter22"), "hu…(8 chars)");
        assert_eq!(redact(b"abc"), "…(3 chars)");
        assert_eq!(redact(b""), "…(0 chars)");
        assert_eq!(redact(b"\x00\x01abcdefghijklmnop"), "??ab…(18 chars)");
    }

    #[test]
    fn fingerprint_is_domain_separated_sha256() {
        // sha256 of the bytes "safeguard-secret-v1\0r\0s", computed with sha256sum.
        let f = fingerprint("r", b"s");
        assert_eq!(
            f,
            "d8fccc7f0071c4121f0860563ad9c1636bf0df9e6583c52fca3a61ddef17ff66"
        );
        assert_ne!(f, fingerprint("r2", b"s"));
        assert_ne!(f, fingerprint("r", b"s2"));
    }
}
