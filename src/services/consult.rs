//! The expert's side of a visit: start a consultation (one expert wins when two call the same
//! visitor), complete it with the zone's outcome, refer the case to another zone, and record a
//! financing executed later (the follow-up). Each is one write transaction with the case's
//! event at the version the expert's page showed; every object is checked against the
//! expert's center and zone.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::answers::{self, CaseZone};
use crate::db::{self, DbConn, appointments, centers, consultations};
use crate::domain::AppointmentStatus;
use crate::domain::consultation::{Outcome, OutcomeForm};
use crate::domain::questionnaire::FieldError;
use crate::domain::{Actor, CaseEvent, ZoneType};
use crate::services::action::ActionError;
use crate::services::case_flow::{self, ActingAs, Fire};
use crate::services::mail;

/// An expert of one zone of one center.
#[derive(Debug, Clone, Copy)]
pub struct Expert {
    pub user_id: i64,
    pub center_id: i64,
    pub zone_id: i64,
}

impl Expert {
    fn acting(&self) -> ActingAs {
        ActingAs { actor: Actor::Expert, user_id: Some(self.user_id) }
    }
}

pub use crate::db::consultations::{Consultation, due_follow_ups, earlier_of_company, find, of_case};

/// The case, if it is of the expert's center.
fn case_of(conn: &mut DbConn, expert: Expert, case_id: i64) -> Result<crate::db::cases::Case, ActionError> {
    match db::cases::find(conn, case_id)? {
        Some(c) if c.center_id == expert.center_id => Ok(c),
        _ => Err(ActionError::NotFound),
    }
}

/// waiting → in consultation: the expert calls the visitor in. Two experts of the zone calling
/// the same visitor: the first wins, the second gets Conflict. Returns the consultation's id.
pub fn start(
    conn: &mut DbConn,
    expert: Expert,
    appt_id: i64,
    version: i64,
    now: NaiveDateTime,
) -> Result<i64, ActionError> {
    db::write_tx(conn, |conn| {
        let appt = crate::db::appointments::appointment(conn, appt_id)?.ok_or(ActionError::NotFound)?;
        if appt.zone_id != expert.zone_id {
            return Err(ActionError::NotFound);
        }
        let case = case_of(conn, expert, appt.case_id)?;
        if case.version != version {
            return Err(ActionError::Conflict);
        }
        if appt.status != AppointmentStatus::Waiting {
            return Err(ActionError::WrongState);
        }
        case_flow::fire_in_tx(conn, &Fire::new(case.id, expert.acting(), CaseEvent::Start).at_version(version), now)?;
        appointments::set_status(conn, appt.id, AppointmentStatus::InConsultation, now)?;
        appointments::mark_called(conn, appt.id, now)?;
        Ok(consultations::begin(conn, &case, &appt, expert.user_id, now)?)
    })
}

