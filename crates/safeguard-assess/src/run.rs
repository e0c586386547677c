//! `safeguard assess`: walk the tree once, run every collector, record the evidence in the
//! ledger, evaluate the 45 claims and assemble the [`Assessment`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use safeguard_config::{ConfigError, Loaded};
use safeguard_model::catalogue;
use safeguard_model::facts::ImportedStatementFacts;
use safeguard_model::{ArtefactSink, CollectContext, Evidence, Facts, Subject, sha256_bytes};

use crate::assessment::{
    Assessment, CollectorFailure, LedgerState, PrincipleResult, ProductLine, SCHEMA_VERSION, Scope,
    Sro, Summary, ThemeResult, Tool,
};
use crate::evaluate::{self, Cited};
use crate::ledger::{Ledger, LedgerError, STATE_DIR};
use crate::template::{SelfAssessment, TemplateError};

/// Folders never walked: version-control internals, dependency and build output folders.
pub const SKIPPED_DIRS: [&str; 6] = [".git", ".hg", ".svn", "node_modules", "target", STATE_DIR];

#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    #[error("{path}: cannot assess: {message}")]
    Root { path: PathBuf, message: String },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Import(#[from] TemplateError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("supplier SBOM {0}")]
    Sbom(safeguard_inventory::ParseError),
}

/// What to assess and how.
pub struct Options {
    pub root: PathBuf,
    /// The report folder, left out of the walk when it lies inside `root`.
    pub out_dir: Option<PathBuf>,
    /// Hand-written self-assessments to merge as manual evidence.
    pub imports: Vec<PathBuf>,
    /// Suppliers' SBOMs (CycloneDX or SPDX) whose components join the inventory.
    pub sboms: Vec<PathBuf>,
    /// The run's time (RFC 3339 UTC): `SOURCE_DATE_EPOCH` or now.
    pub now: time::OffsetDateTime,
    /// CI run id or URL, when running in CI.
    pub ci_run: Option<String>,
    /// Append the evidence to the ledger under `root/.safeguard/`.
    pub record: bool,
    /// The offline vulnerability database to check components against (3.3.1); `None` skips
    /// the check.
    pub vuln_db: Option<PathBuf>,
}

/// Progress callback: called with a collector's title before it runs.
pub type Progress<'a> = &'a dyn Fn(&str);

pub fn run(opts: &Options, progress: Progress<'_>) -> Result<Assessment, AssessError> {
    let root = opts.root.canonicalize().map_err(|e| AssessError::Root {
        path: opts.root.clone(),
        message: e.to_string(),
    })?;
    if !root.is_dir() {
        return Err(AssessError::Root {
            path: opts.root.clone(),
            message: "not a directory".into(),
        });
    }
    let loaded = safeguard_config::load_from_root(&root)?;
    let imports = opts
        .imports
        .iter()
        .map(|p| read_import(p))
        .collect::<Result<Vec<_>, _>>()?;
    let sboms = opts
        .sboms
        .iter()
        .map(|p| {
            let shown = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|e| {
                safeguard_inventory::ParseError::new(
                    &shown,
                    None,
                    None,
                    format!("cannot read: {e}"),
                )
            })?;
            safeguard_inventory::sbom::read(&shown, &bytes)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(AssessError::Sbom)?;

    let mut excluded = vec![format!("{STATE_DIR}/")];
    if let Some(out) = &opts.out_dir
        && let Some(rel) = relative_inside(&root, out)
    {
        excluded.push(format!("{rel}/"));
    }
    let files = walk(&root, &excluded);

    let observed_at = rfc3339(opts.now);
    let subject = Subject {
        product: (loaded.config.products.len() == 1)
            .then(|| loaded.config.products[0].id.get_ref().to_string()),
        version: (loaded.config.products.len() == 1)
            .then(|| loaded.config.products[0].version.clone())
            .flatten(),
        commit: None,
    };
    let version = env!("CARGO_PKG_VERSION");
    let sink = ArtefactSink::default();
    let cx = CollectContext {
        root: &root,
        files: &files,
        excluded_prefixes: &excluded,
        observed_at: &observed_at,
        subject: &subject,
        tool_version: version,
        ci_run: opts.ci_run.as_deref(),
        artefacts: &sink,
    };

    let mut records: Vec<Evidence> = Vec::new();
    let mut failures = Vec::new();
    for c in crate::collectors::registry(
        &loaded.config,
        &loaded.base_dir(&root),
        &sboms,
        opts.vuln_db.as_deref(),
    ) {
        progress(c.title());
        match c.collect(&cx) {
            Ok(mut ev) => records.append(&mut ev),
            Err(e) => {
                tracing::warn!(collector = c.id(), error = %e, "collector failed");
                failures.push(CollectorFailure {
                    collector: c.id().to_string(),
                    message: e.to_string(),
                });
            }
        }
    }
    for (path, sa, digest) in &imports {
        records.extend(import_evidence(&cx, path, sa, digest));
    }

    // Every record is about the commit version control reports, when there is one.
    let commit = records.iter().find_map(|e| match &e.facts {
        Facts::Vcs(v) => v.head_commit.clone(),
        _ => None,
    });
    for r in &mut records {
        r.subject.commit = commit.clone();
    }

    let ledger = if opts.record {
        let outcome = Ledger::at_root(&root).append(&records)?;
        Some(LedgerState {
            entries: outcome.entries,
            head: outcome.head,
            appended: outcome.appended,
        })
    } else {
        None
    };

    let evidence: BTreeMap<String, Evidence> = records.into_iter().map(|e| (e.id(), e)).collect();
    let cited: Vec<Cited<'_>> = evidence
        .iter()
        .map(|(id, e)| Cited { id, evidence: e })
        .collect();
    let role = loaded.config.vendor.role;
    let claims = evaluate::evaluate(role, &cited);
    let themes = rollup(role, &claims);
    let brief = evaluate::brief(&claims, |id| {
        evidence.get(id).map(references).unwrap_or_default()
    });
    let all = evaluate::counts(&claims);

    Ok(Assessment {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "safeguard".into(),
            version: version.into(),
        },
        generated_at: observed_at.clone(),
        assessment_date: observed_at[..10].to_string(),
        scope: scope(&loaded, &root, commit),
        summary: Summary {
            status: all.rollup(),
            counts: all,
        },
        themes,
        claims,
        brief,
        evidence,
        collector_failures: failures,
        ledger,
        artefacts: sink.into_files(),
    })
}

