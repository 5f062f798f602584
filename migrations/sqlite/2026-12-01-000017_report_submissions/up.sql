-- A center's submitted months (issue 19): the month's one-stop numbers frozen as submitted,
-- version 1 and every correction after it (with its reason). Never edited or deleted: the
-- triggers refuse it; a correction is a new version.
CREATE TABLE report_submissions (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    month DATE NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    submitted_at TIMESTAMP NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    reason TEXT,
    legal BIGINT NOT NULL,
    finance BIGINT NOT NULL,
    finance_won BIGINT NOT NULL,
    ip BIGINT NOT NULL,
    patents BIGINT NOT NULL,
    UNIQUE (center_id, month, version)
);
CREATE TRIGGER report_submissions_frozen_update BEFORE UPDATE ON report_submissions
BEGIN SELECT RAISE(ABORT, 'report submissions are never edited'); END;
CREATE TRIGGER report_submissions_frozen_delete BEFORE DELETE ON report_submissions
BEGIN SELECT RAISE(ABORT, 'report submissions are never deleted'); END;
