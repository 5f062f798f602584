-- Booking policies per zone, and closures (date ranges): center-wide, one zone, or one expert.

CREATE TABLE zone_policies (
    zone_id BIGINT PRIMARY KEY NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    min_notice_minutes INTEGER NOT NULL DEFAULT 1440 CHECK (min_notice_minutes >= 0),
    horizon_days INTEGER NOT NULL DEFAULT 30 CHECK (horizon_days BETWEEN 1 AND 366),
    buffer_minutes INTEGER NOT NULL DEFAULT 10 CHECK (buffer_minutes BETWEEN 0 AND 240),
    reschedule_cutoff_minutes INTEGER NOT NULL DEFAULT 1440 CHECK (reschedule_cutoff_minutes >= 0),
    cancel_cutoff_minutes INTEGER NOT NULL DEFAULT 1440 CHECK (cancel_cutoff_minutes >= 0)
);

CREATE TABLE closures (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    zone_id BIGINT REFERENCES zones (id),
    expert_user_id BIGINT REFERENCES users (id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    reason TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX closures_center_dates ON closures (center_id, ends_on);
