ALTER TABLE appointments DROP COLUMN confirmed_at;
ALTER TABLE centers DROP COLUMN confirm_days;
