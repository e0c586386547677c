//! PEP 440 (PyPI), with its normalisation rules and the pre-PEP 440 "legacy" fallback.
//!
//! A version is `[v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]` where, as PEP 440's
//! normalisation section allows: letters may be in any case; `alpha`, `beta`, `c`, `pre` and
//! `preview` mean `a`, `b`, `rc`, `rc`, `rc`; `rev` and `r` mean `post`; `-`, `_` or `.` may
//! separate the parts, and a missing number means 0; `1.0-1` is the post-release `1.0.post1`;
//! local labels may be separated by `-`, `_` or `.`.
//!
//! Order: epoch, then the release (trailing zeros ignored, so `1.0 == 1.0.0`), then
//! `.devN` of a release < `aN` < `bN` < `rcN` < the release < `.postN`, with `.devN` of a pre- or
//! post-release sorting just before it; a local version sorts after the same public version,
//! local labels comparing numerically when both are numbers, numbers after words.
//!
//! Other strings of printable ASCII are "legacy" versions (as `packaging` before 22.0 called
//! them): they sort before every PEP 440 version and among themselves by the old setuptools
//! rules (numbers padded, `pre`/`preview`/`rc` as `c`, `dev` as `@`, a `-` as `final-`,
//! trailing zeros dropped). PyPI still holds such versions (`2013-01-21T20:33:09+0100`). The
//! exception: a valid PEP 440 version followed by a malformed local label (`1.0+`,
//! `1.0+a..b`) is an error, since it is plainly meant as PEP 440.

use std::cmp::Ordering;

use super::{Span, cmp_digits, cmp_ignore_case, describe_at};

#[derive(Debug, Clone)]
pub(super) enum Parsed {
    Valid(Pep440),
    /// The legacy sort key.
    Legacy(Box<[Box<str>]>),
}

/// Pre-release phase: `a` < `b` < `rc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Alpha,
    Beta,
    Rc,
}

#[derive(Debug, Clone, Copy)]
enum Seg {
    Num(Span),
    Word(Span),
}

#[derive(Debug, Clone)]
pub(super) struct Pep440 {
    epoch: Span,
    pre: Option<(Phase, Span)>,
    post: Option<Span>,
    dev: Option<Span>,
    /// Release numbers, then local segments.
    parts: Box<[Seg]>,
    release: u16,
    has_local: bool,
}

impl Parsed {
    pub(super) fn is_prerelease(&self) -> bool {
        match self {
            Parsed::Valid(v) => v.pre.is_some() || v.dev.is_some(),
            Parsed::Legacy(_) => false,
        }
    }
}

impl Pep440 {
    fn release(&self) -> &[Seg] {
        self.parts
            .get(..usize::from(self.release))
            .unwrap_or(&self.parts)
    }

    fn local(&self) -> &[Seg] {
        self.parts.get(usize::from(self.release)..).unwrap_or(&[])
    }
}

/// A cursor over the version text; letters are matched ignoring ASCII case.
struct Cur<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).map(u8::to_ascii_lowercase)
    }

    fn is_sep(c: Option<u8>) -> bool {
        matches!(c, Some(b'.' | b'-' | b'_'))
    }

    fn eat_word(&mut self, word: &[u8]) -> bool {
        let end = self.i + word.len();
        match self.s.get(self.i..end) {
            Some(t) if t.eq_ignore_ascii_case(word) => {
                self.i = end;
                true
            }
            _ => false,
        }
    }

    /// Digits at the cursor (possibly none), leading zeros stripped.
    fn number(&mut self) -> Option<Span> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        (self.i > start).then(|| Span::number(self.s, start, self.i))
    }

    /// `[sep] word [sep] [N]` for the first matching word; the cursor is left alone on failure.
    fn label<T: Copy>(&mut self, words: &[(&[u8], T)]) -> Option<(T, Span)> {
        let save = self.i;
        if Cur::is_sep(self.peek()) {
            self.i += 1;
        }
        for &(word, value) in words {
            if self.eat_word(word) {
                let after_word = self.i;
                if Cur::is_sep(self.peek()) {
                    self.i += 1;
                }
                return match self.number() {
                    Some(n) => Some((value, n)),
                    None => {
                        // A separator with no number after it belongs to what follows.
                        self.i = after_word;
                        Some((value, Span::default()))
                    }
                };
            }
        }
        self.i = save;
        None
    }
}

