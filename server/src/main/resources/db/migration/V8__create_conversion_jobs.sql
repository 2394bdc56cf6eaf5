-- The background job that turns an Enclave OS image's input container into an EIF and its measurements.
CREATE TABLE conversion_jobs (
    build_id     uuid PRIMARY KEY REFERENCES builds (id) ON DELETE CASCADE,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state        text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    step         text NOT NULL,
    bytes        bigint NOT NULL DEFAULT 0,
    error        text,
    output_image text,
    output_digest text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
