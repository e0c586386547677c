//! The scanning engine: one Aho-Corasick pass over the input for every rule keyword, then each
//! triggered rule's regex only inside a bounded window around its keyword hits.

use std::io::{self, Read};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{CaptureLocations, Regex, RegexBuilder};

use super::rules::{self, Candidate, Confidence, Rule, Verdict};

/// How many new bytes [`Scanner::scan_reader`] reads per step.
pub const CHUNK: usize = 4 << 20;

/// Bytes added after every keyword window, so a match that needs the byte after a token (an
/// end-of-token assertion) always sees it. A match reaching the very end of a window (before
/// the end of the data) depended on the window's cut and is dropped.
const MARGIN: usize = 16;

/// The least length a run of merged windows may grow to before it is searched and a new run
/// begins (per rule the cap is four times the rule's own window, at least this).
const MIN_RUN: usize = 16 << 10;

/// One detected secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule into [`rules::rules`].
    pub rule: usize,
    /// Byte offset of the first byte of the secret.
    pub start: u64,
    /// Byte offset one past the last byte of the secret.
    pub end: u64,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, in bytes.
    pub column: u32,
    /// The secret itself. Never print it: use [`super::redact`].
    pub secret: Box<[u8]>,
    /// How sure the rule is.
    pub confidence: Confidence,
}

impl Match {
    /// The rule that found this match.
    pub fn rule(&self) -> &'static Rule {
        &rules::rules()[self.rule]
    }

    /// The location-independent fingerprint of this secret (see [`super::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        super::fingerprint(self.rule().id, &self.secret)
    }

    /// The redacted form of the secret (see [`super::redact`]).
    pub fn redacted(&self) -> String {
        super::redact(&self.secret)
    }
}

/// Why a scanner could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// A rule id passed to [`Scanner::with_rules`] is not a built-in rule.
    #[error("unknown secret rule `{0}`; run `safeguard secrets rules` for the rule ids")]
    UnknownRule(String),
    /// A rule's pattern did not compile (a bug in the rule table).
    #[error("secret rule `{id}` has an invalid pattern: {message}")]
    BadPattern {
        /// The rule id.
        id: &'static str,
        /// The regex compiler's message.
        message: String,
    },
}

struct Compiled {
    index: usize,
    rule: &'static Rule,
    /// The longest run of merged windows searched at once.
    max_run: usize,
    re: Regex,
    /// The capture group holding the secret when the pattern names one (`secret`).
    secret_group: Option<usize>,
}

/// A keyword's trigger: the rule it starts (local index), where the keyword lies inside the
/// automaton pattern that was found (a shorter keyword contained in a longer one is triggered
/// by the longer one's hit) and, for case-sensitive keywords, the exact bytes it must have.
#[derive(Clone, Copy)]
struct Trigger {
    rule: u16,
    offset: u16,
    len: u16,
    exact: Option<&'static [u8]>,
}

/// A compiled set of rules, built once and shared (it is `Send + Sync`).
pub struct Scanner {
    compiled: Vec<Compiled>,
    ac: Option<AhoCorasick>,
    triggers: Vec<Vec<Trigger>>,
    /// Bytes of context a streamed chunk keeps on each side.
    overlap: usize,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.compiled.len())
            .field("overlap", &self.overlap)
            .finish()
    }
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

/// A raw match inside one buffer (offsets relative to the buffer).
#[derive(Debug, Clone, Copy)]
struct Raw {
    local: u16,
    priority: u8,
    start: usize,
    end: usize,
    confidence: Confidence,
}

/// Line bookkeeping at the start of a buffer.
#[derive(Debug, Clone, Copy)]
struct LineState {
    /// Absolute offset of the buffer's first byte.
    base: u64,
    /// 1-based line number at the buffer's first byte.
    line: u32,
    /// Absolute offset where that line starts.
    line_start: u64,
}

impl LineState {
    fn advance(&mut self, consumed: &[u8]) {
        let mut last = None;
        let mut n: u32 = 0;
        for i in memchr::memchr_iter(b'\n', consumed) {
            n = n.saturating_add(1);
            last = Some(i);
        }
        self.line = self.line.saturating_add(n);
        if let Some(i) = last {
            self.line_start = self.base + i as u64 + 1;
        }
        self.base += consumed.len() as u64;
    }
}

impl Scanner {
    /// A scanner with every built-in rule.
    pub fn new() -> Scanner {
        // The built-in patterns are fixed and compiled by the test suite; this cannot fail on
        // any input.
        #[allow(clippy::expect_used)]
        Self::build((0..rules::rules().len()).collect())
            .expect("built-in secret rules compile (checked by the test suite)")
    }

    /// A scanner with only the rules whose ids are given.
    pub fn with_rules(ids: &[&str]) -> Result<Scanner, SecretsError> {
        let all = rules::rules();
        let mut idx = Vec::with_capacity(ids.len());
        for id in ids {
            match all.iter().position(|r| r.id == *id) {
                Some(i) => {
                    if !idx.contains(&i) {
                        idx.push(i);
                    }
                }
                None => return Err(SecretsError::UnknownRule((*id).to_string())),
            }
        }
        idx.sort_unstable();
        Self::build(idx)
    }

