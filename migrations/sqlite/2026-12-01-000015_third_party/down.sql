DROP TABLE destructions;
ALTER TABLE cases DROP COLUMN anonymised_at;
ALTER TABLE center_contacts DROP COLUMN privacy_officer;
DROP TABLE consent_changes;
DROP TABLE provisions;
