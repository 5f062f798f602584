-- The ministry's report at any scale: running totals per center, zone and day, month and year,
-- kept by triggers in the transaction of every change to `consultations` (completions,
-- executions recorded later, imports, corrections by hand), so that a report as of a day sums
-- at most a few thousand rows (years before its year, months before its month, days of its
-- month) instead of every consultation ever recorded. Keep in step with ../../postgres/.
--
-- measure 'count': consultations and patents transferred, on the consultation date;
-- measure 'won': amounts executed, on the execution date or else the consultation date.
CREATE TABLE consultation_totals (
    measure TEXT NOT NULL CHECK (measure IN ('count', 'won')),
    level TEXT NOT NULL CHECK (level IN ('d', 'm', 'y')),
    bucket DATE NOT NULL,
    center_id BIGINT NOT NULL,
    zone_id BIGINT NOT NULL,
    consultations BIGINT NOT NULL DEFAULT 0,
    patents BIGINT NOT NULL DEFAULT 0,
    executed_won BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (level, bucket, measure, center_id, zone_id)
) WITHOUT ROWID; -- stored in key order: a report reads three contiguous ranges

-- An insert adds the row's contributions at the three levels; a delete takes them out.
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

CREATE TRIGGER consultation_totals_delete AFTER DELETE ON consultations BEGIN
    INSERT INTO consultation_totals (measure, level, bucket, center_id, zone_id, consultations, patents, executed_won)
    SELECT x.measure, l.level,
           CASE l.level WHEN 'd' THEN x.day WHEN 'm' THEN date(x.day, 'start of month') ELSE date(x.day, 'start of year') END,
           OLD.center_id, OLD.zone_id, -x.n, -x.p, -x.w
    FROM (SELECT 'd' AS level UNION ALL SELECT 'm' UNION ALL SELECT 'y') AS l,
         (SELECT 'count' AS measure, OLD.consulted_on AS day, 1 AS n, COALESCE(OLD.patents_transferred, 0) AS p, 0 AS w
          WHERE OLD.consulted_on IS NOT NULL
          UNION ALL
          SELECT 'won', COALESCE(OLD.executed_on, OLD.consulted_on), 0, 0, OLD.executed_won
          WHERE OLD.executed_won IS NOT NULL AND COALESCE(OLD.executed_on, OLD.consulted_on) IS NOT NULL) AS x
    WHERE true
    ON CONFLICT (level, bucket, measure, center_id, zone_id) DO UPDATE SET
        consultations = consultations + excluded.consultations,
        patents = patents + excluded.patents,
        executed_won = executed_won + excluded.executed_won;
END;

-- An update is the old row taken out and the new one put in (SQLite triggers cannot share a
-- function, hence the repeated bodies; PostgreSQL has one, consultation_totals_apply).
CREATE TRIGGER consultation_totals_update AFTER UPDATE OF center_id, zone_id, consulted_on, patents_transferred,
        executed_won, executed_on ON consultations BEGIN
    INSERT INTO consultation_totals (measure, level, bucket, center_id, zone_id, consultations, patents, executed_won)
    SELECT x.measure, l.level,
           CASE l.level WHEN 'd' THEN x.day WHEN 'm' THEN date(x.day, 'start of month') ELSE date(x.day, 'start of year') END,
           OLD.center_id, OLD.zone_id, -x.n, -x.p, -x.w
    FROM (SELECT 'd' AS level UNION ALL SELECT 'm' UNION ALL SELECT 'y') AS l,
         (SELECT 'count' AS measure, OLD.consulted_on AS day, 1 AS n, COALESCE(OLD.patents_transferred, 0) AS p, 0 AS w
          WHERE OLD.consulted_on IS NOT NULL
          UNION ALL
          SELECT 'won', COALESCE(OLD.executed_on, OLD.consulted_on), 0, 0, OLD.executed_won
          WHERE OLD.executed_won IS NOT NULL AND COALESCE(OLD.executed_on, OLD.consulted_on) IS NOT NULL) AS x
    WHERE true
    ON CONFLICT (level, bucket, measure, center_id, zone_id) DO UPDATE SET
        consultations = consultations + excluded.consultations,
        patents = patents + excluded.patents,
        executed_won = executed_won + excluded.executed_won;
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

-- The totals of what is there already.
INSERT INTO consultation_totals (measure, level, bucket, center_id, zone_id, consultations, patents, executed_won)
SELECT x.measure, l.level,
       CASE l.level WHEN 'd' THEN x.day WHEN 'm' THEN date(x.day, 'start of month') ELSE date(x.day, 'start of year') END
           AS b,
       x.center_id, x.zone_id, SUM(x.n), SUM(x.p), SUM(x.w)
FROM (SELECT 'd' AS level UNION ALL SELECT 'm' UNION ALL SELECT 'y') AS l,
     (SELECT 'count' AS measure, consulted_on AS day, center_id, zone_id, 1 AS n,
             COALESCE(patents_transferred, 0) AS p, 0 AS w
      FROM consultations WHERE consulted_on IS NOT NULL
      UNION ALL
      SELECT 'won', COALESCE(executed_on, consulted_on), center_id, zone_id, 0, 0, executed_won
      FROM consultations WHERE executed_won IS NOT NULL AND COALESCE(executed_on, consulted_on) IS NOT NULL) AS x
GROUP BY x.measure, l.level, b, x.center_id, x.zone_id;

-- The seats held per slot (availability pages) read from the index alone.
CREATE INDEX appointments_zone_time_status ON appointments (zone_id, starts_at, status);

-- Only cases with a link have a token: with most rows NULL (closed cases, imported history),
-- the planner's statistics made the full index look useless and a join scanned every case.
DROP INDEX cases_applicant_token;
CREATE UNIQUE INDEX cases_applicant_token ON cases (applicant_token_hash) WHERE applicant_token_hash IS NOT NULL;
