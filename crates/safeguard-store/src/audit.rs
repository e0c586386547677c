//! The audit trail: one row per change, each hashed together with the hash of the row before.
//!
//! `hash = SHA-256("safeguard-audit-v1\n" ‖ field…)`, where every field (seq, at, actor,
//! action, ticket id, scan id, reason, detail, previous hash) is written as its byte length in
//! decimal, `:`, the bytes and `\n`, so no two different rows hash the same input. The first
//! row's previous hash is 64 zeros.
//!
//! A ticket row's `detail` is `{"before": …, "after": …}`: the ticket's audited fields before
//! and after the change ([`audited`]). [`crate::Store::verify`] checks the chain, that each
//! `before` equals the ticket's previous `after`, and that every ticket in the table equals
//! its last `after`. Fields a scan refreshes without a decision (last seen, last scan, the
//! advisory's summary, aliases, references, fixed versions and CVSS details) are not audited.

use std::collections::HashMap;
use std::path::Path;

use safeguard_handling::model::Ticket;
use serde::Serialize;
use sha2::{Digest, Sha256};

use sqlx::SqliteConnection;

use crate::{StoreError, classify, col, db_err};

pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_id: Option<i64>,
    pub reason: String,
    /// JSON.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What [`crate::Store::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub store: String,
    /// `ok`, or what SQLite's `integrity_check` reported.
    pub integrity: String,
    pub entries: u64,
    pub tickets: u64,
    pub scans: u64,
    /// The last entry's hash: record it elsewhere (the evidence ledger does) to detect a
    /// truncated trail later.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// Everything that does not add up; empty when the store verifies.
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.integrity == "ok"
    }
}

/// The hash of an entry (its `hash` field is ignored).
pub(crate) fn entry_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(b"safeguard-audit-v1\n");
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for field in [
        e.seq.to_string().as_str(),
        &e.at,
        &e.actor,
        &e.action,
        &opt(e.ticket_id),
        &opt(e.scan_id),
        &e.reason,
        &e.detail,
        &e.prev_hash,
    ] {
        h.update(field.len().to_string().as_bytes());
        h.update(b":");
        h.update(field.as_bytes());
        h.update(b"\n");
    }
    safeguard_model::hex(&h.finalize())
}

/// The ticket as the trail records it: without the fields a scan refreshes.
pub(crate) fn audited(t: &Ticket) -> serde_json::Value {
    let mut t = t.clone();
    t.product_version = None;
    t.aliases.clear();
    t.summary = None;
    t.cvss_score = None;
    t.cvss_vector = None;
    t.fixed_versions.clear();
    t.references.clear();
    t.last_seen = t.first_seen;
    t.last_scan = t.first_scan;
    serde_json::to_value(&t).unwrap_or(serde_json::Value::Null)
}

/// The head of the chain inside a write transaction.
pub(crate) struct Chain {
    seq: i64,
    hash: String,
}

/// A row to append.
pub(crate) struct NewEntry<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub ticket_id: Option<i64>,
    pub scan_id: Option<i64>,
    pub reason: &'a str,
    pub detail: String,
}

