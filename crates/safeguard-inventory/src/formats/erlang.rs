//! Elixir / Erlang: Mix's `mix.lock`, an Elixir map literal.
//!
//! A small tolerant reader of Elixir term syntax (strings, atoms, numbers, lists, tuples,
//! maps, keyword lists, `#` comments, trailing commas), nesting capped at 64 levels.
//!
//! - `"app": {:hex, :package, "version", "inner_checksum", [managers], [deps], "repo",
//!   "outer_checksum"}` (and the shorter tuples older Mix versions wrote) becomes a component
//!   named by its Hex package, with the outer checksum (SHA-256 of the package tarball) as its
//!   hash, the repository (`hexpm`, `hexpm:org`) as its source, and edges to the locked apps
//!   its `deps` name.
//! - `"app": {:git, "url", "sha", opts}` becomes a component named by the app, with no
//!   version, the commit and the URL as source.
//! - Other kinds of entry are skipped.
//!
//! Every component is located at the line of its key. `mix.lock` does not say which entries
//! `mix.exs` asks for, so the relationship is unknown.

use std::borrow::Cow;
use std::collections::HashMap;

use safeguard_model::{Component, Ecosystem, Hash, HashAlg};

use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `mix.lock` (`erlang/mixlock`).
pub struct MixLock;

impl Extractor for MixLock {
    fn id(&self) -> &'static str {
        "erlang/mixlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Hex
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "mix.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            pos: 0,
        };
        p.skip_space();
        if p.pos == p.s.len() {
            return Ok(Vec::new());
        }
        let root = p
            .value(0)
            .map_err(|(at, msg)| input.error_at(text, at, msg))?;
        p.skip_space();
        if p.pos < p.s.len() {
            return Err(input.error_at(text, p.pos, "unexpected text after the lock map"));
        }
        build(input, text, root)
    }
}

/// The deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// A term, with the byte offset where it starts.
#[derive(Debug)]
struct Node<'a> {
    at: usize,
    term: Term<'a>,
}

