//! RubyGems (`Gem::Version`).
//!
//! A version is split into segments: runs of digits (numbers) and runs of letters (strings);
//! `.` only separates, and a `-` stands for `.pre.` as RubyGems rewrites it. Any letter makes
//! the version a pre-release. For ordering, trailing zeros are dropped from the numeric part
//! before the first string and from the part after it (`1.0.a.0` is `1.a`); segments then
//! compare in turn, missing ones counting as 0: numbers by value, strings by bytes (case
//! matters), a string below a number (`1.0.a < 1.0`).
//!
//! Accepted: ASCII letters, digits, `.` and `-`, with at least one letter or digit. RubyGems
//! itself also insists on a leading digit and no letters right after a digit (`1beta`); such
//! strings appear in real data and order sensibly, so they are accepted.

use std::cmp::Ordering;

use super::{Span, cmp_digits, describe_at};

#[derive(Debug, Clone, Copy)]
enum Seg {
    Num(Span),
    Str(Span),
    /// The `pre` that a `-` stands for.
    Pre,
}

#[derive(Debug, Clone)]
pub(super) struct Parsed {
    /// The canonical segments (trailing zeros of both parts dropped).
    segs: Box<[Seg]>,
}

impl Parsed {
    pub(super) fn is_prerelease(&self) -> bool {
        self.segs.iter().any(|s| !matches!(s, Seg::Num(_)))
    }
}

pub(super) fn parse(s: &[u8]) -> Result<(Parsed, bool), String> {
    let mut segs = Vec::with_capacity(4);
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        let start = i;
        if c.is_ascii_digit() {
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            segs.push(Seg::Num(Span::number(s, start, i)));
        } else if c.is_ascii_alphabetic() {
            while s.get(i).is_some_and(u8::is_ascii_alphabetic) {
                i += 1;
            }
            segs.push(Seg::Str(Span::new(start, i)));
        } else if c == b'-' {
            segs.push(Seg::Pre);
            i += 1;
        } else if c == b'.' {
            i += 1;
        } else {
            return Err(format!(
                "RubyGems versions hold only letters, digits, '.' and '-'; found {}",
                describe_at(s, i)
            ));
        }
    }
    if !s.iter().any(u8::is_ascii_alphanumeric) {
        return Err("a RubyGems version needs at least one letter or digit".into());
    }
    // Canonical form: drop trailing zeros from the numeric part and from the rest.
    let first_str = segs
        .iter()
        .position(|g| !matches!(g, Seg::Num(_)))
        .unwrap_or(segs.len());
    let mut rest = segs.split_off(first_str);
    let is_zero = |g: &Seg| matches!(g, Seg::Num(n) if n.is_empty());
    while segs.last().is_some_and(is_zero) {
        segs.pop();
    }
    while rest.last().is_some_and(is_zero) {
        rest.pop();
    }
    segs.append(&mut rest);
    let floor = segs.is_empty();
    Ok((
        Parsed {
            segs: segs.into_boxed_slice(),
        },
        floor,
    ))
}

fn text<'a>(s: &'a [u8], g: &Seg) -> &'a [u8] {
    match g {
        Seg::Num(n) | Seg::Str(n) => n.of(s),
        Seg::Pre => b"pre",
    }
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    const ZERO: Seg = Seg::Num(Span { start: 0, end: 0 });
    for k in 0..x.segs.len().max(y.segs.len()) {
        let p = x.segs.get(k).unwrap_or(&ZERO);
        let q = y.segs.get(k).unwrap_or(&ZERO);
        let o = match (p, q) {
            (Seg::Num(m), Seg::Num(n)) => cmp_digits(m.of(a), n.of(b)),
            (Seg::Num(_), _) => Ordering::Greater,
            (_, Seg::Num(_)) => Ordering::Less,
            _ => text(a, p).cmp(text(b, q)),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}
