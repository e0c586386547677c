#![no_main]
//! Version parsing and ordering never panic; a parsed version re-parses from its text to an
//! equal version; comparison is antisymmetric and, against a set of fixed versions, transitive.
//!
//! Input: `scheme-name\nversion` (a name from `Scheme::name`, e.g. `maven\n1.0-rc1`), or any
//! other text, which is tried as a version under every scheme.
use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use safeguard_vulndb::version::{Scheme, Version};

const FIXED: &[&str] = &[
    "0",
    "0.0.0",
    "1",
    "1.0",
    "1.0.0",
    "1.0.0-alpha",
    "1.0.0-rc.1",
    "1.0a1",
    "1.0.dev0",
    "1.0.post1",
    "1.0-SNAPSHOT",
    "1.0.RELEASE",
    "2.9.0.RC1",
    "2.9-1",
    "1.0-1",
    "1:1.0-1",
    "1.0~rc1",
    "1.0_rc1-r0",
    "1.0-r1",
    "v1.2.3",
    "1.2.3.4",
    "dev-main",
];

fn check(scheme: Scheme, text: &str) {
    let Ok(v) = scheme.parse(text) else { return };
    assert_eq!(v.cmp(&v), Ordering::Equal, "{v:?}");
    let again = scheme
        .parse(v.as_str())
        .expect("a parsed version's text parses");
    assert_eq!(again, v, "{v:?} re-parsed");
    let _ = v.is_prerelease();
    let fixed: Vec<Version> = FIXED.iter().filter_map(|f| scheme.parse(f).ok()).collect();
    for w in &fixed {
        assert_eq!(v.cmp(w), w.cmp(&v).reverse(), "{v:?} vs {w:?}");
        for u in &fixed {
            if v <= *w && *w <= *u {
                assert!(v <= *u, "{v:?} <= {w:?} <= {u:?}");
            }
            if *w <= v && v <= *u {
                assert!(*w <= *u, "{w:?} <= {v:?} <= {u:?}");
            }
            if *w <= *u && *u <= v {
                assert!(*w <= v, "{w:?} <= {u:?} <= {v:?}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.split_once('\n') {
        Some((name, version)) if Scheme::from_name(name).is_some() => {
            if let Some(scheme) = Scheme::from_name(name) {
                check(scheme, version);
            }
        }
        _ => {
            for scheme in Scheme::ALL {
                check(scheme, text);
            }
        }
    }
});
