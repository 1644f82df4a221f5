-- Web sessions (signing in on the pages): the cookie's random 32-byte id is never stored, only
-- HMAC-SHA256(pepper, id), as for tokens. `csrf` is the secret the forms' CSRF tokens derive from.
CREATE TABLE sessions (
  id_hmac TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  csrf TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);
