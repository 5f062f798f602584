-- The no-show policy (issue 20): a center's N no-shows within M months block new bookings for
-- K weeks (0 no-shows: no policy). A lift by staff (with its reason) forgives the no-shows
-- before it; it names the case it was made on, so no contact data is copied here.
ALTER TABLE centers ADD COLUMN no_show_limit INTEGER NOT NULL DEFAULT 2 CHECK (no_show_limit BETWEEN 0 AND 10);
ALTER TABLE centers ADD COLUMN no_show_months INTEGER NOT NULL DEFAULT 6 CHECK (no_show_months BETWEEN 1 AND 24);
ALTER TABLE centers ADD COLUMN no_show_block_weeks INTEGER NOT NULL DEFAULT 4 CHECK (no_show_block_weeks BETWEEN 1 AND 52);
CREATE TABLE no_show_lifts (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    case_id BIGINT NOT NULL REFERENCES cases (id),
    lifted_at TIMESTAMP NOT NULL,
    lifted_by BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL
);
CREATE INDEX no_show_lifts_case ON no_show_lifts (case_id, lifted_at);
CREATE INDEX case_answers_phone ON case_answers (contact_phone);
CREATE INDEX case_answers_email ON case_answers (contact_email);
