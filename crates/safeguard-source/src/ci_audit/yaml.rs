//! A positioned YAML tree built from `granit_parser` events.
//!
//! Every node keeps its 1-based line and column; scalars also keep their source byte range so a
//! position inside a scalar (an expression in a `run:` block) can be mapped back to the file.
//! Anchors and aliases are resolved by sharing (an alias is an [`Rc`] of the anchored node), and
//! the tree is bounded so hostile input cannot exhaust memory or the stack:
//!
//! - at most [`MAX_DEPTH`] nested collections, counting those reached through aliases;
//! - at most [`MAX_ALIASES`] aliases;
//! - at most [`MAX_EXPANDED_NODES`] nodes and [`MAX_EXPANDED_BYTES`] bytes of scalar text once
//!   every alias is counted as a copy of its target (so walking the tree is bounded too);
//! - no scalar longer than [`MAX_SCALAR`] bytes.
//!
//! The tree is built without recursion; every walk over it is bounded by [`MAX_DEPTH`].

use std::collections::HashSet;
use std::rc::Rc;

use granit_parser::{Event, Parser, ScalarStyle, ScanError};

/// The deepest nesting of collections accepted.
pub const MAX_DEPTH: usize = 256;
/// The most aliases (`*name`) accepted in one file.
pub const MAX_ALIASES: usize = 10_000;
/// The most nodes a file may expand to, counting every alias as a copy of its target.
pub const MAX_EXPANDED_NODES: u64 = 2_000_000;
/// The most scalar bytes a file may expand to, counting every alias as a copy of its target.
pub const MAX_EXPANDED_BYTES: u64 = 64 * 1024 * 1024;
/// The longest scalar accepted.
pub const MAX_SCALAR: usize = 1024 * 1024;
/// The most documents accepted in one file.
pub const MAX_DOCUMENTS: usize = 64;

/// Why a file could not be read as YAML, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct YamlError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'…'`.
    SingleQuoted,
    /// `"…"`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

/// A scalar's text and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The value after YAML escape processing.
    pub text: String,
    /// How it was written.
    pub style: Style,
    /// Byte offset of the scalar's first source character (for blocks, the first content
    /// character, after the header and any blank lines).
    pub start: usize,
    /// Byte offset just past the scalar's source.
    pub end: usize,
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key node (usually a scalar).
    pub key: Rc<Node>,
    /// The value node.
    pub value: Rc<Node>,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A scalar (strings, numbers, booleans and null are all text here).
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Rc<Node>>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// 1-based line of the node's first character.
    pub line: u32,
    /// 1-based column of the node's first character.
    pub column: u32,
    /// The content.
    pub kind: Kind,
    /// Collections nested in this node, itself included (0 for a scalar).
    height: u16,
    /// Nodes in this subtree with aliases expanded.
    size: u64,
    /// Scalar bytes in this subtree with aliases expanded.
    bytes: u64,
    /// For large mappings: entry indexes ordered by (scalar key, position), for lookups.
    index: Box<[u32]>,
    /// For mappings: indexes of the merge (`<<`) entries.
    merges: Box<[u32]>,
}

/// Mappings with at least this many entries get a lookup index.
const INDEX_FROM: usize = 16;

impl Node {
    /// An empty mapping at line 1, column 1 (what an empty document audits as).
    pub fn empty_map() -> Node {
        Node {
            line: 1,
            column: 1,
            kind: Kind::Map(Vec::new()),
            height: 1,
            size: 1,
            bytes: 0,
            index: Box::new([]),
            merges: Box::new([]),
        }
    }

