//! Whether a version is affected by an OSV `affected` entry, the fixed versions, and the
//! smallest upgrade that clears a record.
//!
//! Evaluation follows the OSV schema's algorithm: the events of a range are sorted by version
//! (`"0"` first), then walked in order; an `introduced` at or below the version turns
//! "affected" on, a `fixed` at or below it turns it off, a `last_affected` below it turns it
//! off. A range with `limit` events only applies below one of its limits. A version listed in
//! `versions` is affected whatever the ranges say.
//!
//! - `SEMVER` ranges use SemVer ordering (Go's for the Go ecosystem, which also accepts the
//!   `v` prefix, pseudo-versions and `+incompatible`);
//! - `ECOSYSTEM` ranges use the ecosystem's own ordering ([`crate::version::Scheme`]);
//! - `GIT` ranges are evaluated only when the component carries a commit, and only by exact
//!   commit equality with an event (offline, without the repository's history, a commit between
//!   two events cannot be placed); OSV producers also enumerate the tags of a GIT range in
//!   `versions`, which is where most GIT-range matches come from.

use crate::osv::{EventKind, RangeType};
use crate::store::{AffectedView, RangeView};
use crate::version::{Scheme, Version};

/// The verdict for one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Affected,
    NotAffected,
    /// The version could not be evaluated (it does not parse, or the ecosystem's ordering is not
    /// known); the reason says which.
    Unknown(String),
}

/// The ordering used for a range of `kind` in an entry of `ecosystem`.
pub fn scheme_for(kind: RangeType, ecosystem: &str) -> Option<Scheme> {
    let eco = Scheme::for_ecosystem(ecosystem);
    match kind {
        RangeType::Semver if eco == Some(Scheme::Go) => Some(Scheme::Go),
        RangeType::Semver => Some(Scheme::SemVer),
        RangeType::Ecosystem => eco,
        RangeType::Git => None,
    }
}

/// Whether `version` (and, for GIT ranges, `commit`) is affected by `entry`.
pub fn evaluate(entry: &AffectedView<'_>, version: &str, commit: Option<&str>) -> Verdict {
    if entry.versions.contains(&version) {
        return Verdict::Affected;
    }
    if entry.ranges.is_empty() {
        // No ranges: the listed versions are the whole statement; with no list either, the
        // record affects every version of the package (as malicious-package records do).
        return if entry.versions.is_empty() {
            Verdict::Affected
        } else {
            Verdict::NotAffected
        };
    }
    let mut unknown = None;
    let mut evaluated = false;
    for range in &entry.ranges {
        match evaluate_range(range, entry.ecosystem, version, commit) {
            Some(Verdict::Affected) => return Verdict::Affected,
            Some(Verdict::NotAffected) => evaluated = true,
            Some(Verdict::Unknown(reason)) => unknown = Some(reason),
            None => {}
        }
    }
    match unknown {
        // A version placed in at least one range is judged by the ranges that could be read.
        Some(reason) if !evaluated => Verdict::Unknown(reason),
        _ => Verdict::NotAffected,
    }
}

/// `None` when the range does not apply (a GIT range and no commit).
fn evaluate_range(
    range: &RangeView<'_>,
    ecosystem: &str,
    version: &str,
    commit: Option<&str>,
) -> Option<Verdict> {
    if range.kind == RangeType::Git {
        let commit = commit?;
        let mut affected = false;
        for (kind, v) in &range.events {
            if *v == commit {
                match kind {
                    EventKind::Introduced | EventKind::LastAffected => affected = true,
                    EventKind::Fixed | EventKind::Limit => return Some(Verdict::NotAffected),
                }
            }
        }
        return Some(if affected {
            Verdict::Affected
        } else {
            Verdict::NotAffected
        });
    }
    let Some(scheme) = scheme_for(range.kind, ecosystem) else {
        return Some(Verdict::Unknown(format!(
            "no version ordering is known for ecosystem {ecosystem:?}"
        )));
    };
    let v = match scheme.parse(version) {
        Ok(v) => v,
        Err(e) => return Some(Verdict::Unknown(e.to_string())),
    };
    Some(if affected_in(scheme, &range.events, &v) {
        Verdict::Affected
    } else {
        Verdict::NotAffected
    })
}

