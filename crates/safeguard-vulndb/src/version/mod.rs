//! Exact version ordering per ecosystem.
//!
//! [`Scheme`] names one ecosystem's rules for spelling and ordering versions; [`Scheme::parse`]
//! turns a string into a [`Version`], and [`Version`]'s `Ord` is the ecosystem's order. Equality
//! is semantic: two spellings of the same version compare `Equal` (PEP 440 `1.0` and `1.0.0`,
//! Maven `1.0` and `1`, SemVer `1.2.3+a` and `1.2.3+b`). [`Version::as_str`] keeps the text as
//! given (leading and trailing whitespace removed) for display.
//!
//! # Two comparisons: `Ord` for sorting, [`Version::cmp_exact`] for range checks
//!
//! `Ord` is always a total order, so versions can be sorted (Rust's sort may panic on an order
//! that is not). Two ecosystems' own comparators are not transitive in a few corners: Maven's
//! ComparableVersion (`2.9.0.RC3 < 2.9.0 < 2.9.0-1 < 2.9.0.RC1`) and PHP's `version_compare`
//! used by Composer (`#` equals every number, so `1.2.3.# = 1.2.3` and `1.2.3.# = 1.2.3.1`
//! though `1.2.3 < 1.2.3.1`). There `Ord` departs from the ecosystem just enough to be total,
//! while [`Version::cmp_exact`] (and [`Scheme::compare`]) gives exactly the ecosystem's answer
//! for the pair. Range checks ("is this version at or above `introduced`, below `fixed`?") must
//! use [`Version::cmp_exact`]; sorting must use `Ord`. For every other scheme the two agree.
//!
//! Versions of different schemes never mix in practice; when they are compared anyway they are
//! ordered by scheme first, so `Ord` stays total.
//!
//! # The OSV `"0"` version
//!
//! OSV uses `introduced: "0"` for "from the first version". In every scheme the version `"0"`
//! sorts before every other version of that scheme:
//!
//! - where the scheme already gives `0` that place (CRAN), nothing changes;
//! - where `0` has several spellings that are equal by the scheme's own rules (PEP 440 `0` and
//!   `0.0`; Maven `0`, `0.0.0` and `0-final-ga`; RubyGems `0.0`; Debian `0:0-0`; Alpine `00`),
//!   that whole class sorts first, so it stays equal to itself. The only versions this moves are
//!   pre-releases of zero (PEP 440 `0.dev1`, Maven `0-alpha`), which would otherwise sort below
//!   `0` and so be missed by an "everything is affected" range;
//! - in SemVer, Go and NuGet, where `0.0.0` is a real release with pre-releases below it
//!   (`0.0.0-alpha < 0.0.0`), only the literal `"0"` is the minimum, and it is not equal to
//!   `0.0.0`.
//!
//! Range code should still treat `introduced: "0"` as "no lower bound" where it can.
//!
//! # What each scheme accepts
//!
//! Each submodule documents its leniency; in short:
//!
//! - SemVer: an optional `v`/`V`; one or more numeric release parts (`1`, `1.2` and `1.2.3.4`
//!   are accepted, missing parts count as 0 and parts past the third compare numerically after
//!   it); leading zeros; a pre-release introduced by `-` or directly by a letter (`1.2.3beta`,
//!   as npm's loose mode does); build metadata after `+` (ignored for ordering).
//! - Go: as SemVer; pseudo-versions are ordinary pre-releases and `+incompatible` is build
//!   metadata, which is exactly how the go command orders them.
//! - NuGet: as SemVer with at most four release parts; pre-release labels compare ignoring case.
//! - PEP 440: the full normalisation rules (case, `v`, separators, spelled-out pre-release
//!   names, implicit post-releases, local versions); strings that are not PEP 440 but are made
//!   only of letters, digits, `.`, `-` and `_` are accepted as "legacy" versions (sorted before
//!   every PEP 440 version, as `packaging` before 22.0 did).
//! - Maven: any string (ComparableVersion never rejects input).
//! - RubyGems: letters, digits, `.` and `-`.
//! - Packagist: PHP `version_compare` order on the string, with a leading `v` ignored.
//! - Debian: `[epoch:]upstream[-revision]`, any printable ASCII.
//! - Alpine: any printable ASCII (apk orders malformed versions too).
//! - CRAN: numbers separated by `.` or `-`.
//!
//! Every scheme rejects the empty string, strings longer than [`MAX_LEN`] bytes and strings
//! with whitespace or control characters inside.

use std::cmp::Ordering;
use std::fmt;

mod alpine;
mod cran;
mod debian;
mod maven;
mod packagist;
mod pep440;
mod rubygems;
mod semver;

