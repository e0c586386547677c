//! Branch protection read from forge settings exports, normalised to one shape, and a tiered
//! assessment of which safeguards a branch has.
//!
//! Formats (detected from the JSON itself):
//! - GitHub branch protection: `GET /repos/{owner}/{repo}/branches/{branch}/protection`
//!   (the branch is read from the response's `url`);
//! - GitHub rulesets: `GET /repos/{owner}/{repo}/rulesets/{id}`, one object or an array of
//!   them (rulesets that target tags or pushes are left out);
//! - GitLab protected branches: `GET /projects/:id/protected_branches`, optionally combined
//!   with `GET /projects/:id/approvals`, `GET /projects/:id/approval_rules` and
//!   `GET /projects/:id/push_rule`, either as separate files ([`read_protection_set`]) or in
//!   one object `{"protected_branches": [...], "approvals": {...}, "approval_rules": [...],
//!   "push_rule": {...}}`.

use serde::Serialize;

use super::ForgeError;
use super::glob;
use super::json::{self, Node};

/// Branch protection normalised across forges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BranchProtection {
    /// Where it came from: `github-branch-protection`, `github-ruleset` or
    /// `gitlab-protected-branch`.
    pub source: String,
    /// The ruleset's name, when it has one.
    pub name: Option<String>,
    /// The branch name or pattern (`main`, `release/*`, `~DEFAULT_BRANCH`, `~ALL`).
    pub branch: String,
    /// Patterns excluded from `branch` (rulesets).
    pub exclude: Vec<String>,
    /// `active`; GitHub rulesets may also be `evaluate` (reported, not enforced) or `disabled`.
    pub enforcement: String,
    /// Changes must go through a pull/merge request.
    pub require_pull_request: bool,
    /// Approvals required before merging.
    pub required_approvals: u32,
    /// A code owner must approve changes to owned files.
    pub code_owner_review: bool,
    /// Approvals are dismissed (GitLab: reset) when new commits are pushed.
    pub dismiss_stale_reviews: bool,
    /// The most recent push must be approved by someone other than its pusher (GitHub).
    pub require_last_push_approval: bool,
    /// Commits must be signed.
    pub require_signed_commits: bool,
    /// Force pushes are allowed.
    pub allow_force_push: bool,
    /// The branch may be deleted.
    pub allow_deletion: bool,
    /// The rules bind administrators too.
    pub enforce_for_admins: bool,
    /// Status checks that must pass.
    pub required_status_checks: Vec<String>,
    /// The branch must be up to date with the base before merging.
    pub strict_status_checks: bool,
    /// Merge commits are not allowed (linear history).
    pub linear_history: bool,
    /// Who may bypass the rules (GitHub) or push directly (GitLab).
    pub bypass: Vec<String>,
    /// A merge request's author may approve it (GitLab `merge_requests_author_approval`).
    pub author_can_approve: bool,
    /// Approval rules can be changed per merge request (GitLab, when
    /// `disable_overriding_approvers_per_merge_request` is false).
    pub approvals_overridable: bool,
    /// Other facts worth showing (read-only branch, unknown bypass list, …).
    pub notes: Vec<String>,
}

impl BranchProtection {
    fn new(source: &str, branch: &str) -> BranchProtection {
        BranchProtection {
            source: source.to_string(),
            name: None,
            branch: branch.to_string(),
            exclude: Vec::new(),
            enforcement: "active".to_string(),
            require_pull_request: false,
            required_approvals: 0,
            code_owner_review: false,
            dismiss_stale_reviews: false,
            require_last_push_approval: false,
            require_signed_commits: false,
            allow_force_push: false,
            allow_deletion: false,
            enforce_for_admins: false,
            required_status_checks: Vec::new(),
            strict_status_checks: false,
            linear_history: false,
            bypass: Vec::new(),
            author_can_approve: false,
            approvals_overridable: false,
            notes: Vec::new(),
        }
    }

    /// Whether the forge enforces it (rulesets in `evaluate` or `disabled` mode are not).
    pub fn is_active(&self) -> bool {
        self.enforcement == "active"
    }
}

/// What a JSON document is.
enum Kind {
    GitHubBranchProtection,
    GitHubRulesets,
    GitLabProtectedBranches,
    GitLabApprovals,
    GitLabApprovalRules,
    GitLabPushRule,
    Bundle,
    ApiError(String),
    EmptyArray,
    Unknown,
}

