-- The service's first schema. Times are milliseconds since the epoch (UTC); flags are 0/1 integers
-- (the same in SQLite and PostgreSQL); identifiers are random text chosen by the service.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  site_admin INTEGER NOT NULL DEFAULT 0,
  created BIGINT NOT NULL
);

CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  created BIGINT NOT NULL
);

CREATE TABLE members (
  org_id TEXT NOT NULL REFERENCES orgs (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (org_id, user_id)
);

-- An API token: the secret itself is never stored, only HMAC-SHA256(pepper, secret).
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  secret_hmac TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT,
  revoked BIGINT,
  last_used BIGINT
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id),
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  created BIGINT NOT NULL,
  UNIQUE (org_id, name)
);

CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  label TEXT NOT NULL,
  created BIGINT NOT NULL,
  UNIQUE (dataset_id, label)
);

-- A version's files: a relative name and the content-addressed blob holding its bytes.
CREATE TABLE files (
  version_id TEXT NOT NULL REFERENCES versions (id),
  name TEXT NOT NULL,
  blob TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (version_id, name)
);

-- An evaluation is also its job: the queue is this table. `inputs` is the version's files as they
-- were when it was asked for (JSON name -> blob), so a later upload cannot change what it scores.
CREATE TABLE evaluations (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id),
  version_id TEXT NOT NULL REFERENCES versions (id),
  standard TEXT NOT NULL,
  inputs TEXT NOT NULL,
  publish INTEGER NOT NULL DEFAULT 0,
  idempotency_key TEXT,
  request_digest TEXT NOT NULL,
  requested_by TEXT NOT NULL REFERENCES users (id),
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires BIGINT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  card_digest TEXT,
  worker_version TEXT,
  created BIGINT NOT NULL,
  started BIGINT,
  finished BIGINT,
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX evaluations_queue ON evaluations (state, created);
CREATE INDEX evaluations_org ON evaluations (org_id, created);

-- A card an organisation holds; the same bytes (same digest) may be held by several. `renderings`
-- is JSON format -> blob. Public once `published` is set.
CREATE TABLE cards (
  org_id TEXT NOT NULL REFERENCES orgs (id),
  digest TEXT NOT NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  version_id TEXT NOT NULL REFERENCES versions (id),
  standard TEXT NOT NULL,
  standard_version TEXT NOT NULL,
  score DOUBLE PRECISION,
  grade TEXT,
  passed INTEGER NOT NULL,
  software_version TEXT NOT NULL,
  blob TEXT NOT NULL,
  renderings TEXT NOT NULL,
  published BIGINT,
  created BIGINT NOT NULL,
  PRIMARY KEY (org_id, digest)
);
CREATE INDEX cards_digest ON cards (digest);
CREATE INDEX cards_standard ON cards (standard, published);

-- The service's own settings, e.g. the token pepper's id.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
