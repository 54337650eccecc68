-- Action items promised in a postmortem, kept from the moment its draft is approved until
-- someone verifies the change had its effect, or drops it with a reason. One row per item; an
-- item missing some of the five elements (owner, verb, outcome, ticket, deadline) is kept, with
-- what it lacks in `missing` (comma-separated, spec order).
--
-- `postmortem_id` is the approved proposal's id; `source` says where the item was read
-- (`proposal` today; kept so that imported postmortems can be told apart later). `service` is
-- the incident's, copied so that the next incident of that service can be told about overdue
-- items. `ticket_key` is the ticket as trackers name it (an upper-case key such as `OPS-12`, or
-- an issue link, lower-cased, without scheme, query or trailing slash), what a tracker's
-- webhook is matched on. `due_at`: the end of the deadline's last day (UTC, epoch
-- milliseconds), when the deadline reads as a dated day. `status`: planned | in-progress | done
-- | verified | dropped; `status_reason` is required for dropped. Every change is also an entry
-- in the audit log.
CREATE TABLE action_items (
    id            TEXT PRIMARY KEY,
    postmortem_id TEXT NOT NULL,
    source        TEXT NOT NULL,
    incident_id   TEXT,
    service       TEXT,
    line          BIGINT NOT NULL,
    text          TEXT NOT NULL,
    owner         TEXT,
    verb          TEXT,
    ticket        TEXT,
    ticket_key    TEXT,
    deadline      TEXT,
    due_at        BIGINT,
    missing       TEXT NOT NULL,
    status        TEXT NOT NULL,
    status_reason TEXT,
    status_by     TEXT,
    status_at     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (postmortem_id, text)
);
CREATE INDEX action_items_by_incident ON action_items (incident_id);
CREATE INDEX action_items_by_ticket ON action_items (ticket_key);
CREATE INDEX action_items_by_service ON action_items (service, status);

-- Tracker webhook deliveries already handled, by the sender's delivery id
-- (`X-GitHub-Delivery`, `X-Atlassian-Webhook-Identifier`): a replayed delivery changes nothing.
CREATE TABLE tracker_deliveries (
    source      TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (source, delivery_id)
);
