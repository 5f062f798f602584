//! Appointments: one per zone of a visit, each holding a numbered seat of its slot.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{appointments, zones};
use crate::domain::AppointmentStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appointments)]
pub struct Appointment {
    pub id: i64,
    pub case_id: i64,
    pub zone_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: AppointmentStatus,
    pub institution_id: Option<i64>,
    pub ticket_number: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub seat_no: i32,
    pub checked_in_at: Option<NaiveDateTime>,
    /// When the visitor was last called to the zone (the lobby board announces it).
    pub called_at: Option<NaiveDateTime>,
    /// How many times the visitor was called in (recalls not counted).
    pub call_count: i32,
    /// When "did not come" put the visitor back in line (behind everyone else waiting).
    pub requeued_at: Option<NaiveDateTime>,
    /// When the applicant confirmed they are coming (asked some days before).
    pub confirmed_at: Option<NaiveDateTime>,
}

/// The appointments of a visit still to happen or happening (not cancelled, no-show or done),
/// as stored.
pub const LIVE: [&str; 3] =
    [AppointmentStatus::LIVE[0].as_str(), AppointmentStatus::LIVE[1].as_str(), AppointmentStatus::LIVE[2].as_str()];

pub struct NewAppointment {
    pub case_id: i64,
    pub zone_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub institution_id: Option<i64>,
    pub now: NaiveDateTime,
}

/// Takes the first free seat of the slot, 1 to `seats`; None when all are held. Each attempt
/// runs in a savepoint, so that a seat taken by a concurrent transaction (the unique index
/// refuses it) leaves this transaction usable on PostgreSQL too.
pub fn take_seat(conn: &mut DbConn, a: &NewAppointment, seats: i32) -> QueryResult<Option<i64>> {
    // The seats held when we looked are skipped (one indexed read instead of a refused insert
    // per held seat); a seat taken since is still refused by the index, and the next is tried.
    let held: Vec<i32> = appointments::table
        .filter(appointments::zone_id.eq(a.zone_id))
        .filter(appointments::starts_at.eq(a.starts_at))
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.as_str()))
        .select(appointments::seat_no)
        .load(conn)?;
    for seat_no in (1..=seats).filter(|n| !held.contains(n)) {
        let attempt = conn.transaction(|conn| {
            diesel::insert_into(appointments::table)
                .values((
                    appointments::case_id.eq(a.case_id),
                    appointments::zone_id.eq(a.zone_id),
                    appointments::starts_at.eq(a.starts_at),
                    appointments::ends_at.eq(a.ends_at),
                    appointments::status.eq(AppointmentStatus::Booked.as_str()),
                    appointments::institution_id.eq(a.institution_id),
                    appointments::created_at.eq(a.now),
                    appointments::updated_at.eq(a.now),
                    appointments::seat_no.eq(seat_no),
                ))
                .returning(appointments::id)
                .get_result::<i64>(conn)
        });
        match attempt {
            Ok(id) => return Ok(Some(id)),
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// A zone's booked visits from a time on.
pub fn booked_from(conn: &mut DbConn, zone_id: i64, from: NaiveDateTime) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::zone_id.eq(zone_id))
        .filter(appointments::status.eq(AppointmentStatus::Booked.as_str()))
        .filter(appointments::starts_at.ge(from))
        .select(Appointment::as_select())
        .load(conn)
}

pub fn live_of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::case_id.eq(case_id))
        .filter(appointments::status.eq_any(LIVE))
        .order(appointments::starts_at)
        .select(Appointment::as_select())
        .load(conn)
}

/// Cancels the case's live appointments (their seats become free at once).
/// A zone's appointments waiting between `from` and `to` (a day), next first: by the time
/// they are for (a walk-in's is when it was registered), then the ticket.
pub fn waiting_in_zone(
    conn: &mut DbConn,
    zone_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::zone_id.eq(zone_id))
        .filter(appointments::status.eq(AppointmentStatus::Waiting.as_str()))
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .order((appointments::starts_at, appointments::ticket_number, appointments::id))
        .select(Appointment::as_select())
        .load(conn)
        .map(|mut list: Vec<Appointment>| {
            // A visitor put back in line by "did not come" waits behind everyone else waiting
            // (those put back among themselves in the order they were put back).
            list.sort_by_key(|a| (a.requeued_at.is_some(), a.requeued_at, a.starts_at, a.ticket_number, a.id));
            list
        })
}

