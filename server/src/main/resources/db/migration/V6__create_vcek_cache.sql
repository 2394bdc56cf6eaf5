-- VCEKs that have verified a report, by chip and reported TCB, so a workload may omit its VCEK next time.
-- They are AMD's public certificates (not tenant data); each is re-verified against the AMD roots on use.
CREATE TABLE snp_vcek_cache (
    chip_id       text NOT NULL,
    reported_tcb  bigint NOT NULL,
    certificate   bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (chip_id, reported_tcb)
);
