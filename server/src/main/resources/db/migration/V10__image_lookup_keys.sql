-- Each image's lookup keys (ReferenceValues.lookupKeys(): MRENCLAVE, a digest of PCR0-2, MEASUREMENT, a digest of
-- MRTD and RTMR0-3, HOST_DATA, or one row per Azure CVM PCR). Attestation finds the images measured evidence could
-- match through this index, so its cost does not grow with the number of images. Existing images are indexed by the
-- Java migration V11 (the keys are computed by the attestation library, not spelt again in SQL).
CREATE TABLE build_lookup_keys (
    build_id   uuid NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    account_id uuid NOT NULL,
    platform   text NOT NULL,
    lookup_key text NOT NULL CHECK (length(lookup_key) <= 200),
    PRIMARY KEY (build_id, lookup_key)
);

CREATE INDEX build_lookup_keys_by_key ON build_lookup_keys (account_id, platform, lookup_key);
