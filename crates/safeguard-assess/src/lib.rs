//! The assessment: the Code's catalogue applied to evidence.
//!
//! Collectors emit [`safeguard_model::Evidence`]; the [`ledger`] keeps it, append-only and
//! hash-chained; [`evaluate`] turns the evidence set into a status, an argument and citations for
//! each of the 45 claims; [`export`] writes what assessors and customers read.

pub mod assessment;
pub mod collectors;
pub mod communication;
pub mod composition;
pub mod evaluate;
pub mod export;
pub mod ledger;
pub mod releases;
pub mod report;
pub mod run;
pub mod template;
pub mod vuln_handling;
