//! Signed artefacts and provenance: keys the vendor controls ([`keys`], [`signer`]), DSSE
//! envelopes ([`dsse`]), in-toto statements and SLSA provenance ([`intoto`]), Sigstore bundles
//! ([`bundle`]), SLSA provenance from the CI environment ([`provenance`]) and its verification
//! policy ([`policy`]), SBOM and scan predicates ([`predicates`]), the reproducible-build check ([`repro`]) and streaming digests
//! ([`hash`]). Verification is fully offline.

pub mod bundle;
pub mod dsse;
pub mod glob;
pub mod hash;
pub mod intoto;
pub mod keys;
pub mod policy;
pub mod predicates;
pub mod provenance;
pub mod repro;
pub mod signer;
