DROP TABLE case_zones;
DROP TABLE routing_rules;
DROP TABLE case_topics;
DROP TABLE case_answers;
DROP INDEX cases_draft_expiry;
DROP INDEX cases_applicant_token;
ALTER TABLE cases DROP COLUMN submitted_at;
ALTER TABLE cases DROP COLUMN draft_expires_at;
ALTER TABLE cases DROP COLUMN applicant_token_hash;