const PRE_WORDS: &[(&[u8], Phase)] = &[
    (b"alpha", Phase::Alpha),
    (b"a", Phase::Alpha),
    (b"beta", Phase::Beta),
    (b"b", Phase::Beta),
    (b"preview", Phase::Rc),
    (b"pre", Phase::Rc),
    (b"rc", Phase::Rc),
    (b"c", Phase::Rc),
];
const POST_WORDS: &[(&[u8], ())] = &[(b"post", ()), (b"rev", ()), (b"r", ())];
const DEV_WORDS: &[(&[u8], ())] = &[(b"dev", ())];

pub(super) fn parse(s: &[u8]) -> Result<(Parsed, bool), String> {
    match parse_strict(s) {
        Ok(v) => {
            let floor = v.epoch.is_empty()
                && v.pre.is_none()
                && v.post.is_none()
                && v.dev.is_none()
                && !v.has_local
                && v.release()
                    .iter()
                    .all(|seg| matches!(seg, Seg::Num(n) if n.is_empty()));
            Ok((Parsed::Valid(v), floor))
        }
        Err(Failure { reason, in_local }) => {
            if !in_local && s.iter().all(u8::is_ascii_graphic) {
                Ok((Parsed::Legacy(legacy_key(s)), false))
            } else {
                Err(reason)
            }
        }
    }
}

/// Why a string is not PEP 440, and whether it failed inside the local label.
struct Failure {
    reason: String,
    in_local: bool,
}

impl From<String> for Failure {
    fn from(reason: String) -> Self {
        Failure {
            reason,
            in_local: false,
        }
    }
}

fn parse_strict(s: &[u8]) -> Result<Pep440, Failure> {
    let mut c = Cur { s, i: 0 };
    if c.peek() == Some(b'v') {
        c.i += 1;
    }
    let mut parts = Vec::with_capacity(4);
    let first = c.number().ok_or_else(|| {
        Failure::from(format!(
            "a PEP 440 version starts with a number; found {}",
            describe_at(s, c.i)
        ))
    })?;
    let mut epoch = Span::default();
    if c.peek() == Some(b'!') {
        epoch = first;
        c.i += 1;
        let n = c.number().ok_or_else(|| {
            Failure::from(format!(
                "expected the release number after the epoch '!', found {}",
                describe_at(s, c.i)
            ))
        })?;
        parts.push(Seg::Num(n));
    } else {
        parts.push(Seg::Num(first));
    }
    while c.peek() == Some(b'.') && s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
        c.i += 1;
        if let Some(n) = c.number() {
            parts.push(Seg::Num(n));
        }
    }
    let release = u16::try_from(parts.len())
        .map_err(|_| Failure::from("too many release numbers".to_owned()))?;

    let pre = c.label(PRE_WORDS);
    let mut post = None;
    // Implicit post-release: `-N`.
    if c.peek() == Some(b'-') && s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
        c.i += 1;
        post = c.number();
    } else if let Some(((), n)) = c.label(POST_WORDS) {
        post = Some(n);
    }
    let dev = c.label(DEV_WORDS).map(|((), n)| n);

    let mut has_local = false;
    if c.peek() == Some(b'+') {
        has_local = true;
        c.i += 1;
        loop {
            let start = c.i;
            while s.get(c.i).is_some_and(u8::is_ascii_alphanumeric) {
                c.i += 1;
            }
            if start == c.i {
                let reason = if start == s.len() {
                    "empty local version label at the end".to_owned()
                } else {
                    format!(
                        "local version labels are letters and digits separated by '.', '-' or '_'; found {}",
                        describe_at(s, c.i)
                    )
                };
                return Err(Failure {
                    reason,
                    in_local: true,
                });
            }
            let text = s.get(start..c.i).unwrap_or(&[]);
            parts.push(if text.iter().all(u8::is_ascii_digit) {
                Seg::Num(Span::number(s, start, c.i))
            } else {
                Seg::Word(Span::new(start, c.i))
            });
            if Cur::is_sep(c.peek()) {
                c.i += 1;
            } else {
                break;
            }
        }
    }
    if c.i < s.len() {
        return Err(Failure {
            reason: format!("not a PEP 440 version: unexpected {}", describe_at(s, c.i)),
            in_local: has_local,
        });
    }
    Ok(Pep440 {
        epoch,
        pre,
        post,
        dev,
        parts: parts.into_boxed_slice(),
        release,
        has_local,
    })
}

