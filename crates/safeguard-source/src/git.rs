//! A small wrapper around the `git` command line.
//!
//! Every call runs `git -C <root>` with a fixed, neutral environment: no pager, no colour, no
//! system configuration, literal pathspecs and unquoted paths, so that a user's configuration
//! cannot change what is read. Lists of paths are read NUL-separated (`-z`).
//!
//! Paths passed in and returned are relative to the root given to [`Repo::open`], even when that
//! root is a subdirectory of the work tree.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use safeguard_model::facts::Change;

/// How many pathspecs are passed to one `git` invocation.
const PATHS_PER_CALL: usize = 200;

/// Why git could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The tree looks like a git work tree but the `git` program could not be found.
    #[error(
        "git is required to read version-control evidence; install git or make sure it is on PATH \
         (a `.git` directory was found at {})",
        .git_dir.display()
    )]
    NotInstalled { git_dir: PathBuf },
    /// Git refuses to read a repository owned by another user.
    #[error(
        "git refuses to read this repository because it is owned by another user; run \
         `git config --global --add safe.directory {}` if you trust it",
        .root.display()
    )]
    DubiousOwnership { root: PathBuf },
    /// There is a `.git` here but git cannot read the repository (a damaged `HEAD`, config or
    /// object store).
    #[error("{}: git cannot read this repository: {stderr}", .git_dir.display())]
    Damaged { git_dir: PathBuf, stderr: String },
    /// A git command failed.
    #[error("`git {args}` failed: {stderr}")]
    Failed { args: String, stderr: String },
    /// Git could not be started for another reason.
    #[error("could not run git: {0}")]
    Io(#[from] io::Error),
}

/// A git work tree seen from `root`.
#[derive(Debug, Clone)]
pub struct Repo {
    root: PathBuf,
    program: OsString,
}

impl Repo {
    /// Open the work tree containing `root`. `Ok(None)` when `root` is not inside a git work
    /// tree (or git is not installed and there is no `.git` in sight).
    pub fn open(root: &Path) -> Result<Option<Repo>, GitError> {
        Self::open_with_program(root, "git")
    }

    /// As [`Repo::open`], running `program` instead of `git`.
    pub fn open_with_program(
        root: &Path,
        program: impl AsRef<OsStr>,
    ) -> Result<Option<Repo>, GitError> {
        let repo = Repo {
            root: root.to_path_buf(),
            program: program.as_ref().to_os_string(),
        };
        let out = match repo.run_raw(&["rev-parse", "--is-inside-work-tree"]) {
            Ok(out) => out,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return match find_git_dir(root) {
                    Some(git_dir) => Err(GitError::NotInstalled { git_dir }),
                    None => Ok(None),
                };
            }
            Err(e) => return Err(GitError::Io(e)),
        };
        if out.status.success() {
            let inside = String::from_utf8_lossy(&out.stdout).trim() == "true";
            return Ok(inside.then_some(repo));
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("dubious ownership") || stderr.contains("safe.directory") {
            return Err(GitError::DubiousOwnership {
                root: root.to_path_buf(),
            });
        }
        // A `.git` of the tree itself that git refuses to read is damage, not absence.
        let own = root.join(".git");
        if own.exists() {
            return Err(GitError::Damaged {
                git_dir: own,
                stderr: stderr.trim().to_string(),
            });
        }
        Ok(None)
    }

    /// The root this repository was opened at.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.arg("--no-pager")
            .arg("--literal-pathspecs")
            .args(["-c", "core.quotepath=off"])
            .args(["-c", "core.fsmonitor=false"])
            .args(["-c", "color.ui=never"])
            .args(["-c", "log.showSignature=false"])
            .args(["-c", "diff.relative=false"])
            .arg("-C")
            .arg(&self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("LC_ALL", "C")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::null());
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_COMMON_DIR",
            "GIT_NAMESPACE",
            "GIT_PAGER",
            "GIT_EXTERNAL_DIFF",
            "GIT_GLOB_PATHSPECS",
            "GIT_NOGLOB_PATHSPECS",
            "GIT_ICASE_PATHSPECS",
            "GIT_LITERAL_PATHSPECS",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// A `git` command with this repository's neutral environment, for the streaming readers in
    /// [`crate::objects`].
    pub(crate) fn git(&self) -> Command {
        self.command()
    }

