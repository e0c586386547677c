//! The releases collector: release artefacts and what vouches for them (3.1.1, 2.2.1, 2.2.2).
//!
//! For each artefact `[release] artifacts` matches: its SHA-256, the Sigstore bundle beside it
//! (`FILE{bundle_suffix}`) verified with a trusted key, and a provenance attestation (any of the
//! `[release] provenance` bundles) that is signed by a trusted key, names the artefact as a
//! subject and satisfies the SLSA v1 policy (builder id and source when configured). Without
//! configured artefacts, signature and attestation files committed in the repository are
//! recorded. Also read: instructions telling customers how to verify a release, and
//! `safeguard repro --format json` reports.
//!
//! Every problem (a glob matching nothing, a malformed bundle, a wrong key, an unreadable or
//! huge file) becomes a recorded failure or gap naming the file; the other artefacts are still
//! checked, and the collector itself never fails.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use safeguard_attest::bundle::{self, Artifact, BundleError, Policy, PublicKey, SignedContent};
use safeguard_attest::glob::Glob;
use safeguard_attest::intoto::{PREDICATE_SLSA_PROVENANCE_V1, Statement};
use safeguard_attest::{dsse, hash, policy};
use safeguard_config::ReleaseSettings;
use safeguard_model::facts::{
    CommittedSignature, ReleaseArtifact, ReleaseCheck, ReleaseFacts, ReproSummary,
};
use safeguard_model::{
    ArtefactRef, ClaimId, CollectContext, CollectError, Collector, Evidence, Facts,
};
use serde::Deserialize;

/// Claims the releases evidence supports.
pub const CLAIMS: [ClaimId; 3] = [
    ClaimId::new(2, 2, 1),
    ClaimId::new(2, 2, 2),
    ClaimId::new(3, 1, 1),
];

/// Largest bundle, key or report read (bytes).
const MAX_DOCUMENT: u64 = 64 << 20;
/// Largest artefact read into memory when a signature (Ed25519) cannot be checked from its
/// digest.
const MAX_IN_MEMORY: u64 = 256 << 20;
/// Largest document scanned for verification instructions.
const MAX_INSTRUCTION_DOC: u64 = 2 << 20;
/// Most instructions recorded.
const MAX_INSTRUCTIONS: usize = 50;
/// Most directory entries one glob may visit.
const GLOB_BUDGET: usize = 200_000;

/// Reads `[release]` and the repository for evidence about releases.
pub struct ReleasesCollector {
    /// The `[release]` settings.
    pub settings: ReleaseSettings,
    /// Folder that relative paths and globs are resolved against (where `safeguard.toml` is).
    pub base: PathBuf,
}

impl Collector for ReleasesCollector {
    fn id(&self) -> &'static str {
        "releases"
    }

    fn title(&self) -> &'static str {
        "Release artefacts: signatures, provenance attestations, verification instructions, reproducible builds"
    }

    fn claims(&self) -> Vec<ClaimId> {
        CLAIMS.to_vec()
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let files: Vec<&str> = cx
            .files
            .iter()
            .filter(|f| !cx.is_excluded(f))
            .map(String::as_str)
            .collect();
        let facts = collect_releases(&self.settings, &self.base, cx.root, &files);
        let configured = !self.settings.artifacts.is_empty()
            || !self.settings.public_keys.is_empty()
            || !self.settings.provenance.is_empty()
            || !self.settings.repro.is_empty();
        if !configured && facts.committed.is_empty() && facts.instructions.is_empty() {
            return Ok(Vec::new());
        }
        let summary = summary(&facts);
        let artefacts: Vec<ArtefactRef> = facts
            .artifacts
            .iter()
            .filter_map(|a| {
                a.sha256.as_ref().map(|s| ArtefactRef {
                    path: a.path.clone(),
                    sha256: s.clone(),
                })
            })
            .collect();
        let mut e = cx.evidence(self.id(), &CLAIMS, summary, Facts::Releases(facts));
        e.artefacts = artefacts;
        Ok(vec![e])
    }
}

