-- Single-use nonces for fresh attestation (POST /v1/attestation/challenge). Only the SHA-256 of a nonce is kept;
-- used_at is set once, atomically, by the attestation that consumes it.
CREATE TABLE attestation_challenges (
    nonce_sha256 text PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);

CREATE INDEX attestation_challenges_expiry ON attestation_challenges (expires_at);
