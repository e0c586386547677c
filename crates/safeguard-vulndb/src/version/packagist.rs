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
//! `#` is PHP's special form that ranks with numbers: `version_compare` treats it as equal to
//! every number, and a trailing `#` as equal to nothing (`1.2.3.# = 1.2.3 = 1.2.3.0`, but
//! `1.2.3 < 1.2.3.1 = 1.2.3.#`). That is not transitive, so:
//!
//! - [`compare`] (the total order behind `Ord`) treats `#` as a separator;
//! - [`compare_exact`] (PHP's pairwise answer) treats each run of `#` as a part equal to any
//!   number, which is skipped when compared with the end of the other version.

use std::cmp::Ordering;

use super::{Span, cmp_digits};

/// The rank of a number among words.
const NUMBER: i8 = 4;

#[derive(Debug, Clone, Copy)]
enum Part {
    Num(Span),
    /// A word, by its rank only.
    Word(i8),
    /// A run of `#`: equal to any number in [`compare_exact`], a separator in [`compare`].
    Hash,
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
        } else if c == b'#' {
            while s.get(i) == Some(&b'#') {
                i += 1;
            }
            parts.push(Part::Hash);
        } else {
            i += 1;
        }
    }
    let mut solid = parts.iter().filter(|p| !matches!(p, Part::Hash));
    let floor = match (solid.next(), solid.next()) {
        (None, _) => return Err("a Composer version needs at least one letter or digit".into()),
        (Some(Part::Num(n)), None) => n.is_empty(),
        _ => false,
    };
    Ok((
        Parsed {
            parts: parts.into_boxed_slice(),
        },
        floor,
    ))
}

fn rank(p: &Part) -> i8 {
    match p {
        Part::Num(_) | Part::Hash => NUMBER,
        Part::Word(r) => *r,
    }
}

/// The total order behind `Ord`: `#` is a separator.
pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    let solid = |p: &&Part| !matches!(p, Part::Hash);
    let mut xs = x.parts.iter().filter(solid);
    let mut ys = y.parts.iter().filter(solid);
    loop {
        let o = match (xs.next(), ys.next()) {
            (Some(Part::Num(m)), Some(Part::Num(n))) => cmp_digits(m.of(a), n.of(b)),
            (Some(p), Some(q)) => rank(p).cmp(&rank(q)),
            // The end ranks just below a number.
            (Some(p), None) => cmp_end(p),
            (None, Some(q)) => cmp_end(q).reverse(),
            (None, None) => return Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
}

/// PHP `version_compare`'s pairwise answer: `#` equals any number (not transitive).
pub(super) fn compare_exact(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    let mut k = 0;
    loop {
        let o = match (x.parts.get(k), y.parts.get(k)) {
            (Some(Part::Num(m)), Some(Part::Num(n))) => cmp_digits(m.of(a), n.of(b)),
            (Some(p), Some(q)) => rank(p).cmp(&rank(q)),
            (Some(_), None) => return cmp_rest(x.parts.get(k..).unwrap_or(&[])),
            (None, Some(_)) => return cmp_rest(y.parts.get(k..).unwrap_or(&[])).reverse(),
            (None, None) => return Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
        k += 1;
    }
}

/// The rest of a version against the end of the other: `#` parts compare equal to the end and
/// are skipped; then as [`cmp_end`].
fn cmp_rest(rest: &[Part]) -> Ordering {
    rest.iter()
        .find(|p| !matches!(p, Part::Hash))
        .map_or(Ordering::Equal, cmp_end)
}

fn cmp_end(p: &Part) -> Ordering {
    if rank(p) >= NUMBER {
        Ordering::Greater
    } else {
        Ordering::Less
    }
}
