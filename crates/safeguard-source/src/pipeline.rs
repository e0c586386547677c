//! The collectors `assess` runs for source provenance, CI audits and secrets: thin wrappers over
//! [`crate::provenance`], [`crate::ci_audit`] and [`crate::secret_scan`] that turn each report
//! into one evidence record.

use std::path::PathBuf;

use safeguard_model::facts::{CiAuditFacts, SecretsFacts};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

use crate::git::Repo;
use crate::provenance::{self, Options, Range};
use crate::secret_scan::{self, Baseline};
use crate::util::count;

/// Where the trust anchors and forge exports for [`SourceProvenanceCollector`] are.
#[derive(Clone, Debug, Default)]
pub struct ProvenanceInputs {
    pub allowed_signers: Option<PathBuf>,
    pub keyring: Option<PathBuf>,
    pub reviews: Vec<PathBuf>,
    pub protection: Vec<PathBuf>,
    pub max_commits: usize,
}

impl ProvenanceInputs {
    /// Read the files into provenance options. Errors name the file.
    pub fn load(&self) -> Result<Options, String> {
        let read = |p: &PathBuf| {
            std::fs::read(p).map_err(|e| format!("{}: cannot read: {e}", p.display()))
        };
        let mut o = Options {
            range: Range::Head,
            max_commits: if self.max_commits == 0 {
                10_000
            } else {
                self.max_commits
            },
            ..Options::default()
        };
        if let Some(p) = &self.allowed_signers {
            let bytes = read(p)?;
            let text =
                String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", p.display()))?;
            let s = safeguard_sig::sshsig::AllowedSigners::parse(&text)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            o.allowed_signers = Some((p.display().to_string(), s));
        }
        if let Some(p) = &self.keyring {
            let k = safeguard_sig::openpgp::Keyring::parse(&read(p)?)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            o.keyring = Some((p.display().to_string(), k));
        }
        for p in &self.reviews {
            o.reviews.push(
                crate::forge::reviews::read_reviews(&p.display().to_string(), &read(p)?)
                    .map_err(|e| e.to_string())?,
            );
        }
        for p in &self.protection {
            o.protection.extend(
                crate::forge::protection::read_protection(&p.display().to_string(), &read(p)?)
                    .map_err(|e| e.to_string())?,
            );
        }
        Ok(o)
    }
}

/// Commit provenance of HEAD's history (1.1.4, 2.2.1, 2.2.2).
#[derive(Clone, Debug, Default)]
pub struct SourceProvenanceCollector {
    pub inputs: ProvenanceInputs,
}

const PROVENANCE: &str = "source-provenance";

impl Collector for SourceProvenanceCollector {
    fn id(&self) -> &'static str {
        PROVENANCE
    }

    fn title(&self) -> &'static str {
        "Commit provenance: signatures verified, review evidence, CODEOWNERS, branch protection"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![
            ClaimId::new(1, 1, 4),
            ClaimId::new(2, 2, 1),
            ClaimId::new(2, 2, 2),
        ]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let err = |m: String| CollectError::new(PROVENANCE, m).at(cx.root);
        let Some(repo) = Repo::open(cx.root).map_err(|e| err(e.to_string()))? else {
            return Ok(Vec::new());
        };
        if repo
            .head_commit()
            .map_err(|e| err(e.to_string()))?
            .is_none()
        {
            return Ok(Vec::new());
        }
        let options = self.inputs.load().map_err(err)?;
        let report =
            provenance::collect(&repo, cx.files, &options).map_err(|e| err(e.to_string()))?;
        let f = provenance::facts(&report);
        let mut summary = format!(
            "{} in {}: {} signed ({}), {} of {} non-merge commits with review evidence; {} changed CI or build files ({} reviewed).",
            count(f.commits as usize, "commit", "commits"),
            f.range,
            f.commits - f.signature_kinds.get("none").copied().unwrap_or(0),
            if f.trust.is_empty() {
                "not verified: no trust anchors configured".to_string()
            } else {
                format!("{} good", f.verification.get("good").copied().unwrap_or(0))
            },
            f.reviewed,
            f.non_merge,
            f.build_changes,
            f.build_changes_reviewed,
        );
        match &f.codeowners {
            Some(c) => summary.push_str(&format!(
                " {} owns {}/{} CI files and {}/{} build files.",
                c.path, c.ci_owned, c.ci_files, c.build_owned, c.build_files
            )),
            None => summary.push_str(" No CODEOWNERS file."),
        }
        if !f.protection.is_empty() {
            summary.push_str(&format!(
                " {} from forge exports.",
                count(
                    f.protection.len(),
                    "branch protection rule",
                    "branch protection rules"
                )
            ));
        }
        Ok(vec![cx.evidence(
            PROVENANCE,
            &self.claims(),
            summary,
            Facts::SourceProvenance(f),
        )])
    }
}

