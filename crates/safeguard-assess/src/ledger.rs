//! The evidence ledger: an append-only, hash-chained log of evidence records under
//! `.safeguard/` in the assessed tree.
//!
//! Layout:
//! - `ledger.jsonl`: one entry per line, `{"seq","prev","prev_id","id","record","hash"}`;
//! - `ledger.head`: `{"entries","head","last_id"}`, the count and hash of the last entry;
//! - `ledger.lock`: taken exclusively while appending, so concurrent runs do not interleave.
//!
//! Each record is content-addressed (`id` = `sha256:` of its canonical JSON) and each entry's
//! `hash` commits to its sequence number, the previous entry's hash and its own id. Editing a
//! record changes its content hash; removing or reordering entries breaks `seq`, `prev` and
//! `prev_id`, which also name the entry that was removed; truncating the tail disagrees with
//! the head file. Someone who rewrites the whole chain *and* the head file is caught only by
//! comparing with a head recorded elsewhere: every `assessment.json` records the head.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use safeguard_model::{Evidence, sha256_bytes};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The folder under the assessed root that holds Safeguard's state.
pub const STATE_DIR: &str = ".safeguard";
const LEDGER: &str = "ledger.jsonl";
const HEAD: &str = "ledger.head";
const LOCK: &str = "ledger.lock";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} fails verification, so nothing was appended:\n{problems}\nInspect it with `safeguard evidence verify`."
    )]
    Tampered { path: PathBuf, problems: String },
    #[error("no evidence record matches `{0}`")]
    NotFound(String),
    #[error("`{query}` matches {count} records; give more of the id")]
    Ambiguous { query: String, count: usize },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One line of the ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub seq: u64,
    /// Hash of the previous entry (64 zeros for the first).
    pub prev: String,
    /// Id of the previous entry's record (empty for the first).
    pub prev_id: String,
    pub id: String,
    /// The evidence record. Kept as JSON so records of kinds this build does not know still
    /// verify and list.
    pub record: Value,
    pub hash: String,
}

impl Entry {
    fn compute_hash(seq: u64, prev: &str, prev_id: &str, id: &str) -> String {
        sha256_bytes(format!("safeguard-ledger/v1\n{seq}\n{prev}\n{prev_id}\n{id}\n").as_bytes())
    }

