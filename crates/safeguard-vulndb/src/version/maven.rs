//! Maven, following the "Version Order Specification" of the POM reference.
//!
//! The version is split into tokens at `.`, `-` and at every change between digits and other
//! characters; a change counts as a `-`. Each token remembers its separator ("prefix"). Empty
//! tokens mean `0`. Letters are compared ignoring ASCII case.
//!
//! Qualifiers (non-numeric tokens) order as `alpha` < `beta` < `milestone` < `rc` = `cr` <
//! `snapshot` < `""` = `final` = `ga` = `release` < `sp` < any other word (alphabetically);
//! `a`, `b` and `m` directly followed by a number mean `alpha`, `beta` and `milestone`.
//!
//! "Null" tokens (`0` and the release qualifiers) are trimmed from the end, and then from before
//! each remaining `-` (from the last to the first), so `1.0.0` is `1`, `1-ga-1` is `1-1` and
//! `1.0.0-foo.0.0` is `1-foo`.
//!
//! Two versions then compare token by token. Tokens with the same prefix compare by value, a
//! number beating a qualifier; across prefixes `.qualifier` < `-qualifier` < `-number` <
//! `.number` (the specification's rule before 2022, and what ComparableVersion does). A version
//! that runs out compares with the rest of the other by the rest's first non-null token: a
//! qualifier below the release makes the rest smaller (`1-rc1 < 1`, `2.9.0.RC1 < 2.9`),
//! anything else larger (`1 < 1-sp < 1-foo < 1-1 < 1.1`).
//!
//! Maven's ComparableVersion is not transitive: it has `2.9.0.RC1 < 2.9 < 2.9-1 < 2.9.0.RC1`
//! (a `0` beats a `-number` directly, but is skipped when compared with the end) and
//! `1.sp < 1-alpha < 1 < 1.sp`. An order that is not total cannot be sorted (Rust's sort may
//! panic), so two rules are adjusted, and only where Maven contradicts itself:
//!
//! - a run of nulls that leads to a pre-release qualifier (the `.0` of `2.9.0.RC1`) sorts just
//!   below the end of a version, as when it is compared with the end, so `2.9.0.RC1 < 2.9-1`;
//! - qualifiers below the release sort below those above it whatever their prefixes, so
//!   `1-alpha < 1.sp`.
//!
//! [`compare_exact`] is ComparableVersion's own pairwise answer, contradictions included: after
//! the trimming above, a `-` token opens a list running to the end of the version, so in the
//! same place a `-` token is below a `.number` and above a `.qualifier`; two `-` tokens (or two
//! `.` tokens) compare by value, a number above a qualifier; a version that runs out compares
//! as the first of the other's remaining tokens that differs from null (a number other than 0
//! is above it, a qualifier by its rank against the release), so a `0` is skipped there. As in
//! the specification and osv-scanner's fixtures, `1-ga-1` equals `1-1`.
//!
use std::cmp::Ordering;

use super::{Span, cmp_digits, cmp_ignore_case};

/// Rank of the release qualifier (`""`, `final`, `ga`, `release`).
const RELEASE: u8 = 5;
/// Rank of qualifiers that are not in the known list.
const OTHER: u8 = 7;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Num(Span),
    /// A qualifier: its rank, and for [`OTHER`] its text.
    Qual(u8, Span),
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    hyphen: bool,
    kind: Kind,
}

