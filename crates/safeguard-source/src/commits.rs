//! Raw git commit objects: headers, the signature they carry, and the payload it signs.
//!
//! A signed commit carries its signature in a `gpgsig` header (or `gpgsig-sha256` in a SHA-256
//! repository) whose continuation lines start with one space. The signed payload is the commit
//! object with that header removed, byte for byte.

use std::io::Read;

use crate::git::{GitError, Repo};
use crate::objects::ObjectHeader;

/// One person line (`author` or `committer`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// Unix seconds.
    pub time: i64,
    /// The zone as written (`+0100`).
    pub zone: String,
}

/// A parsed commit object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    pub tree: String,
    pub parents: Vec<String>,
    pub author: Person,
    pub committer: Person,
    /// The armored signature, when the commit is signed.
    pub signature: Option<Vec<u8>>,
    /// The bytes the signature covers: the object without its signature header.
    pub payload: Vec<u8>,
    /// The message, lossily decoded.
    pub message: String,
}

impl Commit {
    /// The first line of the message.
    pub fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// Why a commit object could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("commit {id}: {reason}")]
pub struct CommitError {
    pub id: String,
    pub reason: String,
}

/// Parse the raw bytes of commit `id`.
pub fn parse_commit(id: &str, raw: &[u8]) -> Result<Commit, CommitError> {
    let err = |reason: String| CommitError {
        id: id.to_string(),
        reason,
    };
    let (head, message) = match memchr::memmem::find(raw, b"\n\n") {
        Some(i) => (&raw[..i + 1], &raw[i + 2..]),
        None => (raw, &b""[..]),
    };
    let mut commit = Commit {
        id: id.to_string(),
        message: String::from_utf8_lossy(message).into_owned(),
        ..Commit::default()
    };
    // Headers are read here; the signature and the bytes it covers come from the one
    // implementation git signature checks use.
    let mut in_sig = false;
    let mut in_other_continuation = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b" ") {
            if !in_sig && !in_other_continuation {
                return Err(err("a continuation line follows no header".into()));
            }
            continue;
        }
        let text = String::from_utf8_lossy(line);
        let text = text.trim_end_matches('\n');
        let (key, value) = text.split_once(' ').unwrap_or((text, ""));
        in_sig = matches!(key, "gpgsig" | "gpgsig-sha256");
        in_other_continuation = !in_sig;
        match key {
            "tree" => commit.tree = value.to_string(),
            "parent" => commit.parents.push(value.to_string()),
            "author" => {
                commit.author =
                    parse_person(value).ok_or_else(|| err(format!("bad author line {value:?}")))?
            }
            "committer" => {
                commit.committer = parse_person(value)
                    .ok_or_else(|| err(format!("bad committer line {value:?}")))?
            }
            _ => {}
        }
    }
    if commit.tree.is_empty() {
        return Err(err("no tree header".into()));
    }
    match safeguard_sig::split_commit_signature(raw) {
        Some(signed) => {
            commit.signature = Some(signed.signature);
            commit.payload = signed.payload;
        }
        None => commit.payload = raw.to_vec(),
    }
    Ok(commit)
}

/// `Name <email> 1700000000 +0100`.
fn parse_person(value: &str) -> Option<Person> {
    let lt = value.find('<')?;
    let gt = lt + value[lt..].find('>')?;
    let name = value[..lt].trim().to_string();
    let email = value[lt + 1..gt].to_string();
    let mut rest = value[gt + 1..].split_whitespace();
    let time = rest.next()?.parse().ok()?;
    let zone = rest.next().unwrap_or("+0000").to_string();
    Some(Person {
        name,
        email,
        time,
        zone,
    })
}

/// What [`read_commits`] returns: parsed commits, and the ones that could not be read.
#[derive(Debug, Default)]
pub struct CommitBatch {
    pub commits: Vec<Commit>,
    pub errors: Vec<CommitError>,
}

/// Largest commit object read (a commit with a huge message is still read up to this size).
const MAX_COMMIT: u64 = 16 << 20;

