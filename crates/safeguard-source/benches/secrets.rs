//! Secret-scanning throughput over real source code.
//!
//! `SAFEGUARD_BENCH_TREE=/path/to/tree cargo bench -p safeguard-source --bench secrets`
//! (default tree: `/work/bench-secrets/vendor`, a `cargo vendor` of a large lockfile). At most
//! `SAFEGUARD_BENCH_MB` megabytes (default 256) of the tree's files are loaded into memory
//! first, so the benchmark measures scanning, not disk reads. Divan reports bytes per second
//! for one thread with every rule enabled.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use safeguard_source::secrets::Scanner;

fn main() {
    divan::main();
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&e.path(), files);
        } else if ft.is_file() {
            files.push(e.path());
        }
    }
}

/// The corpus: the tree's files (sorted by path), up to the size cap.
fn corpus() -> &'static [Vec<u8>] {
    static C: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    C.get_or_init(|| {
        let root = std::env::var("SAFEGUARD_BENCH_TREE")
            .unwrap_or_else(|_| "/work/bench-secrets/vendor".to_string());
        let cap: usize = std::env::var("SAFEGUARD_BENCH_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256)
            << 20;
        let mut paths = Vec::new();
        walk(Path::new(&root), &mut paths);
        paths.sort();
        let mut total = 0;
        let mut out = Vec::new();
        for p in paths {
            if total >= cap {
                break;
            }
            if let Ok(d) = std::fs::read(&p) {
                total += d.len();
                out.push(d);
            }
        }
        assert!(total > 0, "no files under {root}: set SAFEGUARD_BENCH_TREE");
        out
    })
}

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

/// Every file scanned separately, as the file walker does.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn tree_all_rules(bencher: divan::Bencher) {
    let files = corpus();
    let s = scanner();
    let bytes: usize = files.iter().map(Vec::len).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            let mut out = Vec::new();
            for f in files {
                s.scan(divan::black_box(f), &mut out);
            }
            out.len()
        });
}

/// The same bytes streamed through `scan_reader` as one input.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn tree_streamed(bencher: divan::Bencher) {
    let files = corpus();
    let s = scanner();
    let joined: Vec<u8> = files.concat();
    bencher
        .counter(divan::counter::BytesCount::new(joined.len()))
        .bench(|| {
            let mut out = Vec::new();
            s.scan_reader(divan::black_box(&joined[..]), &mut out)
                .map(|n| (n, out.len()))
        });
}

/// Building the scanner (compiling every rule).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn build_scanner() -> Scanner {
    Scanner::new()
}
