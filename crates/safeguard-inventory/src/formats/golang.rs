//! Go modules: `go.mod`, with the `go.sum` beside it.
//!
//! - `require` (single lines and blocks): a module with a `// indirect` comment is
//!   [`Relationship::Transitive`], any other [`Relationship::Direct`].
//! - `replace old [v] => new v` swaps the required module for its replacement (reported
//!   under the replacement's path and version, at the `replace` line); `=> ./local/path`
//!   gives the local path with no version. A replace without a version on its left applies
//!   to every required version; a replace of a module that is not required is ignored.
//! - `go` and `toolchain` give a `stdlib` component with the Go version (the toolchain wins,
//!   `go1.23.6-xyz` is read as `1.23.6`), as osv-scalibr and OSV name the standard library.
//! - `module`, `exclude`, `retract`, `godebug`, `tool` and `ignore` are read and checked but
//!   produce nothing.
//! - `go.sum` (or `<stem>.sum` beside `<stem>.mod`) gives each module its `h1:` hash
//!   ([`HashAlg::GoH1`]). Before Go 1.17 a `go.mod` does not list every module the build
//!   uses, so for `go` < 1.17 (or no `go` line) the modules that have a zip hash in `go.sum`
//!   and are not required in `go.mod` are added as transitive, located in `go.sum`.
//!   Malformed `go.sum` lines are skipped.
//!
//! Versions are reported without their leading `v` (the form OSV uses for the Go ecosystem);
//! purls keep it (`pkg:golang/github.com/pkg/errors@v0.9.1`), as Go tooling writes it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use base64::Engine;
use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Relationship};

use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `go.mod` files (`golang/gomod`).
pub struct GoMod;

impl Extractor for GoMod {
    fn id(&self) -> &'static str {
        "golang/gomod"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Go
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "go.mod"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let file = parse(input, text)?;
        let sum_name = file_name(input.path)
            .strip_suffix(".mod")
            .map_or_else(|| "go.sum".to_string(), |stem| format!("{stem}.sum"));
        let sum = match input.read_relative(&sum_name)? {
            Some((path, bytes)) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                Some((path, text))
            }
            None => None,
        };
        let sums = sum.as_ref().map(|(_, t)| parse_sum(t)).unwrap_or_default();
        Ok(build(
            input,
            &file,
            sum.as_ref().map(|(p, _)| p.as_str()),
            &sums,
        ))
    }
}

/// One token of a `go.mod` line.
struct Token<'a> {
    text: Cow<'a, str>,
    /// Byte offset in the file.
    at: usize,
}

/// A `go.mod` line split into tokens, with its trailing `//` comment.
struct Line<'a> {
    tokens: Vec<Token<'a>>,
    comment: Option<&'a str>,
    /// Byte offset of the line start.
    start: usize,
}

fn lex_line<'a>(
    input: &Input<'_>,
    text: &'a str,
    start: usize,
    line: &'a str,
) -> Result<Line<'a>, ParseError> {
    let b = line.as_bytes();
    let mut tokens = Vec::new();
    let mut comment = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            comment = Some(line[i + 2..].trim());
            break;
        } else if c == b'(' || c == b')' {
            tokens.push(Token {
                text: Cow::Borrowed(&line[i..i + 1]),
                at: start + i,
            });
            i += 1;
        } else if b[i..].starts_with(b"=>") {
            tokens.push(Token {
                text: Cow::Borrowed("=>"),
                at: start + i,
            });
            i += 2;
        } else if c == b'"' || c == b'`' {
            let open = i;
            i += 1;
            let mut value = String::new();
            let mut closed = false;
            while i < b.len() {
                let d = b[i];
                if d == c {
                    closed = true;
                    i += 1;
                    break;
                }
                if d == b'\\' && c == b'"' && i + 1 < b.len() {
                    i += 1;
                }
                // Multi-byte characters are copied whole.
                let ch_len = line
                    .get(i..)
                    .and_then(|t| t.chars().next())
                    .map_or(1, char::len_utf8);
                value.push_str(&line[i..i + ch_len]);
                i += ch_len;
            }
            if !closed {
                return Err(input.error_at(text, start + open, "unterminated quoted string"));
            }
            tokens.push(Token {
                text: Cow::Owned(value),
                at: start + open,
            });
        } else {
            let s = i;
            while i < b.len()
                && !b[i].is_ascii_whitespace()
                && !matches!(b[i], b'(' | b')' | b'"' | b'`')
                && !b[i..].starts_with(b"=>")
                && !b[i..].starts_with(b"//")
            {
                i += 1;
            }
            tokens.push(Token {
                text: Cow::Borrowed(&line[s..i]),
                at: start + s,
            });
        }
    }
    Ok(Line {
        tokens,
        comment,
        start,
    })
}

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
    line: u32,
}