    fn build(indices: Vec<usize>) -> Result<Scanner, SecretsError> {
        let all = rules::rules();
        let mut compiled = Vec::with_capacity(indices.len());
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        // Per distinct (lower-cased) keyword: its own triggers.
        let mut own: Vec<Vec<Trigger>> = Vec::new();
        let mut overlap = 0usize;
        for (local, &index) in indices.iter().enumerate() {
            let rule = &all[index];
            let re = RegexBuilder::new(&format!("(?-u){}", rule.pattern))
                .size_limit(8 << 20)
                .dfa_size_limit(4 << 20)
                .build()
                .map_err(|e| SecretsError::BadPattern {
                    id: rule.id,
                    message: e.to_string(),
                })?;
            let secret_group = re.capture_names().position(|n| n == Some("secret"));
            let mut longest_kw = 0;
            for kw in rule.keywords {
                longest_kw = longest_kw.max(kw.len());
                let lower = kw.to_ascii_lowercase().into_bytes();
                let pid = match patterns.iter().position(|p| *p == lower) {
                    Some(p) => p,
                    None => {
                        patterns.push(lower);
                        own.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                own[pid].push(Trigger {
                    rule: local as u16,
                    offset: 0,
                    len: kw.len() as u16,
                    exact: (!rule.keywords_ignore_case).then_some(kw.as_bytes()),
                });
            }
            let span = rule.before as usize + longest_kw + rule.after as usize + MARGIN;
            overlap = overlap.max(span);
            compiled.push(Compiled {
                index,
                rule,
                max_run: (4 * span).max(MIN_RUN),
                re,
                secret_group,
            });
        }
        // The keyword pass reports, at each position where keywords start, only the longest;
        // so a pattern's hit also fires every keyword found inside that pattern.
        let mut triggers: Vec<Vec<Trigger>> = vec![Vec::new(); patterns.len()];
        for (pid, p) in patterns.iter().enumerate() {
            for (kid, k) in patterns.iter().enumerate() {
                if k.len() > p.len() {
                    continue;
                }
                for offset in 0..=p.len() - k.len() {
                    if p[offset..offset + k.len()] == k[..] {
                        for t in &own[kid] {
                            triggers[pid].push(Trigger {
                                offset: offset as u16,
                                ..*t
                            });
                        }
                    }
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)
                    .map_err(|e| SecretsError::BadPattern {
                        id: "keywords",
                        message: e.to_string(),
                    })?,
            )
        };
        Ok(Scanner {
            compiled,
            ac,
            triggers,
            overlap: overlap + 64,
        })
    }

    /// Indices (into [`rules::rules`]) of the rules this scanner runs.
    pub fn rule_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.compiled.iter().map(|c| c.index)
    }

    /// Bytes of context kept on each side of a chunk boundary by [`Scanner::scan_reader`]: at
    /// least the longest span a rule's window can cover.
    pub fn overlap(&self) -> usize {
        self.overlap
    }

    /// Scan `data` (any bytes, valid UTF-8 or not) and append the matches to `out`, ordered by
    /// position. Offsets are relative to the start of `data`.
    pub fn scan(&self, data: &[u8], out: &mut Vec<Match>) {
        let state = LineState {
            base: 0,
            line: 1,
            line_start: 0,
        };
        self.scan_region(data, state, 0, data.len(), out);
    }

    /// Scan everything `reader` yields, in chunks of [`CHUNK`] bytes with [`Scanner::overlap`]
    /// bytes of context on each side, so memory stays bounded whatever the input size. The
    /// matches are the same as [`Scanner::scan`] over the whole input would give. Returns the
    /// number of bytes read.
    pub fn scan_reader<R: Read>(&self, mut reader: R, out: &mut Vec<Match>) -> io::Result<u64> {
        let ov = self.overlap;
        let back = self.overlap;
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + ov + back);
        let mut state = LineState {
            base: 0,
            line: 1,
            line_start: 0,
        };
        let mut lo = 0usize;
        let mut total: u64 = 0;
        loop {
            let kept = buf.len();
            let target = kept + CHUNK;
            buf.resize(target, 0);
            let mut filled = kept;
            let mut eof = false;
            while filled < target {
                match reader.read(&mut buf[filled..target]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            buf.truncate(filled);
            total += (filled - kept) as u64;
            if eof {
                self.scan_region(&buf, state, lo, buf.len(), out);
                return Ok(total);
            }
            let hi = buf.len() - ov;
            self.scan_region(&buf, state, lo, hi, out);
            let keep_from = hi - back;
            state.advance(&buf[..keep_from]);
            buf.drain(..keep_from);
            lo = hi - keep_from;
        }
    }

    /// Find the matches in `buf` whose secret starts in `lo..hi` and append them to `out`.
    fn scan_region(
        &self,
        buf: &[u8],
        state: LineState,
        lo: usize,
        hi: usize,
        out: &mut Vec<Match>,
    ) {
        let Some(ac) = &self.ac else {
            return;
        };
        let mut raws: Vec<Raw> = Vec::new();
        // Pending (start, end) window per rule; start == usize::MAX when none.
        let mut pending: Vec<(usize, usize)> = vec![(usize::MAX, 0); self.compiled.len()];
        let mut locs: Vec<Option<CaptureLocations>> = Vec::new();
        locs.resize_with(self.compiled.len(), || None);
        let len = buf.len();
        let mut from = 0usize;
        while from < len {
            let Some(hit) = ac.find(aho_corasick::Input::new(buf).span(from..len)) else {
                break;
            };
            // Resume one byte after this hit's start: keywords starting inside it are found too.
            from = hit.start() + 1;
            let Some(trigs) = self.triggers.get(hit.pattern().as_usize()) else {
                continue;
            };
            for t in trigs {
                let s = hit.start() + t.offset as usize;
                let e = s + t.len as usize;
                if let Some(exact) = t.exact
                    && buf.get(s..e) != Some(exact)
                {
                    continue;
                }
                let r = t.rule as usize;
                let c = &self.compiled[r];
                let ws = s.saturating_sub(c.rule.before as usize);
                let we = (e + c.rule.after as usize + MARGIN).min(len);
                let p = &mut pending[r];
                if p.0 == usize::MAX {
                    *p = (ws, we);
                } else if ws <= p.1 && we >= p.0 && p.1.max(we) - p.0.min(ws) <= c.max_run {
                    p.0 = p.0.min(ws);
                    p.1 = p.1.max(we);
                } else {
                    let (ps, pe) = *p;
                    *p = (ws, we);
                    self.run_window(buf, r, ps, pe, &mut locs, &mut raws);
                }
            }
        }
        for (r, &(ps, pe)) in pending.iter().enumerate() {
            if ps != usize::MAX {
                self.run_window(buf, r, ps, pe, &mut locs, &mut raws);
            }
        }
        if raws.is_empty() {
            return;
        }
        raws.sort_unstable_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.local));
        raws.dedup_by_key(|m| (m.start, m.end, m.local));
        // Where matches overlap, keep only the highest priority; of one rule's overlapping
        // matches (found in overlapping window runs) keep the first.
        let mut keep = vec![true; raws.len()];
        for i in 0..raws.len() {
            if !keep[i] {
                continue;
            }
            let mut j = i + 1;
            while j < raws.len() && raws[j].start < raws[i].end {
                if raws[j].local == raws[i].local || raws[j].priority < raws[i].priority {
                    keep[j] = false;
                } else if raws[i].priority < raws[j].priority {
                    keep[i] = false;
                }
                j += 1;
            }
        }
        let mut line = state.line;
        let mut line_start = state.line_start;
        let mut cursor = 0usize;
        for (m, k) in raws.iter().zip(keep) {
            if !k || m.start < lo || m.start >= hi {
                continue;
            }
            if m.start > cursor {
                let seg = &buf[cursor..m.start];
                let mut last = None;
                let mut n: u32 = 0;
                for i in memchr::memchr_iter(b'\n', seg) {
                    n = n.saturating_add(1);
                    last = Some(i);
                }
                line = line.saturating_add(n);
                if let Some(i) = last {
                    line_start = state.base + (cursor + i) as u64 + 1;
                }
                cursor = m.start;
            }
            let start = state.base + m.start as u64;
            let column = u32::try_from(start - line_start + 1).unwrap_or(u32::MAX);
            out.push(Match {
                rule: self.compiled[m.local as usize].index,
                start,
                end: state.base + m.end as u64,
                line,
                column,
                secret: buf[m.start..m.end].into(),
                confidence: m.confidence,
            });
        }
    }