const GITHUB_BP_KEYS: &[&str] = &[
    "required_pull_request_reviews",
    "enforce_admins",
    "required_status_checks",
    "allow_force_pushes",
    "allow_deletions",
    "required_signatures",
    "required_linear_history",
    "lock_branch",
];

fn detect(v: &serde_json::Value) -> Kind {
    use serde_json::Value;
    let has = |o: &serde_json::Map<String, Value>, k: &str| o.contains_key(k);
    match v {
        Value::Array(items) => {
            let Some(first) = items.first() else {
                return Kind::EmptyArray;
            };
            let Some(o) = first.as_object() else {
                return Kind::Unknown;
            };
            if has(o, "push_access_levels") || has(o, "merge_access_levels") {
                Kind::GitLabProtectedBranches
            } else if has(o, "enforcement") || (has(o, "rules") && has(o, "target")) {
                Kind::GitHubRulesets
            } else if has(o, "approvals_required") {
                Kind::GitLabApprovalRules
            } else {
                Kind::Unknown
            }
        }
        Value::Object(o) => {
            if has(o, "protected_branches") && !has(o, "approvals_required") {
                Kind::Bundle
            } else if has(o, "enforcement") || (has(o, "rules") && has(o, "target")) {
                Kind::GitHubRulesets
            } else if GITHUB_BP_KEYS.iter().any(|k| has(o, k)) {
                Kind::GitHubBranchProtection
            } else if has(o, "approvals_before_merge")
                || has(o, "reset_approvals_on_push")
                || has(o, "merge_requests_author_approval")
                || has(o, "disable_overriding_approvers_per_merge_request")
            {
                Kind::GitLabApprovals
            } else if has(o, "reject_unsigned_commits") || has(o, "commit_committer_check") {
                Kind::GitLabPushRule
            } else if let Some(m) = o
                .get("message")
                .or_else(|| o.get("error"))
                .and_then(Value::as_str)
            {
                Kind::ApiError(m.to_string())
            } else {
                Kind::Unknown
            }
        }
        _ => Kind::Unknown,
    }
}

const FORMATS: &str = "expected a GitHub branch protection export (GET \
    /repos/{owner}/{repo}/branches/{branch}/protection), a GitHub ruleset or array of rulesets \
    (GET /repos/{owner}/{repo}/rulesets/{id}), or GitLab protected branches (GET \
    /projects/:id/protected_branches)";

/// GitLab project settings that refine protected branches.
#[derive(Default)]
struct GitLabExtras {
    approvals: Option<u32>,
    reset_on_push: bool,
    author_can_approve: bool,
    overridable: bool,
    /// (approvals required, branch names it is limited to; empty = all branches).
    rules: Vec<(u32, Vec<String>, bool)>,
    reject_unsigned: bool,
    seen: Option<String>,
}

/// Read one branch protection export. GitLab approval settings alone are an error (they do
/// not say which branches are protected): pass them with [`read_protection_set`] or in one
/// bundle object.
pub fn read_protection(file_name: &str, bytes: &[u8]) -> Result<Vec<BranchProtection>, ForgeError> {
    read_protection_set(&[(file_name, bytes)])
}

/// Read several exports together (GitLab protected branches with the project's approval
/// settings, approval rules and push rule; any number of GitHub exports).
pub fn read_protection_set(files: &[(&str, &[u8])]) -> Result<Vec<BranchProtection>, ForgeError> {
    let mut out = Vec::new();
    let mut extras = GitLabExtras::default();
    for (file, bytes) in files {
        let value = json::parse(file, bytes)?;
        let root = Node::root(file, &value);
        read_document(&root, &mut out, &mut extras)?;
    }
    if let Some(extras_file) = &extras.seen {
        if !out.iter().any(|p| p.source == "gitlab-protected-branch") {
            return Err(ForgeError::Invalid {
                file: extras_file.clone(),
                path: "$".to_string(),
                message: "GitLab approval settings alone do not say which branches are \
                          protected; pass them together with the protected branches export \
                          (GET /projects/:id/protected_branches)"
                    .to_string(),
            });
        }
        for p in out
            .iter_mut()
            .filter(|p| p.source == "gitlab-protected-branch")
        {
            apply_gitlab_extras(p, &extras);
        }
    }
    Ok(out)
}

