mod common;

use common::{Fixture, threat};
use safeguard_source::ThreatModelCollector;

fn base(f: &Fixture) {
    f.write("docs/threat-model.md", "# Threat model\n")
        .write("api/service.proto", "syntax = \"proto3\";\n")
        .write("Dockerfile", "FROM scratch\n")
        .write("src/main.rs", "fn main() {}\n");
}

#[test]
fn stale_after_a_later_architecture_change_then_fresh_after_revision() {
    let mut f = Fixture::git_repo();
    base(&f);
    let first = f.commit_all("initial");
    f.write("api/service.proto", "syntax = \"proto3\";\nservice S {}\n");
    f.write("src/main.rs", "fn main() { }\n");
    let second = f.commit_all("change the API");

    let e = f.collect(&ThreatModelCollector);
    let t = threat(&e);
    assert_eq!(t.documents, ["docs/threat-model.md"]);
    assert_eq!(t.architecture_files, 2);
    assert_eq!(t.architecture_sample, ["Dockerfile", "api/service.proto"]);
    let tm = t.last_threat_model_change.as_ref().unwrap();
    assert_eq!(tm.commit, first);
    assert_eq!(tm.time, "2024-01-01T00:00:00Z");
    assert_eq!(tm.unix, 1_704_067_200);
    assert_eq!(t.last_architecture_change.as_ref().unwrap().commit, second);
    assert_eq!(t.changed_since_threat_model, ["api/service.proto"]);
    assert_eq!(t.stale, Some(true));
    assert!(e.summary.contains("may be stale"), "{}", e.summary);

    // Revising the threat model makes it fresh again.
    f.write(
        "docs/threat-model.md",
        "# Threat model\n\nCovers service S.\n",
    );
    let third = f.commit_all("revise threat model");
    let t = threat(&f.collect(&ThreatModelCollector)).clone();
    assert_eq!(t.last_threat_model_change.unwrap().commit, third);
    assert_eq!(t.last_architecture_change.unwrap().commit, second);
    assert!(t.changed_since_threat_model.is_empty());
    assert_eq!(t.stale, Some(false));
}

#[test]
fn compares_by_ancestry_not_by_timestamps() {
    let mut f = Fixture::git_repo();
    base(&f);
    f.commit_all_at("initial", 1_800_000_000);
    // A later commit with an earlier committer date still counts as "after".
    f.write("Dockerfile", "FROM alpine\n");
    f.commit_all_at("change image", 1_700_000_000);
    let t = threat(&f.collect(&ThreatModelCollector)).clone();
    assert_eq!(t.changed_since_threat_model, ["Dockerfile"]);
    assert_eq!(t.stale, Some(true));
}

#[test]
fn same_commit_is_not_stale() {
    let mut f = Fixture::git_repo();
    base(&f);
    f.commit_all("initial");
    let t = threat(&f.collect(&ThreatModelCollector)).clone();
    assert_eq!(t.stale, Some(false));
    assert_eq!(t.last_threat_model_change, t.last_architecture_change);
}

#[test]
fn without_git_freshness_is_unknown() {
    let f = Fixture::new();
    base(&f);
    let e = f.collect(&ThreatModelCollector);
    let t = threat(&e);
    assert_eq!(t.documents, ["docs/threat-model.md"]);
    assert_eq!(t.architecture_files, 2);
    assert_eq!(t.last_threat_model_change, None);
    assert_eq!(t.last_architecture_change, None);
    assert_eq!(t.stale, None);
    assert!(
        e.summary.contains("not under version control"),
        "{}",
        e.summary
    );
}

#[test]
fn uncommitted_threat_model_cannot_be_compared() {
    let mut f = Fixture::git_repo();
    f.write("api/service.proto", "").write("src/main.rs", "");
    f.commit_all("initial");
    f.write("THREATS.md", "# Threats\n");
    let t = threat(&f.collect(&ThreatModelCollector)).clone();
    assert_eq!(t.documents, ["THREATS.md"]);
    assert_eq!(t.last_threat_model_change, None);
    assert!(t.last_architecture_change.is_some());
    assert_eq!(t.stale, None);
}

#[test]
fn no_documents_means_no_staleness() {
    let mut f = Fixture::git_repo();
    f.write("openapi.yaml", "openapi: 3.0.0\n")
        .write("docs/adr/0001-record.md", "# ADR\n");
    f.commit_all("initial");
    let e = f.collect(&ThreatModelCollector);
    let t = threat(&e);
    assert!(t.documents.is_empty());
    assert_eq!(t.architecture_files, 2);
    assert_eq!(t.stale, None);
    assert!(t.changed_since_threat_model.is_empty());
    assert!(
        e.summary.starts_with("No threat-model document found"),
        "{}",
        e.summary
    );
}

#[test]
fn odd_file_names_are_safe_pathspecs() {
    let mut f = Fixture::git_repo();
    f.write("docs/threat model (v2).md", "x")
        .write("deploy/:weird*[name].yaml", "kind: Pod\n")
        .write("deploy/other.yaml", "kind: Pod\n");
    f.commit_all("initial");
    f.write("deploy/other.yaml", "kind: Service\n");
    f.commit_all("touch the other manifest only");
    let t = threat(&f.collect(&ThreatModelCollector)).clone();
    assert_eq!(t.documents, ["docs/threat model (v2).md"]);
    // A glob-looking name must not match `other.yaml` by pattern.
    assert_eq!(t.changed_since_threat_model, ["deploy/other.yaml"]);
    assert_eq!(t.stale, Some(true));
}