#[derive(Debug)]
enum Term<'a> {
    Str(Cow<'a, str>),
    Atom(Cow<'a, str>),
    Number,
    List(Vec<Node<'a>>),
    Tuple(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl<'a> Node<'a> {
    fn as_str(&self) -> Option<&str> {
        match &self.term {
            Term::Str(s) => Some(s),
            _ => None,
        }
    }
    fn as_atom(&self) -> Option<&str> {
        match &self.term {
            Term::Atom(s) => Some(s),
            _ => None,
        }
    }
}

type PResult<T> = Result<T, (usize, String)>;

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'@'
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == b'#' {
                while let Some(b) = self.peek() {
                    if b == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, b: u8) -> PResult<()> {
        self.skip_space();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err((self.pos, format!("expected {:?}", b as char)))
        }
    }

    /// A quoted string at `pos` (which holds `quote`), unescaped.
    fn string(&mut self, quote: u8) -> PResult<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1;
        // Start of the text not yet copied; a string without escapes is borrowed.
        let mut run = self.pos;
        let mut owned: Option<String> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err((open, "unterminated string".to_string()));
            };
            if b == quote {
                let tail = &self.text[run..self.pos];
                self.pos += 1;
                return Ok(match owned {
                    Some(mut o) => {
                        o.push_str(tail);
                        Cow::Owned(o)
                    }
                    None => Cow::Borrowed(tail),
                });
            }
            if b == b'\\' {
                let o = owned.get_or_insert_with(String::new);
                o.push_str(&self.text[run..self.pos]);
                let Some(e) = self.s.get(self.pos + 1).copied() else {
                    return Err((open, "unterminated string".to_string()));
                };
                match e {
                    b'n' => o.push('\n'),
                    b't' => o.push('\t'),
                    b'r' => o.push('\r'),
                    b'0' => o.push('\0'),
                    // Escaped ASCII (quotes, backslash, `#`) stands for itself.
                    e if e.is_ascii() => o.push(e as char),
                    // A backslash before a multi-byte character is kept.
                    _ => o.push('\\'),
                }
                self.pos += if e.is_ascii() { 2 } else { 1 };
                run = self.pos;
                continue;
            }
            self.pos += 1;
        }
    }

    fn ident(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_ident) {
            self.pos += 1;
        }
        // Elixir identifiers may end in `?` or `!`.
        if matches!(self.peek(), Some(b'?' | b'!')) {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    /// A keyword key (`name: ` or `"name": `) at `pos`, consumed; `None` leaves `pos` alone.
    fn keyword_key(&mut self) -> PResult<Option<Node<'a>>> {
        let start = self.pos;
        let key = match self.peek() {
            Some(b) if is_ident_start(b) => Cow::Borrowed(self.ident()),
            Some(q @ (b'"' | b'\'')) => self.string(q)?,
            _ => return Ok(None),
        };
        // `key:` must be followed by whitespace (otherwise `a::b` or `"x":y` is something
        // else, which a lockfile never holds).
        if self.peek() == Some(b':')
            && self
                .s
                .get(self.pos + 1)
                .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
            return Ok(Some(Node {
                at: start,
                term: Term::Atom(key),
            }));
        }
        self.pos = start;
        Ok(None)
    }

    fn value(&mut self, depth: usize) -> PResult<Node<'a>> {
        if depth > MAX_DEPTH {
            return Err((self.pos, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.skip_space();
        let at = self.pos;
        let Some(b) = self.peek() else {
            return Err((at, "unexpected end of file, expected a value".to_string()));
        };
        let term = match b {
            b'"' | b'\'' => Term::Str(self.string(b)?),
            b':' => {
                self.pos += 1;
                match self.peek() {
                    Some(q @ (b'"' | b'\'')) => Term::Atom(self.string(q)?),
                    Some(c) if is_ident(c) => {
                        let start = self.pos;
                        // Atoms may also hold `.` (`:"Elixir.Foo"` written bare as `:Foo.Bar`).
                        while self
                            .peek()
                            .is_some_and(|c| is_ident(c) || matches!(c, b'.' | b'?' | b'!'))
                        {
                            self.pos += 1;
                        }
                        Term::Atom(Cow::Borrowed(&self.text[start..self.pos]))
                    }
                    _ => return Err((at, "expected an atom name after \":\"".to_string())),
                }
            }
            b'[' => {
                self.pos += 1;
                Term::List(self.items(at, b']', depth)?)
            }
            b'{' => {
                self.pos += 1;
                Term::Tuple(self.items(at, b'}', depth)?)
            }
            b'%' => {
                self.pos += 1;
                self.expect(b'{')?;
                Term::Map(self.map_entries(at, depth)?)
            }
            b'-' | b'0'..=b'9' => {
                self.pos += 1;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
                {
                    self.pos += 1;
                }
                Term::Number
            }
            c if is_ident_start(c) => {
                let id = self.ident();
                match id {
                    "true" | "false" | "nil" => Term::Atom(Cow::Borrowed(id)),
                    // Module aliases (`Foo.Bar`) are atoms too.
                    _ if c.is_ascii_uppercase() => {
                        while self.peek() == Some(b'.') {
                            self.pos += 1;
                            self.ident();
                        }
                        Term::Atom(Cow::Borrowed(&self.text[at..self.pos]))
                    }
                    _ => return Err((at, format!("unexpected {id:?}, expected a value"))),
                }
            }
            _ => {
                let ch = self
                    .text
                    .get(at..)
                    .and_then(|t| t.chars().next())
                    .unwrap_or('?');
                return Err((at, format!("unexpected {ch:?}, expected a value")));
            }
        };
        Ok(Node { at, term })
    }

    /// The items of a list or tuple up to `close`; `key: value` items become 2-tuples.
    fn items(&mut self, open: usize, close: u8, depth: usize) -> PResult<Vec<Node<'a>>> {
        let mut out = Vec::new();
        loop {
            self.skip_space();
            if self.peek().is_none() {
                return Err((
                    open,
                    format!(
                        "this {} is never closed with \"{}\"",
                        if close == b']' { "list" } else { "tuple" },
                        close as char
                    ),
                ));
            }
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(out);
            }
            let at = self.pos;
            let item = match self.keyword_key()? {
                Some(k) => {
                    let v = self.value(depth + 1)?;
                    Node {
                        at,
                        term: Term::Tuple(vec![k, v]),
                    }
                }
                None => self.value(depth + 1)?,
            };
            out.push(item);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                None => {
                    return Err((
                        open,
                        format!(
                            "this {} is never closed with \"{}\"",
                            if close == b']' { "list" } else { "tuple" },
                            close as char
                        ),
                    ));
                }
                _ => {
                    return Err((self.pos, format!("expected \",\" or \"{}\"", close as char)));
                }
            }
        }
    }

    /// The entries of `%{ ... }` after the `{`.
    fn map_entries(&mut self, open: usize, depth: usize) -> PResult<Vec<(Node<'a>, Node<'a>)>> {
        let mut out = Vec::new();
        loop {
            self.skip_space();
            if self.peek().is_none() {
                return Err((open, "this map is never closed with \"}\"".to_string()));
            }
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(out);
            }
            let entry = match self.keyword_key()? {
                Some(k) => (k, self.value(depth + 1)?),
                None => {
                    let k = self.value(depth + 1)?;
                    self.skip_space();
                    if !self.s[self.pos..].starts_with(b"=>") {
                        return Err((self.pos, "expected \"=>\" or \"key:\" in a map".to_string()));
                    }
                    self.pos += 2;
                    (k, self.value(depth + 1)?)
                }
            };
            out.push(entry);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                None => return Err((open, "this map is never closed with \"}\"".to_string())),
                _ => return Err((self.pos, "expected \",\" or \"}\"".to_string())),
            }
        }
    }
}

