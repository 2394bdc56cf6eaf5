-- Saved registry credentials of an account. The password or token is sealed under the master key (AES-256-GCM,
-- bound to the registry id) and never returned by the API.
CREATE TABLE registries (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url          text NOT NULL,
    description  text,
    username     text NOT NULL,
    secret_enc   bytea,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX registries_url_unique ON registries (account_id, lower(url));
