-- The desk: lobby ticket numbers per center and day, when a visitor checked in, and the PIPA
-- access record of who opened which case's personal data.
CREATE TABLE ticket_counters (
    center_id BIGINT NOT NULL REFERENCES centers (id),
    day DATE NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (center_id, day)
);
ALTER TABLE appointments ADD COLUMN checked_in_at TIMESTAMP;
CREATE INDEX appointments_day ON appointments (zone_id, starts_at);
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    case_id BIGINT REFERENCES cases (id),
    at TIMESTAMP NOT NULL,
    action TEXT NOT NULL
);
CREATE INDEX access_log_case ON access_log (case_id, at);
CREATE INDEX access_log_user ON access_log (user_id, at);
-- Single-use links to set a password (invitation, reset): only the hash is kept.
ALTER TABLE users ADD COLUMN password_token_hash TEXT;
ALTER TABLE users ADD COLUMN password_token_expires_at TIMESTAMP;
