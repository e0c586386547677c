//! The composition collector: third-party components from lockfiles (1.2.1), their integrity
//! hashes (1.2.2), and the SBOM written into the report folder.

use safeguard_inventory::discover::{self, ScannedFile};
use safeguard_inventory::sbom::{self, CdxVersion, Document, Metadata, Subject, SubjectLifecycle};
use safeguard_inventory::{FileKind, Inventory};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

/// File names of the SBOMs written into the report folder.
pub const SBOM_FILES: [&str; 2] = ["sbom.cdx.json", "sbom.spdx.json"];

/// File name of the vulnerability scan written into the report folder (when a database is
/// available).
pub const SCAN_FILE: &str = "vulnerabilities.json";

/// Reads every lockfile in the assessed tree.
pub struct CompositionCollector {
    /// The product the SBOM describes (from `safeguard.toml`; the folder name when unset).
    pub product: Option<String>,
    pub version: Option<String>,
    /// The vendor, named as the SBOM's supplier.
    pub supplier: Option<String>,
    /// Suppliers' SBOMs given with `assess --sbom`: their components join the inventory.
    pub supplier_sboms: Vec<Document>,
    /// The offline vulnerability database the components are checked against (3.3.1).
    pub vuln_db: Option<std::path::PathBuf>,
    /// The product version's lifecycle dates from `[lifecycle]`, written into the SBOM.
    pub lifecycle: Option<SubjectLifecycle>,
}

/// The lifecycle dates `[lifecycle]` gives for this version of the configuration's product,
/// as the SBOM writes them. `None` when there is no such entry or the lifecycle data cannot be
/// read (the communication collector reports why).
pub fn subject_lifecycle(
    config: &safeguard_config::Config,
    base: &std::path::Path,
    product_names: &[&str],
    version: Option<&str>,
) -> Option<SubjectLifecycle> {
    let settings = config.lifecycle.as_ref()?;
    let lc = safeguard_disclosure::lifecycle::load(settings, base).ok()?;
    let v = lc.find(product_names, version?)?;
    let text =
        |w: &Option<safeguard_disclosure::lifecycle::When>| w.as_ref().map(|w| w.text.clone());
    Some(SubjectLifecycle {
        general_availability: text(&v.general_availability),
        end_of_security_support: text(&v.end_of_security_support),
        end_of_life: text(&v.end_of_life),
    })
}

const CLAIMS: [ClaimId; 2] = [ClaimId::new(1, 2, 1), ClaimId::new(1, 2, 2)];
const VULN_CLAIMS: [ClaimId; 1] = [ClaimId::new(3, 3, 1)];

impl Collector for CompositionCollector {
    fn id(&self) -> &'static str {
        "composition"
    }

    fn title(&self) -> &'static str {
        "Third-party components from lockfiles, lockfile coverage and integrity hashes; SBOM"
    }

    fn claims(&self) -> Vec<ClaimId> {
        let mut v = CLAIMS.to_vec();
        if self.vuln_db.is_some() {
            v.extend(VULN_CLAIMS);
        }
        v
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let files: Vec<String> = cx
            .files
            .iter()
            .filter(|f| !cx.is_excluded(f) && !discover::is_skipped(f))
            .cloned()
            .collect();
        let mut inv = discover::scan_files(cx.root, &files, &|_| {});
        add_supplier_sboms(&mut inv, &self.supplier_sboms);
        let facts = inv.facts();
        let summary = format!(
            "{} third-party components in {} files ({} with integrity hashes); {} manifests without a lockfile; {} files unreadable.",
            facts.components,
            facts.files.len(),
            facts.with_integrity,
            facts.manifests_without_lockfile.len(),
            inv.errors.len()
        );
        let meta = Metadata {
            tool_name: "safeguard".into(),
            tool_version: cx.tool_version.to_string(),
            timestamp: time::OffsetDateTime::parse(
                cx.observed_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|e| CollectError::new(self.id(), format!("bad run time: {e}")))?,
            subject: Subject {
                name: self.product.clone().unwrap_or_else(|| {
                    cx.root
                        .file_name()
                        .map_or_else(|| "repository".into(), |n| n.to_string_lossy().into_owned())
                }),
                version: self.version.clone(),
                commit: cx.subject.commit.clone().or_else(|| {
                    safeguard_source::Repo::open(cx.root)
                        .ok()
                        .flatten()
                        .and_then(|r| r.head_commit().ok().flatten())
                }),
                supplier: self.supplier.clone(),
            },
        };
        let mut record = cx.evidence(self.id(), &CLAIMS, summary, Facts::Composition(facts));
        record.artefacts = vec![
            cx.artefacts.put(
                SBOM_FILES[0],
                sbom::write_cyclonedx_with_lifecycle(
                    &inv,
                    &meta,
                    CdxVersion::V1_6,
                    self.lifecycle.as_ref(),
                )
                .into_bytes(),
            ),
            cx.artefacts
                .put(SBOM_FILES[1], sbom::write_spdx(&inv, &meta).into_bytes()),
        ];
        let mut out = vec![record];
        if let Some(db) = &self.vuln_db {
            out.push(vulnerability_evidence(
                cx,
                self.id(),
                db,
                &inv,
                meta.timestamp,
            ));
        }
        Ok(out)
    }
}

