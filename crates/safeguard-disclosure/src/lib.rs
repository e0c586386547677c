//! Safeguard collectors for vulnerability disclosure: security policies (`SECURITY.md` and
//! friends), RFC 9116 `security.txt` files and vulnerability disclosure policies
//! ([`SecurityPolicyCollector`]).

pub mod incident;
pub mod lifecycle;
pub mod lint;
mod policy;
pub mod scan;
pub mod securitytxt;

pub use policy::SecurityPolicyCollector;