fn key_name<'n>(n: &'n Node<'_>) -> Option<&'n str> {
    n.as_str().or_else(|| n.as_atom())
}

fn build(input: &Input<'_>, text: &str, root: Node<'_>) -> Result<Vec<Component>, ParseError> {
    let Term::Map(entries) = root.term else {
        return Err(input.error_at(text, root.at, "mix.lock must be a map: %{\"app\": {...}}"));
    };
    let lines = LineIndex::new(text);
    let mut out: Vec<Component> = Vec::with_capacity(entries.len());
    let mut apps: Vec<&str> = Vec::with_capacity(entries.len());
    let mut deps: Vec<Vec<&str>> = Vec::with_capacity(entries.len());
    for (key, value) in &entries {
        let Some(app) = key_name(key) else {
            return Err(input.error_at(text, key.at, "a lock key must be a string or an atom"));
        };
        let Term::Tuple(t) = &value.term else {
            return Err(input.error_at(
                text,
                value.at,
                format!("the entry for {app:?} must be a tuple like {{:hex, ...}}"),
            ));
        };
        let loc = input.location(Some(lines.line(key.at)));
        let field = |i: usize, what: &str| -> Result<&str, ParseError> {
            t.get(i).and_then(Node::as_str).ok_or_else(|| {
                input.error_at(
                    text,
                    t.get(i).map_or(value.at, |n| n.at),
                    format!("the entry for {app:?} needs {what} as element {}", i + 1),
                )
            })
        };
        match t.first().and_then(Node::as_atom) {
            Some("hex") => {
                let name = t.get(1).and_then(key_name).unwrap_or(app);
                let version = field(2, "the version string")?;
                let mut c = Component::new(Ecosystem::Hex, name, version, loc);
                if let Some(h) = t
                    .get(7)
                    .and_then(Node::as_str)
                    .and_then(|h| Hash::from_hex(HashAlg::Sha256, h))
                {
                    c.hashes.push(h);
                }
                c.source = t.get(6).and_then(Node::as_str).map(str::to_string);
                let mut d = Vec::new();
                if let Some(Node {
                    term: Term::List(list),
                    ..
                }) = t.get(5)
                {
                    for dep in list {
                        if let Term::Tuple(dt) = &dep.term
                            && let Some(dep_app) = dt.first().and_then(Node::as_atom)
                        {
                            d.push(dep_app);
                        }
                    }
                }
                apps.push(app);
                deps.push(d);
                out.push(c);
            }
            Some("git") => {
                let url = field(1, "the repository URL")?;
                let sha = field(2, "the commit")?;
                let mut c = Component::new(Ecosystem::Hex, app, "", loc);
                c.source = Some(url.to_string());
                c.commit = Some(sha.to_string());
                apps.push(app);
                deps.push(Vec::new());
                out.push(c);
            }
            other => tracing::debug!(
                file = input.path,
                "skipping mix.lock entry {app:?} of kind {other:?}"
            ),
        }
    }
    let by_app: HashMap<&str, usize> = apps.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    for (i, d) in deps.iter().enumerate() {
        let purls: Vec<String> = d
            .iter()
            .filter_map(|a| by_app.get(a).map(|&j| out[j].purl.clone()))
            .collect();
        out[i].dependencies = purls;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        MixLock.extract(&Input::in_memory("mix.lock", text.as_bytes()))
    }

    const LOCK: &str = r#"%{
  "plug": {:hex, :plug, "1.11.1", "f2992bac66fdae679453c9e86134a4201f6f43a687d8ff1cd1b2862d53c80259", [:mix], [{:mime, "~> 1.0", [hex: :mime, repo: "hexpm", optional: false]}, {:jason, "~> 1.0", [hex: :jason, repo: "hexpm", optional: true]}], "hexpm", "23524e4fefbb587c11f0833b3910bfb414bf2e2534d61928e920f54e3a1b881f"},
  # a comment
  "mime": {:hex, :mime, "1.5.0", "203ef35ef3389aae6d361918bf3f952fa17a09e8e43b5aa592b93eba05d0fb8d", [:mix], [], "hexpm", "55a94c0f552249fc1a3dd9cd2d3ab9de9d3c89b559c2bd01121f824834f24746"},
  "old": {:hex, :old_pkg, "0.1.0", "abc"},
  "foo": {:git, "https://github.com/my-org/foo.git", "fc94cce7830fa4dc455024bc2a83720afe244531", [branch: "feat/\"x\""]},
  :other => {:path, "../x"},
}
"#;

    #[test]
    fn hex_and_git_entries() {
        let c = extract(LOCK).unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str(), c.location.line))
            .collect();
        assert_eq!(
            got,
            [
                ("plug", "1.11.1", Some(2)),
                ("mime", "1.5.0", Some(4)),
                ("old_pkg", "0.1.0", Some(5)),
                ("foo", "", Some(6)),
            ]
        );
        assert_eq!(c[0].purl, "pkg:hex/plug@1.11.1");
        assert_eq!(
            c[0].hashes,
            [Hash {
                alg: HashAlg::Sha256,
                value: "23524e4fefbb587c11f0833b3910bfb414bf2e2534d61928e920f54e3a1b881f".into()
            }]
        );
        assert_eq!(c[0].commit, None);
        assert_eq!(c[0].source.as_deref(), Some("hexpm"));
        assert_eq!(c[0].dependencies, ["pkg:hex/mime@1.5.0"]);
        assert!(c[2].hashes.is_empty());
        assert_eq!(
            c[3].commit.as_deref(),
            Some("fc94cce7830fa4dc455024bc2a83720afe244531")
        );
        assert_eq!(
            c[3].source.as_deref(),
            Some("https://github.com/my-org/foo.git")
        );
    }

    #[test]
    fn errors_name_the_place() {
        let err = extract("%{\n  \"a\": {:hex, :a, \"1.0\"\n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(1)), "{err}");
        assert!(err.message.contains("never closed"), "{err}");
        let err = extract("%{\n  \"a\": {:hex, :a, \"1.0\" :b}\n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(25)), "{err}");
        let err = extract("%{\n  \"a\": {:hex, :a, 1}\n}").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(19)), "{err}");
        assert!(err.message.contains("version"), "{err}");
        let err = extract("[1, 2]").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(1)));
        let err = extract("%{\"a\": \"unterminated}").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(8)));
        let deep = format!("%{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200));
        let err = extract(&deep).unwrap_err();
        assert!(err.message.contains("nested"), "{err}");
        assert!(extract("").unwrap().is_empty());
        assert!(extract("%{}").unwrap().is_empty());
    }

    #[test]
    fn term_syntax() {
        let text =
            r#"%{a: [1, -2.5e3, 'c', :"quoted atom", Foo.Bar, true, nil, x?: {}], "k\n" => %{}}"#;
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            pos: 0,
        };
        let Term::Map(m) = p.value(0).unwrap().term else {
            panic!("not a map")
        };
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].0.as_str(), Some("k\n"));
        let Term::List(l) = &m[0].1.term else {
            panic!("not a list")
        };
        assert_eq!(l.len(), 8);
        assert_eq!(l[3].as_atom(), Some("quoted atom"));
        assert_eq!(l[4].as_atom(), Some("Foo.Bar"));
    }

    #[test]
    fn cdxgen_lockfiles() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data"
        );
        for f in ["mix.lock", "mix.lock.1"] {
            let bytes = std::fs::read(format!("{dir}/{f}")).unwrap();
            let c = MixLock
                .extract(&Input::in_memory("mix.lock", &bytes))
                .unwrap();
            assert!(c.len() >= 15, "{f}: {}", c.len());
            assert!(
                c.iter().all(|c| c.has_integrity() || c.commit.is_some()),
                "{f}"
            );
        }
        let bytes = std::fs::read(format!("{dir}/mix.lock.1")).unwrap();
        let c = MixLock
            .extract(&Input::in_memory("mix.lock", &bytes))
            .unwrap();
        let hackney = c.iter().find(|c| c.name == "hackney").unwrap();
        assert_eq!(hackney.version, "1.15.1");
        assert!(
            hackney
                .dependencies
                .contains(&"pkg:hex/certifi@2.5.1".to_string())
        );
    }
}
