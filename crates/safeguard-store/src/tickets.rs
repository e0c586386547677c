//! Tickets from scans, triage decisions, releases and advisories.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use safeguard_handling::model::{
    Acceptance, Justification, Severity, Status, StatusChange, Ticket,
};
use safeguard_vulndb::cvss::Rating;
use safeguard_vulndb::finding::Finding;
use serde::Serialize;
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::audit::{self, Chain, NewEntry, VerifyReport, audited};
use crate::{Store, StoreError, classify, col, db_err, fmt_time, parse_time};

/// A scan to record.
#[derive(Debug, Clone)]
pub struct ScanInput {
    /// The product the scan describes.
    pub product: String,
    pub product_version: Option<String>,
    /// What was scanned (a folder or an SBOM file).
    pub target: String,
    pub scanned_at: OffsetDateTime,
    /// The vulnerability database's newest record.
    pub db_newest: Option<OffsetDateTime>,
    pub components: u64,
    pub findings: Vec<Finding>,
    /// SHA-256 of the scan report: the same report is recorded once.
    pub digest: String,
    /// Every input was read. An incomplete scan (an unreadable lockfile, say) records what it
    /// found but closes no ticket: a missing finding may just be an unread file.
    pub complete: bool,
}

/// What recording a scan changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordOutcome {
    pub scan_id: i64,
    /// Set when this very report was recorded before (as that scan); nothing changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_recorded: Option<i64>,
    pub created: Vec<i64>,
    pub seen_again: u64,
    pub reopened: Vec<i64>,
    /// Closed as fixed: open tickets of the product this scan no longer shows.
    pub fixed: Vec<i64>,
    /// Findings a VEX statement or ignore entry suppressed, for which no ticket exists.
    pub suppressed_without_ticket: u64,
    /// The scan was incomplete, so no ticket was closed.
    pub closing_skipped: bool,
}

/// A recorded scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanRecord {
    pub id: i64,
    pub product: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_version: Option<String>,
    pub target: String,
    pub scanned_at: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub components: i64,
    pub findings: i64,
    pub digest: String,
}

/// A triage decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage {
    pub status: Status,
    pub justification: Option<Justification>,
    /// The impact statement (not_affected) or action statement (affected, accepted).
    pub statement: Option<String>,
    /// For `accepted`: who approved the risk, and until when.
    pub approver: Option<String>,
    pub expires: Option<OffsetDateTime>,
    /// Why: required, it goes into the audit trail.
    pub reason: String,
}

/// What recording a release changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseOutcome {
    pub product: String,
    pub version: String,
    pub released_at: String,
    /// Fixed tickets whose fix this release shipped.
    pub tickets: Vec<i64>,
}

/// An advisory that was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvisoryRecord {
    pub tracking_id: String,
    pub version: String,
    /// CSAF `tracking.status`: draft, interim or final.
    pub status: String,
    pub issued_at: String,
    pub recorded_by: String,
    pub tickets: Vec<i64>,
    /// SHA-256 of the advisory document.
    pub sha256: String,
}

/// Which tickets to list.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub product: Option<String>,
    pub statuses: Vec<Status>,
    pub severities: Vec<Severity>,
}

fn severity_of(f: &Finding) -> Severity {
    match f.severity.rating {
        None => Severity::Unknown,
        Some(Rating::None) => Severity::None,
        Some(Rating::Low) => Severity::Low,
        Some(Rating::Medium) => Severity::Medium,
        Some(Rating::High) => Severity::High,
        Some(Rating::Critical) => Severity::Critical,
    }
}

/// `VULN-12`, `vuln-12` or `12`.
pub fn parse_ticket_id(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t
        .strip_prefix("VULN-")
        .or_else(|| t.strip_prefix("vuln-"))
        .unwrap_or(t);
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The audit row of a change to one ticket: its audited fields before and after.
fn ticket_change<'a>(
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    scan_id: Option<i64>,
    reason: &'a str,
    before: Option<&Ticket>,
    after: &Ticket,
) -> NewEntry<'a> {
    NewEntry {
        at,
        actor,
        action,
        ticket_id: Some(after.id),
        scan_id,
        reason,
        detail: to_json(&serde_json::json!({
            "before": before.map(audited),
            "after": audited(after),
        })),
    }
}

