#![no_main]
//! SECURITY.md and security.txt scanners: never panic on any text.
use libfuzzer_sys::fuzz_target;
use safeguard_disclosure::scan;

fuzz_target!(|text: &str| {
    let _ = scan::analyse_prose(text);
    let _ = scan::analyse_security_txt(text);
    let _ = scan::emails(text);
    let _ = scan::urls(text);
});
