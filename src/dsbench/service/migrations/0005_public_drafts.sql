-- A draft its organisation has put out for public consultation: listed on the standard's page with
-- what it changes, from this time on (NULL: private to its organisation).
ALTER TABLE drafts ADD COLUMN published BIGINT;