/// "Call next": the zone's next waiting visitor of the day (`from`..`to`), started as `start`
/// does. Next is the earliest time (a booked time, or a walk-in's registration), then the lower
/// ticket; a one-stop visitor in another zone's consultation right now is passed over until
/// they are back. Two experts calling at once get two visitors: the loser of the case's
/// compare-and-set reads the queue again. `None` when nobody waits.
pub fn call_next(
    conn: &mut DbConn,
    expert: Expert,
    (from, to): (NaiveDateTime, NaiveDateTime),
    now: NaiveDateTime,
) -> Result<Option<(i64, i64)>, ActionError> {
    // A lost race means another expert started that visitor (or the case changed): read again.
    // Bounded, so that a case refusing to start for another reason cannot keep the loop going.
    for _ in 0..32 {
        let mut next = None;
        for a in appointments::waiting_in_zone(conn, expert.zone_id, from, to)? {
            let case = case_of(conn, expert, a.case_id)?;
            if case.status == crate::domain::CaseStatus::Waiting {
                next = Some((a.id, case.version));
                break;
            }
        }
        let Some((appt_id, version)) = next else { return Ok(None) };
        match start(conn, expert, appt_id, version, now) {
            Ok(consultation) => return Ok(Some((appt_id, consultation))),
            Err(ActionError::Conflict | ActionError::WrongState) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ActionError::Conflict)
}

/// The open consultation of the expert's zone and its appointment, before anything is recorded.
fn open_call(
    conn: &mut DbConn,
    expert: Expert,
    consultation_id: i64,
) -> Result<(Consultation, crate::db::appointments::Appointment, crate::db::cases::Case), ActionError> {
    let c = find(conn, consultation_id)?.ok_or(ActionError::NotFound)?;
    if c.zone_id != expert.zone_id {
        return Err(ActionError::NotFound);
    }
    let case = case_of(conn, expert, c.case_id.ok_or(ActionError::NotFound)?)?;
    let appt = c.appointment_id.map(|a| appointments::appointment(conn, a)).transpose()?.flatten();
    match appt {
        Some(a) if c.completed_at.is_none() && a.status == AppointmentStatus::InConsultation => Ok((c, a, case)),
        _ => Err(ActionError::WrongState),
    }
}

/// Calls the same visitor again: the lobby board shows and announces the ticket once more.
pub fn recall(conn: &mut DbConn, expert: Expert, consultation_id: i64, now: NaiveDateTime) -> Result<(), ActionError> {
    db::write_tx(conn, |conn| {
        let (_, appt, _) = open_call(conn, expert, consultation_id)?;
        appointments::mark_recalled(conn, appt.id, now)?;
        Ok(())
    })
}

/// What "did not come" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotHere {
    /// Put back in line, behind everyone waiting now; "call next" takes them again in turn.
    BackInLine,
    /// Called twice and did not come twice: not attended (the visit's remaining legs too).
    NoShow,
}

/// Called in, the visitor did not come. The first time they go back in line (the consultation
/// that was opened for them is removed: it never took place); the second time the visit is
/// marked not attended. One transaction, at the version the expert's page showed.
pub fn not_here(
    conn: &mut DbConn,
    expert: Expert,
    consultation_id: i64,
    version: i64,
    now: NaiveDateTime,
) -> Result<NotHere, ActionError> {
    db::write_tx(conn, |conn| {
        let (c, appt, case) = open_call(conn, expert, consultation_id)?;
        if case.version != version {
            return Err(ActionError::Conflict);
        }
        let what = if appt.call_count >= 2 { NotHere::NoShow } else { NotHere::BackInLine };
        let event = match what {
            NotHere::BackInLine => CaseEvent::NotHere,
            NotHere::NoShow => CaseEvent::MarkNoShow,
        };
        case_flow::fire_in_tx(conn, &Fire::new(case.id, expert.acting(), event).at_version(version), now)?;
        consultations::remove_unrecorded(conn, c.id)?;
        match what {
            NotHere::BackInLine => appointments::requeue(conn, appt.id, now)?,
            NotHere::NoShow => appointments::set_no_show(conn, case.id, now)?,
        };
        Ok(what)
    })
}

/// in consultation → consulted (or back to waiting when another zone of the same one-stop
/// visit is still to come today), with the outcome. The summary, if any, is mailed to the
/// applicant.
pub fn complete(
    conn: &mut DbConn,
    expert: Expert,
    consultation_id: i64,
    form: &OutcomeForm,
    version: i64,
    today: NaiveDate,
    env: &mail::Env<'_>,
) -> Result<(), ActionError> {
    let kind = zone_kind(conn, expert)?;
    let outcome: Outcome = form.parse(&kind, today).map_err(ActionError::Invalid)?;
    db::write_tx(conn, |conn| {
        let c = find(conn, consultation_id)?.ok_or(ActionError::NotFound)?;
        if c.zone_id != expert.zone_id {
            return Err(ActionError::NotFound);
        }
        let case = case_of(conn, expert, c.case_id.ok_or(ActionError::NotFound)?)?;
        if case.version != version {
            return Err(ActionError::Conflict);
        }
        if c.completed_at.is_some() {
            return Err(ActionError::WrongState);
        }
        let more_today =
            appointments::count_of_case(conn, case.id, &[AppointmentStatus::Booked, AppointmentStatus::Waiting])? > 0;
        case_flow::fire_in_tx(
            conn,
            &Fire::new(case.id, expert.acting(), CaseEvent::Complete { more_zones_today: more_today })
                .at_version(version),
            env.now,
        )?;
        if let Some(a) = c.appointment_id {
            appointments::set_status(conn, a, AppointmentStatus::Done, env.now)?;
        }
        let institution_id = match &outcome.institution {
            Some(code) => centers::institutions(conn)?.into_iter().find(|i| &i.code == code).map(|i| i.id),
            None => None,
        };
        consultations::record_outcome(conn, c.id, env.now, today, institution_id, &outcome)?;
        if let Some(summary) = &outcome.summary {
            mail::queue_summary(conn, env, case.id, expert.zone_id, summary)?;
        }
        Ok(())
    })
}

