//! The one error type every reader returns.

use std::fmt;

/// A file that could not be read, with the place in it when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParseError {
    /// Path as the user gave it or relative to the scanned root.
    pub file: String,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl ParseError {
    /// An error at a place in `file`. Lines and columns are 1-based; a 0 (what some parsers
    /// report at end of input) is dropped rather than shown as a place that does not exist.
    pub fn new(
        file: impl Into<String>,
        line: Option<u32>,
        column: Option<u32>,
        message: impl Into<String>,
    ) -> Self {
        ParseError {
            file: file.into(),
            line: line.filter(|l| *l > 0),
            column: column.filter(|c| *c > 0),
            message: message.into(),
        }
    }

    /// A serde_json error in `file`, at its line and column. Syntax errors say "not valid
    /// JSON"; type errors keep serde's words (`invalid type: …, expected …`).
    pub fn from_json(file: impl Into<String>, e: &serde_json::Error) -> Self {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let msg = full.strip_suffix(&suffix).unwrap_or(&full);
        let message = if e.is_syntax() || e.is_eof() {
            format!("not valid JSON: {msg}")
        } else {
            msg.to_string()
        };
        let line = u32::try_from(e.line()).ok();
        let column = line
            .filter(|l| *l > 0)
            .and_then(|_| u32::try_from(e.column()).ok());
        ParseError::new(file, line, column, message)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_places_are_dropped() {
        let e = ParseError::new("Package.resolved", Some(1), Some(0), "EOF");
        assert_eq!((e.line, e.column), (Some(1), None));
        assert_eq!(e.to_string(), "Package.resolved:1: EOF");
    }
}
