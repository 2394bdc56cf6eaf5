-- A cached item may be kept in more than one version (by the start of its validity): evidence is verified at its own
-- instant (explain with a recorded verification time, a bundle replayed on an air-gapped server), and the version
-- current then is the one that must be used. The store keeps the newest few versions of each key.
ALTER TABLE collateral_items DROP CONSTRAINT collateral_items_pkey;
ALTER TABLE collateral_items ADD PRIMARY KEY (key, valid_from);
