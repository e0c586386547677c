//! Version ordering against osv-scanner's semantic-version fixtures.
//!
//! Each fixture line is `a < b`, `a > b` or `a = b`; a line passes when `compare(a, b)` gives
//! the stated result and `compare(b, a)` the opposite one (`=` both ways). `compare` is
//! [`Scheme::compare`], the ecosystem's pairwise answer (`Version::cmp_exact`), and every line
//! of every implemented file must pass. A version that fails to parse fails its line.
//!
//! `Version`'s `Ord` is a separate, total order for sorting; it departs from the ecosystems'
//! comparators on the few lines where those contradict themselves (see [`ORD_DEPARTURES`]), and
//! [`order_is_total_on_fixture_versions`] checks that it stays total. The test prints a markdown table of pass counts, writes it to
//! `docs/version-conformance.generated.md` when `UPDATE_CONFORMANCE=1`, and prints the first
//! failures of each file when `CONFORMANCE_VERBOSE=1`.

mod common;

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use safeguard_vulndb::version::Scheme;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/osv-scanner-semantic-versions/internal/semantic/fixtures"
);

/// The fixture lines on which the total order `Ord` departs from the ecosystem's own pairwise
/// comparator, and so from [`Scheme::compare`] (`Version::cmp_exact`), which passes them.
///
/// `Version`'s `Ord` must be total: Rust's sort may panic on an order that is not. The fixtures
/// come from the ecosystems' own comparators, which are not transitive in these corners, and
/// some generated fixture chains are sorted with them, so these lines contradict others:
///
/// - Packagist `1.2.3.# = 1.2.3.1`: PHP's `version_compare` treats `#` as equal to every number,
///   yet also `1.2.3.# = 1.2.3` (fixture line) while `1.2.3 < 1.2.3.1`. `Ord` treats `#` as a
///   separator, so it has `1.2.3.# = 1.2.3 < 1.2.3.1`.
/// - Maven `2.9.0-1 < 2.9.0.RC1`: ComparableVersion also has `2.9.0.RC1 < 2.9.0.RC3 < 2.9.0 <
///   2.9.0-1` (the `.0` before `RC` beats a `-1` directly but is skipped against the end).
///   `Ord` puts `2.9.0.RC1` below `2.9.0`, hence below `2.9.0-1`.
/// - Maven `1.0.0-gradle-rework-beta3 < 1.0.0.RC7-3`: likewise, with `1.0.0.RC7-3 <
///   1.0.0.RC8-beta < 1.0.0 < 1.0.0-gradle-rework-beta1 < … < 1.0.0-gradle-rework-beta3`.
/// - Maven `1.1.0-01-glassfish < 1.1.0.Beta1`: likewise, with `1.1.0.Beta1 < … < 1.1.0.CR4 <
///   1.1.0.Final = 1.1.0 < 1.1.0-01-glassfish`.
///
/// [`ord_departs_only_on_contradicting_lines`] checks that `Ord` fails exactly these lines and
/// that each is part of a contradiction under `cmp_exact`.
const ORD_DEPARTURES: &[(&str, &str, &[&str])] = &[
    (
        "packagist-versions.txt",
        "1.2.3.# = 1.2.3.1",
        &["1.2.3.# = 1.2.3", "1.2.3 < 1.2.3.1"],
    ),
    (
        "maven-versions-generated.txt",
        "2.9.0-1 < 2.9.0.RC1",
        &[
            "2.9.0.RC1 < 2.9.0.RC3",
            "2.9.0.RC3 < 2.9.0",
            "2.9.0 < 2.9.0-1",
        ],
    ),
    (
        "maven-versions-generated.txt",
        "1.0.0-gradle-rework-beta3 < 1.0.0.RC7-3",
        &[
            "1.0.0.RC7-3 < 1.0.0.RC8-beta",
            "1.0.0.RC8-beta < 1.0.0",
            "1.0.0 < 1.0.0-gradle-rework-beta1",
            "1.0.0-gradle-rework-beta1 < 1.0.0-gradle-rework-beta2",
            "1.0.0-gradle-rework-beta2 < 1.0.0-gradle-rework-beta3",
        ],
    ),
    (
        "maven-versions-generated.txt",
        "1.1.0-01-glassfish < 1.1.0.Beta1",
        &[
            "1.1.0.Beta1 < 1.1.0.Beta2",
            "1.1.0.Beta2 < 1.1.0.CR1",
            "1.1.0.CR1 < 1.1.0.CR2",
            "1.1.0.CR2 < 1.1.0.CR3",
            "1.1.0.CR3 < 1.1.0.CR4",
            "1.1.0.CR4 < 1.1.0.Final",
            "1.1.0.Final = 1.1.0",
            "1.1.0 < 1.1.0-01-glassfish",
        ],
    ),
];

