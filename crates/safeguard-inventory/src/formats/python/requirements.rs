//! pip requirements files (`requirements*.txt`), as pip reads them.
//!
//! - Lines ending in `\` continue on the next line; `#` after whitespace starts a comment.
//! - A requirement is `name[extras] <specifiers> ; <marker>` followed by per-requirement
//!   options (`--hash=sha256:...`, `--config-settings`, `-C`, ...). The version reported is
//!   the one a `==`/`===` pin names; like osv-scalibr, a single `>=`, `<=` or `~=` bound gives
//!   its version, and anything else (no specifier, `!=`, wildcards, several bounds without a
//!   pin) an empty one. Invalid requirements (`name==`, `${VAR}` versions, no name) are
//!   skipped.
//! - `name @ url`, VCS URLs with `#egg=name`, and wheel or sdist paths and URLs name a
//!   component with the version the file name gives (or none); git commits are kept.
//! - `-r`/`--requirement` files are read too (relative to the including file, each file at
//!   most once, at most 16 levels deep); their components carry the included file's path.
//!   `-c` constraint files add nothing. Other options are ignored.
//! - pip-compile `# via` annotations give direct/transitive and dependency edges; without
//!   them the relationship is unknown. Files named like `requirements-dev.txt` or
//!   `requirements_test.txt` hold development dependencies.

use std::collections::{HashMap, HashSet};

use safeguard_model::{Component, Ecosystem, Hash, Relationship, Scope};

use super::normalize;
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads pip `requirements*.txt` files.
pub struct Requirements;

/// How deep `-r` includes may nest.
const MAX_INCLUDE_DEPTH: usize = 16;

impl Extractor for Requirements {
    fn id(&self) -> &'static str {
        "python/requirements"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::PyPI
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name.starts_with("requirements") && name.ends_with(".txt")
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let mut visited = HashSet::from([input.path.to_string()]);
        let mut out = Vec::new();
        read_file(input, 0, &mut visited, &mut out)?;
        Ok(out)
    }
}

/// One logical line: continuation lines joined, comment split off.
struct Logical<'a> {
    line: u32,
    body: String,
    comment: Option<&'a str>,
}

/// pip's comment rule: `#` at the start or after whitespace.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return (&line[..i], Some(&line[i + 1..]));
        }
    }
    (line, None)
}

/// Joins continuation lines the way pip does: a line ending in `\` continues, unless it is
/// a comment.
fn logical_lines(text: &str) -> Vec<Logical<'_>> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let raw = raw.trim_end_matches('\r');
        let (body, comment) = split_comment(raw);
        if comment.is_none() && raw.ends_with('\\') {
            let part = raw.trim_end_matches('\\');
            match &mut pending {
                Some((_, acc)) => acc.push_str(part),
                None => pending = Some((n, part.to_string())),
            }
            continue;
        }
        match pending.take() {
            Some((line, mut acc)) => {
                acc.push_str(body);
                out.push(Logical {
                    line,
                    body: acc,
                    comment,
                });
            }
            None => out.push(Logical {
                line: n,
                body: body.to_string(),
                comment,
            }),
        }
    }
    if let Some((line, body)) = pending {
        out.push(Logical {
            line,
            body,
            comment: None,
        });
    }
    out
}

/// A requirement as read from one line.
#[derive(Debug, PartialEq, Eq)]
struct Req<'a> {
    name: &'a str,
    version: String,
    source: Option<String>,
    commit: Option<String>,
}

const OPERATORS: [&str; 8] = ["===", "==", "~=", "!=", "<=", ">=", "<", ">"];

fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// The version to report for a specifier list, or `None` when the list is invalid.
fn version_from_specifiers(spec: &str) -> Option<String> {
    let spec = spec.trim();
    let spec = spec
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(spec);
    if spec.trim().is_empty() {
        return Some(String::new());
    }
    let mut clauses = Vec::new();
    for clause in spec.split(',') {
        let clause = clause.trim();
        let op = OPERATORS.iter().find(|op| clause.starts_with(**op))?;
        let version = clause[op.len()..].trim();
        // Text after the version that is not an option: keep the first word, as pip would
        // refuse the line anyway.
        let version = version.split_whitespace().next()?;
        if version.contains("${") {
            return None;
        }
        clauses.push((*op, version));
    }
    let pinned = |op: &str| op == "==" || op == "===";
    let chosen = match clauses.as_slice() {
        [(op, v)] if matches!(*op, "==" | "===" | ">=" | "<=" | "~=") => Some(*v),
        many => {
            let pins: Vec<&str> = many
                .iter()
                .filter(|(op, _)| pinned(op))
                .map(|(_, v)| *v)
                .collect();
            (pins.len() == 1).then(|| pins[0])
        }
    };
    Some(
        chosen
            .filter(|v| !v.contains('*'))
            .unwrap_or_default()
            .to_string(),
    )
}

/// A full 40-hex-digit commit.
fn as_commit(r: &str) -> Option<String> {
    (r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())).then(|| r.to_ascii_lowercase())
}

/// Name, version and commit from a URL or path: `#egg=name`, a wheel or sdist file name,
/// and the `@ref` of a VCS URL.
fn from_url(url: &str) -> Option<(&str, &str, Option<String>)> {
    let (before_frag, fragment) = url.split_once('#').unwrap_or((url, ""));
    let egg = fragment
        .split('&')
        .find_map(|kv| kv.strip_prefix("egg="))
        .map(|e| e.split('[').next().unwrap_or(e));
    let path = before_frag.split('?').next().unwrap_or(before_frag);
    let last = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let is_vcs = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| url.starts_with(p));
    let commit = if is_vcs {
        last.rsplit_once('@').and_then(|(_, r)| as_commit(r))
    } else {
        None
    };
    if let Some(egg) = egg.filter(|e| valid_name(e)) {
        return Some((egg, "", commit));
    }
    if let Some(stem) = last.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let name = parts.next()?;
        let version = parts.next()?;
        return valid_name(name).then_some((name, version, None));
    }
    let stem = [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz"]
        .iter()
        .find_map(|ext| last.strip_suffix(ext))?;
    let (name, version) = stem.rsplit_once('-')?;
    (valid_name(name) && version.starts_with(|c: char| c.is_ascii_digit()))
        .then_some((name, version, None))
}

fn looks_like_url_or_path(s: &str) -> bool {
    s.contains("://")
        || s.starts_with(['.', '/', '\\', '~'])
        || ["git+", "hg+", "svn+", "bzr+", "file:"]
            .iter()
            .any(|p| s.starts_with(p))
        || s.ends_with(".whl")
}

/// Parses the requirement part of a line (options already removed).
fn parse_requirement(args: &str) -> Option<Req<'_>> {
    let args = args.trim();
    let first = args.split_whitespace().next()?;
    // `name@url` without spaces is a named requirement; `git+ssh://git@host` is a URL.
    let named = first
        .find('@')
        .is_some_and(|at| at > 0 && first.find("://").is_none_or(|p| at < p));
    if !named && looks_like_url_or_path(first) {
        let url = first;
        let url = url.split(';').next().unwrap_or(url);
        let (name, version, commit) = from_url(url)?;
        return Some(Req {
            name,
            version: version.to_string(),
            source: Some(url.to_string()),
            commit,
        });
    }
    let name_end = args
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(args.len());
    let name = &args[..name_end];
    if !valid_name(name) {
        return None;
    }
    let mut rest = args[name_end..].trim_start();
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']')?;
        rest = after[close + 1..].trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        let url = url.split_whitespace().next().unwrap_or("");
        if url.is_empty() {
            return None;
        }
        let (_, version, commit) = from_url(url).unwrap_or_default();
        return Some(Req {
            name,
            version: version.to_string(),
            source: Some(url.to_string()),
            commit,
        });
    }
    let spec = rest.split(';').next().unwrap_or(rest);
    if !(spec.trim().is_empty() || spec.starts_with(['<', '>', '=', '!', '~', '('])) {
        return None; // `name 1.0` and other text pip rejects
    }
    Some(Req {
        name,
        version: version_from_specifiers(spec)?,
        source: None,
        commit: None,
    })
}

