-- A seat is never given twice: every live appointment holds one numbered seat of its slot, and
-- the database refuses a second holder (cancelled appointments free their seat).
ALTER TABLE appointments ADD COLUMN seat_no INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX appointments_one_holder_per_seat ON appointments (zone_id, starts_at, seat_no)
    WHERE status <> 'cancelled';