fn summary(f: &ReleaseFacts) -> String {
    let count = |pick: fn(&ReleaseArtifact) -> &ReleaseCheck| {
        f.artifacts
            .iter()
            .filter(|a| pick(a).status == "verified")
            .count()
    };
    let mut parts = Vec::new();
    if !f.patterns.is_empty() {
        parts.push(format!(
            "{} release artefacts: {} with a verified signature, {} with verified provenance",
            f.artifacts.len(),
            count(|a| &a.signature),
            count(|a| &a.provenance)
        ));
    }
    if !f.committed.is_empty() {
        parts.push(format!(
            "{} signature or attestation files committed",
            f.committed.len()
        ));
    }
    parts.push(format!(
        "{} verification instructions",
        f.instructions.len()
    ));
    if !f.repro.is_empty() {
        let ok = f
            .repro
            .iter()
            .filter(|r| r.reproducible == Some(true))
            .count();
        parts.push(format!(
            "{ok} of {} reproducible-build reports reproducible",
            f.repro.len()
        ));
    }
    if !f.gaps.is_empty() {
        parts.push(format!("{} problems", f.gaps.len()));
    }
    format!("{}.", parts.join("; "))
}

/// A trusted key: where it came from, its PEM text and its id.
struct Key {
    pem: String,
    id: String,
}

/// Everything the collector records, from the settings, the configuration's folder `base`,
/// the assessed tree `root` and its files (relative, `/`-separated).
pub fn collect_releases(
    settings: &ReleaseSettings,
    base: &Path,
    root: &Path,
    files: &[&str],
) -> ReleaseFacts {
    let mut f = ReleaseFacts {
        patterns: settings.artifacts.clone(),
        ..ReleaseFacts::default()
    };
    let keys = load_keys(settings, base, &mut f);
    let suffix = match settings.bundle_suffix() {
        "" => ReleaseSettings::DEFAULT_BUNDLE_SUFFIX,
        s => s,
    };

    let provenance_paths = expand_all(base, &settings.provenance, &mut f.gaps);
    let attestations: Vec<Attestation> = provenance_paths
        .iter()
        .map(|p| Attestation::read(base, p, &keys))
        .collect();
    for a in &attestations {
        if let Some(gap) = &a.unusable {
            f.gaps.push(format!("{}: {gap}", a.path));
        }
    }
    f.provenance_bundles = provenance_paths.clone();

    let mut artefact_paths = expand_all(base, &settings.artifacts, &mut f.gaps);
    artefact_paths.retain(|p| !p.ends_with(suffix) && !provenance_paths.contains(p));
    let policy = policy::Policy {
        predicate_type: Some(PREDICATE_SLSA_PROVENANCE_V1.to_string()),
        builder_id: settings.builder_id.clone(),
        source_uri: settings.source_uri.clone(),
    };
    for rel in &artefact_paths {
        f.artifacts.push(check_artifact(
            base,
            rel,
            suffix,
            &keys,
            &attestations,
            &policy,
        ));
    }
    if settings.artifacts.is_empty() {
        f.committed = committed(root, files, &keys);
    }
    f.instructions = instructions(root, files, &mut f.gaps);
    for rel in expand_all(base, &settings.repro, &mut f.gaps) {
        f.repro.push(read_repro(base, &rel));
    }
    f
}

fn load_keys(settings: &ReleaseSettings, base: &Path, f: &mut ReleaseFacts) -> Vec<Key> {
    let mut keys = Vec::new();
    for rel in &settings.public_keys {
        let text = match read_limited(&base.join(rel)) {
            Ok(b) => String::from_utf8(b).map_err(|_| "not a PEM text file".to_string()),
            Err(e) => Err(e),
        };
        match text.and_then(|pem| {
            safeguard_attest::keys::PublicKey::from_pem(&pem)
                .map(|k| (k.key_id().to_string(), pem))
                .map_err(|e| format!("not a usable public key: {e}"))
        }) {
            Ok((id, pem)) => {
                f.keys.push(format!("{rel} ({id})"));
                keys.push(Key { pem, id });
            }
            Err(e) => f.gaps.push(format!("{rel}: {e}")),
        }
    }
    keys
}