async fn save_ticket(
    conn: &mut SqliteConnection,
    path: &Path,
    t: &Ticket,
    insert: bool,
) -> Result<(), StoreError> {
    let q = if insert {
        "INSERT INTO tickets (id, product, purl, vuln_id, status, severity, first_seen, last_seen, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    } else {
        "UPDATE tickets SET product = $2, purl = $3, vuln_id = $4, status = $5, severity = $6, first_seen = $7, last_seen = $8, data = $9 WHERE id = $1"
    };
    sqlx::query(q)
        .bind(t.id)
        .bind(&t.product)
        .bind(&t.purl)
        .bind(&t.vuln_id)
        .bind(t.status.as_str())
        .bind(t.severity.as_str())
        .bind(fmt_time(t.first_seen))
        .bind(fmt_time(t.last_seen))
        .bind(to_json(t))
        .execute(&mut *conn)
        .await
        .map_err(|e| db_err(path, e))?;
    Ok(())
}

async fn load_tickets(
    conn: &mut SqliteConnection,
    path: &Path,
    product: Option<&str>,
) -> Result<Vec<(i64, Result<Ticket, String>)>, StoreError> {
    let rows: Vec<(i64, String)> = match product {
        Some(p) => {
            sqlx::query_as("SELECT id, data FROM tickets WHERE product = $1 ORDER BY id")
                .bind(p)
                .fetch_all(&mut *conn)
                .await
        }
        None => {
            sqlx::query_as("SELECT id, data FROM tickets ORDER BY id")
                .fetch_all(&mut *conn)
                .await
        }
    }
    .map_err(|e| classify(path, e))?;
    Ok(rows
        .into_iter()
        .map(|(id, data)| {
            let t = serde_json::from_str::<Ticket>(&data)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    if t.id == id {
                        Ok(t)
                    } else {
                        Err(format!("its data says VULN-{}", t.id))
                    }
                });
            (id, t)
        })
        .collect())
}

fn readable(
    path: &Path,
    rows: Vec<(i64, Result<Ticket, String>)>,
) -> Result<Vec<Ticket>, StoreError> {
    rows.into_iter()
        .map(|(id, t)| {
            t.map_err(|e| StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("VULN-{id}: {e}"),
            })
        })
        .collect()
}

async fn next_id(conn: &mut SqliteConnection, path: &Path, table: &str) -> Result<i64, StoreError> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| classify(path, e))?;
    Ok(max.unwrap_or(0) + 1)
}

