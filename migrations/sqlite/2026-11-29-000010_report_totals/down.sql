DROP INDEX appointments_zone_time_status;
DROP TRIGGER consultation_totals_update;
DROP TRIGGER consultation_totals_delete;
DROP TRIGGER consultation_totals_insert;
DROP TABLE consultation_totals;
