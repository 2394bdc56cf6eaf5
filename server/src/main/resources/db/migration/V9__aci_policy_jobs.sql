-- ACI images get their policy from a background job too: which kind a job is, its options, the Rego policy and
-- the ARM template it produced, and an input credential given with the request (sealed, wiped when the job ends).
ALTER TABLE conversion_jobs
    ADD COLUMN kind text NOT NULL DEFAULT 'ENCLAVE_OS' CHECK (kind IN ('ENCLAVE_OS', 'ACI')),
    ADD COLUMN options jsonb,
    ADD COLUMN input_credential_enc bytea,
    ADD COLUMN policy text,
    ADD COLUMN arm_template text;
