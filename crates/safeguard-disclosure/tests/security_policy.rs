use std::path::Path;

use safeguard_disclosure::SecurityPolicyCollector;
use safeguard_model::facts::{PolicyDocument, SecurityPolicyFacts};
use safeguard_model::{CollectContext, Collector, Evidence, Facts, Subject, sha256_bytes};

struct Fixture {
    dir: tempfile::TempDir,
    excluded: Vec<String>,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
            excluded: vec![".safeguard/".into()],
        }
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    /// Every file, relative and sorted (the listing deliberately keeps excluded paths, so the
    /// collector's own filtering is exercised).
    fn files(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(base, &path, out);
                } else {
                    out.push(
                        path.strip_prefix(base)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), self.dir.path(), &mut out);
        out.sort();
        out
    }

    fn collect(&self) -> Evidence {
        let files = self.files();
        let subject = Subject::default();
        let cx = CollectContext {
            root: self.dir.path(),
            files: &files,
            excluded_prefixes: &self.excluded,
            observed_at: "2025-01-01T00:00:00Z",
            subject: &subject,
            tool_version: "0.0.0-test",
            ci_run: None,
            artefacts: &Default::default(),
        };
        let mut records = SecurityPolicyCollector.collect(&cx).unwrap();
        assert_eq!(records.len(), 1);
        let e = records.pop().unwrap();
        assert_eq!(e.producer.collector, "security-policy");
        assert_eq!(
            e.claims.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            ["3.2.1", "3.2.2"]
        );
        assert!(
            e.summary.ends_with('.') && !e.summary.contains('\n'),
            "{}",
            e.summary
        );
        e
    }
}

fn facts(e: &Evidence) -> &SecurityPolicyFacts {
    match &e.facts {
        Facts::SecurityPolicy(f) => f,
        other => panic!("unexpected facts {other:?}"),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const SECURITY_MD: &str = "# Security Policy\n\n\
## Supported Versions\n\n\
| Version | Supported |\n| ------- | --------- |\n| 2.x | :white_check_mark: |\n\n\
## Reporting a Vulnerability\n\n\
Please **do not open a public issue**. Email [security@Acme.IO](mailto:security@Acme.IO) instead.\n\
We will acknowledge your report within 2 business days.\n";

#[test]
fn markdown_policy_with_email_and_no_public_issues() {
    let f = Fixture::new();
    f.write("SECURITY.md", SECURITY_MD);
    let e = f.collect();
    assert_eq!(
        facts(&e).documents,
        [PolicyDocument {
            path: "SECURITY.md".into(),
            format: "markdown".into(),
            sha256: sha256_bytes(SECURITY_MD.as_bytes()),
            emails: strings(&["security@acme.io"]),
            urls: vec![],
            confidential_channels: strings(&["email"]),
            discourages_public_reports: true,
            states_response_time: true,
            lists_supported_versions: true,
        }]
    );
    assert_eq!(e.artefacts.len(), 1);
    assert_eq!(e.artefacts[0].path, "SECURITY.md");
    assert_eq!(e.artefacts[0].sha256, sha256_bytes(SECURITY_MD.as_bytes()));
    assert!(
        e.summary.contains("confidential reporting channels: email"),
        "{}",
        e.summary
    );
    assert!(
        e.summary
            .contains("asks reporters not to disclose publicly: yes"),
        "{}",
        e.summary
    );
}

#[test]
fn security_txt_contact_and_encryption_are_parsed() {
    let f = Fixture::new();
    f.write(
        ".well-known/security.txt",
        "# Canonical file for acme.io; comments@ignored.example are not contacts\n\
         Contact: mailto:psirt@acme.io\n\
         Contact: https://acme.io/security/report\n\
         Encryption: https://acme.io/.well-known/pgp.asc\n\
         Preferred-Languages: en\n\
         Expires: 2030-12-31T23:59:59Z\n",
    )
    // A root security.txt without fields is a prose document.
    .write(
        "security.txt",
        "Report problems to psirt@acme.io; please do not disclose publicly.\n",
    );
    let e = f.collect();
    let docs = &facts(&e).documents;
    assert_eq!(docs.len(), 2);
    let txt = &docs[0];
    assert_eq!(txt.path, ".well-known/security.txt");
    assert_eq!(txt.format, "security.txt");
    assert_eq!(txt.emails, ["psirt@acme.io"]);
    assert_eq!(
        txt.urls,
        [
            "https://acme.io/.well-known/pgp.asc",
            "https://acme.io/security/report"
        ]
    );
    assert_eq!(
        txt.confidential_channels,
        ["email", "encryption-key", "web-form"]
    );
    assert!(!txt.discourages_public_reports);
    let prose = &docs[1];
    assert_eq!(prose.path, "security.txt");
    assert_eq!(prose.format, "text");
    assert_eq!(prose.confidential_channels, ["email"]);
    assert!(prose.discourages_public_reports);
}

#[test]
fn policy_without_a_channel() {
    let f = Fixture::new();
    f.write(
        ".github/SECURITY.md",
        "# Security\n\nWe take security seriously.\n",
    )
    .write(
        "docs/vulnerability-disclosure.rst",
        "Disclosure\n==========\n\nSee https://acme.io/vdp.\n",
    );
    let e = f.collect();
    let docs = &facts(&e).documents;
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].path, ".github/SECURITY.md");
    assert!(docs[0].confidential_channels.is_empty());
    assert!(docs[0].emails.is_empty() && docs[0].urls.is_empty());
    assert!(!docs[0].discourages_public_reports && !docs[0].states_response_time);
    assert!(!docs[0].lists_supported_versions);
    assert_eq!(docs[1].format, "restructuredtext");
    assert_eq!(docs[1].urls, ["https://acme.io/vdp"]);
    assert!(docs[1].confidential_channels.is_empty());
    assert!(
        e.summary
            .contains("confidential reporting channels: none recognised"),
        "{}",
        e.summary
    );
}

