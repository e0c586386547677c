//! Static audits of CI configuration: GitHub Actions workflows (`.github/workflows/*.yml`),
//! actions (`action.yml` anywhere: composite, JavaScript and Docker actions) and GitLab CI
//! (`.gitlab-ci.yml` and the files it includes with `include: local:`).
//!
//! Each audit implements one trait and is registered in one place (`audits::all`); see
//! [`audit_catalogue`] for the list. [`audit_tree`] audits a source tree and also records the
//! repository's security posture ([`Posture`]: dependency update tooling, SAST, fuzzing, tests,
//! signing, attestation); [`audit_file`] audits one file on its own; [`sarif`] writes a report
//! as SARIF 2.1.0.
//!
//! Findings are positioned at the exact YAML node (1-based line and column), and inside `run:`
//! blocks at the offending expression or command. Repository-level findings (the
//! `no-dependency-updates` and `missing-security-checks` audits, which are about something
//! missing) have no file of their own: they are placed at line 1, column 1 of `.github` when the
//! tree has that directory, else of `.` (the repository root).

mod audits;
mod doc;
mod expr;
mod github;
mod gitlab;
mod posture;
mod sarif;
mod shell;
pub mod yaml;

use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

pub use sarif::sarif;

use doc::{CiDoc, DocKind};

/// The most of one CI file that is read.
pub const MAX_FILE: u64 = 4 * 1024 * 1024;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; no action needed.
    Info,
    /// Hardening.
    Low,
    /// A weakness an attacker could use given another mistake.
    Medium,
    /// A weakness an attacker can use directly.
    High,
    /// Compromise is likely.
    Critical,
}

impl Severity {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How sure an audit is that a finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Plausible; check by hand.
    Low,
    /// Likely.
    Medium,
    /// Certain from the file alone.
    High,
}

impl Confidence {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// One problem found by one audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The audit's id (kebab-case, see [`audit_catalogue`]).
    pub audit: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// How sure the audit is.
    pub confidence: Confidence,
    /// Repository-relative path with `/` separators (`.github` or `.` for repository-level
    /// findings).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// What is wrong, naming the exact thing.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// A CI file that could not be audited, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// Repository-relative path.
    pub file: String,
    /// 1-based line (1 when the whole file is at fault).
    pub line: u32,
    /// 1-based column (1 when the whole file is at fault).
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Where a security practice was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Step {
    /// Repository-relative path.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What was seen (`CodeQL (github/codeql-action/analyze)`, `cargo test`, …).
    pub what: String,
}

/// Repository-level evidence of security practices, from CI files and a few well-known
/// configuration files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Posture {
    /// Dependency update tooling: `dependabot (.github/dependabot.yml)`, `renovate (renovate.json)`.
    pub dependency_updates: Vec<String>,
    /// Static analysis (SAST) steps.
    pub sast: Vec<Step>,
    /// Fuzzing steps or configuration.
    pub fuzzing: Vec<Step>,
    /// Test steps.
    pub tests: Vec<Step>,
    /// Signing steps.
    pub signing: Vec<Step>,
    /// Provenance or other attestation steps.
    pub attestation: Vec<Step>,
    /// Dependency installs, each `what` ending in `verified` (the lockfile's hashes are
    /// enforced) or `unverified`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub installs: Vec<Step>,
}

/// The result of auditing a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Findings sorted by (file, line, column, audit).
    pub findings: Vec<Finding>,
    /// The CI files audited, sorted.
    pub files: Vec<String>,
    /// CI files that could not be audited.
    pub errors: Vec<FileError>,
    /// Repository-level evidence.
    pub posture: Posture,
}

/// Every audit: (id, default severity, description), in catalogue order.
pub fn audit_catalogue() -> Vec<(&'static str, Severity, &'static str)> {
    audits::all()
        .iter()
        .map(|a| (a.id(), a.severity(), a.description()))
        .collect()
}

