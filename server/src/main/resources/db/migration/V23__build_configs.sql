-- Fortanix CCM's build configs (PATCH /v1/builds/{id}): application configurations attached to an image, kept as
-- sent; OpenCCM does not deliver them to workloads.
ALTER TABLE builds ADD COLUMN configs jsonb NOT NULL DEFAULT '{}';
