//! A small hand-made inventory for the SBOM tests (included by the other `sbom_*` tests with
//! `#[path]`): runtime, dev and optional components, hashes including Go's `h1:`, the same
//! package locked in two files, dependency edges, a coverage gap.
#![allow(dead_code)]

use std::path::PathBuf;

use safeguard_inventory::sbom::{Metadata, Subject};
use safeguard_inventory::{CoverageGap, Inventory};
use safeguard_model::{Component, Ecosystem, Hash, HashAlg, Location, Relationship, Scope};

pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
pub const GO_H1: &str = "h1:Zx2dPfWOx7ccBmuT4TC1TGf8hCmx8GTJtO1lTD1OfqM=";

/// `../shared/testdata/<rel>` from the repository.
pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata"
    ))
    .join(rel)
}

fn loc(file: &str, line: Option<u32>) -> Location {
    Location {
        file: file.into(),
        line,
    }
}

fn hex(alg: HashAlg, fill: char) -> Hash {
    Hash::from_hex(alg, &fill.to_string().repeat(alg.digest_len() * 2)).unwrap()
}

fn go_h1() -> Hash {
    use base64::Engine;
    let b64 = GO_H1.strip_prefix("h1:").unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    Hash::from_bytes(HashAlg::GoH1, &bytes).unwrap()
}

pub fn purl(eco: Ecosystem, name: &str, version: &str) -> String {
    eco.purl(name, version).to_string()
}

/// The fixture: 9 declarations of 8 distinct purls... see the comments per component.
pub fn inventory() -> Inventory {
    let ms = purl(Ecosystem::Npm, "ms", "2.1.3");
    let mut components = Vec::new();

    // Direct runtime npm component with an edge to `ms`, a tarball source, a SHA-512.
    let mut c = Component::new(
        Ecosystem::Npm,
        "@scope/app-lib",
        "2.0.0",
        loc("web/package-lock.json", Some(5)),
    );
    c.relationship = Relationship::Direct;
    c.hashes = vec![hex(HashAlg::Sha512, 'a')];
    c.dependencies = vec![ms.clone()];
    c.source = Some("https://registry.npmjs.org/@scope/app-lib/-/app-lib-2.0.0.tgz".into());
    components.push(c);

    // `ms` twice: runtime in web/, dev in other/, with different hashes.
    let mut c = Component::new(
        Ecosystem::Npm,
        "ms",
        "2.1.3",
        loc("web/package-lock.json", Some(20)),
    );
    c.relationship = Relationship::Transitive;
    c.hashes = vec![hex(HashAlg::Sha512, 'b')];
    components.push(c);
    let mut c = Component::new(
        Ecosystem::Npm,
        "ms",
        "2.1.3",
        loc("other/package-lock.json", Some(7)),
    );
    c.scope = Scope::Dev;
    c.relationship = Relationship::Transitive;
    c.hashes = vec![hex(HashAlg::Sha1, 'c')];
    c.groups = vec!["dev".into()];
    components.push(c);

    // Direct dev component; one edge to a package that is not in the inventory.
    let mut c = Component::new(
        Ecosystem::Npm,
        "jest",
        "29.0.0",
        loc("web/package-lock.json", Some(30)),
    );
    c.scope = Scope::Dev;
    c.relationship = Relationship::Direct;
    c.groups = vec!["dev".into()];
    c.dependencies = vec![ms.clone(), purl(Ecosystem::Npm, "absent", "1.0.0")];
    components.push(c);

    // Optional transitive component.
    let mut c = Component::new(
        Ecosystem::Npm,
        "fsevents",
        "2.3.2",
        loc("web/package-lock.json", Some(40)),
    );
    c.scope = Scope::Optional;
    c.relationship = Relationship::Transitive;
    c.groups = vec!["optional".into()];
    components.push(c);

    // A Go module in two go.sum files, with the same h1: hash.
    for (file, line, scope) in [
        ("go.sum", 3, Scope::Runtime),
        ("tools/go.sum", 9, Scope::Dev),
    ] {
        let mut c = Component::new(
            Ecosystem::Go,
            "golang.org/x/net",
            "v0.17.0",
            loc(file, Some(line)),
        );
        c.scope = scope;
        c.relationship = Relationship::Direct;
        c.hashes = vec![go_h1()];
        components.push(c);
    }

    // Cargo: a registry crate (relationship unknown) and a git crate with a commit.
    let mut c = Component::new(
        Ecosystem::Cargo,
        "serde",
        "1.0.190",
        loc("Cargo.lock", Some(12)),
    );
    c.hashes = vec![hex(HashAlg::Sha256, 'd')];
    c.source = Some("registry+https://github.com/rust-lang/crates.io-index".into());
    components.push(c);
    let mut c = Component::new(
        Ecosystem::Cargo,
        "mycrate",
        "0.1.0",
        loc("Cargo.lock", Some(30)),
    );
    c.source = Some(format!(
        "git+https://github.com/acme/mycrate?branch=main#{COMMIT}"
    ));
    c.commit = Some(COMMIT.into());
    components.push(c);

    // PyPI without a line, Maven with a local-path source.
    let mut c = Component::new(
        Ecosystem::PyPI,
        "requests",
        "2.31.0",
        loc("requirements.txt", None),
    );
    c.relationship = Relationship::Direct;
    c.hashes = vec![hex(HashAlg::Sha256, 'e')];
    components.push(c);
    let mut c = Component::new(
        Ecosystem::Maven,
        "org.slf4j:slf4j-api",
        "2.0.9",
        loc("gradle.lockfile", Some(4)),
    );
    c.relationship = Relationship::Direct;
    c.source = Some("libs/slf4j api".into());
    components.push(c);

    components
        .sort_by(|a, b| (&a.purl, &a.location, &a.scope).cmp(&(&b.purl, &b.location, &b.scope)));
    Inventory {
        components,
        files: Vec::new(),
        gaps: vec![CoverageGap {
            manifest: "py/pyproject.toml".into(),
            ecosystem: Ecosystem::PyPI,
            expected: vec!["poetry.lock"],
        }],
        errors: Vec::new(),
    }
}

pub fn metadata() -> Metadata {
    Metadata {
        tool_name: "safeguard".into(),
        tool_version: "0.1.0".into(),
        timestamp: time::macros::datetime!(2026-01-01 12:34:56.789 +02:00),
        subject: Subject {
            name: "acme-app".into(),
            version: Some("1.2.0".into()),
            commit: Some(COMMIT.into()),
            supplier: Some("Acme Ltd".into()),
        },
    }
}