/// Parses the events of a range; events whose version does not parse are dropped.
fn parsed_events(scheme: Scheme, events: &[(EventKind, &str)]) -> Vec<(Version, EventKind, bool)> {
    let mut out: Vec<(Version, EventKind, bool)> = Vec::with_capacity(events.len());
    for (kind, v) in events {
        let zero = *v == "0";
        if let Ok(parsed) = scheme.parse(v) {
            out.push((parsed, *kind, zero));
        }
    }
    // "0" sorts first whatever the scheme thinks of it.
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    out
}

fn affected_in(scheme: Scheme, events: &[(EventKind, &str)], v: &Version) -> bool {
    let events = parsed_events(scheme, events);
    // Events are sorted with the total order; each comparison with the version uses the
    // ecosystem's own pairwise answer (`cmp_exact`), which differs only in Maven's and
    // Composer's non-transitive corners.
    use std::cmp::Ordering::{Greater, Less};
    let mut limited = false;
    let mut below_a_limit = false;
    for (ev, kind, _) in &events {
        if *kind == EventKind::Limit {
            limited = true;
            below_a_limit |= v.cmp_exact(ev) == Less;
        }
    }
    if limited && !below_a_limit {
        return false;
    }
    let mut affected = false;
    for (ev, kind, zero) in &events {
        let ord = v.cmp_exact(ev);
        match kind {
            EventKind::Introduced if *zero || ord != Less => affected = true,
            EventKind::Fixed if ord != Less => affected = false,
            EventKind::LastAffected if ord == Greater => affected = false,
            _ => {}
        }
    }
    affected
}

/// Every `fixed` version of the entry's version ranges (as written), in version order,
/// deduplicated. GIT ranges' fixed commits are not versions and are left out.
pub fn fixed_versions<'a>(entries: &[AffectedView<'a>]) -> Vec<&'a str> {
    let mut out: Vec<(Option<Version>, &'a str)> = Vec::new();
    for entry in entries {
        for range in entry.ranges.iter().filter(|r| r.kind != RangeType::Git) {
            let scheme = scheme_for(range.kind, entry.ecosystem);
            for (kind, v) in &range.events {
                if *kind == EventKind::Fixed && !out.iter().any(|(_, s)| s == v) {
                    out.push((scheme.and_then(|s| s.parse(v).ok()), v));
                }
            }
        }
    }
    out.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => x.cmp(y),
        _ => a.1.cmp(b.1),
    });
    out.into_iter().map(|(_, s)| s).collect()
}

