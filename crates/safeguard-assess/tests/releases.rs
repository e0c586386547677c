//! The releases collector over release folders generated with the safeguard-attest API:
//! signatures and provenance that verify, and each way they can fail.

use std::collections::BTreeMap;
use std::path::Path;

use safeguard_assess::releases::{collect_releases, verification_tools};
use safeguard_attest::intoto::ResourceDescriptor;
use safeguard_attest::keys::{self, PrivateKey};
use safeguard_attest::provenance::{self, ProvenanceInput};
use safeguard_attest::signer::{Algorithm, Signer};
use safeguard_attest::{bundle, dsse, hash};
use safeguard_config::ReleaseSettings;
use safeguard_model::facts::{ReleaseArtifact, ReleaseFacts};

const BUILDER: &str = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn sign_file(root: &Path, rel: &str, key: &PrivateKey) {
    let data = std::fs::read(root.join(rel)).unwrap();
    let b = bundle::sign_message_bundle(hash::sha256(&data), &data, key).unwrap();
    write(
        root,
        &format!("{rel}.sigstore.json"),
        b.to_string().as_bytes(),
    );
}

fn github_env() -> BTreeMap<String, String> {
    [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_REPOSITORY", "acme/app"),
        ("GITHUB_REF", "refs/heads/main"),
        ("GITHUB_SHA", COMMIT),
        (
            "GITHUB_WORKFLOW_REF",
            "acme/app/.github/workflows/release.yml@refs/heads/main",
        ),
        ("GITHUB_RUN_ID", "42"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A provenance bundle naming `subjects` (paths under root), signed by `key`.
fn attest(root: &Path, out: &str, subjects: &[&str], key: &PrivateKey) {
    let subjects = subjects
        .iter()
        .map(|rel| {
            let d = hash::sha256_file(root.join(rel)).unwrap();
            ResourceDescriptor::sha256(rel.rsplit('/').next().unwrap(), &d)
        })
        .collect();
    let statement = provenance::build(&ProvenanceInput {
        env: github_env(),
        subjects,
        ..ProvenanceInput::default()
    });
    let env = dsse::sign(
        dsse::INTOTO_PAYLOAD_TYPE,
        statement.to_json().as_bytes(),
        &[key as &dyn Signer],
    )
    .unwrap();
    let b = bundle::dsse_bundle(serde_json::from_str(&env.to_json()).unwrap(), key.key_id());
    write(root, out, b.to_string().as_bytes());
}

struct Release {
    dir: tempfile::TempDir,
    key: PrivateKey,
    settings: ReleaseSettings,
}

/// Two artefacts, both signed (one Ed25519 key), both named by one provenance bundle.
fn good_release() -> Release {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let key = keys::generate(Algorithm::Ed25519).unwrap();
    write(
        root,
        "keys/release.pub",
        key.public_key().to_pem().as_bytes(),
    );
    write(root, "dist/app-1.0.tar.gz", b"release tarball bytes");
    write(root, "dist/app-1.0.whl", b"release wheel bytes");
    sign_file(root, "dist/app-1.0.tar.gz", &key);
    sign_file(root, "dist/app-1.0.whl", &key);
    attest(
        root,
        "dist/provenance.sigstore.json",
        &["dist/app-1.0.tar.gz", "dist/app-1.0.whl"],
        &key,
    );
    let settings = ReleaseSettings {
        artifacts: vec!["dist/*.tar.gz".into(), "dist/*.whl".into()],
        public_keys: vec!["keys/release.pub".into()],
        provenance: vec!["dist/provenance.sigstore.json".into()],
        builder_id: Some(BUILDER.into()),
        source_uri: Some("https://github.com/acme/app".into()),
        ..ReleaseSettings::default()
    };
    Release { dir, key, settings }
}

fn run(r: &Release) -> ReleaseFacts {
    collect_releases(&r.settings, r.dir.path(), r.dir.path(), &[])
}

fn artefact<'a>(f: &'a ReleaseFacts, path: &str) -> &'a ReleaseArtifact {
    f.artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("{path} not in {:?}", f.artifacts))
}

