-- Failed log-ins counted per account (e-mail) and per source address, in the database so that every instance of a
-- deployment sees the same counts; a key past its limit is locked until locked_until.
CREATE TABLE login_throttle (
    key             text PRIMARY KEY CHECK (length(key) <= 400),
    failures        integer NOT NULL,
    window_started  timestamptz NOT NULL,
    locked_until    timestamptz
);
