//! Shared types for Safeguard.
//!
//! This crate holds the vocabulary every other crate speaks: claim ids of the UK Software
//! Security Code of Practice, the typed [`Evidence`] record, and the [`Collector`] interface
//! through which every capability reports what it saw. It performs no I/O.

pub mod catalogue;
mod claim;
mod collector;
mod component;
mod digest;
mod evidence;
pub mod facts;
pub mod purl;

pub use catalogue::VendorRole;
pub use claim::{ClaimId, ClaimIdError, PrincipleId};
pub use collector::{
    ArtefactSink, CollectContext, CollectError, Collector, REPORT_ARTEFACT_PREFIX, ReportFile,
};
pub use component::{Component, Ecosystem, Hash, HashAlg, Location, Relationship, Scope};
pub use digest::{Sha256, canonical_json, hex, sha256_bytes};
pub use evidence::{ArtefactRef, Evidence, Producer, Subject};
pub use facts::Facts;
pub use purl::{Purl, PurlError};
