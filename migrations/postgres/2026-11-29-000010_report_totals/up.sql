-- The ministry's report at any scale: running totals per center, zone and day, month and year,
-- kept by a trigger in the transaction of every change to `consultations` (completions,
-- executions recorded later, imports, corrections by hand), so that a report as of a day sums
-- at most a few thousand rows (years before its year, months before its month, days of its
-- month) instead of every consultation ever recorded. Keep in step with ../../sqlite/.
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
);
-- A report reads three ranges of (level, bucket) from this index alone (no heap fetches).
CREATE INDEX consultation_totals_ranges ON consultation_totals (level, bucket)
    INCLUDE (center_id, zone_id, consultations, patents, executed_won);

-- Adds one consultation row's contributions (sign +1) or takes them out (sign -1). Rows are
-- always touched in the order count/won, then d/m/y, so that concurrent single-row changes
-- lock shared totals in one order.
CREATE FUNCTION consultation_totals_apply(r consultations, sign INTEGER) RETURNS void AS $$
DECLARE
    lvl TEXT;
    won_day DATE := COALESCE(r.executed_on, r.consulted_on);
BEGIN
    IF r.consulted_on IS NOT NULL THEN
        FOREACH lvl IN ARRAY ARRAY['d', 'm', 'y'] LOOP
            INSERT INTO consultation_totals AS t (measure, level, bucket, center_id, zone_id, consultations, patents)
            VALUES ('count', lvl,
                    CASE lvl WHEN 'd' THEN r.consulted_on
                             WHEN 'm' THEN date_trunc('month', r.consulted_on)::date
                             ELSE date_trunc('year', r.consulted_on)::date END,
                    r.center_id, r.zone_id, sign, sign * COALESCE(r.patents_transferred, 0))
            ON CONFLICT (level, bucket, measure, center_id, zone_id) DO UPDATE SET
                consultations = t.consultations + EXCLUDED.consultations,
                patents = t.patents + EXCLUDED.patents;
        END LOOP;
    END IF;
    IF r.executed_won IS NOT NULL AND won_day IS NOT NULL THEN
        FOREACH lvl IN ARRAY ARRAY['d', 'm', 'y'] LOOP
            INSERT INTO consultation_totals AS t (measure, level, bucket, center_id, zone_id, executed_won)
            VALUES ('won', lvl,
                    CASE lvl WHEN 'd' THEN won_day
                             WHEN 'm' THEN date_trunc('month', won_day)::date
                             ELSE date_trunc('year', won_day)::date END,
                    r.center_id, r.zone_id, sign * r.executed_won)
            ON CONFLICT (level, bucket, measure, center_id, zone_id) DO UPDATE SET
                executed_won = t.executed_won + EXCLUDED.executed_won;
        END LOOP;
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION consultation_totals_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM consultation_totals_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM consultation_totals_apply(NEW, 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER consultation_totals_insert_delete AFTER INSERT OR DELETE ON consultations
    FOR EACH ROW EXECUTE FUNCTION consultation_totals_trigger();
CREATE TRIGGER consultation_totals_update AFTER UPDATE OF center_id, zone_id, consulted_on, patents_transferred,
        executed_won, executed_on ON consultations
    FOR EACH ROW EXECUTE FUNCTION consultation_totals_trigger();

-- All totals from every consultation: for what is there already, and for bulk loads that switch
-- the row trigger off (`onestop demo --scale`).
CREATE FUNCTION consultation_totals_rebuild() RETURNS void AS $$
    DELETE FROM consultation_totals;
    INSERT INTO consultation_totals (measure, level, bucket, center_id, zone_id, consultations, patents, executed_won)
    SELECT x.measure, l.level,
           CASE l.level WHEN 'd' THEN x.day
                        WHEN 'm' THEN date_trunc('month', x.day)::date
                        ELSE date_trunc('year', x.day)::date END AS b,
           x.center_id, x.zone_id, SUM(x.n), SUM(x.p), SUM(x.w)
    FROM (VALUES ('d'), ('m'), ('y')) AS l (level),
         (SELECT 'count' AS measure, consulted_on AS day, center_id, zone_id, 1 AS n,
                 COALESCE(patents_transferred, 0) AS p, 0::BIGINT AS w
          FROM consultations WHERE consulted_on IS NOT NULL
          UNION ALL
          SELECT 'won', COALESCE(executed_on, consulted_on), center_id, zone_id, 0, 0, executed_won
          FROM consultations WHERE executed_won IS NOT NULL AND COALESCE(executed_on, consulted_on) IS NOT NULL) AS x
    GROUP BY x.measure, l.level, b, x.center_id, x.zone_id;
$$ LANGUAGE sql;

SELECT consultation_totals_rebuild();

-- The seats held per slot (availability pages) read from the index alone.
CREATE INDEX appointments_zone_time_status ON appointments (zone_id, starts_at, status);

-- Only cases with a link have a token: with most rows NULL (closed cases, imported history),
-- the planner's statistics made the full index look useless and a join scanned every case.
DROP INDEX cases_applicant_token;
CREATE UNIQUE INDEX cases_applicant_token ON cases (applicant_token_hash) WHERE applicant_token_hash IS NOT NULL;