/// Static audits of CI workflows (1.3.2, 2.1.3, 2.1.4, 2.2.2).
#[derive(Clone, Copy, Debug, Default)]
pub struct CiAuditCollector;

const CI_AUDIT: &str = "ci-audit";

impl Collector for CiAuditCollector {
    fn id(&self) -> &'static str {
        CI_AUDIT
    }

    fn title(&self) -> &'static str {
        "CI workflow audits: pinning, token permissions, dangerous triggers, injection, release signing"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![
            ClaimId::new(1, 2, 2),
            ClaimId::new(1, 3, 2),
            ClaimId::new(2, 1, 3),
            ClaimId::new(2, 1, 4),
            ClaimId::new(2, 2, 2),
        ]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let files: Vec<String> = cx
            .files
            .iter()
            .filter(|f| !cx.is_excluded(f))
            .cloned()
            .collect();
        let report = crate::ci_audit::audit_tree(cx.root, &files);
        if report.files.is_empty() {
            return Ok(Vec::new());
        }
        let f = ci_facts(&report);
        let total: u64 = f.findings.values().sum();
        let summary = format!(
            "{} audited: {}{}. Tests {}, SAST {}, fuzzing {}, dependency updates {}.",
            count(report.files.len(), "CI file", "CI files"),
            count(total as usize, "finding", "findings"),
            if total == 0 {
                String::new()
            } else {
                format!(
                    " ({})",
                    f.findings
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            present(!f.tests.is_empty()),
            present(!f.sast.is_empty()),
            present(!f.fuzzing.is_empty()),
            if f.dependency_updates.is_empty() {
                "not configured".to_string()
            } else {
                f.dependency_updates.join(", ")
            },
        );
        Ok(vec![cx.evidence(
            CI_AUDIT,
            &self.claims(),
            summary,
            Facts::CiAudit(f),
        )])
    }
}

fn present(b: bool) -> &'static str {
    if b { "present" } else { "absent" }
}

/// The evidence summary of a CI audit report.
pub fn ci_facts(report: &crate::ci_audit::Report) -> CiAuditFacts {
    let mut f = CiAuditFacts {
        files: report.files.len() as u64,
        errors: report
            .errors
            .iter()
            .map(|e| format!("{}:{}:{} {}", e.file, e.line, e.column, e.message))
            .collect(),
        ..CiAuditFacts::default()
    };
    let mut sorted: Vec<&crate::ci_audit::Finding> = report.findings.iter().collect();
    sorted.sort_by_key(|x| std::cmp::Reverse(x.severity));
    for x in &report.findings {
        *f.findings
            .entry(x.severity.as_str().to_string())
            .or_default() += 1;
        *f.by_audit.entry(x.audit.to_string()).or_default() += 1;
    }
    f.sample = sorted
        .iter()
        .take(50)
        .map(|x| {
            format!(
                "{}:{}:{} {}: {}",
                x.file, x.line, x.column, x.audit, x.message
            )
        })
        .collect();
    let steps = |v: &[crate::ci_audit::Step]| -> Vec<String> {
        v.iter()
            .map(|s| format!("{}:{} {}", s.file, s.line, s.what))
            .collect()
    };
    let p = &report.posture;
    f.dependency_updates = p.dependency_updates.clone();
    f.sast = steps(&p.sast);
    f.fuzzing = steps(&p.fuzzing);
    f.tests = steps(&p.tests);
    f.signing = steps(&p.signing);
    f.signing.extend(steps(&p.attestation));
    f.installs = steps(&p.installs);
    f
}

