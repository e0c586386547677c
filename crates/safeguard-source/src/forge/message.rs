//! Review evidence in a commit message: the pull/merge request a forge names when it merges or
//! squashes one, and git trailers such as `Reviewed-by:`.
//!
//! Forge conventions recognised (default templates of each forge):
//!
//! | forge | where | text |
//! | --- | --- | --- |
//! | GitHub | merge commit (2+ parents) subject | `Merge pull request #123 from owner/branch` |
//! | GitHub | squash-merge subject | `Title of the change (#123)` |
//! | GitLab | any line (merge commit template) | `See merge request group/project!45` |
//! | Bitbucket Cloud | subject | `Merged in branch (pull request #7)` |
//! | Bitbucket Server | subject | `Merge pull request #7 in PROJ/repo from a to b` |
//! | Bitbucket Server | subject, then a `Merge in PROJ/repo from …` line | `Pull request #7: Title` |
//! | Azure DevOps | subject | `Merged PR 12: Title` |
//!
//! Trailers are read as `git interpret-trailers` reads them: only from the message's last
//! paragraph, never from the first (the title); the paragraph counts when every line in it is
//! a trailer (or a continuation line), or when it has a git-generated trailer
//! (`Signed-off-by: `, `(cherry picked from commit `) and at least a quarter of its lines are
//! trailers. A trailer is `Token: value` where the token is ASCII letters, digits and `-`
//! (spaces allowed before the colon); lines that start with whitespace continue the value.
//! Lines starting with `#` are comments.

use serde::Serialize;

/// Which pull/merge request a commit message names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrRef {
    /// `"github"`, `"gitlab"`, `"bitbucket"` or `"azure"`.
    pub forge: &'static str,
    /// The pull request number (GitLab: the merge request's project-level `iid`).
    pub number: u64,
    /// The kind of text the reference was read from.
    pub form: PrForm,
}

/// The kind of text a [`PrRef`] was read from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrForm {
    /// A merge commit the forge made (GitHub, Bitbucket, Azure DevOps subjects).
    MergeSubject,
    /// GitLab's `See merge request …` line.
    MergeRequestLine,
    /// GitHub's squash-merge subject suffix `(#123)`: also what a person may type by hand,
    /// so it is worth checking against a review export.
    SquashSubject,
}

/// One git trailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailer {
    /// The token as written (`Reviewed-by`).
    pub key: String,
    /// The value, continuation lines joined with single spaces.
    pub value: String,
}

/// Review evidence found in one commit message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewSignals {
    /// The pull/merge request the message names, if any.
    pub pr: Option<PrRef>,
    /// Whether the commit has more than one parent.
    pub merge_commit: bool,
    /// `Reviewed-by:` values.
    pub reviewed_by: Vec<String>,
    /// `Acked-by:` values.
    pub acked_by: Vec<String>,
    /// `Approved-by:` values.
    pub approved_by: Vec<String>,
    /// `Tested-by:` values.
    pub tested_by: Vec<String>,
    /// `Co-authored-by:` values.
    pub co_authored_by: Vec<String>,
    /// `Signed-off-by:` values.
    pub signed_off_by: Vec<String>,
    /// `Reviewed-on:` values (Gerrit's link to the review).
    pub reviewed_on: Vec<String>,
    /// Every trailer in the trailer block, in order.
    pub trailers: Vec<Trailer>,
}

impl ReviewSignals {
    /// Whether the message shows that someone other than the committer looked at the change:
    /// a pull/merge request, or a review, ack, approval or Gerrit review link.
    pub fn has_review_evidence(&self) -> bool {
        self.pr.is_some()
            || !self.reviewed_by.is_empty()
            || !self.acked_by.is_empty()
            || !self.approved_by.is_empty()
            || !self.reviewed_on.is_empty()
    }
}

