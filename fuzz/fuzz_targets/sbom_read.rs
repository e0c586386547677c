#![no_main]
//! CycloneDX / SPDX JSON reading: a document or a located error, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = safeguard_inventory::sbom::read("input.json", data) {
        for c in &doc.components {
            assert!(safeguard_model::Purl::parse(&c.purl).is_ok(), "bad purl {:?}", c.purl);
        }
    }
});
