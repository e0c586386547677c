//! The audits. Each implements [`Audit`]; [`all`] is the one place they are registered.

mod cache_in_release;
mod curl_pipe_shell;
mod dangerous_triggers;
mod excessive_permissions;
mod missing_security_checks;
mod no_dependency_updates;
mod persist_credentials;
mod release_unsigned;
mod secrets_inherit;
mod self_hosted_runner;
mod template_injection;
mod unpinned_uses;

use super::doc::{CiDoc, DocKind};
use super::posture::RepoFacts;
use super::yaml::Node;
use super::{Confidence, Finding, Severity};

/// What an audit sees: the parsed CI files, and (in a tree audit) repository facts.
pub struct Context<'a> {
    /// Every CI file parsed.
    pub docs: &'a [CiDoc],
    /// Repository facts; `None` when auditing a single file.
    pub repo: Option<&'a RepoFacts>,
}

impl<'a> Context<'a> {
    /// The files of one kind.
    pub fn of_kind(&self, kind: DocKind) -> impl Iterator<Item = &'a CiDoc> + 'a {
        self.docs.iter().filter(move |d| d.kind == kind)
    }

    /// The workflows and actions (files with steps).
    pub fn github(&self) -> impl Iterator<Item = &'a CiDoc> + 'a {
        self.docs.iter().filter(|d| d.kind != DocKind::GitLab)
    }

    /// A file by repository-relative path.
    pub fn doc(&self, path: &str) -> Option<&'a CiDoc> {
        self.docs.iter().find(|d| d.path == path)
    }
}

/// Where audits put findings; fills in the audit id.
pub struct Sink<'a> {
    audit: &'static str,
    out: &'a mut Vec<Finding>,
}

/// Severity and confidence of one finding.
#[derive(Debug, Clone, Copy)]
pub struct Rating(pub Severity, pub Confidence);

impl Sink<'_> {
    /// Report at a node.
    pub fn at(&mut self, doc: &CiDoc, node: &Node, rating: Rating, message: String, fix: &str) {
        self.pos(&doc.path, (node.line, node.column), rating, message, fix);
    }

    /// Report at a position.
    pub fn pos(
        &mut self,
        file: &str,
        (line, column): (u32, u32),
        Rating(severity, confidence): Rating,
        message: String,
        fix: &str,
    ) {
        self.out.push(Finding {
            audit: self.audit,
            severity,
            confidence,
            file: file.to_string(),
            line: line.max(1),
            column: column.max(1),
            message,
            fix: fix.to_string(),
        });
    }
}

/// One audit.
pub trait Audit {
    /// Kebab-case id.
    fn id(&self) -> &'static str;
    /// The highest severity it reports (its default in SARIF).
    fn severity(&self) -> Severity;
    /// One sentence: what it looks for.
    fn description(&self) -> &'static str;
    /// General advice for SARIF `help`.
    fn help(&self) -> &'static str;
    /// Look at the context and report findings.
    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>);
}

/// Every audit, in catalogue order. Register new audits here.
pub fn all() -> Vec<Box<dyn Audit>> {
    vec![
        Box::new(unpinned_uses::UnpinnedUses),
        Box::new(excessive_permissions::ExcessivePermissions),
        Box::new(dangerous_triggers::DangerousTriggers),
        Box::new(template_injection::TemplateInjection),
        Box::new(secrets_inherit::SecretsInherit),
        Box::new(self_hosted_runner::SelfHostedRunner),
        Box::new(curl_pipe_shell::CurlPipeShell),
        Box::new(persist_credentials::PersistCredentials),
        Box::new(cache_in_release::CacheInRelease),
        Box::new(release_unsigned::ReleaseUnsigned),
        Box::new(no_dependency_updates::NoDependencyUpdates),
        Box::new(missing_security_checks::MissingSecurityChecks),
    ]
}

/// Run every audit.
pub fn run_all(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for audit in all() {
        let mut sink = Sink {
            audit: audit.id(),
            out: &mut out,
        };
        audit.check(cx, &mut sink);
    }
    out
}

/// The help text of an audit by id (for SARIF).
pub fn help(id: &str) -> &'static str {
    all()
        .iter()
        .find(|a| a.id() == id)
        .map(|a| a.help())
        .unwrap_or("")
}
