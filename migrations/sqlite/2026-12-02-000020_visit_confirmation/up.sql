-- Confirm or cancel (issue 20): the days before a visit the applicant is asked to confirm it
-- (a center's list, "3,1"; empty: never), and when each appointment was confirmed.
ALTER TABLE centers ADD COLUMN confirm_days TEXT NOT NULL DEFAULT '3,1';
ALTER TABLE appointments ADD COLUMN confirmed_at TIMESTAMP;