fn scope(loaded: &Loaded, root: &Path, commit: Option<String>) -> Scope {
    let c = &loaded.config;
    let root_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".".into());
    let mut lines: Vec<ProductLine> = c
        .product_lines
        .iter()
        .map(|l| ProductLine {
            id: l.id.get_ref().to_string(),
            name: l.name.clone(),
            products: c
                .products
                .iter()
                .filter(|p| {
                    p.line
                        .as_ref()
                        .is_some_and(|x| x.get_ref() == l.id.get_ref())
                })
                .map(|p| p.id.get_ref().to_string())
                .collect(),
        })
        .collect();
    let loose: Vec<String> = c
        .products
        .iter()
        .filter(|p| p.line.is_none())
        .map(|p| p.id.get_ref().to_string())
        .collect();
    if !loose.is_empty() {
        lines.push(ProductLine {
            id: "(no product line)".into(),
            name: None,
            products: loose,
        });
    }
    Scope {
        vendor: c.vendor_name(&root_name).to_string(),
        vendor_role: c.vendor.role,
        sro: c.sro.as_ref().map(|s| Sro {
            name: s.name.clone(),
            role: s.role.clone(),
        }),
        product_lines: lines,
        root: root_name,
        commit,
        configured: loaded.path.is_some(),
    }
}

fn rollup(
    role: safeguard_model::VendorRole,
    claims: &[crate::assessment::ClaimResult],
) -> Vec<ThemeResult> {
    catalogue::THEMES
        .iter()
        .map(|t| {
            let principles: Vec<PrincipleResult> = t
                .principles
                .iter()
                .map(|p| {
                    let rs: Vec<_> = claims.iter().filter(|c| c.principle == p.id).collect();
                    let counts = evaluate::counts(rs.iter().copied());
                    PrincipleResult {
                        id: p.id,
                        title: p.title.to_string(),
                        status: counts.rollup(),
                        counts,
                        claims: rs.iter().map(|c| c.id).collect(),
                    }
                })
                .collect();
            let counts = evaluate::counts(claims.iter().filter(|c| c.theme == t.id));
            ThemeResult {
                id: t.id,
                key: t.key.to_string(),
                title: t.title.to_string(),
                applicable: role.applies_to(t.id),
                status: counts.rollup(),
                counts,
                principles,
            }
        })
        .collect()
}

