-- The Slack app's threads (issue 19). Version 9 is another branch's; the gap is harmless,
-- sqlx applies whichever versions a database lacks.
--
-- The thread of an incident in a bound channel: drafts are announced there, not in the
-- channel itself. `thread_ts` is the `ts` of the thread's parent message; `source` says how it
-- was found (`timeline`: the first message of the channel in the incident's timeline).
CREATE TABLE slack_threads (
    channel     TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    thread_ts   TEXT NOT NULL,
    source      TEXT NOT NULL,
    set_at      BIGINT NOT NULL,
    PRIMARY KEY (channel, incident_id)
);

-- The `ts` Slack gave a posted message (`ts` of chat.postMessage, `message_ts` of
-- chat.postEphemeral), so that a later chat.update can name the message it replaces.
ALTER TABLE slack_outbox ADD COLUMN posted_ts TEXT;
