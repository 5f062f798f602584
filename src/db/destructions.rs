//! The destruction register (파기 대장): every destruction of personal data — what kind, how
//! many records, under which rule, when, by what — kept for the admins to read and export.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::destructions;

/// What was destroyed.
pub mod kind {
    /// A closed case's personal data past its retention (the case and its numbers stay).
    pub const CASE_PERSONAL_DATA: &str = "case_personal_data";
    /// An unfinished questionnaire past its expiry.
    pub const DRAFT: &str = "draft";
    /// Staff access records past their retention.
    pub const ACCESS_LOG: &str = "access_log";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = destructions)]
pub struct Destruction {
    pub id: i64,
    pub center_id: Option<i64>,
    pub at: NaiveDateTime,
    pub kind: String,
    pub records: i64,
    pub rule: String,
    pub done_by: String,
}

pub fn record(
    conn: &mut DbConn,
    center_id: Option<i64>,
    at: NaiveDateTime,
    kind: &str,
    records: i64,
    rule: &str,
    done_by: &str,
) -> QueryResult<()> {
    diesel::insert_into(destructions::table)
        .values((
            destructions::center_id.eq(center_id),
            destructions::at.eq(at),
            destructions::kind.eq(kind),
            destructions::records.eq(records),
            destructions::rule.eq(rule),
            destructions::done_by.eq(done_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// The register of a center (with the entries that belong to no center), newest first.
pub fn of_center(conn: &mut DbConn, center_id: i64, limit: i64) -> QueryResult<Vec<Destruction>> {
    destructions::table
        .filter(destructions::center_id.eq(center_id).or(destructions::center_id.is_null()))
        .order((destructions::at.desc(), destructions::id.desc()))
        .limit(limit)
        .select(Destruction::as_select())
        .load(conn)
}
