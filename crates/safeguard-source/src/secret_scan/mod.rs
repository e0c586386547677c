//! `safeguard secrets`: the working tree and the git history scanned for credentials with the
//! rules of [`crate::secrets`], every distinct blob once, checked against a reviewed baseline.
//!
//! - The tree walk honours `.gitignore` (unless told not to), includes hidden files, never
//!   enters `.git`, and scans files on all cores. Files up to [`IN_MEMORY`] bytes are read whole
//!   into a reused buffer; bigger ones are streamed in bounded memory.
//! - The history scan lists every blob reachable from any ref once (`git rev-list --objects
//!   --all`), skips the ones the tree scan already covered (tracked files unchanged since the
//!   index), and streams the rest through one `git cat-file --batch`.
//! - Findings are grouped by secret (its fingerprint), so one token copied into ten files is one
//!   finding with ten locations. Secrets are never kept or shown in full: each finding carries
//!   the redacted form and the fingerprint only.

pub mod baseline;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::git::{GitError, Repo};
use crate::objects::ObjectHeader;
use crate::secrets::{self, Match, Scanner};
pub use baseline::{Baseline, BaselineError, Review, Reviewed};

/// Files and blobs up to this size are read whole; bigger ones are streamed.
pub const IN_MEMORY: u64 = 32 << 20;
/// Bytes looked at to decide whether content is binary.
const SNIFF: usize = 8 << 10;
/// Locations kept per secret.
const MAX_LOCATIONS: usize = 20;

/// What to scan and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Scan the working tree.
    pub tree: bool,
    /// Scan every blob of the git history too.
    pub history: bool,
    /// Honour `.gitignore` files (and `.git/info/exclude`) in the tree walk.
    pub respect_ignore: bool,
    /// Skip files bigger than this (0: no limit; big files are streamed).
    pub max_file_size: u64,
    /// Worker threads for the tree scan (0: one per core).
    pub threads: usize,
    /// Today (`YYYY-MM-DD`), for baseline expiry.
    pub today: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tree: true,
            history: false,
            respect_ignore: true,
            max_file_size: 0,
            threads: 0,
            today: String::from("1970-01-01"),
        }
    }
}

/// Where a secret was seen.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// Repo-relative path (`/` separators). For history blobs, the first path the blob had.
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The blob id, for history locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
    /// The oldest commit that added the blob, for history locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitRef>,
}

/// A commit, as findings name it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CommitRef {
    pub id: String,
    pub author: String,
    /// RFC 3339 author date.
    pub date: String,
}

/// One distinct secret.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub fingerprint: String,
    pub rule: &'static str,
    pub family: &'static str,
    pub severity: &'static str,
    pub description: &'static str,
    /// The secret, redacted: never the whole value.
    pub redacted: String,
    /// `open`, `reviewed` or `expired` (a review past its date: open again).
    pub status: &'static str,
    /// Seen in the working tree (not only in history).
    pub in_tree: bool,
    /// Locations, tree first, at most 20.
    pub locations: Vec<Location>,
    /// All locations seen, including those not listed.
    pub occurrences: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Reviewed>,
}

impl Finding {
    /// Whether the finding alerts (no current review).
    pub fn is_open(&self) -> bool {
        self.status != "reviewed"
    }
}

/// The outcome of a scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub rules: usize,
    /// Working-tree files scanned and their bytes.
    pub files: u64,
    pub bytes: u64,
    pub history: bool,
    /// History blobs scanned (after skipping the ones the tree scan covered) and their bytes.
    pub blobs: u64,
    pub blob_bytes: u64,
    /// Commits reachable from any ref.
    pub commits: u64,
    pub shallow: bool,
    /// Findings, open first, then by rule and first location.
    pub findings: Vec<Finding>,
    /// Skipped files and blobs, by reason (`binary`, `too-large`, `unreadable`, `missing`).
    pub skipped: BTreeMap<String, u64>,
    /// Files scanned as bytes because they are not UTF-8 text.
    pub not_utf8: u64,
    /// Problems that limited the scan, each naming what and where.
    pub errors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