/// The smallest fixed version above `current` that none of `entries` affects.
pub fn smallest_upgrade<'a>(entries: &[AffectedView<'a>], current: &str) -> Option<&'a str> {
    for candidate in fixed_versions(entries) {
        let above = entries.iter().any(|e| {
            e.ranges.iter().any(|r| {
                scheme_for(r.kind, e.ecosystem).is_some_and(|s| {
                    match (s.parse(candidate), s.parse(current)) {
                        (Ok(c), Ok(cur)) => c.cmp_exact(&cur) == std::cmp::Ordering::Greater,
                        _ => false,
                    }
                })
            })
        });
        if above
            && entries
                .iter()
                .all(|e| evaluate(e, candidate, None) == Verdict::NotAffected)
        {
            return Some(candidate);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn entry<'a>(
        eco: &'a str,
        kind: RangeType,
        events: &[(EventKind, &'a str)],
        versions: &[&'a str],
    ) -> AffectedView<'a> {
        AffectedView::new(
            eco,
            "p",
            vec![RangeView {
                kind,
                events: events.to_vec(),
            }],
            versions.to_vec(),
        )
    }

    #[test]
    fn introduced_fixed_pairs_in_any_order() {
        // Given out of order: the events are sorted before they are walked.
        let e = entry(
            "PyPI",
            RangeType::Ecosystem,
            &[
                (Introduced, "2.0"),
                (Fixed, "2.5"),
                (Introduced, "0"),
                (Fixed, "1.5"),
            ],
            &[],
        );
        for (v, want) in [
            ("0.1", true),
            ("1.5", false),
            ("1.7", false),
            ("2.0", true),
            ("2.4.9", true),
            ("2.5", false),
            ("3", false),
        ] {
            assert_eq!(evaluate(&e, v, None) == Verdict::Affected, want, "{v}");
        }
    }

    #[test]
    fn last_affected_and_limit() {
        let e = entry(
            "npm",
            RangeType::Semver,
            &[(Introduced, "1.0.0"), (LastAffected, "1.2.0")],
            &[],
        );
        assert_eq!(evaluate(&e, "1.2.0", None), Verdict::Affected);
        assert_eq!(evaluate(&e, "1.2.1", None), Verdict::NotAffected);
        let e = entry(
            "crates.io",
            RangeType::Semver,
            &[(Introduced, "0"), (Limit, "2.0.0")],
            &[],
        );
        assert_eq!(evaluate(&e, "1.9.9", None), Verdict::Affected);
        assert_eq!(evaluate(&e, "2.0.0", None), Verdict::NotAffected);
    }

    #[test]
    fn versions_list_go_and_unknown() {
        let e = entry(
            "PyPI",
            RangeType::Ecosystem,
            &[(Introduced, "1.0"), (Fixed, "1.1")],
            &["0.9"],
        );
        assert_eq!(
            evaluate(&e, "0.9", None),
            Verdict::Affected,
            "listed versions are affected"
        );
        // Go: SEMVER ranges without the v prefix match v-prefixed module versions.
        let e = entry(
            "Go",
            RangeType::Semver,
            &[(Introduced, "0"), (Fixed, "1.2.4")],
            &[],
        );
        assert_eq!(evaluate(&e, "v1.2.3", None), Verdict::Affected);
        assert_eq!(
            evaluate(&e, "v1.2.4-0.20210101000000-abcdef123456", None),
            Verdict::Affected,
            "a pseudo-version before 1.2.4"
        );
        assert_eq!(evaluate(&e, "v1.2.4", None), Verdict::NotAffected);
        let e = entry("Nope", RangeType::Ecosystem, &[(Introduced, "0")], &[]);
        assert!(matches!(evaluate(&e, "1", None), Verdict::Unknown(r) if r.contains("Nope")));
    }

    #[test]
    fn fixed_commits_are_not_fixed_versions() {
        let c = "0123456789abcdef0123456789abcdef01234567";
        let git = AffectedView::new(
            "PyPI",
            "p",
            vec![
                RangeView {
                    kind: RangeType::Git,
                    events: vec![(Introduced, "0"), (Fixed, c)],
                },
                RangeView {
                    kind: RangeType::Ecosystem,
                    events: vec![(Introduced, "0"), (Fixed, "8.10.0")],
                },
            ],
            vec![],
        );
        assert_eq!(fixed_versions(std::slice::from_ref(&git)), vec!["8.10.0"]);
        assert_eq!(smallest_upgrade(&[git], "7.9.0"), Some("8.10.0"));
    }

    #[test]
    fn git_ranges_need_a_commit() {
        let c = "0123456789abcdef0123456789abcdef01234567";
        let e = entry("GIT", RangeType::Git, &[(Introduced, c)], &[]);
        assert_eq!(evaluate(&e, "1.0", None), Verdict::NotAffected);
        assert_eq!(evaluate(&e, "1.0", Some(c)), Verdict::Affected);
    }

    #[test]
    fn smallest_upgrade_skips_a_fix_that_another_range_still_affects() {
        let a = entry(
            "PyPI",
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "1.1")],
            &[],
        );
        let b = entry(
            "PyPI",
            RangeType::Ecosystem,
            &[(Introduced, "1.1"), (Fixed, "1.3")],
            &[],
        );
        assert_eq!(fixed_versions(&[a.clone(), b.clone()]), vec!["1.1", "1.3"]);
        assert_eq!(smallest_upgrade(&[a.clone(), b], "1.0"), Some("1.3"));
        assert_eq!(smallest_upgrade(&[a], "1.0"), Some("1.1"));
        let none = entry("PyPI", RangeType::Ecosystem, &[(Introduced, "0")], &[]);
        assert_eq!(smallest_upgrade(&[none], "1.0"), None);
    }
}
