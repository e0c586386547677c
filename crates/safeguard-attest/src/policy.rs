//! Checking what an attestation says against what the verifier expects, in the manner of
//! slsa-verifier but for any CI: the artifact is a subject, the predicate type, the builder id
//! and the source repository are the ones expected.
//!
//! The signature on the envelope is checked elsewhere ([`crate::dsse`], [`crate::bundle`]);
//! [`check`] takes the statement once it is trusted.
//!
//! Source URIs are compared after normalising both sides: a `git+` prefix, an `@ref` suffix, a
//! trailing `/` and a `.git` suffix are removed, and the scheme and host are compared without
//! regard to case. An expected URI without a scheme (`github.com/org/repo`) matches any scheme.

use serde_json::Value;

use crate::intoto::{IntotoError, Provenance, Statement};

/// What the verifier expects. Unset fields are not checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// The predicate type, e.g. [`crate::intoto::PREDICATE_SLSA_PROVENANCE_V1`].
    pub predicate_type: Option<String>,
    /// The builder id, compared exactly with `runDetails.builder.id`.
    pub builder_id: Option<String>,
    /// The source repository, e.g. `https://github.com/org/repo`.
    pub source_uri: Option<String>,
}

/// Why an attestation does not satisfy a [`Policy`]. Values found in the statement are quoted
/// with control characters escaped and cut to 200 characters.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    /// The statement itself is malformed.
    #[error("verification failed: the statement is not valid: {0}")]
    InvalidStatement(IntotoError),
    /// No subject carries the artifact's sha256.
    #[error(
        "verification failed: subject mismatch: no subject has sha256 {expected}; found {found}"
    )]
    SubjectMismatch {
        /// The artifact's sha256, hex.
        expected: String,
        /// The subjects present (name and sha256), or `no sha256 subjects`.
        found: String,
    },
    /// A subject carries the digest but under another name.
    #[error(
        "verification failed: subject mismatch: the subject with sha256 {digest} is named {found}, expected {expected}"
    )]
    SubjectNameMismatch {
        /// The artifact's sha256, hex.
        digest: String,
        /// The name expected (quoted).
        expected: String,
        /// The names found (quoted).
        found: String,
    },
    /// The predicate type is not the one expected.
    #[error("verification failed: predicate type mismatch: expected {expected} found {found}")]
    PredicateTypeMismatch {
        /// Expected (quoted).
        expected: String,
        /// Found (quoted).
        found: String,
    },
    /// The policy checks the builder or source but the predicate is not valid SLSA Provenance
    /// v1.
    #[error(
        "verification failed: the builder id and source can only be checked in SLSA provenance v1: {0}"
    )]
    NotProvenance(IntotoError),
    /// The builder id is not the one expected.
    #[error("verification failed: builder id mismatch: expected {expected} found {found}")]
    BuilderIdMismatch {
        /// Expected (quoted).
        expected: String,
        /// Found (quoted).
        found: String,
    },
    /// No source in the provenance is the repository expected.
    #[error("verification failed: source URI mismatch: expected {expected} found {found}")]
    SourceMismatch {
        /// Expected (quoted).
        expected: String,
        /// The sources found (quoted, comma-separated), or `no source`.
        found: String,
    },
}

/// Quote a value for an error message: escaped, and cut to 200 characters.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(200) + 2);
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out.push('"');
    out
}

/// Join up to 5 items, saying how many more there are.
fn list(items: &[String], none: &str) -> String {
    if items.is_empty() {
        return none.to_owned();
    }
    let mut out = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        out.push_str(&format!(" and {} more", items.len() - 5));
    }
    out
}