impl Report {
    /// Open (unreviewed) findings.
    pub fn open(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_open())
    }
}

/// Why nothing could be scanned.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{}: {source}", .path.display())]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: --history needs a git work tree, and this is not one", .0.display())]
    NotARepository(PathBuf),
    #[error(transparent)]
    Git(#[from] GitError),
}

/// Raw hits before grouping.
#[derive(Default)]
struct Hits {
    by_fp: HashMap<String, Group>,
}

struct Group {
    rule: usize,
    redacted: String,
    in_tree: bool,
    locations: Vec<Location>,
    occurrences: u64,
}

impl Hits {
    fn add(&mut self, m: &Match, loc: Location, in_tree: bool) {
        let rules = secrets::rules();
        let Some(rule) = rules.get(m.rule) else {
            return;
        };
        let fp = secrets::fingerprint(rule.id, &m.secret);
        let g = self.by_fp.entry(fp).or_insert_with(|| Group {
            rule: m.rule,
            redacted: secrets::redact(&m.secret),
            in_tree,
            locations: Vec::new(),
            occurrences: 0,
        });
        g.in_tree |= in_tree;
        g.occurrences += 1;
        g.locations.push(loc);
    }

    fn merge(&mut self, other: Hits) {
        for (fp, g) in other.by_fp {
            match self.by_fp.get_mut(&fp) {
                Some(mine) => {
                    mine.in_tree |= g.in_tree;
                    mine.occurrences += g.occurrences;
                    mine.locations.extend(g.locations);
                }
                None => {
                    self.by_fp.insert(fp, g);
                }
            }
        }
    }
}

/// Scan `root` (a directory) as `options` say, with `baseline` marking reviewed secrets.
pub fn scan(
    root: &Path,
    options: &Options,
    scanner: &Scanner,
    baseline: Option<&Baseline>,
) -> Result<Report, ScanError> {
    scan_inner(root, None, options, scanner, baseline)
}

/// As [`scan`], with the working-tree files given (relative to `root`) instead of walked.
pub fn scan_files_of(
    root: &Path,
    files: &[String],
    options: &Options,
    scanner: &Scanner,
    baseline: Option<&Baseline>,
) -> Result<Report, ScanError> {
    scan_inner(root, Some(files), options, scanner, baseline)
}

fn scan_inner(
    root: &Path,
    given: Option<&[String]>,
    options: &Options,
    scanner: &Scanner,
    baseline: Option<&Baseline>,
) -> Result<Report, ScanError> {
    let meta = std::fs::metadata(root).map_err(|source| ScanError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(ScanError::Root {
            path: root.to_path_buf(),
            source: std::io::Error::other("not a directory"),
        });
    }
    let mut report = Report {
        rules: secrets::rules().len(),
        history: options.history,
        baseline: baseline.map(|b| b.path.display().to_string()),
        ..Report::default()
    };
    let mut hits = Hits::default();
    // A damaged repository does not stop the tree scan: it is reported and the history is
    // left out.
    let mut history_ok = options.history;
    let repo = match Repo::open(root) {
        Ok(r) => r,
        Err(e) => {
            report.errors.push(if options.history {
                format!(
                    "the git history could not be read, so only the working tree was scanned: {e}"
                )
            } else {
                format!("git: {e}")
            });
            history_ok = false;
            None
        }
    };
    report.history = history_ok;
    if options.history && history_ok && repo.is_none() {
        return Err(ScanError::NotARepository(root.to_path_buf()));
    }
    let mut covered: HashSet<String> = HashSet::new();
    if options.tree {
        let files = match given {
            Some(list) => list
                .iter()
                .filter_map(|rel| {
                    let meta = std::fs::symlink_metadata(root.join(rel)).ok()?;
                    meta.is_file().then(|| (rel.clone(), meta.len()))
                })
                .collect(),
            None => walk(root, options, &mut report),
        };
        scan_files(root, &files, options, scanner, &mut report, &mut hits);
        if history_ok && let Some(repo) = &repo {
            covered = unchanged_tracked_blobs(repo, &files).unwrap_or_else(|e| {
                report.errors.push(format!("git: {e}"));
                HashSet::new()
            });
        }
    }
    if let (true, Some(repo)) = (history_ok, &repo) {
        scan_history(repo, options, scanner, &covered, &mut report, &mut hits);
    }
    report.findings = group(hits, baseline, &options.today);
    Ok(report)
}

