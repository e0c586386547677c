//! Packagist (Composer): PHP's `version_compare` order.
//!
//! A leading `v`/`V` before a digit is ignored (Composer drops it). The rest splits into
//! numbers and words: any character that is not an ASCII letter or digit separates, and so
//! does every change between digits and letters (`1.0rc1` is `1 0 rc 1`).
//!
//! Words rank by how they start, as PHP's special forms do (case matters): `dev…` < `a…`
//! (alpha) < `b…` (beta) < `RC…`/`rc…` < a number < `p…` (`pl`, patch); any other word
//! (including `ALPHA` or `Beta`) ranks below `dev`, and all such words are equal to each other
//! (`1.0-foo` equals `1.0-bar`, as in PHP). Numbers compare by value, whatever their length.
//! When one version runs out, the other is greater if its next part is a number or ranks above
//! a number (`1.0 < 1.0.0`, `1.0 < 1.0pl1`) and smaller otherwise (`1.0rc1 < 1.0`).
//!
//! One difference from `version_compare`, to keep the order total: PHP's `#` form, which it
//! treats as equal to every number, is a separator here.

use std::cmp::Ordering;

use super::{Span, cmp_digits};

/// The rank of a number among words.
const NUMBER: i8 = 4;

#[derive(Debug, Clone, Copy)]
enum Part {
    Num(Span),
    /// A word, by its rank only.
    Word(i8),
}

#[derive(Debug, Clone)]
pub(super) struct Parsed {
    parts: Box<[Part]>,
}

impl Parsed {
    pub(super) fn is_prerelease(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Word(rank) if (0..NUMBER).contains(rank)))
    }
}

fn word_rank(w: &[u8]) -> i8 {
    if w.starts_with(b"dev") {
        0
    } else if w.starts_with(b"a") {
        1
    } else if w.starts_with(b"b") {
        2
    } else if w.starts_with(b"RC") || w.starts_with(b"rc") {
        3
    } else if w.starts_with(b"p") {
        5
    } else {
        -1
    }
}

pub(super) fn parse(s: &[u8]) -> Result<(Parsed, bool), String> {
    let mut i = 0;
    if matches!(s.first(), Some(b'v' | b'V')) && s.get(1).is_some_and(u8::is_ascii_digit) {
        i = 1;
    }
    let mut parts = Vec::with_capacity(4);
    while let Some(&c) = s.get(i) {
        let start = i;
        if c.is_ascii_digit() {
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            parts.push(Part::Num(Span::number(s, start, i)));
        } else if c.is_ascii_alphabetic() {
            while s.get(i).is_some_and(u8::is_ascii_alphabetic) {
                i += 1;
            }
            parts.push(Part::Word(word_rank(s.get(start..i).unwrap_or(&[]))));
        } else {
            i += 1;
        }
    }
    if parts.is_empty() {
        return Err("a Composer version needs at least one letter or digit".into());
    }
    let floor = matches!(parts.as_slice(), [Part::Num(n)] if n.is_empty());
    Ok((
        Parsed {
            parts: parts.into_boxed_slice(),
        },
        floor,
    ))
}

fn rank(p: &Part) -> i8 {
    match p {
        Part::Num(_) => NUMBER,
        Part::Word(r) => *r,
    }
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    for k in 0..x.parts.len().max(y.parts.len()) {
        let o = match (x.parts.get(k), y.parts.get(k)) {
            (Some(Part::Num(m)), Some(Part::Num(n))) => cmp_digits(m.of(a), n.of(b)),
            (Some(p), Some(q)) => rank(p).cmp(&rank(q)),
            // The end ranks just below a number.
            (Some(p), None) => cmp_end(p),
            (None, Some(q)) => cmp_end(q).reverse(),
            (None, None) => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn cmp_end(p: &Part) -> Ordering {
    if rank(p) >= NUMBER {
        Ordering::Greater
    } else {
        Ordering::Less
    }
}
