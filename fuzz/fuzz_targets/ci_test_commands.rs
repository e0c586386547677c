#![no_main]
//! The CI test-command recogniser: never panics on any text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = safeguard_source::test_commands(text);
});