    /// Run `git ARGS` and return its stdout, failing on a non-zero exit.
    pub fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        self.run(args)
    }

    fn run_raw<S: AsRef<OsStr>>(&self, args: &[S]) -> io::Result<Output> {
        self.command().args(args).output()
    }

    /// Run and return stdout, failing on a non-zero exit.
    fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        let out = self.run_raw(args)?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(failed(args, &out))
        }
    }

    /// Run and return trimmed stdout, or `None` on a non-zero exit (for queries that
    /// legitimately fail, such as `HEAD` in an empty repository).
    fn query<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Option<String>, GitError> {
        let out = self.run_raw(args)?;
        if !out.status.success() {
            return Ok(None);
        }
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Ok((!s.is_empty()).then_some(s))
    }

    /// The full id of the commit `HEAD` points at; `None` before the first commit.
    pub fn head_commit(&self) -> Result<Option<String>, GitError> {
        self.query(&["rev-parse", "--verify", "-q", "HEAD^{commit}"])
    }

    /// The current branch name; `None` when `HEAD` is detached.
    pub fn branch(&self) -> Result<Option<String>, GitError> {
        self.query(&["symbolic-ref", "-q", "--short", "HEAD"])
    }

    /// Commits reachable from `HEAD`; 0 when there are none yet.
    pub fn commit_count(&self) -> Result<u64, GitError> {
        if self.head_commit()?.is_none() {
            return Ok(0);
        }
        let out = self.run(&["rev-list", "--count", "HEAD"])?;
        let text = String::from_utf8_lossy(&out);
        text.trim().parse().map_err(|_| GitError::Failed {
            args: "rev-list --count HEAD".into(),
            stderr: format!("unexpected output {:?}", text.trim()),
        })
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> Result<bool, GitError> {
        Ok(self
            .query(&["rev-parse", "--is-shallow-repository"])?
            .as_deref()
            == Some("true"))
    }

    /// Files in the index under the root (sorted, deduplicated).
    pub fn tracked_files(&self) -> Result<Vec<String>, GitError> {
        Ok(sorted(split_nul(&self.run(&["ls-files", "-z"])?)))
    }

    /// Files present under the root that are neither tracked nor ignored (sorted).
    pub fn untracked_files(&self) -> Result<Vec<String>, GitError> {
        let out = self.run(&["ls-files", "-z", "--others", "--exclude-standard"])?;
        Ok(sorted(split_nul(&out)))
    }

    /// Tracked files whose content differs from `HEAD` (staged or not), sorted.
    pub fn modified_files(&self) -> Result<Vec<String>, GitError> {
        let out = if self.head_commit()?.is_some() {
            self.run(&[
                "diff",
                "--name-only",
                "-z",
                "--relative",
                "--no-renames",
                "--no-ext-diff",
                "HEAD",
                "--",
            ])?
        } else {
            self.run(&["ls-files", "-m", "-z"])?
        };
        Ok(sorted(split_nul(&out)))
    }

    /// Whether commit `a` is an ancestor of (or equal to) commit `b`.
    pub fn is_ancestor(&self, a: &str, b: &str) -> Result<bool, GitError> {
        let out = self.run_raw(&["merge-base", "--is-ancestor", a, b])?;
        Ok(out.status.success())
    }

    /// The most recent commit reachable from `HEAD` that changed any of `paths`.
    pub fn last_change(&self, paths: &[String]) -> Result<Option<Change>, GitError> {
        if paths.is_empty() || self.head_commit()?.is_none() {
            return Ok(None);
        }
        let mut best: Option<Change> = None;
        for chunk in paths.chunks(PATHS_PER_CALL) {
            let mut args: Vec<&str> = vec!["log", "-1", "--format=%H%x00%ct", "HEAD", "--"];
            args.extend(chunk.iter().map(String::as_str));
            let out = self.run(&args)?;
            let Some(found) = parse_change(&out) else {
                continue;
            };
            best = Some(match best {
                None => found,
                Some(cur) => {
                    if cur.commit == found.commit || self.is_ancestor(&found.commit, &cur.commit)? {
                        cur
                    } else if self.is_ancestor(&cur.commit, &found.commit)? || found.unix > cur.unix
                    {
                        found
                    } else {
                        cur
                    }
                }
            });
        }
        Ok(best)
    }

    /// Paths among `paths` changed by commits in `<since>..HEAD` (sorted, deduplicated).
    pub fn changed_since(&self, since: &str, paths: &[String]) -> Result<Vec<String>, GitError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let range = format!("{since}..HEAD");
        let mut all = Vec::new();
        for chunk in paths.chunks(PATHS_PER_CALL) {
            let mut args: Vec<&str> = vec![
                "log",
                "--format=",
                "--name-only",
                "-z",
                "--relative",
                "--no-renames",
                range.as_str(),
                "--",
            ];
            args.extend(chunk.iter().map(String::as_str));
            all.extend(split_nul(&self.run(&args)?));
        }
        Ok(sorted(all))
    }
}

