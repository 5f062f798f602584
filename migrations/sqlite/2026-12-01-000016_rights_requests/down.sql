DROP TABLE policy_versions;
ALTER TABLE center_contacts DROP COLUMN retention_years;
ALTER TABLE access_log DROP COLUMN purpose;
DROP TABLE rights_requests;
