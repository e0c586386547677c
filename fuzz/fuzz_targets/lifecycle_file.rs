#![no_main]
//! OpenEoX-style lifecycle JSON: parsing, validation, checks and notices never panic.
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use safeguard_disclosure::lifecycle::{self, Lifecycle, NoticeOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(versions) = lifecycle::parse_openeox(data, Path::new("lifecycle.json")) else {
        return;
    };
    for v in &versions {
        let _ = lifecycle::validate(v);
    }
    let lc = Lifecycle {
        update_policy: Some("missing/updates.md".into()),
        user_docs: vec!["https://example.com/docs".into()],
        versions,
    };
    let now = time::macros::datetime!(2026-01-01 00:00 UTC);
    let report = lifecycle::check(&lc, now, Path::new("/nonexistent-safeguard-fuzz"));
    let _ = serde_json::to_string(&report);
    for v in lc.versions.iter().take(8) {
        for markdown in [true, false] {
            let opts = NoticeOptions {
                product: v.product.as_deref(),
                markdown,
                ..Default::default()
            };
            let _ = lifecycle::notice(&lc, &v.version, &opts);
        }
    }
});
