-- What a record of access names besides a case (the mail read, the export made).
ALTER TABLE access_log ADD COLUMN detail TEXT;

-- Hits counted against a limit (drafts per client address, mails per recipient): one row per
-- hit, counted over a sliding window under a lock (db::lock_key), purged by housekeeping.
CREATE TABLE rate_hits (
    id INTEGER PRIMARY KEY,
    bucket TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_hits_bucket ON rate_hits (bucket, at);

-- An import's checked rows, written in short transactions before one short transaction moves
-- them into consultations (services::import): a large file never holds the write lock for long.
-- Rows of an import that did not finish are purged by housekeeping.
CREATE TABLE import_rows (
    id INTEGER PRIMARY KEY,
    batch BIGINT NOT NULL,
    center_id BIGINT NOT NULL,
    zone_id BIGINT NOT NULL,
    consulted_on DATE NOT NULL,
    company TEXT,
    brn TEXT,
    institution_id BIGINT,
    executed_won BIGINT,
    executed_on DATE,
    patents_transferred INTEGER,
    import_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX import_rows_batch ON import_rows (batch);
