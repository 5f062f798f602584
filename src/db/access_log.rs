//! The PIPA access record: who opened which personal data (a case, a document, the mailbox,
//! a mail, an export), and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{access_log, cases};

/// An access record: who opened what (`action`, a case or none, `detail`: the mail's id, the
/// number of rows a list showed, …), when, and why (`purpose`). Written by `services::access`.
pub fn log_access_of(
    conn: &mut DbConn,
    user_id: i64,
    case_id: Option<i64>,
    action: &str,
    detail: Option<&str>,
    purpose: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(access_log::table)
        .values((
            access_log::user_id.eq(user_id),
            access_log::case_id.eq(case_id),
            access_log::at.eq(now),
            access_log::action.eq(action),
            access_log::detail.eq(detail),
            access_log::purpose.eq(purpose),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = access_log)]
pub struct AccessRow {
    pub id: i64,
    pub user_id: i64,
    pub case_id: Option<i64>,
    pub at: NaiveDateTime,
    pub action: String,
    pub detail: Option<String>,
    pub purpose: String,
}

pub fn access_of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<AccessRow>> {
    access_log::table
        .filter(access_log::case_id.eq(case_id))
        .order(access_log::at.desc())
        .limit(50)
        .select(AccessRow::as_select())
        .load(conn)
}

/// The center's PIPA access records, newest first, optionally by one user, within `[from, to)`.
pub fn access_of_center(
    conn: &mut DbConn,
    center_id: i64,
    user_id: Option<i64>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<AccessRow>> {
    let of_center = cases::table.filter(cases::center_id.eq(center_id)).select(cases::id);
    // Records without a case (exports, account mails) belong to the center of whoever made them.
    let people = super::schema::users::table
        .filter(super::schema::users::center_id.eq(center_id))
        .select(super::schema::users::id);
    let base = access_log::table
        .filter(
            access_log::case_id
                .eq_any(of_center.nullable())
                .or(access_log::case_id.is_null().and(access_log::user_id.eq_any(people))),
        )
        .filter(access_log::at.ge(from))
        .filter(access_log::at.lt(to))
        .order((access_log::at.desc(), access_log::id.desc()))
        .limit(limit)
        .select(AccessRow::as_select());
    match user_id {
        Some(u) => base.filter(access_log::user_id.eq(u)).load(conn),
        None => base.load(conn),
    }
}
