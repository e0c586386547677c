//! Rebuild twice and compare: a quick check that a build is reproducible.
//!
//! [`run`] copies the source tree into two fresh temporary folders whose paths differ (also in
//! length), runs the same build command in each under a deliberately different environment, and
//! then compares the artefacts named by globs byte for byte:
//!
//! | what            | first run     | second run            |
//! | --------------- | ------------- | --------------------- |
//! | build folder    | `…/r1/tree`   | `…/second-run/tree`   |
//! | `TZ`            | `UTC`         | `Pacific/Kiritimati`  |
//! | `LANG`/`LC_ALL` | `C.UTF-8`     | `fr_FR.UTF-8`         |
//! | umask           | `022`         | `077`                 |
//! | wall clock      | earlier       | later (runs are sequential) |
//!
//! `SOURCE_DATE_EPOCH` is removed from both environments: a reproducible build must pin its own
//! timestamps. Everything else is inherited from the caller's environment so that toolchains on
//! `PATH` keep working.
//!
//! The copy keeps `.git` (builds often embed the commit) but leaves out the top-level `target/`
//! and `.safeguard/` folders and every `node_modules/` folder. Symbolic links are copied as links
//! and never followed. The temporary folders are removed when [`run`] returns.
//!
//! Unix only: the command is started through `/bin/sh` to set its umask.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;

use serde::Serialize;

use crate::glob::{Glob, WalkError};
use crate::hash::{StreamHasher, to_hex};

/// How many bytes of the end of each run's standard output and standard error are kept.
pub const TAIL_BYTES: usize = 8 << 10;

/// Chunk size used when looking for the first differing byte of two files.
const COMPARE_CHUNK: usize = 64 << 10;

/// Prefix of the temporary folder created for the two copies.
const TEMP_PREFIX: &str = "safeguard-repro-";

/// What to rebuild and what to compare.
#[derive(Debug, Clone, Default)]
pub struct ReproOptions {
    /// The source tree to copy (usually the root of a git work tree).
    pub source: PathBuf,
    /// Globs, relative to the tree, naming the build outputs to compare, for example
    /// `target/release/app` or `dist/*.whl`. `*` and `?` match within one path component
    /// (including a leading dot), `**` as a whole component matches any number of components.
    pub artifacts: Vec<String>,
    /// The build command and its arguments; run from the root of each copy.
    pub command: Vec<String>,
    /// Where the temporary copies are made; defaults to the system temporary folder. It must not
    /// be inside `source` unless it is one of the folders left out of the copy.
    pub work_dir: Option<PathBuf>,
}

/// The outcome of [`run`].
#[derive(Debug, Clone, Serialize)]
pub struct ReproReport {
    /// True when every matched artefact is byte-identical between the two runs and none is
    /// missing from either.
    pub reproducible: bool,
    /// The build command as given.
    pub command: Vec<String>,
    /// The two builds, first then second.
    pub runs: Vec<RunRecord>,
    /// One entry per artefact path matched in either run, sorted by path.
    pub artifacts: Vec<ArtifactResult>,
}

/// How one build was run and how it ended.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// `first` or `second`.
    pub name: String,
    /// The folder the tree was copied to and the command ran in (removed afterwards).
    pub dir: PathBuf,
    /// The `TZ` the build saw.
    pub tz: String,
    /// The `LANG` and `LC_ALL` the build saw.
    pub locale: String,
    /// The umask the build ran under, in octal.
    pub umask: String,
    /// When the build started (RFC 3339, UTC).
    pub started: String,
    /// When the build ended (RFC 3339, UTC).
    pub finished: String,
    /// The exit code; `None` when the build was ended by a signal.
    pub exit_code: Option<i32>,
    /// The last [`TAIL_BYTES`] bytes of standard output (invalid UTF-8 replaced).
    pub stdout_tail: String,
    /// The last [`TAIL_BYTES`] bytes of standard error (invalid UTF-8 replaced).
    pub stderr_tail: String,
}

