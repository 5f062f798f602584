//! The lobby's ticket numbers: one sequence per center and day.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConn;
use super::schema::ticket_counters;

/// The next lobby ticket of the center for the day; call inside the write transaction.
pub fn next_ticket(conn: &mut DbConn, center_id: i64, day: NaiveDate) -> QueryResult<i32> {
    let query = diesel::insert_into(ticket_counters::table)
        .values((
            ticket_counters::center_id.eq(center_id),
            ticket_counters::day.eq(day),
            ticket_counters::last_value.eq(1),
        ))
        .on_conflict((ticket_counters::center_id, ticket_counters::day))
        .do_update()
        .set(ticket_counters::last_value.eq(ticket_counters::last_value + 1))
        .returning(ticket_counters::last_value);
    match conn {
        DbConn::Sqlite(c) => query.get_result(c),
        DbConn::Postgres(c) => query.get_result(c),
    }
}
