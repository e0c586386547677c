#![no_main]
//! Every lockfile / manifest / SBOM reader. The input's first line picks the reader: an
//! extractor id (`rust/cargolock`, as the seed corpus uses) or a file name (as discovery
//! would); the rest is the file. Readers return components or a
//! located error and never panic, and every component they return has a name and a purl that
//! parses back.
use libfuzzer_sys::fuzz_target;
use safeguard_inventory::{Input, extractor};

fuzz_target!(|data: &[u8]| {
    let (name, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let name = std::str::from_utf8(name).unwrap_or("");
    let all = extractor::all();
    let ex = all
        .iter()
        .copied()
        .find(|e| e.id() == name)
        .or_else(|| all.iter().copied().find(|e| e.matches(name)))
        .unwrap_or(all[data.first().copied().unwrap_or(0) as usize % all.len()]);
    let path = if name.is_empty() { "input" } else { name };
    match ex.extract(&Input::in_memory(path, body)) {
        Ok(components) => {
            for c in components {
                assert!(!c.name.is_empty(), "{}: empty component name", ex.id());
                let purl = safeguard_model::Purl::parse(&c.purl);
                assert!(purl.is_ok(), "{}: bad purl {:?}", ex.id(), c.purl);
            }
        }
        Err(e) => {
            assert_eq!(e.file, path);
            assert!(e.line.is_none_or(|l| l >= 1));
            assert!(e.column.is_none_or(|c| c >= 1));
        }
    }
});
