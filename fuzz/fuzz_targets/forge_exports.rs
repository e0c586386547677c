#![no_main]
//! Forge exports and commit messages: any input is read or fails with an error naming the
//! file (and, for JSON errors, a JSON path), never a panic; what is read is consistent.
use libfuzzer_sys::fuzz_target;
use safeguard_source::forge::protection::{self, Safeguard};
use safeguard_source::forge::{ForgeError, read_protection, read_reviews, review_signals};

const FILE: &str = "export.json";

fn check_error(e: &ForgeError) {
    assert_eq!(e.file(), FILE, "{e}");
    if let Some(path) = e.json_path() {
        assert!(path.starts_with('$'), "{e}");
    }
    if let ForgeError::Syntax { line, column, .. } = e {
        assert!(*line >= 1 && *column >= 1, "{e}");
    }
    assert!(e.to_string().starts_with(FILE));
}

fuzz_target!(|data: &[u8]| {
    match read_protection(FILE, data) {
        Ok(list) => {
            for p in &list {
                for branch in ["main", "release/1.0", p.branch.as_str()] {
                    let a = protection::assess(&list, branch, "main");
                    assert!(a.level <= 4);
                    assert_eq!(a.present.len() + a.missing.len(), Safeguard::ALL.len());
                    assert_eq!(a.effective.is_some(), !a.applied.is_empty());
                }
            }
        }
        Err(e) => check_error(&e),
    }
    match read_reviews(FILE, data) {
        Ok(export) => {
            for r in &export.reviews {
                for c in &r.commits {
                    assert!(export.get(c).is_some(), "{c}");
                }
                if let Some(author) = &r.author {
                    assert!(r.approvers.iter().all(|a| !a.eq_ignore_ascii_case(author)));
                }
            }
        }
        Err(e) => check_error(&e),
    }
    let text = String::from_utf8_lossy(data);
    let parents = data.first().map_or(1, |b| usize::from(b % 3));
    let s = review_signals(&text, parents);
    assert_eq!(s.merge_commit, parents > 1);
    let trailer_values = |key: &str| {
        s.trailers
            .iter()
            .filter(|t| t.key.eq_ignore_ascii_case(key) && !t.value.is_empty())
            .count()
    };
    assert_eq!(s.reviewed_by.len(), trailer_values("reviewed-by"));
    assert_eq!(s.signed_off_by.len(), trailer_values("signed-off-by"));
    if let Some(pr) = &s.pr {
        assert!(["github", "gitlab", "bitbucket", "azure"].contains(&pr.forge));
        assert!(text.contains(&pr.number.to_string()));
    }
});
