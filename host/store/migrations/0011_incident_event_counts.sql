-- How many timeline events each incident holds, kept up to date by the transaction that
-- stores a batch (events.rs), so that checking a batch against the per-incident limit reads
-- one row instead of counting the incident's whole timeline once per batch. Filled here from
-- the events already stored.
CREATE TABLE incident_event_counts (
    incident_id TEXT PRIMARY KEY,
    events      BIGINT NOT NULL
);

INSERT INTO incident_event_counts (incident_id, events)
    SELECT incident_id, COUNT(*) FROM timeline_events GROUP BY incident_id;