/// Splits a line into the requirement and its options, the way pip does: options start at
/// the first space-separated word beginning with `-`.
fn split_options(body: &str) -> (&str, &str) {
    let mut offset = 0;
    for word in body.split(' ') {
        if word.starts_with('-') {
            return (&body[..offset], &body[offset..]);
        }
        offset += word.len() + 1;
    }
    (body, "")
}

/// The `--hash` values of a requirement's options.
fn hashes(options: &str) -> Vec<Hash> {
    let mut out: Vec<Hash> = Vec::new();
    let mut words = options.split_whitespace();
    while let Some(w) = words.next() {
        let value = match w.strip_prefix("--hash") {
            Some("") => words.next(),
            Some(v) => v.strip_prefix('='),
            None => None,
        };
        if let Some(h) = value.and_then(Hash::from_prefixed_hex)
            && !out.contains(&h)
        {
            out.push(h);
        }
    }
    out
}

/// The option name and value of an option line (`-r x`, `--requirement=x`, `-rx`).
fn option(body: &str) -> (&str, &str) {
    let body = body.trim();
    if let Some(long) = body.strip_prefix("--") {
        let end = long
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(long.len());
        let value = long[end..].trim_start_matches('=').trim();
        return (&body[..end + 2], value);
    }
    let end = body.char_indices().nth(2).map_or(body.len(), |(i, _)| i);
    (&body[..end], body[end..].trim())
}

/// The development group a file name implies (`requirements-dev.txt` -> `dev`).
fn file_group(path: &str) -> Option<String> {
    let name = file_name(path).to_ascii_lowercase();
    let stem = name
        .strip_suffix(".txt")
        .or_else(|| name.strip_suffix(".in"))
        .unwrap_or(&name);
    stem.split(['-', '_', '.'])
        .find(|t| {
            matches!(
                *t,
                "dev"
                    | "develop"
                    | "development"
                    | "test"
                    | "tests"
                    | "testing"
                    | "lint"
                    | "docs"
                    | "doc"
                    | "ci"
            )
        })
        .map(str::to_string)
}

/// What a pip-compile `# via` annotation says about one requirement.
#[derive(Default)]
struct Via {
    annotated: bool,
    direct: bool,
    parents: Vec<String>,
}

impl Via {
    fn add(&mut self, entry: &str) {
        let entry = entry.trim();
        if entry.is_empty() {
            return;
        }
        self.annotated = true;
        if entry.starts_with("-r ") || entry.ends_with(')') {
            // `-r requirements.in`, `my-project (pyproject.toml)`
            self.direct = true;
        } else if !entry.starts_with('-') {
            self.parents.push(normalize(entry));
        }
    }
}

