#![no_main]
//! The incident-plan lint on arbitrary text: never panics, one finding per element, every line
//! number is inside the text, and absent findings carry no line.
use libfuzzer_sys::fuzz_target;
use safeguard_disclosure::incident::plan::{Element, ElementStatus, lint};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let r = lint(&text);
    assert_eq!(r.elements.len(), Element::ALL.len());
    let lines = text.lines().count();
    for e in &r.elements {
        match (e.status, e.line) {
            (ElementStatus::Absent, l) => assert_eq!(l, None),
            (_, Some(l)) => assert!(l >= 1 && l <= lines, "line {l} of {lines}"),
            (_, None) => panic!("{:?} without a line", e.element),
        }
    }
});
