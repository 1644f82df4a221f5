-- Standards bodies' work: campaigns (one version of a standard and the datasets invited or
-- submitted to it) and the drafts of standards an organisation uploads to its workspace.
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id),
  name TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  standard TEXT NOT NULL,
  standard_version TEXT NOT NULL,
  created BIGINT NOT NULL
);

-- `how`: 'invited' by the campaign's organisation, or 'submitted' by the dataset's.
CREATE TABLE campaign_datasets (
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  how TEXT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, dataset_id)
);

-- A draft standard: its text is the blob `blob`; `standard` and `version` are read from it.
CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id),
  standard TEXT NOT NULL,
  version TEXT NOT NULL,
  blob TEXT NOT NULL,
  created_by TEXT NOT NULL REFERENCES users (id),
  created BIGINT NOT NULL
);
CREATE INDEX drafts_org ON drafts (org_id, created);
