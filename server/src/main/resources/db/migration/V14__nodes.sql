-- Nodes (Fortanix CCM's /v1/nodes): each attested workload instance, by its zone and the name its agent gives
-- (or one derived from its key). Deactivating a node revokes the certificates issued to it, and it cannot attest
-- again under that name.
CREATE TABLE nodes (
    id                 uuid PRIMARY KEY,
    account_id         uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    zone_id            uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    platform           text NOT NULL,
    app_id             uuid,
    build_id           uuid,
    measured           jsonb NOT NULL,
    status             text NOT NULL CHECK (status IN ('RUNNING', 'DEACTIVATED')),
    attestation_count  bigint NOT NULL,
    created_at         timestamptz NOT NULL,
    status_updated_at  timestamptz NOT NULL,
    attested_at        timestamptz NOT NULL
);
CREATE UNIQUE INDEX nodes_zone_name ON nodes (zone_id, lower(name));
CREATE INDEX nodes_account ON nodes (account_id, attested_at);

ALTER TABLE certificates ADD COLUMN node_id uuid REFERENCES nodes (id) ON DELETE SET NULL;
CREATE INDEX certificates_node ON certificates (node_id);
