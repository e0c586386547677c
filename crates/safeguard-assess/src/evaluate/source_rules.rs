//! Evaluators for the evidence of `safeguard source`, `safeguard ci` and `safeguard secrets`:
//! claims 1.4.3, 1.4.5, 2.1.3, 2.1.4, 2.2.1 and 2.2.2.
//!
//! What a scan can show is bounded: it sees the repository and its pipelines, not the build
//! servers, the identity provider or the access logs. Where a claim reaches beyond that, the
//! best automated result is "partially met" and the argument says what manual evidence would
//! complete it.

use safeguard_model::facts::{CiAuditFacts, SecretsFacts, SourceProvenanceFacts};

use super::{Outcome, list};
use crate::assessment::Status;

/// Secret families that are passwords written into code or configuration.
const PASSWORD_FAMILIES: &[&str] = &["generic", "connection-string"];

fn scope(s: &SecretsFacts) -> String {
    if s.history {
        format!(
            "{} rules over {} working-tree files and the history of {} commits ({} further blobs)",
            s.rules, s.files, s.commits, s.blobs
        )
    } else {
        format!(
            "{} rules over {} working-tree files (history not scanned)",
            s.rules, s.files
        )
    }
}

/// 1.4.3 No default or persistent passwords are used.
pub(super) fn default_passwords(id: &str, s: &SecretsFacts) -> Outcome {
    let found: u64 = PASSWORD_FAMILIES
        .iter()
        .filter_map(|f| s.by_family.get(*f))
        .sum();
    if found > 0 {
        let sample: Vec<String> = s.sample.iter().take(3).cloned().collect();
        return Outcome::new(
            Status::NotMet,
            format!(
                "The secret scan ({}) found {found} hard-coded passwords or credentials in connection strings that no one has reviewed, for example {}. Remove them, require a password to be set at first use, and record reviewed exceptions with `safeguard secrets review`.",
                scope(s),
                list(&sample, 3)
            ),
            &[id],
        );
    }
    Outcome::new(
        Status::PartiallyMet,
        format!(
            "The secret scan ({}) found no unreviewed hard-coded or default passwords in the code. Whether the shipped product forces a unique credential at first use is not visible in the repository: register the design or test evidence for it.",
            scope(s)
        ),
        &[id],
    )
}

/// 1.4.5 Credentials and sensitive data are stored securely.
pub(super) fn credentials_stored(id: &str, s: &SecretsFacts) -> Outcome {
    if s.open_in_tree > 0 {
        return Outcome::new(
            Status::NotMet,
            format!(
                "The secret scan ({}) found {} unreviewed credentials in the working tree, for example {}. Rotate them, move them to a secret store, and record reviewed exceptions with `safeguard secrets review`.",
                scope(s),
                s.open_in_tree,
                list(&s.sample, 3)
            ),
            &[id],
        );
    }
    if s.open_in_history > 0 {
        return Outcome::new(
            Status::PartiallyMet,
            format!(
                "The working tree holds no unreviewed credentials, but the git history still holds {} ({}). Rotate each one and record it as reviewed, since anyone with a clone can read them.",
                s.open_in_history,
                list(&s.sample, 3)
            ),
            &[id],
        );
    }
    let limit = if !s.history {
        " The git history was not scanned."
    } else if s.shallow {
        " The clone is shallow, so older history was not scanned."
    } else {
        ""
    };
    let reviewed = if s.reviewed > 0 {
        format!(
            " {} reviewed exceptions are recorded in {}.",
            s.reviewed,
            s.baseline.as_deref().unwrap_or("the baseline")
        )
    } else {
        String::new()
    };
    Outcome::new(
        Status::PartiallyMet,
        format!(
            "The secret scan ({}) found no unreviewed credentials in the code.{limit}{reviewed} How the product stores the credentials and sensitive data it handles (hashing, key management, secret stores) is not visible in the repository: register that design.",
            scope(s)
        ),
        &[id],
    )
}

/// CI findings about credentials: secrets passed wholesale, tokens left on disk, over-broad
/// tokens.
const CREDENTIAL_AUDITS: &[&str] = &[
    "secrets-inherit",
    "persist-credentials",
    "excessive-permissions",
];

fn audit_count(c: &CiAuditFacts, audits: &[&str]) -> u64 {
    audits.iter().filter_map(|a| c.by_audit.get(*a)).sum()
}

/// 2.1.3 Build environment credentials are bound to the user's role.
pub(super) fn token_scope(id: &str, c: &CiAuditFacts) -> Outcome {
    let broad = audit_count(c, &["excessive-permissions"]);
    if broad > 0 {
        return Outcome::new(
            Status::NotMet,
            format!(
                "The CI audit found {broad} place{} where workflow token permissions are missing or broader than the jobs need (audit `excessive-permissions` over {} CI file{}). Declare `permissions:` per job with only the scopes each job uses.",
                if broad == 1 { "" } else { "s" },
                c.files,
                if c.files == 1 { "" } else { "s" }
            ),
            &[id],
        );
    }
    Outcome::new(
        Status::PartiallyMet,
        format!(
            "The {} CI files audited scope their workflow tokens explicitly. How people's build-environment credentials are bound to their roles is not visible in the repository: register the access-control policy.",
            c.files
        ),
        &[id],
    )
}