fn read_document(
    root: &Node<'_>,
    out: &mut Vec<BranchProtection>,
    extras: &mut GitLabExtras,
) -> Result<(), ForgeError> {
    match detect(root.v) {
        Kind::GitHubBranchProtection => out.push(github_branch_protection(root)?),
        Kind::GitHubRulesets => {
            if root.v.is_array() {
                for item in root.items()? {
                    out.extend(github_ruleset(&item)?);
                }
            } else {
                out.extend(github_ruleset(root)?);
            }
        }
        Kind::GitLabProtectedBranches => {
            for item in root.items()? {
                out.push(gitlab_protected_branch(&item)?);
            }
        }
        Kind::GitLabApprovals => gitlab_approvals(root, extras)?,
        Kind::GitLabApprovalRules => gitlab_approval_rules(root, extras)?,
        Kind::GitLabPushRule => gitlab_push_rule(root, extras)?,
        Kind::Bundle => {
            for item in root
                .req("protected_branches", "an array of protected branches")?
                .items()?
            {
                out.push(gitlab_protected_branch(&item)?);
            }
            if let Some(a) = root.get("approvals")? {
                gitlab_approvals(&a, extras)?;
            }
            if let Some(r) = root.get("approval_rules")? {
                gitlab_approval_rules(&r, extras)?;
            }
            if let Some(r) = root.get("push_rule")? {
                gitlab_push_rule(&r, extras)?;
            }
        }
        Kind::EmptyArray => {}
        Kind::ApiError(message) => {
            return Err(ForgeError::UnknownFormat {
                file: root.file.to_string(),
                message: format!(
                    "this is an error response from the forge's API (\"{message}\"), not \
                     settings; {}",
                    if message.contains("not protected") {
                        "the branch is not protected"
                    } else {
                        "export again with a token that can read the repository's settings"
                    }
                ),
            });
        }
        Kind::Unknown => {
            return Err(ForgeError::UnknownFormat {
                file: root.file.to_string(),
                message: format!("not a branch protection export: {FORMATS}"),
            });
        }
    }
    Ok(())
}

