#![no_main]
//! The OSV reader: JSON and YAML records, strict and lenient. Never panics; a record that
//! validates can be stored and read back.
use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::osv;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        if let Ok(v) = osv::parse_json(data, strict) {
            let _ = v.modified.to_datetime();
            // The display-side reader accepts whatever the validator accepted.
            osv::Record::from_json(data).expect("a validated record must read as a Record");
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(json) = osv::yaml_to_json(text)
    {
        let _ = osv::parse_json(&json, false);
    }
});