    /// The record's `kind`, `summary`, collector and time, for listings.
    pub fn describe(&self) -> (&str, &str, &str, &str) {
        fn s(v: Option<&Value>) -> &str {
            v.and_then(Value::as_str).unwrap_or("")
        }
        (
            s(self.record.get("kind")),
            s(self.record.get("producer").and_then(|p| p.get("collector"))),
            s(self.record.get("observed_at")),
            s(self.record.get("summary")),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Head {
    entries: u64,
    head: String,
    last_id: String,
}

/// What an append did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendOutcome {
    pub appended: u64,
    pub entries: u64,
    pub head: String,
}

/// One thing wrong with a ledger, naming the entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `malformed`, `edited`, `removed`, `reordered`, `duplicated`, `rewritten`, `truncated`
    /// or `head-mismatch`.
    pub kind: &'static str,
    /// The entry's sequence number, when known.
    pub seq: Option<u64>,
    /// The record's id, when known.
    pub id: Option<String>,
    /// Line in `ledger.jsonl`, when the problem is on a line.
    pub line: Option<usize>,
    pub message: String,
}

/// The result of [`Ledger::verify`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Verification {
    pub entries: u64,
    pub head: Option<String>,
    pub problems: Vec<Problem>,
    /// Benign findings (an interrupted append that left the head behind).
    pub notes: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The ledger of one assessed tree.
#[derive(Clone, Debug)]
pub struct Ledger {
    dir: PathBuf,
}

impl Ledger {
    /// The ledger under `root/.safeguard/` (created on first append).
    pub fn at_root(root: &Path) -> Self {
        Ledger {
            dir: root.join(STATE_DIR),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(LEDGER)
    }

    pub fn exists(&self) -> bool {
        self.path().is_file()
    }

    /// Append the records not already present (by id), under an exclusive lock. Refuses to
    /// append to a ledger that fails verification.
    pub fn append(&self, records: &[Evidence]) -> Result<AppendOutcome, LedgerError> {
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let lock_path = self.dir.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        lock.lock().map_err(io(&lock_path))?;

        let path = self.path();
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io(&path))?;

        // An append interrupted mid-line leaves a torn last line that the head never covered:
        // drop it before verifying.
        if !text.is_empty() && !text.ends_with('\n') {
            let keep = text.rfind('\n').map_or(0, |i| i + 1);
            tracing::warn!(path = %path.display(), "removing an incomplete last line left by an interrupted append");
            file.set_len(keep as u64).map_err(io(&path))?;
            text.truncate(keep);
        }

        let check = verify_text(&text, self.read_head()?.as_ref());
        if !check.ok() {
            return Err(LedgerError::Tampered {
                path,
                problems: render_problems(&check.problems),
            });
        }
        let entries = parse_entries(&text)
            .into_iter()
            .filter_map(|(_, e)| e.ok())
            .collect::<Vec<_>>();
        let mut known: BTreeSet<String> = entries.iter().map(|e| e.id.clone()).collect();
        let (mut seq, mut prev, mut prev_id) = match entries.last() {
            Some(e) => (e.seq, e.hash.clone(), e.id.clone()),
            None => (0, GENESIS.to_string(), String::new()),
        };

        let mut out = String::new();
        let mut appended = 0;
        for record in records {
            let value = record.to_value();
            let id = Evidence::id_of_json(&value);
            if !known.insert(id.clone()) {
                continue;
            }
            seq += 1;
            let hash = Entry::compute_hash(seq, &prev, &prev_id, &id);
            let entry = Entry {
                seq,
                prev,
                prev_id,
                id: id.clone(),
                record: value,
                hash: hash.clone(),
            };
            out.push_str(&serde_json::to_string(&entry).expect("entries serialise"));
            out.push('\n');
            prev = hash;
            prev_id = id;
            appended += 1;
        }
        if appended > 0 {
            file.seek(SeekFrom::End(0)).map_err(io(&path))?;
            file.write_all(out.as_bytes()).map_err(io(&path))?;
            file.sync_data().map_err(io(&path))?;
        }
        let head = Head {
            entries: seq,
            head: prev.clone(),
            last_id: prev_id,
        };
        self.write_head(&head)?;
        drop(lock);
        Ok(AppendOutcome {
            appended,
            entries: seq,
            head: prev,
        })
    }

