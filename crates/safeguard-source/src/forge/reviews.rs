//! Review exports: which merged pull/merge request produced a commit, and who approved it.
//!
//! Formats (detected from the JSON):
//! - GitHub CLI: `gh pr list --state merged --json
//!   number,title,author,mergeCommit,mergedAt,reviews,reviewDecision,url` (an array);
//! - GitLab: `GET /projects/:id/merge_requests?state=merged` (an array), optionally with each
//!   merge request's `approved_by` from `GET /projects/:id/merge_requests/:iid/approvals`
//!   merged in.
//!
//! Approvers are people other than the author: a self-approval does not count. On GitHub a
//! reviewer counts when their latest deciding review (approve, request changes, dismissed) is
//! an approval.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ForgeError;
use super::json::{self, Node};

/// One merged pull/merge request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// `"github"` or `"gitlab"`.
    pub forge: &'static str,
    /// Pull request number / merge request `iid`.
    pub number: u64,
    /// Title, when exported.
    pub title: Option<String>,
    /// Web address, when exported.
    pub url: Option<String>,
    /// Author's login; `None` when the account is gone or not exported.
    pub author: Option<String>,
    /// Who approved it, the author excluded (GitHub: in order of each reviewer's first
    /// deciding review).
    pub approvers: Vec<String>,
    /// Whether the author approved their own change (which does not count).
    pub self_approved: bool,
    /// When it was merged (as exported, RFC 3339).
    pub merged_at: Option<String>,
    /// GitHub's `reviewDecision` (`APPROVED`, `REVIEW_REQUIRED`, …), when exported.
    pub decision: Option<String>,
    /// The commits it put on the target branch (merge, squash, or fast-forwarded head).
    pub commits: Vec<String>,
}

/// A review export, indexed by commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewExport {
    /// `"github"` or `"gitlab"`; `None` for an empty export.
    pub forge: Option<&'static str>,
    /// Merged requests in export order.
    pub reviews: Vec<Review>,
    /// Commit id (lower-case hex) → index into `reviews`.
    #[serde(skip)]
    by_commit: BTreeMap<String, usize>,
}

impl ReviewExport {
    /// The review that produced commit `sha` (full id, or a unique prefix of 7 or more).
    pub fn get(&self, sha: &str) -> Option<&Review> {
        let sha = sha.trim().to_ascii_lowercase();
        if let Some(&i) = self.by_commit.get(&sha) {
            return self.reviews.get(i);
        }
        if sha.len() < 7 {
            return None;
        }
        let mut hits = self
            .by_commit
            .range(sha.clone()..)
            .take_while(|(k, _)| k.starts_with(&sha));
        let (_, &first) = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        self.reviews.get(first)
    }

    /// How many commits the export maps.
    pub fn commit_count(&self) -> usize {
        self.by_commit.len()
    }

    fn add(&mut self, review: Review) {
        let i = self.reviews.len();
        for c in &review.commits {
            self.by_commit.entry(c.clone()).or_insert(i);
        }
        self.reviews.push(review);
    }
}

/// Read a review export (see the module documentation for the formats).
pub fn read_reviews(file_name: &str, bytes: &[u8]) -> Result<ReviewExport, ForgeError> {
    let value = json::parse(file_name, bytes)?;
    let root = Node::root(file_name, &value);
    let items = root.items().map_err(|_| ForgeError::UnknownFormat {
        file: file_name.to_string(),
        message: format!(
            "expected an array of merged pull requests (gh pr list --state merged --json \
             number,title,author,mergeCommit,mergedAt,reviews,reviewDecision,url) or of GitLab \
             merge requests (GET /projects/:id/merge_requests?state=merged), found {}",
            json::kind(&value)
        ),
    })?;
    let mut out = ReviewExport::default();
    let Some(first) = items.first() else {
        return Ok(out);
    };
    let github = first.has("mergeCommit") || first.has("reviewDecision") || first.has("mergedAt");
    let gitlab = first.has("iid") || first.has("merge_commit_sha");
    if !github && !gitlab {
        return Err(ForgeError::UnknownFormat {
            file: file_name.to_string(),
            message: "the first entry has neither GitHub CLI fields (number, mergeCommit, \
                      reviews) nor GitLab merge request fields (iid, merge_commit_sha)"
                .to_string(),
        });
    }
    out.forge = Some(if github { "github" } else { "gitlab" });
    for item in &items {
        let review = if github {
            github_pr(item)?
        } else {
            match gitlab_mr(item)? {
                Some(r) => r,
                None => continue,
            }
        };
        out.add(review);
    }
    Ok(out)
}

