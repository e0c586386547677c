//! Shared by the conformance tests: each owns one section of `docs/conformance.md`.

use std::path::PathBuf;

/// `docs/conformance.md` holds one section per conformance test, between
/// `<!-- section: NAME -->` and `<!-- end: NAME -->`. With `UPDATE_CONFORMANCE=1` the section is
/// rewritten (added at the end if missing); otherwise the test fails when it is stale.
pub fn check_doc_section(name: &str, content: &str) {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/conformance.md"
    ));
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let (begin, end) = (
        format!("<!-- section: {name} -->\n"),
        format!("<!-- end: {name} -->\n"),
    );
    let block = format!("{begin}{}\n{end}", content.trim_end());
    let current = doc
        .find(&begin)
        .and_then(|b| doc[b..].find(&end).map(|e| (b, b + e + end.len())));
    if std::env::var("UPDATE_CONFORMANCE").is_ok_and(|v| v == "1") {
        let updated = match current {
            Some((b, e)) => format!("{}{block}{}", &doc[..b], &doc[e..]),
            None => format!("{}\n{block}", doc.trim_end()),
        };
        std::fs::write(&path, updated).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    } else {
        let found = current.map(|(b, e)| &doc[b..e]).unwrap_or_default();
        assert_eq!(
            found, block,
            "the {name} section of docs/conformance.md is out of date; run with UPDATE_CONFORMANCE=1"
        );
    }
}
