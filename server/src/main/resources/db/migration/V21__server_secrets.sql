-- Symmetric secrets of the server (the session-token HMAC key), sealed under the master key: in the database, so
-- that every instance of a deployment signs and accepts the same tokens.
CREATE TABLE server_secrets (
    name            text PRIMARY KEY,
    secret_sealed   bytea NOT NULL,
    created_at      timestamptz NOT NULL
);
