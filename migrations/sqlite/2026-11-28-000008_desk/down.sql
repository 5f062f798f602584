ALTER TABLE users DROP COLUMN password_token_expires_at;
ALTER TABLE users DROP COLUMN password_token_hash;
DROP TABLE access_log;
DROP INDEX appointments_day;
ALTER TABLE appointments DROP COLUMN checked_in_at;
DROP TABLE ticket_counters;
