//! GitHub Actions expressions (`${{ … }}`): finding them in text, and the contexts they read.

/// One `${{ … }}` in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expr<'a> {
    /// Byte offset of `${{`.
    pub start: usize,
    /// Byte length up to and including `}}`.
    pub len: usize,
    /// The text between the braces.
    pub inner: &'a str,
}

/// Every complete `${{ … }}` in `text`. A `}}` inside a quoted string does not end one; an
/// unterminated expression ends the search.
pub fn expressions(text: &str) -> Vec<Expr<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(rel) = text.get(from..).and_then(|t| t.find("${{")) {
        let start = from + rel;
        let body = start + 3;
        let mut i = body;
        let mut in_str = false;
        let mut end = None;
        while i < bytes.len() {
            let c = bytes[i];
            if in_str {
                if c == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        in_str = false;
                    }
                }
            } else if c == b'\'' {
                in_str = true;
            } else if c == b'}' && bytes.get(i + 1) == Some(&b'}') {
                end = Some(i);
                break;
            }
            i += 1;
        }
        let Some(end) = end else {
            break;
        };
        if let Some(inner) = text.get(body..end) {
            out.push(Expr {
                start,
                len: end + 2 - start,
                inner,
            });
        }
        from = end + 2;
    }
    out
}

/// A context reference in an expression (`github.event.issue.title`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtxRef {
    /// Lower-cased, with indexes written as `.*` (`github.event.commits.*.message`) and
    /// `['name']` as `.name`.
    pub path: String,
    /// Byte offset in the expression's inner text.
    pub offset: usize,
    /// True when the value cannot reach the output as text: it is compared (`==`, `!=`, `<`,
    /// `!x`, …) or is an argument of `contains`, `startsWith`, `endsWith` or `hashFiles`.
    pub contained: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ref(String),
    Call(String),
    Open,
    Close,
    Compare,
    Not,
    Other,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Skip a quoted string starting at `i` (on the opening quote); returns the index after it.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// Context references in an expression's inner text.
pub fn context_refs(inner: &str) -> Vec<CtxRef> {
    let b = inner.as_bytes();
    let mut toks: Vec<(Tok, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' {
            i = skip_string(b, i);
            toks.push((Tok::Other, i));
        } else if is_ident_start(c) {
            let start = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            let mut path = inner.get(start..i).unwrap_or_default().to_ascii_lowercase();
            // Property dereferences: `.name`, `.*`, `[…]`.
            loop {
                match b.get(i) {
                    Some(b'.') if b.get(i + 1) == Some(&b'*') => {
                        path.push_str(".*");
                        i += 2;
                    }
                    Some(b'.') if b.get(i + 1).is_some_and(|&c| is_ident_start(c)) => {
                        let s = i + 1;
                        i += 1;
                        while i < b.len() && is_ident(b[i]) {
                            i += 1;
                        }
                        path.push('.');
                        path.push_str(&inner.get(s..i).unwrap_or_default().to_ascii_lowercase());
                    }
                    Some(b'[') => {
                        let s = i + 1;
                        let mut depth = 1usize;
                        let mut j = s;
                        while j < b.len() && depth > 0 {
                            match b[j] {
                                b'\'' => {
                                    j = skip_string(b, j);
                                    continue;
                                }
                                b'[' => depth += 1,
                                b']' => depth -= 1,
                                _ => {}
                            }
                            j += 1;
                        }
                        let index = inner.get(s..j.saturating_sub(1)).unwrap_or_default().trim();
                        let quoted = index.len() >= 2
                            && index.starts_with('\'')
                            && index.ends_with('\'')
                            && !index[1..index.len() - 1].contains('\'');
                        if quoted {
                            path.push('.');
                            path.push_str(&index[1..index.len() - 1].to_ascii_lowercase());
                        } else {
                            path.push_str(".*");
                        }
                        i = j;
                    }
                    _ => break,
                }
            }
            let mut k = i;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if b.get(k) == Some(&b'(') {
                toks.push((Tok::Call(path), start));
            } else if matches!(path.as_str(), "true" | "false" | "null") {
                toks.push((Tok::Other, start));
            } else {
                toks.push((Tok::Ref(path), start));
            }
        } else {
            let two = inner.get(i..i + 2).unwrap_or_default();
            let tok = match two {
                "==" | "!=" | "<=" | ">=" => {
                    i += 2;
                    Tok::Compare
                }
                "&&" | "||" => {
                    i += 2;
                    Tok::Other
                }
                _ => {
                    i += 1;
                    match c {
                        b'<' | b'>' => Tok::Compare,
                        b'!' => Tok::Not,
                        b'(' => Tok::Open,
                        b')' => Tok::Close,
                        _ => Tok::Other,
                    }
                }
            };
            toks.push((tok, i));
        }
    }

    let mut out = Vec::new();
    // Enclosing parentheses: whether each was opened by a call whose result is not text.
    let mut stack: Vec<bool> = Vec::new();
    let mut pending_call = false;
    for (k, (tok, at)) in toks.iter().enumerate() {
        match tok {
            Tok::Call(name) => {
                pending_call = matches!(
                    name.as_str(),
                    "contains" | "startswith" | "endswith" | "hashfiles"
                );
            }
            Tok::Open => {
                stack.push(pending_call);
                pending_call = false;
            }
            Tok::Close => {
                stack.pop();
            }
            Tok::Ref(path) => {
                let prev = k.checked_sub(1).and_then(|p| toks.get(p)).map(|t| &t.0);
                let next = toks.get(k + 1).map(|t| &t.0);
                let compared = matches!(prev, Some(Tok::Compare | Tok::Not))
                    || matches!(next, Some(Tok::Compare));
                out.push(CtxRef {
                    path: path.clone(),
                    offset: *at,
                    contained: compared || stack.iter().any(|&b| b),
                });
            }
            _ => {}
        }
    }
    out
}

