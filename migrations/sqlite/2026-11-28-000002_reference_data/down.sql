DELETE FROM finance_institutions;
DELETE FROM zone_kinds;
DELETE FROM centers;
