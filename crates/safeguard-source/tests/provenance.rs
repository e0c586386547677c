//! Commit provenance over real repositories: commits signed by the tests with `ssh-keygen`
//! (git's `gpg.format=ssh`) and with an OpenPGP key made by `gpg`, verified offline against an
//! allowed-signers file and a keyring: good, bad (tampered commit), unknown key and unsigned.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use safeguard_sig::openpgp::Keyring;
use safeguard_sig::sshsig::AllowedSigners;
use safeguard_source::git::Repo;
use safeguard_source::provenance::{self, CommitProvenance, Options, Range};

fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
        || (tool == "ssh-keygen"
            && Command::new(tool)
                .arg("-?")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok());
    if !ok {
        assert!(
            std::env::var("SAFEGUARD_INTEROP").as_deref() != Ok("1"),
            "{tool} is not installed, and SAFEGUARD_INTEROP=1 requires this test to run"
        );
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {tool} is not installed; the provenance signature test did not run"
        );
    }
    ok
}

struct Sandbox {
    _dir: tempfile::TempDir,
    home: PathBuf,
    repo: PathBuf,
    gnupg: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let repo = dir.path().join("repo");
        let gnupg = dir.path().join("gnupg");
        for d in [&home, &repo, &gnupg] {
            std::fs::create_dir_all(d).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let s = Sandbox {
            _dir: dir,
            home,
            repo,
            gnupg,
        };
        s.git(&["init", "-q", "-b", "main"]);
        s.git(&["config", "user.name", "Alice Example"]);
        s.git(&["config", "user.email", "alice@example.org"]);
        s
    }

    fn cmd(&self, program: &str, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
        let mut c = Command::new(program);
        c.args(args)
            .current_dir(&self.repo)
            .env("HOME", &self.home)
            .env("GNUPGHOME", &self.gnupg)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
            .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap_or_else(|e| panic!("{program}: {e}"));
        if let Some(data) = input {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(data).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn git(&self, args: &[&str]) -> String {
        String::from_utf8(self.cmd("git", args, None))
            .unwrap()
            .trim()
            .to_string()
    }

    fn commit(&self, file: &str, content: &str, message: &str, extra: &[&str]) -> String {
        let path = self.repo.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        self.git(&["add", file]);
        let mut args = vec!["commit", "-q", "-m", message];
        args.extend_from_slice(extra);
        self.git(&args);
        self.git(&["rev-parse", "HEAD"])
    }

    fn ssh_key(&self, name: &str) -> (PathBuf, String) {
        let key = self.home.join(name);
        let k = key.to_str().unwrap();
        self.cmd(
            "ssh-keygen",
            &["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k],
            None,
        );
        let public = std::fs::read_to_string(format!("{k}.pub")).unwrap();
        (key, public.trim().to_string())
    }
}

fn report(s: &Sandbox, options: &Options) -> Vec<CommitProvenance> {
    let repo = Repo::open(&s.repo).unwrap().unwrap();
    let files = repo.tracked_files().unwrap();
    provenance::collect(&repo, &files, options).unwrap().commits
}

fn find<'a>(commits: &'a [CommitProvenance], id: &str) -> &'a CommitProvenance {
    commits
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("commit {id} not in the report"))
}

/// Write a copy of `commit` with its message changed but its signature kept, and point `main`
/// at it: a tampered commit.
fn tamper(s: &Sandbox, commit: &str) -> String {
    let raw = s.cmd("git", &["cat-file", "commit", commit], None);
    let text = String::from_utf8(raw).unwrap();
    let changed = text.replacen("Signed work", "Signed w0rk", 1);
    assert_ne!(text, changed, "the message to tamper with is there");
    let id = String::from_utf8(s.cmd(
        "git",
        &["hash-object", "-t", "commit", "-w", "--stdin"],
        Some(changed.as_bytes()),
    ))
    .unwrap()
    .trim()
    .to_string();
    s.git(&["update-ref", "refs/heads/tampered", &id]);
    id
}

#[test]
fn ssh_signed_commits_good_bad_unknown_and_unsigned() {
    if !have("ssh-keygen") {
        return;
    }
    let s = Sandbox::new();
    let (alice, alice_pub) = s.ssh_key("alice");
    let (mallory, _) = s.ssh_key("mallory");
    let unsigned = s.commit("README.md", "hi\n", "Unsigned start", &[]);
    s.git(&["config", "gpg.format", "ssh"]);
    s.git(&["config", "user.signingkey", alice.to_str().unwrap()]);
    let good = s.commit(
        ".github/workflows/ci.yml",
        "on: push\n",
        "Signed work\n\nReviewed-by: Bob <bob@example.org>",
        &["-S"],
    );
    s.git(&["config", "user.signingkey", mallory.to_str().unwrap()]);
    let unknown = s.commit("src/lib.rs", "fn x() {}\n", "By an unknown key", &["-S"]);
    let allowed = format!("alice@example.org namespaces=\"git\" {alice_pub}\n");
    let options = Options {
        range: Range::AllRefs,
        allowed_signers: Some((
            "allowed_signers".into(),
            AllowedSigners::parse(&allowed).unwrap(),
        )),
        ..Options::default()
    };
    let tampered = tamper(&s, &good);
    let commits = report(&s, &options);
    assert_eq!(commits.len(), 4, "{commits:#?}");

    let c = find(&commits, &unsigned);
    assert_eq!((c.signature, c.verification), ("none", "unsigned"));

    let c = find(&commits, &good);
    assert_eq!((c.signature, c.verification), ("ssh", "good"), "{c:#?}");
    assert!(
        c.signer
            .as_deref()
            .unwrap()
            .starts_with("alice@example.org (SHA256:")
    );
    assert_eq!(
        c.review,
        vec!["Reviewed-by: Bob <bob@example.org>".to_string()]
    );
    assert_eq!(c.build_files, vec![".github/workflows/ci.yml".to_string()]);

    let c = find(&commits, &unknown);
    assert_eq!(
        (c.signature, c.verification),
        ("ssh", "unknown-key"),
        "{c:#?}"
    );

    let c = find(&commits, &tampered);
    assert_eq!((c.signature, c.verification), ("ssh", "bad"), "{c:#?}");

    // Without an allowed-signers file, signatures are recorded but not checked.
    let commits = report(
        &s,
        &Options {
            range: Range::AllRefs,
            ..Options::default()
        },
    );
    assert_eq!(find(&commits, &good).verification, "not-checked");
}

