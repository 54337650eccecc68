-- The Slack app (issue 19). Version 7 is another branch's; the gap is harmless, sqlx applies
-- whichever versions a database lacks.
--
-- Who a Slack user is in Rhyme: the admin maps a Slack user id (U0123ABC) to the name of an
-- active API token, and a button clicked or a command typed in Slack acts as that token's
-- holder, with its role, as if they had called the API. The role is read from the token at
-- each click, so revoking the token (or giving the name a new token with another role) takes
-- effect in Slack at once.
CREATE TABLE slack_users (
    slack_user_id TEXT PRIMARY KEY,
    token_name    TEXT NOT NULL,
    mapped_at     BIGINT NOT NULL,
    mapped_by     TEXT NOT NULL
);

-- The incident commander of a bound Slack channel, as given when the channel was bound:
-- who gets the channel's nudges when the timeline names no IC the Slack app can reach.
CREATE TABLE slack_channel_ics (
    channel       TEXT PRIMARY KEY,
    slack_user_id TEXT NOT NULL,
    set_at        BIGINT NOT NULL
);

-- "Not useful" said about a nudge (from its Slack button), once per person, pattern and
-- incident; counted per pattern in the nudge evaluation.
CREATE TABLE nudge_feedback (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    pattern     TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (incident_id, pattern, by_name)
);

-- Messages the Slack app posts on its own (a nudge to the IC, a draft announced in a thread):
-- the outbox of approved actions is keyed by proposal, these are not proposals. `dedupe_key`
-- says what the message is about (`nudge:{incident}:{pattern}:{episode}`), so one episode's
-- nudge is queued once however many replicas notice it; delivery is leased as in `outbox`.
-- state: due | delivered | failed.
CREATE TABLE slack_outbox (
    id              TEXT PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    incident_id     TEXT NOT NULL,
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
CREATE INDEX slack_outbox_due ON slack_outbox (state, next_attempt_at);
