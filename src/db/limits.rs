//! Rate limits decided by the database: one row per hit in `rate_hits`, counted over a sliding
//! window and inserted in one write transaction under a lock on the bucket, so that concurrent
//! requests and several instances never pass a limit together.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::rate_hits;

/// Counts a hit in `bucket` if fewer than `limit` fell within `window` before `now`; returns
/// whether it was allowed. Runs its own write transaction (nested as a savepoint inside one).
pub fn take(conn: &mut DbConn, bucket: &str, limit: u32, window: Duration, now: NaiveDateTime) -> QueryResult<bool> {
    super::write_tx(conn, |conn| {
        super::lock_key(conn, &format!("rate:{bucket}"))?;
        let n: i64 = rate_hits::table
            .filter(rate_hits::bucket.eq(bucket))
            .filter(rate_hits::at.gt(now - window))
            .count()
            .get_result(conn)?;
        if n >= i64::from(limit) {
            return Ok(false);
        }
        diesel::insert_into(rate_hits::table)
            .values((rate_hits::bucket.eq(bucket), rate_hits::at.eq(now)))
            .execute(conn)?;
        Ok(true)
    })
}

/// Housekeeping: hits older than any window.
pub fn purge_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_hits::table.filter(rate_hits::at.lt(before))).execute(conn)
}
