//! The applicant's requests to correct or delete their data (PIPA art. 35–37) and their answers:
//! one open request per case and kind (the partial unique index decides), answered once (the
//! update only touches an open row, so two admins answering at once cannot both succeed).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::rights_requests;

pub mod kind {
    pub const CORRECT: &str = "correct";
    pub const DELETE: &str = "delete";
}

pub mod status {
    pub const OPEN: &str = "open";
    pub const DONE: &str = "done";
    pub const REFUSED: &str = "refused";
}

/// How many days the center has to answer (PIPA enforcement decree art. 43–44: ten days).
pub const ANSWER_DAYS: i64 = 10;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rights_requests)]
pub struct RightsRequest {
    pub id: i64,
    pub case_id: i64,
    pub center_id: i64,
    pub kind: String,
    pub body: String,
    pub requested_at: NaiveDateTime,
    pub due_on: NaiveDate,
    pub status: String,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<i64>,
    pub answer: Option<String>,
    pub token_hash: Option<String>,
}

impl RightsRequest {
    pub fn is_open(&self) -> bool {
        self.status == status::OPEN
    }
}

/// A new open request; `None` when one of the same kind is open for the case already.
pub fn open(
    conn: &mut DbConn,
    case_id: i64,
    center_id: i64,
    kind: &str,
    body: &str,
    now: NaiveDateTime,
    due_on: NaiveDate,
) -> QueryResult<Option<i64>> {
    let inserted = diesel::insert_into(rights_requests::table)
        .values((
            rights_requests::case_id.eq(case_id),
            rights_requests::center_id.eq(center_id),
            rights_requests::kind.eq(kind),
            rights_requests::body.eq(body),
            rights_requests::requested_at.eq(now),
            rights_requests::due_on.eq(due_on),
            rights_requests::status.eq(status::OPEN),
        ))
        .returning(rights_requests::id)
        .get_result(conn);
    match inserted {
        Ok(id) => Ok(Some(id)),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<RightsRequest>> {
    rights_requests::table
        .filter(rights_requests::case_id.eq(case_id))
        .order(rights_requests::id.desc())
        .select(RightsRequest::as_select())
        .load(conn)
}

/// The center's requests: the open ones by their deadline, then the answered, newest first.
pub fn of_center(conn: &mut DbConn, center_id: i64, limit: i64) -> QueryResult<Vec<RightsRequest>> {
    let mut open: Vec<RightsRequest> = rights_requests::table
        .filter(rights_requests::center_id.eq(center_id))
        .filter(rights_requests::status.eq(status::OPEN))
        .order((rights_requests::due_on.asc(), rights_requests::id.asc()))
        .select(RightsRequest::as_select())
        .load(conn)?;
    let answered: Vec<RightsRequest> = rights_requests::table
        .filter(rights_requests::center_id.eq(center_id))
        .filter(rights_requests::status.ne(status::OPEN))
        .order(rights_requests::answered_at.desc())
        .limit(limit)
        .select(RightsRequest::as_select())
        .load(conn)?;
    open.extend(answered);
    Ok(open)
}

/// How many requests wait for an answer, and the nearest deadline.
pub fn waiting(conn: &mut DbConn, center_id: i64) -> QueryResult<(i64, Option<NaiveDate>)> {
    use diesel::dsl::{count_star, min};
    rights_requests::table
        .filter(rights_requests::center_id.eq(center_id))
        .filter(rights_requests::status.eq(status::OPEN))
        .select((count_star(), min(rights_requests::due_on)))
        .first(conn)
}

pub fn find_of_center(conn: &mut DbConn, center_id: i64, id: i64) -> QueryResult<Option<RightsRequest>> {
    rights_requests::table
        .find(id)
        .filter(rights_requests::center_id.eq(center_id))
        .select(RightsRequest::as_select())
        .first(conn)
        .optional()
}

/// Answers an open request; false when it was answered already.
pub fn answer(
    conn: &mut DbConn,
    id: i64,
    to: &str,
    by: i64,
    answer: &str,
    token_hash: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(rights_requests::table.find(id).filter(rights_requests::status.eq(status::OPEN)))
        .set((
            rights_requests::status.eq(to),
            rights_requests::answered_at.eq(Some(now)),
            rights_requests::answered_by.eq(Some(by)),
            rights_requests::answer.eq(Some(answer)),
            rights_requests::token_hash.eq(token_hash),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The deletion done for the link whose hash this is (the case's own link is cut by then).
pub fn deleted_by_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<RightsRequest>> {
    rights_requests::table
        .filter(rights_requests::token_hash.eq(token_hash))
        .filter(rights_requests::status.eq(status::DONE))
        .select(RightsRequest::as_select())
        .first(conn)
        .optional()
}
