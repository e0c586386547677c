//! CRAN and Bioconductor (R's `package_version`).
//!
//! A version is numbers separated by `.` or `-` (`1.2-3` is `1.2.3`). Numbers compare by value
//! (`0.01` equals `0.1`), part by part; when one version is a prefix of the other, the shorter
//! one is smaller (`0.1.0 < 0.1.0.0`), as in R. R needs at least two parts; a single number is
//! accepted here as well.

use std::cmp::Ordering;

use super::{Span, cmp_digits, describe_at};

#[derive(Debug, Clone)]
pub(super) struct Parsed {
    parts: Box<[Span]>,
}

pub(super) fn parse(s: &[u8]) -> Result<(Parsed, bool), String> {
    let mut parts = Vec::with_capacity(4);
    let mut i = 0;
    loop {
        let start = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if start == i {
            return Err(format!(
                "R package versions are numbers separated by '.' or '-'; expected a number, found {}",
                describe_at(s, i)
            ));
        }
        parts.push(Span::number(s, start, i));
        match s.get(i) {
            None => break,
            Some(b'.' | b'-') => i += 1,
            Some(_) => {
                return Err(format!(
                    "R package versions are numbers separated by '.' or '-'; found {}",
                    describe_at(s, i)
                ));
            }
        }
    }
    // Nothing sorts below a single 0, so the OSV "0" needs no special place.
    Ok((
        Parsed {
            parts: parts.into_boxed_slice(),
        },
        false,
    ))
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    for (p, q) in x.parts.iter().zip(y.parts.iter()) {
        let o = cmp_digits(p.of(a), q.of(b));
        if o != Ordering::Equal {
            return o;
        }
    }
    x.parts.len().cmp(&y.parts.len())
}
