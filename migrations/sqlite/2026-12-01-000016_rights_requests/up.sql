-- The applicant's rights (issue 18, PIPA art. 35–37). `rights_requests`: a request to correct or
-- delete the data of a case, made on the applicant's link, answered by the center's admin within
-- the statutory 10 days (`due_on`, the center's calendar day): done (corrected / deleted) or
-- refused with a reason the applicant reads. One open request per case and kind, decided by the
-- partial unique index. When a deletion is done the case's link is cut; its hash is kept here
-- so that the link still says what happened (a hash of a random value names no one).
CREATE TABLE rights_requests (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    center_id BIGINT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL CHECK (kind IN ('correct', 'delete')),
    body TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'refused')),
    answered_at TIMESTAMP,
    answered_by BIGINT REFERENCES users (id),
    answer TEXT,
    token_hash TEXT
);
CREATE UNIQUE INDEX rights_requests_one_open ON rights_requests (case_id, kind) WHERE status = 'open';
CREATE INDEX rights_requests_center ON rights_requests (center_id, status, due_on);
CREATE INDEX rights_requests_token ON rights_requests (token_hash);

-- Why staff opened personal data (the access record's purpose category). Lists and boards
-- refresh themselves every 15–30 s: a view is recorded once per person, list and 10 minutes,
-- found by this index.
ALTER TABLE access_log ADD COLUMN purpose TEXT NOT NULL DEFAULT 'other';
CREATE INDEX access_log_user_action_at ON access_log (user_id, action, at);

-- How long a center keeps a closed case (years; never shorter than the 3 the consent states).
ALTER TABLE center_contacts ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 3 CHECK (retention_years BETWEEN 3 AND 10);

-- The privacy policy's versions per center (PIPA art. 30): each time what the policy states
-- changes — the consent wording's version, the retention, the privacy officer, the center's
-- phone, e-mail or address — a new version with those values; a consent records the label of
-- the version shown (`<wording>.<n>`), and the policy page shows every version.
CREATE TABLE policy_versions (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    label TEXT NOT NULL,
    effective_at TIMESTAMP NOT NULL,
    wording TEXT NOT NULL,
    retention_years INTEGER NOT NULL,
    officer TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    address_ko TEXT NOT NULL,
    address_en TEXT NOT NULL,
    UNIQUE (center_id, label)
);
