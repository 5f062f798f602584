DROP INDEX cases_applicant_token;
CREATE UNIQUE INDEX cases_applicant_token ON cases (applicant_token_hash);
DROP INDEX appointments_zone_time_status;
DROP TRIGGER consultation_totals_update ON consultations;
DROP TRIGGER consultation_totals_insert_delete ON consultations;
DROP FUNCTION consultation_totals_rebuild();
DROP FUNCTION consultation_totals_trigger();
DROP FUNCTION consultation_totals_apply(consultations, INTEGER);
DROP TABLE consultation_totals;
