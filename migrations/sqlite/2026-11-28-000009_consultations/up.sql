-- A consultation: one zone's part of a visit, from the expert calling the visitor in to the
-- recorded outcome. Finance: institution, product, amount executed in won (may come later, as a
-- follow-up); IP: advice type and patents transferred; legal: advice type. All: notes for the
-- center, a summary the applicant may see, and a follow-up date.
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    -- Imported records (issue 8) have no case: their center, company and business number are
    -- kept on the row itself.
    case_id BIGINT REFERENCES cases (id),
    center_id BIGINT NOT NULL REFERENCES centers (id),
    zone_id BIGINT NOT NULL REFERENCES zones (id),
    company TEXT,
    brn TEXT,
    appointment_id BIGINT REFERENCES appointments (id),
    expert_user_id BIGINT REFERENCES users (id),
    started_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    consulted_on DATE,
    institution_id BIGINT REFERENCES finance_institutions (id),
    product TEXT CHECK (product IS NULL OR product IN ('guarantee', 'loan', 'investment', 'other')),
    executed_won BIGINT CHECK (executed_won IS NULL OR executed_won >= 0),
    executed_on DATE,
    advice_type TEXT,
    patents_transferred INTEGER CHECK (patents_transferred IS NULL OR patents_transferred >= 0),
    notes TEXT,
    summary TEXT,
    follow_up_on DATE,
    follow_up_done_at TIMESTAMP,
    referred_to TEXT,
    source TEXT NOT NULL DEFAULT 'app',
    import_key TEXT UNIQUE
);
CREATE UNIQUE INDEX consultations_one_per_appointment ON consultations (appointment_id);
CREATE INDEX consultations_case ON consultations (case_id);
CREATE INDEX consultations_zone_day ON consultations (zone_id, consulted_on);
CREATE INDEX consultations_center_day ON consultations (center_id, consulted_on);
CREATE INDEX consultations_follow_up ON consultations (zone_id, follow_up_on);
-- The expert's calendar feed: a secret URL, stored hashed, revocable.
ALTER TABLE users ADD COLUMN feed_token_hash TEXT;