#[test]
fn good_release_verifies() {
    let r = good_release();
    let f = run(&r);
    assert_eq!(f.gaps, Vec::<String>::new());
    assert_eq!(f.keys, [format!("keys/release.pub ({})", r.key.key_id())]);
    let paths: Vec<&str> = f.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["dist/app-1.0.tar.gz", "dist/app-1.0.whl"]);
    let a = artefact(&f, "dist/app-1.0.tar.gz");
    assert_eq!(
        a.sha256.as_deref(),
        Some(hash::to_hex(&hash::sha256(b"release tarball bytes")).as_str())
    );
    assert_eq!(a.size, 21);
    assert_eq!(a.signature.status, "verified", "{:?}", a.signature);
    assert_eq!(a.signature.key_id.as_deref(), Some(r.key.key_id()));
    assert_eq!(
        a.signature.bundle.as_deref(),
        Some("dist/app-1.0.tar.gz.sigstore.json")
    );
    let p = &a.provenance;
    assert_eq!(p.status, "verified", "{p:?}");
    assert_eq!(p.bundle.as_deref(), Some("dist/provenance.sigstore.json"));
    assert_eq!(p.builder_id.as_deref(), Some(BUILDER));
    assert_eq!(
        p.build_type.as_deref(),
        Some(provenance::BUILD_TYPE_GITHUB_ACTIONS)
    );
    assert_eq!(
        p.source_uri.as_deref(),
        Some("git+https://github.com/acme/app@refs/heads/main")
    );
    assert_eq!(p.source_commit.as_deref(), Some(COMMIT));
    assert_eq!(
        artefact(&f, "dist/app-1.0.whl").provenance.status,
        "verified"
    );
}

#[test]
fn ecdsa_key_verifies_too() {
    let r = good_release();
    let root = r.dir.path();
    let ec = keys::generate(Algorithm::EcdsaP256Sha256).unwrap();
    write(root, "keys/ec.pub", ec.public_key().to_pem().as_bytes());
    sign_file(root, "dist/app-1.0.whl", &ec);
    let mut s = r.settings.clone();
    s.public_keys.push("keys/ec.pub".into());
    let f = collect_releases(&s, root, root, &[]);
    let a = artefact(&f, "dist/app-1.0.whl");
    assert_eq!(a.signature.status, "verified", "{:?}", a.signature);
    assert_eq!(a.signature.key_id.as_deref(), Some(ec.key_id()));
}

#[test]
fn flipped_byte_in_artefact_fails_with_reason() {
    let r = good_release();
    let p = r.dir.path().join("dist/app-1.0.tar.gz");
    let mut b = std::fs::read(&p).unwrap();
    b[0] ^= 1;
    std::fs::write(&p, b).unwrap();
    let f = run(&r);
    let a = artefact(&f, "dist/app-1.0.tar.gz");
    assert_eq!(a.signature.status, "failed");
    let why = a.signature.reason.as_deref().unwrap();
    assert!(
        why.starts_with("`dist/app-1.0.tar.gz.sigstore.json`: ")
            && why.contains("does not match the bundle's messageDigest"),
        "{why}"
    );
    // The changed file is no longer a subject of the provenance either.
    assert_eq!(a.provenance.status, "missing");
    // The other artefact is still checked.
    assert_eq!(
        artefact(&f, "dist/app-1.0.whl").signature.status,
        "verified"
    );
}

#[test]
fn wrong_key_fails() {
    let r = good_release();
    let other = keys::generate(Algorithm::Ed25519).unwrap();
    write(
        r.dir.path(),
        "keys/release.pub",
        other.public_key().to_pem().as_bytes(),
    );
    let f = run(&r);
    for a in &f.artifacts {
        assert_eq!(a.signature.status, "failed", "{a:?}");
        assert!(
            a.signature
                .reason
                .as_deref()
                .unwrap()
                .contains(&format!("does not verify with key {}", other.key_id())),
            "{:?}",
            a.signature
        );
        assert_eq!(a.provenance.status, "failed");
        assert!(
            a.provenance
                .reason
                .as_deref()
                .unwrap()
                .starts_with("`dist/provenance.sigstore.json`: "),
            "{:?}",
            a.provenance
        );
    }
}

#[test]
fn missing_bundle_is_missing() {
    let r = good_release();
    std::fs::remove_file(r.dir.path().join("dist/app-1.0.whl.sigstore.json")).unwrap();
    let f = run(&r);
    let a = artefact(&f, "dist/app-1.0.whl");
    assert_eq!(a.signature.status, "missing");
    assert_eq!(
        a.signature.reason.as_deref(),
        Some("no signature bundle `dist/app-1.0.whl.sigstore.json`")
    );
    assert_eq!(
        artefact(&f, "dist/app-1.0.tar.gz").signature.status,
        "verified"
    );
}

