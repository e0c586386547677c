#![no_main]
//! The disclosure-policy lint never panics, reports every element once, and every line it
//! names exists.
use libfuzzer_sys::fuzz_target;
use safeguard_disclosure::lint::{self, Element, Status};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let r = lint::lint(&text);
    assert_eq!(r.elements.len(), Element::ALL.len());
    let lines = text.lines().count();
    for e in &r.elements {
        match e.status {
            Status::Absent => assert!(e.line.is_none()),
            _ => assert!(e.line.is_some_and(|l| l >= 1 && l <= lines), "{e:?}"),
        }
    }
});
