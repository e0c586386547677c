//! Streaming reads of git objects through `git cat-file --batch`.
//!
//! Two readers sit on top of one long-running `git cat-file` process each:
//! - [`Repo::history_blobs`] lists every distinct blob reachable from any ref, once, with the
//!   first path it was seen at (`git rev-list --objects --all` piped into
//!   `git cat-file --batch-check`);
//! - [`Repo::read_objects`] streams the content of a list of objects to a callback, which reads
//!   it through a [`Read`] limited to the object's size, so that a huge blob never has to be held
//!   in memory.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::thread;

use crate::git::{GitError, Repo};

/// One blob of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryBlob {
    /// The object id (hex).
    pub id: String,
    /// Size in bytes.
    pub size: u64,
    /// The first path the blob was seen at, walking from the tips of the refs.
    pub path: String,
}

/// What [`Repo::history_blobs`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Distinct blobs, in the order `git rev-list` met them.
    pub blobs: Vec<HistoryBlob>,
    /// Commits reachable from any ref.
    pub commits: u64,
    /// Object ids named in the history but missing from the object store (a damaged
    /// repository, or a partial clone).
    pub missing: Vec<String>,
    /// The repository is a shallow clone: history before the shallow boundary is absent.
    pub shallow: bool,
}

/// The header of one object in a `cat-file --batch` stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectHeader<'a> {
    pub id: &'a str,
    /// `blob`, `tree`, `commit` or `tag`.
    pub kind: &'a str,
    pub size: u64,
}

/// Size of the buffered reader over `cat-file`'s output.
const PIPE_BUFFER: usize = 1 << 20;

impl Repo {
    /// Every distinct blob reachable from any ref (branches, tags, remote-tracking branches,
    /// the stash), each once.
    ///
    /// A damaged repository whose history cannot be walked is an error; objects that are merely
    /// missing are listed in [`History::missing`] and the walk goes on.
    pub fn history_blobs(&self) -> Result<History, GitError> {
        let shallow = self.is_shallow()?;
        let mut rev_list = self
            .git()
            .args(["rev-list", "--objects", "--all"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let Some(list_out) = rev_list.stdout.take() else {
            return Err(GitError::Io(io::Error::other(
                "no stdout from git rev-list",
            )));
        };
        let rev_list_err = drain_stderr(&mut rev_list);
        let mut check = self
            .git()
            .args([
                "cat-file",
                "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)",
                "--buffer",
            ])
            .stdin(Stdio::from(list_out))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let check_err = drain_stderr(&mut check);
        let mut history = History {
            shallow,
            ..History::default()
        };
        if let Some(out) = check.stdout.take() {
            let mut reader = BufReader::with_capacity(PIPE_BUFFER, out);
            let mut line = Vec::new();
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                parse_check_line(&line, &mut history);
            }
        }
        let check_status = check.wait()?;
        let list_status = rev_list.wait()?;
        let list_err = join_stderr(rev_list_err);
        let cat_err = join_stderr(check_err);
        if !list_status.success() {
            return Err(GitError::Failed {
                args: "rev-list --objects --all".into(),
                stderr: list_err,
            });
        }
        if !check_status.success() {
            return Err(GitError::Failed {
                args: "cat-file --batch-check".into(),
                stderr: cat_err,
            });
        }
        Ok(history)
    }

    /// Stream the objects `ids` to `f`, in order. `f` gets each object's header and a reader
    /// limited to its content; whatever `f` leaves unread is skipped. Ids git does not have are
    /// passed to `f` with kind `missing`, size 0.
    pub fn read_objects<F>(&self, ids: Vec<String>, mut f: F) -> Result<(), GitError>
    where
        F: FnMut(ObjectHeader<'_>, &mut dyn Read) -> io::Result<()>,
    {
        if ids.is_empty() {
            return Ok(());
        }
        let mut child = self
            .git()
            .args(["cat-file", "--batch", "--buffer"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let err = drain_stderr(&mut child);
        let Some(mut stdin) = child.stdin.take() else {
            return Err(GitError::Io(io::Error::other("no stdin for git cat-file")));
        };
        let writer = thread::spawn(move || -> io::Result<()> {
            let mut w = io::BufWriter::with_capacity(64 << 10, &mut stdin);
            for id in &ids {
                w.write_all(id.as_bytes())?;
                w.write_all(b"\n")?;
            }
            w.flush()
        });
        let result = match child.stdout.take() {
            Some(out) => stream_batch(BufReader::with_capacity(PIPE_BUFFER, out), &mut f),
            None => Err(io::Error::other("no stdout from git cat-file")),
        };
        if result.is_err() {
            let _ = child.kill();
        }
        let status = child.wait()?;
        let wrote = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer panicked")));
        let stderr = join_stderr(err);
        result?;
        if !status.success() {
            return Err(GitError::Failed {
                args: "cat-file --batch".into(),
                stderr,
            });
        }
        wrote?;
        Ok(())
    }
}

fn parse_check_line(line: &[u8], history: &mut History) {
    let text = String::from_utf8_lossy(line);
    let mut parts = text.splitn(4, ' ');
    let id = parts.next().unwrap_or_default();
    let kind = parts.next().unwrap_or_default();
    match kind {
        "blob" => {
            let size = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let path = parts.next().unwrap_or_default().to_string();
            history.blobs.push(HistoryBlob {
                id: id.to_string(),
                size,
                path,
            });
        }
        "commit" => history.commits += 1,
        "missing" => history.missing.push(id.to_string()),
        _ => {}
    }
}

/// Read `<id> <type> <size>\n<content>\n` records (or `<id> missing\n`) until the end.
fn stream_batch<R: BufRead, F>(mut reader: R, f: &mut F) -> io::Result<()>
where
    F: FnMut(ObjectHeader<'_>, &mut dyn Read) -> io::Result<()>,
{
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        let mut parts = text.split(' ');
        let id = parts.next().unwrap_or_default();
        let kind = parts.next().unwrap_or_default();
        if kind == "missing" || kind == "ambiguous" {
            f(
                ObjectHeader {
                    id,
                    kind: "missing",
                    size: 0,
                },
                &mut io::empty(),
            )?;
            continue;
        }
        let size: u64 = parts.next().and_then(|s| s.parse().ok()).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("unexpected `git cat-file` header {text:?}"),
            )
        })?;
        let mut body = (&mut reader).take(size);
        f(ObjectHeader { id, kind, size }, &mut body)?;
        // Skip what the callback left, then the newline after the content.
        io::copy(&mut body, &mut io::sink())?;
        if body.limit() > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("`git cat-file` output ended inside object {id}"),
            ));
        }
        let mut nl = [0u8; 1];
        reader.read_exact(&mut nl)?;
    }
}