#[test]
fn provenance_not_covering_the_artefact_is_missing() {
    let r = good_release();
    attest(
        r.dir.path(),
        "dist/provenance.sigstore.json",
        &["dist/app-1.0.tar.gz"],
        &r.key,
    );
    let f = run(&r);
    assert_eq!(
        artefact(&f, "dist/app-1.0.tar.gz").provenance.status,
        "verified"
    );
    let w = &artefact(&f, "dist/app-1.0.whl").provenance;
    assert_eq!(w.status, "missing");
    assert_eq!(
        w.reason.as_deref(),
        Some("no provenance attestation names it as a subject")
    );
}

#[test]
fn builder_mismatch_fails() {
    let mut r = good_release();
    r.settings.builder_id =
        Some("https://github.com/acme/app/.github/workflows/other.yml@refs/heads/main".into());
    let f = run(&r);
    let p = &artefact(&f, "dist/app-1.0.tar.gz").provenance;
    assert_eq!(p.status, "failed");
    let why = p.reason.as_deref().unwrap();
    assert!(why.contains("builder id mismatch"), "{why}");
    assert!(why.contains(BUILDER), "{why}");

    let mut r = good_release();
    r.settings.source_uri = Some("https://github.com/evil/app".into());
    let f = run(&r);
    let p = &artefact(&f, "dist/app-1.0.whl").provenance;
    assert_eq!(p.status, "failed");
    assert!(
        p.reason.as_deref().unwrap().contains("source URI mismatch"),
        "{p:?}"
    );
}

#[test]
fn malformed_bundle_fails_naming_the_file() {
    let r = good_release();
    write(
        r.dir.path(),
        "dist/app-1.0.whl.sigstore.json",
        b"{\"mediaType\": ",
    );
    write(r.dir.path(), "dist/provenance.sigstore.json", b"[1, 2");
    let f = run(&r);
    let s = &artefact(&f, "dist/app-1.0.whl").signature;
    assert_eq!(s.status, "failed");
    let why = s.reason.as_deref().unwrap();
    assert!(
        why.starts_with(
            "`dist/app-1.0.whl.sigstore.json`: the bundle is not a valid Sigstore bundle (line 1"
        ),
        "{why}"
    );
    assert!(
        f.gaps
            .iter()
            .any(|g| g.starts_with("dist/provenance.sigstore.json: not a Sigstore bundle: line 1")),
        "{:?}",
        f.gaps
    );
    assert_eq!(
        artefact(&f, "dist/app-1.0.tar.gz").signature.status,
        "verified"
    );
    assert_eq!(
        artefact(&f, "dist/app-1.0.tar.gz").provenance.status,
        "missing"
    );
}

#[test]
fn glob_matching_nothing_and_bad_key_are_gaps() {
    let mut r = good_release();
    r.settings.artifacts.push("dist/*.msi".into());
    r.settings.public_keys.push("keys/absent.pub".into());
    write(r.dir.path(), "keys/junk.pub", b"not a key");
    r.settings.public_keys.push("keys/junk.pub".into());
    r.settings.repro.push("reports/none.json".into());
    let f = run(&r);
    assert!(
        f.gaps
            .contains(&"`dist/*.msi`: matches no file".to_string()),
        "{:?}",
        f.gaps
    );
    assert!(
        f.gaps
            .contains(&"keys/absent.pub: file not found".to_string()),
        "{:?}",
        f.gaps
    );
    assert!(
        f.gaps
            .iter()
            .any(|g| g.starts_with("keys/junk.pub: not a usable public key")),
        "{:?}",
        f.gaps
    );
    assert!(
        f.gaps
            .contains(&"`reports/none.json`: matches no file".to_string())
    );
    // The good key still verifies the rest.
    assert_eq!(f.artifacts.len(), 2);
    assert!(f.artifacts.iter().all(|a| a.signature.status == "verified"));
}

#[test]
fn no_keys_means_not_verified() {
    let mut r = good_release();
    r.settings.public_keys.clear();
    let f = run(&r);
    let s = &artefact(&f, "dist/app-1.0.whl").signature;
    assert_eq!(s.status, "failed");
    assert!(
        s.reason
            .as_deref()
            .unwrap()
            .contains("no trusted key is configured"),
        "{s:?}"
    );
}

