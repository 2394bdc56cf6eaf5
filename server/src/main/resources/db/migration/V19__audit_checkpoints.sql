-- Signed checkpoints of each account's audit chain (its head hash and length at an instant), made at a fixed
-- interval and on demand with the server's audit-checkpoint key: a history rewritten in the database, hashes
-- recomputed, no longer matches a checkpoint signed before, and a receipt verifies one entry offline.
CREATE TABLE audit_checkpoints (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    seq         bigint NOT NULL,
    head_hash   text NOT NULL,
    at          timestamptz NOT NULL,
    signature   bytea NOT NULL,
    key_sha256  text NOT NULL,
    UNIQUE (account_id, seq)
);
