//! Forge data: CODEOWNERS, branch protection exports, review exports, commit-message review evidence.
//!
//! Everything here is a pure parser or analyser over text the caller has already read: commit
//! messages ([`message`]), a CODEOWNERS file and the repository's file list ([`codeowners`]),
//! and JSON exported from a forge's API ([`protection`], [`reviews`]). Nothing here touches git,
//! the network or the file system, so the same evidence can be produced offline for any forge.
//!
//! Errors in JSON exports name the file, and the JSON path (`$[2].rules[0].parameters`) of
//! what is wrong or missing, so a user can fix or re-export the file.

pub mod codeowners;
mod glob;
mod json;
pub mod message;
pub mod protection;
pub mod reviews;

pub use codeowners::{CodeOwners, Coverage, Flavor};
pub use message::{PrForm, PrRef, ReviewSignals, review_signals};
pub use protection::{
    BranchProtection, ProtectionAssessment, applies_to, assess, read_protection,
    read_protection_set,
};
pub use reviews::{Review, ReviewExport, read_reviews};

/// Why a forge export could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForgeError {
    /// The file is not well-formed JSON (truncated, stray characters, …).
    #[error(
        "{file}: not valid JSON at line {line}, column {column} (while reading {path}): {message}"
    )]
    Syntax {
        /// The file name given by the caller.
        file: String,
        /// The JSON path of the value being read when the error was found (`$` for the top).
        path: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser found wrong.
        message: String,
    },
    /// The JSON is well formed but a value is missing or of the wrong type.
    #[error("{file}: {path}: {message}")]
    Invalid {
        /// The file name given by the caller.
        file: String,
        /// The JSON path of the offending (or missing) value.
        path: String,
        /// What is wrong and, where it helps, how to fix it.
        message: String,
    },
    /// The JSON is not any of the export formats this reader knows.
    #[error("{file}: {message}")]
    UnknownFormat {
        /// The file name given by the caller.
        file: String,
        /// Which formats were expected and how to produce one.
        message: String,
    },
}

impl ForgeError {
    /// The file name the error is about.
    pub fn file(&self) -> &str {
        match self {
            ForgeError::Syntax { file, .. }
            | ForgeError::Invalid { file, .. }
            | ForgeError::UnknownFormat { file, .. } => file,
        }
    }

    /// The JSON path of the error, when there is one.
    pub fn json_path(&self) -> Option<&str> {
        match self {
            ForgeError::Syntax { path, .. } | ForgeError::Invalid { path, .. } => Some(path),
            ForgeError::UnknownFormat { .. } => None,
        }
    }
}
