//! Data at scale for benchmarks: `onestop demo --scale N` fills a database that has no cases
//! with about N thousand appointments at a fixed, realistic density — every center's schedule
//! three quarters full in the past, half full over the booking horizon — going back as many
//! years as that takes (N = 1000 is about ten years). Every appointment belongs to a case with
//! answers, its routed zone and its events; every past visit that took place has its recorded
//! consultation (finance amounts and patent transfers included), so that the queue, the desk
//! and the reports read what a center would have after years of use.
//!
//! Reproducible: the same seed, scale and day give the same rows. Rows are written in batches
//! on the backend's own connection, with ids assigned here (sequences are moved past them on
//! PostgreSQL).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{cases, reference_counters};
use crate::db::{self, DbConn, centers};
use crate::domain::availability::local_date;
use crate::services::ServiceError;
use crate::services::availability::time_zone;

mod bench;
mod rows;
mod seats;
mod visit;

pub use bench::{Prepared, prepare_reservations};
use rows::Batch;
use seats::{CenterInfo, ZoneInfo, seats_of_day};

/// Share of the seats taken on days that have passed (and today), and over the horizon.
const PAST_FILL: f64 = 0.75;
const FUTURE_FILL: f64 = 0.5;
/// Days ahead that get bookings (the default booking horizon).
const AHEAD_DAYS: i64 = 30;
/// Rows per INSERT statement, and appointments per transaction.
const BATCH: usize = 1000;
const COMMIT_EVERY: usize = 50_000;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Generated {
    pub first_day: Option<NaiveDate>,
    pub cases: usize,
    pub appointments: usize,
    pub consultations: usize,
    pub events: usize,
}

/// The id after the largest in `table` (the generator assigns ids itself).
pub(super) fn next_id(conn: &mut DbConn, table: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct M {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        m: i64,
    }
    let q = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {table}");
    Ok(diesel::sql_query(q).get_result::<M>(conn)?.m + 1)
}

/// The share of the seats a year of demo history takes: a few hundred consultations per center
/// and year, about what a center's one-stop desk sees.
const HISTORY_FILL: f64 = 0.04;

fn no_cases(conn: &mut DbConn) -> Result<(), ServiceError> {
    let existing: i64 = cases::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(
            anyhow::anyhow!("the database has {existing} case(s): generated data goes into one without cases").into()
        );
    }
    Ok(())
}

/// Fills the database (which must have the demo's zones and schedules, and no cases) with
/// about `thousands` × 1000 appointments ending `AHEAD_DAYS` after `now`.
pub fn generate(conn: &mut DbConn, thousands: u32, seed: u64, now: NaiveDateTime) -> Result<Generated, ServiceError> {
    no_cases(conn)?;
    let all = centers_info(conn)?;
    let tz = all.first().map_or(crate::domain::center::TIME_ZONE, |c| c.tz);
    let today = local_date(tz, now);
    let last_day = today + Duration::days(AHEAD_DAYS);

    // Walk back from the horizon until the expected number of appointments reaches the target.
    let target = f64::from(thousands) * 1000.0;
    let mut expected = 0.0;
    let mut first_day = last_day;
    let mut day = last_day;
    while expected < target && day > today - Duration::days(365 * 40) {
        let fill = if day > today { FUTURE_FILL } else { PAST_FILL };
        expected += seats_of_day(&all, day).len() as f64 * fill;
        first_day = day;
        day -= Duration::days(1);
    }
    fill(conn, &all, Span { first_day, last_day, past: PAST_FILL, future: FUTURE_FILL }, seed, now)
}

/// The demo's year of history: every center's last 365 days (not today, nothing ahead: the
/// booking pages stay free for whoever tries the demo) at `HISTORY_FILL` — consultations with
/// outcomes, amounts and patents, no-shows and cancellations, as `generate` makes them. Into a
/// database without cases (before the sample desk day).
pub fn history(conn: &mut DbConn, seed: u64, now: NaiveDateTime) -> Result<Generated, ServiceError> {
    no_cases(conn)?;
    let all = centers_info(conn)?;
    let tz = all.first().map_or(crate::domain::center::TIME_ZONE, |c| c.tz);
    let today = local_date(tz, now);
    let span = Span {
        first_day: today - Duration::days(365),
        last_day: today - Duration::days(1),
        past: HISTORY_FILL,
        future: 0.0,
    };
    fill(conn, &all, span, seed, now)
}

