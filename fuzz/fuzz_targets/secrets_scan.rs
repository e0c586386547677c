#![no_main]
//! Secret scanner: never panics on any bytes, streaming agrees with the whole-buffer scan,
//! matches lie inside the input and redaction never shows the secret.
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use safeguard_source::secrets::{Scanner, fingerprint, redact};

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

fuzz_target!(|data: &[u8]| {
    let s = scanner();
    let mut whole = Vec::new();
    s.scan(data, &mut whole);
    for m in &whole {
        assert!(m.start < m.end && m.end <= data.len() as u64);
        assert_eq!(&data[m.start as usize..m.end as usize], &*m.secret);
        assert!(m.line >= 1 && m.column >= 1);
        let red = redact(&m.secret);
        if m.secret.len() >= 8 {
            assert!(!red.as_bytes().windows(m.secret.len()).any(|w| w == &*m.secret));
        }
        assert_eq!(fingerprint(m.rule().id, &m.secret).len(), 64);
    }
    let mut streamed = Vec::new();
    let n = s.scan_reader(data, &mut streamed).expect("slices never fail to read");
    assert_eq!(n, data.len() as u64);
    assert_eq!(whole, streamed);
});
