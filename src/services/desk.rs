//! The staff desk's actions: check-in, no-show, re-routing, walk-ins. Each is one write
//! transaction with the case's event at the version the staff member's page showed, so that a
//! second staff member acting on a stale page gets "this case changed" instead of a double
//! action. Every object is checked against the staff member's center.

use chrono::NaiveDateTime;

use crate::db::answers::{self, CaseZone};
use crate::db::appointments::{self, NewAppointment};
use crate::db::cases::Case;
use crate::db::centers::{self, Center};
use crate::db::{self, DbConn};
use crate::domain::AppointmentStatus;
use crate::domain::CaseStatus;
use crate::domain::{Actor, CaseEvent};
use crate::services::action::ActionError;
use crate::services::case_flow::{self, ActingAs, Fire};
use crate::services::mail;

/// A staff member (or admin) acting for their center.
#[derive(Debug, Clone, Copy)]
pub struct Staff {
    pub user_id: i64,
    pub center_id: i64,
}

impl Staff {
    pub fn acting(&self) -> ActingAs {
        ActingAs { actor: Actor::Staff, user_id: Some(self.user_id) }
    }
}

/// The case, if it belongs to the staff member's center.
pub fn case_of_center(conn: &mut DbConn, staff: Staff, case_id: i64) -> Result<Case, ActionError> {
    center_case(conn, staff, case_id)?.ok_or(ActionError::NotFound)
}

/// The same, as a plain lookup: `None` for a draft or another center's case.
pub fn center_case(conn: &mut DbConn, staff: Staff, case_id: i64) -> diesel::QueryResult<Option<Case>> {
    Ok(db::cases::find(conn, case_id)?.filter(|c| c.center_id == staff.center_id && c.status != CaseStatus::Draft))
}

/// The appointment and its case, if they belong to the staff member's center.
fn appointment_of_center(
    conn: &mut DbConn,
    staff: Staff,
    appt_id: i64,
) -> Result<(appointments::Appointment, Case), ActionError> {
    let appt = crate::db::appointments::appointment(conn, appt_id)?.ok_or(ActionError::NotFound)?;
    let case = case_of_center(conn, staff, appt.case_id)?;
    Ok((appt, case))
}

/// reserved → waiting: the visitor is at reception and gets the center's next ticket of the
/// day (all legs of a one-stop visit share it). Returns the ticket number.
pub fn check_in(
    conn: &mut DbConn,
    staff: Staff,
    appt_id: i64,
    version: i64,
    now: NaiveDateTime,
) -> Result<i32, ActionError> {
    db::write_tx(conn, |conn| {
        let (appt, case) = appointment_of_center(conn, staff, appt_id)?;
        if case.version != version {
            return Err(ActionError::Conflict);
        }
        if appt.status != AppointmentStatus::Booked {
            return Err(ActionError::WrongState);
        }
        let center = centers::by_id(conn, staff.center_id)?.ok_or(ActionError::NotFound)?;
        let tz = crate::services::availability::time_zone(&center);
        let day = crate::domain::availability::local_date(tz, now);
        if crate::domain::availability::local_date(tz, appt.starts_at) != day {
            return Err(ActionError::NotToday);
        }
        case_flow::fire_in_tx(conn, &Fire::new(case.id, staff.acting(), CaseEvent::CheckIn).at_version(version), now)?;
        let ticket = crate::db::tickets::next_ticket(conn, center.id, day)?;
        crate::db::appointments::set_waiting(conn, case.id, ticket, now)?;
        Ok(ticket)
    })
}

/// reserved/waiting → no-show, once the slot has ended.
pub fn no_show(
    conn: &mut DbConn,
    staff: Staff,
    appt_id: i64,
    version: i64,
    now: NaiveDateTime,
) -> Result<(), ActionError> {
    db::write_tx(conn, |conn| {
        let (appt, case) = appointment_of_center(conn, staff, appt_id)?;
        if case.version != version {
            return Err(ActionError::Conflict);
        }
        if now < appt.ends_at {
            return Err(ActionError::TooEarly);
        }
        // A visitor who checked in came: they are not absent, whatever happens next.
        if appt.status != AppointmentStatus::Booked {
            return Err(ActionError::Arrived);
        }
        case_flow::fire_in_tx(
            conn,
            &Fire::new(case.id, staff.acting(), CaseEvent::MarkNoShow).at_version(version),
            now,
        )?;
        crate::db::appointments::set_no_show(conn, case.id, now)?;
        Ok(())
    })
}

/// Sends the case to other zones (with a reason kept in the trail): its booking, if any, is
/// released, the routing replaced, and the applicant told to book again.
pub fn reroute(
    conn: &mut DbConn,
    staff: Staff,
    case_id: i64,
    zone_kinds: &[String],
    reason: &str,
    version: i64,
    env: &mail::Env<'_>,
) -> Result<(), ActionError> {
    let reason = crate::domain::text::required_line(reason, 500)?;
    let reason = reason.as_str();
    db::write_tx(conn, |conn| {
        let case = case_of_center(conn, staff, case_id)?;
        let offered = centers::zones_of(conn, staff.center_id)?;
        let mut rows = Vec::new();
        for (i, (_, kind)) in offered.iter().filter(|(_, k)| zone_kinds.contains(&k.code)).enumerate() {
            rows.push(CaseZone {
                case_id,
                zone_kind: kind.code.clone(),
                is_primary: i == 0,
                institution_code: None,
                explanation_ko: format!("{} — 담당자가 배정했습니다: {reason}", kind.name_ko),
                explanation_en: format!("{} — assigned by staff: {reason}", kind.name_en),
                sort_order: i32::try_from(i).unwrap_or(0),
            });
        }
        if rows.is_empty() {
            return Err(ActionError::NoZone);
        }
        case_flow::fire_in_tx(
            conn,
            &Fire::new(case.id, staff.acting(), CaseEvent::Reroute).at_version(version).because(reason),
            env.now,
        )?;
        appointments::cancel_live(conn, case.id, env.now)?;
        answers::replace_zones(conn, case.id, &rows)?;
        mail::queue_rerouted(conn, env, case.id, &rows)?;
        Ok(())
    })
}

