//! The database as users see it: where it lives, importing records into it, and its statistics.
//!
//! An import rewrites the database file through a temporary file and a rename, under an
//! exclusive lock (`osv.lock` beside it), so a reader never sees a half-written file, two
//! imports never interleave, and a failed import leaves the previous database as it was.
//!
//! Updates are incremental by `modified`: a record replaces the stored one with the same id only
//! when its `modified` is newer. Withdrawn records are stored (so an older copy cannot bring
//! them back) but never matched.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::osv::{self, Lint};
use crate::source::{self, Encoding, SourceError};
use crate::store::{Added, Builder, Database, Stats, StoreError};

/// The database file's name inside its folder.
pub const DB_FILE: &str = "osv.db";

/// The default database folder: `$SAFEGUARD_DB_DIR`, else the user cache
/// (`$XDG_CACHE_HOME/safeguard`, `~/.cache/safeguard`, `~/Library/Caches/safeguard` on macOS,
/// `%LOCALAPPDATA%\safeguard` on Windows).
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SAFEGUARD_DB_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let base = if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Caches"))
    } else if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".cache")))
    };
    base.unwrap_or_else(std::env::temp_dir).join("safeguard")
}

/// The database file for a `--db` argument: a folder gets [`DB_FILE`] inside it; anything else
/// is taken as the file itself.
pub fn resolve(db: Option<&Path>) -> PathBuf {
    match db {
        Some(p) if p.is_dir() || p.as_os_str().to_string_lossy().ends_with('/') => p.join(DB_FILE),
        Some(p) => p.to_path_buf(),
        None => default_dir().join(DB_FILE),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} exists but is not a Safeguard vulnerability database; refusing to overwrite it (choose another --db)"
    )]
    Foreign { path: PathBuf },
    #[error(
        "no vulnerability database at {path}: run `safeguard db import FILE…` or `safeguard db update` first"
    )]
    Missing { path: PathBuf },
}

/// Options for [`import`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Reject records whose id prefix or ecosystem is outside the OSV schema's registries
    /// (otherwise they are kept with a lint).
    pub strict: bool,
}

/// A record that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    /// The file (and zip entry or NDJSON line) it came from.
    pub origin: String,
    pub id: Option<String>,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub database: PathBuf,
    /// Input files read.
    pub files: usize,
    /// Records read from the inputs (valid or not).
    pub read: u64,
    /// Ids not in the database before.
    pub added: u64,
    /// Ids whose stored record was replaced by a newer `modified`.
    pub updated: u64,
    /// Records not newer than the stored one (or a duplicate in the inputs): ignored.
    pub unchanged: u64,
    /// Records rejected, with the reason. All are listed.
    pub rejected: Vec<Rejected>,
    /// Inputs that could not be read (missing file, truncated zip …).
    pub source_errors: Vec<String>,
    /// Records accepted with a remark (outside the schema's registries), counted by message.
    pub lints: Vec<(String, u64)>,
    /// Set when the existing database was damaged and rebuilt from its intact records.
    pub rebuilt: Option<String>,
    /// The database after the import.
    pub stats: Stats,
}

/// Progress of an import: the input being read and records read so far.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub file: &'a str,
    pub records: u64,
}

