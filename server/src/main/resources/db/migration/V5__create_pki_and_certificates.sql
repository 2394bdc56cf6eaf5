-- Each account's own certificate authority. The private key is stored encrypted (AES-256-GCM) under the
-- server master key, with the account id as associated data so a key cannot be moved to another account.
CREATE TABLE account_cas (
    account_id       uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    certificate_pem  text NOT NULL,
    private_key_enc  bytea NOT NULL,
    created_at       timestamptz NOT NULL
);

-- Certificates issued to attested workloads.
CREATE TABLE certificates (
    id                 uuid PRIMARY KEY,
    account_id         uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    serial             text NOT NULL,
    app_id             uuid NOT NULL,
    build_id           uuid NOT NULL,
    platform           text NOT NULL,
    subject            text NOT NULL,
    dns_names          jsonb NOT NULL,
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL,
    certificate_pem    text NOT NULL,
    revoked_at         timestamptz,
    revocation_reason  text,
    created_at         timestamptz NOT NULL,
    UNIQUE (account_id, serial)
);
CREATE INDEX certificates_account ON certificates (account_id, created_at);