#[test]
fn openpgp_signed_commits_good_bad_unknown() {
    if !have("gpg") {
        return;
    }
    let s = Sandbox::new();
    let gen_key = |uid: &str| {
        s.cmd(
            "gpg",
            &[
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
                "--quick-gen-key",
                uid,
                "ed25519",
                "sign",
                "never",
            ],
            None,
        );
    };
    gen_key("Alice Example <alice@example.org>");
    gen_key("Mallory <mallory@example.org>");
    let keyring_bytes = s.cmd("gpg", &["--armor", "--export", "alice@example.org"], None);
    let keyring = Keyring::parse(&keyring_bytes).unwrap();
    s.git(&["config", "user.signingkey", "alice@example.org"]);
    let good = s.commit("a.txt", "a\n", "Signed work", &["-S"]);
    s.git(&["config", "user.signingkey", "mallory@example.org"]);
    let unknown = s.commit("b.txt", "b\n", "Mallory's change", &["-S"]);
    let tampered = tamper(&s, &good);
    let options = Options {
        range: Range::AllRefs,
        keyring: Some(("alice.asc".into(), keyring)),
        ..Options::default()
    };
    let commits = report(&s, &options);
    let c = find(&commits, &good);
    assert_eq!((c.signature, c.verification), ("openpgp", "good"), "{c:#?}");
    assert!(
        c.signer
            .as_deref()
            .unwrap()
            .starts_with("Alice Example <alice@example.org> (")
    );
    let c = find(&commits, &unknown);
    assert_eq!(
        (c.signature, c.verification),
        ("openpgp", "unknown-key"),
        "{c:#?}"
    );
    let c = find(&commits, &tampered);
    assert_eq!((c.signature, c.verification), ("openpgp", "bad"), "{c:#?}");
}

#[test]
fn review_evidence_and_facts() {
    let s = Sandbox::new();
    s.commit("README.md", "x\n", "Start", &[]);
    s.git(&["checkout", "-q", "-b", "feature"]);
    let change = s.commit("Makefile", "all:\n", "Build tweak", &[]);
    s.git(&["checkout", "-q", "main"]);
    s.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #7 from acme/feature\n\nBuild tweak",
        "feature",
    ]);
    s.commit(
        "Dockerfile",
        "FROM scratch\n",
        "Unreviewed container change",
        &[],
    );
    let repo = Repo::open(&s.repo).unwrap().unwrap();
    let files = repo.tracked_files().unwrap();
    let report = provenance::collect(&repo, &files, &Options::default()).unwrap();
    assert_eq!(report.commits.len(), 4);
    let merge = report.commits.iter().find(|c| c.merge).unwrap();
    assert_eq!(merge.review, vec!["pull request #7 (github)".to_string()]);
    let facts = provenance::facts(&report);
    assert_eq!(facts.non_merge, 3);
    assert_eq!(facts.signature_kinds.get("none"), Some(&4));
    // The feature commit inherits the review of the pull request that merged it.
    assert_eq!(facts.build_changes, 2, "{facts:#?}");
    assert_eq!(facts.build_changes_reviewed, 1);
    assert_eq!(facts.unreviewed_build_changes.len(), 1);
    assert!(facts.unreviewed_build_changes[0].ends_with(" Unreviewed container change"));
    let feature = report.commits.iter().find(|c| c.id == change).unwrap();
    assert_eq!(feature.build_files, vec!["Makefile".to_string()]);
    assert_eq!(feature.review.len(), 1);
    assert!(
        feature.review[0].starts_with("via merge ")
            && feature.review[0].ends_with("(pull request #7 (github))"),
        "{:?}",
        feature.review
    );
    assert_eq!(facts.reviewed, 1);
    assert!(facts.codeowners.is_none());
}

#[test]
fn bad_range_is_a_clear_error() {
    let s = Sandbox::new();
    s.commit("README.md", "x\n", "Start", &[]);
    let repo = Repo::open(&s.repo).unwrap().unwrap();
    let err = provenance::collect(
        &repo,
        &[],
        &Options {
            range: Range::Revisions("v9.9..nope".into()),
            ..Options::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("v9.9..nope: git cannot read this range:"),
        "{err}"
    );
}

#[allow(dead_code)]
fn _path(p: &Path) -> &Path {
    p
}
