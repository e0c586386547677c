-- Safeguard store, schema 1. Portable SQL: the same statements create the PostgreSQL schema
-- (BIGINT ids the store assigns itself, TEXT timestamps in RFC 3339 UTC, JSON as TEXT).

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE scans (
    id              BIGINT PRIMARY KEY,
    product         TEXT NOT NULL,
    product_version TEXT,
    target          TEXT NOT NULL,
    scanned_at      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    db_newest       TEXT,
    components      BIGINT NOT NULL,
    findings        BIGINT NOT NULL,
    digest          TEXT NOT NULL UNIQUE
);

CREATE TABLE tickets (
    id         BIGINT PRIMARY KEY,
    product    TEXT NOT NULL,
    purl       TEXT NOT NULL,
    vuln_id    TEXT NOT NULL,
    status     TEXT NOT NULL,
    severity   TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    data       TEXT NOT NULL,
    UNIQUE (product, purl, vuln_id)
);
CREATE INDEX tickets_status ON tickets (product, status);

CREATE TABLE releases (
    product     TEXT NOT NULL,
    version     TEXT NOT NULL,
    released_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (product, version)
);

CREATE TABLE advisories (
    tracking_id  TEXT NOT NULL,
    version      TEXT NOT NULL,
    status       TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    tickets      TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    PRIMARY KEY (tracking_id, version)
);

-- Append-only and hash-chained: hash = SHA-256 over prev_hash and every other column
-- (see audit.rs). Nothing updates or deletes a row.
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    ticket_id BIGINT,
    scan_id   BIGINT,
    reason    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_ticket ON audit (ticket_id, seq);
