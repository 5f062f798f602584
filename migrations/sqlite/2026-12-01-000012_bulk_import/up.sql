-- The staging table of migration 11 named a zone by id, which the import would have had to
-- create before it knew the whole file is good. It names the zone kind instead, and carries the
-- time the record gets: the zones a file needs are made in the short transaction that moves its
-- rows (services::import). The table was never written to before this migration.
DROP TABLE import_rows;
CREATE TABLE import_rows (
    id INTEGER PRIMARY KEY,
    batch BIGINT NOT NULL,
    center_id BIGINT NOT NULL,
    zone_kind TEXT NOT NULL,
    consulted_on DATE NOT NULL,
    -- The time a consultation gets from its day (noon; records carry no time).
    consulted_at TIMESTAMP NOT NULL,
    company TEXT,
    brn TEXT,
    institution_id BIGINT,
    executed_won BIGINT,
    executed_on DATE,
    patents_transferred INTEGER,
    import_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX import_rows_batch ON import_rows (batch);

-- Report totals for a bulk insert in one grouped statement. The row trigger costs about 10 µs
-- per row, a second per 100,000 imported rows inside the import's one transaction. While the
-- import's transaction holds the row of `consultation_totals_bulk` (nobody else sees it: one
-- writer, and it is gone at commit), the row trigger stands aside and the import adds the
-- totals of the rows it inserted itself (services::import), the way consultation_totals_rebuild
-- does on PostgreSQL.
CREATE TABLE consultation_totals_bulk (id INTEGER PRIMARY KEY CHECK (id = 1));
DROP TRIGGER consultation_totals_insert;
CREATE TRIGGER consultation_totals_insert AFTER INSERT ON consultations
    WHEN NOT EXISTS (SELECT 1 FROM consultation_totals_bulk) BEGIN
    INSERT INTO consultation_totals (measure, level, bucket, center_id, zone_id, consultations, patents, executed_won)
    SELECT x.measure, l.level,
           CASE l.level WHEN 'd' THEN x.day WHEN 'm' THEN date(x.day, 'start of month') ELSE date(x.day, 'start of year') END,
           NEW.center_id, NEW.zone_id, x.n, x.p, x.w
    FROM (SELECT 'd' AS level UNION ALL SELECT 'm' UNION ALL SELECT 'y') AS l,
         (SELECT 'count' AS measure, NEW.consulted_on AS day, 1 AS n, COALESCE(NEW.patents_transferred, 0) AS p, 0 AS w
          WHERE NEW.consulted_on IS NOT NULL
          UNION ALL
          SELECT 'won', COALESCE(NEW.executed_on, NEW.consulted_on), 0, 0, NEW.executed_won
          WHERE NEW.executed_won IS NOT NULL AND COALESCE(NEW.executed_on, NEW.consulted_on) IS NOT NULL) AS x
    WHERE true
    ON CONFLICT (level, bucket, measure, center_id, zone_id) DO UPDATE SET
        consultations = consultations + excluded.consultations,
        patents = patents + excluded.patents,
        executed_won = executed_won + excluded.executed_won;
END;