/// Read a whole file of at most [`MAX_DOCUMENT`] bytes.
fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    read_at_most(path, MAX_DOCUMENT)
}

/// Read a whole file of at most `limit` bytes; the error is a reason in words.
pub(crate) fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    let mut buf = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_reason(&e))?;
    if buf.len() as u64 > limit {
        return Err(format!("larger than {} MiB, not read", limit >> 20));
    }
    Ok(buf)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".to_string(),
        _ => format!("cannot read: {e}"),
    }
}

/// `verification failed: X` → `X`.
fn reason(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    s.strip_prefix("verification failed: ")
        .map(str::to_string)
        .unwrap_or(s)
}

// ---------------------------------------------------------------------------------------------
// Artefacts and their signatures

fn check_artifact(
    base: &Path,
    rel: &str,
    suffix: &str,
    keys: &[Key],
    attestations: &[Attestation],
    policy: &policy::Policy,
) -> ReleaseArtifact {
    let path = base.join(rel);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let digest = hash::sha256_file(&path);
    let bundle_rel = format!("{rel}{suffix}");
    let (sha256, signature, provenance) = match digest {
        Err(e) => {
            let why = format!("the artefact could not be read: {}", io_reason(&e));
            let failed = |bundle: Option<String>| ReleaseCheck {
                status: "failed".into(),
                bundle,
                reason: Some(why.clone()),
                ..ReleaseCheck::default()
            };
            (None, failed(Some(bundle_rel)), failed(None))
        }
        Ok(d) => (
            Some(hash::to_hex(&d)),
            check_signature(base, &path, &bundle_rel, d, keys),
            check_provenance(rel, d, attestations, policy),
        ),
    };
    ReleaseArtifact {
        path: rel.to_string(),
        sha256,
        size,
        signature,
        provenance,
    }
}

fn check_signature(
    base: &Path,
    artefact: &Path,
    bundle_rel: &str,
    digest: [u8; 32],
    keys: &[Key],
) -> ReleaseCheck {
    let mut c = ReleaseCheck {
        bundle: Some(bundle_rel.to_string()),
        ..ReleaseCheck::default()
    };
    let json = match read_limited(&base.join(bundle_rel)) {
        Ok(j) => j,
        Err(e) if e == "file not found" => {
            c.status = "missing".into();
            c.reason = Some(format!("no signature bundle `{bundle_rel}`"));
            return c;
        }
        Err(e) => {
            c.status = "failed".into();
            c.reason = Some(format!("`{bundle_rel}`: {e}"));
            return c;
        }
    };
    match verify_with_keys(&json, artefact, digest, keys) {
        Ok((key_id, _)) => {
            c.status = "verified".into();
            c.key_id = Some(key_id);
        }
        Err(e) => {
            c.status = "failed".into();
            c.reason = Some(format!("`{bundle_rel}`: {e}"));
        }
    }
    c
}