fn walk(root: &Path, options: &Options, report: &mut Report) -> Vec<(String, u64)> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(options.respect_ignore)
        .ignore(false)
        .git_ignore(options.respect_ignore)
        .git_global(false)
        .git_exclude(options.respect_ignore)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                report.errors.push(e.to_string());
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        // The size is read when the file is opened: no stat per file here.
        let size = 0;
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        files.push((rel, size));
    }
    files.sort();
    files
}

struct FileOutcome {
    bytes: u64,
    skipped: Option<&'static str>,
    not_utf8: bool,
    error: Option<String>,
}

fn scan_files(
    root: &Path,
    files: &[(String, u64)],
    options: &Options,
    scanner: &Scanner,
    report: &mut Report,
    hits: &mut Hits,
) {
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    }
    .clamp(1, 64);
    let next = AtomicUsize::new(0);
    let shared = Mutex::new((Hits::default(), Vec::<(usize, FileOutcome)>::new()));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut buf = Vec::new();
                let mut matches = Vec::new();
                let mut local = Hits::default();
                let mut outcomes = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((rel, size)) = files.get(i) else {
                        break;
                    };
                    let _ = size;
                    let outcome =
                        scan_one_file(&root.join(rel), options, scanner, &mut buf, &mut matches);
                    for m in matches.drain(..) {
                        let loc = Location {
                            path: rel.clone(),
                            line: m.line,
                            column: m.column,
                            blob: None,
                            commit: None,
                        };
                        local.add(&m, loc, true);
                    }
                    if outcome.error.is_some() || outcome.skipped.is_some() || outcome.not_utf8 {
                        outcomes.push((i, outcome));
                    } else {
                        outcomes.push((
                            i,
                            FileOutcome {
                                error: None,
                                ..outcome
                            },
                        ));
                    }
                }
                if let Ok(mut g) = shared.lock() {
                    g.0.merge(local);
                    g.1.extend(outcomes);
                }
            });
        }
    });
    let (local, mut outcomes) = shared.into_inner().unwrap_or_default();
    hits.merge(local);
    outcomes.sort_by_key(|(i, _)| *i);
    for (i, o) in outcomes {
        let path = files.get(i).map(|f| f.0.as_str()).unwrap_or("?");
        if let Some(reason) = o.skipped {
            *report.skipped.entry(reason.to_string()).or_default() += 1;
        } else {
            report.files += 1;
            report.bytes += o.bytes;
        }
        report.not_utf8 += u64::from(o.not_utf8);
        if let Some(e) = o.error {
            report.errors.push(format!("{path}: {e}"));
        }
    }
}

/// Files at least this big (and at most [`IN_MEMORY`]) are memory-mapped instead of read: it
/// saves copying them out of the page cache, which is most of the bytes of a source tree.
const MMAP_FROM: u64 = 64 << 10;