fn read_file(
    input: &Input<'_>,
    depth: usize,
    visited: &mut HashSet<String>,
    out: &mut Vec<Component>,
) -> Result<(), ParseError> {
    let text = input.text()?;
    let group = file_group(input.path);
    let first = out.len();
    let mut vias: Vec<Via> = Vec::new();
    let mut any_via = false;
    // Whether a bare `# via` opened a list that continues on the next comment lines.
    let mut via_list_open = false;
    // Whether comment lines now annotate the last requirement (not after an option line).
    let mut attach = false;

    for logical in logical_lines(text) {
        let body = logical.body.trim();
        if body.is_empty() {
            // A comment-only line: a `# via` annotation of the previous requirement.
            if let (true, Some(comment), Some(via)) = (attach, logical.comment, vias.last_mut()) {
                let c = comment.trim();
                if let Some(list) = c.strip_prefix("via ") {
                    list.split(',').for_each(|e| via.add(e));
                    via_list_open = false;
                } else if c == "via" {
                    via_list_open = true;
                } else if via_list_open && !c.is_empty() && comment.starts_with(char::is_whitespace)
                {
                    via.add(c);
                } else {
                    via_list_open = false;
                }
                any_via |= via.annotated;
            }
            continue;
        }
        via_list_open = false;
        attach = false;

        if body.starts_with('-') && !body.starts_with("-e") && !body.starts_with("--editable") {
            let (name, value) = option(body);
            if matches!(name, "-r" | "--requirement") && !value.is_empty() {
                include(input, value, depth, visited, out)?;
            }
            continue;
        }
        let (args, options) = if let Some(rest) = body
            .strip_prefix("--editable")
            .or_else(|| body.strip_prefix("-e"))
        {
            let rest = rest.trim_start_matches('=').trim();
            (rest.split_whitespace().next().unwrap_or(""), "")
        } else {
            split_options(body)
        };
        let Some(req) = parse_requirement(args) else {
            tracing::debug!(file = input.path, line = logical.line, "skipped: {body}");
            continue;
        };
        let mut c = Component::new(
            Ecosystem::PyPI,
            req.name,
            &req.version,
            input.location(Some(logical.line)),
        );
        c.hashes = hashes(options);
        c.source = req.source;
        c.commit = req.commit;
        if let Some(g) = &group {
            c.scope = Scope::Dev;
            c.groups.push(g.clone());
        }
        let mut via = Via::default();
        if let Some(comment) = logical.comment {
            let c = comment.trim();
            if let Some(list) = c.strip_prefix("via ") {
                list.split(',').for_each(|e| via.add(e));
            } else if c == "via" {
                via_list_open = true;
            }
        }
        any_via |= via.annotated;
        // Components of included files sit between this file's own; pad so `vias` lines up
        // with `out`.
        vias.resize_with(out.len() - first, Via::default);
        vias.push(via);
        out.push(c);
        attach = true;
    }
    vias.resize_with(out.len() - first, Via::default);

    if any_via {
        let own: Vec<usize> = (first..out.len())
            .filter(|i| out[*i].location.file == input.path)
            .collect();
        let by_name: HashMap<String, usize> =
            own.iter().map(|&i| (normalize(&out[i].name), i)).collect();
        for &i in &own {
            let via = &vias[i - first];
            out[i].relationship = if via.direct || !via.annotated {
                Relationship::Direct
            } else {
                Relationship::Transitive
            };
            let purl = out[i].purl.clone();
            for parent in &via.parents {
                if let Some(&p) = by_name.get(parent)
                    && !out[p].dependencies.contains(&purl)
                {
                    out[p].dependencies.push(purl.clone());
                }
            }
        }
    }
    Ok(())
}

