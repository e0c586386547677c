//! CODEOWNERS files (GitHub and GitLab) and how much of a repository's CI configuration and
//! build scripts they cover.
//!
//! Where the file is read from, first found wins:
//! - GitHub: `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`;
//! - GitLab: `CODEOWNERS`, `docs/CODEOWNERS`, `.gitlab/CODEOWNERS`.
//!
//! Pattern semantics (both forges, as documented by them): gitignore-like paths relative to the
//! repository root; a leading `/` anchors at the root; a trailing `/` matches everything under
//! a directory; `*` and `?` never match `/`; `**` matches any number of directories; a pattern
//! that names a directory owns everything under it; `dir/*` owns only the files directly in
//! `dir`; matching is case-sensitive; the last matching rule wins and a rule without owners
//! leaves the path unowned.
//!
//! Differences:
//! - GitHub: a pattern with a `/` in the middle is anchored at the root (gitignore); `\#`
//!   escapes, `!` negation, `[ ]` ranges and inline comments are not supported, and a line using
//!   them (or naming an owner that is not `@user`, `@org/team` or an e-mail address) is skipped
//!   as GitHub skips it; a file of 3 MB or more is not loaded at all.
//! - GitLab: a pattern not starting with `/` matches at any depth (GitLab treats it as starting
//!   with `**/`); `\#` escapes a leading `#`; `[ ]` classes work; `!pattern` excludes paths
//!   from a section; `[Section]`, `^[Optional section]`, `[Section][2]` headers, with default
//!   owners on the header line used by entries that name none; each section is evaluated on
//!   its own (last match within the section), and owners from every section apply. Tokens that
//!   are not owners are ignored (with a warning).

use serde::Serialize;

use super::glob::{self, Tok};
use crate::util;

/// Which forge's CODEOWNERS rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// GitHub (and GitHub Enterprise Server).
    GitHub,
    /// GitLab (Premium/Ultimate Code Owners).
    GitLab,
}

/// Where GitHub looks for CODEOWNERS, in order.
pub const GITHUB_LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
/// Where GitLab looks for CODEOWNERS, in order.
pub const GITLAB_LOCATIONS: [&str; 3] = ["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

/// GitHub does not load a CODEOWNERS file of this size or more.
pub const GITHUB_MAX_BYTES: usize = 3 * 1024 * 1024;

/// How many unowned files a [`CategoryCoverage`] lists.
pub const UNOWNED_LISTED: usize = 20;

/// Find the CODEOWNERS file among a repository's files (paths relative to the root). With
/// `flavor` unknown, the repository is taken to be on GitLab when it has
/// `.gitlab/CODEOWNERS`, or has `.gitlab-ci.yml` and nothing under `.github/`; otherwise on
/// GitHub. Returns the path and the flavor its rules should be read with.
pub fn locate(files: &[String], flavor: Option<Flavor>) -> Option<(&str, Flavor)> {
    let has = |p: &str| files.iter().any(|f| f == p);
    let flavor = flavor.unwrap_or_else(|| {
        let gitlab_ci = has(".gitlab-ci.yml");
        let github_dir = files.iter().any(|f| f.starts_with(".github/"));
        if has(".gitlab/CODEOWNERS") || (gitlab_ci && !github_dir) {
            Flavor::GitLab
        } else {
            Flavor::GitHub
        }
    });
    let order = match flavor {
        Flavor::GitHub => GITHUB_LOCATIONS,
        Flavor::GitLab => GITLAB_LOCATIONS,
    };
    order.iter().find_map(|want| {
        files
            .iter()
            .find(|f| f.as_str() == *want)
            .map(|f| (f.as_str(), flavor))
    })
}

/// A problem with one line of a CODEOWNERS file. Not fatal: the line is skipped (or, on GitLab,
/// the bad token is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line number; 0 for the file as a whole.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// A GitLab section (GitHub files have just the unnamed one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The name as first written; empty for entries before any header.
    pub name: String,
    /// `^[Name]`: approval is optional.
    pub optional: bool,
    /// `[Name][n]`: approvals required (1 when not given).
    pub approvals: u32,
    /// Line of the (first) header; 0 for the unnamed section.
    pub line: u32,
}