struct Case {
    ecosystem: &'static str,
    file: &'static str,
    /// `None`: the ecosystem has no scheme here.
    scheme: Option<Scheme>,
}

const fn case(ecosystem: &'static str, file: &'static str, scheme: Scheme) -> Case {
    Case {
        ecosystem,
        file,
        scheme: Some(scheme),
    }
}

// Every implemented file must pass every line.
const CASES: &[Case] = &[
    case("PyPI", "pypi-versions.txt", Scheme::Pep440),
    case("PyPI", "pypi-versions-generated.txt", Scheme::Pep440),
    case("Maven", "maven-versions.txt", Scheme::Maven),
    case("Maven", "maven-versions-generated.txt", Scheme::Maven),
    case("NuGet", "nuget-versions.txt", Scheme::NuGet),
    case("RubyGems", "rubygems-versions.txt", Scheme::RubyGems),
    case(
        "RubyGems",
        "rubygems-versions-generated.txt",
        Scheme::RubyGems,
    ),
    case("Packagist", "packagist-versions.txt", Scheme::Packagist),
    case(
        "Packagist",
        "packagist-versions-generated.txt",
        Scheme::Packagist,
    ),
    case("SemVer", "semver-versions.txt", Scheme::SemVer),
    case("Debian", "debian-versions.txt", Scheme::Debian),
    case("Debian", "debian-versions-generated.txt", Scheme::Debian),
    case("Alpine", "alpine-versions.txt", Scheme::Alpine),
    case("Alpine", "alpine-versions-generated.txt", Scheme::Alpine),
    case("CRAN", "cran-versions.txt", Scheme::Cran),
    case("CRAN", "cran-versions-generated.txt", Scheme::Cran),
    // RPM ordering is not implemented (no RPM-based ecosystem is in scope).
    Case {
        ecosystem: "Red Hat",
        file: "redhat-versions.txt",
        scheme: None,
    },
];

/// Splits `a OP b`.
fn split(line: &str) -> Result<(&str, Ordering, &str), String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [a, op, b] = fields.as_slice() else {
        return Err(format!("not `a OP b`: {line:?}"));
    };
    let want = match *op {
        "<" => Ordering::Less,
        ">" => Ordering::Greater,
        "=" => Ordering::Equal,
        other => return Err(format!("unknown operator {other:?} in {line:?}")),
    };
    Ok((a, want, b))
}

/// Whether the relations, taken as true, contradict each other under a total order: some
/// version would be strictly below itself. Equal versions are merged first.
fn closes_cycle<'a>(lines: &[&'a str]) -> bool {
    let mut names: Vec<&'a str> = Vec::new();
    let mut id = |v: &'a str| -> usize {
        if let Some(i) = names.iter().position(|n| *n == v) {
            i
        } else {
            names.push(v);
            names.len() - 1
        }
    };
    let mut edges = Vec::new();
    let mut equal = Vec::new();
    for line in lines {
        let (a, op, b) = split(line).expect("excuse lines are well formed");
        let (a, b) = (id(a), id(b));
        match op {
            Ordering::Less => edges.push((a, b)),
            Ordering::Greater => edges.push((b, a)),
            Ordering::Equal => equal.push((a, b)),
        }
    }
    let n = names.len();
    // Union the equal versions.
    let mut class: Vec<usize> = (0..n).collect();
    for _ in 0..n {
        for &(a, b) in &equal {
            let m = class[a].min(class[b]);
            class[a] = m;
            class[b] = m;
        }
    }
    // Transitive closure of "strictly below" over the classes.
    let mut below = vec![vec![false; n]; n];
    for &(a, b) in &edges {
        below[class[a]][class[b]] = true;
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                if below[i][k] && below[k][j] {
                    below[i][j] = true;
                }
            }
        }
    }
    (0..n).any(|i| below[i][i])
}

