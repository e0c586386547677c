//! Debian and Ubuntu (dpkg), per Debian Policy §5.6.12.
//!
//! `[epoch:]upstream[-revision]`: the epoch is the digits before the first `:` (0 when absent),
//! the revision is what follows the last `-` (empty when absent, which compares like `0`).
//! Epochs compare as numbers; upstream and revision compare with dpkg's algorithm: alternately
//! a run of non-digits, compared character by character with letters before non-letters and `~`
//! before everything (even the end), then a run of digits compared as a number.
//!
//! Accepted: printable ASCII. Policy's character set is not enforced (dpkg only warns about it),
//! but the epoch must be a number and the upstream version must not be empty.

use std::cmp::Ordering;

use super::{Span, cmp_digits, describe_at};

#[derive(Debug, Clone)]
pub(super) struct Parsed {
    epoch: Span,
    upstream: Span,
    revision: Span,
}

impl Parsed {
    pub(super) fn is_prerelease(&self, s: &[u8]) -> bool {
        self.upstream.of(s).contains(&b'~')
    }
}

pub(super) fn parse(s: &[u8]) -> Result<(Parsed, bool), String> {
    if let Some(i) = s.iter().position(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "Debian versions are printable ASCII; found {}",
            describe_at(s, i)
        ));
    }
    let (epoch, rest_start) = match s.iter().position(|&c| c == b':') {
        Some(colon) => {
            let digits = s.get(..colon).unwrap_or(&[]);
            if digits.is_empty() {
                return Err("the epoch before ':' is empty".into());
            }
            if let Some(k) = digits.iter().position(|c| !c.is_ascii_digit()) {
                return Err(format!(
                    "the epoch before ':' must be a number; found {}",
                    describe_at(s, k)
                ));
            }
            (Span::number(s, 0, colon), colon + 1)
        }
        None => (Span::default(), 0),
    };
    let rest = s.get(rest_start..).unwrap_or(&[]);
    let (upstream, revision) = match rest.iter().rposition(|&c| c == b'-') {
        Some(dash) => (
            Span::new(rest_start, rest_start + dash),
            Span::new(rest_start + dash + 1, s.len()),
        ),
        None => (Span::new(rest_start, s.len()), Span::new(s.len(), s.len())),
    };
    if upstream.is_empty() {
        return Err("the upstream version is empty".into());
    }
    let parsed = Parsed {
        epoch,
        upstream,
        revision,
    };
    let floor = parsed.epoch.is_empty()
        && verrevcmp(parsed.upstream.of(s), b"0") == Ordering::Equal
        && verrevcmp(parsed.revision.of(s), b"") == Ordering::Equal;
    Ok((parsed, floor))
}

/// dpkg's weight of a non-digit character; the end of a run weighs 0.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Compares upstream versions or revisions the way dpkg does.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit run.
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let p = a.get(i).copied().filter(|c| !c.is_ascii_digit());
            let q = b.get(j).copied().filter(|c| !c.is_ascii_digit());
            let o = weight(p).cmp(&weight(q));
            if o != Ordering::Equal {
                return o;
            }
            if p.is_some() {
                i += 1;
            }
            if q.is_some() {
                j += 1;
            }
        }
        // Digit run.
        let (si, sj) = (i, j);
        while a.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let o = cmp_digits(a.get(si..i).unwrap_or(&[]), b.get(sj..j).unwrap_or(&[]));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    cmp_digits(x.epoch.of(a), y.epoch.of(b))
        .then_with(|| verrevcmp(x.upstream.of(a), y.upstream.of(b)))
        .then_with(|| verrevcmp(x.revision.of(a), y.revision.of(b)))
}