/// The branch name in `…/branches/{branch}/protection`, percent-decoded.
fn branch_from_url(url: &str) -> Option<String> {
    let (_, rest) = url.rsplit_once("/branches/")?;
    let rest = rest.split(['?', '#']).next()?;
    let name = rest.strip_suffix("/protection").unwrap_or(rest);
    let name = percent_decode(name.trim_end_matches('/'))?;
    (!name.is_empty()).then_some(name)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn strings(n: &Node<'_>) -> Result<Vec<String>, ForgeError> {
    n.items()?
        .iter()
        .map(|i| i.str().map(str::to_string))
        .collect()
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn github_branch_protection(root: &Node<'_>) -> Result<BranchProtection, ForgeError> {
    let url = root.req(
        "url",
        "the API URL ending in /branches/{branch}/protection, which names the branch (export \
         the response of GET /repos/{owner}/{repo}/branches/{branch}/protection unchanged)",
    )?;
    let branch = branch_from_url(url.str()?).ok_or_else(|| {
        url.err("does not end in /branches/{branch}/protection, so the branch is unknown")
    })?;
    let mut p = BranchProtection::new("github-branch-protection", &branch);
    if let Some(r) = root.get("required_pull_request_reviews")? {
        p.require_pull_request = true;
        p.required_approvals = r
            .req("required_approving_review_count", "a number of approvals")?
            .u32()?;
        p.dismiss_stale_reviews = r.opt_bool("dismiss_stale_reviews")?.unwrap_or(false);
        p.code_owner_review = r.opt_bool("require_code_owner_reviews")?.unwrap_or(false);
        p.require_last_push_approval = r.opt_bool("require_last_push_approval")?.unwrap_or(false);
        if let Some(b) = r.get("bypass_pull_request_allowances")? {
            for (key, field, label) in [
                ("users", "login", "user"),
                ("teams", "slug", "team"),
                ("apps", "slug", "app"),
            ] {
                if let Some(list) = b.get(key)? {
                    for item in list.items()? {
                        let who = item.req(field, "a string")?.str()?;
                        push_unique(&mut p.bypass, format!("{label}:{who}"));
                    }
                }
            }
        }
    }
    p.require_signed_commits = root.enabled("required_signatures", false)?;
    p.enforce_for_admins = root.enabled("enforce_admins", false)?;
    p.allow_force_push = root.enabled("allow_force_pushes", false)?;
    p.allow_deletion = root.enabled("allow_deletions", false)?;
    p.linear_history = root.enabled("required_linear_history", false)?;
    if root.enabled("lock_branch", false)? {
        p.notes
            .push("the branch is locked (read-only): no one can push to it".to_string());
    }
    if let Some(sc) = root.get("required_status_checks")? {
        p.strict_status_checks = sc.opt_bool("strict")?.unwrap_or(false);
        if let Some(contexts) = sc.get("contexts")? {
            for c in strings(&contexts)? {
                push_unique(&mut p.required_status_checks, c);
            }
        }
        if let Some(checks) = sc.get("checks")? {
            for c in checks.items()? {
                let ctx = c.req("context", "the check's name")?.str()?;
                push_unique(&mut p.required_status_checks, ctx.to_string());
            }
        }
    }
    if let Some(r) = root.get("restrictions")? {
        let mut n = 0;
        for key in ["users", "teams", "apps"] {
            if let Some(list) = r.get(key)? {
                n += list.items()?.len();
            }
        }
        p.notes.push(format!(
            "pushes are restricted to {n} listed user(s), team(s) and app(s)"
        ));
    }
    Ok(p)
}

/// `refs/heads/main` → `main`; `~DEFAULT_BRANCH`, `~ALL` and bare patterns as they are.
fn strip_ref(pattern: &str) -> String {
    pattern
        .strip_prefix("refs/heads/")
        .unwrap_or(pattern)
        .to_string()
}

fn github_ruleset(n: &Node<'_>) -> Result<Vec<BranchProtection>, ForgeError> {
    let enforcement_node = n.req("enforcement", "\"active\", \"evaluate\" or \"disabled\"")?;
    let enforcement = match enforcement_node.str()? {
        "active" | "enabled" => "active",
        "evaluate" => "evaluate",
        "disabled" => "disabled",
        other => {
            return Err(enforcement_node.err(format!(
                "unknown enforcement \"{other}\"; expected \"active\", \"evaluate\" or \
                 \"disabled\""
            )));
        }
    };
    let target = n.opt_str("target")?.unwrap_or("branch");
    if target != "branch" {
        return Ok(Vec::new());
    }
    let rules = n
        .req(
            "rules",
            "the ruleset's rules (the list endpoint GET /repos/{owner}/{repo}/rulesets leaves \
             them out: export each ruleset with GET /repos/{owner}/{repo}/rulesets/{id})",
        )?
        .items()?;
    let ref_name = n
        .req("conditions", "an object with ref_name.include")?
        .req(
            "ref_name",
            "an object with include and exclude branch patterns",
        )?;
    let include = strings(&ref_name.req("include", "an array of branch patterns")?)?;
    let exclude = match ref_name.get("exclude")? {
        Some(e) => strings(&e)?,
        None => Vec::new(),
    };

    let mut base = BranchProtection::new("github-ruleset", "");
    base.name = n.opt_str("name")?.map(str::to_string);
    base.enforcement = enforcement.to_string();
    base.exclude = exclude.iter().map(|e| strip_ref(e)).collect();
    // A ruleset blocks force pushes and deletion only with the matching rules.
    base.allow_force_push = true;
    base.allow_deletion = true;
    for rule in rules {
        let ty = rule.req("type", "the rule type")?.str()?;
        match ty {
            "pull_request" => {
                let params = rule.req("parameters", "the pull request rule's parameters")?;
                base.require_pull_request = true;
                base.required_approvals = base.required_approvals.max(
                    params
                        .req("required_approving_review_count", "a number of approvals")?
                        .u32()?,
                );
                base.dismiss_stale_reviews |= params
                    .opt_bool("dismiss_stale_reviews_on_push")?
                    .unwrap_or(false);
                base.code_owner_review |= params
                    .opt_bool("require_code_owner_review")?
                    .unwrap_or(false);
                base.require_last_push_approval |= params
                    .opt_bool("require_last_push_approval")?
                    .unwrap_or(false);
            }
            "required_signatures" => base.require_signed_commits = true,
            "non_fast_forward" => base.allow_force_push = false,
            "deletion" => base.allow_deletion = false,
            "required_linear_history" => base.linear_history = true,
            "required_status_checks" => {
                let params = rule.req("parameters", "the status check rule's parameters")?;
                for c in params
                    .req("required_status_checks", "an array of checks")?
                    .items()?
                {
                    let ctx = c.req("context", "the check's name")?.str()?;
                    push_unique(&mut base.required_status_checks, ctx.to_string());
                }
                base.strict_status_checks |= params
                    .opt_bool("strict_required_status_checks_policy")?
                    .unwrap_or(false);
            }
            "update" => base
                .notes
                .push("updates are blocked: no one can push to matching branches".to_string()),
            "merge_queue" => base
                .notes
                .push("changes merge through a merge queue".to_string()),
            _ => {}
        }
    }
    // Unknown bypass lists are not taken to bind administrators.
    let mut admins_bypass = n.get("bypass_actors")?.is_none();
    match n.get("bypass_actors")? {
        Some(actors) => {
            for a in actors.items()? {
                let ty = a.req("actor_type", "the kind of actor")?.str()?;
                let id = a.get("actor_id")?.map(|i| i.u64()).transpose()?;
                let mode = a.opt_str("bypass_mode")?.unwrap_or("always");
                if ty == "OrganizationAdmin" || (ty == "RepositoryRole" && id == Some(5)) {
                    admins_bypass = true;
                }
                let who = match (ty, id) {
                    ("RepositoryRole", Some(1)) => "RepositoryRole read".to_string(),
                    ("RepositoryRole", Some(2)) => "RepositoryRole maintain".to_string(),
                    ("RepositoryRole", Some(4)) => "RepositoryRole write".to_string(),
                    ("RepositoryRole", Some(5)) => "RepositoryRole admin".to_string(),
                    ("OrganizationAdmin", _) | (_, None) => ty.to_string(),
                    (_, Some(id)) => format!("{ty} {id}"),
                };
                push_unique(&mut base.bypass, format!("{who} ({mode})"));
            }
        }
        None => base.notes.push(
            "the export has no bypass_actors (GitHub shows them only to users who can edit the \
             ruleset), so who can bypass it is unknown"
                .to_string(),
        ),
    }
    base.enforce_for_admins = !admins_bypass;
    Ok(include
        .iter()
        .map(|pattern| {
            let mut p = base.clone();
            p.branch = strip_ref(pattern);
            p
        })
        .collect())
}

/// Who a GitLab access level entry lets push or merge; `None` for "No one".
fn gitlab_access(a: &Node<'_>) -> Result<Option<(String, bool)>, ForgeError> {
    let desc = a.opt_str("access_level_description")?;
    let label = |fallback: String| desc.map(str::to_string).unwrap_or(fallback);
    if let Some(id) = a.get("user_id")? {
        return Ok(Some((label(format!("user {}", id.u64()?)), false)));
    }
    if let Some(id) = a.get("group_id")? {
        return Ok(Some((label(format!("group {}", id.u64()?)), false)));
    }
    if let Some(id) = a.get("deploy_key_id")? {
        return Ok(Some((label(format!("deploy key {}", id.u64()?)), false)));
    }
    let level = a
        .req(
            "access_level",
            "a number (0 no one, 30 developers, 40 maintainers)",
        )?
        .u64()?;
    Ok(match level {
        0 => None,
        // Developers (and anything below maintainers) can push without review.
        l if l < 40 => Some((label("Developers + Maintainers".to_string()), true)),
        40 => Some((label("Maintainers".to_string()), false)),
        _ => Some((label("Admins".to_string()), false)),
    })
}

fn gitlab_protected_branch(n: &Node<'_>) -> Result<BranchProtection, ForgeError> {
    let name = n.req("name", "the branch name or wildcard")?.str()?;
    let mut p = BranchProtection::new("gitlab-protected-branch", name);
    let push = n
        .req("push_access_levels", "an array of who may push")?
        .items()?;
    let merge = n
        .req("merge_access_levels", "an array of who may merge")?
        .items()?;
    p.allow_force_push = n.req_bool("allow_force_push")?;
    p.code_owner_review = n.opt_bool("code_owner_approval_required")?.unwrap_or(false);
    // Protected branches cannot be deleted by a push.
    p.allow_deletion = false;
    let mut pushers = Vec::new();
    let mut developers_push = false;
    for a in &push {
        if let Some((who, dev)) = gitlab_access(a)? {
            developers_push |= dev;
            push_unique(&mut pushers, who);
        }
    }
    p.require_pull_request = !developers_push;
    p.enforce_for_admins = pushers.is_empty();
    if developers_push {
        p.notes
            .push("developers can push directly, without a merge request".to_string());
    } else {
        p.bypass = pushers;
    }
    let mut mergers = 0;
    for a in &merge {
        if gitlab_access(a)?.is_some() {
            mergers += 1;
        }
    }
    if mergers == 0 {
        p.notes.push("no one is allowed to merge".to_string());
    }
    Ok(p)
}

fn gitlab_approvals(n: &Node<'_>, extras: &mut GitLabExtras) -> Result<(), ForgeError> {
    n.object()?;
    if let Some(a) = n.get("approvals_before_merge")? {
        extras.approvals = Some(a.u32()?);
    }
    extras.reset_on_push = n.opt_bool("reset_approvals_on_push")?.unwrap_or(false);
    extras.author_can_approve = n
        .opt_bool("merge_requests_author_approval")?
        .unwrap_or(false);
    extras.overridable = !n
        .opt_bool("disable_overriding_approvers_per_merge_request")?
        .unwrap_or(true);
    extras.seen.get_or_insert_with(|| n.file.to_string());
    Ok(())
}

fn gitlab_approval_rules(n: &Node<'_>, extras: &mut GitLabExtras) -> Result<(), ForgeError> {
    for rule in n.items()? {
        let required = rule
            .req("approvals_required", "a number of approvals")?
            .u32()?;
        if rule.opt_str("rule_type")? == Some("report_approver") {
            continue;
        }
        let mut branches = Vec::new();
        if let Some(list) = rule.get("protected_branches")? {
            for b in list.items()? {
                branches.push(b.req("name", "the branch name")?.str()?.to_string());
            }
        }
        let all = rule
            .opt_bool("applies_to_all_protected_branches")?
            .unwrap_or(false);
        extras.rules.push((required, branches, all));
    }
    extras.seen.get_or_insert_with(|| n.file.to_string());
    Ok(())
}

fn gitlab_push_rule(n: &Node<'_>, extras: &mut GitLabExtras) -> Result<(), ForgeError> {
    extras.reject_unsigned = n.opt_bool("reject_unsigned_commits")?.unwrap_or(false);
    extras.seen.get_or_insert_with(|| n.file.to_string());
    Ok(())
}

fn apply_gitlab_extras(p: &mut BranchProtection, x: &GitLabExtras) {
    let mut approvals = x.approvals.unwrap_or(0);
    for (required, branches, all) in &x.rules {
        if *all || branches.is_empty() || branches.iter().any(|b| b == &p.branch) {
            approvals = approvals.max(*required);
        }
    }
    p.required_approvals = approvals;
    p.dismiss_stale_reviews = x.reset_on_push;
    p.author_can_approve = x.author_can_approve;
    p.approvals_overridable = x.overridable;
    p.require_signed_commits = x.reject_unsigned;
}

/// Whether a protection's branch pattern covers `branch`. GitHub patterns are `fnmatch`-like
/// (`*` stops at `/`, `**` does not, `?`, `[...]`), with `~DEFAULT_BRANCH` and `~ALL`;
/// GitLab wildcards `*` match any characters, `/` included. Exclusions are honoured.
pub fn applies_to(p: &BranchProtection, branch: &str, default_branch: &str) -> bool {
    let gitlab = p.source.starts_with("gitlab");
    let matches = |pattern: &str| match pattern {
        "~ALL" => true,
        "~DEFAULT_BRANCH" => branch == default_branch,
        _ if gitlab => glob::match_uniform(&glob::compile(pattern, false, false), branch, true),
        _ => glob::match_path(&glob::compile(pattern, true, true), branch),
    };
    matches(&p.branch) && !p.exclude.iter().any(|e| matches(e))
}

/// What the protections that apply to `branch` add up to: the strictest setting of each
/// safeguard among the active ones (force push and deletion allowed only if every one allows
/// them). `None` when none applies.
pub fn effective(
    protections: &[BranchProtection],
    branch: &str,
    default_branch: &str,
) -> Option<BranchProtection> {
    let applicable: Vec<&BranchProtection> = protections
        .iter()
        .filter(|p| p.is_active() && applies_to(p, branch, default_branch))
        .collect();
    let (first, rest) = applicable.split_first()?;
    let mut e = (*first).clone();
    e.branch = branch.to_string();
    e.exclude.clear();
    for p in rest {
        if e.source != p.source {
            e.source = "combined".to_string();
        }
        e.name = None;
        e.require_pull_request |= p.require_pull_request;
        e.required_approvals = e.required_approvals.max(p.required_approvals);
        e.code_owner_review |= p.code_owner_review;
        e.dismiss_stale_reviews |= p.dismiss_stale_reviews;
        e.require_last_push_approval |= p.require_last_push_approval;
        e.require_signed_commits |= p.require_signed_commits;
        e.allow_force_push &= p.allow_force_push;
        e.allow_deletion &= p.allow_deletion;
        e.enforce_for_admins |= p.enforce_for_admins;
        e.strict_status_checks |= p.strict_status_checks;
        e.linear_history |= p.linear_history;
        e.author_can_approve |= p.author_can_approve;
        e.approvals_overridable |= p.approvals_overridable;
        for c in &p.required_status_checks {
            push_unique(&mut e.required_status_checks, c.clone());
        }
        for b in &p.bypass {
            push_unique(&mut e.bypass, b.clone());
        }
        for n in &p.notes {
            push_unique(&mut e.notes, n.clone());
        }
    }
    // A rule that requires review and binds everyone cannot be bypassed, whatever others allow.
    if applicable
        .iter()
        .any(|p| p.require_pull_request && p.enforce_for_admins && p.bypass.is_empty())
    {
        e.bypass.clear();
    }
    Some(e)
}

/// One safeguard a protected branch can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Safeguard {
    /// History cannot be rewritten by force pushes.
    NoForcePush,
    /// The branch cannot be deleted.
    NoDeletion,
    /// Changes land only through pull/merge requests.
    PullRequestRequired,
    /// At least one approval from someone other than the author.
    IndependentApproval,
    /// At least one status check must pass.
    StatusChecks,
    /// New pushes invalidate earlier approvals.
    StaleApprovalsDismissed,
    /// Code owners must approve changes to what they own.
    CodeOwnerReview,
    /// Review is required and no one, administrators included, can bypass it.
    NoBypass,
    /// Commits must be signed.
    SignedCommits,
    /// At least two approvals.
    TwoApprovals,
}

impl Safeguard {
    /// Every safeguard, lowest level first.
    pub const ALL: [Safeguard; 10] = [
        Safeguard::NoForcePush,
        Safeguard::NoDeletion,
        Safeguard::PullRequestRequired,
        Safeguard::IndependentApproval,
        Safeguard::StatusChecks,
        Safeguard::StaleApprovalsDismissed,
        Safeguard::CodeOwnerReview,
        Safeguard::NoBypass,
        Safeguard::SignedCommits,
        Safeguard::TwoApprovals,
    ];

    /// The level (1–4) this safeguard belongs to.
    pub fn level(self) -> u8 {
        match self {
            Safeguard::NoForcePush | Safeguard::NoDeletion => 1,
            Safeguard::PullRequestRequired | Safeguard::IndependentApproval => 2,
            Safeguard::StatusChecks
            | Safeguard::StaleApprovalsDismissed
            | Safeguard::CodeOwnerReview => 3,
            Safeguard::NoBypass | Safeguard::SignedCommits | Safeguard::TwoApprovals => 4,
        }
    }

    /// What to turn on to have it, in a sentence.
    pub fn advice(self) -> &'static str {
        match self {
            Safeguard::NoForcePush => "block force pushes so published history cannot be rewritten",
            Safeguard::NoDeletion => "block deletion of the branch",
            Safeguard::PullRequestRequired => {
                "require a pull/merge request for every change instead of direct pushes"
            }
            Safeguard::IndependentApproval => {
                "require at least one approval, and do not let authors approve their own changes"
            }
            Safeguard::StatusChecks => {
                "require at least one status check (CI) to pass before merging"
            }
            Safeguard::StaleApprovalsDismissed => {
                "dismiss approvals when new commits are pushed, or require approval of the most \
                 recent push"
            }
            Safeguard::CodeOwnerReview => "require review from code owners",
            Safeguard::NoBypass => {
                "apply the rules to administrators too and remove bypass permissions (GitLab: let \
                 no one push directly and lock approval rules per merge request)"
            }
            Safeguard::SignedCommits => "require signed commits",
            Safeguard::TwoApprovals => "require at least two approvals",
        }
    }

    fn present(self, p: &BranchProtection) -> bool {
        match self {
            Safeguard::NoForcePush => !p.allow_force_push,
            Safeguard::NoDeletion => !p.allow_deletion,
            Safeguard::PullRequestRequired => p.require_pull_request,
            Safeguard::IndependentApproval => {
                p.require_pull_request && p.required_approvals >= 1 && !p.author_can_approve
            }
            Safeguard::StatusChecks => !p.required_status_checks.is_empty(),
            Safeguard::StaleApprovalsDismissed => {
                p.dismiss_stale_reviews || p.require_last_push_approval
            }
            Safeguard::CodeOwnerReview => p.code_owner_review,
            Safeguard::NoBypass => {
                p.require_pull_request
                    && p.enforce_for_admins
                    && p.bypass.is_empty()
                    && !p.approvals_overridable
            }
            Safeguard::SignedCommits => p.require_signed_commits,
            Safeguard::TwoApprovals => p.require_pull_request && p.required_approvals >= 2,
        }
    }
}

