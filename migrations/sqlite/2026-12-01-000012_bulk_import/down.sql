DROP TABLE import_rows;
CREATE TABLE import_rows (
    id INTEGER PRIMARY KEY,
    batch BIGINT NOT NULL,
    center_id BIGINT NOT NULL,
    zone_id BIGINT NOT NULL,
    consulted_on DATE NOT NULL,
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
DROP TRIGGER consultation_totals_insert;
DROP TABLE consultation_totals_bulk;
CREATE TRIGGER consultation_totals_insert AFTER INSERT ON consultations BEGIN
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
