//! Tamper detection: edit, delete, reorder, truncate, replace; concurrent appends.

use std::path::Path;

use safeguard_assess::ledger::Ledger;
use safeguard_model::facts::ThreatModelFacts;
use safeguard_model::{ClaimId, Evidence, Facts, Producer, Subject};

fn record(n: u64) -> Evidence {
    Evidence {
        subject: Subject::default(),
        observed_at: "2026-01-01T00:00:00Z".into(),
        producer: Producer {
            tool: "safeguard".into(),
            version: "test".into(),
            collector: "test".into(),
            ci_run: None,
        },
        claims: vec![ClaimId::new(1, 4, 1)],
        summary: format!("record number {n}"),
        facts: Facts::ThreatModel(ThreatModelFacts {
            architecture_files: n,
            ..Default::default()
        }),
        artefacts: vec![],
    }
}

fn ledger_with(n: u64) -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::at_root(dir.path());
    let records: Vec<Evidence> = (1..=n).map(record).collect();
    let out = ledger.append(&records).unwrap();
    assert_eq!(out.appended, n);
    (dir, ledger)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn clean_ledger_verifies_and_appends_are_idempotent() {
    let (_d, ledger) = ledger_with(4);
    let v = ledger.verify().unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.entries, 4);
    // Same records again: content-addressed, nothing appended.
    let again = ledger
        .append(&(1..=4).map(record).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(again.appended, 0);
    assert_eq!(again.entries, 4);
    let more = ledger.append(&[record(5), record(1)]).unwrap();
    assert_eq!(more.appended, 1);
    assert!(ledger.verify().unwrap().ok());
    assert_eq!(ledger.find("5").unwrap().seq, 5);
    let id = ledger.entries().unwrap()[2].id.clone();
    assert_eq!(ledger.find(&id[7..20]).unwrap().seq, 3);
    assert_eq!(ledger.find(&id).unwrap().seq, 3);
    assert!(ledger.find("ffffffffffffffffffff").is_err());
}

#[test]
fn edited_record_is_named() {
    let (_d, ledger) = ledger_with(4);
    let mut l = lines(&ledger.path());
    let id3 = ledger.entries().unwrap()[2].id.clone();
    l[2] = l[2].replace("record number 3", "record number 33");
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    assert!(!v.ok());
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    let p = &v.problems[0];
    assert_eq!(
        (p.kind, p.seq, p.id.as_deref()),
        ("edited", Some(3), Some(id3.as_str()))
    );
    assert!(p.message.contains("entry 3"), "{}", p.message);
    // And the ledger refuses further appends.
    assert!(ledger.append(&[record(9)]).is_err());
}

#[test]
fn edit_with_recomputed_id_is_still_caught_by_the_chain() {
    let (_d, ledger) = ledger_with(4);
    let mut entries = ledger.entries().unwrap();
    // A careful forger edits record 2 and recomputes its id and its own hash...
    entries[1].record["summary"] = "forged".into();
    let new_id = Evidence::id_of_json(&entries[1].record);
    let mut l = lines(&ledger.path());
    l[1] = l[1]
        .replace(&entries[1].id, &new_id)
        .replace("record number 2", "forged");
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    // ...but entry 2's hash and entry 3's back-links no longer match.
    assert!(
        v.problems
            .iter()
            .any(|p| p.seq == Some(2) && p.kind == "rewritten"),
        "{:?}",
        v.problems
    );
    assert!(
        v.problems
            .iter()
            .any(|p| p.seq == Some(3) && p.kind == "rewritten"),
        "{:?}",
        v.problems
    );
}

#[test]
fn removed_record_is_named_by_id() {
    let (_d, ledger) = ledger_with(5);
    let id2 = ledger.entries().unwrap()[1].id.clone();
    let mut l = lines(&ledger.path());
    l.remove(1);
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    let p = &v.problems[0];
    assert_eq!(
        (p.kind, p.seq, p.id.as_deref()),
        ("removed", Some(2), Some(id2.as_str()))
    );
    assert!(p.message.contains(&id2[7..19]), "{}", p.message);
}

#[test]
fn truncated_tail_is_named_by_the_head_file() {
    let (_d, ledger) = ledger_with(3);
    let id3 = ledger.entries().unwrap()[2].id.clone();
    let mut l = lines(&ledger.path());
    l.pop();
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert_eq!(
        (
            v.problems[0].kind,
            v.problems[0].seq,
            v.problems[0].id.as_deref()
        ),
        ("truncated", Some(3), Some(id3.as_str()))
    );
}

#[test]
fn reordered_records_are_named() {
    let (_d, ledger) = ledger_with(4);
    let mut l = lines(&ledger.path());
    l.swap(1, 2);
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    assert!(!v.ok());
    let reordered: Vec<_> = v
        .problems
        .iter()
        .filter(|p| p.kind == "reordered")
        .collect();
    assert_eq!(reordered.len(), 1, "{:?}", v.problems);
    assert_eq!(reordered[0].seq, Some(2));
    assert!(
        v.problems
            .iter()
            .all(|p| p.kind != "removed" && p.kind != "edited"),
        "{:?}",
        v.problems
    );
}

#[test]
fn replaced_last_entry_disagrees_with_head() {
    let (_d, ledger) = ledger_with(2);
    let other = tempfile::tempdir().unwrap();
    let other_ledger = Ledger::at_root(other.path());
    other_ledger.append(&[record(1), record(7)]).unwrap();
    // Swap in a different, self-consistent second entry.
    let mut l = lines(&ledger.path());
    l[1] = lines(&other_ledger.path())[1].clone();
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    assert!(
        v.problems
            .iter()
            .any(|p| p.kind == "head-mismatch" && p.seq == Some(2)),
        "{:?}",
        v.problems
    );
}

#[test]
fn garbage_lines_are_reported_not_panicked_on() {
    let (_d, ledger) = ledger_with(2);
    let mut l = lines(&ledger.path());
    l.insert(1, "{not json".into());
    l.push("\u{0}\u{1}".into());
    write_lines(&ledger.path(), &l);
    let v = ledger.verify().unwrap();
    let malformed: Vec<_> = v
        .problems
        .iter()
        .filter(|p| p.kind == "malformed")
        .collect();
    assert_eq!(malformed.len(), 2, "{:?}", v.problems);
    assert_eq!(malformed[0].line, Some(2));
}

#[test]
fn interrupted_append_is_repaired_not_reported() {
    let (_d, ledger) = ledger_with(2);
    // A torn final line, as a crash mid-write would leave.
    let mut text = std::fs::read_to_string(ledger.path()).unwrap();
    text.push_str("{\"seq\":3,\"prev\":\"ab");
    std::fs::write(ledger.path(), text).unwrap();
    let out = ledger.append(&[record(3)]).unwrap();
    assert_eq!((out.appended, out.entries), (1, 3));
    assert!(ledger.verify().unwrap().ok());
}

#[test]
fn concurrent_appends_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let root = root.clone();
            std::thread::spawn(move || {
                let ledger = Ledger::at_root(&root);
                for i in 0..10 {
                    ledger.append(&[record(t * 100 + i)]).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let ledger = Ledger::at_root(&root);
    let v = ledger.verify().unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.entries, 40);
}
