-- Zones (Fortanix CCM's /v1/zones): where workloads enrol. Each account has one default zone, whose CA is the
-- account's CA. Join tokens authorise workloads to attest into one zone and nothing else; only the SHA-256 of a
-- token's secret is kept.
CREATE TABLE zones (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description  text CHECK (length(description) <= 1000),
    is_default   boolean NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX zones_one_default ON zones (account_id) WHERE is_default;
CREATE UNIQUE INDEX zones_name_unique ON zones (account_id, lower(name));

INSERT INTO zones (id, account_id, name, description, is_default, created_at)
SELECT gen_random_uuid(), id, 'default', 'The account''s default zone', true, now() FROM accounts;

CREATE TABLE zone_join_tokens (
    id            uuid PRIMARY KEY,
    zone_id       uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    secret_sha256 text NOT NULL UNIQUE,
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    rotated_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
CREATE INDEX zone_join_tokens_by_zone ON zone_join_tokens (zone_id);
