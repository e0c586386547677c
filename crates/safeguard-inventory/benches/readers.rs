//! Reader and writer throughput on the real benchmark inputs in `../shared/bench/inputs`.
//!
//! `cargo bench -p safeguard-inventory --bench readers`. Whole-process comparisons with syft,
//! cdxgen and cyclonedx-py are in `scripts/bench-sbom.sh`; figures in `docs/benchmarks.md`.

use std::path::{Path, PathBuf};

use safeguard_inventory::sbom::{self, CdxVersion, Metadata, Subject};
use safeguard_inventory::{Input, Inventory, extractor};

fn main() {
    divan::main();
}

fn inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/inputs")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(inputs().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn extract(id: &str, name: &str, bytes: &[u8]) -> usize {
    let ex = extractor::by_id(id).expect("registered");
    ex.extract(&Input::in_memory(name, bytes))
        .expect("benchmark input parses")
        .len()
}

#[divan::bench]
fn package_lock_2k(bencher: divan::Bencher) {
    let bytes = read("bignode/package-lock.json");
    bencher.bench(|| extract("javascript/packagelockjson", "package-lock.json", &bytes));
}

#[divan::bench]
fn cargo_lock_1k(bencher: divan::Bencher) {
    let bytes = read("bigrust/Cargo.lock");
    bencher.bench(|| extract("rust/cargolock", "Cargo.lock", &bytes));
}

#[divan::bench]
fn requirements_1500(bencher: divan::Bencher) {
    let bytes = read("bigpy/requirements.txt");
    bencher.bench(|| extract("python/requirements", "requirements.txt", &bytes));
}

fn inventory_of(rel: &str, name: &str, id: &str) -> Inventory {
    let bytes = read(rel);
    let components = extractor::by_id(id)
        .expect("registered")
        .extract(&Input::in_memory(name, &bytes))
        .expect("parses");
    Inventory {
        components,
        ..Default::default()
    }
}

fn meta() -> Metadata {
    Metadata {
        tool_name: "safeguard".into(),
        tool_version: "bench".into(),
        timestamp: time::OffsetDateTime::UNIX_EPOCH,
        subject: Subject {
            name: "bench".into(),
            version: None,
            commit: None,
            supplier: None,
        },
    }
}

#[divan::bench]
fn write_cyclonedx_2k(bencher: divan::Bencher) {
    let inv = inventory_of(
        "bignode/package-lock.json",
        "package-lock.json",
        "javascript/packagelockjson",
    );
    let meta = meta();
    bencher.bench(|| sbom::write_cyclonedx(&inv, &meta, CdxVersion::V1_6).len());
}

#[divan::bench]
fn write_spdx_2k(bencher: divan::Bencher) {
    let inv = inventory_of(
        "bignode/package-lock.json",
        "package-lock.json",
        "javascript/packagelockjson",
    );
    let meta = meta();
    bencher.bench(|| sbom::write_spdx(&inv, &meta).len());
}
