-- Rhyme's schema. Portable SQL: the same file runs on SQLite and PostgreSQL, so it uses only
-- TEXT, BIGINT and DOUBLE PRECISION columns, application-made ids (no autoincrement), times as
-- milliseconds since the Unix epoch, and JSON kept as TEXT.

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    service     TEXT NOT NULL,
    started     BIGINT NOT NULL,
    ended       BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- An outside key (an Alertmanager group key, a Slack channel) bound to an incident.
CREATE TABLE incident_bindings (
    source      TEXT NOT NULL,
    key         TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    bound_at    BIGINT NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE timeline_events (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    id          TEXT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);
CREATE INDEX timeline_events_by_time ON timeline_events (incident_id, at);

-- Points are a JSON array of [at, value] pairs, value null where the source had a gap.
CREATE TABLE metric_series (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    points      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (incident_id, name)
);

CREATE TABLE postmortems (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    company     TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL,
    categories  TEXT NOT NULL,
    url         TEXT UNIQUE,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE findings (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    plugin         TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
    kind           TEXT NOT NULL,
    subject        TEXT NOT NULL,
    title          TEXT NOT NULL,
    detail         TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    confidence     DOUBLE PRECISION NOT NULL,
    at             BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX findings_by_incident ON findings (incident_id, created_at);

-- state: pending | approved | rejected | withdrawn. `revision` grows with every edit, so an
-- approval counts only for the text it was given on; `touched` exists to be written first in
-- a decision, which locks the row on PostgreSQL and the database on SQLite.
CREATE TABLE proposals (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT,
    plugin         TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
    kind           TEXT NOT NULL,
    action         TEXT NOT NULL,
    title          TEXT NOT NULL,
    original_body  TEXT NOT NULL,
    body           TEXT NOT NULL,
    rationale      TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    requested_by   TEXT,
    state          TEXT NOT NULL,
    revision       BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT,
    decided_at     BIGINT,
    touched        BIGINT NOT NULL
);
CREATE INDEX proposals_by_state ON proposals (state, created_at);

-- verdict: approve | reject. `diff` is the unified diff of an edit made with the approval.
CREATE TABLE decisions (
    id          TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    reviewer    TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    revision    BIGINT NOT NULL,
    diff        TEXT,
    reason      TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX decisions_by_proposal ON decisions (proposal_id, at);

-- One row per approved suggested action (the UNIQUE proposal_id makes a second one
-- impossible). state: due | delivered | failed. A worker owns a row while lease_until is
-- in the future.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    proposal_id     TEXT NOT NULL UNIQUE REFERENCES proposals (id),
    sink            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    revoked_at  BIGINT,
    revoked_by  TEXT
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- state: acknowledged | muted. `until` bounds a mute; null means for the rest of the incident.
CREATE TABLE nudge_triage (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    pattern     TEXT NOT NULL,
    state       TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          BIGINT NOT NULL,
    until       BIGINT,
    PRIMARY KEY (incident_id, pattern)
);

-- Append-only (triggers installed by the store refuse UPDATE and DELETE). Each hash covers
-- the previous hash and the entry, so a removed or altered entry breaks the chain.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    role       TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

-- The chain's newest seq and hash: written first by every append (so appends queue up one
-- at a time) and compared by `verify`, which is how a removed tail is noticed.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
