-- Plugin runs owed for what was stored. A row is written in the same transaction as the events
-- or series it is about, so an acknowledged write never loses its plugin run to a crash; it is
-- deleted once every subscribed plugin has been called on it. A replica holds the rows it is
-- working on under a lease (lease_owner, lease_until) that it renews; when a replica dies, its
-- leases run out and another replica (or the restarted one) takes the rows over.
CREATE TABLE plugin_jobs (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incidents (id),
    -- 'events' (subjects: the event ids, in batch order) or 'series' (subjects: [its name]).
    work         TEXT NOT NULL,
    subjects     TEXT NOT NULL,
    requested_by TEXT,
    created_at   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT NOT NULL
);
CREATE INDEX plugin_jobs_by_lease ON plugin_jobs (lease_until, created_at);

-- One plugin's part of a job (step: the event's place in the batch; 0 for a series), written
-- in the same transaction as that plugin's findings and proposals, so a job taken over after a
-- crash calls again only the plugins whose results were not stored, and stores nothing twice.
CREATE TABLE plugin_job_steps (
    job_id  TEXT NOT NULL REFERENCES plugin_jobs (id) ON DELETE CASCADE,
    step    BIGINT NOT NULL,
    plugin  TEXT NOT NULL,
    done_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, step, plugin)
);