/// The days to fill and the share of seats taken before today and after.
struct Span {
    first_day: NaiveDate,
    last_day: NaiveDate,
    past: f64,
    future: f64,
}

fn centers_info(conn: &mut DbConn) -> QueryResult<Vec<CenterInfo>> {
    let mut all = Vec::new();
    for c in centers::all(conn)? {
        let mut zones = Vec::new();
        for (z, _) in centers::zones_of(conn, c.id)? {
            let rules = centers::rules_of(conn, &[z.id])?;
            zones.push(ZoneInfo { id: z.id, kind: z.kind, rules });
        }
        all.push(CenterInfo { id: c.id, prefix: c.ref_prefix.clone(), slug: c.slug.clone(), tz: time_zone(&c), zones });
    }
    Ok(all)
}

fn fill(
    conn: &mut DbConn,
    all: &[CenterInfo],
    span: Span,
    seed: u64,
    now: NaiveDateTime,
) -> Result<Generated, ServiceError> {
    let Span { first_day, last_day, past: past_fill, future: future_fill } = span;
    let institutions = centers::institutions(conn)?;
    let tz = all.first().map_or(crate::domain::center::TIME_ZONE, |c| c.tz);
    let today = local_date(tz, now);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut ids = visit::Ids {
        case: next_id(conn, "cases")?,
        appt: next_id(conn, "appointments")?,
        event: next_id(conn, "case_events")?,
        consult: next_id(conn, "consultations")?,
    };
    let mut counters: HashMap<(i64, i32), i32> = HashMap::new();
    let mut out = Generated { first_day: Some(first_day), ..Generated::default() };
    let mut batch = Batch::default();
    let first_event = ids.event;
    let run = visit::Run { now, today, institutions: &institutions };
    // On PostgreSQL the report totals' insert trigger is switched off for the load and the
    // totals rebuilt in one statement after it (on error too): one grouped pass instead of one
    // per inserted batch. SQLite's row triggers are cheap enough to stay.
    let postgres = matches!(conn, DbConn::Postgres(_));
    if postgres {
        diesel::sql_query("ALTER TABLE consultations DISABLE TRIGGER consultation_totals_insert").execute(conn)?;
    }
    let loaded = (|| -> Result<(), ServiceError> {
        let mut day = first_day;
        // A transaction per `COMMIT_EVERY` appointments or so (whole days), so that a large load
        // does not hold everything in one transaction.
        while day <= last_day {
            let mut in_tx = 0;
            db::write_tx(conn, |conn| -> Result<(), ServiceError> {
                while day <= last_day && in_tx < COMMIT_EVERY {
                    let fill = if day > today { future_fill } else { past_fill };
                    for seat in seats_of_day(all, day) {
                        if rng.f64() >= fill {
                            continue;
                        }
                        visit::one(
                            &mut rng,
                            &run,
                            &all[seat.center],
                            &seat,
                            &mut counters,
                            &mut ids,
                            &mut batch,
                            &mut out,
                        );
                        in_tx += 1;
                        if batch.cases.len() >= BATCH * 5 {
                            batch.flush(conn)?;
                        }
                    }
                    day += Duration::days(1);
                }
                batch.flush(conn)?;
                Ok(())
            })?;
        }
        db::write_tx(conn, |conn| -> Result<(), ServiceError> {
            for ((center_id, year), last) in &counters {
                diesel::delete(
                    reference_counters::table
                        .filter(reference_counters::center_id.eq(center_id))
                        .filter(reference_counters::year.eq(year)),
                )
                .execute(conn)?;
                diesel::insert_into(reference_counters::table)
                    .values((
                        reference_counters::center_id.eq(center_id),
                        reference_counters::year.eq(year),
                        reference_counters::last_value.eq(last),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })?;
        Ok(())
    })();
    if postgres {
        let rebuilt =
            db::write_tx(conn, |conn| diesel::sql_query("SELECT consultation_totals_rebuild()").execute(conn));
        diesel::sql_query("ALTER TABLE consultations ENABLE TRIGGER consultation_totals_insert").execute(conn)?;
        rebuilt?;
    }
    loaded?;
    out.events = usize::try_from(ids.event - first_event).unwrap_or(0);
    if let DbConn::Postgres(_) = conn {
        for table in ["cases", "appointments", "case_events", "consultations"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(conn)?;
        }
        diesel::sql_query("VACUUM ANALYZE").execute(conn)?;
    } else {
        diesel::sql_query("ANALYZE").execute(conn)?;
    }
    Ok(out)
}
