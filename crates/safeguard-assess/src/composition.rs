//! The composition collector: third-party components from lockfiles (1.2.1), their integrity
//! hashes (1.2.2), and the SBOM written into the report folder.

use safeguard_inventory::discover;
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

/// Reads every lockfile in the assessed tree.
pub struct CompositionCollector {
    /// The product the SBOM describes (from `safeguard.toml`; the folder name when unset).
    pub product: Option<String>,
    pub version: Option<String>,
    /// The vendor, named as the SBOM's supplier.
    pub supplier: Option<String>,
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
            .filter(|f| !cx.is_excluded(f))
            .cloned()
            .collect();
        let inv = discover::scan_files(cx.root, &files, &|_| {});
        let facts = inv.facts();
        let summary = format!(
            "{} third-party components in {} files ({} with integrity hashes); {} manifests without a lockfile; {} files unreadable.",
            facts.components,
            facts.files.len(),
            facts.with_integrity,
            facts.manifests_without_lockfile.len(),
            inv.errors.len()
        );
        let record = cx.evidence(self.id(), &CLAIMS, summary, Facts::Composition(facts));
        Ok(vec![record])
    }
}
