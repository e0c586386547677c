//! Software composition for Safeguard: what third-party components a repository ships.
//!
//! - [`Extractor`]: one reader per lockfile or manifest format, all registered in
//!   [`extractor::all`]. Readers never panic; bad input is a [`ParseError`] naming the file and
//!   line.
//! - [`discover`]: walks a repository, runs the readers, and reports components, coverage
//!   gaps (manifests with no lockfile) and per-file errors side by side.
//! - [`sbom`]: CycloneDX 1.5–1.7 and SPDX 2.3 JSON, written with our own serde types and read
//!   back from other tools.

pub mod discover;
mod error;
pub mod extractor;
pub mod formats;
mod input;
pub mod sbom;

pub use discover::{CoverageGap, Inventory, ScannedFile};
pub use error::ParseError;
pub use extractor::{Extractor, FileKind, file_name};
pub use input::{Input, LineIndex, MAX_FILE_SIZE};
