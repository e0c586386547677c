//! Threat-model documents, and whether the architecture changed after they were last revised
//! (claim 1.4.1).

use safeguard_model::facts::{Change, ThreatModelFacts};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

use crate::classify::{CONTAINER, INFRASTRUCTURE, config_category};
use crate::git::{GitError, Repo};
use crate::util::{
    candidate_files, count, dirs, extension, file_name, in_dependency_dir, read_text, short,
};

const ID: &str = "threat-model";
const ARCH_SAMPLE: usize = 20;
const CHANGED_SAMPLE: usize = 20;

/// Finds threat-model documents and architecture-relevant files (interface definitions,
/// deployment and infrastructure definitions, architecture records) and, from git history,
/// whether architecture changed in commits after the threat model was last revised.
#[derive(Debug, Default, Clone, Copy)]
pub struct ThreatModelCollector;

impl Collector for ThreatModelCollector {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Threat-model documents and their freshness against architecture changes"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![ClaimId::new(1, 4, 1)]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let mut documents = Vec::new();
        let mut architecture = Vec::new();
        for path in candidate_files(cx).filter(|p| !in_dependency_dir(p)) {
            if is_threat_model_doc(path, || read_text(cx.root, path)) {
                documents.push(path.to_string());
            } else if is_architecture_file(path) {
                architecture.push(path.to_string());
            }
        }
        let mut facts = ThreatModelFacts {
            architecture_files: architecture.len() as u64,
            architecture_sample: architecture.iter().take(ARCH_SAMPLE).cloned().collect(),
            documents,
            ..ThreatModelFacts::default()
        };
        let history = match Repo::open(cx.root) {
            Ok(Some(repo)) => match history(&repo, &architecture, &mut facts) {
                Ok(()) => History::Read,
                Err(e) => History::Unreadable(e),
            },
            Ok(None) => History::NoRepo,
            Err(e) => History::Unreadable(e),
        };
        let summary = summarise(&facts, &history);
        Ok(vec![cx.evidence(
            ID,
            &self.claims(),
            summary,
            Facts::ThreatModel(facts),
        )])
    }
}

enum History {
    Read,
    NoRepo,
    Unreadable(GitError),
}

fn history(
    repo: &Repo,
    architecture: &[String],
    facts: &mut ThreatModelFacts,
) -> Result<(), GitError> {
    facts.last_threat_model_change = repo.last_change(&facts.documents)?;
    facts.last_architecture_change = repo.last_change(architecture)?;
    if let (Some(tm), Some(_)) = (
        &facts.last_threat_model_change,
        &facts.last_architecture_change,
    ) {
        let changed: Vec<String> = repo
            .changed_since(&tm.commit, architecture)?
            .into_iter()
            .filter(|p| architecture.binary_search(p).is_ok())
            .collect();
        facts.stale = Some(!changed.is_empty());
        facts.changed_since_threat_model = changed.into_iter().take(CHANGED_SAMPLE).collect();
    }
    Ok(())
}

/// Extensions a threat-model document (or diagram, or tool model) may have.
const DOC_EXTS: &[&str] = &[
    "", "md", "markdown", "mdx", "rst", "adoc", "asciidoc", "txt", "pdf", "doc", "docx", "odt",
    "html", "htm", "json", "yaml", "yml", "xml", "tm7", "drawio", "puml", "plantuml", "mmd", "png",
    "svg", "jpg", "jpeg", "vsdx", "xlsx", "csv",
];

const THREAT_MODEL_MARKERS: &[&str] = &[
    "threat-model",
    "threat_model",
    "threatmodel",
    "threat model",
];

/// Whether `path` is a threat-model document. `read` is only called for Python files (pytm).
pub fn is_threat_model_doc(path: &str, read: impl FnOnce() -> Option<String>) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    let ext = extension(&lower);
    if ext == "tm7" {
        return true;
    }
    if ext == "py" {
        return read().is_some_and(|t| {
            t.lines()
                .map(str::trim_start)
                .any(|l| l.starts_with("from pytm") || l.starts_with("import pytm"))
        });
    }
    if !DOC_EXTS.contains(&ext.as_str()) {
        return false;
    }
    if THREAT_MODEL_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if matches!(
        name,
        "threats.md" | "threats.rst" | "threats.adoc" | "threats.txt"
    ) {
        return true;
    }
    if lower.starts_with("docs/security/threat") {
        return true;
    }
    // Threat Dragon models.
    ext == "json" && (name.contains("threat") || dirs(&lower).any(|d| d.starts_with("threat")))
}

