-- Inviting an e-mail that has no user yet makes one, without a usable password, so that the invitation answers with
-- a user_id (as Fortanix's does) and the answer stays the same whether the e-mail had a user. The person behind the
-- e-mail becomes that user by signing up, or when an ADMIN adds the e-mail with a password.
ALTER TABLE users ADD COLUMN invited_only boolean NOT NULL DEFAULT false;