/// The longest version string accepted, in bytes.
pub const MAX_LEN: usize = 1024;

/// A version scheme: how one ecosystem spells and orders versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// SemVer 2.0.0 (crates.io, npm, Pub, Hex, SwiftURL, Bitnami, and OSV `SEMVER` ranges).
    SemVer,
    /// Go modules: SemVer with a `v` prefix, pseudo-versions and `+incompatible`.
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven (ComparableVersion rules).
    Maven,
    /// NuGet (SemVer 2 with up to four numeric parts, case-insensitive labels).
    NuGet,
    /// RubyGems (`Gem::Version`).
    RubyGems,
    /// Packagist (Composer; PHP `version_compare` order).
    Packagist,
    /// Debian (dpkg: epoch, upstream, revision; also Ubuntu).
    Debian,
    /// Alpine (apk-tools; also Wolfi and Chainguard).
    Alpine,
    /// CRAN (R package versions; also Bioconductor).
    Cran,
}

/// A version that could not be parsed under its scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{scheme:?} version {version:?}: {reason}")]
pub struct VersionError {
    /// The scheme the version was parsed under.
    pub scheme: Scheme,
    /// The text as given.
    pub version: String,
    /// What is wrong with it, in words.
    pub reason: String,
}

/// A parsed version. `Ord`, `PartialOrd`, `Eq` and `PartialEq` follow the scheme's order, made
/// total where the ecosystem's own comparator is not (Maven, Packagist): use `Ord` to sort, and
/// [`Version::cmp_exact`] to check a version against a range.
#[derive(Debug, Clone)]
pub struct Version {
    raw: Box<str>,
    scheme: Scheme,
    /// The scheme's `"0"`: sorts before everything else (see the module docs).
    floor: bool,
    repr: Repr,
}

/// The parsed form of each scheme. Spans index into `Version::raw`.
#[derive(Debug, Clone)]
enum Repr {
    SemVer(semver::Parsed),
    Pep440(pep440::Parsed),
    Maven(maven::Parsed),
    RubyGems(rubygems::Parsed),
    Packagist(packagist::Parsed),
    Debian(debian::Parsed),
    /// apk orders on the text itself.
    Alpine,
    Cran(cran::Parsed),
}

/// A byte range of a version string. Versions are at most [`MAX_LEN`] bytes, so `u16` fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: u16,
    end: u16,
}

impl Span {
    /// `start..end`; callers only pass offsets of a string no longer than [`MAX_LEN`].
    pub(crate) fn new(start: usize, end: usize) -> Span {
        let clamp = |n: usize| u16::try_from(n.min(MAX_LEN)).unwrap_or(u16::MAX);
        Span {
            start: clamp(start),
            end: clamp(end),
        }
    }

    /// The digits of `start..end` without leading zeros (empty for zero).
    pub(crate) fn number(s: &[u8], start: usize, end: usize) -> Span {
        let mut start = start;
        while start < end && s.get(start) == Some(&b'0') {
            start += 1;
        }
        Span::new(start, end)
    }

    pub(crate) fn of<'a>(&self, s: &'a [u8]) -> &'a [u8] {
        s.get(usize::from(self.start)..usize::from(self.end))
            .unwrap_or(&[])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// Compares two runs of decimal digits by value, whatever their length.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b'0').count();
    s.get(n..).unwrap_or(&[])
}

/// Compares two byte strings ignoring ASCII case.
pub(crate) fn cmp_ignore_case(a: &[u8], b: &[u8]) -> Ordering {
    let a = a.iter().map(u8::to_ascii_lowercase);
    let b = b.iter().map(u8::to_ascii_lowercase);
    a.cmp(b)
}

impl Version {
    /// The version as given (surrounding whitespace removed).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The scheme the version was parsed under.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether this is a pre-release by its ecosystem's rules: a SemVer/NuGet/Go pre-release
    /// (including Go pseudo-versions), PEP 440 `a`/`b`/`rc`/`dev`, a Maven `alpha`, `beta`,
    /// `milestone`, `rc`/`cr` or `snapshot` qualifier, a RubyGems version with letters, a
    /// Composer `dev`/`alpha`/`beta`/`RC` version, a Debian upstream version with `~`, an apk
    /// `_alpha`/`_beta`/`_pre`/`_rc` suffix. CRAN has no pre-releases.
    pub fn is_prerelease(&self) -> bool {
        let s = self.raw.as_bytes();
        match &self.repr {
            Repr::SemVer(p) => p.is_prerelease(),
            Repr::Pep440(p) => p.is_prerelease(),
            Repr::Maven(p) => p.is_prerelease(),
            Repr::RubyGems(p) => p.is_prerelease(),
            Repr::Packagist(p) => p.is_prerelease(),
            Repr::Debian(p) => p.is_prerelease(s),
            Repr::Alpine => alpine::is_prerelease(s),
            Repr::Cran(_) => false,
        }
    }