/// Read and parse the commits `ids` through one `git cat-file --batch`.
pub fn read_commits(repo: &Repo, ids: Vec<String>) -> Result<CommitBatch, GitError> {
    let mut batch = CommitBatch::default();
    let mut buf = Vec::new();
    repo.read_objects(ids, |h: ObjectHeader<'_>, r: &mut dyn Read| {
        if h.kind != "commit" {
            batch.errors.push(CommitError {
                id: h.id.to_string(),
                reason: if h.kind == "missing" {
                    "the object is missing from the repository".into()
                } else {
                    format!("is a {}, not a commit", h.kind)
                },
            });
            return Ok(());
        }
        if h.size > MAX_COMMIT {
            batch.errors.push(CommitError {
                id: h.id.to_string(),
                reason: format!("commit object of {} bytes is too large to read", h.size),
            });
            return Ok(());
        }
        buf.clear();
        r.read_to_end(&mut buf)?;
        match parse_commit(h.id, &buf) {
            Ok(c) => batch.commits.push(c),
            Err(e) => batch.errors.push(e),
        }
        Ok(())
    })?;
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &[u8] = b"tree 1111111111111111111111111111111111111111\n\
parent 2222222222222222222222222222222222222222\n\
author A U Thor <a@example.org> 1700000000 +0100\n\
committer C O Mitter <c@example.org> 1700000100 -0500\n\
gpgsig -----BEGIN SSH SIGNATURE-----\n \
U1NIU0lHAAAAAQ==\n \
-----END SSH SIGNATURE-----\n\
\n\
Subject line\n\nBody.\n\nReviewed-by: R <r@example.org>\n";

    #[test]
    fn signature_is_lifted_out_of_the_payload() {
        let c = parse_commit("abc", SIGNED).unwrap();
        assert_eq!(c.tree, "1111111111111111111111111111111111111111");
        assert_eq!(c.parents.len(), 1);
        assert_eq!(c.author.email, "a@example.org");
        assert_eq!(c.committer.time, 1_700_000_100);
        assert_eq!(c.committer.zone, "-0500");
        assert_eq!(
            c.signature.as_deref(),
            Some(
                &b"-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----\n"
                    [..]
            )
        );
        let expected = b"tree 1111111111111111111111111111111111111111\n\
parent 2222222222222222222222222222222222222222\n\
author A U Thor <a@example.org> 1700000000 +0100\n\
committer C O Mitter <c@example.org> 1700000100 -0500\n\
\n\
Subject line\n\nBody.\n\nReviewed-by: R <r@example.org>\n";
        assert_eq!(
            String::from_utf8_lossy(&c.payload),
            String::from_utf8_lossy(expected)
        );
        assert_eq!(c.subject(), "Subject line");
    }

    #[test]
    fn unsigned_commit_payload_is_the_object() {
        let raw = b"tree 1111111111111111111111111111111111111111\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmsg\n";
        let c = parse_commit("abc", raw).unwrap();
        assert!(c.signature.is_none());
        assert_eq!(c.payload, raw.to_vec());
        assert!(c.parents.is_empty());
    }

    #[test]
    fn signature_bytes_are_kept_raw() {
        let raw = b"tree t\ngpgsig a\xff\n b\xfe\n\nmsg";
        let c = parse_commit("x", raw).unwrap();
        assert_eq!(c.signature.as_deref(), Some(&b"a\xff\nb\xfe\n"[..]));
        assert_eq!(c.payload, b"tree t\n\nmsg".to_vec());
    }

    #[test]
    fn broken_objects_are_errors_naming_the_commit() {
        let e = parse_commit("deadbeef", b"author x\n\nmsg").unwrap_err();
        assert!(e.to_string().starts_with("commit deadbeef:"), "{e}");
        let e = parse_commit("d", b" stray continuation\ntree t\n\n").unwrap_err();
        assert!(e.reason.contains("continuation"), "{e}");
        assert!(parse_commit("d", b"").is_err());
    }
}