/// What the brief's template lists as evidence for a record: documents and files, not hashes.
pub fn references(e: &Evidence) -> Vec<String> {
    let mut v: Vec<String> = match &e.facts {
        Facts::Vcs(v) => v
            .head_commit
            .iter()
            .map(|c| format!("git commit {}", &c[..c.len().min(12)]))
            .collect(),
        Facts::CiConfig(c) => c.files.iter().map(|f| f.path.clone()).collect(),
        Facts::TestSuites(t) => t
            .languages
            .iter()
            .map(|l| format!("{} tests ({} files)", l.language, l.test_files))
            .collect(),
        Facts::SecurityPolicy(p) => p.documents.iter().map(|d| d.path.clone()).collect(),
        Facts::ThreatModel(t) => t.documents.clone(),
        Facts::Composition(c) => c.files.iter().map(|f| f.path.clone()).collect(),
        Facts::Vulnerabilities(v) => vec![format!("vulnerability database {}", v.database)],
        Facts::SourceProvenance(p) => {
            let mut v = vec![format!("git history {}", p.range)];
            v.extend(p.codeowners.iter().map(|c| c.path.clone()));
            v
        }
        Facts::CiAudit(c) => vec![format!("CI workflow audit ({} files)", c.files)],
        Facts::Secrets(s) => {
            let mut v = vec![format!("secret scan ({} rules)", s.rules)];
            v.extend(s.baseline.iter().cloned());
            v
        }
        Facts::Communication(c) => c.sources.clone(),
        Facts::VulnHandling(v) => {
            let mut out = vec![format!("ticket store {}", v.store)];
            out.extend(v.advisories.iter().map(|a| format!("advisory {a}")));
            out
        }
        Facts::Releases(r) => {
            let mut v: Vec<String> = r.artifacts.iter().map(|a| a.path.clone()).collect();
            v.extend(r.provenance_bundles.iter().cloned());
            v.extend(r.repro.iter().map(|x| x.path.clone()));
            v.extend(
                r.instructions
                    .iter()
                    .map(|i| i.split(':').next().unwrap_or(i).to_string()),
            );
            v
        }
        Facts::ManualDocument(m) => vec![m.location.clone()],
        Facts::ImportedStatement(s) => s.evidence.clone(),
    };
    v.extend(e.artefacts.iter().map(|a| a.path.clone()));
    v.sort();
    v.dedup();
    v
}

fn read_import(path: &Path) -> Result<(PathBuf, SelfAssessment, String), TemplateError> {
    let bytes = std::fs::read(path).map_err(|e| TemplateError {
        path: path.to_path_buf(),
        location: None,
        message: format!("cannot read: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| TemplateError {
        path: path.to_path_buf(),
        location: None,
        message: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let sa = SelfAssessment::parse(&text, path)?;
    Ok((path.to_path_buf(), sa, sha256_bytes(text.as_bytes())))
}

fn import_evidence(
    cx: &CollectContext<'_>,
    path: &Path,
    sa: &SelfAssessment,
    digest: &str,
) -> Vec<Evidence> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    sa.principles
        .iter()
        .filter_map(|p| {
            let brief = catalogue::brief(p.id)?;
            let facts = ImportedStatementFacts {
                source: name.clone(),
                source_sha256: digest.to_string(),
                principle: p.id,
                theme: p.theme.clone(),
                statement: p.statement.clone(),
                evidence: p.evidence.clone(),
                status: p.status.clone(),
            };
            let summary = format!(
                "Imported self-assessment {name} declares principle {} ({}) {}.",
                p.id,
                p.statement,
                p.status.replace('_', " ")
            );
            Some(cx.evidence(
                "import",
                &brief.claims(),
                summary,
                Facts::ImportedStatement(facts),
            ))
        })
        .collect()
}

/// `path` relative to `root` with `/` separators, when it lies inside it.
fn relative_inside(root: &Path, path: &Path) -> Option<String> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    // The report folder may not exist yet: canonicalise its nearest existing ancestor.
    let mut existing = abs.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        tail.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?.to_path_buf();
    }
    let mut canon = existing.canonicalize().ok()?;
    for t in tail.into_iter().rev() {
        canon.push(t);
    }
    let rel = canon.strip_prefix(root).ok()?;
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    (!s.is_empty()).then_some(s)
}

/// Files under `root` (relative, `/`-separated, sorted), honouring `.gitignore` files even
/// outside a git repository, and leaving out [`SKIPPED_DIRS`] and `excluded` prefixes.
pub fn walk(root: &Path, excluded: &[String]) -> Vec<String> {
    let excluded = excluded.to_vec();
    let root_buf = root.to_path_buf();
    let mut files: Vec<String> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .filter_entry(move |e| {
            let name = e.file_name().to_string_lossy();
            if e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&name.as_ref())
            {
                return false;
            }
            match e.path().strip_prefix(&root_buf) {
                Ok(rel) => {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    !excluded
                        .iter()
                        .any(|p| format!("{rel}/").starts_with(p.as_str()))
                }
                Err(_) => true,
            }
        })
        .build()
        .filter_map(|r| match r {
            Ok(e) => Some(e),
            Err(err) => {
                tracing::warn!(error = %err, "skipping an unreadable path");
                None
            }
        })
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            e.path().strip_prefix(root).ok().map(|r| {
                r.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
        })
        .collect();
    files.sort();
    files
}

/// RFC 3339 UTC with whole seconds.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
