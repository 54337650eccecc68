-- The working text of a pending proposal changes before anyone decides: a reviewer saves an
-- edit, or regenerates one section of a draft. Each change is one row, newest revision last,
-- so the history survives until (and after) the decision. `change`: edit | regenerate;
-- `section` names the regenerated section; `diff` is the unified diff from the text before.
CREATE TABLE proposal_revisions (
    id          TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    revision    BIGINT NOT NULL,
    author      TEXT NOT NULL,
    change      TEXT NOT NULL,
    section     TEXT,
    diff        TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX proposal_revisions_by_proposal ON proposal_revisions (proposal_id, revision);