#[derive(Default)]
struct GoModFile {
    go: Option<(String, u32)>,
    toolchain: Option<(String, u32)>,
    requires: Vec<Require>,
    replaces: Vec<Replace>,
}

const DIRECTIVES: &[&str] = &[
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "exclude",
    "replace",
    "retract",
    "tool",
    "ignore",
];

fn parse(input: &Input<'_>, text: &str) -> Result<GoModFile, ParseError> {
    let index = LineIndex::new(text);
    let mut file = GoModFile::default();
    let mut block: Option<(String, usize)> = None;
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let line = lex_line(input, text, line_start, content)?;
        if line.tokens.is_empty() {
            continue;
        }
        let first = &line.tokens[0];
        if let Some((verb, _)) = &block {
            if first.text == ")" {
                if line.tokens.len() > 1 {
                    return Err(input.error_at(
                        text,
                        line.tokens[1].at,
                        "unexpected text after the closing \")\"",
                    ));
                }
                block = None;
                continue;
            }
            let verb = verb.clone();
            directive(input, text, &index, &mut file, &verb, &line, 0)?;
            continue;
        }
        let verb = first.text.as_ref();
        if !DIRECTIVES.contains(&verb) {
            return Err(input.error_at(
                text,
                first.at,
                format!("unknown go.mod directive {verb:?}"),
            ));
        }
        if line.tokens.len() == 2 && line.tokens[1].text == "(" {
            block = Some((verb.to_string(), first.at));
            continue;
        }
        directive(input, text, &index, &mut file, verb, &line, 1)?;
    }
    if let Some((verb, at)) = block {
        return Err(input.error_at(
            text,
            at,
            format!("the {verb} block is never closed with \")\""),
        ));
    }
    Ok(file)
}

/// Reads one directive whose arguments start at token `from`.
fn directive(
    input: &Input<'_>,
    text: &str,
    index: &LineIndex,
    file: &mut GoModFile,
    verb: &str,
    line: &Line<'_>,
    from: usize,
) -> Result<(), ParseError> {
    let args: Vec<&str> = line.tokens[from..]
        .iter()
        .map(|t| t.text.as_ref())
        .collect();
    let at = line.tokens.get(from).map_or(line.start, |t| t.at);
    let line_no = index.line(line.start);
    let bad = |msg: String| Err(input.error_at(text, at, msg));
    match verb {
        "go" | "toolchain" => {
            let [v] = args.as_slice() else {
                return bad(format!("{verb} takes exactly one version"));
            };
            let slot = if verb == "go" {
                &mut file.go
            } else {
                &mut file.toolchain
            };
            *slot = Some((v.to_string(), line_no));
        }
        "require" => {
            let [path, version] = args.as_slice() else {
                return bad("require takes a module path and a version".to_string());
            };
            if !is_module_path(path) {
                return bad(format!("{path:?} is not a module path"));
            }
            let indirect = line
                .comment
                .is_some_and(|c| c == "indirect" || c.starts_with("indirect;"));
            file.requires.push(Require {
                path: path.to_string(),
                version: version.to_string(),
                indirect,
                line: line_no,
            });
        }
        "replace" => {
            let Some(arrow) = args.iter().position(|a| *a == "=>") else {
                return bad("replace needs \"=>\"".to_string());
            };
            let (left, right) = (&args[..arrow], &args[arrow + 1..]);
            let (old, old_version) = match left {
                [p] => (p, None),
                [p, v] => (p, Some(v.to_string())),
                _ => {
                    return bad(
                        "replace takes a module path and an optional version before \"=>\""
                            .to_string(),
                    );
                }
            };
            let (new, new_version) = match right {
                [p] => (p, None),
                [p, v] => (p, Some(v.to_string())),
                _ => {
                    return bad(
                        "replace takes a module path and version, or a directory, after \"=>\""
                            .to_string(),
                    );
                }
            };
            if !is_module_path(old) {
                return bad(format!("{old:?} is not a module path"));
            }
            if new_version.is_some() && !is_module_path(new) {
                return bad(format!("{new:?} is not a module path"));
            }
            file.replaces.push(Replace {
                old: old.to_string(),
                old_version,
                new: new.to_string(),
                new_version,
                line: line_no,
            });
        }
        "module" | "exclude" | "retract" | "godebug" | "tool" | "ignore" if args.is_empty() => {
            return bad(format!("{verb} needs an argument"));
        }
        _ => {}
    }
    Ok(())
}

