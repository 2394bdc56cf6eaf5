-- An image (build): the trusted identity of one release of an app on one platform.
CREATE TABLE builds (
    id                            uuid PRIMARY KEY,
    account_id                    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id                        uuid NOT NULL REFERENCES apps (id),
    platform                      text NOT NULL CHECK (platform IN ('SGX', 'NITRO', 'ACI', 'AZURE_CVM', 'SEV_SNP', 'TDX')),
    docker_info                   jsonb,
    docker_image_name             text,
    docker_version                text,
    mrenclave                     text,
    mrsigner                      text,
    isvprodid                     integer,
    isvsvn                        integer,
    attributes                    jsonb NOT NULL DEFAULT '{}',
    advanced_settings             jsonb NOT NULL,
    launch_hint                   jsonb,
    mem_size                      bigint,
    threads                       integer,
    enable_overlay_fs_persistence boolean NOT NULL DEFAULT false,
    group_id                      uuid,
    -- SHA-256 of the canonical reference values: what an approval vote is bound to, and what makes
    -- two Azure CVM images "the same combination of PCRs".
    identity_sha256               text NOT NULL,
    status                        text NOT NULL CHECK (status IN ('PENDING', 'WHITELISTED', 'REJECTED')),
    status_updated_at             timestamptz NOT NULL,
    deployment_status             text NOT NULL CHECK (deployment_status IN ('DEPLOYED', 'UNDEPLOYED')),
    deployment_status_updated_at  timestamptz NOT NULL,
    pending_task_id               uuid,
    created_by                    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at                    timestamptz NOT NULL,
    updated_at                    timestamptz NOT NULL
);
CREATE INDEX builds_account_app ON builds (account_id, app_id);
-- The guide: an ACI image's tag is unique within its app.
CREATE UNIQUE INDEX builds_aci_tag_unique ON builds (app_id, docker_version) WHERE platform = 'ACI';
-- The guide: no two Azure CVM images may carry the exact same combination of PCR values.
CREATE UNIQUE INDEX builds_cvm_pcrs_unique ON builds (account_id, identity_sha256) WHERE platform = 'AZURE_CVM';

CREATE TABLE tasks (
    id                 uuid PRIMARY KEY,
    account_id         uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    task_type          text NOT NULL CHECK (task_type IN ('BUILD_WHITELIST', 'DOMAIN_WHITELIST')),
    entity_id          uuid NOT NULL,
    app_id             uuid REFERENCES apps (id) ON DELETE CASCADE,
    status             text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'DENIED', 'CANCELLED')),
    subject_sha256     text NOT NULL,
    description        text NOT NULL,
    requester_user_id  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL,
    status_updated_at  timestamptz NOT NULL
);
CREATE INDEX tasks_account_status ON tasks (account_id, status);
