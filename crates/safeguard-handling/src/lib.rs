//! Vulnerability handling (principles 3.3, 3.4 and 3.5 of the Code): the ticket model, the SLA
//! policy, VEX documents written from triage decisions, and CSAF advisories.
//!
//! This crate holds no storage and does no I/O beyond what a caller asks for (`csaf::publish`
//! writes a folder): tickets are kept by `safeguard-store`, and everything here works on the
//! values it hands over.

pub mod csaf;
pub mod kpi;
pub mod model;
pub mod osv;
pub mod sla;
pub mod vex;