type StderrThread = Option<thread::JoinHandle<String>>;

fn drain_stderr(child: &mut Child) -> StderrThread {
    let mut err = child.stderr.take()?;
    Some(thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut err).take(64 << 10).read_to_end(&mut buf);
        let _ = io::copy(&mut err, &mut io::sink());
        String::from_utf8_lossy(&buf).trim().to_string()
    }))
}

fn join_stderr(t: StderrThread) -> String {
    t.and_then(|t| t.join().ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_stream_reads_objects_and_missing() {
        let data = b"aaa blob 5\nhello\nbbb missing\nccc commit 3\nabc\n";
        let mut seen = Vec::new();
        stream_batch(&data[..], &mut |h: ObjectHeader<'_>, r: &mut dyn Read| {
            let mut s = String::new();
            if h.kind == "blob" {
                r.read_to_string(&mut s)?;
            }
            seen.push((h.id.to_string(), h.kind.to_string(), h.size, s));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                ("aaa".into(), "blob".into(), 5, "hello".into()),
                ("bbb".into(), "missing".into(), 0, String::new()),
                ("ccc".into(), "commit".into(), 3, String::new()),
            ]
        );
    }

    #[test]
    fn truncated_batch_stream_is_an_error() {
        let data = b"aaa blob 50\nhello\n";
        let err = stream_batch(&data[..], &mut |_h: ObjectHeader<'_>, _r: &mut dyn Read| {
            Ok(())
        })
        .unwrap_err();
        assert!(err.to_string().contains("ended inside object aaa"), "{err}");
    }

    #[test]
    fn check_lines_sort_blobs_commits_missing() {
        let mut h = History::default();
        for l in [
            &b"c1 commit 200 "[..],
            b"b1 blob 12 src/a file.rs",
            b"t1 tree 40 src",
            b"m1 missing",
        ] {
            parse_check_line(l, &mut h);
        }
        assert_eq!(h.commits, 1);
        assert_eq!(h.missing, vec!["m1".to_string()]);
        assert_eq!(
            h.blobs,
            vec![HistoryBlob {
                id: "b1".into(),
                size: 12,
                path: "src/a file.rs".into()
            }]
        );
    }
}
