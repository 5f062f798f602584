//! Consultations: one per expert's session with a visitor (or an imported record), with the
//! zone's outcome.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::appointments::Appointment;
use super::cases::Case;
use super::schema::consultations;
use crate::domain::consultation::Outcome;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: i64,
    pub case_id: Option<i64>,
    pub zone_id: i64,
    pub appointment_id: Option<i64>,
    pub expert_user_id: Option<i64>,
    pub started_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub consulted_on: Option<NaiveDate>,
    pub institution_id: Option<i64>,
    pub product: Option<String>,
    pub executed_won: Option<i64>,
    pub executed_on: Option<NaiveDate>,
    pub advice_type: Option<String>,
    pub patents_transferred: Option<i32>,
    pub notes: Option<String>,
    pub summary: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_done_at: Option<NaiveDateTime>,
    pub referred_to: Option<String>,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Consultation>> {
    consultations::table.find(id).select(Consultation::as_select()).first(conn).optional()
}

pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Consultation>> {
    consultations::table
        .filter(consultations::case_id.eq(case_id))
        .order(consultations::started_at)
        .select(Consultation::as_select())
        .load(conn)
}

/// Completed consultations of the same company (by business number) in other cases of the
/// center, newest first: what the expert should know before this one.
pub fn earlier_of_company(
    conn: &mut DbConn,
    center_id: i64,
    brn: &str,
    except_case: i64,
) -> QueryResult<Vec<Consultation>> {
    use crate::db::schema::{case_answers, cases};
    let same_company = case_answers::table
        .inner_join(cases::table.on(cases::id.eq(case_answers::case_id)))
        .filter(case_answers::brn.eq(brn))
        .filter(cases::center_id.eq(center_id))
        .filter(cases::id.ne(except_case))
        .select(cases::id.nullable());
    // The same company's cases, and imported records carrying its business number.
    consultations::table
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::case_id.eq_any(same_company).or(consultations::brn.eq(brn).nullable()))
        .filter(consultations::completed_at.is_not_null())
        .order(consultations::completed_at.desc())
        .limit(20)
        .select(Consultation::as_select())
        .load(conn)
}

/// The consultation an expert starts with the visitor of `appt`; returns its id.
pub fn begin(
    conn: &mut DbConn,
    case: &Case,
    appt: &Appointment,
    expert_user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(consultations::table)
        .values((
            consultations::case_id.eq(Some(case.id)),
            consultations::center_id.eq(case.center_id),
            consultations::zone_id.eq(appt.zone_id),
            consultations::appointment_id.eq(Some(appt.id)),
            consultations::expert_user_id.eq(Some(expert_user_id)),
            consultations::started_at.eq(now),
        ))
        .returning(consultations::id)
        .get_result(conn)
}

/// Removes a consultation that was opened but never took place (the visitor did not come);
/// one with an outcome is never removed.
pub fn remove_unrecorded(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(consultations::table.find(id).filter(consultations::completed_at.is_null())).execute(conn)
}

/// Completes a consultation with its outcome (the report totals follow by trigger).
pub fn record_outcome(
    conn: &mut DbConn,
    id: i64,
    now: NaiveDateTime,
    today: NaiveDate,
    institution_id: Option<i64>,
    outcome: &Outcome,
) -> QueryResult<usize> {
    diesel::update(consultations::table.find(id))
        .set((
            (
                consultations::completed_at.eq(Some(now)),
                consultations::consulted_on.eq(Some(today)),
                consultations::institution_id.eq(institution_id),
                consultations::product.eq(outcome.product.as_deref()),
                consultations::executed_won.eq(outcome.executed_won),
                consultations::executed_on.eq(outcome.executed_on),
            ),
            (
                consultations::advice_type.eq(outcome.advice_type.as_deref()),
                consultations::patents_transferred.eq(outcome.patents_transferred),
                consultations::notes.eq(outcome.notes.as_deref()),
                consultations::summary.eq(outcome.summary.as_deref()),
                consultations::follow_up_on.eq(outcome.follow_up_on),
            ),
        ))
        .execute(conn)
}

/// The zone (its kind's code) the expert referred the case to after this consultation.
pub fn mark_referred(conn: &mut DbConn, id: i64, zone_kind: &str) -> QueryResult<usize> {
    diesel::update(consultations::table.find(id)).set(consultations::referred_to.eq(Some(zone_kind))).execute(conn)
}

/// The financing executed after the consultation, which closes its follow-up.
pub fn record_execution(conn: &mut DbConn, id: i64, won: i64, on: NaiveDate, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(consultations::table.find(id))
        .set((
            consultations::executed_won.eq(Some(won)),
            consultations::executed_on.eq(Some(on)),
            consultations::follow_up_done_at.eq(Some(now)),
        ))
        .execute(conn)
}

/// Follow-ups of the zone due by `until` and not done, soonest first.
pub fn due_follow_ups(conn: &mut DbConn, zone_id: i64, until: NaiveDate) -> QueryResult<Vec<Consultation>> {
    consultations::table
        .filter(consultations::zone_id.eq(zone_id))
        .filter(consultations::follow_up_on.le(until))
        .filter(consultations::follow_up_done_at.is_null())
        .order(consultations::follow_up_on)
        .select(Consultation::as_select())
        .load(conn)
}