/// Secrets in the working tree and history (1.4.3, 1.4.5, 2.1.4).
#[derive(Clone, Debug)]
pub struct SecretsCollector {
    pub history: bool,
    /// The baseline file; used when it exists.
    pub baseline: PathBuf,
}

const SECRETS: &str = "secrets";

impl Collector for SecretsCollector {
    fn id(&self) -> &'static str {
        SECRETS
    }

    fn title(&self) -> &'static str {
        "Secret scanning of the working tree and git history, against the reviewed baseline"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![
            ClaimId::new(1, 4, 3),
            ClaimId::new(1, 4, 5),
            ClaimId::new(2, 1, 4),
        ]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let err = |m: String| CollectError::new(SECRETS, m);
        let baseline = if self.baseline.is_file() {
            Some(Baseline::load(&self.baseline).map_err(|e| err(e.to_string()))?)
        } else {
            None
        };
        let is_repo = Repo::open(cx.root).ok().flatten().is_some();
        let options = secret_scan::Options {
            tree: true,
            history: self.history && is_repo,
            today: cx.observed_at.get(..10).unwrap_or("1970-01-01").to_string(),
            ..secret_scan::Options::default()
        };
        let files: Vec<String> = cx
            .files
            .iter()
            .filter(|f| !cx.is_excluded(f))
            .cloned()
            .collect();
        let scanner = crate::secrets::Scanner::new();
        let report =
            secret_scan::scan_files_of(cx.root, &files, &options, &scanner, baseline.as_ref())
                .map_err(|e| err(e.to_string()).at(cx.root))?;
        let f = secrets_facts(&report);
        let summary = format!(
            "{} rules over {} ({}){}: {} open in the working tree, {} only in history, {} reviewed.",
            f.rules,
            count(f.files as usize, "file", "files"),
            size(f.bytes),
            if f.history {
                format!(
                    " and the history of {} ({} further blobs)",
                    count(f.commits as usize, "commit", "commits"),
                    f.blobs
                )
            } else {
                String::new()
            },
            f.open_in_tree,
            f.open_in_history,
            f.reviewed
        );
        Ok(vec![cx.evidence(
            SECRETS,
            &self.claims(),
            summary,
            Facts::Secrets(f),
        )])
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}

/// The evidence summary of a secrets report.
pub fn secrets_facts(report: &secret_scan::Report) -> SecretsFacts {
    let mut f = SecretsFacts {
        rules: report.rules as u64,
        files: report.files,
        bytes: report.bytes,
        history: report.history,
        blobs: report.blobs,
        commits: report.commits,
        shallow: report.shallow,
        baseline: report.baseline.clone(),
        skipped: report.skipped.clone(),
        errors: report.errors.iter().take(20).cloned().collect(),
        ..SecretsFacts::default()
    };
    for x in &report.findings {
        if !x.is_open() {
            f.reviewed += 1;
            continue;
        }
        if x.in_tree {
            f.open_in_tree += 1;
        } else {
            f.open_in_history += 1;
        }
        *f.by_family.entry(x.family.to_string()).or_default() += 1;
        if f.sample.len() < 50
            && let Some(l) = x.locations.first()
        {
            f.sample.push(format!(
                "{}:{} {} {}{}",
                l.path,
                l.line,
                x.rule,
                x.redacted,
                if x.in_tree { "" } else { " (history)" }
            ));
        }
    }
    f
}
