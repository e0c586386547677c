#![no_main]
//! Raw git commit objects: parsing never panics; a parsed commit's payload is the object
//! without its signature header, so it is never longer than the input.
use libfuzzer_sys::fuzz_target;
use safeguard_source::commits::parse_commit;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = parse_commit("fuzz", data) {
        assert!(!c.tree.is_empty());
        assert!(c.payload.len() <= data.len() + 1);
        let sig = c.signature.as_ref().map_or(0, Vec::len);
        assert!(sig <= data.len());
        if c.signature.is_none() {
            assert_eq!(c.payload.as_slice(), data);
        }
    }
});