    /// Run rule `r`'s regex over `buf[ws..we]` (with the bytes before `ws` visible to
    /// look-behind assertions) and record the validated matches.
    fn run_window(
        &self,
        buf: &[u8],
        r: usize,
        ws: usize,
        we: usize,
        locs: &mut [Option<CaptureLocations>],
        raws: &mut Vec<Raw>,
    ) {
        let c = &self.compiled[r];
        let hay = &buf[..we];
        let locs = locs[r].get_or_insert_with(|| c.re.capture_locations());
        let mut at = ws;
        while at < we {
            let Some(m) = c.re.captures_read_at(locs, hay, at) else {
                break;
            };
            let group = match c.secret_group {
                Some(g) => locs.get(g),
                None => (1..locs.len()).find_map(|g| locs.get(g)),
            };
            let (gs, ge) = group.unwrap_or((m.start(), m.end()));
            at = ge.max(m.start() + 1);
            if ge <= gs || (m.end() == we && we < buf.len()) {
                continue;
            }
            let secret = &hay[gs..ge];
            if rules::is_known_example(secret) || rules::looks_fake(secret) {
                continue;
            }
            let confidence = match c.rule.validator {
                Some(v) => match v(&Candidate {
                    matched: &hay[m.start()..m.end()],
                    secret,
                }) {
                    Verdict::Reject => continue,
                    Verdict::Accept(conf) => conf,
                },
                None => c.rule.confidence,
            };
            raws.push(Raw {
                local: r as u16,
                priority: c.rule.priority,
                start: gs,
                end: ge,
                confidence,
            });
        }
    }
}
