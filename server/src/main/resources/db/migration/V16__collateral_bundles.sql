-- Keys the server itself signs with (sealed under the master key), and the collateral bundles it imported: which
-- exporting server's key signed each, and how many items it brought.
CREATE TABLE server_keys (
    name                text PRIMARY KEY,
    public_key          bytea NOT NULL,
    private_key_sealed  bytea NOT NULL,
    created_at          timestamptz NOT NULL
);

CREATE TABLE collateral_imports (
    id                  uuid PRIMARY KEY,
    account_id          uuid REFERENCES accounts (id) ON DELETE SET NULL,
    exporter_key_sha256 text NOT NULL,
    exported_at         timestamptz NOT NULL,
    items               integer NOT NULL,
    imported_at         timestamptz NOT NULL
);