/// The legacy (setuptools `parse_version` before PEP 440) sort key: numbers zero-padded to
/// eight digits, words prefixed with `*`, `pre`/`preview`/`rc` → `c`, `dev` → `@`, `-` →
/// `final-`, a closing `*final`; zeros before a word and `*final-` before a word sorting below
/// `*final` are dropped.
fn legacy_key(s: &[u8]) -> Box<[Box<str>]> {
    let mut parts: Vec<Box<str>> = Vec::new();
    let mut push = |part: String| {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into_boxed_str());
    };
    let lower: Vec<u8> = s.iter().map(u8::to_ascii_lowercase).collect();
    let mut i = 0;
    while let Some(&c) = lower.get(i) {
        let class = |b: u8| {
            if b.is_ascii_digit() {
                0
            } else if b.is_ascii_lowercase() {
                1
            } else if b == b'.' || b == b'-' {
                2
            } else {
                3
            }
        };
        let k = class(c);
        let start = i;
        i += 1;
        if k != 2 {
            while lower.get(i).is_some_and(|&b| class(b) == k) {
                i += 1;
            }
        }
        let run = String::from_utf8_lossy(lower.get(start..i).unwrap_or(&[])).into_owned();
        match k {
            0 => push(format!("{run:0>8}")),
            2 if run == "." => {}
            _ => {
                let word = match run.as_str() {
                    "pre" | "preview" | "rc" => "c",
                    "dev" => "@",
                    "-" => "final-",
                    other => other,
                };
                push(format!("*{word}"));
            }
        }
    }
    push("*final".to_owned());
    parts.into_boxed_slice()
}

fn cmp_seg(a: &[u8], p: &Seg, b: &[u8], q: &Seg) -> Ordering {
    match (p, q) {
        (Seg::Num(x), Seg::Num(y)) => cmp_digits(x.of(a), y.of(b)),
        (Seg::Word(_), Seg::Num(_)) => Ordering::Less,
        (Seg::Num(_), Seg::Word(_)) => Ordering::Greater,
        (Seg::Word(x), Seg::Word(y)) => cmp_ignore_case(x.of(a), y.of(b)),
    }
}

fn seg_num<'a>(s: &'a [u8], seg: Option<&Seg>) -> &'a [u8] {
    match seg {
        Some(Seg::Num(n)) => n.of(s),
        _ => &[],
    }
}

pub(super) fn compare(a: &[u8], x: &Parsed, b: &[u8], y: &Parsed) -> Ordering {
    let (x, y) = match (x, y) {
        (Parsed::Legacy(p), Parsed::Legacy(q)) => return p.cmp(q),
        (Parsed::Legacy(_), Parsed::Valid(_)) => return Ordering::Less,
        (Parsed::Valid(_), Parsed::Legacy(_)) => return Ordering::Greater,
        (Parsed::Valid(p), Parsed::Valid(q)) => (p, q),
    };
    let o = cmp_digits(x.epoch.of(a), y.epoch.of(b));
    if o != Ordering::Equal {
        return o;
    }
    let (rx, ry) = (x.release(), y.release());
    for k in 0..rx.len().max(ry.len()) {
        let o = cmp_digits(seg_num(a, rx.get(k)), seg_num(b, ry.get(k)));
        if o != Ordering::Equal {
            return o;
        }
    }
    // Pre-release: a bare `.devN` sorts below every pre-release; no pre-release sorts above.
    let pre_key = |v: &Pep440| match v.pre {
        Some((phase, n)) => (1 + phase as u8, n),
        None if v.post.is_none() && v.dev.is_some() => (0, Span::default()),
        None => (4, Span::default()),
    };
    let ((kx, nx), (ky, ny)) = (pre_key(x), pre_key(y));
    let o = kx.cmp(&ky).then_with(|| cmp_digits(nx.of(a), ny.of(b)));
    if o != Ordering::Equal {
        return o;
    }
    let o = match (x.post, y.post) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(p), Some(q)) => cmp_digits(p.of(a), q.of(b)),
    };
    if o != Ordering::Equal {
        return o;
    }
    let o = match (x.dev, y.dev) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(p), Some(q)) => cmp_digits(p.of(a), q.of(b)),
    };
    if o != Ordering::Equal {
        return o;
    }
    match (x.has_local, y.has_local) {
        (false, false) => Ordering::Equal,
        (false, true) => Ordering::Less,
        (true, false) => Ordering::Greater,
        (true, true) => {
            let (lx, ly) = (x.local(), y.local());
            for (p, q) in lx.iter().zip(ly) {
                let o = cmp_seg(a, p, b, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            lx.len().cmp(&ly.len())
        }
    }
}
