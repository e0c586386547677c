//! Incidents (claims 4.3.1 and 4.3.2): the published incident-support plan ([`plan`]), an
//! append-only incident log ([`log`]) and how quickly customers and authorities were told
//! ([`timeliness`]), including the EU Cyber Resilience Act article 14 reporting clocks.

pub mod log;
pub mod plan;
pub mod timeliness;