/// The last path component of a name (subjects are often named with a directory).
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Check `statement` against `policy` for the artifact with `artifact_sha256` (and, when
/// given, named `artifact_name`: a subject matches when its name, or its last path component,
/// equals the name's last path component). The checks run in order: statement validity,
/// subject, predicate type, builder id, source; the first failure is returned.
pub fn check(
    statement: &Statement,
    artifact_sha256: &[u8; 32],
    artifact_name: Option<&str>,
    policy: &Policy,
) -> Result<(), PolicyError> {
    statement
        .validate()
        .map_err(PolicyError::InvalidStatement)?;
    check_subject(statement, artifact_sha256, artifact_name)?;

    if let Some(expected) = &policy.predicate_type
        && statement.predicate_type != *expected
    {
        return Err(PolicyError::PredicateTypeMismatch {
            expected: quote(expected),
            found: quote(&statement.predicate_type),
        });
    }
    if policy.builder_id.is_none() && policy.source_uri.is_none() {
        return Ok(());
    }
    let provenance = statement.provenance().map_err(PolicyError::NotProvenance)?;
    if let Some(expected) = &policy.builder_id
        && provenance.run_details.builder.id != *expected
    {
        return Err(PolicyError::BuilderIdMismatch {
            expected: quote(expected),
            found: quote(&provenance.run_details.builder.id),
        });
    }
    if let Some(expected) = &policy.source_uri {
        check_source(&provenance, expected)?;
    }
    Ok(())
}

fn check_subject(
    statement: &Statement,
    artifact_sha256: &[u8; 32],
    artifact_name: Option<&str>,
) -> Result<(), PolicyError> {
    let want = crate::hash::to_hex(artifact_sha256);
    let mut names = Vec::new();
    let mut digest_found = false;
    for s in &statement.subject {
        // Digests are validated lowercase hex; compare without case anyway for robustness.
        if !s
            .digest
            .get("sha256")
            .is_some_and(|d| d.eq_ignore_ascii_case(&want))
        {
            continue;
        }
        digest_found = true;
        let Some(expected) = artifact_name else {
            return Ok(());
        };
        let name = s.name.as_deref().unwrap_or("");
        if name == expected || base_name(name) == base_name(expected) {
            return Ok(());
        }
        names.push(quote(name));
    }
    if digest_found {
        return Err(PolicyError::SubjectNameMismatch {
            digest: want,
            expected: quote(artifact_name.unwrap_or("")),
            found: list(&names, "none"),
        });
    }
    let found: Vec<String> = statement
        .subject
        .iter()
        .filter_map(|s| {
            let d = s.digest.get("sha256")?;
            Some(format!(
                "{} ({})",
                quote(s.name.as_deref().unwrap_or("")),
                quote(d)
            ))
        })
        .collect();
    Err(PolicyError::SubjectMismatch {
        expected: want,
        found: list(&found, "no sha256 subjects"),
    })
}

/// The sources a provenance names: resolved dependency URIs, `externalParameters.workflow
/// .repository` and `externalParameters.source`.
fn sources(p: &Provenance) -> Vec<&str> {
    let ext = &p.build_definition.external_parameters;
    let mut out: Vec<&str> = Vec::new();
    if let Some(Value::String(s)) = ext.get("workflow").and_then(|w| w.get("repository")) {
        out.push(s);
    }
    if let Some(Value::String(s)) = ext.get("source") {
        out.push(s);
    }
    for d in &p.build_definition.resolved_dependencies {
        if let Some(u) = d.uri.as_deref() {
            out.push(u);
        }
    }
    out
}

fn check_source(p: &Provenance, expected: &str) -> Result<(), PolicyError> {
    let found = sources(p);
    let want = SourceUri::parse(expected);
    if found.iter().any(|f| want.matches(&SourceUri::parse(f))) {
        return Ok(());
    }
    let quoted: Vec<String> = found.iter().map(|f| quote(f)).collect();
    Err(PolicyError::SourceMismatch {
        expected: quote(expected),
        found: list(&quoted, "no source"),
    })
}

/// A source URI split for comparison.
struct SourceUri<'a> {
    /// The scheme, without `://`, when there is one.
    scheme: Option<&'a str>,
    /// Host (with any user and port).
    host: &'a str,
    /// The path, without a leading `/`, a trailing `/` or `.git`.
    path: &'a str,
}

impl<'a> SourceUri<'a> {
    fn parse(uri: &'a str) -> SourceUri<'a> {
        let uri = uri.trim();
        let uri = uri.strip_prefix("git+").unwrap_or(uri);
        let (scheme, rest) = match uri.split_once("://") {
            Some((s, r)) => (Some(s), r),
            None => (None, uri),
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        // An `@` in the path starts the ref (one in the host part is a user name).
        let path = path.split_once('@').map_or(path, |(p, _)| p);
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        SourceUri { scheme, host, path }
    }

    /// Does `self` (expected) match `found`?
    fn matches(&self, found: &SourceUri<'_>) -> bool {
        let scheme_ok = match (self.scheme, found.scheme) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, _) => true,
            (Some(_), None) => false,
        };
        scheme_ok
            && self.host.eq_ignore_ascii_case(found.host)
            && !self.path.is_empty()
            && self.path == found.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(expected: &str, found: &str) -> bool {
        SourceUri::parse(expected).matches(&SourceUri::parse(found))
    }

    #[test]
    fn source_normalisation() {
        assert!(m(
            "https://github.com/o/r",
            "git+https://github.com/o/r@refs/heads/main"
        ));
        assert!(m("https://github.com/o/r.git", "https://GitHub.com/o/r/"));
        assert!(m("github.com/o/r", "git+https://github.com/o/r.git@v1"));
        assert!(m(
            "git+ssh://git@example.com/o/r.git",
            "ssh://git@example.com/o/r"
        ));
        assert!(!m("https://github.com/o/r", "https://github.com/o/r2"));
        assert!(!m("https://github.com/o/r", "http://github.com/o/r"));
        assert!(!m("https://github.com/o/r", "https://gitlab.com/o/r"));
        assert!(!m("https://github.com/o/r", "pkg:cargo/r@1.0"));
        assert!(!m("https://github.com", "https://github.com/"));
    }

    #[test]
    fn quoting_escapes_and_clips() {
        assert_eq!(quote("a\"b\n"), r#""a\"b\n""#);
        let q = quote(&"x".repeat(500));
        assert_eq!(q.chars().count(), 203);
        assert!(q.ends_with("…\""));
    }
}