#[test]
fn glob_double_star_and_bundles_excluded() {
    let mut r = good_release();
    write(r.dir.path(), "dist/nested/deep/tool.tar.gz", b"deep");
    r.settings.artifacts = vec!["dist/**".into()];
    let f = run(&r);
    let paths: Vec<&str> = f.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "dist/app-1.0.tar.gz",
            "dist/app-1.0.whl",
            "dist/nested/deep/tool.tar.gz"
        ]
    );
    assert_eq!(
        artefact(&f, "dist/nested/deep/tool.tar.gz")
            .signature
            .status,
        "missing"
    );
}

#[test]
fn committed_bundles_are_recorded_without_configuration() {
    let r = good_release();
    let root = r.dir.path();
    write(
        root,
        "dist/app-1.0.tar.gz.asc",
        b"-----BEGIN PGP SIGNATURE-----",
    );
    write(root, "KEYS.asc", b"-----BEGIN PGP PUBLIC KEY BLOCK-----");
    let files = [
        "KEYS.asc",
        "dist/app-1.0.tar.gz",
        "dist/app-1.0.tar.gz.asc",
        "dist/app-1.0.tar.gz.sigstore.json",
        "dist/app-1.0.whl",
        "dist/app-1.0.whl.sigstore.json",
        "dist/provenance.sigstore.json",
    ];
    // No keys: recorded, not checked.
    let f = collect_releases(&ReleaseSettings::default(), root, root, &files);
    let got: Vec<(&str, &str, Option<&str>, &str)> = f
        .committed
        .iter()
        .map(|c| {
            (
                c.path.as_str(),
                c.kind.as_str(),
                c.target.as_deref(),
                c.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "dist/app-1.0.tar.gz.asc",
                "detached-signature",
                Some("dist/app-1.0.tar.gz"),
                "not-checked"
            ),
            (
                "dist/app-1.0.tar.gz.sigstore.json",
                "sigstore-bundle",
                Some("dist/app-1.0.tar.gz"),
                "not-checked"
            ),
            (
                "dist/app-1.0.whl.sigstore.json",
                "sigstore-bundle",
                Some("dist/app-1.0.whl"),
                "not-checked"
            ),
            (
                "dist/provenance.sigstore.json",
                "sigstore-bundle",
                None,
                "not-checked"
            ),
        ]
    );
    assert!(f.artifacts.is_empty());
    // With a key: bundles beside a file are verified.
    let keyed = ReleaseSettings {
        public_keys: vec!["keys/release.pub".into()],
        ..ReleaseSettings::default()
    };
    write(root, "dist/app-1.0.whl", b"changed");
    let f = collect_releases(&keyed, root, root, &files);
    let status: Vec<&str> = f.committed.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(status, ["not-checked", "verified", "failed", "not-checked"]);
}

#[test]
fn instructions_are_found() {
    let r = good_release();
    let root = r.dir.path();
    write(
        root,
        "README.md",
        b"# App\n\n## Verify\n\n```sh\ncosign verify-blob --key release.pub --bundle app.tar.gz.sigstore.json app.tar.gz\nsha256sum -c SHA256SUMS\n```\n",
    );
    write(
        root,
        "docs/install.rst",
        b"Check it:\n\n    $ gpg --verify app.tar.gz.asc app.tar.gz\n    $ slsa-verifier verify-artifact app.tar.gz --provenance-path p.intoto.jsonl\n",
    );
    write(
        root,
        "docs/notes.md",
        b"We use cosign to sign. Run npm install.\n",
    );
    write(root, "src/main.rs", b"// cosign verify-blob\n");
    let files = [
        "README.md",
        "docs/install.rst",
        "docs/notes.md",
        "src/main.rs",
    ];
    let f = collect_releases(&ReleaseSettings::default(), root, root, &files);
    assert_eq!(
        f.instructions,
        [
            "README.md:6 cosign verify",
            "README.md:7 sha256sum -c",
            "docs/install.rst:3 gpg --verify",
            "docs/install.rst:4 slsa-verifier",
        ]
    );
}