/// Verify a bundle over a file with any of the keys: the id of the key that verified it and
/// what was signed, or why none did.
fn verify_with_keys(
    json: &[u8],
    artefact: &Path,
    digest: [u8; 32],
    keys: &[Key],
) -> Result<(String, SignedContent), String> {
    if keys.is_empty() {
        return Err(
            "not verified: no trusted key is configured ([release] public_keys)".to_string(),
        );
    }
    let mut bytes: Option<Vec<u8>> = None;
    let mut reasons = Vec::new();
    for key in keys {
        let policy = Policy::Key {
            key: PublicKey::Pem(&key.pem),
            trusted_root_json: None,
        };
        let mut outcome = bundle::verify_bundle(json, Artifact::Sha256(digest), &policy);
        if let Err(BundleError::Unsupported(m)) = &outcome
            && m.contains("artifact's bytes")
        {
            // Ed25519 message signatures are over the whole artefact.
            if bytes.is_none() {
                match read_at_most(artefact, MAX_IN_MEMORY) {
                    Ok(b) => bytes = Some(b),
                    Err(e) => {
                        return Err(format!(
                            "the signature needs the whole artefact in memory, which could not be read: {e}"
                        ));
                    }
                }
            }
            if let Some(b) = &bytes {
                outcome = bundle::verify_bundle(json, Artifact::Bytes(b), &policy);
            }
        }
        match outcome {
            Ok(v) => return Ok((v.key_id.unwrap_or_else(|| key.id.clone()), v.content)),
            Err(e @ BundleError::Malformed { .. }) => return Err(reason(&e)),
            Err(e) => reasons.push((key.id.as_str(), reason(&e))),
        }
    }
    match reasons.as_slice() {
        [(_, only)] => Err(only.clone()),
        many => Err(many
            .iter()
            .map(|(id, r)| format!("key {}: {r}", &id[..id.len().min(12)]))
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

// ---------------------------------------------------------------------------------------------
// Provenance

/// One provenance bundle, read once.
struct Attestation {
    path: String,
    /// The sha256 digests (hex) its statement names as subjects.
    subjects: Vec<String>,
    /// The verified statement and the key that signed it, or why it did not verify.
    verified: Result<(Statement, String), String>,
    /// Why the bundle cannot be used at all (unreadable, not a DSSE bundle).
    unusable: Option<String>,
}

impl Attestation {
    fn read(base: &Path, rel: &str, keys: &[Key]) -> Attestation {
        let mut a = Attestation {
            path: rel.to_string(),
            subjects: Vec::new(),
            verified: Err(String::new()),
            unusable: None,
        };
        let json = match read_limited(&base.join(rel)) {
            Ok(j) => j,
            Err(e) => {
                a.unusable = Some(e);
                return a;
            }
        };
        let statement = match unverified_statement(&json) {
            Ok(s) => s,
            Err(e) => {
                a.unusable = Some(e);
                return a;
            }
        };
        a.subjects = statement
            .subject
            .iter()
            .filter_map(|s| s.digest.get("sha256").map(|d| d.to_ascii_lowercase()))
            .collect();
        let Some(first) = a.subjects.first().and_then(|d| from_hex32(d)) else {
            a.unusable = Some("the attestation names no subject by sha256".into());
            return a;
        };
        // The signature covers the whole statement: check it once, against any subject.
        a.verified =
            verify_with_keys(&json, Path::new(rel), first, keys).and_then(|(key_id, content)| {
                match content {
                    SignedContent::Dsse { payload, .. } => Statement::from_json(&payload)
                        .map(|s| (s, key_id))
                        .map_err(|e| {
                            format!("the attestation is not a valid in-toto statement: {e}")
                        }),
                    SignedContent::MessageSignature => {
                        Err("the bundle holds a plain signature, not an attestation".into())
                    }
                }
            });
        a
    }
}

/// The in-toto statement inside a bundle's DSSE envelope, before any signature check (only
/// to learn which artefacts it names).
fn unverified_statement(json: &[u8]) -> Result<Statement, String> {
    let value: serde_json::Value = serde_json::from_slice(json).map_err(|e| {
        format!(
            "not a Sigstore bundle: line {}, column {}: {}",
            e.line(),
            e.column(),
            reason(&e).split(" at line ").next().unwrap_or_default()
        )
    })?;
    let envelope = value
        .get("dsseEnvelope")
        .ok_or("not an attestation bundle: it has no dsseEnvelope")?;
    let envelope = dsse::Envelope::from_json(envelope.to_string().as_bytes())
        .map_err(|e| format!("its DSSE envelope is malformed: {e}"))?;
    Statement::from_json_unvalidated(&envelope.payload)
        .map_err(|e| format!("its payload is not an in-toto statement: {e}"))
}

fn from_hex32(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        let hi = (*b.get(2 * i)? as char).to_digit(16)?;
        let lo = (*b.get(2 * i + 1)? as char).to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

fn check_provenance(
    rel: &str,
    digest: [u8; 32],
    attestations: &[Attestation],
    policy: &policy::Policy,
) -> ReleaseCheck {
    let hex = hash::to_hex(&digest);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let mut failure: Option<ReleaseCheck> = None;
    for a in attestations
        .iter()
        .filter(|a| a.unusable.is_none() && a.subjects.contains(&hex))
    {
        let fail = |why: String| ReleaseCheck {
            status: "failed".into(),
            bundle: Some(a.path.clone()),
            reason: Some(format!("`{}`: {why}", a.path)),
            ..ReleaseCheck::default()
        };
        let (statement, key_id) = match &a.verified {
            Ok(v) => v,
            Err(e) => {
                failure.get_or_insert_with(|| fail(e.clone()));
                continue;
            }
        };
        if let Err(e) = policy::check(statement, &digest, Some(name), policy) {
            failure.get_or_insert_with(|| fail(reason(&e)));
            continue;
        }
        let mut c = ReleaseCheck {
            status: "verified".into(),
            bundle: Some(a.path.clone()),
            key_id: Some(key_id.clone()),
            ..ReleaseCheck::default()
        };
        if let Ok(p) = statement.provenance() {
            c.builder_id = Some(p.run_details.builder.id.clone());
            c.build_type = Some(p.build_definition.build_type.clone());
            if let Some(src) = p
                .build_definition
                .resolved_dependencies
                .iter()
                .find(|d| d.uri.as_deref().is_some_and(|u| u.starts_with("git+")))
            {
                c.source_uri = src.uri.clone();
                c.source_commit = src
                    .digest
                    .get("gitCommit")
                    .or_else(|| src.digest.get("sha1"))
                    .cloned();
            }
        }
        return c;
    }
    failure.unwrap_or_else(|| ReleaseCheck {
        status: "missing".into(),
        reason: Some(if attestations.is_empty() {
            "no provenance bundles are configured ([release] provenance)".to_string()
        } else {
            "no provenance attestation names it as a subject".to_string()
        }),
        ..ReleaseCheck::default()
    })
}

// ---------------------------------------------------------------------------------------------
// Signatures committed in the repository

fn committed(root: &Path, files: &[&str], keys: &[Key]) -> Vec<CommittedSignature> {
    let mut set: Vec<&str> = files.to_vec();
    set.sort_unstable();
    let exists = |p: &str| set.binary_search(&p).is_ok();
    let mut out = Vec::new();
    for &path in files {
        if in_dependency_dir(path) {
            continue;
        }
        let (kind, target) = if let Some(t) = path.strip_suffix(".sigstore.json") {
            ("sigstore-bundle", t)
        } else if let Some(t) = path.strip_suffix(".sigstore") {
            ("sigstore-bundle", t)
        } else if let Some(t) = path.strip_suffix(".intoto.jsonl") {
            ("in-toto", t)
        } else if let Some(t) = path
            .strip_suffix(".sig")
            .or_else(|| path.strip_suffix(".asc"))
            .or_else(|| path.strip_suffix(".minisig"))
        {
            if !exists(t) {
                // A lone `.asc` is usually a public key, not a signature.
                continue;
            }
            ("detached-signature", t)
        } else {
            continue;
        };
        let target = exists(target).then(|| target.to_string());
        let mut c = CommittedSignature {
            path: path.to_string(),
            kind: kind.to_string(),
            target: target.clone(),
            status: "not-checked".to_string(),
            key_id: None,
            reason: None,
        };
        if kind == "sigstore-bundle"
            && !keys.is_empty()
            && let Some(t) = &target
        {
            let file = root.join(t);
            let checked = read_limited(&root.join(path)).and_then(|json| {
                let digest = hash::sha256_file(&file).map_err(|e| io_reason(&e))?;
                verify_with_keys(&json, &file, digest, keys)
            });
            match checked {
                Ok((id, _)) => {
                    c.status = "verified".into();
                    c.key_id = Some(id);
                }
                Err(e) => {
                    c.status = "failed".into();
                    c.reason = Some(e);
                }
            }
        }
        out.push(c);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn in_dependency_dir(path: &str) -> bool {
    path.split('/').any(|c| {
        matches!(
            c,
            "node_modules" | "vendor" | "third_party" | "target" | ".venv" | "venv"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Verification instructions

/// Whether `path` is a document customers read: README*, SECURITY*, VERIFY*, INSTALL* anywhere
/// outside dependency folders, and anything under `docs/` or `doc/`, in a text format.
fn is_customer_doc(path: &str) -> bool {
    if in_dependency_dir(path) {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, e.to_ascii_lowercase()),
        None => (name, String::new()),
    };
    let text_ext = matches!(
        ext.as_str(),
        "md" | "markdown" | "rst" | "txt" | "adoc" | "asciidoc" | "html" | "htm"
    );
    let upper = stem.to_ascii_uppercase();
    let named = ["README", "SECURITY", "VERIFY", "INSTALL"]
        .iter()
        .any(|p| upper.starts_with(p));
    let in_docs = path.starts_with("docs/") || path.starts_with("doc/") || path.contains("/docs/");
    (named && (text_ext || ext.is_empty())) || (in_docs && text_ext)
}

fn instructions(root: &Path, files: &[&str], gaps: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for &path in files.iter().filter(|p| is_customer_doc(p)) {
        let full = root.join(path);
        match std::fs::metadata(&full) {
            Ok(m) if m.len() > MAX_INSTRUCTION_DOC => {
                gaps.push(format!(
                    "{path}: larger than 2 MiB, not scanned for verification instructions"
                ));
                continue;
            }
            Ok(_) => {}
            Err(_) => continue,
        }
        let Ok(bytes) = read_at_most(&full, MAX_INSTRUCTION_DOC) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        out.extend(
            verification_tools(&text)
                .into_iter()
                .map(|(line, tool)| format!("{path}:{line} {tool}")),
        );
        if out.len() >= MAX_INSTRUCTIONS {
            out.truncate(MAX_INSTRUCTIONS);
            break;
        }
    }
    out
}

/// Commands in `text` that verify a download: (1-based line, tool). The first line per tool
/// is reported.
pub fn verification_tools(text: &str) -> Vec<(usize, &'static str)> {
    let mut out: Vec<(usize, &'static str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.len() > 4096 {
            continue;
        }
        for tool in line_tools(line) {
            if !out.iter().any(|(_, t)| *t == tool) {
                out.push((i + 1, tool));
            }
        }
    }
    out
}

fn line_tools(line: &str) -> Vec<&'static str> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '(' | ')' | '|' | ';'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    for (i, w) in lower.iter().enumerate() {
        let name = w.rsplit(['/', '\\']).next().unwrap_or(w);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        let rest = lower.get(i + 1..).unwrap_or_default();
        let next = rest.first().map(String::as_str);
        let any = |f: &dyn Fn(&str) -> bool| rest.iter().any(|a| f(a));
        let tool = match name {
            "safeguard" if matches!(next, Some("verify" | "verify-attestation")) => {
                "safeguard verify"
            }
            "cosign" if any(&|a| a.starts_with("verify")) => "cosign verify",
            "slsa-verifier" if any(&|a| a.starts_with("verify-")) => "slsa-verifier",
            "gh" if next == Some("attestation") && any(&|a| a == "verify") => {
                "gh attestation verify"
            }
            "sigstore" if next == Some("verify") => "sigstore verify",
            "gpg" | "gpg2" if any(&|a| a == "--verify" || a == "--verify-files") => "gpg --verify",
            "gpgv" | "gpgv2" => "gpg --verify",
            "minisign" if any(&|a| a.starts_with("-v") && !a.starts_with("--")) => "minisign -V",
            "signify" | "signify-openbsd"
                if any(&|a| a.starts_with("-v") && !a.starts_with("--")) =>
            {
                "signify -V"
            }
            "sha256sum" | "sha512sum" | "sha384sum" | "b2sum"
                if any(&|a| a == "-c" || a == "--check") =>
            {
                "sha256sum -c"
            }
            "shasum" if any(&|a| a == "-c" || a == "--check") => "shasum -c",
            "openssl" if matches!(next, Some("dgst" | "pkeyutl")) && any(&|a| a == "-verify") => {
                "openssl dgst -verify"
            }
            "rpm" if any(&|a| a == "-k" || a == "--checksig") => "rpm --checksig",
            "notation" if next == Some("verify") => "notation verify",
            "codesign" if any(&|a| a == "--verify" || a == "-v") => "codesign --verify",
            "get-authenticodesignature" => "Get-AuthenticodeSignature",
            "signtool" if next == Some("verify") => "signtool verify",
            _ if w.contains("signed-by=") => "apt signed-by",
            _ => continue,
        };
        if !found.contains(&tool) {
            found.push(tool);
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Reproducible-build reports

/// The parts of a `safeguard repro --format json` report read here (see
/// `safeguard_attest::repro::ReproReport`).
#[derive(Deserialize)]
struct ReproJson {
    reproducible: bool,
    #[serde(default)]
    runs: Vec<ReproRunJson>,
    #[serde(default)]
    artifacts: Vec<ReproArtifactJson>,
}

#[derive(Deserialize)]
struct ReproRunJson {
    name: String,
    exit_code: Option<i32>,
}

#[derive(Deserialize)]
struct ReproArtifactJson {
    path: String,
    status: String,
    #[serde(default)]
    first_difference: Option<u64>,
}

fn read_repro(base: &Path, rel: &str) -> ReproSummary {
    let mut s = ReproSummary {
        path: rel.to_string(),
        reproducible: None,
        artifacts: 0,
        identical: 0,
        first_difference: None,
        error: None,
    };
    let parsed = read_limited(&base.join(rel)).and_then(|b| {
        serde_json::from_slice::<ReproJson>(&b).map_err(|e| {
            format!(
                "not a `safeguard repro --format json` report: line {}, column {}: {}",
                e.line(),
                e.column(),
                e.to_string().split(" at line ").next().unwrap_or_default()
            )
        })
    });
    let r = match parsed {
        Ok(r) => r,
        Err(e) => {
            s.error = Some(e);
            return s;
        }
    };
    s.reproducible = Some(r.reproducible);
    s.artifacts = r.artifacts.len() as u64;
    s.identical = r
        .artifacts
        .iter()
        .filter(|a| a.status == "identical")
        .count() as u64;
    s.first_difference = r
        .artifacts
        .iter()
        .find(|a| a.status != "identical")
        .map(|a| match a.status.as_str() {
            "differs" => format!(
                "{} differs at byte {}",
                a.path,
                a.first_difference.unwrap_or_default()
            ),
            "missing_in_first" => format!("{} missing in the first build", a.path),
            "missing_in_second" => format!("{} missing in the second build", a.path),
            other => format!("{} {other}", a.path),
        })
        .or_else(|| {
            r.runs
                .iter()
                .find(|x| x.exit_code != Some(0))
                .map(|x| match x.exit_code {
                    Some(c) => format!("the {} build exited with status {c}", x.name),
                    None => format!("the {} build was ended by a signal", x.name),
                })
        });
    if !r.reproducible && s.first_difference.is_none() && r.artifacts.is_empty() {
        s.first_difference = Some("no artefact matched in either build".into());
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Globs

/// Expand each pattern (relative to `base`); one that is invalid, cannot be walked, or matches
/// nothing is a gap.
fn expand_all(base: &Path, patterns: &[String], gaps: &mut Vec<String>) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for p in patterns {
        let glob = match Glob::parse(p) {
            Ok(g) => g,
            Err(e) => {
                gaps.push(e.to_string());
                continue;
            }
        };
        let mut budget = GLOB_BUDGET;
        match glob.collect(base, &mut out, &mut budget) {
            Ok(true) => {}
            Ok(false) => gaps.push(format!("`{p}`: matches no file")),
            Err(e) => gaps.push(e.to_string()),
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex32() {
        let h = hash::sha256(b"x");
        assert_eq!(from_hex32(&hash::to_hex(&h)), Some(h));
        assert_eq!(from_hex32("zz"), None);
        assert_eq!(from_hex32(&"g".repeat(64)), None);
    }
}
