//! Queries of the staff desk: a center's appointments of a day, its cases, tickets, the PIPA
//! access record. Few queries per page: rows first, then what they refer to with `IN (…)`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::answers::Answers;
use super::appointments::Appointment;
use super::cases::Case;
use super::schema::{access_log, appointments, case_answers, cases, ticket_counters, zones};

/// Appointments of the center's zones starting in `[from, to)` (UTC), in time order.
pub fn appointments_between(
    conn: &mut DbConn,
    center_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Appointment>> {
    let zone_ids = zones::table.filter(zones::center_id.eq(center_id)).select(zones::id);
    appointments::table
        .filter(appointments::zone_id.eq_any(zone_ids))
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .filter(appointments::status.ne("cancelled"))
        .order((appointments::starts_at, appointments::id))
        .select(Appointment::as_select())
        .load(conn)
}

pub fn appointment(conn: &mut DbConn, id: i64) -> QueryResult<Option<Appointment>> {
    appointments::table.find(id).select(Appointment::as_select()).first(conn).optional()
}

pub fn cases_by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Case>> {
    cases::table.filter(cases::id.eq_any(ids)).select(Case::as_select()).load(conn)
}

pub fn answers_by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Answers>> {
    case_answers::table.filter(case_answers::case_id.eq_any(ids)).select(Answers::as_select()).load(conn)
}

/// The center's cases in one status (all but drafts when `None`), newest first, a page at a time.
pub fn cases_of_center(
    conn: &mut DbConn,
    center_id: i64,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Case>> {
    let mut q = cases::table.filter(cases::center_id.eq(center_id)).filter(cases::status.ne("draft")).into_boxed();
    if let Some(s) = status {
        q = q.filter(cases::status.eq(s.to_owned()));
    }
    q.order((cases::updated_at.desc(), cases::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Case::as_select())
        .load(conn)
}

pub fn count_in_status(conn: &mut DbConn, center_id: i64, status: &str) -> QueryResult<i64> {
    cases::table.filter(cases::center_id.eq(center_id)).filter(cases::status.eq(status)).count().get_result(conn)
}

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

/// Marks the case's booked appointments as waiting with the ticket.
pub fn set_waiting(conn: &mut DbConn, case_id: i64, ticket: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        appointments::table.filter(appointments::case_id.eq(case_id)).filter(appointments::status.eq("booked")),
    )
    .set((
        appointments::status.eq("waiting"),
        appointments::ticket_number.eq(Some(ticket)),
        appointments::checked_in_at.eq(Some(now)),
        appointments::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Marks the case's live appointments as not attended.
pub fn set_no_show(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        appointments::table
            .filter(appointments::case_id.eq(case_id))
            .filter(appointments::status.eq_any(super::appointments::LIVE)),
    )
    .set((appointments::status.eq("no_show"), appointments::updated_at.eq(now)))
    .execute(conn)
}

/// PIPA access record: who opened which case's personal data, when.
pub fn log_access(conn: &mut DbConn, user_id: i64, case_id: i64, action: &str, now: NaiveDateTime) -> QueryResult<()> {
    log_access_of(conn, user_id, Some(case_id), action, None, now)
}

/// An access record that may name no case (an export of records, an account's mail) and what
/// was opened (`detail`: the mail's id, …).
pub fn log_access_of(
    conn: &mut DbConn,
    user_id: i64,
    case_id: Option<i64>,
    action: &str,
    detail: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(access_log::table)
        .values((
            access_log::user_id.eq(user_id),
            access_log::case_id.eq(case_id),
            access_log::at.eq(now),
            access_log::action.eq(action),
            access_log::detail.eq(detail),
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
}

pub fn access_of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<AccessRow>> {
    access_log::table
        .filter(access_log::case_id.eq(case_id))
        .order(access_log::at.desc())
        .limit(50)
        .select(AccessRow::as_select())
        .load(conn)
}

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

pub fn delete_closure(conn: &mut DbConn, center_id: i64, id: i64) -> QueryResult<usize> {
    use super::schema::closures;
    diesel::delete(closures::table.filter(closures::id.eq(id)).filter(closures::center_id.eq(center_id))).execute(conn)
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

/// How many bookings applicants moved or cancelled themselves since `since` (the desk's
/// "changes you have not seen on the phone" count).
pub fn applicant_changes_since(conn: &mut DbConn, center_id: i64, since: NaiveDateTime) -> QueryResult<i64> {
    use super::schema::case_events;
    let of_center = cases::table.filter(cases::center_id.eq(center_id)).select(cases::id);
    case_events::table
        .filter(case_events::case_id.eq_any(of_center))
        .filter(case_events::actor_kind.eq("applicant"))
        .filter(case_events::event.eq_any(["reschedule", "cancel"]))
        .filter(case_events::at.ge(since))
        .count()
        .get_result(conn)
}

/// How many cases were submitted since `since`.
pub fn submissions_since(conn: &mut DbConn, center_id: i64, since: NaiveDateTime) -> QueryResult<i64> {
    cases::table.filter(cases::center_id.eq(center_id)).filter(cases::submitted_at.ge(since)).count().get_result(conn)
}