#[test]
fn private_advisory_channel() {
    let f = Fixture::new();
    f.write(
        "docs/SECURITY.md",
        "Report through https://github.com/acme/app/security/advisories/new (private vulnerability reporting).\n",
    );
    let docs = facts(&f.collect()).documents.clone();
    assert_eq!(docs[0].confidential_channels, ["private-advisory"]);
    assert_eq!(
        docs[0].urls,
        ["https://github.com/acme/app/security/advisories/new"]
    );
}

#[test]
fn nothing_found_is_evidence() {
    let f = Fixture::new();
    f.write("README.md", "security@acme.io")
        .write("src/SECURITY.md", "misplaced");
    let e = f.collect();
    assert!(facts(&e).documents.is_empty());
    assert!(e.artefacts.is_empty());
    assert!(
        e.summary.starts_with("No security policy found"),
        "{}",
        e.summary
    );
}

#[test]
fn excluded_prefixes_never_count() {
    let mut f = Fixture::new();
    f.write("docs/SECURITY.md", "security@acme.io")
        .write("SECURITY.md", "x");
    f.excluded = vec!["docs/".into()];
    let docs = facts(&f.collect()).documents.clone();
    assert_eq!(
        docs.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
        ["SECURITY.md"]
    );
}

#[test]
fn odd_and_huge_files_do_not_panic() {
    let f = Fixture::new();
    f.write(
        "SECURITY.md",
        b"Contact s\xe9curit\xe9 team: sec@acme.io \xff\xfe\n".as_slice(),
    );
    let mut big = b"Email first@acme.io.\n".to_vec();
    big.resize(2 * 1024 * 1024, b'x');
    big.extend_from_slice(b"\nlate@acme.io\n");
    f.write("docs/SECURITY.md", &big);
    f.write(".github/SECURITY.md", b"\0\0\0binary".as_slice());

    let e = f.collect();
    let docs = &facts(&e).documents;
    assert_eq!(
        docs.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
        ["SECURITY.md", "docs/SECURITY.md"]
    );
    assert_eq!(docs[0].emails, ["sec@acme.io"]);
    // Only the first MiB is analysed, but the digest covers the whole file.
    assert_eq!(docs[1].emails, ["first@acme.io"]);
    assert_eq!(docs[1].sha256, sha256_bytes(&big));
    // Deterministic.
    assert_eq!(f.collect(), e);
}