/// One ownership rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// The pattern as written.
    pub pattern: String,
    /// Owners (`@user`, `@org/team`, `@@role`, e-mail); empty un-owns matching paths.
    pub owners: Vec<String>,
    /// 1-based line number.
    pub line: u32,
    /// Index into [`CodeOwners::sections`].
    pub section: usize,
    /// GitLab `!pattern`: matching paths are excluded from the section.
    pub exclude: bool,
    #[serde(skip)]
    matcher: Matcher,
}

impl Rule {
    /// Whether the rule's pattern matches `path` (relative to the repository root).
    pub fn matches(&self, path: &str) -> bool {
        let path = normalize(path);
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.matcher.matches(&segs)
    }
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Serialize)]
pub struct CodeOwners {
    /// The path it was read from.
    pub path: String,
    /// Whose rules were applied.
    pub flavor: Flavor,
    /// Sections; index 0 is the unnamed section (entries before any header).
    pub sections: Vec<Section>,
    /// Rules in file order.
    pub rules: Vec<Rule>,
    /// Lines that were skipped or partly ignored.
    pub warnings: Vec<Warning>,
    #[serde(skip)]
    by_section: Vec<Vec<usize>>,
}

/// The owners one section gives a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionOwners<'a> {
    /// Section name (empty: the unnamed section).
    pub section: &'a str,
    /// Whether approval in this section is optional.
    pub optional: bool,
    /// Approvals the section requires.
    pub approvals: u32,
    /// The owners.
    pub owners: &'a [String],
    /// The line of the rule that gave them.
    pub line: u32,
}

/// Read a CODEOWNERS file. The flavor is GitLab when `path` is `.gitlab/CODEOWNERS` or the file
/// has a `[Section]` header, GitHub otherwise; use [`parse_as`] to choose.
pub fn parse(path: &str, text: &str) -> CodeOwners {
    let gitlab = path == ".gitlab/CODEOWNERS"
        || path.ends_with("/.gitlab/CODEOWNERS")
        || text.lines().any(|l| section_header(l.trim()).is_some());
    parse_as(
        path,
        text,
        if gitlab {
            Flavor::GitLab
        } else {
            Flavor::GitHub
        },
    )
}

/// Read a CODEOWNERS file with the given forge's rules.
pub fn parse_as(path: &str, text: &str, flavor: Flavor) -> CodeOwners {
    let mut co = CodeOwners {
        path: path.to_string(),
        flavor,
        sections: vec![Section {
            name: String::new(),
            optional: false,
            approvals: 1,
            line: 0,
        }],
        rules: Vec::new(),
        warnings: Vec::new(),
        by_section: vec![Vec::new()],
    };
    if flavor == Flavor::GitHub && text.len() >= GITHUB_MAX_BYTES {
        co.warnings.push(Warning {
            line: 0,
            message: format!(
                "the file is {} bytes; GitHub does not load a CODEOWNERS file of 3 MB or more, so \
                 nothing in it applies",
                text.len()
            ),
        });
        return co;
    }
    let mut section = 0usize;
    let mut defaults: Vec<String> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if flavor == Flavor::GitLab
            && let Some(h) = section_header(line)
        {
            let (owners, bad) = split_owners(h.owners, flavor);
            co.warn_tokens(line_no, &bad);
            defaults = owners;
            section = co.section_index(h, line_no);
            continue;
        }
        co.rule_line(line, line_no, section, &defaults);
    }
    co
}

/// A parsed `[Name][n] owners` header.
struct Header<'t> {
    name: &'t str,
    optional: bool,
    approvals: Option<&'t str>,
    owners: &'t str,
}

fn section_header(line: &str) -> Option<Header<'_>> {
    let (optional, rest) = match line.strip_prefix('^') {
        Some(r) => (true, r),
        None => (false, line),
    };
    let rest = rest.strip_prefix('[')?;
    let close = rest.find(']')?;
    let name = rest.get(..close)?.trim();
    if name.is_empty() {
        return None;
    }
    let mut rest = rest.get(close + 1..)?;
    let mut approvals = None;
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        approvals = Some(r.get(..close)?.trim());
        rest = r.get(close + 1..)?;
    }
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some(Header {
        name,
        optional,
        approvals,
        owners: rest.trim(),
    })
}

/// Split a line into tokens on unescaped whitespace; `\ ` stays inside a token (escaped).
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            start.get_or_insert(i);
            continue;
        }
        if c == ' ' || c == '\t' {
            if let Some(s) = start.take() {
                out.push(&line[s..i]);
            }
        } else {
            start.get_or_insert(i);
        }
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out
}