/// Checks the inventory against the vulnerability database: evidence for 3.3.1.
fn vulnerability_evidence(
    cx: &CollectContext<'_>,
    collector: &str,
    db_path: &std::path::Path,
    inv: &Inventory,
    now: time::OffsetDateTime,
) -> Evidence {
    use safeguard_model::facts::VulnerabilityFacts;
    let mut facts = VulnerabilityFacts {
        database: db_path.display().to_string(),
        ..VulnerabilityFacts::default()
    };
    let scanned = safeguard_vulndb::db::open(db_path)
        .map_err(|e| e.to_string())
        .and_then(|db| {
            safeguard_vulndb::scan::scan(
                &db,
                &inv.components,
                &cx.root.display().to_string(),
                cx.tool_version,
            )
            .map_err(|e| e.to_string())
        });
    let mut artefacts = Vec::new();
    let summary = match scanned {
        Err(e) => {
            facts.error = Some(e.clone());
            format!("No components were checked for known vulnerabilities: {e}")
        }
        Ok(mut report) => {
            report.scanned_at = now;
            facts.records = report.db.records;
            facts.newest_modified = report.db.newest_modified.and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
            facts.age_hours = report.db.newest_modified.map(|t| (now - t).whole_hours());
            facts.components = report.components;
            facts.unchecked = report.unchecked.len() as u64;
            for f in &report.findings {
                if f.suppressed.is_some() {
                    facts.suppressed += 1;
                    continue;
                }
                let rating = f
                    .severity
                    .rating
                    .map_or_else(|| "unknown".to_string(), |r| r.to_string());
                if facts.sample.len() < 50 {
                    facts.sample.push(format!(
                        "{} {}@{} ({rating})",
                        f.id, f.component.name, f.component.version
                    ));
                }
                *facts.open.entry(rating).or_default() += 1;
            }
            let mut json = Vec::new();
            if safeguard_vulndb::report::write_json(&report, &mut json).is_ok() {
                artefacts.push(cx.artefacts.put(SCAN_FILE, json));
            }
            let open: u64 = facts.open.values().sum();
            format!(
                "{} components checked against {} vulnerability records (newest modified {}): {} open findings.",
                facts.components,
                facts.records,
                facts.newest_modified.as_deref().unwrap_or("never"),
                open
            )
        }
    };
    let mut record = cx.evidence(
        collector,
        &VULN_CLAIMS,
        summary,
        Facts::Vulnerabilities(facts),
    );
    record.artefacts = artefacts;
    record
}

/// Adds the components of suppliers' SBOMs, each document listed as a file read.
fn add_supplier_sboms(inv: &mut Inventory, docs: &[Document]) {
    for doc in docs {
        inv.files.push(ScannedFile {
            path: doc.path.clone(),
            extractor: match doc.format {
                sbom::SbomFormat::CycloneDx { .. } => "sbom/cdx",
                sbom::SbomFormat::Spdx { .. } => "sbom/spdx",
            },
            ecosystem: safeguard_model::Ecosystem::Generic,
            kind: FileKind::Sbom,
            components: doc.components.len(),
            failed: false,
        });
        inv.components.extend(doc.components.iter().cloned());
    }
    inv.components
        .sort_by(|a, b| (&a.purl, &a.location).cmp(&(&b.purl, &b.location)));
    inv.files.sort_by(|a, b| a.path.cmp(&b.path));
}
