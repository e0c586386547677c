//! SSH signatures made by the machine's `ssh-keygen` (and `git`), checked by `sshsig::verify`.

mod common;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{have, read, run, write};
use safeguard_sig::sshsig::{self, AllowedSigners, Outcome, SshSignature};
use safeguard_sig::{Kind, signature_kind, split_commit_signature};

const MESSAGE: &[u8] = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.org> 1700000000 +0000\n\nsigned commit\n";
/// 2023-11-14, inside every validity window below that should accept.
const SIGNED_AT: i64 = 1_700_000_000;

struct SshKey {
    dir: tempfile::TempDir,
    key: PathBuf,
    public: String,
    fingerprint: String,
}

fn keygen(kind: &str) -> SshKey {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("id");
    let mut args = vec!["-q", "-t", kind, "-N", "", "-C", "test key", "-f"];
    let key_s = key.to_string_lossy().into_owned();
    args.push(&key_s);
    if kind == "ecdsa" {
        args.extend(["-b", "256"]);
    }
    if kind == "rsa" {
        args.extend(["-b", "2048"]);
    }
    run(dir.path(), "ssh-keygen", &args);
    let public = String::from_utf8_lossy(&read(&dir.path().join("id.pub")))
        .trim()
        .to_string();
    let out = run(
        dir.path(),
        "ssh-keygen",
        &["-l", "-E", "sha256", "-f", &key_s],
    );
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let fingerprint = listing
        .split_whitespace()
        .nth(1)
        .expect("fingerprint field")
        .to_string();
    assert!(fingerprint.starts_with("SHA256:"), "{listing}");
    SshKey {
        dir,
        key,
        public,
        fingerprint,
    }
}

impl SshKey {
    fn sign(&self, namespace: &str, message: &[u8]) -> Vec<u8> {
        let file = self.dir.path().join("msg");
        write(&file, message);
        run(
            self.dir.path(),
            "ssh-keygen",
            &[
                "-Y",
                "sign",
                "-n",
                namespace,
                "-f",
                &self.key.to_string_lossy(),
                &file.to_string_lossy(),
            ],
        );
        let sig = read(&self.dir.path().join("msg.sig"));
        std::fs::remove_file(self.dir.path().join("msg.sig")).expect("remove sig");
        sig
    }

    fn line(&self, principals: &str, options: &str) -> String {
        if options.is_empty() {
            format!("{principals} {}\n", self.public)
        } else {
            format!("{principals} {options} {}\n", self.public)
        }
    }
}

fn signers(text: &str) -> AllowedSigners {
    AllowedSigners::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// ssh-keygen's own verdict, to cross-check ours.
fn ssh_keygen_accepts(dir: &Path, allowed: &str, principal: &str, sig: &[u8], msg: &[u8]) -> bool {
    let allowed_path = dir.join("allowed");
    let sig_path = dir.join("check.sig");
    write(&allowed_path, allowed.as_bytes());
    write(&sig_path, sig);
    let mut child = std::process::Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            &allowed_path.to_string_lossy(),
            "-I",
            principal,
            "-n",
            "git",
            "-s",
            &sig_path.to_string_lossy(),
            "-Overify-time=20231114",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn ssh-keygen");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(msg).expect("write message");
    }
    child.wait().expect("wait").success()
}

fn flip_signature_byte(armored: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(armored);
    let b64: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let mut blob = STANDARD.decode(b64).expect("base64");
    // The blob ends with the signature bytes.
    let last = blob.len() - 1;
    blob[last] ^= 0x01;
    format!(
        "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
        STANDARD.encode(&blob)
    )
    .into_bytes()
}

