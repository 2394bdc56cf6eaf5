-- Accounts are the tenants: every other object belongs to exactly one.
CREATE TABLE accounts (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX accounts_name_unique ON accounts (lower(name));

CREATE TABLE users (
    id                 uuid PRIMARY KEY,
    email              text NOT NULL,
    password_hash      text NOT NULL,
    first_name         text,
    last_name          text,
    created_at         timestamptz NOT NULL,
    last_logged_in_at  timestamptz
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

-- A user may work in several accounts, with one role in each.
CREATE TABLE account_members (
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('ADMIN', 'EDITOR', 'VIEWER')),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, user_id)
);

-- Server-side sessions behind the bearer tokens: selecting an account and logging out change this row.
CREATE TABLE sessions (
    id                   uuid PRIMARY KEY,
    user_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    selected_account_id  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL,
    expires_at           timestamptz NOT NULL,
    terminated_at        timestamptz
);

-- API keys act in one account with a fixed role; only a SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_by    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('ADMIN', 'EDITOR', 'VIEWER')),
    secret_sha256 bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