fn scan_one_file(
    path: &Path,
    options: &Options,
    scanner: &Scanner,
    buf: &mut Vec<u8>,
    matches: &mut Vec<Match>,
) -> FileOutcome {
    let skip = |reason, error| FileOutcome {
        bytes: 0,
        skipped: Some(reason),
        not_utf8: false,
        error,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return skip("unreadable", Some(format!("cannot read: {e}"))),
    };
    // The size from the open file (one fstat), not from the walk.
    let size = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return skip("unreadable", Some(format!("cannot read: {e}"))),
    };
    if options.max_file_size > 0 && size > options.max_file_size {
        return skip("too-large", None);
    }
    if (MMAP_FROM..=IN_MEMORY).contains(&size) {
        // SAFETY: the map is read-only and private to this call. A file truncated by another
        // process while it is mapped could fault; source trees being scanned are not being
        // rewritten, and the read path below is used for everything small or huge.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            let data = &map[..];
            if is_binary(data) {
                return binary();
            }
            let not_utf8 = std::str::from_utf8(data).is_err();
            scanner.scan(data, matches);
            return FileOutcome {
                bytes: data.len() as u64,
                skipped: None,
                not_utf8,
                error: None,
            };
        }
    }
    scan_stream(&mut file, size, scanner, buf, matches)
        .unwrap_or_else(|e| skip("unreadable", Some(format!("read failed: {e}"))))
}

/// Scan `size` bytes of `r`: whole when small, streamed when big. Binary content is skipped.
fn scan_stream(
    r: &mut dyn Read,
    size: u64,
    scanner: &Scanner,
    buf: &mut Vec<u8>,
    matches: &mut Vec<Match>,
) -> std::io::Result<FileOutcome> {
    buf.clear();
    if size <= IN_MEMORY {
        buf.reserve(size as usize + 1);
        r.take(IN_MEMORY + 1).read_to_end(buf)?;
        if is_binary(buf) {
            return Ok(binary());
        }
        let not_utf8 = std::str::from_utf8(buf).is_err();
        scanner.scan(buf, matches);
        return Ok(FileOutcome {
            bytes: buf.len() as u64,
            skipped: None,
            not_utf8,
            error: None,
        });
    }
    // Big: sniff the head, then stream head + rest through the scanner.
    r.take(SNIFF as u64).read_to_end(buf)?;
    if is_binary(buf) {
        return Ok(binary());
    }
    let head = std::io::Cursor::new(std::mem::take(buf));
    let bytes = scanner.scan_reader(head.chain(r), matches)?;
    Ok(FileOutcome {
        bytes,
        skipped: None,
        not_utf8: false,
        error: None,
    })
}

fn binary() -> FileOutcome {
    FileOutcome {
        bytes: 0,
        skipped: Some("binary"),
        not_utf8: false,
        error: None,
    }
}

/// Content is binary when its head has a NUL byte (as git decides).
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(SNIFF)]).is_some()
}

/// Blob ids of tracked files the tree scan read unchanged: the history scan need not read them
/// again.
fn unchanged_tracked_blobs(
    repo: &Repo,
    files: &[(String, u64)],
) -> Result<HashSet<String>, GitError> {
    let scanned: HashSet<&str> = files.iter().map(|f| f.0.as_str()).collect();
    let modified: HashSet<String> = repo.modified_files()?.into_iter().collect();
    let out = repo.output(&["ls-files", "-s", "-z"])?;
    let mut set = HashSet::new();
    for rec in out.split(|&b| b == 0) {
        let text = String::from_utf8_lossy(rec);
        // `<mode> <blob> <stage>\t<path>`
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (_mode, blob) = (parts.next(), parts.next());
        if let Some(blob) = blob
            && scanned.contains(path)
            && !modified.contains(path)
        {
            set.insert(blob.to_string());
        }
    }
    Ok(set)
}

