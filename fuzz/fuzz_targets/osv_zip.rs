#![no_main]
//! Reading OSV records out of a hostile zip archive: never panics, never loops; every record
//! handed out is the complete, CRC-checked content of one entry.
use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::source;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("sg-fuzz-zip-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("all.zip");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut total = 0usize;
    let _ = source::read_file(&path, &mut |item| {
        total += item.bytes.len();
        assert!(item.origin.contains("all.zip!"));
    });
    assert!(total <= data.len().saturating_mul(1100).max(1 << 20), "inflation beyond deflate's limit");
});
