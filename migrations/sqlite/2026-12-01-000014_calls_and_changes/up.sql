-- The lobby's calls (issue 17). `called_at`: when the visitor was last called to the zone (by
-- "call next", "start" or a recall) — the lobby board shows and announces the newest calls.
-- `call_count`: how many times the visitor was called in (a recall is not a new call); a visitor
-- who does not come is put back in line once, then marked as not attended. `requeued_at`: when
-- "did not come" put them back: they wait behind everyone else waiting.
ALTER TABLE appointments ADD COLUMN called_at TIMESTAMP;
ALTER TABLE appointments ADD COLUMN call_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN requeued_at TIMESTAMP;

-- Changes to how a center runs (issue 17), for the audit view beside the case events:
-- closures added and lifted, opening hours added and removed, booking policies and the
-- center's details saved. `kind` names the change; `detail` keeps its facts as JSON
-- (dates, times, reason) so that the audit view says them in the reader's language.
CREATE TABLE center_changes (
    id INTEGER PRIMARY KEY,
    center_id BIGINT NOT NULL REFERENCES centers (id),
    user_id BIGINT REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    zone_id BIGINT REFERENCES zones (id),
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX center_changes_center_at ON center_changes (center_id, at);
