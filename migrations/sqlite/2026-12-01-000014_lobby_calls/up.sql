-- The lobby's calls (issue 17). `called_at`: when the visitor was last called to the zone (by
-- "call next", "start" or a recall) — the lobby board shows and announces the newest calls.
-- `call_count`: how many times the visitor was called in (a recall is not a new call); a visitor
-- who does not come is put back in line once, then marked as not attended. `requeued_at`: when
-- "did not come" put them back: they wait behind everyone else waiting.
ALTER TABLE appointments ADD COLUMN called_at TIMESTAMP;
ALTER TABLE appointments ADD COLUMN call_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN requeued_at TIMESTAMP;