fn scan_history(
    repo: &Repo,
    options: &Options,
    scanner: &Scanner,
    covered: &HashSet<String>,
    report: &mut Report,
    hits: &mut Hits,
) {
    let history = match repo.history_blobs() {
        Ok(h) => h,
        Err(e) => {
            report.errors.push(format!(
                "the git history could not be read, so only the working tree was scanned: {e}"
            ));
            return;
        }
    };
    report.commits = history.commits;
    report.shallow = history.shallow;
    if history.shallow {
        report.errors.push(
            "the repository is a shallow clone: commits before the shallow boundary were not \
             scanned (run `git fetch --unshallow` to scan all history)"
                .into(),
        );
    }
    if !history.missing.is_empty() {
        *report.skipped.entry("missing".into()).or_default() += history.missing.len() as u64;
        report.errors.push(format!(
            "{} objects named in the history are missing from the repository (damaged or partial \
             clone), e.g. {}",
            history.missing.len(),
            history.missing[0]
        ));
    }
    let mut paths: HashMap<String, String> = HashMap::new();
    let mut ids = Vec::new();
    for b in history.blobs {
        if covered.contains(&b.id) {
            continue;
        }
        if options.max_file_size > 0 && b.size > options.max_file_size {
            *report.skipped.entry("too-large".into()).or_default() += 1;
            continue;
        }
        ids.push(b.id.clone());
        paths.insert(b.id, b.path);
    }
    let mut buf = Vec::new();
    let mut matches = Vec::new();
    let mut found_blobs: Vec<(String, Vec<Match>)> = Vec::new();
    let result = repo.read_objects(ids, |h: ObjectHeader<'_>, r: &mut dyn Read| {
        if h.kind != "blob" {
            *report.skipped.entry("missing".into()).or_default() += 1;
            return Ok(());
        }
        let o = scan_stream(r, h.size, scanner, &mut buf, &mut matches)?;
        if let Some(reason) = o.skipped {
            *report.skipped.entry(reason.into()).or_default() += 1;
        } else {
            report.blobs += 1;
            report.blob_bytes += o.bytes;
        }
        if !matches.is_empty() {
            found_blobs.push((h.id.to_string(), std::mem::take(&mut matches)));
        }
        Ok(())
    });
    if let Err(e) = result {
        report.errors.push(format!(
            "reading the git history stopped early, so some blobs were not scanned: {e}"
        ));
    }
    if found_blobs.is_empty() {
        return;
    }
    let wanted: HashSet<&str> = found_blobs.iter().map(|(id, _)| id.as_str()).collect();
    let introduced = match introducing_commits(repo, &wanted) {
        Ok(m) => m,
        Err(e) => {
            report.errors.push(format!(
                "could not find the commits that added secrets: {e}"
            ));
            HashMap::new()
        }
    };
    for (blob, ms) in found_blobs {
        let path = paths.get(&blob).cloned().unwrap_or_default();
        let commit = introduced.get(&blob).cloned();
        for m in ms {
            let loc = Location {
                path: path.clone(),
                line: m.line,
                column: m.column,
                blob: Some(blob.clone()),
                commit: commit.clone(),
            };
            hits.add(&m, loc, false);
        }
    }
}

/// For each wanted blob, the oldest commit (reachable from any ref) whose diff adds it.
fn introducing_commits(
    repo: &Repo,
    wanted: &HashSet<&str>,
) -> Result<HashMap<String, CommitRef>, GitError> {
    let out = repo.output(&[
        "log",
        "--all",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--format=%x01%H%x00%an <%ae>%x00%aI",
        "-m",
    ])?;
    let text = String::from_utf8_lossy(&out);
    let mut map: HashMap<String, CommitRef> = HashMap::new();
    let mut current: Option<CommitRef> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix('\u{1}') {
            let mut parts = rest.split('\0');
            current = Some(CommitRef {
                id: parts.next().unwrap_or_default().to_string(),
                author: parts.next().unwrap_or_default().to_string(),
                date: parts.next().unwrap_or_default().to_string(),
            });
            continue;
        }
        // `:100644 100644 <old> <new> M\tpath`
        let Some(raw) = line.strip_prefix(':') else {
            continue;
        };
        let Some(new) = raw.split(' ').nth(3) else {
            continue;
        };
        if let (true, Some(c)) = (wanted.contains(new), &current) {
            // `git log` lists newest first: the last one seen is the oldest.
            map.insert(new.to_string(), c.clone());
        }
    }
    Ok(map)
}