/// 2.1.4 Credentials are securely managed and stored.
pub(super) fn build_credentials(
    secrets: Option<(&str, &SecretsFacts)>,
    ci: Option<(&str, &CiAuditFacts)>,
) -> Option<Outcome> {
    if secrets.is_none() && ci.is_none() {
        return None;
    }
    let cites: Vec<&str> = [secrets.map(|s| s.0), ci.map(|c| c.0)]
        .into_iter()
        .flatten()
        .collect();
    let mut problems = Vec::new();
    let mut observed = Vec::new();
    if let Some((_, s)) = secrets {
        if s.open_in_tree + s.open_in_history > 0 {
            problems.push(format!(
                "{} unreviewed credentials are in the repository ({} in the working tree)",
                s.open_in_tree + s.open_in_history,
                s.open_in_tree
            ));
        } else {
            observed.push(format!(
                "no unreviewed credentials in the repository ({})",
                scope(s)
            ));
        }
    }
    if let Some((_, c)) = ci {
        let n = audit_count(c, CREDENTIAL_AUDITS);
        if n > 0 {
            let mut which: Vec<String> = CREDENTIAL_AUDITS
                .iter()
                .filter_map(|a| c.by_audit.get(*a).map(|k| format!("{a} ({k})")))
                .collect();
            which.sort();
            problems.push(format!(
                "the CI workflows expose credentials: {}",
                which.join(", ")
            ));
        } else {
            observed.push(format!(
                "the {} CI files pass secrets explicitly, scope tokens and do not leave credentials on disk",
                c.files
            ));
        }
    }
    let status = if !problems.is_empty() {
        Status::NotMet
    } else if secrets.is_some_and(|s| s.1.history && !s.1.shallow) && ci.is_some() {
        Status::Met
    } else {
        Status::PartiallyMet
    };
    let argument = if problems.is_empty() {
        format!("Observed: {}.", observed.join("; "))
    } else {
        format!("{}.", capitalise(&problems.join("; ")))
    };
    Some(Outcome::new(status, argument, &cites))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// 2.2.1 Access to and changes of the build environment are logged.
pub(super) fn changes_logged(id: &str, p: &SourceProvenanceFacts) -> Outcome {
    if p.commits == 0 {
        return Outcome::new(
            Status::NeedsManualEvidence,
            "No commits were read, so no change log of the build definitions was observed.",
            &[id],
        );
    }
    let signed_note = if p.trust.is_empty() {
        "signatures were not verified (configure [source] allowed_signers or keyring)".to_string()
    } else {
        format!(
            "{} of the {} build changes carry a good signature",
            p.build_changes_signed, p.build_changes
        )
    };
    Outcome::new(
        Status::PartiallyMet,
        format!(
            "Git records every change to the CI configuration and build scripts with its author and time: {} commits in {} ({} changed the build), {}. Access to the build environment itself is not in the repository: register the CI system's audit-log retention.",
            p.commits, p.range, p.build_changes, signed_note,
        ),
        &[id],
    )
}

/// 2.2.2 Only authorised personnel can change the build environment.
pub(super) fn authorised_changes(
    prov: Option<(&str, &SourceProvenanceFacts)>,
    ci: Option<(&str, &CiAuditFacts)>,
) -> Option<Outcome> {
    let (pid, p) = prov?;
    let mut cites = vec![pid];
    let mut gaps: Vec<String> = Vec::new();
    let mut good: Vec<String> = Vec::new();
    let rule = p.protection.iter().find(|r| r.applies_to_default);
    match rule {
        None if p.protection.is_empty() => gaps.push(
            "no branch protection export was given ([source] protection), so enforcement of review is not shown".into(),
        ),
        None => gaps.push("no exported branch protection rule covers the default branch".into()),
        Some(r) => {
            if !r.require_pull_request || r.required_approvals == 0 {
                gaps.push(format!("{} on `{}` does not require an approved pull request", r.source, r.branch));
            } else {
                good.push(format!(
                    "{} on `{}` requires {} approval{}",
                    r.source,
                    r.branch,
                    r.required_approvals,
                    if r.required_approvals == 1 { "" } else { "s" }
                ));
            }
            if r.allow_force_push {
                gaps.push("force pushes are allowed".into());
            }
            if !r.enforce_for_admins {
                gaps.push("administrators can bypass the rule".into());
            }
            if r.code_owner_review {
                good.push("code-owner review is required".into());
            }
        }
    }
    match &p.codeowners {
        Some(c) if c.ci_files > 0 && c.ci_owned == c.ci_files => {
            good.push(format!("{} owns all {} CI files", c.path, c.ci_files))
        }
        Some(c) => gaps.push(format!(
            "{} owns {} of {} CI files",
            c.path, c.ci_owned, c.ci_files
        )),
        None => gaps.push("there is no CODEOWNERS file naming who may change CI".into()),
    }
    if p.build_changes > 0 && p.build_changes_reviewed < p.build_changes {
        gaps.push(format!(
            "{} of {} commits that changed the build have no review evidence (e.g. {})",
            p.build_changes - p.build_changes_reviewed,
            p.build_changes,
            list(&p.unreviewed_build_changes, 2)
        ));
    }
    if let Some((cid, c)) = ci {
        cites.push(cid);
        let n = audit_count(c, &["dangerous-triggers", "template-injection"]);
        if n > 0 {
            gaps.push(format!(
                "{n} workflow findings let untrusted pull requests or inputs run in the build (dangerous-triggers, template-injection)"
            ));
        }
    }
    let status = if gaps.is_empty() {
        Status::Met
    } else if good.is_empty() && rule.is_none() && p.build_changes_reviewed == 0 {
        Status::NotMet
    } else {
        Status::PartiallyMet
    };
    let mut argument = String::new();
    if !good.is_empty() {
        argument.push_str(&format!("{}. ", capitalise(&good.join("; "))));
    }
    if !gaps.is_empty() {
        argument.push_str(&format!("Gaps: {}.", gaps.join("; ")));
    }
    Some(Outcome::new(
        status,
        argument.trim_end().to_string(),
        &cites,
    ))
}