/// Imports records from `inputs` (files, folders, zips, NDJSON) into the database at `path`.
pub fn import(
    path: &Path,
    inputs: &[PathBuf],
    options: ImportOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ImportReport, DbError> {
    let _lock = lock(path)?;
    let mut report = ImportReport {
        database: path.to_path_buf(),
        ..ImportReport::default()
    };

    let mut old: Option<Database> = None;
    let mut salvaged: Vec<Vec<u8>> = Vec::new();
    if path.exists() {
        match Database::open(path) {
            Ok(db) => old = Some(db),
            Err(StoreError::NotADatabase { .. }) => {
                return Err(DbError::Foreign {
                    path: path.to_path_buf(),
                });
            }
            Err(e @ (StoreError::Corrupt { .. } | StoreError::Version { .. })) => {
                let (frames, bad) = Database::salvage(path)?;
                report.rebuilt = Some(format!(
                    "{e}; rebuilt from {} intact stored record(s){}",
                    frames.len(),
                    if bad > 0 {
                        format!(", {bad} damaged record(s) dropped")
                    } else {
                        String::new()
                    }
                ));
                salvaged = frames;
            }
            Err(e) => return Err(e.into()),
        }
    }
    // id -> (modified, old index) of the stored records.
    let mut stored: HashMap<&str, (i64, u32)> = HashMap::new();
    if let Some(db) = &old {
        stored.reserve(db.len() as usize);
        for i in db.live_records() {
            let r = db.record_ref(i)?;
            stored.insert(r.id, (r.modified, i));
        }
    }
    let mut superseded: Vec<bool> = vec![false; old.as_ref().map_or(0, |d| d.len() as usize)];

    let mut builder = Builder::create(path)?;
    let (files, errors) = source::expand(inputs);
    report
        .source_errors
        .extend(errors.iter().map(SourceError::to_string));
    report.files = files.len();
    let mut lints: HashMap<String, u64> = HashMap::new();
    let mut store_error: Option<StoreError> = None;

    for file in &files {
        let label = file.display().to_string();
        progress(Progress {
            file: &label,
            records: report.read,
        });
        let errors = source::read_file(file, &mut |item| {
            if store_error.is_some() {
                return;
            }
            report.read += 1;
            if report.read.is_multiple_of(10_000) {
                progress(Progress {
                    file: &label,
                    records: report.read,
                });
            }
            let yaml_json;
            let bytes = match item.encoding {
                Encoding::Json => item.bytes,
                Encoding::Yaml => {
                    let text = match std::str::from_utf8(item.bytes) {
                        Ok(t) => t,
                        Err(e) => {
                            report.rejected.push(Rejected {
                                origin: item.origin.to_owned(),
                                id: None,
                                reason: format!("not UTF-8: {e}"),
                            });
                            return;
                        }
                    };
                    match osv::yaml_to_json(text) {
                        Ok(j) => {
                            yaml_json = j;
                            &yaml_json[..]
                        }
                        Err(e) => {
                            report.rejected.push(Rejected {
                                origin: item.origin.to_owned(),
                                id: e.id.clone(),
                                reason: e.to_string(),
                            });
                            return;
                        }
                    }
                }
            };
            let validated = match osv::parse_json(bytes, options.strict) {
                Ok(v) => v,
                Err(e) => {
                    let id = e.id.clone();
                    let mut reason = e.to_string();
                    if let Some(id) = &id {
                        // The id is a field of its own in the report.
                        if let Some(rest) = reason.strip_prefix(&format!("{id}: ")) {
                            reason = rest.to_owned();
                        }
                    }
                    report.rejected.push(Rejected {
                        origin: item.origin.to_owned(),
                        id,
                        reason,
                    });
                    return;
                }
            };
            for Lint { message, .. } in &validated.lints {
                *lints.entry(message.clone()).or_default() += 1;
            }
            let id: &str = &validated.record.id;
            let modified = validated.modified.0;
            if let Some(&(old_modified, old_index)) = stored.get(id) {
                if old_modified >= modified {
                    report.unchanged += 1;
                    return;
                }
                superseded[old_index as usize] = true;
            }
            match builder.add(
                &validated.record,
                bytes,
                validated.modified,
                validated.withdrawn.is_some(),
            ) {
                Ok(Added::New) if stored.contains_key(id) => report.updated += 1,
                Ok(Added::New) => report.added += 1,
                // A newer duplicate within this import: the first copy was counted already.
                Ok(Added::Updated) | Ok(Added::NotNewer) => report.unchanged += 1,
                Err(StoreError::TooLong { what, len }) => report.rejected.push(Rejected {
                    origin: item.origin.to_owned(),
                    id: Some(id.to_owned()),
                    reason: format!("{what}: {len} bytes is too long"),
                }),
                Err(e) => store_error = Some(e),
            }
        });
        report
            .source_errors
            .extend(errors.iter().map(SourceError::to_string));
        if let Some(e) = store_error.take() {
            return Err(e.into());
        }
    }

    if let Some(db) = &old {
        for i in db.live_records() {
            if !superseded[i as usize] {
                builder.copy_from(db, i)?;
            }
        }
    }
    for json in &salvaged {
        match osv::parse_json(json, false) {
            Ok(v)
                if builder
                    .modified_of(&v.record.id)
                    .is_none_or(|m| m < v.modified.0) =>
            {
                builder.add(&v.record, json, v.modified, v.withdrawn.is_some())?;
            }
            _ => {}
        }
    }
    drop(stored);
    drop(old);
    report.stats = builder.finish()?;
    let mut lints: Vec<(String, u64)> = lints.into_iter().collect();
    lints.sort();
    report.lints = lints;
    progress(Progress {
        file: "",
        records: report.read,
    });
    Ok(report)
}

/// Opens the database at `path` for reading.
pub fn open(path: &Path) -> Result<Database, DbError> {
    if !path.exists() {
        return Err(DbError::Missing {
            path: path.to_path_buf(),
        });
    }
    Ok(Database::open(path)?)
}

/// Takes the exclusive import lock (blocks while another import runs).
fn lock(path: &Path) -> Result<File, DbError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| DbError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let lock_path = path.with_extension("lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| DbError::Io {
            path: lock_path.clone(),
            source,
        })?;
    file.lock().map_err(|source| DbError::Io {
        path: lock_path,
        source,
    })?;
    Ok(file)
}
