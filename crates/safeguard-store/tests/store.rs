//! The store: tickets from scans, triage, the audit chain and its tamper checks, foreign
//! files, and concurrent writers.

use std::path::Path;

use safeguard_handling::model::{Justification, Status};
use safeguard_store::{OpenMode, ScanInput, Store, StoreError, TicketFilter, Triage};
use safeguard_vulndb::finding::Finding;
use time::OffsetDateTime;
use time::macros::datetime;

fn finding(purl: &str, id: &str, rating: Option<&str>) -> Finding {
    let (name, version) = purl
        .rsplit_once('@')
        .map(|(n, v)| (n.rsplit('/').next().unwrap_or(n), v))
        .unwrap();
    serde_json::from_value(serde_json::json!({
        "component": {"ecosystem": "npm", "name": name, "version": version, "purl": purl,
                       "relationship": "direct"},
        "id": id,
        "aliases": [format!("CVE-2025-{}", id.len())],
        "summary": format!("{id} in {name}"),
        "severity": {"rating": rating, "score": rating.map(|_| 7.5), "source": if rating.is_some() {"cvss"} else {"unknown"}},
        "fixed_versions": ["9.9.9"],
        "published": "2025-01-01T00:00:00Z",
        "modified": "2025-01-02T00:00:00Z",
    }))
    .unwrap()
}

fn scan(at: OffsetDateTime, findings: Vec<Finding>, digest: &str) -> ScanInput {
    ScanInput {
        product: "acme".into(),
        product_version: Some("1.0".into()),
        target: "repo".into(),
        scanned_at: at,
        db_newest: None,
        components: 10,
        findings,
        digest: digest.into(),
        complete: true,
    }
}

fn open(path: &Path) -> Store {
    Store::open(path, OpenMode::Create).unwrap()
}

fn err<T>(r: Result<T, StoreError>) -> String {
    r.err().map(|e| e.to_string()).unwrap_or_default()
}

fn triage(status: Status) -> Triage {
    Triage {
        status,
        justification: None,
        statement: None,
        approver: None,
        expires: None,
        reason: "looked at it".into(),
    }
}

#[test]
fn scans_create_refresh_fix_and_reopen_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".safeguard/store.db");
    let mut s = open(&path);
    let t0 = datetime!(2025-03-01 10:00 UTC);
    let a = finding("pkg:npm/lodash@4.17.20", "GHSA-aaaa", Some("high"));
    let b = finding("pkg:npm/minimist@1.2.0", "GHSA-bbbb", Some("critical"));
    let out = s
        .record_scan(
            &scan(t0, vec![a.clone(), b.clone(), a.clone()], "d1"),
            "ci",
            t0,
        )
        .unwrap();
    assert_eq!(out.scan_id, 1);
    assert_eq!(out.created, vec![1, 2]);

    // The same report again changes nothing.
    let again = s
        .record_scan(&scan(t0, vec![a.clone(), b.clone()], "d1"), "ci", t0)
        .unwrap();
    assert_eq!(again.already_recorded, Some(1));
    assert_eq!(s.scans().unwrap().len(), 1);

    // An incomplete scan without b closes nothing.
    let mut partial = scan(
        datetime!(2025-03-05 10:00 UTC),
        vec![a.clone()],
        "d-partial",
    );
    partial.complete = false;
    let out = s.record_scan(&partial, "ci", t0).unwrap();
    assert!(out.closing_skipped && out.fixed.is_empty(), "{out:?}");
    assert_eq!(s.ticket(2).unwrap().status, Status::UnderInvestigation);

    // b disappears: closed as fixed, citing scan 3; a is refreshed.
    let t1 = datetime!(2025-03-08 10:00 UTC);
    let out = s
        .record_scan(&scan(t1, vec![a.clone()], "d2"), "ci", t1)
        .unwrap();
    assert_eq!(
        (out.scan_id, out.seen_again, out.fixed.clone()),
        (3, 1, vec![2])
    );
    let tb = s.ticket(2).unwrap();
    assert_eq!(tb.status, Status::Fixed);
    assert_eq!(tb.fixed_by_scan, Some(3));
    assert_eq!(tb.fixed_at, Some(t1));
    let ta = s.ticket(1).unwrap();
    assert_eq!(
        (ta.first_seen, ta.last_seen, ta.first_scan, ta.last_scan),
        (t0, t1, 1, 3)
    );
    assert_eq!(ta.key(), "VULN-1");

    // b comes back: reopened as affected.
    let t2 = datetime!(2025-03-09 10:00 UTC);
    let out = s
        .record_scan(&scan(t2, vec![a, b], "d3"), "ci", t2)
        .unwrap();
    assert_eq!(out.reopened, vec![2]);
    let tb = s.ticket(2).unwrap();
    assert_eq!(tb.status, Status::Affected);
    assert_eq!(tb.fixed_at, None);
    let statuses: Vec<Status> = tb.history.iter().map(|h| h.status).collect();
    assert_eq!(
        statuses,
        vec![Status::UnderInvestigation, Status::Fixed, Status::Affected]
    );

    let r = s.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!((r.entries, r.tickets, r.scans), (4 + 2 + 1 + 1, 2, 4));
    let actions: Vec<String> = s
        .audit(Some(2))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, vec!["created", "fixed_by_scan", "reopened"]);
}