/// Audit one file given its repository-relative path and text. The kind of file comes from the
/// path (`.github/workflows/*.yml`, `action.yml`, `.gitlab-ci.yml`); any other YAML file is
/// recognised by its content (`on:` and `jobs:` for a workflow, `runs:` for an action, otherwise
/// GitLab CI). Repository-level audits do not run. Findings are sorted.
pub fn audit_file(path: &str, text: &str) -> (Vec<Finding>, Option<FileError>) {
    let path = normalise(path);
    let doc = match CiDoc::parse(&path, text, None) {
        Ok(doc) => doc,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let docs = [doc];
    let cx = audits::Context {
        docs: &docs,
        repo: None,
    };
    let mut findings = audits::run_all(&cx);
    finish(&mut findings);
    (findings, None)
}

/// Audit the CI files of a source tree. `files` are the tree's repository-relative paths (with
/// `/` separators); the CI files among them are chosen here: workflows directly under
/// `.github/workflows/`, every `action.yml`/`action.yaml` outside dependency directories and
/// test data (`fixtures/`, `testdata/`, …), and
/// the root `.gitlab-ci.yml` with the files it includes with `include: local:` (recursively).
/// Each file is read up to [`MAX_FILE`]; larger files, unreadable files, invalid UTF-8 and
/// invalid YAML become [`FileError`]s and the other files are still audited.
pub fn audit_tree(root: &Path, files: &[String]) -> Report {
    let mut state = Loaded::default();
    for path in files {
        let kind = if doc::is_workflow_path(path) {
            DocKind::Workflow
        } else if doc::is_action_path(path)
            && !crate::util::in_dependency_dir(path)
            && !doc::in_test_data(path)
        {
            DocKind::Action
        } else {
            continue;
        };
        state.load(root, path, kind);
    }

    // GitLab: the root file, then local includes breadth first.
    if files.iter().any(|f| f == ".gitlab-ci.yml") {
        let mut queue = VecDeque::from([".gitlab-ci.yml".to_string()]);
        let mut followed = 0;
        while let Some(path) = queue.pop_front() {
            if followed > gitlab::MAX_INCLUDED_FILES {
                break;
            }
            let Some(index) = state.load(root, &path, DocKind::GitLab) else {
                continue;
            };
            followed += 1;
            let Some(doc) = state.docs.get(index) else {
                continue;
            };
            for inc in gitlab::local_includes(doc) {
                let matched = gitlab::resolve_local(&inc.pattern, files);
                if matched.is_empty() {
                    state.errors.push(FileError {
                        file: doc.path.clone(),
                        line: inc.line,
                        column: inc.column,
                        message: format!(
                            "included file `{}` is not in the tree, so it was not audited",
                            inc.pattern
                        ),
                    });
                }
                queue.extend(matched);
            }
        }
    }
    let Loaded {
        docs, mut errors, ..
    } = state;

    let repo = posture::repo_facts(root, files, &docs);
    let cx = audits::Context {
        docs: &docs,
        repo: Some(&repo),
    };
    let mut findings = audits::run_all(&cx);
    finish(&mut findings);
    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    errors.dedup();
    let mut files: Vec<String> = docs.iter().map(|d| d.path.clone()).collect();
    files.sort();
    Report {
        findings,
        files,
        errors,
        posture: repo.posture,
    }
}

/// CI files read so far.
#[derive(Default)]
struct Loaded {
    docs: Vec<CiDoc>,
    errors: Vec<FileError>,
    seen: BTreeSet<String>,
}

impl Loaded {
    /// Read and parse a file once; the index of its parsed document, if it parsed.
    fn load(&mut self, root: &Path, path: &str, kind: DocKind) -> Option<usize> {
        if !self.seen.insert(path.to_string()) {
            return None;
        }
        match read_file(root, path).and_then(|t| CiDoc::parse(path, &t, Some(kind))) {
            Ok(doc) => {
                self.docs.push(doc);
                Some(self.docs.len() - 1)
            }
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }
}

/// Sort by (file, line, column, audit, message) and drop exact duplicates. (A template node
/// reached by several jobs through a YAML merge key is reported once per job, each message
/// naming its job.)
fn finish(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.audit, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.audit, &b.message))
    });
    findings.dedup();
}

fn normalise(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

fn whole_file(file: &str, message: String) -> FileError {
    FileError {
        file: file.to_string(),
        line: 1,
        column: 1,
        message,
    }
}

/// Read a CI file: at most [`MAX_FILE`] bytes, valid UTF-8.
fn read_file(root: &Path, rel: &str) -> Result<String, FileError> {
    let path = root.join(rel);
    let meta = std::fs::metadata(&path)
        .map_err(|e| whole_file(rel, format!("cannot read the file: {e}")))?;
    if !meta.is_file() {
        return Err(whole_file(rel, "not a regular file".to_string()));
    }
    if meta.len() > MAX_FILE {
        return Err(whole_file(
            rel,
            format!(
                "the file is {} bytes, more than the {} MiB limit for CI files; not audited",
                meta.len(),
                MAX_FILE / (1024 * 1024)
            ),
        ));
    }
    let mut buf = Vec::new();
    File::open(&path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut buf))
        .map_err(|e| whole_file(rel, format!("cannot read the file: {e}")))?;
    if buf.len() as u64 > MAX_FILE {
        return Err(whole_file(
            rel,
            format!(
                "the file is more than the {} MiB limit for CI files; not audited",
                MAX_FILE / (1024 * 1024)
            ),
        ));
    }
    String::from_utf8(buf).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = bytes.get(..good).unwrap_or_default();
        let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = prefix
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let column = std::str::from_utf8(prefix.get(line_start..).unwrap_or_default())
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        FileError {
            file: rel.to_string(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            message: format!(
                "the file is not valid UTF-8 (invalid byte 0x{:02x}); YAML must be UTF-8",
                bytes.get(good).copied().unwrap_or(0)
            ),
        }
    })
}
