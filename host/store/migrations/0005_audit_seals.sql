-- Seals of the audit chain made with the operator's key (see audit/seal.rs): entry `seq` had
-- `hash` at `at`, and `mac` is HMAC-SHA256 of the three under the key whose id is `key_id`.
-- The key itself is never stored. A seal is proof because nobody without the key can make one,
-- not because this table is guarded: deleting seals only makes `verify` prove less, and it
-- says so.
CREATE TABLE audit_seals (
    seq    BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    hash   TEXT NOT NULL,
    at     BIGINT NOT NULL,
    mac    TEXT NOT NULL,
    PRIMARY KEY (seq, key_id)
);
