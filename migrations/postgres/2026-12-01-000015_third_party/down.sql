DROP TABLE consent_changes;
DROP TABLE provisions;
