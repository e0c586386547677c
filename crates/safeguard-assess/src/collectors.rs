//! The collector registry (the one place collectors are listed) and the collectors that live
//! with the assessment: the manual evidence register.

use std::io::Read;
use std::path::{Path, PathBuf};

use safeguard_config::{Config, DocumentLocation};
use safeguard_model::facts::ManualDocumentFacts;
use safeguard_model::{CollectContext, CollectError, Collector, Evidence, Facts, Sha256, hex};
use sha2::Digest as _;

/// Every collector `assess` runs, in order.
pub fn registry(
    config: &Config,
    config_dir: &Path,
    supplier_sboms: &[safeguard_inventory::sbom::Document],
    vuln_db: Option<&Path>,
) -> Vec<Box<dyn Collector>> {
    vec![
        Box::new(safeguard_source::VcsCollector),
        Box::new(safeguard_source::CiConfigCollector),
        Box::new(safeguard_source::TestSuitesCollector),
        Box::new(safeguard_source::ThreatModelCollector),
        Box::new(safeguard_source::SourceProvenanceCollector {
            inputs: provenance_inputs(config, config_dir),
        }),
        Box::new(safeguard_source::CiAuditCollector),
        Box::new(safeguard_source::SecretsCollector {
            history: config.secrets.history,
            baseline: config_dir.join(
                config
                    .secrets
                    .baseline
                    .as_deref()
                    .unwrap_or(".safeguard-secrets.toml"),
            ),
        }),
        Box::new(safeguard_disclosure::SecurityPolicyCollector),
        Box::new(crate::composition::CompositionCollector {
            product: (config.products.len() == 1).then(|| {
                let p = &config.products[0];
                p.name.clone().unwrap_or_else(|| p.id.get_ref().to_string())
            }),
            version: (config.products.len() == 1)
                .then(|| config.products[0].version.clone())
                .flatten(),
            supplier: config.vendor.name.clone(),
            supplier_sboms: supplier_sboms.to_vec(),
            vuln_db: vuln_db.map(Path::to_path_buf),
            lifecycle: (config.products.len() == 1)
                .then(|| {
                    let p = &config.products[0];
                    let mut names = vec![p.id.get_ref().as_str()];
                    names.extend(p.name.as_deref());
                    crate::composition::subject_lifecycle(
                        config,
                        config_dir,
                        &names,
                        p.version.as_deref(),
                    )
                })
                .flatten(),
        }),
        Box::new(crate::releases::ReleasesCollector {
            settings: config.release.clone(),
            base: config_dir.to_path_buf(),
        }),
        Box::new(crate::communication::CommunicationCollector {
            config: config.clone(),
            base: config_dir.to_path_buf(),
        }),
        Box::new(crate::vuln_handling::VulnHandlingCollector {
            config: config.clone(),
            base: config_dir.to_path_buf(),
        }),
        Box::new(ManualRegister {
            config: config.clone(),
            base: config_dir.to_path_buf(),
        }),
    ]
}

/// The `[source]` settings, with paths resolved against the configuration's folder.
fn provenance_inputs(config: &Config, base: &Path) -> safeguard_source::ProvenanceInputs {
    let s = &config.source;
    safeguard_source::ProvenanceInputs {
        allowed_signers: s.allowed_signers.as_ref().map(|p| base.join(p)),
        keyring: s.keyring.as_ref().map(|p| base.join(p)),
        reviews: s.reviews.iter().map(|p| base.join(p)).collect(),
        protection: s.protection.iter().map(|p| base.join(p)).collect(),
        max_commits: s.max_commits.unwrap_or(0),
    }
}

/// The manual evidence register in `safeguard.toml`: one record per entry, with the document's
/// digest checked and expiry judged against the run's date.
pub struct ManualRegister {
    pub config: Config,
    /// Folder that relative document paths are resolved against (where `safeguard.toml` is).
    pub base: PathBuf,
}

impl Collector for ManualRegister {
    fn id(&self) -> &'static str {
        "manual-register"
    }

    fn title(&self) -> &'static str {
        "Manual evidence register in safeguard.toml: digests checked, expired entries flagged"
    }

    fn claims(&self) -> Vec<safeguard_model::ClaimId> {
        let mut v: Vec<_> = self
            .config
            .manual_evidence
            .iter()
            .flat_map(|m| m.claims.get_ref().iter().map(|c| *c.get_ref()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let today = cx.observed_at.get(..10).unwrap_or(cx.observed_at);
        let mut out = Vec::new();
        for m in &self.config.manual_evidence {
            let claims: Vec<_> = m.claims.get_ref().iter().map(|c| *c.get_ref()).collect();
            let expected = m.sha256.as_ref().map(|s| s.0.clone());
            let (digest, actual) = match &m.document {
                DocumentLocation::Url(_) => (
                    if expected.is_some() {
                        "unverifiable"
                    } else {
                        "not-recorded"
                    },
                    None,
                ),
                DocumentLocation::File(rel) => match sha256_file(&self.base.join(rel)) {
                    Ok(actual) => {
                        let state = match &expected {
                            Some(e) if *e == actual => "matched",
                            Some(_) => "mismatched",
                            None => "not-recorded",
                        };
                        (state, Some(actual))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => ("missing", None),
                    Err(e) => {
                        return Err(CollectError::new(
                            self.id(),
                            format!("cannot read `{rel}`: {e}"),
                        )
                        .at(self.base.join(rel)));
                    }
                },
            };
            let expires = m.expires.get_ref().to_string();
            // ISO dates compare correctly as strings.
            let expired = expires.as_str() < today;
            let facts = ManualDocumentFacts {
                entry: m.id.get_ref().to_string(),
                title: m.title().to_string(),
                location: m.document.as_str().to_string(),
                owner: m.owner.clone(),
                reviewed: Some(m.reviewed.get_ref().to_string()),
                expires: Some(expires.clone()),
                expected_sha256: expected,
                actual_sha256: actual.clone(),
                digest: digest.to_string(),
                expired,
            };
            let state = match (digest, expired) {
                ("missing", _) => "its document is missing".to_string(),
                (_, true) => format!("expired on {expires}"),
                ("mismatched", _) => "its digest no longer matches".to_string(),
                ("matched", _) => format!("digest matches, valid until {expires}"),
                _ => format!("valid until {expires}, digest not checked"),
            };
            let summary = format!(
                "Manual evidence \"{}\" ({}): {state}.",
                m.title(),
                m.document.as_str()
            );
            let mut e = cx.evidence(self.id(), &claims, summary, Facts::ManualDocument(facts));
            if let (DocumentLocation::File(rel), Some(sha)) = (&m.document, actual) {
                e.artefacts.push(safeguard_model::ArtefactRef {
                    path: rel.clone(),
                    sha256: sha,
                });
            }
            out.push(e);
        }
        Ok(out)
    }
}

/// SHA-256 of a file, streamed through a reused buffer.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}