#[test]
fn instruction_patterns() {
    let t = |s: &str| {
        verification_tools(s)
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        t("safeguard verify app --bundle b --key k"),
        ["safeguard verify"]
    );
    assert_eq!(
        t("`gh attestation verify app.tgz --owner acme`"),
        ["gh attestation verify"]
    );
    assert_eq!(t("minisign -Vm app.tar.gz -P RWQ..."), ["minisign -V"]);
    assert_eq!(t("shasum -a 256 -c app.sha256"), ["shasum -c"]);
    assert_eq!(t("signify -V -p key.pub -m app"), ["signify -V"]);
    assert_eq!(
        t("openssl dgst -sha256 -verify pub.pem -signature app.sig app"),
        ["openssl dgst -verify"]
    );
    assert_eq!(t("rpm --checksig app.rpm"), ["rpm --checksig"]);
    assert_eq!(
        t("deb [signed-by=/usr/share/keyrings/acme.gpg] https://apt.acme.example stable main"),
        ["apt signed-by"]
    );
    // Mentions without a verifying command.
    assert!(t("We sign releases with cosign and gpg.").is_empty());
    assert!(t("gpg --detach-sign app.tar.gz").is_empty());
    assert!(t("sha256sum app.tar.gz > SHA256SUMS").is_empty());
    assert!(t("").is_empty());
}

#[test]
fn repro_reports_are_summarised() {
    let r = good_release();
    let root = r.dir.path();
    // The real report type, so a change to its JSON shows up here.
    use safeguard_attest::repro::{ArtifactResult, ArtifactStatus, ReproReport, RunRecord};
    let run = |name: &str, code: i32| RunRecord {
        name: name.into(),
        dir: "/tmp/x".into(),
        tz: "UTC".into(),
        locale: "C".into(),
        umask: "022".into(),
        started: String::new(),
        finished: String::new(),
        exit_code: Some(code),
        stdout_tail: String::new(),
        stderr_tail: String::new(),
    };
    let art = |path: &str, status: ArtifactStatus, diff: Option<u64>| ArtifactResult {
        path: path.into(),
        status,
        sha256_first: None,
        sha256_second: None,
        size_first: Some(9),
        size_second: Some(9),
        first_difference: diff,
    };
    let report = ReproReport {
        reproducible: false,
        command: vec!["make".into()],
        runs: vec![run("first", 0), run("second", 0)],
        artifacts: vec![
            art("dist/a.tar.gz", ArtifactStatus::Identical, None),
            art("dist/b.tar.gz", ArtifactStatus::Differs, Some(4)),
            art("dist/c.tar.gz", ArtifactStatus::MissingInSecond, None),
        ],
    };
    write(
        root,
        "reports/repro.json",
        serde_json::to_string_pretty(&report).unwrap().as_bytes(),
    );
    let failed = ReproReport {
        reproducible: false,
        command: vec!["make".into()],
        runs: vec![run("first", 0), run("second", 2)],
        artifacts: vec![],
    };
    write(
        root,
        "reports/repro-failed.json",
        serde_json::to_string(&failed).unwrap().as_bytes(),
    );
    write(
        root,
        "reports/repro-ok.json",
        br#"{"reproducible": true, "command": ["make"], "runs": [], "artifacts": [{"path": "a", "status": "identical"}]}"#,
    );
    write(
        root,
        "reports/repro-bad.json",
        b"{\"reproducible\": \"yes\"}",
    );
    let mut s = r.settings.clone();
    s.repro = vec!["reports/*.json".into()];
    let f = collect_releases(&s, root, root, &[]);
    type Row<'a> = (&'a str, Option<bool>, u64, u64, Option<&'a str>);
    let got: Vec<Row> = f
        .repro
        .iter()
        .map(|x| {
            (
                x.path.as_str(),
                x.reproducible,
                x.artifacts,
                x.identical,
                x.first_difference.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("reports/repro-bad.json", None, 0, 0, None),
            (
                "reports/repro-failed.json",
                Some(false),
                0,
                0,
                Some("the second build exited with status 2")
            ),
            ("reports/repro-ok.json", Some(true), 1, 1, None),
            (
                "reports/repro.json",
                Some(false),
                3,
                1,
                Some("dist/b.tar.gz differs at byte 4")
            ),
        ]
    );
    let bad = f.repro[0].error.as_deref().unwrap();
    assert!(
        bad.starts_with("not a `safeguard repro --format json` report: line 1"),
        "{bad}"
    );
}
