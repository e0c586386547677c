//! Safeguard collectors for vulnerability disclosure: security policies (`SECURITY.md` and
//! friends), RFC 9116 `security.txt` files and vulnerability disclosure policies
//! ([`SecurityPolicyCollector`]).

pub mod lifecycle;
mod policy;
pub mod scan;

pub use policy::SecurityPolicyCollector;
