-- Adding a user who exists already is an invitation they accept (or decline) themselves; nothing about them is
-- shown to the inviting admin. Keyed by e-mail, so that an invitation for a user created later still reaches them.
CREATE TABLE invitations (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (length(email) <= 320),
    role        text NOT NULL CHECK (role IN ('ADMIN', 'EDITOR', 'VIEWER')),
    invited_by  uuid,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX invitations_one_per_email ON invitations (account_id, lower(email));
CREATE INDEX invitations_by_email ON invitations (lower(email));

-- Account names are unique per owner (who created the account), not across the server: a name another tenant
-- chose is neither refused nor revealed.
ALTER TABLE accounts ADD COLUMN created_by uuid;
UPDATE accounts a SET created_by = (SELECT m.user_id FROM account_members m WHERE m.account_id = a.id AND m.role = 'ADMIN'
                                    ORDER BY m.created_at LIMIT 1);
DROP INDEX accounts_name_unique;
CREATE UNIQUE INDEX accounts_name_per_owner ON accounts (created_by, lower(name));