fn good_bad_for(kind: &str) {
    if !have("ssh-keygen") {
        return;
    }
    let key = keygen(kind);
    let sig = key.sign("git", MESSAGE);
    assert_eq!(signature_kind(&sig), Kind::Ssh);
    let parsed = SshSignature::parse(&sig).expect("parses");
    assert_eq!(parsed.namespace(), "git");
    assert_eq!(parsed.key_fingerprint(), key.fingerprint);

    let allowed_text = key.line("alice@example.org", "namespaces=\"git\"");
    let allowed = signers(&allowed_text);
    assert_eq!(
        sshsig::verify(&sig, MESSAGE, "git", &allowed, Some(SIGNED_AT)),
        Outcome::Good {
            principal: "alice@example.org".to_string(),
            key_fingerprint: key.fingerprint.clone(),
        },
        "{kind}"
    );
    assert!(ssh_keygen_accepts(
        key.dir.path(),
        &allowed_text,
        "alice@example.org",
        &sig,
        MESSAGE
    ));

    // Tampered message.
    let mut tampered = MESSAGE.to_vec();
    tampered[5] ^= 0x20;
    match sshsig::verify(&sig, &tampered, "git", &allowed, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => {
            assert!(reason.contains("does not verify"), "{kind}: {reason}");
            assert!(reason.contains(&key.fingerprint), "{kind}: {reason}");
        }
        other => panic!("{kind}: tampered message gave {other:?}"),
    }
    assert!(!ssh_keygen_accepts(
        key.dir.path(),
        &allowed_text,
        "alice@example.org",
        &sig,
        &tampered
    ));

    // A flipped byte in the signature itself.
    let flipped = flip_signature_byte(&sig);
    match sshsig::verify(&flipped, MESSAGE, "git", &allowed, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => assert!(!reason.is_empty()),
        other => panic!("{kind}: flipped signature gave {other:?}"),
    }
}

#[test]
fn ed25519_good_and_bad() {
    good_bad_for("ed25519");
}

#[test]
fn ecdsa_p256_good_and_bad() {
    good_bad_for("ecdsa");
}

#[test]
fn rsa_good_and_bad() {
    good_bad_for("rsa");
}

#[test]
fn unknown_key_namespace_and_validity() {
    if !have("ssh-keygen") {
        return;
    }
    let signer = keygen("ed25519");
    let other = keygen("ed25519");
    let sig = signer.sign("git", MESSAGE);

    // Signed by a key that is not in the file.
    let only_other = signers(&other.line("bob@example.org", ""));
    assert_eq!(
        sshsig::verify(&sig, MESSAGE, "git", &only_other, Some(SIGNED_AT)),
        Outcome::UnknownKey {
            key_fingerprint: signer.fingerprint.clone()
        }
    );
    // An empty file: unknown too.
    assert_eq!(
        sshsig::verify(&sig, MESSAGE, "git", &AllowedSigners::default(), None),
        Outcome::UnknownKey {
            key_fingerprint: signer.fingerprint.clone()
        }
    );

    // The signature was made for another namespace than the one asked for.
    let file_sig = signer.sign("file", MESSAGE);
    let all = signers(&signer.line("alice@example.org", ""));
    match sshsig::verify(&file_sig, MESSAGE, "git", &all, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => assert!(reason.contains("namespace \"file\""), "{reason}"),
        other => panic!("namespace mismatch gave {other:?}"),
    }
    // The file allows the key only for "file".
    let file_only = signers(&signer.line("alice@example.org", "namespaces=\"file\""));
    match sshsig::verify(&sig, MESSAGE, "git", &file_only, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => {
            assert!(reason.contains("namespaces=\"file\""), "{reason}");
            assert!(reason.contains("line 1"), "{reason}");
        }
        other => panic!("file-only key gave {other:?}"),
    }

    // Expired validity window.
    let expired = signers(&signer.line("alice@example.org", "valid-before=\"20200101\""));
    match sshsig::verify(&sig, MESSAGE, "git", &expired, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => {
            assert!(reason.contains("expired"), "{reason}");
            assert!(reason.contains("2020-01-01"), "{reason}");
        }
        other => panic!("expired key gave {other:?}"),
    }
    // Not yet valid.
    let future = signers(&signer.line("alice@example.org", "valid-after=20300101Z"));
    match sshsig::verify(&sig, MESSAGE, "git", &future, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => assert!(reason.contains("valid-after"), "{reason}"),
        other => panic!("not-yet-valid key gave {other:?}"),
    }
    // A later line that does accept wins over an earlier one that refuses.
    let two = format!(
        "{}{}",
        signer.line("old@example.org", "valid-before=20200101"),
        signer.line("new@example.org", "valid-after=20200101")
    );
    assert_eq!(
        sshsig::verify(&sig, MESSAGE, "git", &signers(&two), Some(SIGNED_AT)),
        Outcome::Good {
            principal: "new@example.org".to_string(),
            key_fingerprint: signer.fingerprint.clone()
        }
    );
    // A cert-authority line does not vouch for a plain key.
    let ca = signers(&signer.line("*@example.org", "cert-authority"));
    match sshsig::verify(&sig, MESSAGE, "git", &ca, Some(SIGNED_AT)) {
        Outcome::Bad { reason } => assert!(reason.contains("cert-authority"), "{reason}"),
        other => panic!("cert-authority line gave {other:?}"),
    }
}

