//! Offline OSV vulnerability database for Safeguard.
//!
//! - [`osv`]: the OSV record model, JSON/YAML reading and validation against the OSV schema;
//! - [`source`]: reading records from files, folders and `all.zip` exports;
//! - [`store`]: the on-disk database (record frames plus a memory-mapped lookup index);
//! - [`version`]: exact version ordering per ecosystem;
//! - [`range`]: OSV `affected` range evaluation;
//! - [`cvss`]: CVSS v2, v3.0, v3.1 and v4.0 scoring;
//! - [`scan`]: matching components against the database, and the findings it yields;
//! - [`report`]: scan output (table, JSON, SARIF 2.1.0, CycloneDX with vulnerabilities);
//! - `update` (feature `update`): downloading osv.dev exports;
//! - [`vex`], [`ignore`]: suppression by VEX statements and by a reviewed ignore file.

pub mod cvss;
pub mod db;
pub mod finding;
pub mod ignore;
pub mod osv;
pub mod range;
pub mod report;
pub mod scan;
pub mod source;
pub mod store;
#[cfg(feature = "update")]
pub mod update;
pub mod version;
pub mod vex;