/// The name of each level, 0 to 4.
pub const LEVEL_NAMES: [&str; 5] = [
    "unprotected",
    "history protected",
    "changes reviewed",
    "reviews enforced",
    "no bypass",
];

/// A safeguard a branch lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// Which one.
    pub safeguard: Safeguard,
    /// Its level.
    pub level: u8,
    /// What to turn on.
    pub advice: &'static str,
}

/// How well one branch is protected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtectionAssessment {
    /// The branch assessed.
    pub branch: String,
    /// The highest level whose safeguards (and all lower levels') are all present; 0–4.
    pub level: u8,
    /// [`LEVEL_NAMES`] for `level`.
    pub level_name: &'static str,
    /// The protections that apply and are enforced (`source` and branch pattern).
    pub applied: Vec<String>,
    /// Protections that match the branch but are not enforced (rulesets in evaluate or
    /// disabled mode).
    pub not_enforced: Vec<String>,
    /// Safeguards present.
    pub present: Vec<Safeguard>,
    /// Safeguards missing, lowest level first.
    pub missing: Vec<Missing>,
    /// The combined protection, when any applies.
    pub effective: Option<BranchProtection>,
}

fn label(p: &BranchProtection) -> String {
    match &p.name {
        Some(n) => format!("{} \"{n}\" ({})", p.source, p.branch),
        None => format!("{} ({})", p.source, p.branch),
    }
}

