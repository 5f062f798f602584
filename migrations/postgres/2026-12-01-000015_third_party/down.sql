ALTER TABLE center_contacts DROP COLUMN privacy_officer;
DROP TABLE consent_changes;
DROP TABLE provisions;
