-- A responder's verdict on one "seen before?" match: helpful, or not relevant to what they
-- asked. Kept whole (who, the question as asked, the match, the verdict, when) so that the
-- host can rank with it, show it beside the match, and export it as labelled queries.
-- `query_vector` is the question's embedding as a JSON array (empty when none was made), so
-- that ranking does not embed every past question again; `model` names what made it.

CREATE TABLE seen_before_feedback (
    id           TEXT PRIMARY KEY,
    query        TEXT NOT NULL,
    incident_id  TEXT,
    match_id     TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    by_role      TEXT NOT NULL,
    at           BIGINT NOT NULL,
    query_vector TEXT NOT NULL,
    model        TEXT NOT NULL
);
CREATE INDEX seen_before_feedback_by_match ON seen_before_feedback (match_id);
