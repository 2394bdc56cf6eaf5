-- Fortanix's Node has a description and labels that users set (PATCH /v1/nodes/{id}); a node's name stays the one
-- its agent attests with.
ALTER TABLE nodes ADD COLUMN description text CHECK (length(description) <= 1000);
ALTER TABLE nodes ADD COLUMN labels jsonb NOT NULL DEFAULT '{}';
