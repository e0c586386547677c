//! SemVer 2.0.0 (§11 precedence), and the Go and NuGet variants of it.
//!
//! Accepted, beyond strict SemVer (real registries and OSV records contain these):
//! - a leading `v` or `V`;
//! - one or more release parts: `1` and `1.2` mean `1.0.0` and `1.2.0`; parts after the third
//!   (`1.2.3.4`) compare numerically after it, with missing parts counting as 0 (NuGet allows at
//!   most four parts, as NuGet itself does);
//! - leading zeros in numbers (`01.2.3` equals `1.2.3`);
//! - a pre-release started directly by a letter, without the `-` (`1.2.3beta`, npm loose mode).
//!
//! Pre-release and build identifiers are dot-separated, non-empty runs of ASCII letters,
//! digits and `-`. Build metadata is ignored for ordering. Identifiers made only of digits
//! compare numerically and sort before alphanumeric ones; others compare by ASCII (SemVer, Go)
//! or ignoring ASCII case (NuGet). A shorter list of identifiers sorts first when it is a prefix
//! of the longer one.
//!
//! Go: pseudo-versions (`v0.0.0-20210101000000-abcdef123456`,
//! `v1.2.4-0.20210101000000-abcdef123456`) are pre-releases and order as such;
//! `+incompatible` is build metadata.
//!
//! The literal `0` (OSV's "introduced from the start") sorts before every other version and is
//! not equal to `0.0.0` (which has pre-releases below it).

use std::cmp::Ordering;

use super::{Span, cmp_digits, cmp_ignore_case, describe_at};

/// Which of the SemVer-like schemes is being parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    SemVer,
    Go,
    NuGet,
}

#[derive(Debug, Clone, Copy)]
struct Ident {
    span: Span,
    numeric: bool,
}

/// Release numbers (leading zeros stripped) followed by pre-release identifiers.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    parts: Box<[Ident]>,
    release: u16,
    ignore_case: bool,
}

impl Parsed {
    fn release(&self) -> &[Ident] {
        self.parts
            .get(..usize::from(self.release))
            .unwrap_or(&self.parts)
    }

    fn pre(&self) -> &[Ident] {
        self.parts.get(usize::from(self.release)..).unwrap_or(&[])
    }

    pub(super) fn is_prerelease(&self) -> bool {
        !self.pre().is_empty()
    }
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

pub(super) fn parse(s: &[u8], flavor: Flavor) -> Result<(Parsed, bool), String> {
    let floor = s == b"0";
    let mut i = usize::from(matches!(s.first(), Some(b'v' | b'V')));
    let mut parts = Vec::with_capacity(4);

    // Release: numbers separated by dots.
    loop {
        let start = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if start == i {
            return Err(format!(
                "expected a release number, found {}",
                describe_at(s, i)
            ));
        }
        parts.push(Ident {
            span: Span::number(s, start, i),
            numeric: true,
        });
        if s.get(i) == Some(&b'.') {
            i += 1;
        } else {
            break;
        }
    }
    let release = parts.len();
    if flavor == Flavor::NuGet && release > 4 {
        return Err(format!(
            "NuGet versions have at most four release numbers; this one has {release}"
        ));
    }

    // Pre-release: after '-', or directly after the last number when a letter follows.
    match s.get(i) {
        Some(b'-') => {
            i = identifiers(s, i + 1, "pre-release", &mut parts)?;
        }
        Some(c) if c.is_ascii_alphabetic() => {
            i = identifiers(s, i, "pre-release", &mut parts)?;
        }
        _ => {}
    }
    // Build metadata: validated, not kept.
    if s.get(i) == Some(&b'+') {
        let mut build = Vec::new();
        i = identifiers(s, i + 1, "build metadata", &mut build)?;
    }
    if i < s.len() {
        return Err(format!("unexpected {}", describe_at(s, i)));
    }
    let release = u16::try_from(release).map_err(|_| "too many release numbers".to_owned())?;
    Ok((
        Parsed {
            parts: parts.into_boxed_slice(),
            release,
            ignore_case: flavor == Flavor::NuGet,
        },
        floor,
    ))
}

/// Parses dot-separated identifiers from `i` up to a `+` or the end; returns where it stopped.
fn identifiers(s: &[u8], mut i: usize, what: &str, out: &mut Vec<Ident>) -> Result<usize, String> {
    loop {
        let start = i;
        while s.get(i).copied().is_some_and(is_ident_char) {
            i += 1;
        }
        if start == i {
            return Err(match s.get(i) {
                None | Some(b'.' | b'+') => format!("empty {what} identifier at byte {i}"),
                Some(_) => format!(
                    "{what} identifiers may only hold letters, digits and '-'; found {}",
                    describe_at(s, i)
                ),
            });
        }
        let text = s.get(start..i).unwrap_or(&[]);
        let numeric = text.iter().all(u8::is_ascii_digit);
        out.push(Ident {
            span: if numeric {
                Span::number(s, start, i)
            } else {
                Span::new(start, i)
            },
            numeric,
        });
        match s.get(i) {
            Some(b'.') => i += 1,
            None | Some(b'+') => return Ok(i),
            Some(_) => {
                return Err(format!(
                    "{what} identifiers may only hold letters, digits and '-'; found {}",
                    describe_at(s, i)
                ));
            }
        }
    }
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    // Release numbers, missing ones counting as zero.
    let (rx, ry) = (x.release(), y.release());
    for k in 0..rx.len().max(ry.len()) {
        let p = rx.get(k).map_or(&[][..], |n| n.span.of(a));
        let q = ry.get(k).map_or(&[][..], |n| n.span.of(b));
        let o = cmp_digits(p, q);
        if o != Ordering::Equal {
            return o;
        }
    }
    // A release sorts after its pre-releases.
    let (px, py) = (x.pre(), y.pre());
    match (px.is_empty(), py.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    let ignore_case = x.ignore_case || y.ignore_case;
    for (p, q) in px.iter().zip(py) {
        let o = match (p.numeric, q.numeric) {
            (true, true) => cmp_digits(p.span.of(a), q.span.of(b)),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) if ignore_case => cmp_ignore_case(p.span.of(a), q.span.of(b)),
            (false, false) => p.span.of(a).cmp(q.span.of(b)),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    px.len().cmp(&py.len())
}