/// The visitor is called to the zone: counted as a call, announced on the lobby board.
pub fn mark_called(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(appointments::table.find(id))
        .set((
            appointments::called_at.eq(Some(now)),
            appointments::call_count.eq(appointments::call_count + 1),
            appointments::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The same visitor called again (the lobby board announces it again; not a new call).
pub fn mark_recalled(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(appointments::table.find(id))
        .set((appointments::called_at.eq(Some(now)), appointments::updated_at.eq(now)))
        .execute(conn)
}

/// "Did not come": the visitor waits again, behind everyone waiting now.
pub fn requeue(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(appointments::table.find(id))
        .set((
            appointments::status.eq(AppointmentStatus::Waiting.as_str()),
            appointments::requeued_at.eq(Some(now)),
            appointments::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Every appointment the case ever had, cancelled ones too (the history says what a move moved).
pub fn all_of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::case_id.eq(case_id))
        .order((appointments::starts_at, appointments::id))
        .select(Appointment::as_select())
        .load(conn)
}

/// The case's appointments that are not cancelled, in time order (a visit's legs, done or not).
pub fn visit_of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Appointment>> {
    appointments::table
        .filter(appointments::case_id.eq(case_id))
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.as_str()))
        .order(appointments::starts_at)
        .select(Appointment::as_select())
        .load(conn)
}

pub fn cancel_live(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        appointments::table.filter(appointments::case_id.eq(case_id)).filter(appointments::status.eq_any(LIVE)),
    )
    .set((appointments::status.eq(AppointmentStatus::Cancelled.as_str()), appointments::updated_at.eq(now)))
    .execute(conn)
}

// ----- a center's appointments as the desk and the queue read and change them -----

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
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.as_str()))
        .order((appointments::starts_at, appointments::id))
        .select(Appointment::as_select())
        .load(conn)
}

pub fn appointment(conn: &mut DbConn, id: i64) -> QueryResult<Option<Appointment>> {
    appointments::table.find(id).select(Appointment::as_select()).first(conn).optional()
}

/// Marks the case's booked appointments as waiting with the ticket.
pub fn set_waiting(conn: &mut DbConn, case_id: i64, ticket: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        appointments::table
            .filter(appointments::case_id.eq(case_id))
            .filter(appointments::status.eq(AppointmentStatus::Booked.as_str())),
    )
    .set((
        appointments::status.eq(AppointmentStatus::Waiting.as_str()),
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
    .set((appointments::status.eq(AppointmentStatus::NoShow.as_str()), appointments::updated_at.eq(now)))
    .execute(conn)
}

/// One appointment's new state.
pub fn set_status(conn: &mut DbConn, id: i64, status: AppointmentStatus, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(appointments::table.find(id))
        .set((appointments::status.eq(status.as_str()), appointments::updated_at.eq(now)))
        .execute(conn)
}

/// How many of the case's appointments are in one of these states.
pub fn count_of_case(conn: &mut DbConn, case_id: i64, states: &[AppointmentStatus]) -> QueryResult<i64> {
    appointments::table
        .filter(appointments::case_id.eq(case_id))
        .filter(appointments::status.eq_any(states.iter().map(|s| s.as_str())))
        .count()
        .get_result(conn)
}

/// Marks the case's booked legs confirmed (those not confirmed yet); returns how many.
pub fn confirm_booked(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    use super::schema::appointments as a;
    diesel::update(
        a::table
            .filter(a::case_id.eq(case_id))
            .filter(a::status.eq(AppointmentStatus::Booked.as_str()))
            .filter(a::confirmed_at.is_null()),
    )
    .set(a::confirmed_at.eq(now))
    .execute(conn)
}