    /// The text of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The scalar of a scalar node.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a sequence node.
    pub fn as_seq(&self) -> Option<&[Rc<Node>]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// True for a mapping node.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    /// True for a null scalar (`~`, `null`, or nothing) written plain.
    pub fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s) => {
                s.style == Style::Plain && matches!(s.text.as_str(), "" | "~" | "null" | "Null")
            }
            _ => false,
        }
    }

    /// The value of `key` in a mapping node. Keys written directly win over keys merged in with
    /// `<<: *anchor`; the first of duplicate keys wins.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &*e.value)
    }

    /// The entry of `key` in a mapping node (see [`Node::get`]).
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        let Kind::Map(entries) = &self.kind else {
            return None;
        };
        let direct = if self.index.is_empty() {
            entries.iter().find(|e| e.key.as_str() == Some(key))
        } else {
            let key_of = |i: &u32| {
                entries
                    .get(*i as usize)
                    .and_then(|e| e.key.as_str())
                    .unwrap_or("")
            };
            let at = self.index.partition_point(|i| key_of(i) < key);
            self.index
                .get(at)
                .filter(|i| key_of(i) == key)
                .and_then(|i| entries.get(*i as usize))
        };
        if direct.is_some() {
            return direct;
        }
        // Merge keys: `<<: *a` or `<<: [*a, *b]`, earlier sources winning. Nesting is bounded
        // by the tree's depth limit.
        for merge in self.merges.iter().filter_map(|i| entries.get(*i as usize)) {
            match &merge.value.kind {
                Kind::Map(_) => {
                    if let Some(e) = merge.value.get_entry(key) {
                        return Some(e);
                    }
                }
                Kind::Seq(items) => {
                    for item in items {
                        if let Some(e) = item.get_entry(key) {
                            return Some(e);
                        }
                    }
                }
                Kind::Scalar(_) => {}
            }
        }
        None
    }

    /// The entries of a mapping node with merge keys applied: entries written directly (without
    /// `<<`) in source order, then merged entries whose keys are not already present.
    pub fn entries(&self) -> Vec<&Entry> {
        let mut out = Vec::new();
        self.collect_entries(&mut out);
        out
    }

    fn collect_entries<'a>(&'a self, out: &mut Vec<&'a Entry>) {
        let Kind::Map(entries) = &self.kind else {
            return;
        };
        let mut keys: HashSet<&str> = HashSet::new();
        for e in entries.iter().filter(|e| !is_merge_key(&e.key)) {
            out.push(e);
            if let Some(k) = e.key.as_str() {
                keys.insert(k);
            }
        }
        for merge in self.merges.iter().filter_map(|i| entries.get(*i as usize)) {
            let sources: &[Rc<Node>] = match &merge.value.kind {
                Kind::Seq(items) => items,
                Kind::Map(_) => std::slice::from_ref(&merge.value),
                Kind::Scalar(_) => &[],
            };
            for source in sources {
                let mut merged = Vec::new();
                source.collect_entries(&mut merged);
                for e in merged {
                    match e.key.as_str() {
                        Some(k) if !keys.insert(k) => {}
                        _ => out.push(e),
                    }
                }
            }
        }
    }

    /// Every scalar in the subtree, depth first (bounded by the tree limits).
    pub fn scalars(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = vec![self];
        while let Some(n) = stack.pop() {
            match &n.kind {
                Kind::Scalar(_) => out.push(n),
                Kind::Seq(items) => stack.extend(items.iter().rev().map(|i| &**i)),
                Kind::Map(entries) => {
                    for e in entries.iter().rev() {
                        stack.push(&e.value);
                        stack.push(&e.key);
                    }
                }
            }
        }
        out
    }
}

/// The lookup index (for large mappings) and the merge entries of a mapping.
fn map_index(entries: &[Entry]) -> (Box<[u32]>, Box<[u32]>) {
    let merges: Box<[u32]> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| is_merge_key(&e.key))
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    if entries.len() < INDEX_FROM {
        return (Box::new([]), merges);
    }
    let mut index: Vec<(&str, u32)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((e.key.as_str()?, u32::try_from(i).ok()?)))
        .collect();
    // Stable by position within a key, so the first duplicate wins.
    index.sort();
    (index.into_iter().map(|(_, i)| i).collect(), merges)
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, Kind::Scalar(s) if s.text == "<<" && s.style == Style::Plain)
}

/// A parsed file: its documents (an empty file has none).
#[derive(Debug, Clone)]
pub struct Yaml {
    /// The documents' root nodes, in order.
    pub docs: Vec<Rc<Node>>,
}

/// A collection being built.
struct Frame {
    line: u32,
    column: u32,
    anchor: usize,
    map: bool,
    items: Vec<Rc<Node>>,
}

struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(usize, Rc<Node>)>,
    aliases: usize,
    /// Expanded nodes and bytes of the current document.
    docs: Vec<Rc<Node>>,
    total_size: u64,
    total_bytes: u64,
}

