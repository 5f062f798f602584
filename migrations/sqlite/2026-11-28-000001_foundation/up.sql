-- Foundation schema (SQLite). Keep in step with ../../postgres/2026-11-28-000001_foundation/up.sql.
-- Times are UTC (TIMESTAMP as ISO text); ids are 64-bit rowids.

CREATE TABLE centers (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    ref_prefix TEXT NOT NULL UNIQUE,
    name_ko TEXT NOT NULL,
    name_en TEXT NOT NULL,
    region_ko TEXT NOT NULL,
    region_en TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'Asia/Seoul',
    sort_order INTEGER NOT NULL
);

CREATE TABLE zone_kinds (
    code TEXT PRIMARY KEY NOT NULL,
    name_ko TEXT NOT NULL,
    name_en TEXT NOT NULL,
    summary_ko TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE finance_institutions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_ko TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE zones (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    kind TEXT NOT NULL REFERENCES zone_kinds (code),
    active BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (center_id, kind)
);

CREATE TABLE schedule_rules (
    id INTEGER PRIMARY KEY,
    zone_id BIGINT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    weekday SMALLINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
    seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 100),
    institution_id BIGINT REFERENCES finance_institutions (id),
    CHECK (start_time < end_time)
);
CREATE INDEX schedule_rules_zone ON schedule_rules (zone_id, weekday);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    center_id BIGINT REFERENCES centers (id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'expert')),
    zone_id BIGINT REFERENCES zones (id),
    password_hash TEXT NOT NULL,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK ((role = 'expert') = (zone_id IS NOT NULL))
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email_key, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE reference_counters (
    center_id BIGINT NOT NULL REFERENCES centers (id),
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (center_id, year)
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'reserved', 'waiting',
        'in_consultation', 'consulted', 'no_show', 'cancelled')),
    version BIGINT NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'ko',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_center_status ON cases (center_id, status);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    zone_id BIGINT NOT NULL REFERENCES zones (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'waiting', 'in_consultation', 'done',
        'no_show', 'cancelled')),
    institution_id BIGINT REFERENCES finance_institutions (id),
    ticket_number INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX appointments_zone_time ON appointments (zone_id, starts_at);
CREATE INDEX appointments_case ON appointments (case_id);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('applicant', 'staff', 'expert', 'system')),
    actor_user_id BIGINT REFERENCES users (id),
    event TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    case_id BIGINT REFERENCES cases (id),
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