/// Whether `p` can be a module path: not empty, no leading or trailing `/`, no empty, `.` or
/// `..` element (Go's module path rules, in the part that matters for a package URL).
fn is_module_path(p: &str) -> bool {
    !p.is_empty() && p.split('/').all(|e| !e.is_empty() && e != "." && e != "..")
}

/// `go.sum`: `path version h1:base64` for the module zip, keyed by `"path version"`.
fn parse_sum(text: &str) -> HashMap<String, (Hash, u32)> {
    let mut out = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let mut parts = line.split_whitespace();
        let (Some(path), Some(version), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if version.ends_with("/go.mod") {
            continue;
        }
        let Some(b64) = hash.strip_prefix("h1:") else {
            continue;
        };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
            continue;
        };
        if let Some(h) = Hash::from_bytes(HashAlg::GoH1, &bytes) {
            out.entry(format!("{path} {version}"))
                .or_insert((h, n as u32 + 1));
        }
    }
    out
}

/// Whether a `go` version is older than 1.17 (no module graph pruning, so `go.mod` does not
/// list every module).
fn before_1_17(go: &str) -> bool {
    let mut parts = go.split(|c: char| !c.is_ascii_digit());
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor) < (1, 17)
}

fn module(name: &str, version: &str, location: safeguard_model::Location) -> Component {
    let mut c = Component::new(
        Ecosystem::Go,
        name,
        version.strip_prefix('v').unwrap_or(version),
        location,
    );
    if !version.is_empty() {
        c.purl = Ecosystem::Go.purl(name, version).to_string();
    }
    c
}

