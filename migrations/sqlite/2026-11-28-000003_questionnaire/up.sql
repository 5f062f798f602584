-- The pre-questionnaire: applicant access, answers, needs, routing rules and results.

ALTER TABLE cases ADD COLUMN applicant_token_hash TEXT;
ALTER TABLE cases ADD COLUMN draft_expires_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN submitted_at TIMESTAMP;
CREATE UNIQUE INDEX cases_applicant_token ON cases (applicant_token_hash);
CREATE INDEX cases_draft_expiry ON cases (status, draft_expires_at);

CREATE TABLE case_answers (
    case_id BIGINT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    company_name TEXT,
    brn TEXT,
    representative TEXT,
    founded_on DATE,
    employees INTEGER,
    industry TEXT,
    stage TEXT,
    revenue_band TEXT,
    region TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    question TEXT,
    preferred_weekdays TEXT NOT NULL DEFAULT '',
    preferred_time TEXT,
    finance_amount_won BIGINT,
    finance_purpose TEXT,
    transfer_direction TEXT,
    consent_version TEXT,
    consented_at TIMESTAMP,
    third_party_consent BOOLEAN NOT NULL DEFAULT FALSE,
    third_party_consented_at TIMESTAMP,
    steps_done TEXT NOT NULL DEFAULT '',
    resume_mail_sent BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX case_answers_brn ON case_answers (brn);

CREATE TABLE case_topics (
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (case_id, topic)
);

CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    topic TEXT NOT NULL,
    zone_kind TEXT NOT NULL REFERENCES zone_kinds (code),
    institution_code TEXT REFERENCES finance_institutions (code),
    condition TEXT CHECK (condition IS NULL OR condition IN ('tech', 'large_amount')),
    priority INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX routing_rules_center ON routing_rules (center_id);

CREATE TABLE case_zones (
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    zone_kind TEXT NOT NULL REFERENCES zone_kinds (code),
    is_primary BOOLEAN NOT NULL,
    institution_code TEXT REFERENCES finance_institutions (code),
    explanation_ko TEXT NOT NULL,
    explanation_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (case_id, zone_kind)
);

-- Every center starts with the same rules (domain::routing::default_rules; a test compares).
INSERT INTO routing_rules (center_id, topic, zone_kind, institution_code, condition, priority)
SELECT c.id, r.column1, r.column2, r.column3, r.column4, r.column5
FROM centers c, (VALUES
    ('contracts', 'legal', NULL, NULL, 1),
    ('labor', 'legal', NULL, NULL, 1),
    ('governance', 'legal', NULL, NULL, 1),
    ('disputes', 'legal', NULL, NULL, 1),
    ('licensing', 'legal', NULL, NULL, 1),
    ('guarantee', 'finance', 'KIBO', 'tech', 1),
    ('guarantee', 'finance', 'KODIT', NULL, 2),
    ('policy_loan', 'finance', 'KDB', 'large_amount', 1),
    ('policy_loan', 'finance', 'IBK', NULL, 2),
    ('investment', 'finance', 'KDB', NULL, 1),
    ('grants', 'finance', NULL, NULL, 1),
    ('patent', 'ip', NULL, NULL, 1),
    ('trademark_design', 'ip', NULL, NULL, 1),
    ('prior_art', 'ip', NULL, NULL, 1),
    ('ip_dispute', 'ip', NULL, NULL, 1),
    ('ip_dispute', 'legal', NULL, NULL, 2),
    ('tech_transfer', 'ip', NULL, NULL, 1)
) r;
