//! Glob matching for CODEOWNERS segments and branch-name patterns.
//!
//! Matching is iterative (no recursion) and takes at most `pattern × text` steps, so hostile
//! patterns such as `*a*a*a*a*b` cannot blow up.

/// One token of a compiled glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A literal character.
    Char(char),
    /// `?`: any one character (never `/`).
    One,
    /// `*`: any run of characters (never `/` where the caller splits on it).
    Star,
    /// `**` in a branch pattern: any run of characters, `/` included.
    DoubleStar,
    /// `[...]`: one character in (or, negated, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// Compile a glob. Backslash escapes the next character. `[...]` classes are read only when
/// `classes` is set (otherwise `[` is literal); `**` becomes [`Tok::DoubleStar`] only when
/// `double_star` is set (otherwise it is the same as `*`).
pub(crate) fn compile(pattern: &str, classes: bool, double_star: bool) -> Vec<Tok> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut toks = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                // A trailing backslash stands for itself.
                toks.push(Tok::Char(chars.get(i + 1).copied().unwrap_or('\\')));
                i += 2;
            }
            '*' => {
                let mut n = 0;
                while chars.get(i + n) == Some(&'*') {
                    n += 1;
                }
                i += n;
                let tok = if double_star && n >= 2 {
                    Tok::DoubleStar
                } else {
                    Tok::Star
                };
                toks.push(tok);
            }
            '?' => {
                toks.push(Tok::One);
                i += 1;
            }
            '[' if classes => match parse_class(&chars, i) {
                Some((tok, next)) => {
                    toks.push(tok);
                    i = next;
                }
                None => {
                    toks.push(Tok::Char('['));
                    i += 1;
                }
            },
            _ => {
                toks.push(Tok::Char(c));
                i += 1;
            }
        }
    }
    toks
}

/// Parse `[...]` starting at `start` (the `[`); the token and the index after `]`.
fn parse_class(chars: &[char], start: usize) -> Option<(Tok, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let first = i;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && i > first {
            return Some((Tok::Class { negated, ranges }, i + 1));
        }
        let lo = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let hi = *chars.get(i + 1)?;
            ranges.push((lo, hi));
            i += 2;
        } else {
            ranges.push((lo, lo));
        }
    }
}

/// Whether the compiled glob has no wildcard at all.
pub(crate) fn is_literal(toks: &[Tok]) -> bool {
    toks.iter().all(|t| matches!(t, Tok::Char(_)))
}

fn one(tok: &Tok, c: char, slash_ok: bool) -> bool {
    match tok {
        Tok::Char(x) => *x == c,
        Tok::One => slash_ok || c != '/',
        Tok::Class { negated, ranges } => {
            (slash_ok || c != '/') && ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
        }
        Tok::Star | Tok::DoubleStar => false,
    }
}

/// Match a glob whose stars are all alike (`*` only, or `**` only) against `text`: the
/// classic two-pointer algorithm with one backtracking point, linear in practice and
/// `O(pattern × text)` at worst. `?` and classes match `/` only when `slash_ok`.
pub(crate) fn match_uniform(toks: &[Tok], text: &str, slash_ok: bool) -> bool {
    let (mut ti, mut si) = (0usize, 0usize);
    let mut back: Option<(usize, usize)> = None;
    loop {
        match toks.get(ti) {
            Some(Tok::Star | Tok::DoubleStar) => {
                back = Some((ti + 1, si));
                ti += 1;
                continue;
            }
            Some(tok) => {
                if let Some(c) = text.get(si..).and_then(|s| s.chars().next())
                    && one(tok, c, slash_ok)
                {
                    ti += 1;
                    si += c.len_utf8();
                    continue;
                }
            }
            None if si == text.len() => return true,
            None => {}
        }
        // Mismatch: let the last star take one more character.
        let Some((bt, bs)) = back else { return false };
        let Some(c) = text.get(bs..).and_then(|s| s.chars().next()) else {
            return false;
        };
        let ns = bs + c.len_utf8();
        back = Some((bt, ns));
        ti = bt;
        si = ns;
    }
}

/// Match a glob where `*` stops at `/` and `**` does not (`fnmatch` with `FNM_PATHNAME`
/// plus globstar), by dynamic programming over `pattern × text`.
pub(crate) fn match_path(toks: &[Tok], text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    // prev[j]: tokens so far match chars[..j].
    let mut prev = vec![false; n + 1];
    prev[0] = true;
    let mut cur = vec![false; n + 1];
    for tok in toks {
        cur.iter_mut().for_each(|c| *c = false);
        match tok {
            Tok::DoubleStar => {
                let mut reach = false;
                for j in 0..=n {
                    reach |= prev[j];
                    cur[j] = reach;
                }
            }
            Tok::Star => {
                let mut reach = false;
                for j in 0..=n {
                    reach |= prev[j];
                    cur[j] = reach;
                    if j < n && chars[j] == '/' {
                        reach = false;
                    }
                }
            }
            other => {
                for j in 0..n {
                    if prev[j] && one(other, chars[j], false) {
                        cur[j + 1] = true;
                    }
                }
            }
        }
        std::mem::swap(&mut prev, &mut cur);
        if !prev.iter().any(|&b| b) {
            return false;
        }
    }
    prev[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(p: &str, t: &str) -> bool {
        match_uniform(&compile(p, true, false), t, false)
    }
    fn path(p: &str, t: &str) -> bool {
        match_path(&compile(p, true, true), t)
    }

    #[test]
    fn segment_globs() {
        assert!(seg("*.rs", "main.rs"));
        assert!(seg("*", ".hidden"));
        assert!(!seg("*.rs", "main.rsx"));
        assert!(seg("a?c", "abc"));
        assert!(seg("a?c", "aéc"));
        assert!(!seg("a?c", "ac"));
        assert!(seg("[Mm]akefile", "makefile"));
        assert!(!seg("[!M]akefile", "Makefile"));
        assert!(seg("v[0-9]", "v7"));
        assert!(seg("[]]", "]"));
        assert!(seg("a[", "a["));
        assert!(seg("\\*", "*"));
        assert!(!seg("\\*", "x"));
        assert!(seg("*a*a*a*a*a*a*a*b", &format!("{}b", "a".repeat(200))));
        assert!(!seg("*a*a*a*a*a*a*a*b", &"a".repeat(200)));
    }

    #[test]
    fn path_globs() {
        assert!(path("release/*", "release/1.0"));
        assert!(!path("release/*", "release/1.0/hotfix"));
        assert!(path("release/**", "release/1.0/hotfix"));
        assert!(path("release/**/*", "release/a/b"));
        assert!(path("**", "a/b"));
        assert!(!path("main", "main2"));
        assert!(path("v?.*", "v1.x"));
        assert!(!path("*", "a/b"));
    }
}