fn err(line: usize, col0: usize, message: impl Into<String>) -> YamlError {
    YamlError {
        line: clamp(line),
        column: clamp(col0.saturating_add(1)),
        message: message.into(),
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn scan_error(e: &ScanError) -> YamlError {
    let m = e.marker();
    let info = e.info();
    let message = if info.is_empty() {
        "invalid YAML".to_string()
    } else if info.contains("recursion limit") {
        format!("YAML nested more than {MAX_DEPTH} levels deep")
    } else {
        format!("invalid YAML: {info}")
    };
    err(m.line(), m.col(), message)
}

impl Builder {
    /// Attach a finished node to its parent, or make it a document root.
    fn push(&mut self, node: Rc<Node>, line: usize, col: usize) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            Some(top) => top.items.push(node),
            None => {
                self.total_size = self.total_size.saturating_add(node.size);
                self.total_bytes = self.total_bytes.saturating_add(node.bytes);
                self.check_totals(0, 0, line, col)?;
                if self.docs.len() >= MAX_DOCUMENTS {
                    return Err(err(
                        line,
                        col,
                        format!("more than {MAX_DOCUMENTS} YAML documents in one file"),
                    ));
                }
                self.docs.push(node);
            }
        }
        Ok(())
    }

    fn check_totals(
        &self,
        size: u64,
        bytes: u64,
        line: usize,
        col: usize,
    ) -> Result<(), YamlError> {
        if self.total_size.saturating_add(size) > MAX_EXPANDED_NODES {
            return Err(err(
                line,
                col,
                format!(
                    "the YAML expands to more than {MAX_EXPANDED_NODES} nodes (aliases counted \
                     as copies); refusing to process it"
                ),
            ));
        }
        if self.total_bytes.saturating_add(bytes) > MAX_EXPANDED_BYTES {
            return Err(err(
                line,
                col,
                format!(
                    "the YAML expands to more than {} MiB of text (aliases counted as copies); \
                     refusing to process it",
                    MAX_EXPANDED_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Rc<Node>) {
        if anchor != 0 {
            self.anchors.push((anchor, Rc::clone(node)));
        }
    }
}

/// Parse `text` into positioned documents.
pub fn parse(text: &str) -> Result<Yaml, YamlError> {
    let mut b = Builder {
        stack: Vec::new(),
        anchors: Vec::new(),
        aliases: 0,
        docs: Vec::new(),
        total_size: 0,
        total_bytes: 0,
    };
    let mut options = granit_parser::Options::default();
    options.set_emit_comments(false);
    // A little above ours, so our clearer message is the one normally seen.
    options.block_nesting_limit = MAX_DEPTH + 8;
    options.flow_nesting_limit = MAX_DEPTH + 8;
    let parser = Parser::new_from_str_with_options(text, options);
    for next in parser {
        let (event, span) = next.map_err(|e| scan_error(&e))?;
        let (line, col) = (span.start.line(), span.start.col());
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(..) => b.anchors.clear(),
            Event::Scalar(value, style, anchor, _) => {
                if value.len() > MAX_SCALAR {
                    return Err(err(
                        line,
                        col,
                        format!(
                            "a scalar of {} bytes, more than the {} KiB limit",
                            value.len(),
                            MAX_SCALAR / 1024
                        ),
                    ));
                }
                let start = span.start.byte_offset().unwrap_or(0).min(text.len());
                let end = span
                    .end
                    .byte_offset()
                    .unwrap_or(start)
                    .clamp(start, text.len());
                let bytes = value.len() as u64;
                let node = Rc::new(Node {
                    line: clamp(line),
                    column: clamp(col.saturating_add(1)),
                    kind: Kind::Scalar(Scalar {
                        text: value.into_owned(),
                        style: match style {
                            ScalarStyle::SingleQuoted => Style::SingleQuoted,
                            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                            ScalarStyle::Literal => Style::Literal,
                            ScalarStyle::Folded => Style::Folded,
                            _ => Style::Plain,
                        },
                        start,
                        end,
                    }),
                    height: 0,
                    size: 1,
                    bytes,
                    index: Box::new([]),
                    merges: Box::new([]),
                });
                b.remember(anchor, &node);
                b.push(node, line, col)?;
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(err(
                        line,
                        col,
                        format!("YAML nested more than {MAX_DEPTH} levels deep"),
                    ));
                }
                b.stack.push(Frame {
                    line: clamp(line),
                    column: clamp(col.saturating_add(1)),
                    anchor,
                    map: matches!(event, Event::MappingStart(..)),
                    items: Vec::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = b.stack.pop() else {
                    return Err(err(line, col, "unbalanced YAML collection end"));
                };
                let mut height: u16 = 0;
                let mut size: u64 = 1;
                let mut bytes: u64 = 0;
                for item in &frame.items {
                    height = height.max(item.height);
                    size = size.saturating_add(item.size);
                    bytes = bytes.saturating_add(item.bytes);
                }
                b.check_totals(size, bytes, line, col)?;
                let mut index: Box<[u32]> = Box::new([]);
                let mut merges: Box<[u32]> = Box::new([]);
                let kind = if frame.map {
                    let mut entries = Vec::with_capacity(frame.items.len() / 2);
                    let mut it = frame.items.into_iter();
                    while let (Some(key), Some(value)) = (it.next(), it.next()) {
                        entries.push(Entry { key, value });
                    }
                    (index, merges) = map_index(&entries);
                    Kind::Map(entries)
                } else {
                    Kind::Seq(frame.items)
                };
                let node = Rc::new(Node {
                    line: frame.line,
                    column: frame.column,
                    kind,
                    height: height.saturating_add(1),
                    size,
                    bytes,
                    index,
                    merges,
                });
                b.remember(frame.anchor, &node);
                b.push(node, line, col)?;
            }
            Event::Alias(id) => {
                b.aliases += 1;
                if b.aliases > MAX_ALIASES {
                    return Err(err(
                        line,
                        col,
                        format!("more than {MAX_ALIASES} YAML aliases in one file"),
                    ));
                }
                let Some(target) = b
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| Rc::clone(n))
                else {
                    return Err(err(line, col, "alias to an unknown anchor"));
                };
                if b.stack.len() + usize::from(target.height) > MAX_DEPTH {
                    return Err(err(
                        line,
                        col,
                        format!(
                            "this alias nests YAML more than {MAX_DEPTH} levels deep; refusing \
                             to expand it"
                        ),
                    ));
                }
                b.check_totals(target.size, target.bytes, line, col)?;
                b.push(target, line, col)?;
            }
            // Comments are off; anchor metadata and unresolved aliases are not requested.
            _ => {}
        }
    }
    Ok(Yaml { docs: b.docs })
}

/// A file's text with the byte offsets where its lines start, for mapping offsets to
/// (line, column).
#[derive(Debug, Clone)]
pub struct Source {
    text: String,
    starts: Vec<usize>,
}

impl Source {
    /// Index the lines of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Source {
            text: text.to_string(),
            starts,
        }
    }

    /// The 1-based (line, column) of a byte offset; the column counts characters.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(idx).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (clamp(idx + 1), clamp(col + 1))
    }

    /// The text of 1-based line `n` without its line break.
    pub fn line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self
            .starts
            .get(n)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(self.text.len());
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The file position of `value[offset..offset + len]` inside scalar `node`.
///
/// Literal (`|`) blocks map exactly: each value line is a source line with the block's
/// indentation removed (the scalar's span starts at its first content character, after any
/// blank lines). Other styles find the same occurrence of the matched text in the
/// scalar's source; when that fails (escapes changed it) the scalar's own position is used.
pub fn locate(lines: &Source, node: &Node, offset: usize, len: usize) -> (u32, u32) {
    let fallback = (node.line, node.column);
    let Kind::Scalar(s) = &node.kind else {
        return fallback;
    };
    let Some(needle) = s.text.get(offset..offset.saturating_add(len)) else {
        return fallback;
    };
    let Some(before) = s.text.get(..offset) else {
        return fallback;
    };
    if s.style == Style::Literal
        && let Some(pos) = locate_literal(lines, s, before, needle)
    {
        return pos;
    }
    // The scalar's source (for blocks, from the first content character).
    let Some(body) = lines.text().get(s.start..s.end) else {
        return fallback;
    };
    if needle.is_empty() {
        return fallback;
    }
    let nth = before.matches(needle).count();
    match body.match_indices(needle).nth(nth) {
        Some((i, _)) => lines.position(s.start + i),
        None => fallback,
    }
}

fn locate_literal(lines: &Source, s: &Scalar, before: &str, needle: &str) -> Option<(u32, u32)> {
    // Value line index and the column (in characters) within that value line.
    let value_line = before.matches('\n').count();
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col_in_value = before.get(line_start..)?.chars().count();
    // The scalar's span starts at its first content line; blank lines before it are leading
    // newlines of the value.
    let leading = s.text.bytes().take_while(|&b| b == b'\n').count();
    let (first_line, _) = lines.position(s.start);
    let src_line_no = usize::try_from(first_line).ok()? + value_line.checked_sub(leading)?;
    let src = lines.line(src_line_no)?;
    // The value line as written (up to the next newline).
    let rest = s.text.get(line_start..)?;
    let value_text = rest.split('\n').next().unwrap_or(rest);
    if !src.ends_with(value_text) || !value_text.contains(needle) {
        return None;
    }
    let indent = src.chars().count() - value_text.chars().count();
    Some((clamp(src_line_no), clamp(indent + col_in_value + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Rc<Node> {
        let y = parse(text).unwrap();
        assert_eq!(y.docs.len(), 1);
        Rc::clone(&y.docs[0])
    }

    #[test]
    fn positions_of_keys_and_values() {
        let root = one("a: 1\nb:\n  - x\n  - {c: d}\n");
        let b = root.get_entry("b").unwrap();
        assert_eq!((b.key.line, b.key.column), (2, 1));
        let items = b.value.as_seq().unwrap();
        assert_eq!((items[0].line, items[0].column), (3, 5));
        assert_eq!(items[0].as_str(), Some("x"));
        let c = items[1].get("c").unwrap();
        assert_eq!((c.line, c.column), (4, 9));
        assert_eq!(c.as_str(), Some("d"));
    }

    #[test]
    fn literal_block_positions_are_exact() {
        let text = "run: |  # header ${{ x }}\n\n  echo one\n\n    echo ${{ github.head_ref }}\n";
        let root = one(text);
        let lines = Source::new(text);
        let run = root.get("run").unwrap();
        assert_eq!((run.line, run.column), (3, 3));
        let s = run.as_str().unwrap();
        let off = s.find("${{").unwrap();
        assert_eq!(locate(&lines, run, off, 3), (5, 10));
        // Exact even where a search would be fooled: the same text twice on one line.
        let text = "run: |\n  a ${{ x }} ${{ x }}\n";
        let root = one(text);
        let lines = Source::new(text);
        let run = root.get("run").unwrap();
        let s = run.as_str().unwrap();
        assert_eq!(locate(&lines, run, s.rfind("${{").unwrap(), 3), (2, 14));
    }

    #[test]
    fn quoted_and_folded_positions_search_the_source() {
        let text = "a: \"x ${{ y }} \\t ${{ y }}\"\nb: >\n  one\n  two ${{ z }}\n";
        let root = one(text);
        let lines = Source::new(text);
        let a = root.get("a").unwrap();
        let s = a.as_str().unwrap();
        let second = s.rfind("${{").unwrap();
        assert_eq!(locate(&lines, a, second, 3), (1, 19));
        let b = root.get("b").unwrap();
        let s = b.as_str().unwrap();
        assert_eq!(locate(&lines, b, s.find("${{").unwrap(), 3), (4, 7));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let root = one("base: &b {image: alpine, x: 1}\njob:\n  <<: *b\n  x: 2\n");
        let job = root.get("job").unwrap();
        assert_eq!(job.get("x").unwrap().as_str(), Some("2"));
        let image = job.get("image").unwrap();
        assert_eq!(image.as_str(), Some("alpine"));
        assert_eq!((image.line, image.column), (1, 18));
        let keys: Vec<_> = job.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, [Some("x"), Some("image")]);
    }

    #[test]
    fn large_mappings_are_indexed() {
        let mut text = String::new();
        for i in (0..40).rev() {
            text.push_str(&format!("k{i}: v{i}\n"));
        }
        text.push_str("k7: duplicate\n<<: {extra: 1, k3: merged}\n");
        let root = one(&text);
        assert_eq!(root.get("k7").and_then(Node::as_str), Some("v7"));
        assert_eq!(root.get("k0").and_then(Node::as_str), Some("v0"));
        assert_eq!(root.get("k3").and_then(Node::as_str), Some("v3"));
        assert_eq!(root.get("extra").and_then(Node::as_str), Some("1"));
        assert!(root.get("k40").is_none());
        let keys = root.entries();
        assert_eq!(keys.len(), 42);
        assert_eq!(keys.last().and_then(|e| e.key.as_str()), Some("extra"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("expands to more than"), "{e}");
        assert_eq!(e.line, 7);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let e = parse(&text).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(
            e.message.contains("nest") || e.message.contains("deep"),
            "{e}"
        );
        // Nesting through aliases is counted too.
        let mut text = String::from("a: &a [[[[[[[[[[x]]]]]]]]]]\n");
        let mut prev = "a".to_string();
        for i in 0..40 {
            text.push_str(&format!("b{i}: &b{i} [[[[[[[[*{prev}]]]]]]]]\n"));
            prev = format!("b{i}");
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("levels deep"), "{e}");
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("a:\n\tb: c\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.starts_with("invalid YAML"), "{e}");
        let e = parse("a: *nope\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 4));
    }
}