fn include(
    input: &Input<'_>,
    rel: &str,
    depth: usize,
    visited: &mut HashSet<String>,
    out: &mut Vec<Component>,
) -> Result<(), ParseError> {
    if rel.contains("://") {
        return Ok(());
    }
    if depth >= MAX_INCLUDE_DEPTH {
        tracing::debug!(file = input.path, "include depth limit reached at {rel}");
        return Ok(());
    }
    let Some(path) = input.resolve(rel) else {
        return Ok(());
    };
    if !visited.insert(path) {
        return Ok(()); // already read: a cycle or a diamond
    }
    let Some((path, bytes)) = input.read_relative(rel)? else {
        tracing::debug!(file = input.path, "included file {rel} not found");
        return Ok(());
    };
    let child = Input {
        path: &path,
        bytes: &bytes,
        root: input.root,
    };
    read_file(&child, depth + 1, visited, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;

    fn extract(text: &str) -> Vec<Component> {
        Requirements
            .extract(&Input::in_memory("requirements.txt", text.as_bytes()))
            .unwrap()
    }

    fn pairs(cs: &[Component]) -> Vec<(&str, &str)> {
        cs.iter()
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect()
    }

    #[test]
    fn versions_follow_the_specifiers() {
        let cs = extract(
            "a==1\nb>=2\nc!=3\nd==4.*\ne>=1,<2\nf>=1,==1.5\ng\nh[x] === 7 ; python_version < '3'\ni (==2.0)\nj==\n==1\nk 1.0\nl==${V}\n",
        );
        assert_eq!(
            pairs(&cs),
            [
                ("a", "1"),
                ("b", "2"),
                ("c", ""),
                ("d", ""),
                ("e", ""),
                ("f", "1.5"),
                ("g", ""),
                ("h", "7"),
                ("i", "2.0"),
            ]
        );
    }

    #[test]
    fn hashes_continuations_and_lines() {
        let sha = "2c2349112351b88699d8d4b6b075022c0808887cb7ad10069318a8b0bc88db44";
        let text = format!(
            "# c\nfoo==1.0 \\\n    --hash=sha256:{sha} \\\n    --hash sha256:{sha}\nbar==2 --hash=sha256:123\n"
        );
        let cs = extract(&text);
        assert_eq!(pairs(&cs), [("foo", "1.0"), ("bar", "2")]);
        assert_eq!(cs[0].location.line, Some(2));
        assert_eq!(cs[0].hashes.len(), 1);
        assert_eq!(cs[0].hashes[0].alg, HashAlg::Sha256);
        assert_eq!(cs[0].hashes[0].value, sha);
        assert!(cs[1].hashes.is_empty());
        assert_eq!(cs[1].location.line, Some(5));
    }

    #[test]
    fn urls_vcs_and_files() {
        let sha = "b36054111bc1e8bbadb5d0d60158feb72926f467";
        let cs = extract(&format!(
            "urllib3 @ https://github.com/urllib3/urllib3/archive/refs/tags/1.26.8.zip\n\
             -e git+https://github.com/pallets/markupsafe.git@{sha}#egg=MarkupSafe\n\
             -e .\n\
             ./downloads/numpy-1.9.2-cp34-none-win32.whl\n\
             https://example.com/pkgs/foo-bar-2.1.tar.gz\n\
             --index-url https://pypi.org/simple\n"
        ));
        assert_eq!(
            pairs(&cs),
            [
                ("urllib3", ""),
                ("MarkupSafe", ""),
                ("numpy", "1.9.2"),
                ("foo-bar", "2.1")
            ]
        );
        assert_eq!(cs[1].commit.as_deref(), Some(sha));
        assert!(cs[0].source.as_deref().unwrap().ends_with("1.26.8.zip"));
    }

    #[test]
    fn pip_compile_annotations() {
        let cs = extract(
            "click==7.1.2              # via pip-tools, safety\n\
             pip-tools==5.1.2          # via -r requirements.in\n\
             safety==1.9.0\n    # via\n    #   -r requirements.in\n    #   other\n\
             six==1.0\n    # via safety\n",
        );
        let rel: Vec<Relationship> = cs.iter().map(|c| c.relationship).collect();
        assert_eq!(
            rel,
            [
                Relationship::Transitive,
                Relationship::Direct,
                Relationship::Direct,
                Relationship::Transitive
            ]
        );
        assert_eq!(cs[1].dependencies, ["pkg:pypi/click@7.1.2"]);
        assert_eq!(
            cs[2].dependencies,
            ["pkg:pypi/click@7.1.2", "pkg:pypi/six@1.0"]
        );
        // A comment after an option line annotates nothing.
        let cs = extract("a==1  # via b\nb==2\n--index-url x\n    # via\n    #   a\n");
        assert_eq!(cs[1].dependencies, ["pkg:pypi/a@1"]);
        assert!(cs[0].dependencies.is_empty());
        assert_eq!(cs[1].relationship, Relationship::Direct);
        // Without annotations nothing is known.
        assert_eq!(extract("a==1\n")[0].relationship, Relationship::Unknown);
    }

    #[test]
    fn dev_files() {
        let cs = Requirements
            .extract(&Input::in_memory("requirements-dev.txt", b"pytest==8\n"))
            .unwrap();
        assert_eq!(cs[0].scope, Scope::Dev);
        assert_eq!(cs[0].groups, ["dev"]);
        assert_eq!(extract("a==1\n")[0].scope, Scope::Runtime);
        assert_eq!(file_group("requirements_test.txt").as_deref(), Some("test"));
        assert_eq!(file_group("requirements-devops.txt"), None);
    }

    #[test]
    fn includes_cycles_and_locations() {
        let dir = tempfile::tempdir().unwrap();
        let write = |p: &str, s: &str| {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, s).unwrap();
        };
        write(
            "requirements.txt",
            "-r sub/base.txt\nown==1\n-c constraints.txt\n",
        );
        write(
            "sub/base.txt",
            "\nbase==2\n--requirement=../requirements.txt\n-r more.txt\n",
        );
        write("sub/more.txt", "more==3\n-r base.txt\n");
        write("constraints.txt", "nope==9\n");
        let bytes = std::fs::read(dir.path().join("requirements.txt")).unwrap();
        let input = Input {
            path: "requirements.txt",
            bytes: &bytes,
            root: Some(dir.path()),
        };
        let cs = Requirements.extract(&input).unwrap();
        let got: Vec<(&str, &str, Option<u32>)> = cs
            .iter()
            .map(|c| (c.name.as_str(), c.location.file.as_str(), c.location.line))
            .collect();
        assert_eq!(
            got,
            [
                ("base", "sub/base.txt", Some(2)),
                ("more", "sub/more.txt", Some(1)),
                ("own", "requirements.txt", Some(2)),
            ]
        );
    }

    #[test]
    fn options_are_split_like_pip() {
        assert_eq!(
            split_options("foo16-Client==1.0 -C bar"),
            ("foo16-Client==1.0 ", "-C bar")
        );
        assert_eq!(option("-rother.txt"), ("-r", "other.txt"));
        assert_eq!(
            option("--requirement = x.txt"),
            ("--requirement", "= x.txt")
        );
        assert_eq!(option("--requirement=x.txt"), ("--requirement", "x.txt"));
        assert_eq!(option("-r  x.txt"), ("-r", "x.txt"));
    }

    #[test]
    fn big_real_files() {
        let bench = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/bench/inputs/bigpy/"
        );
        let bytes = std::fs::read(format!("{bench}requirements.txt")).unwrap();
        let cs = Requirements
            .extract(&Input::in_memory("requirements.txt", &bytes))
            .unwrap();
        // 1,500 lines, five of them `certifi==` with no version (invalid, skipped).
        assert_eq!(cs.len(), 1495);
        assert!(
            cs.iter()
                .any(|c| (c.name.as_str(), c.version.as_str()) == ("boto3", "1.44.5"))
        );
        assert!(cs.iter().all(|c| !c.version.is_empty()));

        let data = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data/"
        );
        let bytes = std::fs::read(format!("{data}requirements-lock.linux_py3.txt")).unwrap();
        let cs = Requirements
            .extract(&Input::in_memory("requirements.txt", &bytes))
            .unwrap();
        assert!(cs.len() > 300, "{}", cs.len());
        assert!(cs.iter().all(|c| c.has_integrity()));
        let adal = cs.iter().find(|c| c.name == "adal").unwrap();
        assert_eq!(adal.relationship, Relationship::Transitive);
        let msrest = cs.iter().find(|c| c.name == "msrestazure").unwrap();
        assert!(msrest.dependencies.contains(&adal.purl));
        let aiocache = cs.iter().find(|c| c.name == "aiocache").unwrap();
        assert_eq!(aiocache.relationship, Relationship::Direct);
    }
}
