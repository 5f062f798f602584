DROP TABLE no_show_lifts;
DROP INDEX case_answers_email;
DROP INDEX case_answers_phone;
ALTER TABLE centers DROP COLUMN no_show_block_weeks;
ALTER TABLE centers DROP COLUMN no_show_months;
ALTER TABLE centers DROP COLUMN no_show_limit;
