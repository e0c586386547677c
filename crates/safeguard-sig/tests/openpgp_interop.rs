//! OpenPGP signatures made by the machine's `gpg` (and `git`), checked by `openpgp`.

mod common;

use std::path::Path;

use common::{have, read, run, run_env, write};
use safeguard_sig::openpgp::{self, Keyring, Outcome};
use safeguard_sig::{Kind, signature_kind, split_commit_signature};

const DATA: &[u8] = b"Release 1.2.3\nsha256 0123456789abcdef  app.tar.gz\n";

/// A throwaway GnuPG home; its agent is stopped when dropped.
struct Gpg {
    home: tempfile::TempDir,
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = std::process::Command::new("gpgconf")
            .args([
                "--homedir",
                &self.home.path().to_string_lossy(),
                "--kill",
                "all",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

impl Gpg {
    fn new() -> Gpg {
        Gpg {
            home: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn dir(&self) -> &Path {
        self.home.path()
    }

    fn gpg(&self, args: &[&str]) -> Vec<u8> {
        let home = self.dir().to_string_lossy().into_owned();
        let mut all = vec![
            "--homedir",
            home.as_str(),
            "--batch",
            "--yes",
            "--no-tty",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ];
        all.extend_from_slice(args);
        run(self.dir(), "gpg", &all).stdout
    }

    /// Generate a key; returns its primary fingerprint.
    fn gen_key(&self, uid: &str, algo: &str, usage: &str, expire: &str) -> String {
        self.gpg(&["--quick-gen-key", uid, algo, usage, expire]);
        self.fingerprints(uid)
            .into_iter()
            .next()
            .expect("a primary fingerprint")
    }

    /// Fingerprints of the key matching `who`: primary first, then subkeys.
    fn fingerprints(&self, who: &str) -> Vec<String> {
        let out = self.gpg(&["--with-colons", "--list-keys", who]);
        String::from_utf8_lossy(&out)
            .lines()
            .filter(|l| l.starts_with("fpr:"))
            .filter_map(|l| l.split(':').nth(9).map(str::to_string))
            .collect()
    }

    fn export(&self, who: &[&str], armor: bool) -> Vec<u8> {
        let mut args = vec!["--export"];
        if armor {
            args.push("--armor");
        }
        args.extend_from_slice(who);
        self.gpg(&args)
    }

    /// Sign `data` as `who` with extra gpg options; returns the output file's bytes.
    fn sign(&self, who: &str, data: &[u8], options: &[&str]) -> Vec<u8> {
        let input = self.dir().join("input");
        let output = self.dir().join("output");
        write(&input, data);
        let (i, o) = (
            input.to_string_lossy().into_owned(),
            output.to_string_lossy().into_owned(),
        );
        let mut args = vec!["--local-user", who, "-o", o.as_str()];
        args.extend_from_slice(options);
        args.push(i.as_str());
        self.gpg(&args);
        read(&output)
    }

    fn detach(&self, who: &str, data: &[u8]) -> Vec<u8> {
        self.sign(who, data, &["--armor", "--detach-sign"])
    }
}

fn ring(bytes: &[u8]) -> Keyring {
    Keyring::parse(bytes).unwrap_or_else(|e| panic!("keyring: {e}"))
}

fn expect_good(out: &Outcome, fingerprint: &str, signing_key: &str, uid: &str) {
    match out {
        Outcome::Good {
            fingerprint: f,
            user_id,
            signing_key: s,
            created,
        } => {
            assert_eq!(f, fingerprint);
            assert_eq!(s, signing_key);
            assert_eq!(user_id.as_deref(), Some(uid));
            assert!(*created > 1_500_000_000, "{created}");
        }
        other => panic!("expected Good by {fingerprint}, got {other:?}"),
    }
}

fn expect_bad(out: &Outcome, needle: &str) {
    match out {
        Outcome::Bad { reason } => assert!(reason.contains(needle), "{needle}: {reason}"),
        other => panic!("expected Bad ({needle}), got {other:?}"),
    }
}

/// The binary signature with its last byte (inside the signature values) flipped.
fn flipped(armored: &[u8]) -> Vec<u8> {
    let blocks = openpgp::dearmor(armored).expect("dearmor");
    let mut data = blocks.into_iter().next().expect("one block").data;
    let last = data.len() - 1;
    data[last] ^= 0x01;
    data
}

fn good_bad_for(algo: &str, uid: &str) {
    if !have("gpg") {
        return;
    }
    let g = Gpg::new();
    let fpr = g.gen_key(uid, algo, "sign", "never");
    let keyring = ring(&g.export(&[&fpr], true));
    assert_eq!(keyring.len(), 1);
    let cert = keyring.certs().first().expect("cert");
    assert_eq!(cert.fingerprint(), fpr);
    assert_eq!(cert.key_id(), fpr[24..]);
    assert_eq!(cert.validity(), Ok(()));

    let sig = g.detach(&fpr, DATA);
    assert_eq!(signature_kind(&sig), Kind::OpenPgp);
    expect_good(
        &openpgp::verify_detached(&sig, DATA, &keyring),
        &fpr,
        &fpr,
        uid,
    );
    // Binary keyring and binary signature work too.
    let binary_ring = ring(&g.export(&[&fpr], false));
    let binary_sig = openpgp::dearmor(&sig).expect("dearmor").remove(0).data;
    expect_good(
        &openpgp::verify_detached(&binary_sig, DATA, &binary_ring),
        &fpr,
        &fpr,
        uid,
    );

    // Tampered data.
    let mut tampered = DATA.to_vec();
    tampered[0] = b'r';
    expect_bad(
        &openpgp::verify_detached(&sig, &tampered, &keyring),
        "quick check",
    );
    // A flipped byte in the signature values.
    expect_bad(
        &openpgp::verify_detached(&flipped(&sig), DATA, &keyring),
        "does not verify",
    );
}

#[test]
fn ed25519_good_and_bad() {
    good_bad_for("ed25519", "Ed <ed@example.org>");
}

#[test]
fn rsa3072_good_and_bad() {
    good_bad_for("rsa3072", "Rsa <rsa@example.org>");
}

#[test]
fn nistp256_good_and_bad() {
    good_bad_for("nistp256", "P256 <p256@example.org>");
}

#[test]
fn signing_subkey_unknown_key_and_multi_key_ring() {
    if !have("gpg") {
        return;
    }
    let g = Gpg::new();
    let primary = g.gen_key("Sub <sub@example.org>", "ed25519", "cert", "never");
    g.gpg(&["--quick-add-key", &primary, "ed25519", "sign", "never"]);
    let fprs = g.fingerprints(&primary);
    assert_eq!(fprs.len(), 2, "{fprs:?}");
    let subkey = fprs[1].clone();
    let other = g.gen_key("Other <other@example.org>", "ed25519", "sign", "never");

    let keyring = ring(&g.export(&[&primary], true));
    let cert = keyring.certs().first().expect("cert");
    assert_eq!(cert.subkey_fingerprints(), vec![subkey.clone()]);

    // gpg picks the signing subkey; the outcome names the primary and the subkey.
    let sig = g.detach(&primary, DATA);
    expect_good(
        &openpgp::verify_detached(&sig, DATA, &keyring),
        &primary,
        &subkey,
        "Sub <sub@example.org>",
    );

    // A signature by a key that is not in the keyring.
    let other_sig = g.detach(&other, DATA);
    assert_eq!(
        openpgp::verify_detached(&other_sig, DATA, &keyring),
        Outcome::UnknownKey {
            issuer: other.clone()
        }
    );

    // Both keys in one armored export, and two exports concatenated.
    let both = ring(&g.export(&[&primary, &other], true));
    assert_eq!(both.len(), 2);
    expect_good(
        &openpgp::verify_detached(&other_sig, DATA, &both),
        &other,
        &other,
        "Other <other@example.org>",
    );
    let mut concatenated = g.export(&[&primary], true);
    concatenated.extend_from_slice(b"\nsome text between blocks\n");
    concatenated.extend(g.export(&[&other], true));
    let cat = ring(&concatenated);
    assert_eq!(cat.len(), 2);
    expect_good(
        &openpgp::verify_detached(&sig, DATA, &cat),
        &primary,
        &subkey,
        "Sub <sub@example.org>",
    );
}

/// Split binary OpenPGP data into whole packets (header included): enough for the tests to
/// rearrange exports.
fn split_packets(data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut p = 0;
    while p < data.len() {
        let b0 = data[p];
        let (tag, hlen, blen) = if b0 & 0x40 != 0 {
            let o1 = data[p + 1] as usize;
            match o1 {
                0..=191 => (b0 & 0x3F, 2, o1),
                192..=223 => (b0 & 0x3F, 3, ((o1 - 192) << 8) + data[p + 2] as usize + 192),
                255 => (
                    b0 & 0x3F,
                    6,
                    u32::from_be_bytes([data[p + 2], data[p + 3], data[p + 4], data[p + 5]])
                        as usize,
                ),
                _ => panic!("partial lengths do not occur in key exports"),
            }
        } else {
            let tag = (b0 >> 2) & 0x0F;
            match b0 & 3 {
                0 => (tag, 2, data[p + 1] as usize),
                1 => (
                    tag,
                    3,
                    u16::from_be_bytes([data[p + 1], data[p + 2]]) as usize,
                ),
                2 => (
                    tag,
                    5,
                    u32::from_be_bytes([data[p + 1], data[p + 2], data[p + 3], data[p + 4]])
                        as usize,
                ),
                _ => panic!("indeterminate lengths do not occur in key exports"),
            }
        };
        out.push((tag, data[p..p + hlen + blen].to_vec()));
        p += hlen + blen;
    }
    out
}

#[test]
fn grafted_subkey_is_not_trusted() {
    if !have("gpg") {
        return;
    }
    // The attacker's signing subkey glued under the victim's certificate, keeping the
    // attacker's own binding signature: the victim's primary never bound it.
    let g = Gpg::new();
    let victim = g.gen_key("Victim <v@example.org>", "ed25519", "sign", "never");
    let attacker = g.gen_key("Mallory <m@example.org>", "ed25519", "cert", "never");
    g.gpg(&["--quick-add-key", &attacker, "ed25519", "sign", "never"]);
    let attacker_sub = g.fingerprints(&attacker)[1].clone();

    let mut forged = g.export(&[&victim], false);
    let attacker_packets = split_packets(&g.export(&[&attacker], false));
    let sub_at = attacker_packets
        .iter()
        .position(|(t, _)| *t == 14)
        .expect("a subkey packet");
    for (_, bytes) in &attacker_packets[sub_at..] {
        forged.extend_from_slice(bytes);
    }
    let keyring = ring(&forged);
    let cert = keyring.certs().first().expect("cert");
    assert_eq!(cert.fingerprint(), victim);
    assert_eq!(cert.subkey_fingerprints(), vec![attacker_sub.clone()]);

    let sig = g.detach(&attacker, DATA);
    expect_bad(
        &openpgp::verify_detached(&sig, DATA, &keyring),
        "no binding signature",
    );
}

#[test]
fn weak_hash_text_mode_and_expired_key() {
    if !have("gpg") {
        return;
    }
    let g = Gpg::new();
    let t0 = 1_577_836_800i64; // 2020-01-01
    let fpr = g.gpg(&[
        "--faked-system-time",
        &format!("{t0}!"),
        "--quick-gen-key",
        "Exp <exp@example.org>",
        "ed25519",
        "sign",
        "1d",
    ]);
    drop(fpr);
    let fpr = g.fingerprints("exp@example.org").remove(0);

    // The key is valid for one day from t0: every signature is made inside it.
    // A `!` freezes gpg's clock at the time given; without it the clock runs on from there,
    // and a slow machine stamps a later second.
    let one_h = format!("{}!", t0 + 3600);

    // SHA-1 document signatures are refused.
    let sha1 = g.sign(
        &fpr,
        DATA,
        &[
            "--faked-system-time",
            &one_h,
            "--digest-algo",
            "SHA1",
            "--armor",
            "--detach-sign",
        ],
    );
    let keyring = ring(&g.export(&[&fpr], true));
    expect_bad(&openpgp::verify_detached(&sha1, DATA, &keyring), "SHA-1");

    // Text mode: a type 0x01 signature is made over CR LF line endings.
    let text_sig = g.sign(
        &fpr,
        DATA,
        &[
            "--faked-system-time",
            &one_h,
            "--textmode",
            "--armor",
            "--detach-sign",
        ],
    );
    expect_good(
        &openpgp::verify_detached(&text_sig, DATA, &keyring),
        &fpr,
        &fpr,
        "Exp <exp@example.org>",
    );
    let crlf = String::from_utf8_lossy(DATA).replace('\n', "\r\n");
    expect_good(
        &openpgp::verify_detached(&text_sig, crlf.as_bytes(), &keyring),
        &fpr,
        &fpr,
        "Exp <exp@example.org>",
    );

    // Signed at t0 + 5 h while the key was valid for a day; then the key's expiry is moved
    // (by a newer self-signature made at t0 + 3 h) to t0 + 4 h: the signature is now after it.
    let five_h = format!("{}!", t0 + 5 * 3600);
    let late_sig = g.sign(
        &fpr,
        DATA,
        &["--faked-system-time", &five_h, "--armor", "--detach-sign"],
    );
    let before = ring(&g.export(&[&fpr], true));
    match openpgp::verify_detached(&late_sig, DATA, &before) {
        Outcome::Good { created, .. } => assert_eq!(created, t0 + 5 * 3600),
        other => panic!("before the expiry change: {other:?}"),
    }
    g.gpg(&[
        "--faked-system-time",
        &format!("{}!", t0 + 3 * 3600),
        "--quick-set-expire",
        &fpr,
        "seconds=3600",
    ]);
    let after = ring(&g.export(&[&fpr], true));
    expect_bad(
        &openpgp::verify_detached(&late_sig, DATA, &after),
        "expired at 2020-01-01 04:00:00 UTC",
    );
}

#[test]
fn cleartext_signed_security_txt() {
    if !have("gpg") {
        return;
    }
    let g = Gpg::new();
    let fpr = g.gen_key(
        "Security <security@example.org>",
        "ed25519",
        "sign",
        "never",
    );
    let keyring = ring(&g.export(&[&fpr], true));
    let text = b"Contact: mailto:security@example.org\nExpires: 2030-01-01T00:00:00.000Z\n-----not a real armor line\n- dash line   \nPreferred-Languages: en\n";
    let signed = g.sign(&fpr, text, &["--clearsign"]);
    assert!(
        String::from_utf8_lossy(&signed).contains("\n- -----not a real armor line"),
        "gpg dash-escapes"
    );
    assert_eq!(signature_kind(&signed), Kind::OpenPgp);
    let (outcome, body) = openpgp::cleartext_verify(&signed, &keyring);
    expect_good(&outcome, &fpr, &fpr, "Security <security@example.org>");
    assert_eq!(
        body.as_deref(),
        Some(
            &b"Contact: mailto:security@example.org\nExpires: 2030-01-01T00:00:00.000Z\n-----not a real armor line\n- dash line\nPreferred-Languages: en"[..]
        )
    );

    // CR LF line endings in transit do not matter.
    let crlf = String::from_utf8_lossy(&signed).replace('\n', "\r\n");
    let (outcome, _) = openpgp::cleartext_verify(crlf.as_bytes(), &keyring);
    assert!(outcome.is_good(), "{outcome:?}");

    // A changed character in the signed text.
    let tampered = String::from_utf8_lossy(&signed).replace("mailto:security", "mailto:attacker");
    let (outcome, body) = openpgp::cleartext_verify(tampered.as_bytes(), &keyring);
    expect_bad(&outcome, "quick check");
    assert!(body.is_some_and(|b| b.starts_with(b"Contact: mailto:attacker")));

    // The Hash header must name the signature's hash.
    let lying: String = String::from_utf8_lossy(&signed)
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with("Hash: ") {
                "Hash: SHA1\n"
            } else {
                l
            }
        })
        .collect();
    assert!(lying.contains("\nHash: SHA1\n"), "{lying}");
    let (outcome, _) = openpgp::cleartext_verify(lying.as_bytes(), &keyring);
    expect_bad(&outcome, "Hash header");

    // Unknown signer.
    let (outcome, _) = openpgp::cleartext_verify(&signed, &Keyring::default());
    assert_eq!(
        outcome,
        Outcome::UnknownKey {
            issuer: fpr.clone()
        }
    );
}

#[test]
fn truncated_and_garbage_are_malformed() {
    if !have("gpg") {
        return;
    }
    let g = Gpg::new();
    let fpr = g.gen_key("T <t@example.org>", "ed25519", "sign", "never");
    let keyring = ring(&g.export(&[&fpr], true));
    let sig = g.detach(&fpr, DATA);
    let half = &sig[..sig.len() / 2];
    match openpgp::verify_detached(half, DATA, &keyring) {
        Outcome::Malformed { reason } => assert!(reason.contains("no END line"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // A changed base64 character: the CRC24 line catches it.
    let text = String::from_utf8_lossy(&sig).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let body_line = lines
        .iter()
        .position(|l| l.len() > 20 && !l.starts_with("-----"))
        .expect("a body line");
    let mut chars: Vec<char> = lines[body_line].chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    lines[body_line] = chars.into_iter().collect();
    let changed = lines.join("\n");
    match openpgp::verify_detached(changed.as_bytes(), DATA, &keyring) {
        Outcome::Malformed { reason } => assert!(reason.contains("CRC24"), "{reason}"),
        Outcome::Bad { reason } => panic!("the CRC should catch this first: {reason}"),
        other => panic!("{other:?}"),
    }
    // Binary packets cut short.
    let binary = openpgp::dearmor(&sig).expect("dearmor").remove(0).data;
    match openpgp::verify_detached(&binary[..binary.len() - 10], DATA, &keyring) {
        Outcome::Malformed { reason } => {
            assert!(reason.contains("packet 0 at byte 0"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // A truncated keyring names the packet.
    let key_bin = g.export(&[&fpr], false);
    let err = Keyring::parse(&key_bin[..key_bin.len() - 5]).expect_err("truncated keyring");
    assert!(err.to_string().contains("runs past the end"), "{err}");
}

#[test]
fn git_commit_signed_with_gpg_verifies() {
    if !have("gpg") || !have("git") {
        return;
    }
    let g = Gpg::new();
    let fpr = g.gen_key("Alice <alice@example.org>", "ed25519", "sign", "never");
    let keyring = ring(&g.export(&[&fpr], true));
    let repo = tempfile::tempdir().expect("tempdir");
    let r = repo.path();
    let home = g.dir().to_string_lossy().into_owned();
    let env = [("GNUPGHOME", home.as_str())];
    run(r, "git", &["init", "-q", "."]);
    for (k, v) in [
        ("user.name", "Alice"),
        ("user.email", "alice@example.org"),
        ("user.signingkey", fpr.as_str()),
        ("gpg.format", "openpgp"),
    ] {
        run(r, "git", &["config", k, v]);
    }
    write(&r.join("f"), b"x\n");
    run(r, "git", &["add", "f"]);
    run_env(r, "git", &["commit", "-q", "-S", "-m", "signed"], &env);
    let raw = run(r, "git", &["cat-file", "commit", "HEAD"]).stdout;
    let signed = split_commit_signature(&raw).expect("signed commit");
    assert_eq!(signature_kind(&signed.signature), Kind::OpenPgp);
    expect_good(
        &openpgp::verify_detached(&signed.signature, &signed.payload, &keyring),
        &fpr,
        &fpr,
        "Alice <alice@example.org>",
    );
}

#[test]
fn revoked_key_is_bad() {
    if !have("gpg") {
        return;
    }
    let g = Gpg::new();
    let fpr = g.gen_key("Gone <gone@example.org>", "ed25519", "sign", "never");
    let sig = g.detach(&fpr, DATA);
    let before = ring(&g.export(&[&fpr], true));
    assert!(openpgp::verify_detached(&sig, DATA, &before).is_good());

    // gpg keeps a revocation certificate for every new key, with a ':' guarding its armor.
    let rev_path = g.dir().join("openpgp-revocs.d").join(format!("{fpr}.rev"));
    let rev = String::from_utf8_lossy(&read(&rev_path)).replace(":-----BEGIN", "-----BEGIN");
    let rev_file = g.dir().join("revocation.asc");
    write(&rev_file, rev.as_bytes());
    g.gpg(&["--import", &rev_file.to_string_lossy()]);
    let after = ring(&g.export(&[&fpr], true));
    expect_bad(
        &openpgp::verify_detached(&sig, DATA, &after),
        &format!("key {fpr} was revoked"),
    );
}
