DROP TABLE import_rows;
DROP TABLE rate_hits;
ALTER TABLE access_log DROP COLUMN detail;
