-- Fortanix's node provisioning (POST /v1/nodes): a node is registered by name, with what its agent says of the
-- machine, before it attests; it is PROVISIONED until the first attestation under its name makes it RUNNING.
ALTER TABLE nodes DROP CONSTRAINT nodes_status_check;
ALTER TABLE nodes ADD CONSTRAINT nodes_status_check CHECK (status IN ('PROVISIONED', 'RUNNING', 'DEACTIVATED'));
ALTER TABLE nodes ALTER COLUMN platform DROP NOT NULL;
ALTER TABLE nodes ALTER COLUMN attested_at DROP NOT NULL;
ALTER TABLE nodes ADD COLUMN ipaddress text CHECK (length(ipaddress) <= 100);
ALTER TABLE nodes ADD COLUMN agent_version text CHECK (length(agent_version) <= 100);
ALTER TABLE nodes ADD COLUMN sys_info jsonb;
