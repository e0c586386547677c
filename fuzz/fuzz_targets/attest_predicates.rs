#![no_main]
//! SBOM and vulns predicates from arbitrary JSON: recognising and checking never panic, a
//! recognised SBOM passes the check of the type it was given, and a valid vulns predicate
//! writes back to itself.
use libfuzzer_sys::fuzz_target;
use safeguard_attest::intoto::{PREDICATE_VULNS_V0_2, Statement};
use safeguard_attest::predicates::{self, Vulns};

fuzz_target!(|data: &[u8]| {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_slice::<serde_json::Value>(data)
    else {
        return;
    };
    if let Ok(t) = predicates::sbom_predicate_type(&doc) {
        assert_eq!(predicates::check_sbom(t, &doc), Ok(()));
    }
    if let Ok(v) = Vulns::from_predicate(&doc) {
        let again = Vulns::from_predicate(&v.to_predicate()).expect("own output is valid");
        assert_eq!(again, v);
        let st = Statement::new(Vec::new(), PREDICATE_VULNS_V0_2, v.to_predicate());
        assert_eq!(predicates::check_predicate(&st), Ok(()));
    }
    for t in [
        "https://slsa.dev/provenance/v1",
        "https://cyclonedx.org/bom",
        "https://spdx.dev/Document/v2.3",
        PREDICATE_VULNS_V0_2,
    ] {
        let _ = predicates::check_predicate(&Statement::new(Vec::new(), t, doc.clone()));
    }
});
