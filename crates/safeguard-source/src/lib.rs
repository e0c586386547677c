//! Safeguard collectors over source trees: version control ([`VcsCollector`]), CI configuration
//! ([`CiConfigCollector`]), test suites ([`TestSuitesCollector`]) and threat models
//! ([`ThreatModelCollector`]).
//!
//! Every collector looks only at the files in the [`safeguard_model::CollectContext`], reads at
//! most 1 MiB of any file, skips binary files, and returns exactly one evidence record.

pub mod ci_audit;
pub mod classify;
pub mod commits;
pub mod forge;
pub mod git;
pub mod objects;
pub mod pipeline;
pub mod provenance;
pub mod secret_scan;
pub mod secrets;
mod util;

mod ci;
mod test_suites;
mod threat_model;
mod vcs;

pub use ci::{CiConfigCollector, test_commands};
pub use git::{GitError, Repo};
pub use pipeline::{
    CiAuditCollector, ProvenanceInputs, SecretsCollector, SourceProvenanceCollector,
};
pub use test_suites::TestSuitesCollector;
pub use threat_model::{ThreatModelCollector, is_architecture_file, is_threat_model_doc};
pub use vcs::VcsCollector;