/// Whether a token is an owner the forge accepts: `@name`, `@org/team` (GitLab: nested groups
/// and `@@role`), or an e-mail address.
fn is_owner(token: &str, flavor: Flavor) -> bool {
    fn name_ok(s: &str) -> bool {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    }
    if let Some(rest) = token.strip_prefix('@') {
        if flavor == Flavor::GitLab
            && let Some(role) = rest.strip_prefix('@')
        {
            return name_ok(role);
        }
        let parts: Vec<&str> = rest.split('/').collect();
        let max_parts = if flavor == Flavor::GitHub { 2 } else { 20 };
        return parts.len() <= max_parts && parts.iter().all(|p| name_ok(p));
    }
    match token.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !local.contains(['/', '\\'])
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains(['@', '/', '\\'])
        }
        None => false,
    }
}

/// Valid owners and the tokens that are not owners. On GitLab a token starting with `#` ends
/// the list (an inline comment); on GitHub it is an invalid token.
fn split_owners(text: &str, flavor: Flavor) -> (Vec<String>, Vec<String>) {
    let mut owners = Vec::new();
    let mut bad = Vec::new();
    for t in tokens(text) {
        if flavor == Flavor::GitLab && t.starts_with('#') {
            break;
        }
        if is_owner(t, flavor) {
            if !owners.iter().any(|o: &String| o == t) {
                owners.push(t.to_string());
            }
        } else {
            bad.push(t.to_string());
        }
    }
    (owners, bad)
}

impl CodeOwners {
    fn warn(&mut self, line: u32, message: String) {
        self.warnings.push(Warning { line, message });
    }