fn build(
    input: &Input<'_>,
    file: &GoModFile,
    sum_path: Option<&str>,
    sums: &HashMap<String, (Hash, u32)>,
) -> Vec<Component> {
    let mut out: Vec<Component> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut push = |c: Component, out: &mut Vec<Component>| {
        if seen.insert((c.name.clone(), c.version.clone())) {
            out.push(c);
        }
    };
    for r in &file.requires {
        let replace = file
            .replaces
            .iter()
            .find(|p| p.old == r.path && p.old_version.as_deref() == Some(r.version.as_str()))
            .or_else(|| {
                file.replaces
                    .iter()
                    .find(|p| p.old == r.path && p.old_version.is_none())
            });
        let (name, version, line) = match replace {
            Some(p) => (
                p.new.as_str(),
                p.new_version.as_deref().unwrap_or(""),
                p.line,
            ),
            None => (r.path.as_str(), r.version.as_str(), r.line),
        };
        let mut c = module(name, version, input.location(Some(line)));
        if replace.is_some_and(|p| p.new_version.is_none()) {
            c.source = Some(name.to_string());
        }
        if let Some((h, _)) = sums.get(&format!("{name} {version}")) {
            c.hashes.push(h.clone());
        }
        c.relationship = if r.indirect {
            Relationship::Transitive
        } else {
            Relationship::Direct
        };
        push(c, &mut out);
    }
    let old_go = file.go.as_ref().is_none_or(|(v, _)| before_1_17(v));
    if old_go && let Some(sum_path) = sum_path {
        let required: HashSet<&str> = file.requires.iter().map(|r| r.path.as_str()).collect();
        let mut extra: Vec<(&str, &str, &Hash, u32)> = sums
            .iter()
            .filter_map(|(key, (h, line))| {
                let (path, version) = key.split_once(' ')?;
                (!required.contains(path)).then_some((path, version, h, *line))
            })
            .collect();
        extra.sort_by_key(|e| e.3);
        for (path, version, h, line) in extra {
            let mut c = module(
                path,
                version,
                safeguard_model::Location {
                    file: sum_path.to_string(),
                    line: Some(line),
                },
            );
            c.hashes.push(h.clone());
            c.relationship = Relationship::Transitive;
            push(c, &mut out);
        }
    }
    let stdlib = file
        .toolchain
        .as_ref()
        .and_then(|(t, line)| {
            let v = t.strip_prefix("go")?;
            let v = v.split(['-', '+']).next().unwrap_or(v);
            (!v.is_empty()).then(|| (v.to_string(), *line))
        })
        .or_else(|| file.go.clone());
    if let Some((version, line)) = stdlib {
        let mut c = Component::new(
            Ecosystem::Go,
            "stdlib",
            &version,
            input.location(Some(line)),
        );
        c.relationship = Relationship::Direct;
        push(c, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        GoMod.extract(&Input::in_memory("go.mod", text.as_bytes()))
    }

    #[test]
    fn requires_replaces_and_stdlib() {
        let c = extract(
            "module example.com/app\n\
             \n\
             go 1.22\n\
             toolchain go1.22.4\n\
             \n\
             require github.com/pkg/errors v0.9.1\n\
             require (\n\
             \t\"golang.org/x/net\" v0.5.6 // a comment\n\
             \tgolang.org/x/sys v0.0.0-20220715151400-c0bba94af5f8 // indirect\n\
             \tgithub.com/old/thing v1.0.0+incompatible // indirect; via x\n\
             )\n\
             replace golang.org/x/net => example.com/fork/net v1.4.5\n\
             replace github.com/old/thing v1.0.0+incompatible => ../thing\n\
             exclude golang.org/x/net v1.2.3\n\
             retract [v1.0.0, v1.0.1]\n",
        )
        .unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.relationship,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "github.com/pkg/errors",
                    "0.9.1",
                    Relationship::Direct,
                    Some(6)
                ),
                (
                    "example.com/fork/net",
                    "1.4.5",
                    Relationship::Direct,
                    Some(12)
                ),
                (
                    "golang.org/x/sys",
                    "0.0.0-20220715151400-c0bba94af5f8",
                    Relationship::Transitive,
                    Some(9)
                ),
                ("../thing", "", Relationship::Transitive, Some(13)),
                ("stdlib", "1.22.4", Relationship::Direct, Some(4)),
            ]
        );
        assert_eq!(c[0].purl, "pkg:golang/github.com/pkg/errors@v0.9.1");
        assert_eq!(c[3].source.as_deref(), Some("../thing"));
        assert_eq!(c[4].purl, "pkg:golang/stdlib@1.22.4");
    }

    #[test]
    fn go_sum_hashes_and_old_go_versions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "module m\n\ngo 1.16\n\nrequire github.com/sirupsen/logrus v1.9.3\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("go.sum"),
            "github.com/sirupsen/logrus v1.9.3 h1:dueUQJ1C2q9oE3F7wvmSGAaVtTmUizReu6fjN8uqzbQ=\n\
             github.com/sirupsen/logrus v1.9.3/go.mod h1:naHLuLoDiP4jHNo9R0sCBMtWGeIprob74mVsIT4qYEQ=\n\
             garbage line\n\
             golang.org/x/sys v0.1.0 h1:not-base64!\n\
             github.com/davecgh/go-spew v1.1.0/go.mod h1:J7Y8YcW2NihsgmVo/mv3lAwl/skON4iLHjSsI+c5H38=\n\
             github.com/davecgh/go-spew v1.1.1 h1:vj9j/u1bqnvCEfJOwUhtlOARqs3+rkHYY13jYWTU97c=\n",
        )
        .unwrap();
        let bytes = std::fs::read(dir.path().join("go.mod")).unwrap();
        let input = Input {
            path: "go.mod",
            bytes: &bytes,
            root: Some(dir.path()),
        };
        let c = GoMod.extract(&input).unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("github.com/sirupsen/logrus", "1.9.3"),
                ("github.com/davecgh/go-spew", "1.1.1"),
                ("stdlib", "1.16"),
            ]
        );
        assert_eq!(c[0].hashes[0].alg, HashAlg::GoH1);
        assert_eq!(
            c[0].hashes[0].value,
            "76e794409d42daaf6813717bc2f992180695b539948b345ebba7e337cbaacdb4"
        );
        assert_eq!(c[1].location.file, "go.sum");
        assert_eq!(c[1].location.line, Some(6));
        assert_eq!(c[1].relationship, Relationship::Transitive);
    }

    #[test]
    fn non_ascii_paths() {
        let c = extract("module exämple.com/m\nrequire exämple.com/x=>y v1.0.0 //indirect\n");
        // `=>` outside a replace is an argument count error, found without slicing mid-char.
        assert!(c.is_err());
        let c =
            extract("module exämple.com/m\nrequire exämple.com/日本 v1.0.0 //indirect\n").unwrap();
        assert_eq!(c[0].name, "exämple.com/日本");
        assert_eq!(c[0].relationship, Relationship::Transitive);
    }

    #[test]
    fn slashes_are_not_module_paths() {
        // Found by the `lockfile` fuzz target: a `/` line in a require block became the purl
        // `pkg:golang/@indirect`.
        let err = extract("module m\nrequire (\n\ta v1.0.0\n/ indirect\n)\n").unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(
            err.message.contains("\"/\" is not a module path"),
            "{}",
            err.message
        );
        for bad in ["a//b v1.0.0", "a/ v1.0.0", "./x v1.0.0"] {
            assert!(
                extract(&format!("module m\nrequire {bad}\n")).is_err(),
                "{bad}"
            );
        }
        let err = extract("module m\nreplace / => x v1.0.0\n").unwrap_err();
        assert!(err.message.contains("not a module path"), "{}", err.message);
        // A directory replacement is still fine.
        assert!(extract("module m\nrequire a v1.0.0\nreplace a => ../a\n").is_ok());
    }

    #[test]
    fn errors_name_the_place() {
        let err = extract("module m\nrequire (\n  a v1\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
        let err = extract("module m\n\nrequire a\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(9)));
        assert!(err.message.contains("require"), "{}", err.message);
        let err = extract("this is not a go.mod file!\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(1)));
        let err = extract("module \"m\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(8)));
    }

    #[test]
    fn cdxgen_go_mod() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/gomod"
        );
        let bytes = std::fs::read(format!("{dir}/go.mod")).unwrap();
        let input = Input {
            path: "go.mod",
            bytes: &bytes,
            root: Some(std::path::Path::new(dir)),
        };
        let c = GoMod.extract(&input).unwrap();
        let find = |n: &str| c.iter().find(|c| c.name == n).unwrap();
        assert_eq!(c.len(), 5);
        assert_eq!(find("google.golang.org/grpc").version, "1.21.0");
        assert_eq!(find("github.com/spf13/viper").version, "1.0.2");
        assert_eq!(find("github.com/spf13/cobra").version, "1.0.0");
        assert_eq!(find("github.com/spf13/cobra").hashes.len(), 1);
        assert!(find("github.com/aws/aws-sdk-go").hashes.is_empty());
        assert_eq!(find("stdlib").version, "1.24");
    }
}
