-- Vendor collateral fetched from Intel PCS/PCCS (TCB info, QE identity, CRLs), kept as the vendor sent it (the signed
-- JSON byte for byte, with its issuer chain from the response headers) for its validity window. Verifiers check
-- every item again at each use; the cache is trusted for availability only. (VCEKs stay in snp_vcek_cache.)
CREATE TABLE collateral_items (
    key           text PRIMARY KEY CHECK (length(key) <= 300),
    vendor        text NOT NULL,
    kind          text NOT NULL,
    source        text NOT NULL,
    body          bytea NOT NULL,
    issuer_chain  text,
    valid_from    timestamptz NOT NULL,
    next_update   timestamptz NOT NULL,
    fetched_at    timestamptz NOT NULL
);
