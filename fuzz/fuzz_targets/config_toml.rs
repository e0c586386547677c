#![no_main]
//! safeguard.toml: any input parses or fails with a located error, never panics.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = safeguard_config::parse(text, std::path::Path::new("safeguard.toml")) {
        if let Some(l) = e.location {
            assert!(l.line >= 1 && l.column >= 1);
        }
    }
});
