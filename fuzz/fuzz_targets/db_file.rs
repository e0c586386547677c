#![no_main]
//! Opening a damaged or hostile database file: never panics, never trusts what does not check.
//!
//! Half the inputs are used as a whole file; the other half as a list of (offset, xor) edits to
//! a small valid database built once, so the fuzzer reaches past the header checks.
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::db::{self, ImportOptions};
use safeguard_vulndb::store::Database;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("sg-fuzz-db-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}

fn good() -> &'static [u8] {
    static GOOD: OnceLock<Vec<u8>> = OnceLock::new();
    GOOD.get_or_init(|| {
        let d = dir();
        let input = d.join("in.ndjson");
        let mut text = String::new();
        for (i, (eco, name)) in [("PyPI", "requests"), ("npm", "a"), ("crates.io", "x"), ("Go", "stdlib")].iter().enumerate() {
            text.push_str(&format!(
                r#"{{"id":"GHSA-{i}","modified":"2024-01-0{}T00:00:00Z","summary":"s","affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{i}"}}]}}],"versions":["0.{i}"]}}]}}"#,
                i + 1
            ));
            text.push('\n');
        }
        std::fs::write(&input, text).unwrap();
        let path = d.join("good.db");
        let _ = std::fs::remove_file(&path);
        db::import(&path, &[input], ImportOptions::default(), &mut |_| {}).unwrap();
        std::fs::read(&path).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut b = good().to_vec();
        for edit in rest.chunks_exact(3) {
            let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % b.len();
            b[at] ^= edit[2];
        }
        if mode & 2 != 0 && !rest.is_empty() {
            let cut = usize::from(rest[0]) * 7 % b.len();
            b.truncate(cut);
        }
        b
    };
    let path = dir().join("osv.db");
    if std::fs::write(&path, &bytes).is_err() {
        return;
    }
    if let Ok(db) = Database::open(&path) {
        let _ = db.stats();
        for i in 0..db.len().min(64) {
            let _ = db.record_ref(i);
            let _ = db.record_json(i);
        }
        for (eco, name) in [("PyPI", "requests"), ("npm", "a"), ("crates.io", "x"), ("Go", "stdlib")] {
            if let Ok(hits) = db.lookup(eco, name) {
                for h in hits.iter().flatten() {
                    let _ = safeguard_vulndb::range::evaluate(&h.affected, "0.5", None);
                }
            }
        }
    }
    let _ = Database::salvage(&path);
});
