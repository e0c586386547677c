#![no_main]
//! Verification instructions found in arbitrary documents: never panics, every line number is
//! inside the text, and each tool is reported once.
use libfuzzer_sys::fuzz_target;
use safeguard_assess::releases::verification_tools;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = verification_tools(&text);
    let lines = text.lines().count();
    for (i, (line, tool)) in found.iter().enumerate() {
        assert!(*line >= 1 && *line <= lines, "line {line} of {lines}");
        assert!(found[..i].iter().all(|(_, t)| t != tool), "{tool} twice");
    }
});