/// Assess `branch` against every protection that applies to it.
pub fn assess(
    protections: &[BranchProtection],
    branch: &str,
    default_branch: &str,
) -> ProtectionAssessment {
    let matching = protections
        .iter()
        .filter(|p| applies_to(p, branch, default_branch));
    let (applied, not_enforced): (Vec<_>, Vec<_>) = matching.partition(|p| p.is_active());
    let effective = effective(protections, branch, default_branch);
    let (present, missing): (Vec<Safeguard>, Vec<Safeguard>) = Safeguard::ALL
        .iter()
        .partition(|s| effective.as_ref().is_some_and(|e| s.present(e)));
    let level = (1..=4u8)
        .take_while(|l| !missing.iter().any(|s| s.level() <= *l))
        .last()
        .unwrap_or(0);
    ProtectionAssessment {
        branch: branch.to_string(),
        level,
        level_name: LEVEL_NAMES.get(usize::from(level)).copied().unwrap_or(""),
        applied: applied.into_iter().map(label).collect(),
        not_enforced: not_enforced.into_iter().map(label).collect(),
        present,
        missing: missing
            .into_iter()
            .map(|s| Missing {
                safeguard: s,
                level: s.level(),
                advice: s.advice(),
            })
            .collect(),
        effective,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_from_api_url() {
        assert_eq!(
            branch_from_url("https://api.github.com/repos/o/r/branches/main/protection").as_deref(),
            Some("main")
        );
        assert_eq!(
            branch_from_url("https://api.github.com/repos/o/r/branches/release%2F1.x/protection")
                .as_deref(),
            Some("release/1.x")
        );
        assert_eq!(
            branch_from_url("https://ghe.example/api/v3/repos/o/r/branches/feature/x/protection")
                .as_deref(),
            Some("feature/x")
        );
        assert_eq!(branch_from_url("https://api.github.com/repos/o/r"), None);
        assert_eq!(branch_from_url("x/branches/%zz/protection"), None);
        assert_eq!(branch_from_url("x/branches/%e2%82/protection"), None);
    }
}
