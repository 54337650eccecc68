-- Changes to running systems (deploys, rollbacks, configuration and feature-flag flips,
-- infrastructure changes, change freezes declared and lifted), kept per service and not per
-- incident: an incident opened later still sees the deploy made twenty minutes before it. The
-- store shows each change on the timeline of every incident whose window covers it (see
-- changes/mod.rs); nothing is copied into `timeline_events`.
--
-- `id` is chosen by the source (the generic API's client, GitHub's deployment status id, a
-- digest of an Argo CD notification), so a redelivered webhook or a re-imported file stores
-- nothing twice. Empty text means "not given". `freeze_id` is the id of the `freeze-start` in
-- force for the change's service (or for every service) when the change was stored, else ''.
CREATE TABLE changes (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    service     TEXT NOT NULL,
    environment TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          BIGINT NOT NULL,
    revision    TEXT NOT NULL,
    link        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    source      TEXT NOT NULL,
    freeze_id   TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX changes_by_time ON changes (at);
CREATE INDEX changes_by_service ON changes (service, at);
