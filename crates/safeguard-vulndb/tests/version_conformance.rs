//! Version ordering against osv-scanner's semantic-version fixtures.
//!
//! Each fixture line is `a < b`, `a > b` or `a = b`; a line passes when `compare(a, b)` gives
//! the stated result and `compare(b, a)` the opposite one (`=` both ways). A version that fails
//! to parse fails its line. The test prints a markdown table of pass counts, writes it to
//! `docs/version-conformance.generated.md` when `UPDATE_CONFORMANCE=1`, and prints the first
//! failures of each file when `CONFORMANCE_VERBOSE=1`.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use safeguard_vulndb::version::Scheme;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/osv-scanner-semantic-versions/internal/semantic/fixtures"
);

/// A fixture line that no total order can satisfy, with the proof: `links` are comparisons
/// (fixture lines, or results the same ecosystem's rules give) that this implementation gets
/// right and that, together with the excused line as stated, close a cycle (`a < … < a`, or
/// `a = b` with `a < b`). The test checks every link, checks that the cycle closes, and checks
/// that the excused line is one of the file's failures.
///
/// `Version`'s `Ord` must be total: Rust's sort may panic on an order that is not. The fixtures
/// come from the ecosystems' own comparators, which are not transitive in these corners (PHP's
/// `version_compare` treats `#` as equal to every number; Maven's ComparableVersion has
/// `2.9.0.RC1 < 2.9 < 2.9-1 < 2.9.0.RC1`), and some generated fixture chains are sorted with
/// them, so a few of their lines contradict the rest.
struct Excuse {
    file: &'static str,
    line: &'static str,
    links: &'static [&'static str],
}

const EXCUSES: &[Excuse] = &[
    Excuse {
        file: "packagist-versions.txt",
        line: "1.2.3.# = 1.2.3.1",
        links: &[
            // Fixture line.
            "1.2.3.# = 1.2.3",
            // A trailing number makes a version greater (fixture: `1.0.0 > 1.0`).
            "1.2.3 < 1.2.3.1",
        ],
    },
    Excuse {
        file: "maven-versions-generated.txt",
        line: "2.9.0-1 < 2.9.0.RC1",
        links: &[
            // RC1 before RC3.
            "2.9.0.RC1 < 2.9.0.RC3",
            // Fixture lines just before the excused one.
            "2.9.0.RC3 < 2.9.0",
            "2.9.0 < 2.9.0-1",
        ],
    },
    Excuse {
        file: "maven-versions-generated.txt",
        line: "1.0.0-gradle-rework-beta3 < 1.0.0.RC7-3",
        links: &[
            // RC7 before RC8.
            "1.0.0.RC7-3 < 1.0.0.RC8-beta",
            // Fixture lines just before the excused one.
            "1.0.0.RC8-beta < 1.0.0",
            "1.0.0 < 1.0.0-gradle-rework-beta1",
            "1.0.0-gradle-rework-beta1 < 1.0.0-gradle-rework-beta2",
            "1.0.0-gradle-rework-beta2 < 1.0.0-gradle-rework-beta3",
        ],
    },
    Excuse {
        file: "maven-versions-generated.txt",
        line: "1.1.0-01-glassfish < 1.1.0.Beta1",
        links: &[
            // Beta1 before Beta2.
            "1.1.0.Beta1 < 1.1.0.Beta2",
            // Fixture lines just after the excused one.
            "1.1.0.Beta2 < 1.1.0.CR1",
            "1.1.0.CR1 < 1.1.0.CR2",
            "1.1.0.CR2 < 1.1.0.CR3",
            "1.1.0.CR3 < 1.1.0.CR4",
            "1.1.0.CR4 < 1.1.0.Final",
            // Maven's rules, as in the hand-written fixture (`1 = 1.final`, `1.0 < 1.0-1`).
            "1.1.0.Final = 1.1.0",
            "1.1.0 < 1.1.0-01-glassfish",
        ],
    },
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

// Every implemented file must pass every line but its excuses (there is no lower floor: Alpine
// and CRAN are at 100% too).
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

fn check_line(scheme: Scheme, line: &str) -> Result<(), String> {
    let (a, want, b) = split(line)?;
    let forward = scheme.compare(a, b).map_err(|e| e.to_string())?;
    let backward = scheme.compare(b, a).map_err(|e| e.to_string())?;
    if forward == want && backward == want.reverse() {
        Ok(())
    } else {
        Err(format!(
            "{line}: compare(a, b) = {forward:?}, compare(b, a) = {backward:?}"
        ))
    }
}

fn run(scheme: Scheme, path: &Path) -> Outcome {
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
        match check_line(scheme, line) {
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
        let outcome = run(scheme, &dir.join(case.file));
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
        let excuses: Vec<&Excuse> = EXCUSES.iter().filter(|e| e.file == case.file).collect();
        let excused = |failure: &String| {
            excuses
                .iter()
                .any(|e| failure.starts_with(&format!("{}:", e.line)))
        };
        if let Some(first) = outcome.failures.iter().find(|f| !excused(f)) {
            problems.push(format!(
                "{}: {} of {} lines pass; first unexpected failure: {first}",
                case.file, outcome.passed, outcome.total
            ));
        }
        for excuse in &excuses {
            if !outcome
                .failures
                .iter()
                .any(|f| f.starts_with(&format!("{}:", excuse.line)))
            {
                problems.push(format!(
                    "{}: excused line {:?} is not a failure (or not in the file); drop the excuse",
                    case.file, excuse.line
                ));
            }
            for link in excuse.links {
                if let Err(why) = check_line(scheme, link) {
                    problems.push(format!(
                        "{}: the proof for {:?} needs {link:?}, which fails: {why}",
                        case.file, excuse.line
                    ));
                }
            }
            let mut all = excuse.links.to_vec();
            all.push(excuse.line);
            if !closes_cycle(&all) {
                problems.push(format!(
                    "{}: the links given for {:?} do not contradict it",
                    case.file, excuse.line
                ));
            }
        }
    }
    println!("{table}");
    if std::env::var("UPDATE_CONFORMANCE").is_ok_and(|v| v == "1") {
        let out = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/version-conformance.generated.md");
        let doc = format!(
            "<!-- Generated by `UPDATE_CONFORMANCE=1 cargo test -p safeguard-vulndb --test version_conformance`. -->\n\
             # Version ordering conformance\n\n\
             osv-scanner's semantic-version fixtures (commit in `SOURCE_COMMIT`); a line passes when both\n\
             `compare(a, b)` and `compare(b, a)` give the stated order.\n\n{table}"
        );
        std::fs::write(&out, doc).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    }
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

/// Sorting the fixtures' versions gives an order in which every pair agrees with `cmp`: a
/// non-transitive order would leave some pair the wrong way round (or make the sort panic).
#[test]
fn order_is_total_on_fixture_versions() {
    let dir = PathBuf::from(FIXTURES);
    for case in CASES {
        let Some(scheme) = case.scheme else { continue };
        let text = std::fs::read_to_string(dir.join(case.file))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", case.file));
        let mut versions: Vec<_> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
            .flat_map(|l| {
                let fields: Vec<&str> = l.split_whitespace().collect();
                [fields[0], fields[2]]
            })
            .map(|s| scheme.parse(s).expect("fixture versions parse"))
            .collect();
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
        // Pseudo-random pairs (a fixed linear congruential sequence).
        let n = versions.len() as u64;
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..50_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let i = ((state >> 33) % n) as usize;
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = ((state >> 33) % n) as usize;
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