/// A visitor without a booking, registered at reception.
pub struct WalkIn<'a> {
    pub zone_kind: &'a str,
    pub company: &'a str,
    /// Empty when the visitor gave no consent (then no phone either).
    pub contact_name: &'a str,
    pub phone: Option<&'a str>,
    /// The visitor agreed to the collection of their name and phone (recorded like online).
    pub consented: bool,
}

/// Creates the case and puts it straight into the zone's queue: submitted, reserved for now,
/// checked in with a ticket — one transaction. Returns (case id, ticket).
pub fn walk_in(conn: &mut DbConn, staff: Staff, w: &WalkIn<'_>, now: NaiveDateTime) -> Result<(i64, i32), ActionError> {
    db::write_tx(conn, |conn| {
        let center: Center = centers::by_id(conn, staff.center_id)?.ok_or(ActionError::NotFound)?;
        let (zone, kind) = centers::zones_of(conn, center.id)?
            .into_iter()
            .find(|(_, k)| k.code == w.zone_kind)
            .ok_or(ActionError::NoZone)?;
        let (case_id, _) = case_flow::open_case(conn, center.id, &center.ref_prefix, "ko", now)?;
        answers::insert_empty(conn, case_id, now)?;
        let company = answers::CompanyChange {
            company_name: Some(w.company),
            brn: None,
            representative: None,
            founded_on: None,
            employees: None,
            industry: None,
            stage: None,
            revenue_band: None,
            region: None,
        };
        answers::save(conn, case_id, "company", company, now)?;
        if w.consented {
            let version = crate::services::questionnaire::policy_in_force(conn, staff.center_id, now)?.label;
            let contact = answers::ContactChange {
                contact_name: Some(w.contact_name),
                contact_email: None,
                contact_phone: w.phone,
            };
            answers::save(conn, case_id, "contact", contact, now)?;
            let consent = answers::ConsentChange {
                consent_version: Some(&version),
                consented_at: Some(now),
                third_party_consent: false,
                third_party_consented_at: None,
            };
            answers::save(conn, case_id, "consent", consent, now)?;
            let what = crate::db::provisions::consent::COLLECTION;
            crate::db::provisions::record_consent(conn, case_id, what, true, &version, "staff", now)?;
        }
        answers::replace_zones(
            conn,
            case_id,
            &[CaseZone {
                case_id,
                zone_kind: kind.code.clone(),
                is_primary: true,
                institution_code: None,
                explanation_ko: format!("{} — 현장 접수", kind.name_ko),
                explanation_en: format!("{} — walk-in", kind.name_en),
                sort_order: 0,
            }],
        )?;
        let by = staff.acting();
        case_flow::fire_in_tx(conn, &Fire::new(case_id, by, CaseEvent::Submit), now)?;
        {
            use diesel::prelude::*;
            diesel::update(db::schema::cases::table.find(case_id))
                .set(db::schema::cases::submitted_at.eq(Some(now)))
                .execute(conn)?;
        }
        case_flow::fire_in_tx(conn, &Fire::new(case_id, by, CaseEvent::Reserve), now)?;
        let appt = NewAppointment {
            case_id,
            zone_id: zone.id,
            starts_at: now,
            ends_at: now + chrono::Duration::minutes(30),
            institution_id: None,
            now,
        };
        // A walk-in holds no slot of the schedule, only a seat number at this instant (walk-ins
        // registered at the same moment take the next numbers).
        appointments::take_seat(conn, &appt, 1000)?.ok_or(ActionError::Conflict)?;
        case_flow::fire_in_tx(conn, &Fire::new(case_id, by, CaseEvent::CheckIn), now)?;
        let day = crate::domain::availability::local_date(crate::services::availability::time_zone(&center), now);
        let ticket = crate::db::tickets::next_ticket(conn, center.id, day)?;
        crate::db::appointments::set_waiting(conn, case_id, ticket, now)?;
        Ok((case_id, ticket))
    })
}

/// Mails the applicant a new personal link to their case, at the address they gave: staff
/// never see or pass on the link themselves (it is stored only hashed). The earlier link stops
/// working — the usual reason to ask is a lost or leaked one. Recorded in the access log.
pub fn send_new_link(
    conn: &mut DbConn,
    staff: Staff,
    case_id: i64,
    env: &crate::services::mail::Env<'_>,
) -> Result<(), ActionError> {
    db::write_tx(conn, |conn| {
        let case = case_of_center(conn, staff, case_id)?;
        let Some(to) = crate::db::answers::find(conn, case.id)?.and_then(|a| a.contact_email) else {
            return Err(ActionError::NoAddress);
        };
        let token = crate::token::new_token();
        crate::db::cases::set_applicant_token(conn, case.id, &crate::token::hash_token(&token))?;
        let link = format!("{}/apply/{token}", env.base_url);
        crate::services::mail::queue_new_link(conn, env, &case, &to, &link)?;
        crate::db::access_log::log_access_of(
            conn,
            staff.user_id,
            Some(case.id),
            "send_link",
            None,
            "reception",
            env.now,
        )?;
        Ok(())
    })
}
