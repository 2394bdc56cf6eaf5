-- Deleting an account removes everything in it, its audit chain included; what stays is this record of the deletion:
-- who deleted it, when, and the chain's last link (seq and hash), against which exported copies of the chain and its
-- signed checkpoints can still be checked.
CREATE TABLE deleted_accounts (
    account_id         uuid PRIMARY KEY,
    name               text NOT NULL,
    created_at         timestamptz NOT NULL,
    deleted_at         timestamptz NOT NULL,
    deleted_by         uuid,
    deleted_by_email   text,
    audit_last_seq     bigint,
    audit_last_hash    text
);

-- A deleted user keeps its row (votes, audit entries and tasks refer to it) with its e-mail, names and password
-- gone: the e-mail is free again, nobody can log in as it.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
