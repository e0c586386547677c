//! Security policy and vulnerability disclosure documents (claims 3.2.1 and 3.2.2).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use safeguard_model::facts::{PolicyDocument, SecurityPolicyFacts};
use safeguard_model::{
    ArtefactRef, ClaimId, CollectContext, CollectError, Collector, Evidence, Facts, Sha256, hex,
};
use sha2::Digest as _;

use crate::scan::{analyse_prose, analyse_security_txt, looks_like_security_txt};

const ID: &str = "security-policy";
/// The most of a document's content that is analysed.
const MAX_READ: u64 = 1024 * 1024;

/// Finds security policies (`SECURITY.md` and the like in the root, `.github/`, `docs/` and
/// `.gitlab/`), `security.txt` files and vulnerability disclosure policies, and reads from each
/// its contacts, confidential reporting channels and key statements.
#[derive(Debug, Default, Clone, Copy)]
pub struct SecurityPolicyCollector;

impl Collector for SecurityPolicyCollector {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Security policy and vulnerability disclosure documents"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![ClaimId::new(3, 2, 1), ClaimId::new(3, 2, 2)]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let mut documents = Vec::new();
        for path in cx.files.iter().filter(|p| !cx.is_excluded(p)) {
            let Some(kind) = policy_format(path) else {
                continue;
            };
            let Some(doc) = read_document(cx.root, path, kind) else {
                continue;
            };
            documents.push(doc);
        }
        documents.sort_by(|a, b| a.path.cmp(&b.path));
        let artefacts: Vec<ArtefactRef> = documents
            .iter()
            .map(|d| ArtefactRef {
                path: d.path.clone(),
                sha256: d.sha256.clone(),
            })
            .collect();
        let facts = SecurityPolicyFacts { documents };
        let summary = summarise(&facts);
        let mut evidence = cx.evidence(ID, &self.claims(), summary, Facts::SecurityPolicy(facts));
        evidence.artefacts = artefacts;
        Ok(vec![evidence])
    }
}

const PROSE_EXTS: &[(&str, &str)] = &[
    ("md", "markdown"),
    ("markdown", "markdown"),
    ("txt", "text"),
    ("rst", "restructuredtext"),
    ("adoc", "asciidoc"),
    ("asciidoc", "asciidoc"),
    ("", "text"),
];

/// Where a `SECURITY.*` policy is looked for.
const POLICY_DIRS: &[&str] = &["", ".github", "docs", ".gitlab"];

/// Name prefixes of vulnerability disclosure policies, found anywhere.
const DISCLOSURE_PREFIXES: &[&str] = &[
    "vulnerability-disclosure",
    "vulnerability_disclosure",
    "vulnerability disclosure",
    "disclosure-policy",
    "disclosure_policy",
    "vdp.",
];

/// Whether `path` is a policy document, and its provisional format: `security.txt` for
/// RFC 9116 files (a root `security.txt` is only one if it has a `Contact:` field), otherwise
/// the prose format from the extension.
pub(crate) fn policy_format(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let (dir, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    if name == "security.txt" && (dir == ".well-known" || dir.ends_with("/.well-known")) {
        return Some("security.txt");
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => (name, ""),
    };
    let prose = PROSE_EXTS
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, f)| *f)?;
    if stem == "security" && POLICY_DIRS.contains(&dir) {
        return Some(if dir.is_empty() && name == "security.txt" {
            "security.txt?"
        } else {
            prose
        });
    }
    let in_dependencies = dir
        .split('/')
        .any(|d| matches!(d, "node_modules" | "vendor" | "third_party" | "third-party"));
    if !in_dependencies && DISCLOSURE_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some(prose);
    }
    None
}

fn read_document(root: &Path, rel: &str, kind: &'static str) -> Option<PolicyDocument> {
    let (bytes, sha256) = read_and_hash(&root.join(rel)).ok()??;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    let format = match kind {
        "security.txt?" if looks_like_security_txt(&text) => "security.txt",
        "security.txt?" => "text",
        other => other,
    };
    let a = if format == "security.txt" {
        analyse_security_txt(&text)
    } else {
        analyse_prose(&text)
    };
    Some(PolicyDocument {
        path: rel.to_string(),
        format: format.to_string(),
        sha256,
        emails: a.emails,
        urls: a.urls,
        confidential_channels: a.channels,
        discourages_public_reports: a.discourages_public_reports,
        states_response_time: a.states_response_time,
        lists_supported_versions: a.lists_supported_versions,
    })
}

/// The first [`MAX_READ`] bytes of a regular file, and the SHA-256 of the whole file (streamed,
/// so large files are identified correctly without being held in memory). `None` for anything
/// that is not a regular file.
fn read_and_hash(path: &Path) -> io::Result<Option<(Vec<u8>, String)>> {
    if !std::fs::metadata(path)?.is_file() {
        return Ok(None);
    }
    let mut file = File::open(path)?;
    let mut head = Vec::new();
    (&mut file).take(MAX_READ).read_to_end(&mut head)?;
    let mut hasher = Sha256::new();
    hasher.update(&head);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Some((head, hex(&hasher.finalize()))))
}

fn yes_no(documents: &[PolicyDocument], f: impl Fn(&PolicyDocument) -> bool) -> &'static str {
    if documents.iter().any(f) { "yes" } else { "no" }
}

fn summarise(f: &SecurityPolicyFacts) -> String {
    let docs = &f.documents;
    if docs.is_empty() {
        return "No security policy found (looked for SECURITY.md and similar in the root, .github/, \
                docs/ and .gitlab/, for security.txt, and for vulnerability disclosure policies)."
            .to_string();
    }
    let mut channels: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.confidential_channels.iter().map(String::as_str))
        .collect();
    channels.sort();
    channels.dedup();
    let channels = if channels.is_empty() {
        "none recognised".to_string()
    } else {
        channels.join(", ")
    };
    let paths: Vec<&str> = docs.iter().map(|d| d.path.as_str()).collect();
    format!(
        "Found {} ({}); confidential reporting channels: {channels}; asks reporters not to disclose \
         publicly: {}; states a response time: {}; lists supported versions: {}.",
        if docs.len() == 1 {
            "1 security policy document".to_string()
        } else {
            format!("{} security policy documents", docs.len())
        },
        paths.join(", "),
        yes_no(docs, |d| d.discourages_public_reports),
        yes_no(docs, |d| d.states_response_time),
        yes_no(docs, |d| d.lists_supported_versions),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_policy_paths() {
        let cases = [
            ("SECURITY.md", Some("markdown")),
            ("security.rst", Some("restructuredtext")),
            (".github/SECURITY.md", Some("markdown")),
            ("docs/Security.adoc", Some("asciidoc")),
            (".gitlab/SECURITY.txt", Some("text")),
            ("SECURITY", Some("text")),
            ("security.txt", Some("security.txt?")),
            (".well-known/security.txt", Some("security.txt")),
            ("public/.well-known/security.txt", Some("security.txt")),
            ("docs/vulnerability-disclosure-policy.md", Some("markdown")),
            ("policies/VDP.md", Some("markdown")),
            ("src/SECURITY.md", None),
            ("security.py", None),
            ("node_modules/x/disclosure-policy.md", None),
            ("docs/security/index.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(policy_format(path), want, "{path}");
        }
    }
}