#[test]
fn triage_rules_and_release() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let mut s = open(&path);
    let t0 = datetime!(2025-03-01 10:00 UTC);
    s.record_scan(
        &scan(
            t0,
            vec![
                finding("pkg:npm/a@1.0.0", "GHSA-1", Some("high")),
                finding("pkg:npm/b@1.0.0", "GHSA-2", Some("low")),
                finding("pkg:npm/c@1.0.0", "GHSA-3", None),
            ],
            "d1",
        ),
        "ci",
        t0,
    )
    .unwrap();
    let now = datetime!(2025-03-02 09:00 UTC);

    assert!(
        err(s.triage(1, &triage(Status::NotAffected), "ann", now))
            .contains("needs a justification")
    );
    let mut acc = triage(Status::Accepted);
    assert!(err(s.triage(1, &acc, "ann", now)).contains("approver"));
    acc.approver = Some("CISO".into());
    assert!(err(s.triage(1, &acc, "ann", now)).contains("expiry"));
    acc.expires = Some(now);
    assert!(err(s.triage(1, &acc, "ann", now)).contains("not in the future"));
    let mut blank = triage(Status::Affected);
    blank.reason = "  ".into();
    assert!(err(s.triage(1, &blank, "ann", now)).contains("reason is required"));
    assert!(matches!(
        s.triage(99, &triage(Status::Affected), "ann", now),
        Err(StoreError::UnknownTicket(_))
    ));

    let mut na = triage(Status::NotAffected);
    na.justification = Some(Justification::VulnerableCodeNotInExecutePath);
    let t = s.triage(1, &na, "ann", now).unwrap();
    assert_eq!((t.status, t.triaged_at), (Status::NotAffected, Some(now)));
    assert!(err(s.triage(1, &na, "ann", now)).contains("nothing to change"));

    acc.expires = Some(datetime!(2025-06-01 00:00 UTC));
    let t = s.triage(2, &acc, "bob", now).unwrap();
    let a = t.acceptance.clone().unwrap();
    assert_eq!(
        (a.approver.as_str(), a.expires),
        ("CISO", datetime!(2025-06-01 00:00 UTC))
    );
    assert_eq!(t.history.last().unwrap().accepted_until, Some(a.expires));

    let t = s.triage(3, &triage(Status::Fixed), "bob", now).unwrap();
    assert_eq!(t.fixed_at, Some(now));
    let rel = s
        .record_release("acme", "1.0.1", datetime!(2025-03-05 00:00 UTC), "rel", now)
        .unwrap();
    assert_eq!(rel.tickets, vec![3]);
    assert_eq!(s.ticket(3).unwrap().released_in.as_deref(), Some("1.0.1"));
    assert!(err(s.record_release("acme", "1.0.1", now, "rel", now)).contains("already recorded"));

    let open_high = s
        .tickets(&TicketFilter {
            statuses: vec![Status::Accepted],
            ..TicketFilter::default()
        })
        .unwrap();
    assert_eq!(open_high.iter().map(|t| t.id).collect::<Vec<_>>(), vec![2]);
    assert!(s.verify().unwrap().ok());
}

/// Run SQL against the store file behind the store's back.
fn tamper(path: &Path, sql: &str) {
    use sqlx::{ConnectOptions, Connection};
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    });
}

fn seeded(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("store.db");
    let mut s = open(&path);
    let t0 = datetime!(2025-03-01 10:00 UTC);
    s.record_scan(
        &scan(
            t0,
            vec![
                finding("pkg:npm/a@1.0.0", "GHSA-1", Some("high")),
                finding("pkg:npm/b@1.0.0", "GHSA-2", Some("low")),
            ],
            "d1",
        ),
        "ci",
        t0,
    )
    .unwrap();
    let mut na = triage(Status::NotAffected);
    na.justification = Some(Justification::ComponentNotPresent);
    s.triage(1, &na, "ann", datetime!(2025-03-02 00:00 UTC))
        .unwrap();
    s.triage(
        2,
        &triage(Status::Affected),
        "ann",
        datetime!(2025-03-02 00:00 UTC),
    )
    .unwrap();
    assert!(s.verify().unwrap().ok());
    s.close().unwrap();
    path
}

fn problems(path: &Path) -> Vec<String> {
    let mut s = Store::open(path, OpenMode::Existing).unwrap();
    s.verify().unwrap().problems
}

