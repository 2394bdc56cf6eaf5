CREATE TABLE apps (
    id                      uuid PRIMARY KEY,
    account_id              uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name                    text NOT NULL,
    description             text,
    app_type                text NOT NULL CHECK (app_type IN ('ENCLAVE_OS', 'EDP', 'ACI', 'AZURE_CVM', 'AMD_SEV_SNP', 'TDX')),
    platform                text CHECK (platform IN ('SGX', 'NITRO')),
    input_image_name        text,
    output_image_name       text,
    isvprodid               integer,
    isvsvn                  integer,
    mem_size                bigint,
    threads                 integer,
    allowed_domains         jsonb NOT NULL DEFAULT '[]',
    default_build_settings  jsonb,
    advanced_settings       jsonb,
    labels                  jsonb NOT NULL DEFAULT '{}',
    custom_metadata         jsonb NOT NULL DEFAULT '{}',
    group_id                uuid,
    created_by              uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);
CREATE UNIQUE INDEX apps_name_unique ON apps (account_id, lower(name));