    fn read_head(&self) -> Result<Option<Head>, LedgerError> {
        let path = self.dir.join(HEAD);
        match fs::read_to_string(&path) {
            Ok(t) => Ok(serde_json::from_str(&t).ok().or(Some(Head {
                entries: u64::MAX,
                head: String::new(),
                last_id: String::new(),
            }))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    }

    fn write_head(&self, head: &Head) -> Result<(), LedgerError> {
        let path = self.dir.join(HEAD);
        let tmp = self.dir.join(format!("{HEAD}.tmp"));
        let mut f = File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(
            serde_json::to_string(head)
                .expect("head serialises")
                .as_bytes(),
        )
        .map_err(io(&tmp))?;
        f.write_all(b"\n").map_err(io(&tmp))?;
        f.sync_data().map_err(io(&tmp))?;
        fs::rename(&tmp, &path).map_err(io(&path))
    }

    /// All well-formed entries, in file order. An absent ledger has none.
    pub fn entries(&self) -> Result<Vec<Entry>, LedgerError> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&path)(e)),
        };
        Ok(parse_entries(&text)
            .into_iter()
            .filter_map(|(_, e)| e.ok())
            .collect())
    }

    /// Find one entry by full id, id prefix (with or without `sha256:`) or sequence number.
    pub fn find(&self, query: &str) -> Result<Entry, LedgerError> {
        let entries = self.entries()?;
        let q = query.trim();
        if let Ok(seq) = q.parse::<u64>()
            && q.len() < 12
        {
            return entries
                .into_iter()
                .find(|e| e.seq == seq)
                .ok_or_else(|| LedgerError::NotFound(q.into()));
        }
        let hex = q.strip_prefix("sha256:").unwrap_or(q).to_ascii_lowercase();
        if hex.is_empty() {
            return Err(LedgerError::NotFound(q.into()));
        }
        let mut hits: Vec<Entry> = entries
            .into_iter()
            .filter(|e| {
                e.id.strip_prefix("sha256:")
                    .is_some_and(|h| h.starts_with(&hex))
            })
            .collect();
        match hits.len() {
            0 => Err(LedgerError::NotFound(q.into())),
            1 => Ok(hits.remove(0)),
            count => Err(LedgerError::Ambiguous {
                query: q.into(),
                count,
            }),
        }
    }

    /// Check the whole ledger and name every entry that was edited, removed or reordered.
    pub fn verify(&self) -> Result<Verification, LedgerError> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io(&path)(e)),
        };
        Ok(verify_text(&text, self.read_head()?.as_ref()))
    }
}

type Parsed = Vec<(usize, Result<Entry, String>)>;

fn parse_entries(text: &str) -> Parsed {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                serde_json::from_str::<Entry>(l).map_err(|e| e.to_string()),
            )
        })
        .collect()
}

fn short(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    &hex[..hex.len().min(12)]
}

