//! Hashing throughput: sha256/sha512 over a 256 MiB buffer in memory and over a 64 MiB file.
//! Run with `cargo bench -p safeguard-attest --bench hash`.
use std::io::Write;
use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use safeguard_attest::hash;

const MEM_BYTES: usize = 256 << 20;
const FILE_BYTES: usize = 64 << 20;

fn fill(n: usize) -> Vec<u8> {
    // A cheap xorshift fill so the data is not all zeros.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

static MEM: LazyLock<Vec<u8>> = LazyLock::new(|| fill(MEM_BYTES));

static FILE: LazyLock<tempfile::NamedTempFile> = LazyLock::new(|| {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(&fill(FILE_BYTES)).expect("write temp file");
    f.flush().expect("flush");
    f
});

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn sha256_memory_256mib(b: Bencher) {
    let data = &**MEM;
    b.counter(BytesCount::new(data.len()))
        .bench(|| hash::sha256_reader(black_box(data)).expect("read"));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn sha512_memory_256mib(b: Bencher) {
    let data = &**MEM;
    b.counter(BytesCount::new(data.len()))
        .bench(|| hash::sha512_reader(black_box(data)).expect("read"));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn sha256_file_64mib(b: Bencher) {
    let path = FILE.path();
    let mut hasher = hash::StreamHasher::new();
    b.counter(BytesCount::new(FILE_BYTES))
        .bench_local(|| hasher.sha256_file(black_box(path)).expect("read"));
}
