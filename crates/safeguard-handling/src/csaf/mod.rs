//! CSAF 2.0 (OASIS Common Security Advisory Framework): a validator (schema plus the mandatory
//! tests of section 6.1), advisories and VEX documents drafted from tickets, and the provider
//! folder layout of section 7 for publishing them.
//!
//! Evidence for the Code: a valid advisory published in the provider layout supports claims
//! 3.4.1 and 3.4.2 (advisories and notifications issued); a CSAF VEX from triage decisions
//! supports 3.3.2 (vulnerabilities handled, and the decisions communicated).

mod advisory;
mod cvss;
mod cwe;
mod lang;
mod mandatory;
pub mod publish;
pub mod validate;
pub mod version;

pub use advisory::{
    AdvisoryOptions, DraftError, Revision, TrackingStatus, advisory, flag_label, vex,
};
pub use publish::{Outcome, PublishError, PublishOptions, PublishReport, file_name, publish};
pub use validate::{Finding, InputError, Report, validate, validate_bytes};