fn group(hits: Hits, baseline: Option<&Baseline>, today: &str) -> Vec<Finding> {
    let rules = secrets::rules();
    let mut out: Vec<Finding> = hits
        .by_fp
        .into_iter()
        .filter_map(|(fp, mut g)| {
            let rule = rules.get(g.rule)?;
            g.locations.sort_by(|a, b| {
                (a.blob.is_some(), &a.path, a.line, a.column).cmp(&(
                    b.blob.is_some(),
                    &b.path,
                    b.line,
                    b.column,
                ))
            });
            g.locations.dedup();
            g.locations.truncate(MAX_LOCATIONS);
            let (status, review) = match baseline.map(|b| b.review(&fp, today)) {
                Some(Review::Reviewed(e)) => ("reviewed", Some(e.clone())),
                Some(Review::Expired(e)) => ("expired", Some(e.clone())),
                _ => ("open", None),
            };
            Some(Finding {
                fingerprint: fp,
                rule: rule.id,
                family: rule.family.as_str(),
                severity: rule.severity.as_str(),
                description: rule.description,
                redacted: g.redacted,
                status,
                in_tree: g.in_tree,
                locations: g.locations,
                occurrences: g.occurrences,
                review,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (!a.is_open(), a.rule, &a.locations.first(), &a.fingerprint).cmp(&(
            !b.is_open(),
            b.rule,
            &b.locations.first(),
            &b.fingerprint,
        ))
    });
    out
}

/// The report as SARIF 2.1.0: one result per secret, all its locations, the fingerprint in
/// `partialFingerprints`, and reviewed secrets as externally suppressed results.
pub fn sarif(report: &Report, tool_version: &str) -> serde_json::Value {
    use serde_json::json;
    let all = secrets::rules();
    let mut used: Vec<&'static str> = report.findings.iter().map(|f| f.rule).collect();
    used.sort_unstable();
    used.dedup();
    let rule_index = |id: &str| used.iter().position(|u| *u == id).unwrap_or(0);
    let rules: Vec<serde_json::Value> = used
        .iter()
        .filter_map(|id| all.iter().find(|r| r.id == *id))
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.description},
                "help": {"text": format!(
                    "{} Rotate the credential, remove it from the code (and history), and load it \
                     from a secret store at run time.", r.description)},
                "defaultConfiguration": {"level": "error"},
                "properties": {"family": r.family.as_str(), "severity": r.severity.as_str()},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let locations: Vec<serde_json::Value> = f
                .locations
                .iter()
                .map(|l| {
                    let mut loc = json!({
                        "physicalLocation": {
                            "artifactLocation": {"uri": l.path},
                            "region": {"startLine": l.line.max(1), "startColumn": l.column.max(1)},
                        }
                    });
                    if let (Some(blob), Some(obj)) = (&l.blob, loc.as_object_mut()) {
                        let mut props = json!({"blob": blob});
                        if let (Some(c), Some(p)) = (&l.commit, props.as_object_mut()) {
                            p.insert("commit".into(), json!(c.id));
                            p.insert("author".into(), json!(c.author));
                            p.insert("date".into(), json!(c.date));
                        }
                        obj.insert("properties".into(), props);
                    }
                    loc
                })
                .collect();
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index(f.rule),
                "level": "error",
                "message": {"text": format!(
                    "{} found: {}{}", f.description, f.redacted,
                    if f.in_tree { "" } else { " (in git history only)" })},
                "locations": locations,
                "partialFingerprints": {"safeguardSecret/v1": f.fingerprint},
            });
            if let (Some(review), Some(obj)) = (&f.review, r.as_object_mut())
                && f.status == "reviewed"
            {
                obj.insert(
                    "suppressions".into(),
                    json!([{
                        "kind": "external",
                        "status": "accepted",
                        "justification": format!(
                            "{} (reviewed by {} on {})",
                            review.reason, review.reviewer, review.date
                        ),
                    }]),
                );
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "safeguard-secrets",
                "version": tool_version,
                "informationUri": "https://www.gov.uk/government/publications/software-security-code-of-practice",
                "rules": rules,
            }},
            "results": results,
        }]
    })
}
