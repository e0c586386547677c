#![no_main]
//! Ledger verification on arbitrary ledger and head text: never panics.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Option<&str>)| {
    let v = safeguard_assess::ledger::verify_str(input.0, input.1);
    let _ = v.ok();
});
