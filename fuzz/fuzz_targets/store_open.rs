#![no_main]
//! The store opened over arbitrary bytes (a damaged or foreign file): never panics, and a file
//! that is not a Safeguard store is never changed.
use libfuzzer_sys::fuzz_target;
use safeguard_store::{OpenMode, Store};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("store.db");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    match Store::open(&path, OpenMode::Existing) {
        Ok(mut s) => {
            let _ = s.verify();
            let _ = s.tickets(&Default::default());
            let _ = s.audit(None);
        }
        Err(_) => {
            if !data.is_empty() {
                assert_eq!(std::fs::read(&path).ok().as_deref(), Some(data), "a refused file changed");
            }
        }
    }
});
