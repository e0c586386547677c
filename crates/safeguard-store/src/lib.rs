//! The Safeguard store: scans, vulnerability tickets, releases, advisories, and an append-only,
//! hash-chained audit trail of every change, in one embedded SQLite file
//! (`.safeguard/store.db` by default).
//!
//! # Guarantees
//! - **Concurrent writers lose nothing.** Every write is one `BEGIN IMMEDIATE` transaction:
//!   a second process waits for the first (up to [`BUSY_TIMEOUT`]) and then sees its result.
//!   Recording the same scan report twice is a no-op the second time.
//! - **A killed writer leaves a consistent store.** SQLite's write-ahead log with
//!   `synchronous = FULL`: a transaction is there whole or not at all.
//! - **Someone else's file is never overwritten.** Opening checks the SQLite header, the
//!   `application_id` and the schema version: a non-SQLite file, another program's database or
//!   a store written by a newer Safeguard is an error naming the file, and is left untouched.
//!   Only a missing or empty (0-byte) file is initialised.
//! - **Tampering shows.** [`Store::verify`] recomputes the audit chain and replays it against
//!   the tickets: an edited, removed or re-ordered audit row, or a ticket changed without an
//!   audit row, is reported.
//!
//! # Portability
//! The schema (`migrations/*.sql`) is portable SQL, and every query uses `$n` parameters, so a
//! PostgreSQL implementation can follow with the same statements. SQLite-only settings
//! (pragmas, the application id) are confined to [`Store::open`].

mod audit;
mod tickets;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};

pub use audit::{AuditEntry, VerifyReport};
pub use tickets::{
    AdvisoryRecord, RecordOutcome, ReleaseOutcome, ScanInput, ScanRecord, TicketFilter, Triage,
    parse_ticket_id,
};

/// The default store file, relative to the repository root.
pub const DEFAULT_PATH: &str = ".safeguard/store.db";

/// How long a writer waits for another one before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// `PRAGMA application_id` of a Safeguard store: "SGST".
const APPLICATION_ID: i64 = 0x5347_5354;

/// The migrations, oldest first: (version, description, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "scans, tickets, releases, advisories, audit",
    include_str!("../migrations/0001_initial.sql"),
)];

/// Why the store cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(
        "{path}: not a Safeguard store ({detail}); it was left untouched. Point --store at another file, or move this one away"
    )]
    Foreign { path: PathBuf, detail: String },
    #[error(
        "{path}: written by a newer Safeguard (schema {found}; this one knows up to {known}); it was left untouched"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: the store is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: {detail}")]
    Database { path: PathBuf, detail: String },
    #[error("no ticket {0}")]
    UnknownTicket(String),
    #[error("{0}")]
    Invalid(String),
}

/// An open store. Methods block; the SQLite connection runs on a private single-threaded
/// runtime.
pub struct Store {
    path: PathBuf,
    conn: SqliteConnection,
    rt: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Whether [`Store::open`] may create the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create it (and its folder) when missing: commands that record.
    Create,
    /// It must exist: commands that only read.
    Existing,
}