    /// The ecosystem's own pairwise answer for this pair: what Maven's ComparableVersion says
    /// for Maven, what PHP's `version_compare` says for Packagist (including `#`, equal to every
    /// number), and `self.cmp(other)` for every other scheme. The OSV `"0"` rule (see the module
    /// docs) and the scheme-first rule apply as in `Ord`.
    ///
    /// This is what range checks must use. It is not a total order for Maven and Packagist
    /// (Maven has `2.9.0.RC3 < 2.9.0 < 2.9.0-1 < 2.9.0.RC1`), so never sort with it; `Ord` is
    /// the total order for sorting and agrees with this everywhere the ecosystem is transitive.
    pub fn cmp_exact(&self, other: &Version) -> Ordering {
        self.cmp_with(other, true)
    }

    /// The scheme, then the `"0"` rule, then the scheme's order (pairwise when `exact`).
    fn cmp_with(&self, other: &Version, exact: bool) -> Ordering {
        self.scheme
            .cmp(&other.scheme)
            .then_with(|| other.floor.cmp(&self.floor))
            .then_with(|| {
                if self.floor && other.floor {
                    Ordering::Equal
                } else if exact {
                    self.cmp_same_scheme_exact(other)
                } else {
                    self.cmp_same_scheme(other)
                }
            })
    }

    /// The ecosystem's pairwise comparison where it differs from the total order.
    fn cmp_same_scheme_exact(&self, other: &Version) -> Ordering {
        let (a, b) = (self.raw.as_bytes(), other.raw.as_bytes());
        match (&self.repr, &other.repr) {
            (Repr::Maven(x), Repr::Maven(y)) => maven::compare_exact(a, x, b, y),
            (Repr::Packagist(x), Repr::Packagist(y)) => packagist::compare_exact(a, x, b, y),
            _ => self.cmp_same_scheme(other),
        }
    }

    /// The scheme's total order, ignoring the scheme and the `"0"` rule.
    fn cmp_same_scheme(&self, other: &Version) -> Ordering {
        let (a, b) = (self.raw.as_bytes(), other.raw.as_bytes());
        match (&self.repr, &other.repr) {
            (Repr::SemVer(x), Repr::SemVer(y)) => semver::compare(a, x, b, y),
            (Repr::Pep440(x), Repr::Pep440(y)) => pep440::compare(a, x, b, y),
            (Repr::Maven(x), Repr::Maven(y)) => maven::compare(a, x, b, y),
            (Repr::RubyGems(x), Repr::RubyGems(y)) => rubygems::compare(a, x, b, y),
            (Repr::Packagist(x), Repr::Packagist(y)) => packagist::compare(a, x, b, y),
            (Repr::Debian(x), Repr::Debian(y)) => debian::compare(a, x, b, y),
            (Repr::Alpine, Repr::Alpine) => alpine::compare(a, b),
            (Repr::Cran(x), Repr::Cran(y)) => cran::compare(a, x, b, y),
            // Same scheme always means same representation; keep Ord total regardless.
            _ => self.repr.rank().cmp(&other.repr.rank()),
        }
    }
}

impl Repr {
    fn rank(&self) -> u8 {
        match self {
            Repr::SemVer(_) => 0,
            Repr::Pep440(_) => 1,
            Repr::Maven(_) => 2,
            Repr::RubyGems(_) => 3,
            Repr::Packagist(_) => 4,
            Repr::Debian(_) => 5,
            Repr::Alpine => 6,
            Repr::Cran(_) => 7,
        }
    }
}

