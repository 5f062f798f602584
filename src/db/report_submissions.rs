//! A center's submitted months: the numbers as submitted, version by version (never edited:
//! the database's triggers refuse an update or a delete).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::report_submissions;
use crate::services::reports::StatusRow;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_submissions)]
pub struct Submission {
    pub id: i64,
    pub center_id: i64,
    pub month: NaiveDate,
    pub version: i32,
    pub submitted_at: NaiveDateTime,
    pub submitted_by: i64,
    pub reason: Option<String>,
    pub legal: i64,
    pub finance: i64,
    pub finance_won: i64,
    pub ip: i64,
    pub patents: i64,
}

impl Submission {
    pub fn numbers(&self) -> StatusRow {
        StatusRow {
            legal: self.legal,
            finance: self.finance,
            finance_won: self.finance_won,
            ip: self.ip,
            patents: self.patents,
        }
    }
}

/// The center's versions of the month, oldest first.
pub fn of_month(conn: &mut DbConn, center_id: i64, month: NaiveDate) -> QueryResult<Vec<Submission>> {
    report_submissions::table
        .filter(report_submissions::center_id.eq(center_id))
        .filter(report_submissions::month.eq(month))
        .order(report_submissions::version)
        .select(Submission::as_select())
        .load(conn)
}

/// Every center's versions of the month (the national view takes each center's latest).
pub fn all_of_month(conn: &mut DbConn, month: NaiveDate) -> QueryResult<Vec<Submission>> {
    report_submissions::table
        .filter(report_submissions::month.eq(month))
        .order((report_submissions::center_id, report_submissions::version))
        .select(Submission::as_select())
        .load(conn)
}

/// Every version of months up to `last` (of one center, or of all), ordered by center, month
/// and version: the roll-ups take each month's latest.
pub fn up_to(conn: &mut DbConn, last: NaiveDate, center_id: Option<i64>) -> QueryResult<Vec<Submission>> {
    let mut q = report_submissions::table.filter(report_submissions::month.le(last)).into_boxed();
    if let Some(c) = center_id {
        q = q.filter(report_submissions::center_id.eq(c));
    }
    q.order((report_submissions::center_id, report_submissions::month, report_submissions::version))
        .select(Submission::as_select())
        .load(conn)
}

/// Writes version `version` and returns its id; `None` when that version exists already
/// (submitted meanwhile).
#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &mut DbConn,
    center_id: i64,
    month: NaiveDate,
    version: i32,
    by: i64,
    reason: Option<&str>,
    n: &StatusRow,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let done = diesel::insert_into(report_submissions::table)
        .values((
            report_submissions::center_id.eq(center_id),
            report_submissions::month.eq(month),
            report_submissions::version.eq(version),
            report_submissions::submitted_at.eq(now),
            report_submissions::submitted_by.eq(by),
            report_submissions::reason.eq(reason),
            report_submissions::legal.eq(n.legal),
            report_submissions::finance.eq(n.finance),
            report_submissions::finance_won.eq(n.finance_won),
            report_submissions::ip.eq(n.ip),
            report_submissions::patents.eq(n.patents),
        ))
        .execute(conn);
    match done {
        Ok(_) => report_submissions::table
            .filter(report_submissions::center_id.eq(center_id))
            .filter(report_submissions::month.eq(month))
            .filter(report_submissions::version.eq(version))
            .select(report_submissions::id)
            .first(conn)
            .map(Some),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e),
    }
}
