//! CSAF `version_t` (section 3.1.11): integer versioning (`0`, `1`, `2`, …) or semantic
//! versioning 2.0.0 (`1.4.0-rc.1+build.5`), compared by precedence without overflow.

use std::cmp::Ordering;

/// A parsed `version_t`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocVersion {
    /// Integer versioning: the digits, without leading zeros.
    Integer(String),
    /// Semantic versioning.
    Semantic {
        major: String,
        minor: String,
        patch: String,
        /// Dot-separated pre-release identifiers (empty when there is none).
        pre: Vec<String>,
        /// Build metadata, when given (ignored for precedence).
        build: Option<String>,
    },
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Compares two digit strings without leading zeros as numbers.
fn cmp_num(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl DocVersion {
    /// Parses a version; `None` when it is neither form.
    pub fn parse(s: &str) -> Option<DocVersion> {
        if is_number(s) {
            return Some(DocVersion::Integer(s.to_string()));
        }
        let (rest, build) = match s.split_once('+') {
            Some((r, b)) => {
                if b.split('.').any(|p| !is_ident(p)) {
                    return None;
                }
                (r, Some(b.to_string()))
            }
            None => (s, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((c, p)) => {
                let ids: Vec<String> = p.split('.').map(str::to_string).collect();
                if ids.iter().any(|i| {
                    !is_ident(i)
                        || (i.bytes().all(|b| b.is_ascii_digit())
                            && i.len() > 1
                            && i.starts_with('0'))
                }) {
                    return None;
                }
                (c, ids)
            }
            None => (rest, Vec::new()),
        };
        let mut parts = core.split('.');
        let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || !is_number(major) || !is_number(minor) || !is_number(patch) {
            return None;
        }
        Some(DocVersion::Semantic {
            major: major.into(),
            minor: minor.into(),
            patch: patch.into(),
            pre,
            build,
        })
    }

    /// True for integer versioning.
    pub fn is_integer(&self) -> bool {
        matches!(self, DocVersion::Integer(_))
    }

    /// The integer, or the major version.
    pub fn major(&self) -> &str {
        match self {
            DocVersion::Integer(n) => n,
            DocVersion::Semantic { major, .. } => major,
        }
    }

    /// `0`, or a semantic version `0.y.z` (a version not yet released, section 3.1.11).
    pub fn is_zero(&self) -> bool {
        self.major() == "0"
    }

    /// True when a semantic version has a pre-release part.
    pub fn has_pre_release(&self) -> bool {
        matches!(self, DocVersion::Semantic { pre, .. } if !pre.is_empty())
    }

    /// The version without build metadata (and without the pre-release part when `drop_pre`).
    pub fn without_build(&self, drop_pre: bool) -> DocVersion {
        match self {
            DocVersion::Integer(n) => DocVersion::Integer(n.clone()),
            DocVersion::Semantic {
                major,
                minor,
                patch,
                pre,
                ..
            } => DocVersion::Semantic {
                major: major.clone(),
                minor: minor.clone(),
                patch: patch.clone(),
                pre: if drop_pre { Vec::new() } else { pre.clone() },
                build: None,
            },
        }
    }

    /// Precedence (semantic versioning 2.0.0 §11; build metadata ignored). An integer version
    /// is compared with a semantic one through the major version only.
    pub fn precedence(&self, other: &DocVersion) -> Ordering {
        use DocVersion::*;
        match (self, other) {
            (Integer(a), Integer(b)) => cmp_num(a, b),
            (Integer(a), Semantic { major, .. }) => cmp_num(a, major),
            (Semantic { major, .. }, Integer(b)) => cmp_num(major, b),
            (
                Semantic {
                    major: a1,
                    minor: a2,
                    patch: a3,
                    pre: ap,
                    ..
                },
                Semantic {
                    major: b1,
                    minor: b2,
                    patch: b3,
                    pre: bp,
                    ..
                },
            ) => cmp_num(a1, b1)
                .then_with(|| cmp_num(a2, b2))
                .then_with(|| cmp_num(a3, b3))
                .then_with(|| cmp_pre(ap, bp)),
        }
    }
}

fn cmp_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let xn = x.bytes().all(|c| c.is_ascii_digit());
        let yn = y.bytes().all(|c| c.is_ascii_digit());
        let o = match (xn, yn) {
            (true, true) => cmp_num(x.trim_start_matches('0'), y.trim_start_matches('0')),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> DocVersion {
        DocVersion::parse(s).unwrap()
    }

    #[test]
    fn parses_both_schemes_and_rejects_others() {
        assert_eq!(v("10"), DocVersion::Integer("10".into()));
        assert!(v("1.0.0-rc.1+b5").has_pre_release());
        for bad in [
            "01", "1.0", "1.0.0.0", "1.0.0-", "1.0.0-01", "v1", "", "1.0.0+",
        ] {
            assert_eq!(DocVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn precedence_follows_semver_and_does_not_overflow() {
        assert_eq!(v("9").precedence(&v("10")), Ordering::Less);
        assert_eq!(v("1.9.0").precedence(&v("1.10.0")), Ordering::Less);
        assert_eq!(v("1.0.0-rc").precedence(&v("1.0.0")), Ordering::Less);
        assert_eq!(
            v("1.0.0-alpha.2").precedence(&v("1.0.0-alpha.10")),
            Ordering::Less
        );
        assert_eq!(
            v("1.0.0-alpha").precedence(&v("1.0.0-alpha.1")),
            Ordering::Less
        );
        assert_eq!(v("2.0.0+a").precedence(&v("2.0.0+b")), Ordering::Equal);
        assert_eq!(
            v("99999999999999999999999").precedence(&v("100000000000000000000000")),
            Ordering::Less
        );
    }
}
