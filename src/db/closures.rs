//! Closures as the desk lists and lifts them (adding one: `db::schedule::add_closure`).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::closures)]
pub struct ClosureRow {
    pub id: i64,
    pub center_id: i64,
    pub zone_id: Option<i64>,
    pub expert_user_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

/// The center's closures that end on or after `from`, soonest first.
pub fn closures_from(conn: &mut DbConn, center_id: i64, from: NaiveDate) -> QueryResult<Vec<ClosureRow>> {
    use super::schema::closures;
    closures::table
        .filter(closures::center_id.eq(center_id))
        .filter(closures::ends_on.ge(from))
        .order((closures::starts_on, closures::id))
        .select(ClosureRow::as_select())
        .load(conn)
}

/// One closure of the center.
pub fn closure(conn: &mut DbConn, center_id: i64, id: i64) -> QueryResult<Option<ClosureRow>> {
    use super::schema::closures;
    closures::table
        .filter(closures::id.eq(id))
        .filter(closures::center_id.eq(center_id))
        .select(ClosureRow::as_select())
        .first(conn)
        .optional()
}

pub fn delete_closure(conn: &mut DbConn, center_id: i64, id: i64) -> QueryResult<usize> {
    use super::schema::closures;
    diesel::delete(closures::table.filter(closures::id.eq(id)).filter(closures::center_id.eq(center_id))).execute(conn)
}
