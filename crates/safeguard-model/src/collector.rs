use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{ArtefactRef, ClaimId, Evidence, Facts, Producer, Subject, sha256_bytes};

/// Everything a collector may look at. Built once per run by the assessment and shared.
pub struct CollectContext<'a> {
    /// The root of the assessed tree.
    pub root: &'a Path,
    /// Files under `root` (relative, `/`-separated, sorted), honouring `.gitignore` and
    /// leaving out `.git/`, `.safeguard/` and the report folder.
    pub files: &'a [String],
    /// Paths (relative, `/`-separated, with a trailing `/`) that belong to Safeguard itself and
    /// must never count as part of the assessed software.
    pub excluded_prefixes: &'a [String],
    /// Time stamped on every record (RFC 3339 UTC). Fixed per run; honours `SOURCE_DATE_EPOCH`.
    pub observed_at: &'a str,
    pub subject: &'a Subject,
    pub tool_version: &'a str,
    pub ci_run: Option<&'a str>,
    /// Where collectors put files meant for the report folder (an SBOM, …).
    pub artefacts: &'a ArtefactSink,
}

/// Files collectors produce for the report folder, such as the SBOM customers can be given.
/// The assessment writes them beside its report files.
#[derive(Debug, Default)]
pub struct ArtefactSink {
    files: Mutex<Vec<ReportFile>>,
}

/// One file for the report folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// File name inside the report folder.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Prefix of [`ArtefactRef::path`] for files a run wrote into its report folder.
pub const REPORT_ARTEFACT_PREFIX: &str = "report:";

impl ArtefactSink {
    /// Hands over a report file and returns the reference an evidence record cites it by:
    /// `report:NAME` and the SHA-256 of its bytes. A later file with the same name replaces
    /// an earlier one.
    pub fn put(&self, name: &str, bytes: Vec<u8>) -> ArtefactRef {
        let r = ArtefactRef {
            path: format!("{REPORT_ARTEFACT_PREFIX}{name}"),
            sha256: sha256_bytes(&bytes),
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.retain(|f| f.name != name);
        files.push(ReportFile {
            name: name.to_string(),
            bytes,
        });
        r
    }

    /// Every file handed over, sorted by name.
    pub fn into_files(self) -> Vec<ReportFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.name.cmp(&b.name));
        files
    }
}

impl CollectContext<'_> {
    /// Build a record stamped with this run's subject, time and producer.
    pub fn evidence(
        &self,
        collector: &str,
        claims: &[ClaimId],
        summary: impl Into<String>,
        facts: Facts,
    ) -> Evidence {
        let mut claims = claims.to_vec();
        claims.sort();
        claims.dedup();
        Evidence {
            subject: self.subject.clone(),
            observed_at: self.observed_at.to_string(),
            producer: Producer {
                tool: "safeguard".into(),
                version: self.tool_version.to_string(),
                collector: collector.to_string(),
                ci_run: self.ci_run.map(str::to_string),
            },
            claims,
            summary: summary.into(),
            facts,
            artefacts: Vec::new(),
        }
    }

    /// True when `rel` (relative, `/`-separated) lies under a Safeguard-owned path.
    pub fn is_excluded(&self, rel: &str) -> bool {
        self.excluded_prefixes
            .iter()
            .any(|p| rel.starts_with(p.as_str()) || format!("{rel}/") == *p)
    }
}

/// A collector failed. The assessment records the failure and carries on with the others.
#[derive(Debug, thiserror::Error)]
#[error("{collector}: {message}{}", .path.as_ref().map(|p| format!(" ({})", p.display())).unwrap_or_default())]
pub struct CollectError {
    pub collector: String,
    pub message: String,
    pub path: Option<PathBuf>,
}

impl CollectError {
    pub fn new(collector: &str, message: impl Into<String>) -> Self {
        Self {
            collector: collector.to_string(),
            message: message.into(),
            path: None,
        }
    }

    pub fn at(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }
}

/// A source of evidence. Each capability implements this once and is registered in one place
/// (`safeguard_assess::collectors::registry`).
pub trait Collector: Send + Sync {
    /// Stable short id, used as the producer's collector name (`vcs`, `ci-config`, …).
    fn id(&self) -> &'static str;
    /// One line for `--help` and reports.
    fn title(&self) -> &'static str;
    /// The claims this collector can produce evidence for.
    fn claims(&self) -> Vec<ClaimId>;
    /// Look, and report what was seen. An `Err` means the collector could not look at all;
    /// "nothing found" is evidence too and is returned as `Ok`.
    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError>;
}