#[test]
fn truncated_and_garbage_armor_are_malformed() {
    if !have("ssh-keygen") {
        return;
    }
    let key = keygen("ed25519");
    let sig = key.sign("git", MESSAGE);
    let allowed = signers(&key.line("alice@example.org", ""));
    let half = &sig[..sig.len() / 2];
    match sshsig::verify(half, MESSAGE, "git", &allowed, Some(SIGNED_AT)) {
        Outcome::Malformed { reason } => assert!(reason.contains("cut short"), "{reason}"),
        other => panic!("truncated armor gave {other:?}"),
    }
    // Drop the last base64 line but keep the end line: the blob is cut inside the signature.
    let text = String::from_utf8_lossy(&sig).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let mut shortened: Vec<&str> = lines[..lines.len() - 2].to_vec();
    shortened.push(lines[lines.len() - 1]);
    let shortened = shortened.join("\n");
    match sshsig::verify(shortened.as_bytes(), MESSAGE, "git", &allowed, None) {
        Outcome::Malformed { reason } => assert!(!reason.is_empty()),
        other => panic!("shortened blob gave {other:?}"),
    }
    for garbage in [
        &b"not a signature at all"[..],
        b"",
        b"-----BEGIN SSH SIGNATURE-----\n@@@@\n-----END SSH SIGNATURE-----\n",
        b"-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n",
    ] {
        match sshsig::verify(garbage, MESSAGE, "git", &allowed, None) {
            Outcome::Malformed { reason } => assert!(!reason.is_empty()),
            other => panic!("{garbage:?} gave {other:?}"),
        }
    }
}

#[test]
fn git_commit_signed_with_ssh_verifies() {
    if !have("ssh-keygen") || !have("git") {
        return;
    }
    let key = keygen("ed25519");
    let repo = tempfile::tempdir().expect("tempdir");
    let r = repo.path();
    let key_path = key.key.to_string_lossy().into_owned();
    run(r, "git", &["init", "-q", "."]);
    for (k, v) in [
        ("user.name", "Alice"),
        ("user.email", "alice@example.org"),
        ("gpg.format", "ssh"),
        ("user.signingkey", key_path.as_str()),
        ("commit.gpgsign", "false"),
    ] {
        run(r, "git", &["config", k, v]);
    }
    write(&r.join("file.txt"), b"hello\n");
    run(r, "git", &["add", "file.txt"]);
    run(r, "git", &["commit", "-q", "-S", "-m", "signed commit"]);
    let raw = run(r, "git", &["cat-file", "commit", "HEAD"]).stdout;
    let signed = split_commit_signature(&raw).expect("the commit is signed");
    assert_eq!(signature_kind(&signed.signature), Kind::Ssh);
    let allowed = signers(&key.line("alice@example.org", "namespaces=\"git\""));
    assert_eq!(
        sshsig::verify(
            &signed.signature,
            &signed.payload,
            sshsig::NAMESPACE_GIT,
            &allowed,
            None
        ),
        Outcome::Good {
            principal: "alice@example.org".to_string(),
            key_fingerprint: key.fingerprint.clone()
        }
    );
    // The raw commit (signature header included) is not what was signed.
    assert!(matches!(
        sshsig::verify(&signed.signature, &raw, "git", &allowed, None),
        Outcome::Bad { .. }
    ));
}