/// How one artefact compares between the two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactStatus {
    /// Same bytes in both runs.
    Identical,
    /// Present in both runs with different bytes.
    Differs,
    /// Produced only by the second run.
    MissingInFirst,
    /// Produced only by the first run.
    MissingInSecond,
}

/// One artefact's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactResult {
    /// Path relative to the tree, `/`-separated.
    pub path: String,
    /// The verdict.
    pub status: ArtifactStatus,
    /// SHA-256 (hex) in the first run, when present there.
    pub sha256_first: Option<String>,
    /// SHA-256 (hex) in the second run, when present there.
    pub sha256_second: Option<String>,
    /// Size in bytes in the first run, when present there.
    pub size_first: Option<u64>,
    /// Size in bytes in the second run, when present there.
    pub size_second: Option<u64>,
    /// For [`ArtifactStatus::Differs`]: the offset of the first byte that differs (the shorter
    /// file's length when one file is a prefix of the other).
    pub first_difference: Option<u64>,
}

/// Why the reproducibility check could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum ReproError {
    /// No build command was given.
    #[error("no build command given; pass it after `--`, for example `-- cargo build --release`")]
    EmptyCommand,
    /// No artefact glob was given.
    #[error("no artefact given; name the build outputs to compare with --artifact GLOB")]
    NoArtifactPatterns,
    /// An artefact glob cannot be used.
    #[error("artefact glob `{pattern}`: {reason}")]
    InvalidPattern {
        /// The glob as given.
        pattern: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The source is not a readable folder.
    #[error("{}: the source to rebuild must be a folder: {source}", .path.display())]
    Source {
        /// The source path.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The temporary folders could not be created.
    #[error("{}: cannot create the temporary build folders: {source}", .path.display())]
    WorkDir {
        /// The folder that could not be created.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Copying the source tree failed.
    #[error("{}: cannot copy the source tree: {source}", .path.display())]
    Copy {
        /// The file or folder that could not be copied.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The build command could not be started.
    #[error("{run} build: cannot start `{program}`: {source}")]
    Spawn {
        /// `first` or `second`.
        run: String,
        /// The program that could not be started.
        program: String,
        /// The underlying error.
        source: io::Error,
    },
    /// The build command failed.
    #[error("{run} build failed ({status}); end of its standard error:\n{stderr_tail}")]
    BuildFailed {
        /// `first` or `second`.
        run: String,
        /// How it ended, e.g. `exit code 2`.
        status: String,
        /// The last [`TAIL_BYTES`] bytes of its standard error.
        stderr_tail: String,
    },
    /// Some artefact globs matched no file in either run.
    #[error(
        "no file matched the artefact glob(s) {} in either build; check the paths, relative to \
         the tree root",
        .patterns.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
    )]
    NoArtifactMatched {
        /// The globs that matched nothing.
        patterns: Vec<String>,
    },
    /// An artefact could not be read.
    #[error("{}: cannot read the artefact: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

/// The environment differences of one run.
struct Variant {
    name: &'static str,
    folder: &'static str,
    tz: &'static str,
    locale: &'static str,
    umask: &'static str,
}

/// The two runs. The folder names differ in length so that embedded paths shift offsets too.
const VARIANTS: [Variant; 2] = [
    Variant {
        name: "first",
        folder: "r1",
        tz: "UTC",
        locale: "C.UTF-8",
        umask: "022",
    },
    Variant {
        name: "second",
        folder: "second-run",
        tz: "Pacific/Kiritimati",
        locale: "fr_FR.UTF-8",
        umask: "077",
    },
];

/// The files a glob matches in one build tree. Build trees are walked without a limit.
fn collect(g: &Glob, tree: &Path, out: &mut BTreeSet<String>) -> Result<bool, ReproError> {
    let mut unlimited = usize::MAX;
    g.collect(tree, out, &mut unlimited).map_err(|e| match e {
        WalkError::Read { path, source } => ReproError::Read { path, source },
        WalkError::Budget { .. } => ReproError::Read {
            path: tree.to_path_buf(),
            source: io::Error::other("too many entries"),
        },
    })
}

/// Copy the tree twice, build in each copy, and compare the artefacts. See the module docs.
pub fn run(opts: &ReproOptions) -> Result<ReproReport, ReproError> {
    if opts.command.is_empty() || opts.command.first().is_some_and(|c| c.is_empty()) {
        return Err(ReproError::EmptyCommand);
    }
    if opts.artifacts.is_empty() {
        return Err(ReproError::NoArtifactPatterns);
    }
    let globs = opts
        .artifacts
        .iter()
        .map(|p| {
            Glob::parse(p).map_err(|e| ReproError::InvalidPattern {
                pattern: p.clone(),
                reason: e.reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let source_meta = fs::metadata(&opts.source).map_err(|e| ReproError::Source {
        path: opts.source.clone(),
        source: e,
    })?;
    if !source_meta.is_dir() {
        return Err(ReproError::Source {
            path: opts.source.clone(),
            source: io::Error::new(io::ErrorKind::NotADirectory, "not a folder"),
        });
    }

    let parent = opts.work_dir.clone().unwrap_or_else(std::env::temp_dir);
    let temp = TempRoot::create(&parent)?;

    let [v1, v2] = &VARIANTS;
    let (first_tree, first_run) = prepare_and_build(v1, opts, &temp.path)?;
    let (second_tree, second_run) = prepare_and_build(v2, opts, &temp.path)?;
    let runs = vec![first_run, second_run];
    let (first_tree, second_tree) = (&first_tree, &second_tree);

    let mut unmatched = Vec::new();
    let mut paths = BTreeSet::new();
    for g in &globs {
        let in_first = collect(g, first_tree, &mut paths)?;
        let in_second = collect(g, second_tree, &mut paths)?;
        if !in_first && !in_second {
            unmatched.push(g.pattern().to_owned());
        }
    }
    if !unmatched.is_empty() {
        return Err(ReproError::NoArtifactMatched {
            patterns: unmatched,
        });
    }

    let mut hasher = StreamHasher::new();
    let mut artifacts = Vec::with_capacity(paths.len());
    for rel in &paths {
        artifacts.push(compare(&mut hasher, first_tree, second_tree, rel)?);
    }
    let reproducible = artifacts
        .iter()
        .all(|a| a.status == ArtifactStatus::Identical);

    Ok(ReproReport {
        reproducible,
        command: opts.command.clone(),
        runs,
        artifacts,
    })
}

/// Copy the tree into `<root>/<variant folder>/tree` and build there.
fn prepare_and_build(
    v: &Variant,
    opts: &ReproOptions,
    root: &Path,
) -> Result<(PathBuf, RunRecord), ReproError> {
    let run_dir = root.join(v.folder);
    let tree = run_dir.join("tree");
    fs::create_dir(&run_dir).map_err(|e| ReproError::WorkDir {
        path: run_dir.clone(),
        source: e,
    })?;
    copy_tree(&opts.source, &tree, root)?;
    let record = build(v, &tree, &opts.command)?;
    Ok((tree, record))
}

// ---------------------------------------------------------------------------------------------
// Temporary folder

/// A uniquely named folder removed on drop.
struct TempRoot {
    path: PathBuf,
}

impl TempRoot {
    fn create(parent: &Path) -> Result<TempRoot, ReproError> {
        fs::create_dir_all(parent).map_err(|e| ReproError::WorkDir {
            path: parent.to_path_buf(),
            source: e,
        })?;
        let mut last = None;
        for _ in 0..16 {
            let mut rnd = [0u8; 8];
            if let Err(e) = getrandom::fill(&mut rnd) {
                return Err(ReproError::WorkDir {
                    path: parent.to_path_buf(),
                    source: io::Error::other(format!("no random name available: {e}")),
                });
            }
            let path = parent.join(format!("{TEMP_PREFIX}{}", to_hex(&rnd)));
            match fs::create_dir(&path) {
                Ok(()) => {
                    // Absolute, so that the build's own `cd` cannot confuse our paths.
                    let path = fs::canonicalize(&path).unwrap_or(path);
                    return Ok(TempRoot { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some((path, e)),
                Err(e) => return Err(ReproError::WorkDir { path, source: e }),
            }
        }
        let (path, source) = last.unwrap_or_else(|| {
            (
                parent.to_path_buf(),
                io::Error::other("no unique name found"),
            )
        });
        Err(ReproError::WorkDir { path, source })
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        if fs::remove_dir_all(&self.path).is_err() {
            // A build may leave read-only folders behind (Go's module cache does): make them
            // writable and try once more. Failure here only leaves litter in the temp folder.
            make_writable(&self.path);
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(unix)]
fn make_writable(root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o700));
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
}

#[cfg(not(unix))]
fn make_writable(_root: &Path) {}

// ---------------------------------------------------------------------------------------------
// Copy

/// Whether a folder at `rel_depth` (0 = directly under the root) named `name` is left out.
fn skip_dir(name: &std::ffi::OsStr, rel_depth: usize) -> bool {
    name == "node_modules" || (rel_depth == 0 && (name == "target" || name == ".safeguard"))
}

/// Copy `src` to `dst` (which must not exist), without following symbolic links. `avoid` is
/// never descended into, so a work folder inside the source cannot be copied into itself.
fn copy_tree(src: &Path, dst: &Path, avoid: &Path) -> Result<(), ReproError> {
    let copy_err = |path: &Path, e: io::Error| ReproError::Copy {
        path: path.to_path_buf(),
        source: e,
    };
    let avoid_canon = fs::canonicalize(avoid).unwrap_or_else(|_| avoid.to_path_buf());
    fs::create_dir(dst).map_err(|e| copy_err(dst, e))?;
    // (source folder, destination folder, depth below the root)
    let mut stack = vec![(src.to_path_buf(), dst.to_path_buf(), 0usize)];
    while let Some((from, to, depth)) = stack.pop() {
        let entries = fs::read_dir(&from).map_err(|e| copy_err(&from, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| copy_err(&from, e))?;
            let name = entry.file_name();
            let s = entry.path();
            let d = to.join(&name);
            let ty = entry.file_type().map_err(|e| copy_err(&s, e))?;
            if ty.is_dir() {
                if skip_dir(&name, depth) {
                    continue;
                }
                if fs::canonicalize(&s).is_ok_and(|c| c == avoid_canon) {
                    continue;
                }
                fs::create_dir(&d).map_err(|e| copy_err(&d, e))?;
                if let Ok(meta) = entry.metadata() {
                    // Keep the mode, but stay able to write into it while copying.
                    let mut perms = meta.permissions();
                    set_owner_writable(&mut perms);
                    let _ = fs::set_permissions(&d, perms);
                }
                stack.push((s, d, depth + 1));
            } else if ty.is_symlink() {
                copy_symlink(&s, &d).map_err(|e| copy_err(&s, e))?;
            } else if ty.is_file() {
                fs::copy(&s, &d).map_err(|e| copy_err(&s, e))?;
            }
            // Sockets, FIFOs and devices are not part of a source tree: left out.
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_owner_writable(perms: &mut fs::Permissions) {
    use std::os::unix::fs::PermissionsExt;
    perms.set_mode(perms.mode() | 0o700);
}

#[cfg(not(unix))]
fn set_owner_writable(perms: &mut fs::Permissions) {
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
}

#[cfg(unix)]
fn copy_symlink(src: &Path, dst: &Path) -> io::Result<()> {
    let target = fs::read_link(src)?;
    std::os::unix::fs::symlink(target, dst)
}

#[cfg(not(unix))]
fn copy_symlink(_src: &Path, _dst: &Path) -> io::Result<()> {
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Build

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The command for one run: `/bin/sh` sets the umask, then execs the build with the varied
/// environment.
fn command_for(v: &Variant, tree: &Path, command: &[String]) -> Command {
    let script = format!("umask {}; exec \"$@\"", v.umask);
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(script)
        .arg("sh")
        .args(command)
        .current_dir(tree)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("TZ", v.tz)
        .env("LANG", v.locale)
        .env("LC_ALL", v.locale)
        .env("PWD", tree)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn build(v: &Variant, tree: &Path, command: &[String]) -> Result<RunRecord, ReproError> {
    let started = now_rfc3339();
    let mut cmd = command_for(v, tree, command);
    let spawn_err = |e: io::Error| ReproError::Spawn {
        run: v.name.to_string(),
        program: command.first().cloned().unwrap_or_default(),
        source: e,
    };
    let mut child = cmd.spawn().map_err(spawn_err)?;
    let out = child.stdout.take().map(|r| thread::spawn(move || tail(r)));
    let err = child.stderr.take().map(|r| thread::spawn(move || tail(r)));
    let status = child.wait().map_err(spawn_err)?;
    let join = |h: Option<thread::JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let stdout_tail = join(out);
    let stderr_tail = join(err);
    let finished = now_rfc3339();

    if !status.success() {
        // `exec` failing in sh (command not found) reports 127/126.
        return Err(ReproError::BuildFailed {
            run: v.name.to_string(),
            status: describe_status(status),
            stderr_tail,
        });
    }
    Ok(RunRecord {
        name: v.name.to_string(),
        dir: tree.to_path_buf(),
        tz: v.tz.to_string(),
        locale: v.locale.to_string(),
        umask: v.umask.to_string(),
        started,
        finished,
        exit_code: status.code(),
        stdout_tail,
        stderr_tail,
    })
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return match code {
            127 => "exit code 127: command not found".to_string(),
            126 => "exit code 126: command not executable".to_string(),
            c => format!("exit code {c}"),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    "ended abnormally".to_string()
}

/// Read `r` to its end, keeping only the last [`TAIL_BYTES`] bytes, starting at a line boundary
/// when one is near.
fn tail<R: Read>(mut r: R) -> Vec<u8> {
    let mut keep: Vec<u8> = Vec::with_capacity(TAIL_BYTES * 2);
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                keep.extend_from_slice(buf.get(..n).unwrap_or_default());
                if keep.len() > TAIL_BYTES * 2 {
                    let cut = keep.len() - TAIL_BYTES;
                    keep.drain(..cut);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if keep.len() > TAIL_BYTES {
        let cut = keep.len() - TAIL_BYTES;
        keep.drain(..cut);
        if let Some(nl) = keep.iter().position(|&b| b == b'\n')
            && nl + 1 < keep.len()
        {
            keep.drain(..=nl);
        }
    }
    keep
}

// ---------------------------------------------------------------------------------------------
// Compare

fn compare(
    hasher: &mut StreamHasher,
    first: &Path,
    second: &Path,
    rel: &str,
) -> Result<ArtifactResult, ReproError> {
    let a = first.join(rel);
    let b = second.join(rel);
    let read_err = |p: &Path, e: io::Error| ReproError::Read {
        path: p.to_path_buf(),
        source: e,
    };
    let digest = |h: &mut StreamHasher, p: &Path| -> Result<Option<([u8; 32], u64)>, ReproError> {
        match fs::metadata(p) {
            Ok(m) if m.is_file() => {
                let d = h.sha256_file(p).map_err(|e| read_err(p, e))?;
                Ok(Some((d, m.len())))
            }
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(read_err(p, e)),
        }
    };
    let da = digest(hasher, &a)?;
    let db = digest(hasher, &b)?;
    let (status, first_difference) = match (&da, &db) {
        (Some((x, _)), Some((y, _))) if x == y => (ArtifactStatus::Identical, None),
        (Some(_), Some(_)) => (ArtifactStatus::Differs, Some(first_difference(&a, &b)?)),
        (None, _) => (ArtifactStatus::MissingInFirst, None),
        (_, None) => (ArtifactStatus::MissingInSecond, None),
    };
    Ok(ArtifactResult {
        path: rel.to_string(),
        status,
        sha256_first: da.map(|(d, _)| to_hex(&d)),
        sha256_second: db.map(|(d, _)| to_hex(&d)),
        size_first: da.map(|(_, n)| n),
        size_second: db.map(|(_, n)| n),
        first_difference,
    })
}

/// Fill `buf` from `r` as far as the stream allows; returns how many bytes were read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let rest = buf.get_mut(filled..).unwrap_or_default();
        match r.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The offset of the first byte at which the files differ, streaming both in chunks. When one
/// is a prefix of the other, the shorter one's length.
fn first_difference(a: &Path, b: &Path) -> Result<u64, ReproError> {
    let read_err = |p: &Path, e: io::Error| ReproError::Read {
        path: p.to_path_buf(),
        source: e,
    };
    let mut fa = File::open(a).map_err(|e| read_err(a, e))?;
    let mut fb = File::open(b).map_err(|e| read_err(b, e))?;
    let mut ba = vec![0u8; COMPARE_CHUNK];
    let mut bb = vec![0u8; COMPARE_CHUNK];
    let mut offset = 0u64;
    loop {
        let na = read_full(&mut fa, &mut ba).map_err(|e| read_err(a, e))?;
        let nb = read_full(&mut fb, &mut bb).map_err(|e| read_err(b, e))?;
        let n = na.min(nb);
        let (ca, cb) = (
            ba.get(..n).unwrap_or_default(),
            bb.get(..n).unwrap_or_default(),
        );
        if let Some(i) = ca.iter().zip(cb).position(|(x, y)| x != y) {
            return Ok(offset + i as u64);
        }
        offset += n as u64;
        if na != nb || na == 0 {
            // One ended first (or both ended: equal content, which the caller rules out).
            return Ok(offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_environment() {
        use std::ffi::OsStr;
        let [a, b] = &VARIANTS;
        for (v, tz, lc, mask) in [
            (a, "UTC", "C.UTF-8", "umask 022;"),
            (b, "Pacific/Kiritimati", "fr_FR.UTF-8", "umask 077;"),
        ] {
            let cmd = command_for(v, Path::new("/t/tree"), &["make".into(), "all".into()]);
            let envs: Vec<(&OsStr, Option<&OsStr>)> = cmd.get_envs().collect();
            let get = |k: &str| {
                envs.iter()
                    .find(|(n, _)| *n == OsStr::new(k))
                    .map(|(_, v)| *v)
            };
            assert_eq!(get("SOURCE_DATE_EPOCH"), Some(None), "removed");
            assert_eq!(get("TZ"), Some(Some(OsStr::new(tz))));
            assert_eq!(get("LANG"), Some(Some(OsStr::new(lc))));
            assert_eq!(get("LC_ALL"), Some(Some(OsStr::new(lc))));
            let args: Vec<&OsStr> = cmd.get_args().collect();
            assert_eq!(args.len(), 5);
            assert!(args[1].to_str().is_some_and(|s| s.starts_with(mask)));
            assert_eq!(
                &args[2..],
                [OsStr::new("sh"), OsStr::new("make"), OsStr::new("all")]
            );
            assert_eq!(cmd.get_current_dir(), Some(Path::new("/t/tree")));
        }
    }

    #[test]
    fn tail_keeps_end() {
        let mut data = Vec::new();
        for i in 0..5000 {
            data.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        let t = tail(&data[..]);
        assert!(t.len() <= TAIL_BYTES);
        assert!(t.ends_with(b"line 4999\n"));
        assert!(t.starts_with(b"line "));
    }
}
