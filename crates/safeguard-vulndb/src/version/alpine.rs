//! Alpine, Wolfi and Chainguard (apk-tools).
//!
//! A well-formed apk version is `number{.number}[letter]{_suffix[number]}[-rN]`. apk reads it as
//! a stream of tokens and compares the two streams token by token:
//!
//! - the first number compares by value; a later number that starts with `0` sorts below any
//!   that does not, more leading zeros sorting lower, then by the digits after the zeros, so
//!   `1.0 < 1.02 < 1.1` and `1.001 < 1.01`;
//! - a letter compares by its character;
//! - suffixes order `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` <
//!   `_hg` < `_p`, each followed by an optional number;
//! - `-rN` is the package revision.
//!
//! When one stream has a token of a kind the other has not, the one that ends sooner sorts first
//! (`1.2 < 1.2.1 < 1.2.1a < 1.2.1_p1 < 1.2.1-r1`), except that a pre-release suffix sorts before
//! the end (`1.2_rc1 < 1.2`). A malformed part (an unknown suffix, upper case, a `-` not followed
//! by `r` and digits up to the end, a token out of order) ends the stream as "invalid", which
//! sorts below everything except a pre-release suffix, and two streams that turn invalid at the
//! same place are equal from there on. This is how current apk-tools orders versions, the
//! reference the conformance fixtures use; apk-tools 2 (Alpine 3.x) differs for some malformed
//! versions only.
//!
//! Accepted: any printable ASCII (apk orders malformed versions too).

use std::cmp::Ordering;

use super::{cmp_digits, describe_at};

/// Token kinds, in the order that decides between streams that differ in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    Revision,
    End,
    Invalid,
}

#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    /// A letter's character or a suffix's rank.
    Int(i64),
    /// A number after the first that starts with `0`: its count of leading zeros, then the
    /// digits after them.
    Zeros(usize, &'a [u8]),
    Digits(&'a [u8]),
}

/// Values are only compared between tokens of the same kind; mixed variants (only `Zeros`
/// against `Digits` happens) order `Int` < `Zeros` < `Digits`.
fn cmp_val(p: Val<'_>, q: Val<'_>) -> Ordering {
    match (p, q) {
        (Val::Int(x), Val::Int(y)) => x.cmp(&y),
        (Val::Digits(x), Val::Digits(y)) => cmp_digits(x, y),
        // More leading zeros sort lower.
        (Val::Zeros(z, x), Val::Zeros(w, y)) => w.cmp(&z).then_with(|| cmp_digits(x, y)),
        (Val::Int(_), _) | (Val::Zeros(..), Val::Digits(_)) => Ordering::Less,
        (_, Val::Int(_)) | (Val::Digits(_), Val::Zeros(..)) => Ordering::Greater,
    }
}

const SUFFIXES: [(&[u8], i64); 9] = [
    (b"alpha", -4),
    (b"beta", -3),
    (b"pre", -2),
    (b"rc", -1),
    (b"cvs", 0),
    (b"svn", 1),
    (b"git", 2),
    (b"hg", 3),
    (b"p", 4),
];

/// The suffix starting `rest`, as (value, length).
fn suffix(rest: &[u8]) -> Option<(i64, usize)> {
    SUFFIXES
        .iter()
        .find(|(name, _)| rest.starts_with(name))
        .map(|&(name, value)| (value, name.len()))
}

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    /// The kind of the next token.
    kind: Kind,
}

impl<'a> Reader<'a> {
    fn new(s: &'a [u8]) -> Self {
        Reader {
            s,
            pos: 0,
            kind: if s.is_empty() { Kind::End } else { Kind::Digit },
        }
    }