impl Store {
    /// Record a scan: new findings become tickets, findings seen before refresh theirs, fixed
    /// tickets seen again reopen, and open tickets of the product the scan no longer shows
    /// close as fixed, citing this scan. Informational advisories (RustSec `unmaintained`,
    /// `unsound`, `notice`) make no tickets. A finding a VEX statement or ignore entry
    /// suppresses keeps its existing ticket alive but makes no new one.
    pub fn record_scan(
        &mut self,
        input: &ScanInput,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<RecordOutcome, StoreError> {
        let path = self.path.clone();
        self.write(|conn, rt| {
            rt.block_on(async {
                let p = path.as_path();
                let earlier: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM scans WHERE digest = $1")
                        .bind(&input.digest)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(|e| classify(p, e))?;
                if let Some(id) = earlier {
                    return Ok(RecordOutcome {
                        scan_id: id,
                        already_recorded: Some(id),
                        ..RecordOutcome::default()
                    });
                }
                let at = fmt_time(now);
                let seen = input.scanned_at;
                let scan_id = next_id(conn, p, "scans").await?;
                let vulnerable: Vec<&Finding> = input
                    .findings
                    .iter()
                    .filter(|f| f.informational.is_none())
                    .collect();
                sqlx::query(
                    "INSERT INTO scans (id, product, product_version, target, scanned_at, recorded_at, recorded_by, db_newest, components, findings, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(scan_id)
                .bind(&input.product)
                .bind(&input.product_version)
                .bind(&input.target)
                .bind(fmt_time(seen))
                .bind(&at)
                .bind(actor)
                .bind(input.db_newest.map(fmt_time))
                .bind(input.components as i64)
                .bind(vulnerable.len() as i64)
                .bind(&input.digest)
                .execute(&mut *conn)
                .await
                .map_err(|e| db_err(p, e))?;
                let mut chain = Chain::load(conn, p).await?;
                chain
                    .append(
                        conn,
                        p,
                        NewEntry {
                            at: &at,
                            actor,
                            action: "scan_recorded",
                            ticket_id: None,
                            scan_id: Some(scan_id),
                            reason: "",
                            detail: to_json(&serde_json::json!({
                                "product": input.product,
                                "target": input.target,
                                "scanned_at": fmt_time(seen),
                                "findings": vulnerable.len(),
                                "digest": input.digest,
                            })),
                        },
                    )
                    .await?;

                let existing = readable(p, load_tickets(conn, p, Some(&input.product)).await?)?;
                let mut by_key: HashMap<(String, String), Ticket> = existing
                    .into_iter()
                    .map(|t| ((t.purl.clone(), t.vuln_id.clone()), t))
                    .collect();
                let mut next = next_id(conn, p, "tickets").await?;
                let mut out = RecordOutcome {
                    scan_id,
                    ..RecordOutcome::default()
                };
                let mut present: HashSet<(String, String)> = HashSet::new();
                for f in &vulnerable {
                    let key = (f.component.purl.clone(), f.id.clone());
                    if !present.insert(key.clone()) {
                        continue;
                    }
                    let severity = severity_of(f);
                    match by_key.get_mut(&key) {
                        Some(t) => {
                            let before = t.clone();
                            t.last_seen = t.last_seen.max(seen);
                            t.last_scan = scan_id;
                            t.product_version = input.product_version.clone();
                            t.aliases = f.aliases.clone();
                            t.summary = f.summary.clone();
                            t.cvss_score = f.severity.score;
                            t.cvss_vector = f.severity.vector.clone();
                            t.fixed_versions = f.fixed_versions.clone();
                            t.references = f.references.clone();
                            let mut action = None;
                            if t.status == Status::Fixed && f.suppressed.is_none() {
                                t.status = Status::Affected;
                                t.fixed_at = None;
                                t.fixed_by_scan = None;
                                t.released_in = None;
                                t.released_at = None;
                                t.history.push(StatusChange {
                                    at: seen,
                                    status: Status::Affected,
                                    accepted_until: None,
                                    by: "scan".into(),
                                });
                                out.reopened.push(t.id);
                                action = Some("reopened");
                            } else if t.severity != severity {
                                action = Some("severity_changed");
                            }
                            t.severity = severity;
                            if let Some(action) = action {
                                chain
                                    .append(
                                        conn,
                                        p,
                                        ticket_change(&at, actor, action, Some(scan_id), &format!("seen by scan {scan_id}"), Some(&before), t),
                                    )
                                    .await?;
                            } else {
                                out.seen_again += 1;
                            }
                            save_ticket(conn, p, t, false).await?;
                        }
                        None if f.suppressed.is_some() => out.suppressed_without_ticket += 1,
                        None => {
                            let t = Ticket {
                                id: next,
                                product: input.product.clone(),
                                product_version: input.product_version.clone(),
                                purl: key.0.clone(),
                                vuln_id: key.1.clone(),
                                aliases: f.aliases.clone(),
                                summary: f.summary.clone(),
                                severity,
                                cvss_score: f.severity.score,
                                cvss_vector: f.severity.vector.clone(),
                                fixed_versions: f.fixed_versions.clone(),
                                references: f.references.clone(),
                                published: f.published,
                                first_seen: seen,
                                last_seen: seen,
                                first_scan: scan_id,
                                last_scan: scan_id,
                                status: Status::UnderInvestigation,
                                justification: None,
                                statement: None,
                                acceptance: None,
                                triaged_at: None,
                                fixed_at: None,
                                fixed_by_scan: None,
                                released_in: None,
                                released_at: None,
                                history: vec![StatusChange {
                                    at: seen,
                                    status: Status::UnderInvestigation,
                                    accepted_until: None,
                                    by: "scan".into(),
                                }],
                            };
                            next += 1;
                            save_ticket(conn, p, &t, true).await?;
                            chain
                                .append(
                                    conn,
                                    p,
                                    ticket_change(&at, actor, "created", Some(scan_id), &format!("found by scan {scan_id}"), None, &t),
                                )
                                .await?;
                            out.created.push(t.id);
                            by_key.insert(key, t);
                        }
                    }
                }
                out.closing_skipped = !input.complete;
                let mut gone: Vec<&mut Ticket> = by_key
                    .values_mut()
                    .filter(|t| {
                        input.complete
                            && t.status.is_open()
                            && !present.contains(&(t.purl.clone(), t.vuln_id.clone()))
                    })
                    .collect();
                gone.sort_by_key(|t| t.id);
                for t in gone {
                    let before = t.clone();
                    t.status = Status::Fixed;
                    t.fixed_at = Some(seen);
                    t.fixed_by_scan = Some(scan_id);
                    t.acceptance = None;
                    t.history.push(StatusChange {
                        at: seen,
                        status: Status::Fixed,
                        accepted_until: None,
                        by: "scan".into(),
                    });
                    save_ticket(conn, p, t, false).await?;
                    chain
                        .append(
                            conn,
                            p,
                            ticket_change(&at, actor, "fixed_by_scan", Some(scan_id), &format!("not found by scan {scan_id}"), Some(&before), t),
                        )
                        .await?;
                    out.fixed.push(t.id);
                }
                Ok(out)
            })
        })
    }

    /// Record a triage decision on ticket `id`.
    pub fn triage(
        &mut self,
        id: i64,
        d: &Triage,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Ticket, StoreError> {
        if d.reason.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a reason is required: it goes into the audit trail".into(),
            ));
        }
        if actor.trim().is_empty() {
            return Err(StoreError::Invalid("who decides is required (--by)".into()));
        }
        let statement = d
            .statement
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        match d.status {
            Status::NotAffected if d.justification.is_none() && statement.is_none() => {
                return Err(StoreError::Invalid(
                    "not_affected needs a justification (--justification) or an impact statement (--statement), as VEX requires".into(),
                ));
            }
            Status::Accepted => {
                if d.approver.as_deref().is_none_or(|a| a.trim().is_empty()) {
                    return Err(StoreError::Invalid(
                        "accepting a risk needs an approver (--approver)".into(),
                    ));
                }
                match d.expires {
                    None => {
                        return Err(StoreError::Invalid(
                            "accepting a risk needs an expiry (--expires)".into(),
                        ));
                    }
                    Some(e) if e <= now => {
                        return Err(StoreError::Invalid(format!(
                            "the acceptance would expire at {}, which is not in the future",
                            fmt_time(e)
                        )));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        if d.justification.is_some() && d.status != Status::NotAffected {
            return Err(StoreError::Invalid(
                "a justification goes with not_affected only".into(),
            ));
        }
        let path = self.path.clone();
        self.write(|conn, rt| {
            rt.block_on(async {
                let p = path.as_path();
                let data: Option<String> =
                    sqlx::query_scalar("SELECT data FROM tickets WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(|e| classify(p, e))?;
                let data = data.ok_or_else(|| StoreError::UnknownTicket(format!("VULN-{id}")))?;
                let mut t: Ticket =
                    serde_json::from_str(&data).map_err(|e| StoreError::Corrupt {
                        path: path.clone(),
                        detail: format!("VULN-{id}: {e}"),
                    })?;
                let before = t.clone();
                t.status = d.status;
                t.justification = d.justification;
                t.statement = statement.clone();
                t.acceptance = match (d.status, &d.approver, d.expires) {
                    (Status::Accepted, Some(a), Some(e)) => Some(Acceptance {
                        approver: a.trim().to_string(),
                        expires: e,
                        reason: d.reason.trim().to_string(),
                    }),
                    _ => None,
                };
                if t.status == before.status
                    && t.justification == before.justification
                    && t.statement == before.statement
                    && t.acceptance == before.acceptance
                {
                    return Err(StoreError::Invalid(format!(
                        "VULN-{id} is already {} with these details: nothing to change",
                        t.status.as_str()
                    )));
                }
                t.triaged_at.get_or_insert(now);
                if t.status == Status::Fixed {
                    if before.status != Status::Fixed {
                        t.fixed_at = Some(now);
                        t.fixed_by_scan = None;
                    }
                } else {
                    t.fixed_at = None;
                    t.fixed_by_scan = None;
                    t.released_in = None;
                    t.released_at = None;
                }
                t.history.push(StatusChange {
                    at: now,
                    status: t.status,
                    accepted_until: t.acceptance.as_ref().map(|a| a.expires),
                    by: actor.to_string(),
                });
                save_ticket(conn, p, &t, false).await?;
                let mut chain = Chain::load(conn, p).await?;
                chain
                    .append(
                        conn,
                        p,
                        ticket_change(
                            &fmt_time(now),
                            actor,
                            "triaged",
                            None,
                            d.reason.trim(),
                            Some(&before),
                            &t,
                        ),
                    )
                    .await?;
                Ok(t)
            })
        })
    }

    /// Record that `version` of `product` was released at `at`: every fixed ticket of the
    /// product fixed by then and not yet released is marked as shipped in it (claim 3.5.1
    /// measures fix → release).
    pub fn record_release(
        &mut self,
        product: &str,
        version: &str,
        at: OffsetDateTime,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ReleaseOutcome, StoreError> {
        if version.trim().is_empty() {
            return Err(StoreError::Invalid("the release needs a version".into()));
        }
        let path = self.path.clone();
        self.write(|conn, rt| {
            rt.block_on(async {
                let p = path.as_path();
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT released_at FROM releases WHERE product = $1 AND version = $2",
                )
                .bind(product)
                .bind(version)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| classify(p, e))?;
                if let Some(when) = exists {
                    return Err(StoreError::Invalid(format!(
                        "{product} {version} was already recorded as released at {when}"
                    )));
                }
                let stamp = fmt_time(now);
                sqlx::query(
                    "INSERT INTO releases (product, version, released_at, recorded_by) VALUES ($1, $2, $3, $4)",
                )
                .bind(product)
                .bind(version)
                .bind(fmt_time(at))
                .bind(actor)
                .execute(&mut *conn)
                .await
                .map_err(|e| db_err(p, e))?;
                let mut chain = Chain::load(conn, p).await?;
                chain
                    .append(
                        conn,
                        p,
                        NewEntry {
                            at: &stamp,
                            actor,
                            action: "release_recorded",
                            ticket_id: None,
                            scan_id: None,
                            reason: "",
                            detail: to_json(&serde_json::json!({
                                "product": product, "version": version, "released_at": fmt_time(at),
                            })),
                        },
                    )
                    .await?;
                let mut shipped = Vec::new();
                for mut t in readable(p, load_tickets(conn, p, Some(product)).await?)? {
                    if t.status != Status::Fixed
                        || t.released_in.is_some()
                        || t.fixed_at.is_none_or(|f| f > at)
                    {
                        continue;
                    }
                    let before = t.clone();
                    t.released_in = Some(version.to_string());
                    t.released_at = Some(at);
                    save_ticket(conn, p, &t, false).await?;
                    chain
                        .append(
                            conn,
                            p,
                            ticket_change(&stamp, actor, "released", None, &format!("fix shipped in {product} {version}"), Some(&before), &t),
                        )
                        .await?;
                    shipped.push(t.id);
                }
                Ok(ReleaseOutcome {
                    product: product.to_string(),
                    version: version.to_string(),
                    released_at: fmt_time(at),
                    tickets: shipped,
                })
            })
        })
    }

    /// Record an issued advisory (claims 3.4.1 and 3.4.2).
    pub fn record_advisory(&mut self, rec: &AdvisoryRecord) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.write(|conn, rt| {
            rt.block_on(async {
                let p = path.as_path();
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT sha256 FROM advisories WHERE tracking_id = $1 AND version = $2",
                )
                .bind(&rec.tracking_id)
                .bind(&rec.version)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| classify(p, e))?;
                match exists {
                    Some(sum) if sum == rec.sha256 => return Ok(()),
                    Some(_) => {
                        return Err(StoreError::Invalid(format!(
                            "advisory {} version {} was recorded before with other contents: give it a new version",
                            rec.tracking_id, rec.version
                        )));
                    }
                    None => {}
                }
                sqlx::query(
                    "INSERT INTO advisories (tracking_id, version, status, issued_at, recorded_by, tickets, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&rec.tracking_id)
                .bind(&rec.version)
                .bind(&rec.status)
                .bind(&rec.issued_at)
                .bind(&rec.recorded_by)
                .bind(to_json(&rec.tickets))
                .bind(&rec.sha256)
                .execute(&mut *conn)
                .await
                .map_err(|e| db_err(p, e))?;
                let mut chain = Chain::load(conn, p).await?;
                chain
                    .append(
                        conn,
                        p,
                        NewEntry {
                            at: &rec.issued_at,
                            actor: &rec.recorded_by,
                            action: "advisory_recorded",
                            ticket_id: None,
                            scan_id: None,
                            reason: "",
                            detail: to_json(rec),
                        },
                    )
                    .await?;
                Ok(())
            })
        })
    }

    /// Tickets matching `filter`, by id.
    pub fn tickets(&mut self, filter: &TicketFilter) -> Result<Vec<Ticket>, StoreError> {
        let path = self.path.clone();
        let rows = self.rt.block_on(load_tickets(
            &mut self.conn,
            &path,
            filter.product.as_deref(),
        ))?;
        Ok(readable(&path, rows)?
            .into_iter()
            .filter(|t| filter.statuses.is_empty() || filter.statuses.contains(&t.status))
            .filter(|t| filter.severities.is_empty() || filter.severities.contains(&t.severity))
            .collect())
    }

    /// One ticket.
    pub fn ticket(&mut self, id: i64) -> Result<Ticket, StoreError> {
        let path = self.path.clone();
        let data: Option<String> = self
            .rt
            .block_on(
                sqlx::query_scalar("SELECT data FROM tickets WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut self.conn),
            )
            .map_err(|e| classify(&path, e))?;
        let data = data.ok_or_else(|| StoreError::UnknownTicket(format!("VULN-{id}")))?;
        serde_json::from_str(&data).map_err(|e| StoreError::Corrupt {
            path,
            detail: format!("VULN-{id}: {e}"),
        })
    }

    /// The audit trail, of one ticket or of everything.
    pub fn audit(&mut self, ticket: Option<i64>) -> Result<Vec<audit::AuditEntry>, StoreError> {
        let path = self.path.clone();
        self.rt
            .block_on(audit::entries(&mut self.conn, &path, ticket))
    }

    /// Recorded scans, oldest first.
    pub fn scans(&mut self) -> Result<Vec<ScanRecord>, StoreError> {
        let path = self.path.clone();
        let rows = self
            .rt
            .block_on(sqlx::query("SELECT * FROM scans ORDER BY id").fetch_all(&mut self.conn))
            .map_err(|e| classify(&path, e))?;
        rows.iter()
            .map(|r| {
                Ok(ScanRecord {
                    id: col(&path, r, "id")?,
                    product: col(&path, r, "product")?,
                    product_version: col(&path, r, "product_version")?,
                    target: col(&path, r, "target")?,
                    scanned_at: col(&path, r, "scanned_at")?,
                    recorded_at: col(&path, r, "recorded_at")?,
                    recorded_by: col(&path, r, "recorded_by")?,
                    components: col(&path, r, "components")?,
                    findings: col(&path, r, "findings")?,
                    digest: col(&path, r, "digest")?,
                })
            })
            .collect()
    }

    /// Issued advisories, by tracking id and version.
    pub fn advisories(&mut self) -> Result<Vec<AdvisoryRecord>, StoreError> {
        let path = self.path.clone();
        let rows = self
            .rt
            .block_on(
                sqlx::query("SELECT * FROM advisories ORDER BY tracking_id, version")
                    .fetch_all(&mut self.conn),
            )
            .map_err(|e| classify(&path, e))?;
        rows.iter()
            .map(|r| {
                let tickets: String = col(&path, r, "tickets")?;
                Ok(AdvisoryRecord {
                    tracking_id: col(&path, r, "tracking_id")?,
                    version: col(&path, r, "version")?,
                    status: col(&path, r, "status")?,
                    issued_at: col(&path, r, "issued_at")?,
                    recorded_by: col(&path, r, "recorded_by")?,
                    tickets: serde_json::from_str(&tickets).map_err(|e| StoreError::Corrupt {
                        path: path.clone(),
                        detail: format!("advisories.tickets: {e}"),
                    })?,
                    sha256: col(&path, r, "sha256")?,
                })
            })
            .collect()
    }

    /// Releases recorded for `product`: (version, released at), oldest first.
    pub fn releases(&mut self, product: &str) -> Result<Vec<(String, OffsetDateTime)>, StoreError> {
        let path = self.path.clone();
        let rows: Vec<(String, String)> = self
            .rt
            .block_on(
                sqlx::query_as(
                    "SELECT version, released_at FROM releases WHERE product = $1 ORDER BY released_at, version",
                )
                .bind(product)
                .fetch_all(&mut self.conn),
            )
            .map_err(|e| classify(&path, e))?;
        rows.into_iter()
            .map(|(v, t)| Ok((v, parse_time(&path, &t)?)))
            .collect()
    }

    /// Check the database file, the audit chain, and every ticket and scan against the trail.
    pub fn verify(&mut self) -> Result<VerifyReport, StoreError> {
        let path = self.path.clone();
        let p = path.as_path();
        self.rt.block_on(async {
            let conn = &mut self.conn;
            let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| classify(p, e))?;
            let entries = audit::entries(conn, p, None).await?;
            let tickets = load_tickets(conn, p, None).await?;
            let scans: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, digest FROM scans ORDER BY id")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| classify(p, e))?;
            let mut problems = Vec::new();
            audit::check(&entries, &tickets, &scans, &mut problems);
            Ok(VerifyReport {
                store: path.display().to_string(),
                integrity: integrity.join("; "),
                entries: entries.len() as u64,
                tickets: tickets.len() as u64,
                scans: scans.len() as u64,
                head: entries.last().map(|e| e.hash.clone()),
                problems,
            })
        })
    }
}
