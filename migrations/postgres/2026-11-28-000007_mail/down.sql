ALTER TABLE centers DROP COLUMN reminder_lead_hours;
DROP INDEX email_outbox_case;
UPDATE email_outbox SET status = 'sent' WHERE status = 'skipped';
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_status_check;
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sent', 'dead'));
ALTER TABLE email_outbox
    DROP COLUMN kind, DROP COLUMN locale, DROP COLUMN attachment_name, DROP COLUMN attachment_type,
    DROP COLUMN attachment_body, DROP COLUMN visit_key, DROP COLUMN not_after, DROP COLUMN lease_token;
