#![no_main]
//! in-toto Statements from arbitrary bytes: reading and validating never panic, a valid
//! statement writes back to itself, and provenance is only read from provenance statements.
use libfuzzer_sys::fuzz_target;
use safeguard_attest::intoto::{self, Statement};

fuzz_target!(|data: &[u8]| {
    let Ok(st) = Statement::from_json_unvalidated(data) else {
        return;
    };
    if st.validate().is_ok() {
        assert_eq!(st.statement_type, intoto::STATEMENT_TYPE_V1);
        assert!(!st.subject.is_empty() && st.subject.iter().all(|s| !s.digest.is_empty()));
        let again = Statement::from_json(st.to_json().as_bytes()).expect("own output is valid");
        assert_eq!(again, st);
    }
    if let Ok(p) = st.provenance() {
        assert_eq!(st.predicate_type, intoto::PREDICATE_SLSA_PROVENANCE_V1);
        assert!(!p.build_definition.build_type.is_empty());
        assert!(!p.run_details.builder.id.is_empty());
        assert!(p.validate().is_ok());
    }
});