impl Chain {
    pub(crate) async fn load(
        conn: &mut SqliteConnection,
        path: &Path,
    ) -> Result<Chain, StoreError> {
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| classify(path, e))?;
        Ok(match last {
            Some((seq, hash)) => Chain { seq, hash },
            None => Chain {
                seq: 0,
                hash: GENESIS.to_string(),
            },
        })
    }

    pub(crate) async fn append(
        &mut self,
        conn: &mut SqliteConnection,
        path: &Path,
        n: NewEntry<'_>,
    ) -> Result<(), StoreError> {
        let mut e = AuditEntry {
            seq: self.seq + 1,
            at: n.at.to_string(),
            actor: n.actor.to_string(),
            action: n.action.to_string(),
            ticket_id: n.ticket_id,
            scan_id: n.scan_id,
            reason: n.reason.to_string(),
            detail: n.detail,
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        e.hash = entry_hash(&e);
        sqlx::query(
            "INSERT INTO audit (seq, at, actor, action, ticket_id, scan_id, reason, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.seq)
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(e.ticket_id)
        .bind(e.scan_id)
        .bind(&e.reason)
        .bind(&e.detail)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(&mut *conn)
        .await
        .map_err(|e| db_err(path, e))?;
        self.seq = e.seq;
        self.hash = e.hash;
        Ok(())
    }
}

pub(crate) async fn entries(
    conn: &mut SqliteConnection,
    path: &Path,
    ticket: Option<i64>,
) -> Result<Vec<AuditEntry>, StoreError> {
    let q = match ticket {
        Some(_) => "SELECT * FROM audit WHERE ticket_id = $1 ORDER BY seq",
        None => "SELECT * FROM audit ORDER BY seq",
    };
    let rows = sqlx::query(q)
        .bind(ticket)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| classify(path, e))?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                seq: col(path, r, "seq")?,
                at: col(path, r, "at")?,
                actor: col(path, r, "actor")?,
                action: col(path, r, "action")?,
                ticket_id: col(path, r, "ticket_id")?,
                scan_id: col(path, r, "scan_id")?,
                reason: col(path, r, "reason")?,
                detail: col(path, r, "detail")?,
                prev_hash: col(path, r, "prev_hash")?,
                hash: col(path, r, "hash")?,
            })
        })
        .collect()
}

/// Check the chain and replay it against the tickets (`rows`: id → stored ticket JSON).
pub(crate) fn check(
    entries: &[AuditEntry],
    tickets: &[(i64, Result<Ticket, String>)],
    scans: &[(i64, String)],
    problems: &mut Vec<String>,
) {
    let mut prev = GENESIS.to_string();
    let mut last_after: HashMap<i64, serde_json::Value> = HashMap::new();
    let mut scan_digests: HashMap<i64, String> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let want_seq = i as i64 + 1;
        if e.seq != want_seq {
            problems.push(format!(
                "audit entry {}: expected sequence number {want_seq} (an entry is missing or was re-ordered)",
                e.seq
            ));
        }
        if e.prev_hash != prev {
            problems.push(format!(
                "audit entry {}: its previous hash does not match entry {} (the chain is broken)",
                e.seq,
                e.seq - 1
            ));
        }
        let h = entry_hash(e);
        if h != e.hash {
            problems.push(format!(
                "audit entry {} ({} by {} at {}): its contents do not match its hash (edited after it was written)",
                e.seq, e.action, e.actor, e.at
            ));
        }
        prev = e.hash.clone();
        let detail: serde_json::Value = match serde_json::from_str(&e.detail) {
            Ok(v) => v,
            Err(err) => {
                problems.push(format!("audit entry {}: detail is not JSON: {err}", e.seq));
                continue;
            }
        };
        if let Some(id) = e.ticket_id {
            let before = detail.get("before").cloned().unwrap_or_default();
            let expected = last_after.get(&id).cloned().unwrap_or_default();
            if before != expected {
                problems.push(format!(
                    "audit entry {} (VULN-{id}, {}): the ticket it changed is not the one the trail last recorded",
                    e.seq, e.action
                ));
            }
            if let Some(after) = detail.get("after") {
                last_after.insert(id, after.clone());
            }
        }
        if e.action == "scan_recorded"
            && let (Some(id), Some(d)) = (e.scan_id, detail.get("digest").and_then(|d| d.as_str()))
        {
            scan_digests.insert(id, d.to_string());
        }
    }
    for (id, t) in tickets {
        match t {
            Err(err) => problems.push(format!("VULN-{id}: stored data unreadable: {err}")),
            Ok(t) => match last_after.remove(id) {
                None => problems.push(format!("VULN-{id}: no audit entry records it")),
                Some(after) => {
                    if audited(t) != after {
                        problems.push(format!(
                            "VULN-{id}: differs from its last audit entry (changed without an audit entry)"
                        ));
                    }
                }
            },
        }
    }
    let mut gone: Vec<&i64> = last_after.keys().collect();
    gone.sort();
    for id in gone {
        problems.push(format!(
            "VULN-{id}: in the audit trail but missing from the tickets"
        ));
    }
    for (id, digest) in scans {
        match scan_digests.get(id) {
            Some(d) if d == digest => {}
            Some(_) => problems.push(format!("scan {id}: digest differs from its audit entry")),
            None => problems.push(format!("scan {id}: no audit entry records it")),
        }
    }
}
