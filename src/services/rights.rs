//! The applicant's rights over their data (PIPA art. 35–37): a request to correct or delete,
//! made from their link, becomes a task for the center's admin with the statutory deadline
//! (`ANSWER_DAYS` from the request, the center's calendar); the admin corrects the data,
//! deletes it (the case's personal data destroyed as at the end of its retention, its numbers
//! kept, the register written), or refuses with a reason the applicant reads on their link.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::cases::Case;
use crate::db::destructions;
use crate::db::rights_requests::{self as rr, RightsRequest, kind, status};
use crate::db::schema::{case_answers, cases};
use crate::db::{self, DbConn};
use crate::domain::{CaseEvent, CaseStatus};
use crate::services::case_flow::{self, Fire};
use crate::services::desk::Staff;

#[derive(Debug, thiserror::Error)]
pub enum RightsError {
    #[error("not found")]
    NotFound,
    /// Answered meanwhile (by another admin, or a second click).
    #[error("answered already")]
    Answered,
    /// The same kind of request is open for the case already.
    #[error("already requested")]
    AlreadyOpen,
    /// The visitor is at the center now (waiting, in consultation): answer after the visit.
    #[error("the visit is under way")]
    VisitUnderWay,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Flow(#[from] case_flow::FireError),
}

/// The applicant asks; returns the new request's id.
pub fn request(conn: &mut DbConn, case: &Case, what: &str, body: &str, now: NaiveDateTime) -> Result<i64, RightsError> {
    let center = crate::db::centers::by_id(conn, case.center_id)?.ok_or(RightsError::NotFound)?;
    let today =
        chrono::TimeZone::from_utc_datetime(&crate::services::availability::time_zone(&center), &now).date_naive();
    let due_on = today + Duration::days(rr::ANSWER_DAYS);
    rr::open(conn, case.id, case.center_id, what, body, now, due_on)?.ok_or(RightsError::AlreadyOpen)
}

/// The corrected values an admin saves for a correction request.
#[derive(Debug, Clone)]
pub struct Corrected {
    pub representative: Option<String>,
    pub contact: crate::domain::questionnaire::Contact,
}

fn open_request(conn: &mut DbConn, admin: Staff, id: i64, of_kind: &str) -> Result<RightsRequest, RightsError> {
    let r = rr::find_of_center(conn, admin.center_id, id)?.ok_or(RightsError::NotFound)?;
    if r.kind != of_kind {
        return Err(RightsError::NotFound);
    }
    if !r.is_open() {
        return Err(RightsError::Answered);
    }
    Ok(r)
}

/// Saves the corrected values and answers the request (one transaction).
pub fn correct(
    conn: &mut DbConn,
    admin: Staff,
    id: i64,
    c: &Corrected,
    note: &str,
    now: NaiveDateTime,
) -> Result<(), RightsError> {
    db::write_tx(conn, |conn| {
        let r = open_request(conn, admin, id, kind::CORRECT)?;
        diesel::update(case_answers::table.find(r.case_id))
            .set((
                case_answers::representative.eq(c.representative.as_deref()),
                case_answers::contact_name.eq(Some(c.contact.name.as_str())),
                case_answers::contact_email.eq(Some(c.contact.email.as_str())),
                case_answers::contact_phone.eq(Some(c.contact.phone.as_str())),
                case_answers::updated_at.eq(now),
            ))
            .execute(conn)?;
        if !rr::answer(conn, id, status::DONE, admin.user_id, note, None, now)? {
            return Err(RightsError::Answered);
        }
        let rights = crate::services::access::Purpose::Rights.as_str();
        crate::db::access_log::log_access_of(
            conn,
            admin.user_id,
            Some(r.case_id),
            "rights_correct",
            None,
            rights,
            now,
        )?;
        Ok(())
    })
}

/// Deletes the case's personal data at the applicant's request: a visit still to come is
/// cancelled (its seats freed, no mail: the address goes too), the data destroyed as at the end
/// of the retention, the register written, the request answered; the link says so afterwards.
pub fn delete(
    conn: &mut DbConn,
    admin: Staff,
    id: i64,
    note: &str,
    now: NaiveDateTime,
    data_dir: &std::path::Path,
) -> Result<(), RightsError> {
    let case_id = db::write_tx(conn, |conn| {
        let r = open_request(conn, admin, id, kind::DELETE)?;
        let case = crate::db::cases::find(conn, r.case_id)?.ok_or(RightsError::NotFound)?;
        match case.status {
            CaseStatus::Waiting | CaseStatus::InConsultation => {
                return Err(RightsError::VisitUnderWay);
            }
            CaseStatus::Draft | CaseStatus::Submitted | CaseStatus::Reserved | CaseStatus::NoShow => {
                case_flow::fire_in_tx(
                    conn,
                    &Fire::new(case.id, admin.acting(), CaseEvent::Cancel)
                        .at_version(case.version)
                        .because("deletion requested by the applicant"),
                    now,
                )?;
                if crate::db::appointments::cancel_live(conn, case.id, now)? > 0 {
                    crate::db::outbox::skip_for_visit(conn, case.id, crate::db::outbox::skipped::VISIT_CANCELLED)?;
                }
            }
            _ => {}
        }
        let token_hash: Option<String> = cases::table.find(case.id).select(cases::applicant_token_hash).first(conn)?;
        // Answered first (the anonymisation then closes any other open request of the case and
        // blanks every request's texts, this answer's too).
        if !rr::answer(conn, id, status::DONE, admin.user_id, note, token_hash.as_deref(), now)? {
            return Err(RightsError::Answered);
        }
        crate::services::retention::anonymise(conn, case.id, now)?;
        destructions::record(
            conn,
            Some(admin.center_id),
            now,
            destructions::kind::CASE_PERSONAL_DATA,
            1,
            "the applicant's request to delete (PIPA art. 36)",
            "admin",
        )?;
        Ok::<_, RightsError>(case.id)
    })?;
    crate::services::retention::remove_files(data_dir, case_id);
    Ok(())
}

/// Refuses the request with the reason the applicant reads (required).
pub fn refuse(conn: &mut DbConn, admin: Staff, id: i64, reason: &str, now: NaiveDateTime) -> Result<(), RightsError> {
    db::write_tx(conn, |conn| {
        let r = rr::find_of_center(conn, admin.center_id, id)?.ok_or(RightsError::NotFound)?;
        if !r.is_open() || !rr::answer(conn, id, status::REFUSED, admin.user_id, reason, None, now)? {
            return Err(RightsError::Answered);
        }
        Ok(())
    })
}
