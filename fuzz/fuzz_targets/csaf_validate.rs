#![no_main]
//! The CSAF 2.0 validator (schema plus mandatory tests) on arbitrary bytes: never panics; a
//! document it reads gets findings that each name a test and a JSON pointer, sorted and
//! without duplicates, and a document without findings is valid.
use libfuzzer_sys::fuzz_target;
use safeguard_handling::csaf;

fuzz_target!(|data: &[u8]| {
    match csaf::validate_bytes(data) {
        Ok(report) => {
            for f in &report.findings {
                assert!(!f.test.is_empty() && !f.message.is_empty(), "{f:?}");
                assert!(f.path.is_empty() || f.path.starts_with('/'), "{f:?}");
            }
            assert!(report.findings.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(report.is_valid(), report.findings.is_empty());
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
