-- The audit log's hash chain (issue #13). Each security event, once sealed, carries its position in
-- the chain and SHA-256 over the previous row's hash and its own fields, so a row changed, removed
-- or moved in the database no longer matches. Rows are sealed in the order the sealer finds them
-- committed, shortly after they are written; audit_chain_head holds the last sealed position and
-- hash (and is the lock that makes sealing one-at-a-time across instances), and the anchor from
-- which verification starts once older rows have been archived and pruned.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL.
ALTER TABLE security_event ADD COLUMN chain_seq BIGINT;
ALTER TABLE security_event ADD COLUMN chain_hash VARCHAR(64);
CREATE UNIQUE INDEX security_event_chain ON security_event (chain_seq);

CREATE TABLE audit_chain_head (
    id           INTEGER PRIMARY KEY,
    seq          BIGINT       NOT NULL,
    hash         VARCHAR(64)  NOT NULL,
    anchor_seq   BIGINT       NOT NULL,
    anchor_hash  VARCHAR(64)  NOT NULL,
    sealed_at    TIMESTAMP WITH TIME ZONE
);
INSERT INTO audit_chain_head (id, seq, hash, anchor_seq, anchor_hash, sealed_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
        0, '0000000000000000000000000000000000000000000000000000000000000000', NULL);
