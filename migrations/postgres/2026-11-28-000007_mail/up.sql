-- Mail that carries its context: what kind of message, in which language, with which attachment,
-- and the visit it is about (sent only while the case's live visit is still that one), plus a
-- lease (token and expiry) so that several workers never send one row twice.
ALTER TABLE email_outbox
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice',
    ADD COLUMN locale TEXT NOT NULL DEFAULT 'ko' CHECK (locale IN ('ko', 'en')),
    ADD COLUMN attachment_name TEXT,
    ADD COLUMN attachment_type TEXT,
    ADD COLUMN attachment_body TEXT,
    ADD COLUMN visit_key TEXT,
    ADD COLUMN not_after TIMESTAMP,
    ADD COLUMN lease_token TEXT;
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_status_check;
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check
    CHECK (status IN ('pending', 'sent', 'dead', 'skipped'));
CREATE INDEX email_outbox_case ON email_outbox (case_id);

-- How long before a visit its reminder goes out, per center (the day before by default).
ALTER TABLE centers ADD COLUMN reminder_lead_hours INTEGER NOT NULL DEFAULT 24;
