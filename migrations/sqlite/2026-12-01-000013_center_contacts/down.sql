DROP TABLE center_contacts;
