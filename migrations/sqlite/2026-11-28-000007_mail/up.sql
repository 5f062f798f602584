-- Mail that carries its context: what kind of message, in which language, with which attachment,
-- and the visit it is about (sent only while the case's live visit is still that one), plus a
-- lease (token and expiry) so that several workers never send one row twice. SQLite cannot
-- change a CHECK constraint in place: the table is rebuilt with its rows.
CREATE TABLE email_outbox_new (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    case_id BIGINT REFERENCES cases (id),
    kind TEXT NOT NULL DEFAULT 'notice',
    locale TEXT NOT NULL DEFAULT 'ko' CHECK (locale IN ('ko', 'en')),
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    attachment_name TEXT,
    attachment_type TEXT,
    attachment_body TEXT,
    visit_key TEXT,
    not_after TIMESTAMP,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_token TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO email_outbox_new (id, message_id, case_id, to_addr, subject, body_text, body_html, status,
    attempts, next_attempt_at, lease_until, last_error, created_at, sent_at)
SELECT id, message_id, case_id, to_addr, subject, body_text, body_html, status, attempts,
    next_attempt_at, lease_until, last_error, created_at, sent_at
FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_new RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_case ON email_outbox (case_id);

-- How long before a visit its reminder goes out, per center (the day before by default).
ALTER TABLE centers ADD COLUMN reminder_lead_hours INTEGER NOT NULL DEFAULT 24;
