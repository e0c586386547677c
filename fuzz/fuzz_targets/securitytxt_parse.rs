#![no_main]
//! security.txt checking never panics on any bytes, a valid report has no errors and lists a
//! Contact and an Expires, and every finding's line exists.
use libfuzzer_sys::fuzz_target;
use safeguard_disclosure::securitytxt::{self, CheckOptions};

fuzz_target!(|data: &[u8]| {
    let now = time::OffsetDateTime::from_unix_timestamp(1_748_736_000).expect("valid time");
    let r = securitytxt::check(data, &CheckOptions::at(now));
    assert_eq!(r.valid, r.errors.is_empty());
    if r.valid {
        assert!(!r.contacts().is_empty());
        assert!(r.expires.is_some());
    }
    for f in r.findings() {
        if let Some(l) = f.line {
            assert!(l >= 1 && l <= r.lines.len().max(1), "{f:?}");
        }
    }
});
