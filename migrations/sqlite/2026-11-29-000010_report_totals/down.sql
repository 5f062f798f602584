DROP INDEX cases_applicant_token;
CREATE UNIQUE INDEX cases_applicant_token ON cases (applicant_token_hash);
DROP INDEX appointments_zone_time_status;
DROP TRIGGER consultation_totals_update;
DROP TRIGGER consultation_totals_delete;
DROP TRIGGER consultation_totals_insert;
DROP TABLE consultation_totals;
