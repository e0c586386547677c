//! The composition collector: third-party components from lockfiles (1.2.1), their integrity
//! hashes (1.2.2), and the SBOM written into the report folder.

use safeguard_inventory::discover::{self, ScannedFile};
use safeguard_inventory::sbom::{self, CdxVersion, Document, Metadata, Subject};
use safeguard_inventory::{FileKind, Inventory};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

/// File names of the SBOMs written into the report folder.
pub const SBOM_FILES: [&str; 2] = ["sbom.cdx.json", "sbom.spdx.json"];

/// Reads every lockfile in the assessed tree.
pub struct CompositionCollector {
    /// The product the SBOM describes (from `safeguard.toml`; the folder name when unset).
    pub product: Option<String>,
    pub version: Option<String>,
    /// The vendor, named as the SBOM's supplier.
    pub supplier: Option<String>,
    /// Suppliers' SBOMs given with `assess --sbom`: their components join the inventory.
    pub supplier_sboms: Vec<Document>,
}

const CLAIMS: [ClaimId; 2] = [ClaimId::new(1, 2, 1), ClaimId::new(1, 2, 2)];

impl Collector for CompositionCollector {
    fn id(&self) -> &'static str {
        "composition"
    }

    fn title(&self) -> &'static str {
        "Third-party components from lockfiles, lockfile coverage and integrity hashes; SBOM"
    }

    fn claims(&self) -> Vec<ClaimId> {
        CLAIMS.to_vec()
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
                sbom::write_cyclonedx(&inv, &meta, CdxVersion::V1_6).into_bytes(),
            ),
            cx.artefacts
                .put(SBOM_FILES[1], sbom::write_spdx(&inv, &meta).into_bytes()),
        ];
        Ok(vec![record])
    }
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