fn zone_kind(conn: &mut DbConn, expert: Expert) -> Result<ZoneType, ActionError> {
    centers::zones_of(conn, expert.center_id)?
        .into_iter()
        .find(|(z, _)| z.id == expert.zone_id)
        .map(|(_, k)| k.zone_type)
        .ok_or(ActionError::NotFound)
}

/// consulted → submitted for another zone: the case goes back to reservation for that zone
/// and the applicant is mailed to book it.
pub fn refer(
    conn: &mut DbConn,
    expert: Expert,
    consultation_id: i64,
    to_zone: &str,
    reason: &str,
    version: i64,
    env: &mail::Env<'_>,
) -> Result<(), ActionError> {
    // One line: the reason goes into the routing explanation the applicant and staff read.
    let Ok(reason) = crate::domain::text::required_line(reason, 500) else {
        return Err(ActionError::ReasonRequired);
    };
    let reason = reason.as_str();
    db::write_tx(conn, |conn| {
        let c = find(conn, consultation_id)?.ok_or(ActionError::NotFound)?;
        if c.zone_id != expert.zone_id || c.completed_at.is_none() {
            return Err(ActionError::NotFound);
        }
        let case = case_of(conn, expert, c.case_id.ok_or(ActionError::NotFound)?)?;
        if case.version != version {
            return Err(ActionError::Conflict);
        }
        let (_, kind) = centers::zones_of(conn, expert.center_id)?
            .into_iter()
            .find(|(z, k)| k.code == to_zone && z.id != expert.zone_id)
            .ok_or(ActionError::WrongState)?;
        case_flow::fire_in_tx(
            conn,
            &Fire::new(case.id, expert.acting(), CaseEvent::Refer).at_version(version).because(reason),
            env.now,
        )?;
        let row = CaseZone {
            case_id: case.id,
            zone_kind: kind.code.clone(),
            is_primary: true,
            institution_code: None,
            explanation_ko: format!("{} — 전문가 의뢰: {reason}", kind.name_ko),
            explanation_en: format!("{} — referred by the expert: {reason}", kind.name_en),
            sort_order: 0,
        };
        answers::replace_zones(conn, case.id, std::slice::from_ref(&row))?;
        consultations::mark_referred(conn, c.id, &kind.code)?;
        mail::queue_rerouted(conn, env, case.id, &[row])?;
        Ok(())
    })
}

/// The follow-up of a finance consultation: the amount executed (and when), recorded later.
pub fn record_execution(
    conn: &mut DbConn,
    expert: Expert,
    consultation_id: i64,
    executed_won: &str,
    executed_on: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), ActionError> {
    let form = OutcomeForm {
        institution: "KODIT".into(),
        product: "other".into(),
        executed_won: executed_won.into(),
        executed_on: executed_on.into(),
        ..OutcomeForm::default()
    };
    let o = form.parse(&ZoneType::Finance, today).map_err(ActionError::Invalid)?;
    let Some(won) = o.executed_won else {
        return Err(ActionError::Invalid(vec![FieldError { field: "executed_won", key: "outcome.error.won" }]));
    };
    db::write_tx(conn, |conn| {
        let c = find(conn, consultation_id)?.ok_or(ActionError::NotFound)?;
        if c.zone_id != expert.zone_id || c.completed_at.is_none() {
            return Err(ActionError::NotFound);
        }
        case_of(conn, expert, c.case_id.ok_or(ActionError::NotFound)?)?;
        consultations::record_execution(conn, c.id, won, o.executed_on.unwrap_or(today), now)?;
        Ok(())
    })
}
