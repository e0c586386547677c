#![no_main]
//! The incident log parser on arbitrary text: never panics; a reported truncated line is the
//! last line, and every incident has at least one event and a unique id.
use libfuzzer_sys::fuzz_target;
use safeguard_disclosure::incident::log::parse;
use safeguard_disclosure::incident::timeliness::{Settings, report};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(state) = parse(std::path::Path::new("incidents.jsonl"), &text) {
        if let Some(l) = state.truncated_line {
            assert_eq!(l, text.lines().count());
        }
        for (i, inc) in state.incidents.iter().enumerate() {
            assert!(inc.events >= 1);
            assert!(state.incidents[..i].iter().all(|o| o.id != inc.id));
        }
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let r = report(&state.incidents, now, &Settings { notify_within_hours: u32::MAX });
        assert!(r.incidents.len() <= state.incidents.len());
    }
});
