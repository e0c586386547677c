//! Database open, lookups, matching and version parsing.
//!
//! `cargo bench -p safeguard-vulndb --bench db`. By default the database is built (once, into a
//! temporary folder) from the real advisory data in `../shared/testdata`. Point
//! `SAFEGUARD_BENCH_DB` at a bigger one (`scripts/bench-vulndb.sh` builds the 300k-record
//! database of the budget) to measure at that scale. Figures in `docs/benchmarks.md`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use safeguard_vulndb::db::{self, ImportOptions};
use safeguard_vulndb::range;
use safeguard_vulndb::store::Database;
use safeguard_vulndb::version::Scheme;

fn main() {
    divan::main();
}

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata")
        .join(rel)
}

fn db_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(p) = std::env::var_os("SAFEGUARD_BENCH_DB") {
            return PathBuf::from(p);
        }
        let dir = std::env::temp_dir().join(format!("safeguard-bench-db-{}", std::process::id()));
        let path = dir.join("osv.db");
        let inputs: Vec<PathBuf> = [
            "rustsec-advisory-db-osv/crates",
            "golang-vulndb/data/osv",
            "pypa-advisory-database/vulns",
            "ghsa-sample/advisories",
        ]
        .iter()
        .map(|r| testdata(r))
        .collect();
        db::import(&path, &inputs, ImportOptions::default(), &mut |_| {})
            .expect("benchmark database builds");
        path
    })
}

/// Package names that exist in the real data, and names that do not.
const HITS: &[(&str, &str)] = &[
    ("crates.io", "wasmtime"),
    ("crates.io", "tokio"),
    ("PyPI", "django"),
    ("PyPI", "Pillow"),
    ("Go", "github.com/gin-gonic/gin"),
    ("Go", "stdlib"),
];
const MISSES: &[(&str, &str)] = &[
    ("crates.io", "serde"),
    ("npm", "left-pad"),
    ("PyPI", "no-such-package"),
    ("Go", "example.com/none"),
];

#[divan::bench]
fn open() -> u32 {
    let db = Database::open(db_path()).expect("opens");
    db.len()
}

#[divan::bench]
fn lookup_hit(bencher: divan::Bencher) {
    let db = Database::open(db_path()).expect("opens");
    bencher.counter(HITS.len()).bench(|| {
        HITS.iter()
            .map(|(e, n)| db.lookup(e, n).map_or(0, |h| h.len()))
            .sum::<usize>()
    });
}

/// Lookup and decoding (with the CRC check) of every entry found.
#[divan::bench]
fn lookup_hit_decode(bencher: divan::Bencher) {
    let db = Database::open(db_path()).expect("opens");
    bencher.counter(HITS.len()).bench(|| {
        HITS.iter()
            .map(|(e, n)| db.lookup(e, n).map_or(0, |h| h.iter().flatten().count()))
            .sum::<usize>()
    });
}

#[divan::bench]
fn lookup_miss(bencher: divan::Bencher) {
    let db = Database::open(db_path()).expect("opens");
    bencher.counter(MISSES.len()).bench(|| {
        MISSES
            .iter()
            .map(|(e, n)| db.lookup(e, n).map_or(0, |h| h.len()))
            .sum::<usize>()
    });
}

/// Lookup plus range evaluation of every entry: the per-component cost of a scan.
#[divan::bench]
fn match_component(bencher: divan::Bencher) {
    let db = Database::open(db_path()).expect("opens");
    bencher.counter(HITS.len()).bench(|| {
        let mut affected = 0;
        for (e, n) in HITS {
            let Ok(hits) = db.lookup(e, n) else { continue };
            for h in hits.iter().flatten() {
                if range::evaluate(&h.affected, "1.2.3", None) == range::Verdict::Affected {
                    affected += 1;
                }
            }
        }
        affected
    });
}

#[divan::bench(args = [
    (Scheme::SemVer, "1.2.3-alpha.1+build.5"),
    (Scheme::Go, "v0.0.0-20210101000000-abcdef123456"),
    (Scheme::Pep440, "1!2.0.post1.dev3+local.7"),
    (Scheme::Maven, "1.2.3-RC1"),
    (Scheme::Debian, "1:2.30-1+deb11u1"),
])]
fn parse_version(args: (Scheme, &str)) -> bool {
    args.0.parse(divan::black_box(args.1)).is_ok()
}
