ALTER TABLE users DROP COLUMN feed_token_hash;
DROP TABLE consultations;