/// A total order, for sorting: the ecosystem's order, except in the few corners where Maven's and
/// PHP's comparators contradict themselves (see [`Version::cmp_exact`], which range checks must
/// use instead).
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_with(other, false)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 10] = [
        Scheme::SemVer,
        Scheme::Go,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::Debian,
        Scheme::Alpine,
        Scheme::Cran,
    ];

    /// A short lower-case name (`semver`, `go`, `pep440`, `maven`, `nuget`, `rubygems`,
    /// `packagist`, `debian`, `alpine`, `cran`).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::SemVer => "semver",
            Scheme::Go => "go",
            Scheme::Pep440 => "pep440",
            Scheme::Maven => "maven",
            Scheme::NuGet => "nuget",
            Scheme::RubyGems => "rubygems",
            Scheme::Packagist => "packagist",
            Scheme::Debian => "debian",
            Scheme::Alpine => "alpine",
            Scheme::Cran => "cran",
        }
    }

    /// The scheme with this [`Scheme::name`] (ignoring ASCII case).
    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }

    /// The scheme of an OSV ecosystem name (the part before any `:` suffix is used, so
    /// `Debian:12` and `Alpine:v3.20` work). OSV's `SEMVER` range type maps to
    /// [`Scheme::SemVer`]. Names are matched ignoring ASCII case; unknown ecosystems (and the
    /// RPM-based ones, which have no scheme here) give `None`.
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or("").trim();
        const TABLE: &[(&str, Scheme)] = &[
            ("crates.io", Scheme::SemVer),
            ("npm", Scheme::SemVer),
            ("Pub", Scheme::SemVer),
            ("Hex", Scheme::SemVer),
            ("SwiftURL", Scheme::SemVer),
            ("Bitnami", Scheme::SemVer),
            ("SEMVER", Scheme::SemVer),
            ("Go", Scheme::Go),
            ("PyPI", Scheme::Pep440),
            ("Maven", Scheme::Maven),
            ("NuGet", Scheme::NuGet),
            ("RubyGems", Scheme::RubyGems),
            ("Packagist", Scheme::Packagist),
            ("Debian", Scheme::Debian),
            ("Ubuntu", Scheme::Debian),
            ("Alpine", Scheme::Alpine),
            ("Wolfi", Scheme::Alpine),
            ("Chainguard", Scheme::Alpine),
            ("CRAN", Scheme::Cran),
            ("Bioconductor", Scheme::Cran),
        ];
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(base))
            .map(|&(_, scheme)| scheme)
    }

    /// Parses `version` under this scheme. Surrounding whitespace is ignored.
    pub fn parse(self, version: &str) -> Result<Version, VersionError> {
        let err = |reason: String| VersionError {
            scheme: self,
            version: version.to_owned(),
            reason,
        };
        let text = version.trim();
        if text.is_empty() {
            return Err(err("the version is empty".into()));
        }
        if text.len() > MAX_LEN {
            return Err(err(format!(
                "the version is {} bytes long; at most {MAX_LEN} are accepted",
                text.len()
            )));
        }
        if let Some((i, c)) = text
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || c.is_control())
        {
            return Err(err(format!(
                "whitespace or control character {c:?} at byte {i}"
            )));
        }
        let s = text.as_bytes();
        let (repr, floor) = match self {
            Scheme::SemVer => semver::parse(s, semver::Flavor::SemVer).map(wrap(Repr::SemVer)),
            Scheme::Go => semver::parse(s, semver::Flavor::Go).map(wrap(Repr::SemVer)),
            Scheme::NuGet => semver::parse(s, semver::Flavor::NuGet).map(wrap(Repr::SemVer)),
            Scheme::Pep440 => pep440::parse(s).map(wrap(Repr::Pep440)),
            Scheme::Maven => maven::parse(s).map(wrap(Repr::Maven)),
            Scheme::RubyGems => rubygems::parse(s).map(wrap(Repr::RubyGems)),
            Scheme::Packagist => packagist::parse(s).map(wrap(Repr::Packagist)),
            Scheme::Debian => debian::parse(s).map(wrap(Repr::Debian)),
            Scheme::Alpine => alpine::parse(s).map(|floor| (Repr::Alpine, floor)),
            Scheme::Cran => cran::parse(s).map(wrap(Repr::Cran)),
        }
        .map_err(err)?;
        Ok(Version {
            raw: text.into(),
            scheme: self,
            floor,
            repr,
        })
    }

    /// Parses both versions and gives the ecosystem's pairwise answer,
    /// [`Version::cmp_exact`] (not the total order `Ord`, which differs in a few Maven and
    /// Packagist corners).
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        let a = self.parse(a)?;
        let b = self.parse(b)?;
        Ok(a.cmp_exact(&b))
    }
}

/// Adapts a submodule's `(parsed, floor)` result to a [`Repr`].
fn wrap<T>(f: fn(T) -> Repr) -> impl Fn((T, bool)) -> (Repr, bool) {
    move |(parsed, floor)| (f(parsed), floor)
}

/// Describes byte `i` of `s` for an error message.
pub(crate) fn describe_at(s: &[u8], i: usize) -> String {
    match s.get(i) {
        None => "the end of the version".to_owned(),
        Some(&c) if c.is_ascii_graphic() => format!("{:?} at byte {i}", char::from(c)),
        Some(&c) => format!("byte 0x{c:02x} at byte {i}"),
    }
}

#[cfg(test)]
mod tests;
