-- Approval policy: per account (group_id NULL) with optional per-group overrides.
CREATE TABLE approval_policies (
    account_id            uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_id              uuid,
    required_approvals    integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 25),
    separation_of_duties  boolean NOT NULL,
    approver_roles        text NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE UNIQUE INDEX approval_policies_scope ON approval_policies (account_id, coalesce(group_id, '00000000-0000-0000-0000-000000000000'));

-- A task keeps the policy in force when it was opened, and the exact text of what it approves.
ALTER TABLE tasks ADD COLUMN group_id uuid;
ALTER TABLE tasks ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN required_approvals integer NOT NULL DEFAULT 1;
ALTER TABLE tasks ADD COLUMN separation_of_duties boolean NOT NULL DEFAULT false;
ALTER TABLE tasks ADD COLUMN approver_roles text NOT NULL DEFAULT 'ADMIN,EDITOR';

-- One vote per user and task, bound to the digest of the values the task approves.
CREATE TABLE task_votes (
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id),
    user_email      text NOT NULL,
    role            text NOT NULL,
    api_key_id      uuid,
    decision        text NOT NULL CHECK (decision IN ('APPROVED', 'DENIED')),
    comment         text,
    subject_sha256  text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (task_id, user_id)
);

-- Each domain name an app asks for, with its approval state; only APPROVED names go into certificates.
CREATE TABLE app_domains (
    app_id             uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    name               text NOT NULL,
    status             text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    task_id            uuid NOT NULL,
    status_updated_at  timestamptz NOT NULL,
    PRIMARY KEY (app_id, name)
);

-- Append-only, hash-chained audit log: one chain per account. Each entry's hash covers its contents and the
-- previous entry's hash; audit_heads holds the newest link, so appends serialize per account and a removed
-- tail entry is detected.
CREATE TABLE audit_log (
    id                uuid PRIMARY KEY,
    account_id        uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    seq               bigint NOT NULL,
    at                timestamptz NOT NULL,
    actor_user_id     uuid,
    actor_email       text,
    actor_api_key_id  uuid,
    action            text NOT NULL,
    object_type       text NOT NULL,
    object_id         uuid,
    details           text NOT NULL,
    prev_hash         text NOT NULL,
    hash              text NOT NULL,
    UNIQUE (account_id, seq)
);
CREATE INDEX audit_log_object ON audit_log (account_id, object_id);

CREATE TABLE audit_heads (
    account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    last_seq    bigint NOT NULL,
    last_hash   text NOT NULL
);