/// Read the review evidence in a commit message. `parent_count` is the commit's number of
/// parents: GitHub's `Merge pull request #N` subject is taken only from a merge commit, as
/// GitHub only writes it on one.
pub fn review_signals(message: &str, parent_count: usize) -> ReviewSignals {
    let mut out = ReviewSignals {
        merge_commit: parent_count > 1,
        ..ReviewSignals::default()
    };
    out.pr = pr_ref(message, parent_count);
    for t in trailers(message) {
        let list = match t.key.to_ascii_lowercase().as_str() {
            "reviewed-by" => &mut out.reviewed_by,
            "acked-by" => &mut out.acked_by,
            "approved-by" => &mut out.approved_by,
            "tested-by" => &mut out.tested_by,
            "co-authored-by" => &mut out.co_authored_by,
            "signed-off-by" => &mut out.signed_off_by,
            "reviewed-on" => &mut out.reviewed_on,
            _ => {
                out.trailers.push(t);
                continue;
            }
        };
        if !t.value.is_empty() {
            list.push(t.value.clone());
        }
        out.trailers.push(t);
    }
    out
}

fn lines(message: &str) -> impl Iterator<Item = &str> {
    message
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

fn subject(message: &str) -> &str {
    lines(message)
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// Leading ASCII digits of `s` as a number, and the rest; `None` without digits or on overflow.
fn number(s: &str) -> Option<(u64, &str)> {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 {
        return None;
    }
    let n = s.get(..end)?.parse().ok()?;
    Some((n, s.get(end..)?))
}

fn pr_ref(message: &str, parent_count: usize) -> Option<PrRef> {
    let subj = subject(message);
    let make = |forge, number, form| PrRef {
        forge,
        number,
        form,
    };
    if let Some(rest) = subj.strip_prefix("Merge pull request #")
        && let Some((n, tail)) = number(rest)
    {
        // Bitbucket Server / Data Center (older template): `… #7 in PROJ/repo from a to b`.
        if tail.starts_with(" in ") && tail.contains(" from ") {
            return Some(make("bitbucket", n, PrForm::MergeSubject));
        }
        if parent_count > 1 && (tail.is_empty() || tail.starts_with(" from ")) {
            return Some(make("github", n, PrForm::MergeSubject));
        }
    }
    // Bitbucket Server / Data Center: `Pull request #7: Title` then `Merge in PROJ/repo from …`.
    if let Some(rest) = subj.strip_prefix("Pull request #")
        && let Some((n, tail)) = number(rest)
        && tail.starts_with(':')
        && lines(message).any(|l| l.trim_start().starts_with("Merge in "))
    {
        return Some(make("bitbucket", n, PrForm::MergeSubject));
    }
    if let Some(rest) = subj.strip_prefix("Merged in ")
        && let Some(i) = rest.rfind("(pull request #")
        && let Some((n, tail)) = number(&rest[i + "(pull request #".len()..])
        && tail.starts_with(')')
    {
        return Some(make("bitbucket", n, PrForm::MergeSubject));
    }
    if let Some(rest) = subj.strip_prefix("Merged PR ")
        && let Some((n, tail)) = number(rest)
        && tail.starts_with(':')
    {
        return Some(make("azure", n, PrForm::MergeSubject));
    }
    for line in lines(message) {
        if let Some(rest) = line.trim().strip_prefix("See merge request ")
            && let Some(n) = gitlab_reference(rest.trim())
        {
            return Some(make("gitlab", n, PrForm::MergeRequestLine));
        }
    }
    if let Some(body) = subj.strip_suffix(')')
        && let Some(i) = body.rfind("(#")
        && let Some((n, "")) = number(&body[i + 2..])
        && (i == 0 || body[..i].ends_with(' '))
    {
        return Some(make("github", n, PrForm::SquashSubject));
    }
    None
}

/// The number in a GitLab merge request reference `group/project!45` (or `!45`).
fn gitlab_reference(text: &str) -> Option<u64> {
    let token = text.split_whitespace().next()?;
    let (path, num) = token.rsplit_once('!')?;
    let ok_path = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_'));
    let (n, rest) = number(num)?;
    (ok_path && rest.is_empty()).then_some(n)
}

/// Trailer prefixes git itself writes; a block with one needs only 25% trailer lines.
const GIT_GENERATED: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn is_comment(line: &str) -> bool {
    line.starts_with('#')
}

/// The byte length of the token before the `:` separator, as `git interpret-trailers` finds
/// it: ASCII letters, digits and `-`, optionally followed by spaces or tabs, then `:`.
fn separator(line: &str) -> Option<usize> {
    let mut seen_space = false;
    for (i, b) in line.bytes().enumerate() {
        if b == b':' {
            return (i >= 1).then_some(i);
        }
        if !seen_space && (b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        if i > 0 && (b == b' ' || b == b'\t') {
            seen_space = true;
            continue;
        }
        return None;
    }
    None
}

fn starts_with_space(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

/// The trailers of a commit message (see the module documentation for the rules).
pub fn trailers(message: &str) -> Vec<Trailer> {
    let all: Vec<&str> = lines(message).collect();
    // Trailing blank and comment lines are not part of the message.
    let mut end = all.len();
    while end > 0
        && all
            .get(end - 1)
            .is_some_and(|l| is_blank(l) || is_comment(l))
    {
        end -= 1;
    }
    let all = all.get(..end).unwrap_or_default();
    // The first paragraph is the title: trailers start after its end.
    let end_of_title = all
        .iter()
        .position(|l| !is_comment(l) && is_blank(l))
        .unwrap_or(all.len());
    let Some(start) = block_start(all, end_of_title) else {
        return Vec::new();
    };
    let mut out: Vec<Trailer> = Vec::new();
    let mut in_trailer = false;
    for line in all.get(start..).unwrap_or_default() {
        if is_comment(line) {
            continue;
        }
        if starts_with_space(line) {
            if in_trailer && let Some(last) = out.last_mut() {
                let more = line.trim();
                if !more.is_empty() {
                    if !last.value.is_empty() {
                        last.value.push(' ');
                    }
                    last.value.push_str(more);
                }
            }
            continue;
        }
        if GIT_GENERATED[1..].iter().any(|p| line.starts_with(p)) {
            in_trailer = false;
            continue;
        }
        match separator(line) {
            Some(sep) => {
                out.push(Trailer {
                    key: line[..sep].trim().to_string(),
                    value: line[sep + 1..].trim().to_string(),
                });
                in_trailer = true;
            }
            None => in_trailer = false,
        }
    }
    out
}

/// Where the trailer block starts (an index into `lines`), scanning back from the end as git
/// does; `None` when the last paragraph is not a trailer block.
fn block_start(lines: &[&str], end_of_title: usize) -> Option<usize> {
    let mut trailer_lines = 0usize;
    let mut non_trailer_lines = 0usize;
    let mut possible_continuations = 0usize;
    let mut recognized = false;
    let mut only_spaces = true;
    for i in (end_of_title..lines.len()).rev() {
        let line = lines.get(i)?;
        if is_comment(line) {
            non_trailer_lines += possible_continuations;
            possible_continuations = 0;
            continue;
        }
        if is_blank(line) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuations;
            if (recognized && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0)
            {
                return Some(i + 1);
            }
            return None;
        }
        only_spaces = false;
        if GIT_GENERATED.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            possible_continuations = 0;
            recognized = true;
            continue;
        }
        if separator(line).is_some() && !starts_with_space(line) {
            trailer_lines += 1;
            possible_continuations = 0;
        } else if starts_with_space(line) {
            possible_continuations += 1;
        } else {
            non_trailer_lines += 1 + possible_continuations;
            possible_continuations = 0;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_follows_git() {
        assert_eq!(separator("Reviewed-by: A"), Some(11));
        assert_eq!(separator("Key : v"), Some(4));
        assert_eq!(separator("Two words: v"), None);
        assert_eq!(separator(": v"), None);
        assert_eq!(separator(" Key: v"), None);
        assert_eq!(separator("Clé: v"), None);
        assert_eq!(separator("http://x"), Some(4));
    }

    #[test]
    fn numbers_are_bounded() {
        assert_eq!(number("12x"), Some((12, "x")));
        assert_eq!(number("x"), None);
        assert_eq!(number("99999999999999999999999"), None);
    }
}
