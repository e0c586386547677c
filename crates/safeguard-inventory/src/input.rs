//! What a reader gets: the file's bytes, its path, and a way to read files beside it.

use std::path::{Path, PathBuf};

use safeguard_model::Location;

use crate::error::ParseError;

/// Files bigger than this are refused rather than read into memory.
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// One file handed to an [`Extractor`](crate::Extractor).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Path relative to the scanned root, with `/` separators. Used in locations and errors.
    pub path: &'a str,
    /// The file's contents.
    pub bytes: &'a [u8],
    /// The directory `path` is relative to. `None` when the bytes did not come from disk
    /// (fuzzing, stdin); then [`Input::read_relative`] finds nothing.
    pub root: Option<&'a Path>,
}

impl<'a> Input<'a> {
    /// An input that is not backed by a directory.
    pub fn in_memory(path: &'a str, bytes: &'a [u8]) -> Self {
        Input {
            path,
            bytes,
            root: None,
        }
    }

    /// The contents as UTF-8, without a leading byte-order mark.
    pub fn text(&self) -> Result<&'a str, ParseError> {
        let bytes = self
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(self.bytes);
        std::str::from_utf8(bytes).map_err(|e| {
            let offset = e.valid_up_to();
            let before = &bytes[..offset];
            let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = (offset
                - before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)) as u32
                + 1;
            self.error(Some(line), Some(col), "the file is not valid UTF-8")
        })
    }

    /// An error in this file.
    pub fn error(
        &self,
        line: Option<u32>,
        column: Option<u32>,
        message: impl Into<String>,
    ) -> ParseError {
        ParseError::new(self.path, line, column, message)
    }

    /// Deserialises JSON `text` of this file; errors name the line and column.
    pub fn parse_json<T: serde::de::DeserializeOwned>(&self, text: &str) -> Result<T, ParseError> {
        serde_json::from_str(text).map_err(|e| ParseError::from_json(self.path, &e))
    }

    /// An error at a byte offset of [`Input::text`].
    pub fn error_at(&self, text: &str, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, col) = LineIndex::new(text).line_col(offset);
        self.error(Some(line), Some(col), message)
    }

    /// The location of a component declared at `line` of this file.
    pub fn location(&self, line: Option<u32>) -> Location {
        Location {
            file: self.path.to_string(),
            line,
        }
    }

    /// The directory of this file, relative to the root (`""` at the root).
    pub fn dir(&self) -> &'a str {
        self.path.rsplit_once('/').map_or("", |(d, _)| d)
    }

    /// Joins `rel` (relative to this file's directory, `/`-separated, may use `..`) into a
    /// root-relative path. `None` when it would leave the root.
    pub fn resolve(&self, rel: &str) -> Option<String> {
        let mut parts: Vec<&str> = self.dir().split('/').filter(|p| !p.is_empty()).collect();
        for part in rel.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        Some(parts.join("/"))
    }

    /// Reads a file relative to this one's directory. `Ok(None)` when there is no root or
    /// the file does not exist; an error when it exists but cannot be read.
    pub fn read_relative(&self, rel: &str) -> Result<Option<(String, Vec<u8>)>, ParseError> {
        let Some(root) = self.root else {
            return Ok(None);
        };
        let Some(path) = self.resolve(rel) else {
            return Ok(None);
        };
        let full: PathBuf = root.join(&path);
        match std::fs::metadata(&full) {
            Ok(m) if m.is_file() => {
                if m.len() > MAX_FILE_SIZE {
                    return Err(ParseError::new(
                        path,
                        None,
                        None,
                        format!(
                            "the file is {} bytes, over the {MAX_FILE_SIZE}-byte limit",
                            m.len()
                        ),
                    ));
                }
                std::fs::read(&full)
                    .map(|b| Some((path.clone(), b)))
                    .map_err(|e| ParseError::new(path, None, None, format!("cannot read: {e}")))
            }
            _ => Ok(None),
        }
    }
}

/// Maps byte offsets to 1-based lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line holding `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        (self.starts.partition_point(|s| *s <= offset)) as u32
    }

    /// The 1-based line and column (in bytes) of `offset`.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let line = self.line(offset);
        let start = self.starts[line as usize - 1];
        (line, (offset - start) as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(2), (1, 3));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(7), (4, 1));
    }

    #[test]
    fn resolve_stays_inside_root() {
        let input = Input::in_memory("a/b/requirements.txt", b"");
        assert_eq!(input.resolve("../c.txt").as_deref(), Some("a/c.txt"));
        assert_eq!(input.resolve("../../c.txt").as_deref(), Some("c.txt"));
        assert_eq!(input.resolve("../../../c.txt"), None);
    }

    #[test]
    fn utf8_errors_name_the_place() {
        let input = Input::in_memory("x.lock", b"ok\nab\xff");
        let err = input.text().unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
    }
}
