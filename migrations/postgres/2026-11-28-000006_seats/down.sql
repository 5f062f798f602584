DROP INDEX appointments_one_holder_per_seat;
ALTER TABLE appointments DROP COLUMN seat_no;