    fn rest(&self) -> &'a [u8] {
        self.s.get(self.pos..).unwrap_or(&[])
    }

    fn digits(&mut self) -> &'a [u8] {
        let rest = self.rest();
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        self.pos += n;
        rest.get(..n).unwrap_or(&[])
    }

    /// Reads the next token (of kind `self.kind`) and works out the kind of the one after.
    fn read(&mut self) -> Val<'a> {
        if self.rest().is_empty() {
            // A token with nothing left (`1-r`) reads as zero of its kind.
            let zero = match self.kind {
                Kind::Letter | Kind::Suffix => Val::Int(0),
                _ => Val::Digits(&[]),
            };
            self.kind = Kind::End;
            return zero;
        }
        let value = match self.kind {
            Kind::DigitOrZero if self.rest().first() == Some(&b'0') => {
                let zeros = self.rest().iter().take_while(|&&c| c == b'0').count();
                self.pos += zeros;
                Val::Zeros(zeros, self.digits())
            }
            Kind::DigitOrZero | Kind::Digit | Kind::SuffixNo | Kind::Revision => {
                Val::Digits(self.digits())
            }
            Kind::Letter => {
                let c = self.rest().first().copied().unwrap_or(0);
                self.pos += 1;
                Val::Int(i64::from(c))
            }
            Kind::Suffix => match suffix(self.rest()) {
                Some((value, len)) => {
                    self.pos += len;
                    Val::Int(value)
                }
                None => {
                    self.kind = Kind::Invalid;
                    return Val::Int(-1);
                }
            },
            Kind::End | Kind::Invalid => return Val::Int(0),
        };
        self.advance();
        value
    }

    /// Sets the kind of the token at `pos`, consuming its separator.
    fn advance(&mut self) {
        let from = self.kind;
        let Some(&c) = self.rest().first() else {
            self.kind = Kind::End;
            return;
        };
        let next = if matches!(from, Kind::Digit | Kind::DigitOrZero) && c.is_ascii_lowercase() {
            Kind::Letter
        } else if from == Kind::Letter && c.is_ascii_digit() {
            Kind::Digit
        } else if from == Kind::Suffix && c.is_ascii_digit() {
            Kind::SuffixNo
        } else {
            self.pos += 1;
            match c {
                b'.' => Kind::DigitOrZero,
                b'_' => Kind::Suffix,
                b'-' => {
                    let rest = self.rest();
                    let revision = rest.first() == Some(&b'r')
                        && rest
                            .get(1..)
                            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
                    if revision {
                        self.pos += 1;
                        Kind::Revision
                    } else {
                        Kind::Invalid
                    }
                }
                _ => Kind::Invalid,
            }
        };
        let allowed_back = matches!(
            (from, next),
            (Kind::Digit, Kind::DigitOrZero)
                | (Kind::SuffixNo, Kind::Suffix)
                | (Kind::Letter, Kind::Digit)
        );
        self.kind = if next < from && !allowed_back {
            Kind::Invalid
        } else {
            next
        };
    }

    /// Whether the next token is a pre-release suffix (an unknown suffix counts as one).
    fn at_pre_suffix(&self) -> bool {
        self.kind == Kind::Suffix && suffix(self.rest()).is_none_or(|(value, _)| value < 0)
    }
}

pub(super) fn compare(a: &[u8], b: &[u8]) -> Ordering {
    let mut x = Reader::new(a);
    let mut y = Reader::new(b);
    while x.kind == y.kind && !matches!(x.kind, Kind::End | Kind::Invalid) {
        let o = cmp_val(x.read(), y.read());
        if o != Ordering::Equal {
            return o;
        }
    }
    if x.kind == y.kind {
        return Ordering::Equal;
    }
    if x.at_pre_suffix() {
        return Ordering::Less;
    }
    if y.at_pre_suffix() {
        return Ordering::Greater;
    }
    // The stream that is further along (ends sooner) is smaller.
    y.kind.cmp(&x.kind)
}

pub(super) fn parse(s: &[u8]) -> Result<bool, String> {
    if let Some(i) = s.iter().position(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "apk versions are printable ASCII; found {}",
            describe_at(s, i)
        ));
    }
    Ok(compare(s, b"0") == Ordering::Equal)
}

pub(super) fn is_prerelease(s: &[u8]) -> bool {
    let mut r = Reader::new(s);
    while !matches!(r.kind, Kind::End | Kind::Invalid) {
        if r.at_pre_suffix() && suffix(r.rest()).is_some() {
            return true;
        }
        r.read();
    }
    false
}