fn sha(n: &Node<'_>) -> Result<String, ForgeError> {
    let s = n.str()?;
    if s.len() < 7 || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(n.err(format!("\"{s}\" is not a commit id (hex)")));
    }
    Ok(s.to_ascii_lowercase())
}

fn login_eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn github_pr(n: &Node<'_>) -> Result<Review, ForgeError> {
    let number = n.req("number", "the pull request number")?.u64()?;
    let author = match n.get("author")? {
        Some(a) => a.opt_str("login")?.map(str::to_string),
        None => None,
    };
    let mut commits = Vec::new();
    let merge = n.req(
        "mergeCommit",
        "the merge commit ({\"oid\": …}); export with --json …,mergeCommit",
    );
    match merge {
        Ok(m) => commits.push(sha(&m.req("oid", "the commit id")?)?),
        // `null` for a pull request that was closed without merging.
        Err(_) if n.has("mergeCommit") => {}
        Err(e) => return Err(e),
    }
    let reviews = n
        .req(
            "reviews",
            "the pull request's reviews; export with --json …,reviews",
        )?
        .items()?;
    // (submittedAt, login, state) of deciding reviews, then the latest per reviewer.
    let mut deciding: Vec<(String, String, bool)> = Vec::new();
    for r in &reviews {
        let state = r.req("state", "the review state")?.str()?;
        let Some(who) = r.get("author")?.map(|a| a.opt_str("login")).transpose()? else {
            continue;
        };
        let Some(who) = who else { continue };
        let approved = match state {
            "APPROVED" => true,
            "CHANGES_REQUESTED" | "DISMISSED" => false,
            _ => continue,
        };
        let at = r.opt_str("submittedAt")?.unwrap_or("").to_string();
        deciding.push((at, who.to_string(), approved));
    }
    // Stable: reviews without a time keep export order.
    deciding.sort_by(|a, b| a.0.cmp(&b.0));
    let mut latest: Vec<(String, bool)> = Vec::new();
    for (_, who, approved) in deciding {
        match latest.iter_mut().find(|(w, _)| login_eq(w, &who)) {
            Some(entry) => entry.1 = approved,
            None => latest.push((who, approved)),
        }
    }
    let mut approvers = Vec::new();
    let mut self_approved = false;
    for (who, approved) in latest {
        if !approved {
            continue;
        }
        if author.as_deref().is_some_and(|a| login_eq(a, &who)) {
            self_approved = true;
        } else {
            approvers.push(who);
        }
    }
    Ok(Review {
        forge: "github",
        number,
        title: n.opt_str("title")?.map(str::to_string),
        url: n.opt_str("url")?.map(str::to_string),
        author,
        approvers,
        self_approved,
        merged_at: n.opt_str("mergedAt")?.map(str::to_string),
        decision: n
            .opt_str("reviewDecision")?
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        commits,
    })
}

/// A GitLab merge request; `None` when it is not merged.
fn gitlab_mr(n: &Node<'_>) -> Result<Option<Review>, ForgeError> {
    let number = n.req("iid", "the merge request's iid")?.u64()?;
    if let Some(state) = n.opt_str("state")?
        && state != "merged"
    {
        return Ok(None);
    }
    let author = n
        .req("author", "the author ({\"username\": …})")?
        .req("username", "the author's username")?
        .str()?
        .to_string();
    if !n.has("merge_commit_sha") {
        return Err(n.missing("merge_commit_sha", "the merge commit id, or null"));
    }
    let mut commits = Vec::new();
    for key in ["merge_commit_sha", "squash_commit_sha"] {
        if let Some(c) = n.get(key)? {
            commits.push(sha(&c)?);
        }
    }
    // Fast-forward merges leave the merge request's head as the branch tip.
    if commits.is_empty()
        && let Some(head) = n.get("sha")?
    {
        commits.push(sha(&head)?);
    }
    let mut approvers = Vec::new();
    let mut self_approved = false;
    if let Some(list) = n.get("approved_by")? {
        for a in list.items()? {
            let who = a
                .req("user", "the approving user")?
                .req("username", "the approver's username")?
                .str()?;
            if login_eq(who, &author) {
                self_approved = true;
            } else if !approvers.iter().any(|x: &String| login_eq(x, who)) {
                approvers.push(who.to_string());
            }
        }
    }
    Ok(Some(Review {
        forge: "gitlab",
        number,
        title: n.opt_str("title")?.map(str::to_string),
        url: n.opt_str("web_url")?.map(str::to_string),
        author: Some(author),
        approvers,
        self_approved,
        merged_at: n.opt_str("merged_at")?.map(str::to_string),
        decision: None,
        commits,
    }))
}
