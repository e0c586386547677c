#![no_main]
//! Package URLs: parsing never panics, and what parses prints back to a string that parses to
//! the same value.
use libfuzzer_sys::fuzz_target;
use safeguard_model::Purl;

fuzz_target!(|text: &str| {
    if let Ok(p) = Purl::parse(text) {
        let printed = p.to_string();
        let again = Purl::parse(&printed).expect("a printed purl parses");
        assert_eq!(again, p, "{printed}");
    }
});