pub(crate) fn failed<S: AsRef<OsStr>>(args: &[S], out: &Output) -> GitError {
    let args = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    let mut shown = args.join(" ");
    if shown.len() > 200 {
        let mut cut = 200;
        while !shown.is_char_boundary(cut) {
            cut -= 1;
        }
        shown.truncate(cut);
        shown.push('…');
    }
    GitError::Failed {
        args: shown,
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    }
}

/// Look for `.git` (a directory or a `gitdir:` file) in `root` and its ancestors.
fn find_git_dir(root: &Path) -> Option<PathBuf> {
    let start = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    start
        .ancestors()
        .map(|dir| dir.join(".git"))
        .find(|candidate| candidate.exists())
}

fn split_nul(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == 0)
        .map(|p| {
            String::from_utf8_lossy(p)
                .trim_matches(['\n', '\r'])
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn parse_change(out: &[u8]) -> Option<Change> {
    let text = String::from_utf8_lossy(out);
    let (commit, secs) = text.trim().split_once('\0')?;
    let unix: i64 = secs.trim().parse().ok()?;
    Some(Change {
        commit: commit.trim().to_string(),
        time: rfc3339(unix),
        unix,
    })
}

/// RFC 3339 UTC for a Unix time (falls back to the epoch for out-of-range values).
pub fn rfc3339(unix: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_nul_lists() {
        assert_eq!(
            split_nul(b"a b\0\nc\0\0"),
            vec!["a b".to_string(), "c".to_string()]
        );
        assert!(split_nul(b"").is_empty());
    }

    #[test]
    fn parses_change_and_formats_time() {
        let c = parse_change(b"abc123\x001700000000\n").unwrap();
        assert_eq!(c.commit, "abc123");
        assert_eq!(c.unix, 1_700_000_000);
        assert_eq!(c.time, "2023-11-14T22:13:20Z");
        assert!(parse_change(b"").is_none());
    }

    #[test]
    fn damaged_repository_is_an_error_not_absence() {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(ok.success());
        std::fs::write(dir.path().join(".git/HEAD"), "garbage\n").unwrap();
        let err = Repo::open(dir.path()).unwrap_err();
        assert!(matches!(err, GitError::Damaged { .. }), "{err:?}");
        assert!(
            err.to_string().contains("git cannot read this repository"),
            "{err}"
        );
    }

    #[test]
    fn missing_git_with_dot_git_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let no_git = "/nonexistent/safeguard-no-git";
        assert!(
            Repo::open_with_program(dir.path(), no_git)
                .unwrap()
                .is_none()
        );
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let err = Repo::open_with_program(dir.path(), no_git).unwrap_err();
        assert!(matches!(err, GitError::NotInstalled { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("git is required to read version-control evidence")
        );
    }
}