fn verify_text(text: &str, head: Option<&Head>) -> Verification {
    let mut v = Verification::default();
    let mut problems: Vec<Problem> = Vec::new();
    let mut problem =
        |kind, seq: Option<u64>, id: Option<&str>, line: Option<usize>, message: String| {
            problems.push(Problem {
                kind,
                seq,
                id: id.map(str::to_string),
                line,
                message,
            });
        };

    let parsed = parse_entries(text);
    let mut entries: Vec<(usize, Entry)> = Vec::new();
    for (line, e) in parsed {
        match e {
            Ok(e) => entries.push((line, e)),
            Err(msg) => problem(
                "malformed",
                None,
                None,
                Some(line),
                format!("line {line}: not a ledger entry: {msg}"),
            ),
        }
    }

    // 1. Each record against its own content address, each entry against its own hash.
    for (line, e) in &entries {
        let actual = Evidence::id_of_json(&e.record);
        if actual != e.id {
            problem(
                "edited",
                Some(e.seq),
                Some(&e.id),
                Some(*line),
                format!(
                    "entry {} (record {}) was edited: its content now hashes to {}",
                    e.seq,
                    short(&e.id),
                    short(&actual)
                ),
            );
        }
        if Entry::compute_hash(e.seq, &e.prev, &e.prev_id, &e.id) != e.hash {
            problem(
                "rewritten",
                Some(e.seq),
                Some(&e.id),
                Some(*line),
                format!(
                    "entry {} (record {}): its chain fields were altered (hash does not match)",
                    e.seq,
                    short(&e.id)
                ),
            );
        }
    }

    // 2. Sequence numbers: missing (removed), repeated, out of order (reordered).
    let by_seq: BTreeMap<u64, &Entry> = entries.iter().map(|(_, e)| (e.seq, e)).collect();
    let mut seen = BTreeSet::new();
    let mut max_seen = 0;
    for (line, e) in &entries {
        if !seen.insert(e.seq) {
            problem(
                "duplicated",
                Some(e.seq),
                Some(&e.id),
                Some(*line),
                format!("entry {} appears more than once", e.seq),
            );
        } else if e.seq < max_seen {
            problem(
                "reordered",
                Some(e.seq),
                Some(&e.id),
                Some(*line),
                format!(
                    "entry {} (record {}) was moved: it appears on line {line}, after entry {max_seen}",
                    e.seq,
                    short(&e.id)
                ),
            );
        }
        max_seen = max_seen.max(e.seq);
    }
    let last = max_seen.max(head.map_or(0, |h| if h.entries == u64::MAX { 0 } else { h.entries }));
    for seq in 1..=last {
        if by_seq.contains_key(&seq) {
            continue;
        }
        // The next entry (or the head file) names the record that stood here.
        let id = match by_seq.get(&(seq + 1)) {
            Some(next) => Some(next.prev_id.clone()),
            None if head.is_some_and(|h| h.entries == seq) => head.map(|h| h.last_id.clone()),
            None => None,
        };
        let message = match &id {
            Some(id) => format!("entry {seq} (record {}) was removed", short(id)),
            None => format!("entry {seq} was removed"),
        };
        let kind = if seq > max_seen {
            "truncated"
        } else {
            "removed"
        };
        problem(kind, Some(seq), id.as_deref(), None, message);
    }

    // 3. The chain: every entry must point at the entry before it.
    for (line, e) in &entries {
        let (want_prev, want_prev_id) = if e.seq == 1 {
            (GENESIS.to_string(), String::new())
        } else {
            match by_seq.get(&(e.seq - 1)) {
                Some(p) => (p.hash.clone(), p.id.clone()),
                None => continue, // already reported as removed
            }
        };
        if e.prev != want_prev || e.prev_id != want_prev_id {
            problem(
                "rewritten",
                Some(e.seq),
                Some(&e.id),
                Some(*line),
                format!(
                    "entry {} (record {}) does not follow entry {}: the entry before it was replaced or rewritten",
                    e.seq,
                    short(&e.id),
                    e.seq - 1
                ),
            );
        }
    }

    // 4. The head file.
    v.problems = problems;
    let tail = by_seq.values().next_back();
    v.entries = entries.len() as u64;
    v.head = tail.map(|e| e.hash.clone());
    match (head, tail) {
        (None, None) => {}
        (None, Some(_)) => v
            .notes
            .push("no ledger.head file: the tail cannot be checked for truncation".into()),
        (Some(h), _) if h.entries == u64::MAX => v.problems.push(Problem {
            kind: "head-mismatch",
            seq: None,
            id: None,
            line: None,
            message: "ledger.head is not valid JSON".into(),
        }),
        (Some(h), tail) => {
            let tail_seq = tail.map_or(0, |e| e.seq);
            if tail_seq == h.entries {
                if tail.is_some_and(|t| t.hash != h.head) {
                    v.problems.push(Problem {
                        kind: "head-mismatch",
                        seq: Some(tail_seq),
                        id: tail.map(|t| t.id.clone()),
                        line: None,
                        message: format!("the last entry ({tail_seq}) is not the one ledger.head recorded: it was replaced"),
                    });
                }
            } else if tail_seq > h.entries {
                v.notes.push(format!(
                    "ledger.head records {} entries but the ledger has {tail_seq}: an append was interrupted before the head was updated",
                    h.entries
                ));
            }
        }
    }
    v.problems
        .sort_by(|a, b| a.seq.cmp(&b.seq).then(a.line.cmp(&b.line)));
    v
}

/// Verify ledger text and head-file text as they would be read from disk (for fuzzing and for
/// tools that hold a copy of a ledger outside a repository).
pub fn verify_str(ledger: &str, head: Option<&str>) -> Verification {
    let head = head.map(|h| {
        serde_json::from_str(h).unwrap_or(Head {
            entries: u64::MAX,
            head: String::new(),
            last_id: String::new(),
        })
    });
    verify_text(ledger, head.as_ref())
}

/// One problem per line, for error messages.
pub fn render_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {}", p.message))
        .collect::<Vec<_>>()
        .join("\n")
}
