-- Third-party provision (issue 18, PIPA art. 17). `provisions`: each time personal data of a
-- case went to a finance institution's expert — who, for which institution, when, which items
-- (`answers`: the pre-brief's names and contact; `document:<id>`: a file). `consent_changes`:
-- the applicant's consents over time (given or withdrawn, the wording's version, when, by whom),
-- the answers keeping only the current state.
CREATE TABLE provisions (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    institution_id BIGINT REFERENCES finance_institutions (id),
    at TIMESTAMP NOT NULL,
    items TEXT NOT NULL
);
CREATE INDEX provisions_case ON provisions (case_id, at);
CREATE TABLE consent_changes (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('collection', 'third_party')),
    given BOOLEAN NOT NULL,
    version TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL
);
CREATE INDEX consent_changes_case ON consent_changes (case_id, at);

-- The privacy officer the center's privacy policy names (title and name, one line).
ALTER TABLE center_contacts ADD COLUMN privacy_officer TEXT NOT NULL DEFAULT '';

-- Retention and destruction (issue 18). `cases.anonymised_at`: when the case's personal data
-- was destroyed after its retention (the case, its counts and amounts stay). `destructions`:
-- the destruction register (파기 대장) — what kind of data, how many records, under which rule,
-- when, by what (the schedule or the purge command), per center where it belongs to one.
ALTER TABLE cases ADD COLUMN anonymised_at TIMESTAMP;
CREATE TABLE destructions (
    id INTEGER PRIMARY KEY,
    center_id BIGINT REFERENCES centers (id),
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    records BIGINT NOT NULL,
    rule TEXT NOT NULL,
    done_by TEXT NOT NULL
);
CREATE INDEX destructions_center_at ON destructions (center_id, at);