const ARCH_DIRS: &[&str] = &["architecture", "adr", "adrs", "decisions"];
const DEPLOY_DIRS: &[&str] = &[
    "k8s",
    "kubernetes",
    "deploy",
    "deployment",
    "deployments",
    "helm",
    "charts",
];
const ARCH_DOC_EXTS: &[&str] = &[
    "md", "markdown", "rst", "adoc", "asciidoc", "txt", "pdf", "png", "svg", "drawio", "puml",
    "mmd",
];

/// Whether `path` describes the architecture: design records, interface definitions,
/// container, deployment and infrastructure definitions.
pub fn is_architecture_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    let ext = extension(&lower);
    if name.starts_with("architecture") && ARCH_DOC_EXTS.contains(&ext.as_str()) {
        return true;
    }
    if dirs(&lower).any(|d| ARCH_DIRS.contains(&d)) && ARCH_DOC_EXTS.contains(&ext.as_str()) {
        return true;
    }
    if matches!(
        ext.as_str(),
        "proto" | "graphql" | "graphqls" | "gql" | "tf" | "bicep"
    ) {
        return true;
    }
    if (name.starts_with("openapi") || name.starts_with("swagger"))
        && matches!(ext.as_str(), "yaml" | "yml" | "json")
    {
        return true;
    }
    if matches!(ext.as_str(), "yaml" | "yml") && dirs(&lower).any(|d| DEPLOY_DIRS.contains(&d)) {
        return true;
    }
    matches!(config_category(path), Some(c) if c == CONTAINER || c == INFRASTRUCTURE)
}

fn when(c: &Change) -> String {
    format!(
        "commit {}, {}",
        short(&c.commit),
        c.time.get(..10).unwrap_or(&c.time)
    )
}

fn summarise(f: &ThreatModelFacts, history: &History) -> String {
    let arch = count(
        f.architecture_files as usize,
        "architecture-relevant file",
        "architecture-relevant files",
    );
    if f.documents.is_empty() {
        return format!("No threat-model document found; {arch} found.");
    }
    let found = format!(
        "Found {} and {arch}",
        count(
            f.documents.len(),
            "threat-model document",
            "threat-model documents"
        )
    );
    let tail = match (
        history,
        &f.last_threat_model_change,
        &f.last_architecture_change,
        f.stale,
    ) {
        (History::NoRepo, ..) => {
            "freshness was not checked because the tree is not under version control".to_string()
        }
        (History::Unreadable(e), ..) => format!("freshness was not checked: {e}"),
        (History::Read, None, ..) => {
            "freshness was not checked because no threat-model document is committed".to_string()
        }
        (History::Read, Some(tm), None, _) => format!(
            "the threat model was last revised in {} and no architecture-relevant file is committed to compare against",
            when(tm)
        ),
        (History::Read, Some(tm), Some(_), Some(true)) => format!(
            "the threat model was last revised in {} and {} changed in later commits, so it may be stale",
            when(tm),
            count(
                f.changed_since_threat_model.len(),
                "architecture-relevant file has",
                "architecture-relevant files have"
            )
        ),
        (History::Read, Some(tm), Some(_), _) => format!(
            "the threat model was last revised in {}, and no architecture-relevant file changed after it",
            when(tm)
        ),
    };
    format!("{found}; {tail}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_threat_model_documents() {
        let none = || None;
        for p in [
            "docs/threat-model.md",
            "docs/Threat Model/overview.pdf",
            "THREATS.md",
            "security/app.tm7",
            "threat-dragon/model.json",
            "docs/security/threats-2024.md",
            "design/ThreatModel.drawio",
        ] {
            assert!(is_threat_model_doc(p, none), "{p}");
        }
        for p in [
            "src/threat_model.rs",
            "README.md",
            "package.json",
            "docs/threat.png",
        ] {
            assert!(!is_threat_model_doc(p, none), "{p}");
        }
        assert!(is_threat_model_doc("tm/model.py", || Some(
            "from pytm import TM".into()
        )));
        assert!(!is_threat_model_doc("app.py", || Some("import os".into())));
    }

    #[test]
    fn recognises_architecture_files() {
        for p in [
            "ARCHITECTURE.md",
            "docs/adr/0001-use-postgres.md",
            "api/v1/service.proto",
            "openapi.yaml",
            "schema.graphql",
            "Dockerfile",
            "docker-compose.yml",
            "infra/main.tf",
            "deploy/app.yaml",
            "charts/app/Chart.yaml",
            "infra/main.bicep",
        ] {
            assert!(is_architecture_file(p), "{p}");
        }
        for p in [
            "src/architecture/mod.rs",
            "README.md",
            "config.yaml",
            "Cargo.toml",
        ] {
            assert!(!is_architecture_file(p), "{p}");
        }
    }
}
