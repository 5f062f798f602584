//! Cases, their reference numbers and their event trail.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{case_events, cases, reference_counters};
use crate::domain::{CaseEvent, CaseStatus};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = cases)]
pub struct Case {
    pub id: i64,
    pub center_id: i64,
    pub reference: String,
    pub status: CaseStatus,
    pub version: i64,
    pub lang: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub applicant_token_hash: Option<String>,
    pub draft_expires_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    pub id: i64,
    pub case_id: i64,
    pub at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub event: String,
    pub from_status: CaseStatus,
    pub to_status: CaseStatus,
    pub reason: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = case_events)]
pub struct NewCaseEvent<'a> {
    pub case_id: i64,
    pub at: NaiveDateTime,
    pub actor_kind: &'a str,
    pub actor_user_id: Option<i64>,
    pub event: &'a str,
    pub from_status: &'a str,
    pub to_status: &'a str,
    pub reason: Option<&'a str>,
}

/// The next number of the center's reference sequence for the year. Call inside a write
/// transaction: the upsert takes the row's lock, so concurrent callers get distinct numbers.
pub fn next_reference_number(conn: &mut DbConn, center_id: i64, year: i32) -> QueryResult<i32> {
    // The upsert is the same SQL on both backends, but diesel's multi-backend connection does
    // not compile ON CONFLICT: build it once and run it on the inner connection.
    let query = diesel::insert_into(reference_counters::table)
        .values((
            reference_counters::center_id.eq(center_id),
            reference_counters::year.eq(year),
            reference_counters::last_value.eq(1),
        ))
        .on_conflict((reference_counters::center_id, reference_counters::year))
        .do_update()
        .set(reference_counters::last_value.eq(reference_counters::last_value + 1))
        .returning(reference_counters::last_value);
    match conn {
        DbConn::Sqlite(c) => query.get_result(c),
        DbConn::Postgres(c) => query.get_result(c),
    }
}

