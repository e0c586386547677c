#![no_main]
//! The brief's self-assessment template: parse never panics, and anything that parses writes
//! back to a document that parses to the same value.
use libfuzzer_sys::fuzz_target;
use safeguard_assess::template::SelfAssessment;

fuzz_target!(|text: &str| {
    let path = std::path::Path::new("fuzz.yaml");
    if let Ok(sa) = SelfAssessment::parse(text, path) {
        let again = SelfAssessment::parse(&sa.to_yaml(), path).expect("our own output parses");
        assert_eq!(again.principles, sa.principles);
        assert_eq!(again.vendor, sa.vendor);
        assert_eq!(again.product_lines, sa.product_lines);
    }
});