    fn warn_tokens(&mut self, line: u32, bad: &[String]) {
        if !bad.is_empty() {
            self.warn(
                line,
                format!(
                    "ignored {}: an owner is @user, @group or an e-mail address",
                    bad.iter()
                        .map(|b| format!("`{b}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    fn section_index(&mut self, h: Header<'_>, line: u32) -> usize {
        let approvals = match h.approvals {
            None => 1,
            Some(n) => match n.parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    self.warn(
                        line,
                        format!(
                            "approval count `{n}` for section [{}] is not a whole number of at \
                             least 1; taking 1",
                            h.name
                        ),
                    );
                    1
                }
            },
        };
        if let Some(i) = self
            .sections
            .iter()
            .position(|s| s.line > 0 && s.name.eq_ignore_ascii_case(h.name))
        {
            return i;
        }
        self.sections.push(Section {
            name: h.name.to_string(),
            optional: h.optional,
            approvals,
            line,
        });
        self.by_section.push(Vec::new());
        self.sections.len() - 1
    }

    fn rule_line(&mut self, line: &str, line_no: u32, section: usize, defaults: &[String]) {
        let toks = tokens(line);
        let Some((&pattern, owner_toks)) = toks.split_first() else {
            return;
        };
        let github = self.flavor == Flavor::GitHub;
        if github {
            let unsupported = if pattern.starts_with("\\#") {
                Some("escaping a leading `#` with `\\` is not supported by GitHub")
            } else if pattern.starts_with('!') {
                Some("`!` negation is not supported by GitHub")
            } else if pattern.contains(['[', ']']) {
                Some("`[ ]` character ranges are not supported by GitHub")
            } else {
                None
            };
            if let Some(why) = unsupported {
                self.warn(line_no, format!("{why}; GitHub skips this line"));
                return;
            }
        }
        let (owners, bad) = split_owners(&owner_toks.join(" "), self.flavor);
        if github && !bad.is_empty() {
            let inline_comment = bad.iter().any(|b| b.starts_with('#'));
            self.warn(
                line_no,
                format!(
                    "{} {}; GitHub skips this line",
                    if inline_comment {
                        "inline comments are not supported:"
                    } else {
                        "not an owner (@user, @org/team or an e-mail address):"
                    },
                    bad.iter()
                        .map(|b| format!("`{b}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return;
        }
        self.warn_tokens(line_no, &bad);
        let (exclude, pat) = match pattern.strip_prefix('!') {
            Some(p) if !github => (true, p),
            _ => (false, pattern),
        };
        let Some(matcher) = Matcher::compile(pat, self.flavor) else {
            self.warn(
                line_no,
                format!("`{pattern}` names no path; the line is skipped"),
            );
            return;
        };
        let owners = if owners.is_empty() && !exclude {
            defaults.to_vec()
        } else {
            owners
        };
        let index = self.rules.len();
        self.rules.push(Rule {
            pattern: pattern.to_string(),
            owners: if exclude { Vec::new() } else { owners },
            line: line_no,
            section,
            exclude,
            matcher,
        });
        if let Some(list) = self.by_section.get_mut(section) {
            list.push(index);
        }
    }

    /// The owners of `path` and the line of the rule that gives them; `None` when no rule
    /// matches or the last matching rule has no owners. On GitLab, the first section (in
    /// file order, required sections before optional ones) that gives the path owners.
    pub fn owners_of(&self, path: &str) -> Option<(&[String], u32)> {
        let path = normalize(path);
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match self.flavor {
            Flavor::GitHub => {
                let rule = self.rules.iter().rev().find(|r| r.matcher.matches(&segs))?;
                (!rule.owners.is_empty()).then_some((rule.owners.as_slice(), rule.line))
            }
            Flavor::GitLab => {
                let hit = |optional: bool| {
                    (0..self.sections.len())
                        .filter(|&s| self.sections.get(s).is_some_and(|x| x.optional == optional))
                        .find_map(|s| self.section_match(s, &segs))
                };
                let rule = hit(false).or_else(|| hit(true))?;
                Some((rule.owners.as_slice(), rule.line))
            }
        }
    }

    /// The rule of section `s` that gives the path owners, if any.
    fn section_match(&self, s: usize, segs: &[&str]) -> Option<&Rule> {
        let ids = self.by_section.get(s)?;
        let mut rules = ids.iter().filter_map(|&i| self.rules.get(i));
        if rules.clone().any(|r| r.exclude && r.matcher.matches(segs)) {
            return None;
        }
        let rule = rules.rfind(|r| !r.exclude && r.matcher.matches(segs))?;
        (!rule.owners.is_empty()).then_some(rule)
    }

    /// Every section's owners for `path` (GitHub: at most one entry, the unnamed section).
    pub fn section_owners(&self, path: &str) -> Vec<SectionOwners<'_>> {
        let path = normalize(path);
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if self.flavor == Flavor::GitHub {
            return self
                .owners_of(&path)
                .map(|(owners, line)| SectionOwners {
                    section: "",
                    optional: false,
                    approvals: 1,
                    owners,
                    line,
                })
                .into_iter()
                .collect();
        }
        self.sections
            .iter()
            .enumerate()
            .filter_map(|(s, sec)| {
                let rule = self.section_match(s, &segs)?;
                Some(SectionOwners {
                    section: &sec.name,
                    optional: sec.optional,
                    approvals: sec.approvals,
                    owners: &rule.owners,
                    line: rule.line,
                })
            })
            .collect()
    }

    /// Whether a change to `path` needs a code owner's approval (once the forge is set to
    /// require code owner review): it has owners, and on GitLab in a required section.
    pub fn requires_owner_approval(&self, path: &str) -> bool {
        match self.flavor {
            Flavor::GitHub => self.owners_of(path).is_some(),
            Flavor::GitLab => {
                let path = normalize(path);
                let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
                self.sections
                    .iter()
                    .enumerate()
                    .any(|(s, sec)| !sec.optional && self.section_match(s, &segs).is_some())
            }
        }
    }
}

fn normalize(path: &str) -> String {
    let mut p = path.trim();
    loop {
        if let Some(r) = p.strip_prefix("./") {
            p = r;
        } else if let Some(r) = p.strip_prefix('/') {
            p = r;
        } else {
            break;
        }
    }
    p.replace('\\', "/")
}

/// One segment of a compiled pattern.
#[derive(Debug, Clone)]
enum Seg {
    /// `**`: any number of segments (also none).
    Any,
    /// A segment without wildcards.
    Lit(Box<str>),
    /// A segment glob, with the literal text it must start and end with (a cheap pre-check).
    Glob {
        toks: Vec<Tok>,
        prefix: Box<str>,
        suffix: Box<str>,
    },
}

impl Seg {
    fn glob(toks: Vec<Tok>) -> Seg {
        let lit = |t: &Tok| match t {
            Tok::Char(c) => Some(*c),
            _ => None,
        };
        let prefix: String = toks.iter().map_while(lit).collect();
        let mut suffix: Vec<char> = toks.iter().rev().map_while(lit).collect();
        suffix.reverse();
        Seg::Glob {
            toks,
            prefix: prefix.into(),
            suffix: suffix.into_iter().collect::<String>().into(),
        }
    }
}

/// A compiled CODEOWNERS pattern: segments matched against a path's segments with `Any` as the
/// only multi-segment wildcard, so one backtracking point suffices.
#[derive(Debug, Clone, Default)]
struct Matcher {
    segs: Vec<Seg>,
}

impl Matcher {
    fn compile(pattern: &str, flavor: Flavor) -> Option<Matcher> {
        let anchored_slash = pattern.starts_with('/');
        let body = pattern.trim_start_matches('/');
        // A trailing unescaped `/` means "a directory": everything under it.
        let dir_only = body.ends_with('/') && !body.ends_with("\\/");
        let body = body.trim_end_matches('/');
        let classes = flavor == Flavor::GitLab;
        let mut segs: Vec<Seg> = body
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s == "**" {
                    Seg::Any
                } else {
                    let toks = glob::compile(s, classes, false);
                    if glob::is_literal(&toks) {
                        Seg::Lit(
                            toks.iter()
                                .filter_map(|t| match t {
                                    Tok::Char(c) => Some(*c),
                                    _ => None,
                                })
                                .collect::<String>()
                                .into(),
                        )
                    } else {
                        Seg::glob(toks)
                    }
                }
            })
            .collect();
        if segs.is_empty() {
            return None;
        }
        let anchored = match flavor {
            Flavor::GitHub => anchored_slash || segs.len() > 1,
            Flavor::GitLab => anchored_slash,
        };
        let ends_in_star =
            matches!(segs.last(), Some(Seg::Glob { toks, .. }) if toks.as_slice() == [Tok::Star]);
        let has_dir = anchored_slash || segs.len() > 1;
        if !anchored && !matches!(segs.first(), Some(Seg::Any)) {
            segs.insert(0, Seg::Any);
        }
        if dir_only {
            // At least one more segment below the directory.
            segs.push(Seg::glob(vec![Tok::Star]));
            segs.push(Seg::Any);
        } else if !(ends_in_star && has_dir) {
            // The path itself, or anything under it when it names a directory.
            segs.push(Seg::Any);
        }
        Some(Matcher { segs })
    }

    fn seg_matches(seg: &Seg, s: &str) -> bool {
        match seg {
            Seg::Any => true,
            Seg::Lit(l) => **l == *s,
            Seg::Glob {
                toks,
                prefix,
                suffix,
            } => {
                s.len() >= prefix.len() + suffix.len()
                    && s.starts_with(&**prefix)
                    && s.ends_with(&**suffix)
                    && glob::match_uniform(toks, s, false)
            }
        }
    }

    fn matches(&self, path: &[&str]) -> bool {
        let pat = &self.segs;
        let (mut pi, mut si) = (0usize, 0usize);
        let mut back: Option<(usize, usize)> = None;
        loop {
            match pat.get(pi) {
                Some(Seg::Any) => {
                    back = Some((pi + 1, si));
                    pi += 1;
                    continue;
                }
                Some(seg) => {
                    if let Some(s) = path.get(si)
                        && Self::seg_matches(seg, s)
                    {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                }
                None if si == path.len() => return true,
                None => {}
            }
            let Some((bp, bs)) = back else { return false };
            if bs >= path.len() {
                return false;
            }
            back = Some((bp, bs + 1));
            pi = bp;
            si = bs + 1;
        }
    }
}

/// The kind of file a coverage count is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileCategory {
    /// CI/CD configuration and dependency-update bots' configuration.
    CiConfig,
    /// Build scripts, build and package manifests, container builds.
    BuildScript,
}

/// Ownership counts for one category of files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CategoryCoverage {
    /// Files in the category.
    pub total: usize,
    /// Files whose changes need a code owner's approval.
    pub owned: usize,
    /// The first [`UNOWNED_LISTED`] files without owners (repository order).
    pub unowned: Vec<String>,
    /// How many more unowned files there are beyond the list.
    pub unowned_not_listed: usize,
}

impl CategoryCoverage {
    fn add(&mut self, path: &str, owned: bool) {
        self.total += 1;
        if owned {
            self.owned += 1;
        } else if self.unowned.len() < UNOWNED_LISTED {
            self.unowned.push(path.to_string());
        } else {
            self.unowned_not_listed += 1;
        }
    }
}

/// How much of a repository a CODEOWNERS file covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The CODEOWNERS file.
    pub codeowners: String,
    /// The rules applied.
    pub flavor: Flavor,
    /// Whether the CODEOWNERS file itself needs a code owner's approval to change.
    pub codeowners_owned: bool,
    /// Its owners (empty when unowned).
    pub codeowners_owners: Vec<String>,
    /// How many lines were skipped or partly ignored.
    pub warnings: usize,
    /// All files (dependency directories such as `vendor/` and `node_modules/` left out).
    pub all: CategoryCoverage,
    /// CI configuration.
    pub ci_config: CategoryCoverage,
    /// Build scripts and manifests.
    pub build_scripts: CategoryCoverage,
}

/// Classify `files` (paths relative to the repository root) and count how many in each
/// category need a code owner's approval to change.
pub fn coverage(co: &CodeOwners, files: &[String]) -> Coverage {
    let mut out = Coverage {
        codeowners: co.path.clone(),
        flavor: co.flavor,
        codeowners_owned: co.requires_owner_approval(&co.path),
        codeowners_owners: co
            .owners_of(&co.path)
            .map(|(o, _)| o.to_vec())
            .unwrap_or_default(),
        warnings: co.warnings.len(),
        all: CategoryCoverage::default(),
        ci_config: CategoryCoverage::default(),
        build_scripts: CategoryCoverage::default(),
    };
    for f in files {
        if util::in_dependency_dir(f) {
            continue;
        }
        let owned = co.requires_owner_approval(f);
        out.all.add(f, owned);
        match classify(f) {
            Some(FileCategory::CiConfig) => out.ci_config.add(f, owned),
            Some(FileCategory::BuildScript) => out.build_scripts.add(f, owned),
            None => {}
        }
    }
    out
}

/// Directories whose every file is CI configuration.
const CI_DIRS: &[&str] = &[
    ".github/workflows/",
    ".github/actions/",
    ".gitlab/ci/",
    ".circleci/",
    ".buildkite/",
    ".azure-pipelines/",
    ".woodpecker/",
    ".tekton/",
];

/// File names (anywhere) that are CI configuration.
const CI_NAMES: &[&str] = &[
    "action.yml",
    "action.yaml",
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    "jenkinsfile",
    ".travis.yml",
    "bitbucket-pipelines.yml",
    "appveyor.yml",
    ".appveyor.yml",
    ".drone.yml",
    ".woodpecker.yml",
    ".cirrus.yml",
    "cloudbuild.yaml",
    "cloudbuild.yml",
    "codemagic.yaml",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
];

/// Paths (from the root) that are CI configuration.
const CI_PATHS: &[&str] = &[
    ".github/dependabot.yml",
    ".github/dependabot.yaml",
    ".gitlab/dependabot.yml",
];

/// File names (anywhere) that are build scripts or manifests.
const BUILD_NAMES: &[&str] = &[
    "build.rs",
    "makefile",
    "gnumakefile",
    "cmakelists.txt",
    "containerfile",
    "cargo.toml",
    "rust-toolchain",
    "rust-toolchain.toml",
    "package.json",
    ".npmrc",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "pom.xml",
    "settings.gradle",
    "settings.gradle.kts",
    "gradle-wrapper.properties",
    "gradlew",
    "go.mod",
    "justfile",
    ".justfile",
    "taskfile.yml",
    "taskfile.yaml",
    "meson.build",
    "build",
    "build.bazel",
    "workspace",
    "workspace.bazel",
    "module.bazel",
    ".bazelrc",
    "build.zig",
    "sconstruct",
    "rakefile",
    "gemfile",
    "build.sbt",
    "package.swift",
    "directory.build.props",
    "directory.build.targets",
    "composer.json",
    "mix.exs",
    "flake.nix",
    "earthfile",
    "compose.yml",
    "compose.yaml",
];

/// Directory names whose scripts are build/release scripts.
const SCRIPT_DIRS: &[&str] = &["scripts", "script", "ci", ".ci", "build-aux", "release"];

/// Extensions of script files.
const SCRIPT_EXTS: &[&str] = &[
    "sh", "bash", "zsh", "ps1", "psm1", "bat", "cmd", "py", "rb", "pl", "js", "mjs", "cjs", "ts",
    "",
];

/// Script name stems that say "build or release", anywhere in the tree.
const SCRIPT_STEMS: &[&str] = &[
    "build",
    "release",
    "deploy",
    "publish",
    "package",
    "dist",
    "bootstrap",
];

/// Which category a file is in, if any. CI configuration wins over build scripts.
pub fn classify(path: &str) -> Option<FileCategory> {
    let path = path.trim_start_matches("./");
    let name = util::file_name(path);
    let lower = name.to_ascii_lowercase();
    let lower_path = path.to_ascii_lowercase();
    let ext = util::extension(path);

    let ci = CI_DIRS.iter().any(|d| lower_path.starts_with(d))
        || CI_NAMES.contains(&lower.as_str())
        || CI_PATHS.contains(&lower_path.as_str())
        || lower.starts_with("jenkinsfile.")
        || lower.ends_with(".jenkinsfile")
        || lower.ends_with(".gitlab-ci.yml")
        || ((lower_path.starts_with(".github/") || lower_path.starts_with(".gitlab/"))
            && (lower.starts_with("renovate.json") || lower == "dependabot.yml"));
    if ci {
        return Some(FileCategory::CiConfig);
    }

    let stem = lower.split('.').next().unwrap_or("");
    let build = BUILD_NAMES.contains(&lower.as_str())
        || matches!(
            ext.as_str(),
            "mk" | "cmake" | "bzl" | "gemspec" | "dockerfile"
        )
        || lower.starts_with("dockerfile")
        || lower.starts_with("containerfile.")
        || (lower.starts_with("docker-compose") && matches!(ext.as_str(), "yml" | "yaml"))
        || lower.starts_with("build.gradle")
        || lower_path == ".cargo/config.toml"
        || lower_path == ".cargo/config"
        || (SCRIPT_EXTS.contains(&ext.as_str())
            && (util::dirs(&lower_path).any(|d| SCRIPT_DIRS.contains(&d))
                || (!ext.is_empty()
                    && SCRIPT_STEMS.iter().any(|s| {
                        stem.strip_prefix(s)
                            .is_some_and(|r| r.is_empty() || r.starts_with(['-', '_']))
                    }))));
    build.then_some(FileCategory::BuildScript)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, flavor: Flavor, path: &str) -> bool {
        let segs: Vec<&str> = path.split('/').collect();
        Matcher::compile(pattern, flavor).unwrap().matches(&segs)
    }

    #[test]
    fn matcher_segments() {
        let gh = Flavor::GitHub;
        assert!(m("*", gh, "a/b/c"));
        assert!(m("docs/*", gh, "docs/a.md"));
        assert!(!m("docs/*", gh, "docs/a/b.md"));
        assert!(m("docs/**", gh, "docs/a/b.md"));
        assert!(m("/a/**/z", gh, "a/z"));
        assert!(m("/a/**/z", gh, "a/b/c/z/file"));
        assert!(!m("/a/**/z", gh, "b/a/z"));
        assert!(m("apps/", gh, "x/apps/y"));
        assert!(!m("apps/", gh, "x/apps"));
        assert!(m("**/logs", gh, "deeply/nested/logs/x.txt"));
    }

    #[test]
    fn tokens_keep_escaped_spaces() {
        assert_eq!(
            tokens("path\\ with\\ spaces/  @a\t@b"),
            vec!["path\\ with\\ spaces/", "@a", "@b"]
        );
        assert_eq!(tokens("x\\"), vec!["x\\"]);
    }

    #[test]
    fn owners_syntax() {
        assert!(is_owner("@octocat", Flavor::GitHub));
        assert!(is_owner("@org/team-name", Flavor::GitHub));
        assert!(!is_owner("@org/team/sub", Flavor::GitHub));
        assert!(is_owner("@org/team/sub", Flavor::GitLab));
        assert!(is_owner("@@maintainer", Flavor::GitLab));
        assert!(!is_owner("@@maintainer", Flavor::GitHub));
        assert!(is_owner("docs@example.com", Flavor::GitHub));
        assert!(!is_owner("octocat", Flavor::GitHub));
        assert!(!is_owner("@", Flavor::GitHub));
        assert!(!is_owner("a@b", Flavor::GitHub));
    }
}
