-- Rolling an account's CA over (Fortanix's zone certificates): a NEXT CA is made and published before it is used,
-- then a rotation makes it current and keeps the old one as PREVIOUS, with its key: it still signs the CRL of the
-- certificates it issued. key_id is the CA certificate's subject key identifier (hex), as issued certificates name
-- their issuer's key (authority key identifier).
CREATE TABLE account_ca_generations (
    account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_id           text NOT NULL,
    state            text NOT NULL CHECK (state IN ('NEXT', 'PREVIOUS')),
    certificate_pem  text NOT NULL,
    private_key_enc  bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    retired_at       timestamptz,
    PRIMARY KEY (account_id, key_id)
);
CREATE UNIQUE INDEX account_ca_one_next ON account_ca_generations (account_id) WHERE state = 'NEXT';

-- Which CA issued a certificate (its key_id); NULL for certificates of the current CA issued before the first
-- rotation, which the rotation fills in.
ALTER TABLE certificates ADD COLUMN ca_key_id text;
