#![no_main]
//! The reviewed-secrets baseline: any input is read or fails with a line inside the text, never
//! a panic; every entry read has a 64-hex fingerprint, a reason, a reviewer and a date.
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use safeguard_source::secret_scan::{Baseline, BaselineError, Review};

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    match Baseline::parse(Path::new("b.toml"), data) {
        Ok(b) => {
            for e in &b.entries {
                assert_eq!(e.fingerprint.len(), 64);
                assert!(!e.reason.trim().is_empty() && !e.reviewer.trim().is_empty());
                assert!(!matches!(b.review(&e.fingerprint, "2026-01-01"), Review::Open));
            }
        }
        Err(BaselineError::Invalid { line, message, .. }) => {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}: {message}");
            assert!(!message.is_empty());
        }
        Err(e) => panic!("parse gave a non-parse error: {e}"),
    }
});