struct Outcome {
    passed: usize,
    total: usize,
    failures: Vec<String>,
}

/// Which comparison a line is checked with.
#[derive(Clone, Copy)]
enum Cmp {
    /// [`Scheme::compare`]: the ecosystem's pairwise answer (`Version::cmp_exact`).
    Exact,
    /// `Version`'s `Ord`: the total order for sorting.
    Total,
}

fn compare(scheme: Scheme, how: Cmp, a: &str, b: &str) -> Result<Ordering, String> {
    match how {
        Cmp::Exact => scheme.compare(a, b).map_err(|e| e.to_string()),
        Cmp::Total => {
            let a = scheme.parse(a).map_err(|e| e.to_string())?;
            let b = scheme.parse(b).map_err(|e| e.to_string())?;
            Ok(a.cmp(&b))
        }
    }
}

fn check_line(scheme: Scheme, how: Cmp, line: &str) -> Result<(), String> {
    let (a, want, b) = split(line)?;
    let forward = compare(scheme, how, a, b)?;
    let backward = compare(scheme, how, b, a)?;
    if forward == want && backward == want.reverse() {
        Ok(())
    } else {
        Err(format!(
            "{line}: compare(a, b) = {forward:?}, compare(b, a) = {backward:?}"
        ))
    }
}

fn run(scheme: Scheme, how: Cmp, path: &Path) -> Outcome {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
    let mut outcome = Outcome {
        passed: 0,
        total: 0,
        failures: Vec::new(),
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        outcome.total += 1;
        match check_line(scheme, how, line) {
            Ok(()) => outcome.passed += 1,
            Err(why) => outcome.failures.push(why),
        }
    }
    outcome
}

#[test]
fn osv_scanner_fixtures() {
    let dir = PathBuf::from(FIXTURES);
    assert!(
        dir.is_dir(),
        "fixture folder {} is missing; the conformance data is required",
        dir.display()
    );
    let verbose = std::env::var("CONFORMANCE_VERBOSE").is_ok_and(|v| v == "1");
    let mut table = String::from("| ecosystem | file | passed | total |\n|---|---|---|---|\n");
    let mut problems = Vec::new();
    for case in CASES {
        let Some(scheme) = case.scheme else {
            let _ = writeln!(
                table,
                "| {} | {} | not implemented | - |",
                case.ecosystem, case.file
            );
            continue;
        };
        let outcome = run(scheme, Cmp::Exact, &dir.join(case.file));
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} |",
            case.ecosystem, case.file, outcome.passed, outcome.total
        );
        assert!(outcome.total > 0, "{} has no comparison lines", case.file);
        if verbose {
            for failure in outcome.failures.iter().take(10) {
                println!("{}: {failure}", case.file);
            }
        }
        if let Some(first) = outcome.failures.first() {
            problems.push(format!(
                "{}: {} of {} lines pass; first failure: {first}",
                case.file, outcome.passed, outcome.total
            ));
        }
    }
    println!("{table}");
    let doc = format!(
        "## Version ordering: osv-scanner's semantic-version fixtures\n\n\
         Generated by `crates/safeguard-vulndb/tests/version_conformance.rs` (commit of the fixtures in\n\
         `SOURCE_COMMIT`). A line passes when both `Scheme::compare(a, b)` and `Scheme::compare(b, a)`\n\
         give the stated order. `Scheme::compare` is the ecosystem's pairwise answer\n\
         (`Version::cmp_exact`), which range checks use; the total order `Ord`, used for sorting,\n\
         departs from it on {departures} lines where Maven's and PHP's comparators contradict themselves\n\
         (listed in the test).\n\n{table}",
        departures = ORD_DEPARTURES.len()
    );
    common::check_doc_section("version-ordering", &doc);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn cycle_check_tells_contradictions_from_chains() {
    assert!(closes_cycle(&["a < b", "b < c", "c < a"]));
    assert!(closes_cycle(&["a = b", "b = c", "a < c"]));
    assert!(closes_cycle(&["a > b", "b > a"]));
    assert!(!closes_cycle(&["a < b", "b < c", "a < c"]));
    assert!(!closes_cycle(&["a = b", "b < c", "c > a"]));
}

