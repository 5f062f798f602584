ALTER TABLE centers DROP COLUMN reminder_lead_hours;
CREATE TABLE email_outbox_old (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    case_id BIGINT REFERENCES cases (id),
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO email_outbox_old (id, message_id, case_id, to_addr, subject, body_text, body_html, status,
    attempts, next_attempt_at, lease_until, last_error, created_at, sent_at)
SELECT id, message_id, case_id, to_addr, subject, body_text, body_html,
    CASE status WHEN 'skipped' THEN 'sent' ELSE status END, attempts, next_attempt_at, lease_until,
    last_error, created_at, sent_at
FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_old RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