impl Tok {
    fn is_null(&self) -> bool {
        match self.kind {
            Kind::Num(n) => n.is_empty(),
            Kind::Qual(rank, _) => rank == RELEASE,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Parsed {
    toks: Box<[Tok]>,
    /// Each token's class (see [`classify`]).
    classes: Box<[u8]>,
}

impl Parsed {
    pub(super) fn is_prerelease(&self) -> bool {
        self.toks
            .iter()
            .any(|t| matches!(t.kind, Kind::Qual(rank, _) if rank < RELEASE))
    }
}

fn qualifier(s: &[u8], span: Span, before_number: bool) -> Kind {
    let text = span.of(s);
    let is = |w: &str| text.eq_ignore_ascii_case(w.as_bytes());
    let rank = if is("alpha") || (before_number && is("a")) {
        0
    } else if is("beta") || (before_number && is("b")) {
        1
    } else if is("milestone") || (before_number && is("m")) {
        2
    } else if is("rc") || is("cr") {
        3
    } else if is("snapshot") {
        4
    } else if is("") || is("final") || is("ga") || is("release") {
        RELEASE
    } else if is("sp") {
        6
    } else {
        OTHER
    };
    Kind::Qual(rank, span)
}

pub(super) fn parse(s: &[u8]) -> Result<(Parsed, bool), String> {
    let mut toks: Vec<Tok> = Vec::with_capacity(6);
    let mut push = |start: usize, end: usize, hyphen: bool, before_number: bool| {
        let text = s.get(start..end).unwrap_or(&[]);
        let kind = if text.iter().all(u8::is_ascii_digit) {
            // Also the empty token, which means 0.
            Kind::Num(Span::number(s, start, end))
        } else {
            qualifier(s, Span::new(start, end), before_number)
        };
        toks.push(Tok { hyphen, kind });
    };
    let mut start = 0;
    let mut hyphen = false;
    let mut digits: Option<bool> = None;
    for (i, &c) in s.iter().enumerate() {
        if c == b'.' || c == b'-' {
            push(start, i, hyphen, false);
            hyphen = c == b'-';
            start = i + 1;
            digits = None;
        } else {
            let d = c.is_ascii_digit();
            if digits.is_some_and(|prev| prev != d) {
                push(start, i, hyphen, d);
                hyphen = true;
                start = i;
            }
            digits = Some(d);
        }
    }
    push(start, s.len(), hyphen, false);

    // Trim nulls from the end, then before each hyphen from the last to the first.
    while toks.last().is_some_and(Tok::is_null) {
        toks.pop();
    }
    let mut i = toks.len();
    while i > 0 {
        i -= 1;
        if toks.get(i).is_some_and(|t| t.hyphen) {
            while i > 0 && toks.get(i - 1).is_some_and(Tok::is_null) {
                toks.remove(i - 1);
                i -= 1;
            }
        }
    }
    let floor = toks.is_empty();
    let classes = classify(&toks).into_boxed_slice();
    Ok((
        Parsed {
            toks: toks.into_boxed_slice(),
            classes,
        },
        floor,
    ))
}

/// A token's place in the order, before its value is looked at. `END` is the end of a version.
mod class {
    /// `.` qualifier below the release.
    pub const DOT_PRE: u8 = 0;
    /// `-` qualifier below the release.
    pub const HYPHEN_PRE: u8 = 1;
    /// A null leading (through more nulls) to a qualifier below the release.
    pub const NULL_BEFORE_PRE: u8 = 2;
    pub const END: u8 = 3;
    /// A null qualifier leading to something above the release.
    pub const NULL_QUALIFIER: u8 = 4;
    /// `.` qualifier above the release.
    pub const DOT_POST: u8 = 5;
    /// `-` qualifier above the release.
    pub const HYPHEN_POST: u8 = 6;
    /// `-number`.
    pub const HYPHEN_NUMBER: u8 = 7;
    /// `.number`.
    pub const DOT_NUMBER: u8 = 8;
}

/// Works out each token's class; a null's class depends on the first non-null token after it.
fn classify(toks: &[Tok]) -> Vec<u8> {
    let mut classes = vec![0; toks.len()];
    // Whether the nearest non-null token to the right is a qualifier below the release.
    let mut before_pre = false;
    for (k, t) in toks.iter().enumerate().rev() {
        let c = match (t.kind, t.hyphen) {
            _ if t.is_null() && before_pre => class::NULL_BEFORE_PRE,
            (Kind::Qual(..), _) if t.is_null() => class::NULL_QUALIFIER,
            (Kind::Qual(rank, _), false) if rank < RELEASE => class::DOT_PRE,
            (Kind::Qual(rank, _), true) if rank < RELEASE => class::HYPHEN_PRE,
            (Kind::Qual(..), false) => class::DOT_POST,
            (Kind::Qual(..), true) => class::HYPHEN_POST,
            (Kind::Num(_), true) => class::HYPHEN_NUMBER,
            (Kind::Num(_), false) => class::DOT_NUMBER,
        };
        if let Some(slot) = classes.get_mut(k) {
            *slot = c;
        }
        if !t.is_null() {
            before_pre = matches!(t.kind, Kind::Qual(rank, _) if rank < RELEASE);
        }
    }
    classes
}

/// Compares two tokens of the same class.
fn cmp_tok(a: &[u8], x: &Tok, b: &[u8], y: &Tok) -> Ordering {
    let order = |t: &Tok| match (t.kind, t.hyphen) {
        (Kind::Qual(..), false) => 0,
        (Kind::Qual(..), true) => 1,
        (Kind::Num(_), true) => 2,
        (Kind::Num(_), false) => 3,
    };
    match (x.kind, y.kind) {
        (Kind::Num(p), Kind::Num(q)) if x.hyphen == y.hyphen => cmp_digits(p.of(a), q.of(b)),
        (Kind::Qual(r, p), Kind::Qual(t, q)) if x.hyphen == y.hyphen => r.cmp(&t).then_with(|| {
            if r == OTHER {
                cmp_ignore_case(p.of(a), q.of(b))
            } else {
                Ordering::Equal
            }
        }),
        _ => order(x).cmp(&order(y)),
    }
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    for k in 0..x.toks.len().max(y.toks.len()) {
        let cx = x.classes.get(k).copied().unwrap_or(class::END);
        let cy = y.classes.get(k).copied().unwrap_or(class::END);
        let o = cx
            .cmp(&cy)
            .then_with(|| match (x.toks.get(k), y.toks.get(k)) {
                (Some(p), Some(q)) => cmp_tok(a, p, b, q),
                _ => Ordering::Equal,
            });
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// ComparableVersion's pairwise comparison (not transitive; see the module docs).
pub(super) fn compare_exact(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    let mut k = 0;
    loop {
        let (p, q) = match (x.toks.get(k), y.toks.get(k)) {
            (None, None) => return Ordering::Equal,
            (Some(_), None) => return rest_vs_null(x.toks.get(k..).unwrap_or(&[])),
            (None, Some(_)) => return rest_vs_null(y.toks.get(k..).unwrap_or(&[])).reverse(),
            (Some(p), Some(q)) => (p, q),
        };
        let o = match (p.hyphen, q.hyphen) {
            (true, true) | (false, false) => cmp_item(a, p, b, q),
            // A `-` token opens a list: below a number, above a qualifier.
            (true, false) => list_vs_item(q),
            (false, true) => list_vs_item(p).reverse(),
        };
        if o != Ordering::Equal {
            return o;
        }
        k += 1;
    }
}

fn list_vs_item(item: &Tok) -> Ordering {
    match item.kind {
        Kind::Num(_) => Ordering::Less,
        Kind::Qual(..) => Ordering::Greater,
    }
}

/// Two items (not lists) in the same place: numbers by value, a number above a qualifier,
/// qualifiers by rank and then, for unknown ones, alphabetically ignoring case.
fn cmp_item(a: &[u8], x: &Tok, b: &[u8], y: &Tok) -> Ordering {
    match (x.kind, y.kind) {
        (Kind::Num(p), Kind::Num(q)) => cmp_digits(p.of(a), q.of(b)),
        (Kind::Num(_), Kind::Qual(..)) => Ordering::Greater,
        (Kind::Qual(..), Kind::Num(_)) => Ordering::Less,
        (Kind::Qual(r, p), Kind::Qual(t, q)) => r.cmp(&t).then_with(|| {
            if r == OTHER {
                cmp_ignore_case(p.of(a), q.of(b))
            } else {
                Ordering::Equal
            }
        }),
    }
}

/// The remaining items of a version whose counterpart has run out, against null.
fn rest_vs_null(rest: &[Tok]) -> Ordering {
    for t in rest {
        let o = match t.kind {
            Kind::Num(n) if n.is_empty() => Ordering::Equal,
            Kind::Num(_) => Ordering::Greater,
            Kind::Qual(rank, _) => rank.cmp(&RELEASE),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}
