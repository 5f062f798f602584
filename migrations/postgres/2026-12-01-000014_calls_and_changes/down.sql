DROP TABLE center_changes;
ALTER TABLE appointments DROP COLUMN requeued_at;
ALTER TABLE appointments DROP COLUMN call_count;
ALTER TABLE appointments DROP COLUMN called_at;