impl Store {
    /// Open (or, with [`OpenMode::Create`], create) the store at `path`, applying any pending
    /// migrations.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store, StoreError> {
        let io = |e: std::io::Error| StoreError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let len = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    message: "is a folder, not a store file".into(),
                });
            }
            Ok(m) => Some(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(e)),
        };
        match (len, mode) {
            (None, OpenMode::Existing) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    message: "no store here yet: record a scan first (safeguard vulns sync, or safeguard scan --record)".into(),
                });
            }
            (None, OpenMode::Create) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
            }
            (Some(n), _) if n > 0 => check_header(path)?,
            _ => {}
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(io)?;
        if len.is_some_and(|n| n > 0) {
            // Look before touching: switching a database to WAL rewrites its header, so a
            // foreign file is recognised over a read-only connection first.
            rt.block_on(async {
                let mut ro = SqliteConnectOptions::new()
                    .filename(path)
                    .read_only(true)
                    .busy_timeout(BUSY_TIMEOUT)
                    .disable_statement_logging()
                    .connect()
                    .await
                    .map_err(|e| classify(path, e))?;
                let found = identify(&mut ro, path).await;
                let _ = ro.close().await;
                found
            })?;
        }
        let opts = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| db_err(path, e))?
            .filename(path)
            .create_if_missing(mode == OpenMode::Create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            .disable_statement_logging();
        // Switching a new file to WAL needs a moment alone with it, and SQLite reports a
        // second process doing the same as "locked" at once, without waiting: retry for as long
        // as a writer would wait.
        let started = std::time::Instant::now();
        let conn = loop {
            match rt.block_on(opts.connect()) {
                Ok(c) => break c,
                Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(classify(path, e)),
            }
        };
        let mut store = Store {
            path: path.to_path_buf(),
            conn,
            rt,
        };
        store.migrate()?;
        Ok(store)
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Check the application id and apply pending migrations, in one write transaction.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.write(|conn, rt| {
            rt.block_on(async {
                if identify(conn, &path).await? == Identity::Fresh {
                    sqlx::query(&format!("PRAGMA application_id = {APPLICATION_ID}"))
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| db_err(&path, e))?;
                    sqlx::raw_sql(
                        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
                    )
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_err(&path, e))?;
                }
                let applied: Vec<(i64, String)> =
                    sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(|e| classify(&path, e))?;
                let known = MIGRATIONS.last().map_or(0, |m| m.0);
                if let Some((found, _)) = applied.iter().find(|(v, _)| *v > known) {
                    return Err(StoreError::Newer {
                        path: path.clone(),
                        found: *found,
                        known,
                    });
                }
                for (version, description, sql) in MIGRATIONS {
                    let sum = safeguard_model::sha256_bytes(sql.as_bytes());
                    match applied.iter().find(|(v, _)| v == version) {
                        Some((_, applied_sum)) if *applied_sum == sum => continue,
                        Some(_) => {
                            return Err(StoreError::Corrupt {
                                path: path.clone(),
                                detail: format!(
                                    "migration {version} ({description}) was applied from different SQL than this Safeguard has"
                                ),
                            });
                        }
                        None => {}
                    }
                    sqlx::raw_sql(sql)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| db_err(&path, e))?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, description, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(version)
                    .bind(description)
                    .bind(&sum)
                    .bind(now_text())
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_err(&path, e))?;
                }
                Ok(())
            })
        })
    }

    /// Run `f` inside `BEGIN IMMEDIATE … COMMIT`; roll back when it fails.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut SqliteConnection, &tokio::runtime::Runtime) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        self.rt
            .block_on(sqlx::query("BEGIN IMMEDIATE").execute(&mut self.conn))
            .map_err(|e| classify(&path, e))?;
        match f(&mut self.conn, &self.rt) {
            Ok(v) => {
                self.rt
                    .block_on(sqlx::query("COMMIT").execute(&mut self.conn))
                    .map_err(|e| classify(&path, e))?;
                Ok(v)
            }
            Err(e) => {
                // The error that matters is `e`; a failed rollback leaves SQLite to roll back
                // when the connection closes.
                let _ = self
                    .rt
                    .block_on(sqlx::query("ROLLBACK").execute(&mut self.conn));
                Err(e)
            }
        }
    }

    /// Close the connection cleanly (checkpointing the write-ahead log).
    pub fn close(self) -> Result<(), StoreError> {
        let Store { path, conn, rt } = self;
        rt.block_on(conn.close()).map_err(|e| db_err(&path, e))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// No tables and no application id: a new file.
    Fresh,
    Ours,
}

/// Tell a Safeguard store from a new file and from another program's database.
async fn identify(conn: &mut SqliteConnection, path: &Path) -> Result<Identity, StoreError> {
    let app: i64 = sqlx::query_scalar("PRAGMA application_id")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| classify(path, e))?;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| classify(path, e))?;
    if app == APPLICATION_ID {
        if !tables.iter().any(|t| t == "schema_migrations") {
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: "the migrations table is missing".into(),
            });
        }
        return Ok(Identity::Ours);
    }
    if app == 0 && tables.is_empty() {
        return Ok(Identity::Fresh);
    }
    let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
    Err(StoreError::Foreign {
        path: path.to_path_buf(),
        detail: if app != 0 {
            format!("an SQLite database of another program (application id {app:#x})")
        } else {
            format!("an SQLite database with other tables: {}", shown.join(", "))
        },
    })
}

/// The first 16 bytes of an SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let n = f.read(&mut head).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if n < 16 || &head != SQLITE_HEADER {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            detail: "not an SQLite database".into(),
        });
    }
    Ok(())
}

/// SQLITE_BUSY (5) or SQLITE_LOCKED (6), with or without an extended code.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6)),
        _ => false,
    }
}

/// Map an sqlx error to the store's words: corruption and "not a database" are named as such.
pub(crate) fn classify(path: &Path, e: sqlx::Error) -> StoreError {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("malformed") || lower.contains("corrupt") {
        StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: text,
        }
    } else if lower.contains("not a database") {
        StoreError::Foreign {
            path: path.to_path_buf(),
            detail: "not an SQLite database".into(),
        }
    } else {
        db_err(path, e)
    }
}

pub(crate) fn db_err(path: &Path, e: sqlx::Error) -> StoreError {
    StoreError::Database {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

pub(crate) fn now_text() -> String {
    fmt_time(time::OffsetDateTime::now_utc())
}

/// RFC 3339 in UTC with whole seconds, the store's one time format (sorts as text).
pub(crate) fn fmt_time(t: time::OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub(crate) fn parse_time(path: &Path, s: &str) -> Result<time::OffsetDateTime, StoreError> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|e| {
        StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("bad timestamp {s:?}: {e}"),
        }
    })
}

/// Read one column, naming the column when it has the wrong type.
pub(crate) fn col<'r, T>(
    path: &Path,
    row: &'r sqlx::sqlite::SqliteRow,
    name: &str,
) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(name).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("column {name}: {e}"),
    })
}