/// `Ord` fails exactly the lines of [`ORD_DEPARTURES`], each of which `cmp_exact` passes (the
/// main test) and which, with links `cmp_exact` also passes, closes a cycle: no total order can
/// pass it.
#[test]
fn ord_departs_only_on_contradicting_lines() {
    let dir = PathBuf::from(FIXTURES);
    for case in CASES {
        let Some(scheme) = case.scheme else { continue };
        let outcome = run(scheme, Cmp::Total, &dir.join(case.file));
        let mut failed: Vec<&str> = outcome
            .failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or(f))
            .collect();
        let mut expected: Vec<&str> = ORD_DEPARTURES
            .iter()
            .filter(|(file, _, _)| *file == case.file)
            .map(|(_, line, _)| *line)
            .collect();
        failed.sort_unstable();
        expected.sort_unstable();
        assert_eq!(failed, expected, "{}: lines where Ord fails", case.file);
    }
    for (file, line, links) in ORD_DEPARTURES {
        let case = CASES.iter().find(|c| c.file == *file).expect("listed file");
        let scheme = case.scheme.expect("implemented scheme");
        assert_eq!(
            check_line(scheme, Cmp::Exact, line),
            Ok(()),
            "{file}: {line}"
        );
        for link in *links {
            assert_eq!(
                check_line(scheme, Cmp::Exact, link),
                Ok(()),
                "{file}: {link}"
            );
            assert_eq!(
                check_line(scheme, Cmp::Total, link),
                Ok(()),
                "{file}: {link}"
            );
        }
        let mut all = links.to_vec();
        all.push(line);
        assert!(closes_cycle(&all), "{file}: {line} is not contradicted");
    }
}

/// The next number of a fixed linear congruential sequence, below `n`.
fn next_index(state: &mut u64, n: usize) -> usize {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    ((*state >> 33) % n as u64) as usize
}

/// `Ord` is a total order on every fixture version of each scheme: sorting gives an order in
/// which every pair agrees with `cmp` (a non-transitive order would leave some pair the wrong way
/// round, or make the sort panic), and sampled triples are transitive and pairs antisymmetric.
#[test]
fn order_is_total_on_fixture_versions() {
    let dir = PathBuf::from(FIXTURES);
    for case in CASES {
        let Some(scheme) = case.scheme else { continue };
        let text = std::fs::read_to_string(dir.join(case.file))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", case.file));
        let mut versions = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
                continue;
            }
            let (a, _, b) = split(line).unwrap_or_else(|e| panic!("{}: {e}", case.file));
            for s in [a, b] {
                versions.push(
                    scheme
                        .parse(s)
                        .unwrap_or_else(|e| panic!("{}: {e}", case.file)),
                );
            }
        }
        assert!(versions.len() > 1, "{} has no versions", case.file);
        let n = versions.len();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        // Triples and pairs from the file's own order.
        for _ in 0..30_000 {
            let a = &versions[next_index(&mut state, n)];
            let b = &versions[next_index(&mut state, n)];
            let c = &versions[next_index(&mut state, n)];
            assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{}: {a} vs {b}", case.file);
            for (x, y, z) in [
                (a, b, c),
                (a, c, b),
                (b, a, c),
                (b, c, a),
                (c, a, b),
                (c, b, a),
            ] {
                if x <= y && y <= z {
                    assert!(x <= z, "{}: {x} <= {y} <= {z} but {x} > {z}", case.file);
                }
            }
        }
        versions.sort();
        for pair in versions.windows(2) {
            assert!(
                pair[0] <= pair[1],
                "{}: {} > {}",
                case.file,
                pair[0],
                pair[1]
            );
        }
        // Pairs of the sorted list.
        for _ in 0..50_000 {
            let i = next_index(&mut state, n);
            let j = next_index(&mut state, n);
            let (lo, hi) = (i.min(j), i.max(j));
            assert!(
                versions[lo] <= versions[hi],
                "{}: sorted {} (at {lo}) > {} (at {hi})",
                case.file,
                versions[lo],
                versions[hi]
            );
        }
    }
}