pub fn insert(
    conn: &mut DbConn,
    center_id: i64,
    reference: &str,
    status: &str,
    lang: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(cases::table)
        .values((
            cases::center_id.eq(center_id),
            cases::reference.eq(reference),
            cases::status.eq(status),
            cases::version.eq(0i64),
            cases::lang.eq(lang),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
        ))
        .returning(cases::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Case>> {
    cases::table.find(id).select(Case::as_select()).first(conn).optional()
}

/// Compare-and-set: moves the case to `to` only if it is still at `version`. Returns whether
/// this call won.
pub fn set_status_if_version(
    conn: &mut DbConn,
    id: i64,
    version: i64,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(cases::table.filter(cases::id.eq(id)).filter(cases::version.eq(version)))
        .set((cases::status.eq(to), cases::version.eq(version + 1), cases::updated_at.eq(now)))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn insert_event(conn: &mut DbConn, event: &NewCaseEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(case_events::table).values(event).execute(conn).map(|_| ())
}

pub fn events_of(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<CaseEventRow>> {
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order((case_events::at, case_events::id))
        .select(CaseEventRow::as_select())
        .load(conn)
}

/// The case behind an applicant's link, with its center, in one query.
pub fn with_center_by_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<(Case, super::centers::Center)>> {
    use super::schema::centers;
    if token.len() != 43 {
        return Ok(None);
    }
    cases::table
        .inner_join(centers::table)
        .filter(cases::applicant_token_hash.eq(crate::token::hash_token(token)))
        .select((Case::as_select(), super::centers::Center::as_select()))
        .first(conn)
        .optional()
}

/// Replaces the applicant's link (its hash): the earlier link no longer opens the case.
pub fn set_applicant_token(conn: &mut DbConn, case_id: i64, token_hash: &str) -> QueryResult<()> {
    diesel::update(cases::table.find(case_id)).set(cases::applicant_token_hash.eq(token_hash)).execute(conn).map(drop)
}

// ----- several cases at once (the desk's pages: rows first, then what they refer to) -----

pub fn cases_by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Case>> {
    cases::table.filter(cases::id.eq_any(ids)).select(Case::as_select()).load(conn)
}

/// The center's cases in one status (all but drafts when `None`), newest first, a page at a time.
pub fn cases_of_center(
    conn: &mut DbConn,
    center_id: i64,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Case>> {
    let mut q = cases::table
        .filter(cases::center_id.eq(center_id))
        .filter(cases::status.ne(CaseStatus::Draft.as_str()))
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(cases::status.eq(s.to_owned()));
    }
    q.order((cases::updated_at.desc(), cases::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Case::as_select())
        .load(conn)
}

pub fn count_in_status(conn: &mut DbConn, center_id: i64, status: CaseStatus) -> QueryResult<i64> {
    cases::table
        .filter(cases::center_id.eq(center_id))
        .filter(cases::status.eq(status.as_str()))
        .count()
        .get_result(conn)
}

/// The center's case events, newest first, optionally by one user and within `[from, to)`.
pub fn events_of_center(
    conn: &mut DbConn,
    center_id: i64,
    user_id: Option<i64>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<super::cases::CaseEventRow>> {
    use super::schema::case_events;
    let of_center = cases::table.filter(cases::center_id.eq(center_id)).select(cases::id);
    let mut q = case_events::table
        .filter(case_events::case_id.eq_any(of_center))
        .filter(case_events::at.ge(from))
        .filter(case_events::at.lt(to))
        .into_boxed();
    if let Some(u) = user_id {
        q = q.filter(case_events::actor_user_id.eq(u));
    }
    q.order((case_events::at.desc(), case_events::id.desc()))
        .limit(limit)
        .select(super::cases::CaseEventRow::as_select())
        .load(conn)
}

/// How many bookings applicants moved or cancelled themselves since `since` (the desk's
/// "changes you have not seen on the phone" count).
pub fn applicant_changes_since(conn: &mut DbConn, center_id: i64, since: NaiveDateTime) -> QueryResult<i64> {
    use super::schema::case_events;
    let of_center = cases::table.filter(cases::center_id.eq(center_id)).select(cases::id);
    case_events::table
        .filter(case_events::case_id.eq_any(of_center))
        .filter(case_events::actor_kind.eq(crate::domain::Actor::Applicant.as_str()))
        .filter(case_events::event.eq_any([CaseEvent::Reschedule.as_str(), CaseEvent::Cancel.as_str()]))
        .filter(case_events::at.ge(since))
        .count()
        .get_result(conn)
}

/// How many cases were submitted since `since`.
pub fn submissions_since(conn: &mut DbConn, center_id: i64, since: NaiveDateTime) -> QueryResult<i64> {
    cases::table.filter(cases::center_id.eq(center_id)).filter(cases::submitted_at.ge(since)).count().get_result(conn)
}

/// Drafts past their expiry date.
pub fn expired_drafts(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    cases::table
        .filter(cases::status.eq(CaseStatus::Draft.as_str()))
        .filter(cases::draft_expires_at.le(now))
        .select(cases::id)
        .load(conn)
}

/// Deletes an expired draft's answers, needs and document rows, and ends its link.
pub fn forget_draft(conn: &mut DbConn, case_id: i64) -> QueryResult<()> {
    use crate::db::schema::{case_answers, case_documents, case_topics};
    diesel::delete(case_documents::table.filter(case_documents::case_id.eq(case_id))).execute(conn)?;
    diesel::delete(case_topics::table.filter(case_topics::case_id.eq(case_id))).execute(conn)?;
    diesel::delete(case_answers::table.filter(case_answers::case_id.eq(case_id))).execute(conn)?;
    diesel::update(cases::table.find(case_id))
        .set((cases::applicant_token_hash.eq(None::<String>), cases::draft_expires_at.eq(None::<NaiveDateTime>)))
        .execute(conn)?;
    Ok(())
}