#[test]
fn tampering_is_detected() {
    let cases: [(&str, &str); 5] = [
        (
            "UPDATE audit SET reason = 'nothing to see' WHERE seq = 4",
            "audit entry 4 (triaged by ann at 2025-03-02T00:00:00Z): its contents do not match its hash",
        ),
        (
            "DELETE FROM audit WHERE seq = 2",
            "audit entry 3: expected sequence number 2",
        ),
        (
            "UPDATE tickets SET data = replace(data, '\"status\":\"affected\"', '\"status\":\"fixed\"') WHERE id = 2",
            "VULN-2: differs from its last audit entry",
        ),
        (
            "DELETE FROM audit WHERE seq = 5",
            "VULN-2: differs from its last audit entry",
        ),
        (
            "INSERT INTO scans (id, product, target, scanned_at, recorded_at, recorded_by, components, findings, digest) VALUES (9, 'acme', 'x', 'x', 'x', 'x', 0, 0, 'zz')",
            "scan 9: no audit entry records it",
        ),
    ];
    for (sql, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = seeded(dir.path());
        tamper(&path, sql);
        let found = problems(&path);
        assert!(found.iter().any(|p| p.contains(want)), "{sql}\n{found:#?}");
    }
    // An attacker who also rewrites the edited entry's hash breaks the link to the next one.
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    tamper(&path, "UPDATE audit SET hash = '00' WHERE seq = 3");
    let found = problems(&path);
    assert!(
        found
            .iter()
            .any(|p| p.contains("audit entry 4: its previous hash does not match entry 3")),
        "{found:#?}"
    );
}

#[test]
fn foreign_and_damaged_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are my notes, not a database\n").unwrap();
    let e = Store::open(&text, OpenMode::Create).unwrap_err();
    assert!(matches!(e, StoreError::Foreign { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("not an SQLite database; it was left untouched")
            || e.to_string().contains("not an SQLite database"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "these are my notes, not a database\n"
    );

    // Another program's SQLite database.
    let other = dir.path().join("other.db");
    {
        open(&other).close().unwrap();
    }
    std::fs::remove_file(&other).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::{ConnectOptions, Connection};
        let mut c = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&other)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE invoices (n INTEGER); INSERT INTO invoices VALUES (42);")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    let before = std::fs::read(&other).unwrap();
    let e = Store::open(&other, OpenMode::Create).unwrap_err();
    assert!(
        e.to_string()
            .contains("an SQLite database with other tables: invoices"),
        "{e}"
    );
    assert!(
        std::fs::read(&other).unwrap() == before,
        "the foreign database was changed"
    );

    // A newer schema.
    let newer = seeded(&dir.path().join("n"));
    tamper(
        &newer,
        "INSERT INTO schema_migrations VALUES (99, 'future', 'x', 'x')",
    );
    let e = Store::open(&newer, OpenMode::Existing).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Newer {
                found: 99,
                known: 1,
                ..
            }
        ),
        "{e}"
    );

    // Truncated: the header survives, the pages do not.
    let trunc = seeded(&dir.path().join("t"));
    let bytes = std::fs::read(&trunc).unwrap();
    std::fs::write(&trunc, &bytes[..bytes.len().min(4096) + 100]).unwrap();
    let _ = std::fs::remove_file(trunc.with_extension("db-wal"));
    let outcome = Store::open(&trunc, OpenMode::Existing).and_then(|mut s| s.verify());
    match outcome {
        Err(e) => assert!(
            matches!(e, StoreError::Corrupt { .. } | StoreError::Database { .. }),
            "{e}"
        ),
        Ok(r) => assert!(!r.ok(), "{r:?}"),
    }

    // Missing, read-only commands: no file is created.
    let missing = dir.path().join("none/store.db");
    let e = Store::open(&missing, OpenMode::Existing).unwrap_err();
    assert!(e.to_string().contains("no store here yet"), "{e}");
    assert!(!missing.exists());

    // An empty file is initialised.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let mut s = Store::open(&empty, OpenMode::Create).unwrap();
    assert!(s.verify().unwrap().ok());
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    open(&path).close().unwrap();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path, OpenMode::Create).unwrap();
                for i in 0..20 {
                    let at = datetime!(2025-03-01 00:00 UTC) + time::Duration::minutes(i);
                    let findings = (0..30)
                        .map(|k| {
                            finding(
                                &format!("pkg:npm/p{k}@1.0.{w}"),
                                &format!("GHSA-{k}"),
                                Some("medium"),
                            )
                        })
                        .collect();
                    s.record_scan(
                        &scan(at, findings, &format!("w{w}-{i}")),
                        &format!("writer{w}"),
                        at,
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let mut s = open(&path);
    let r = s.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.scans, 40);
    // Both writers' components: 60 tickets, each created once.
    assert_eq!(r.tickets, 60);
    let keys: std::collections::HashSet<(String, String)> = s
        .tickets(&TicketFilter::default())
        .unwrap()
        .into_iter()
        .map(|t| (t.purl, t.vuln_id))
        .collect();
    assert_eq!(keys.len(), 60);
}