/// Match a context path against a pattern where `*` is one whole segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('.');
    let mut t = path.split('.');
    loop {
        match (p.next(), t.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// True when `path` names an object that contains a value matching `pattern`
/// (`github.event.issue` contains `github.event.issue.title`).
pub fn path_contains(path: &str, pattern: &str) -> bool {
    let mut p = pattern.split('.');
    for seg in path.split('.') {
        match p.next() {
            Some(a) if a == "*" || a == seg || seg == "*" => {}
            _ => return false,
        }
    }
    p.next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_expressions() {
        let t = "a ${{ x }} b ${{ format('}}', y) }} c ${{ open";
        let e = expressions(t);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].start, 2);
        assert_eq!(e[0].inner, " x ");
        assert_eq!(
            &t[e[1].start..e[1].start + e[1].len],
            "${{ format('}}', y) }}"
        );
    }

    #[test]
    fn references_and_containment() {
        let r = context_refs(" github.event.issue.title ");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].path, "github.event.issue.title");
        assert_eq!(r[0].offset, 1);
        assert!(!r[0].contained);

        let r = context_refs("github.event['pull_request'].HEAD.ref == 'x' || github.head_ref");
        assert_eq!(r[0].path, "github.event.pull_request.head.ref");
        assert!(r[0].contained);
        assert_eq!(r[1].path, "github.head_ref");
        assert!(!r[1].contained);

        let r = context_refs("contains(github.event.comment.body, '/deploy') && steps.a.outputs.b");
        assert!(r[0].contained);
        assert_eq!(r[1].path, "steps.a.outputs.b");
        assert!(!r[1].contained);

        let r = context_refs("format('{0}', github.event.commits[0].message)");
        assert_eq!(r[0].path, "github.event.commits.*.message");
        assert!(!r[0].contained);

        let r = context_refs("!github.event.issue.body");
        assert!(r[0].contained);
        assert!(context_refs("true && 'github.head_ref'").is_empty());
    }

    #[test]
    fn path_patterns() {
        assert!(path_matches(
            "github.event.commits.*.message",
            "github.event.commits.*.message"
        ));
        assert!(path_matches("steps.*.outputs.*", "steps.build.outputs.tag"));
        assert!(!path_matches("steps.*.outputs.*", "steps.build.outputs"));
        assert!(path_contains(
            "github.event.issue",
            "github.event.issue.title"
        ));
        assert!(!path_contains(
            "github.event.issue.title",
            "github.event.issue.title"
        ));
        assert!(!path_contains(
            "github.event.issues",
            "github.event.issue.title"
        ));
    }
}
