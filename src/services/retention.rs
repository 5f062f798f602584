//! Retention and destruction of closed cases (PIPA art. 21): a case that closed (consulted,
//! cancelled, not attended) more than its retention ago keeps its numbers — the case, its
//! states, zones, appointments, consultations with their amounts and patents, the report totals
//! — and loses every personal value: the representative's and contact's names, e-mail and phone,
//! the free text (question, purpose of the financing, experts' notes and summaries, reasons in
//! the trail), its documents and their files, the mails' addresses and bodies, its link. The
//! company's name and business number stay: they are business records the consultation records
//! and the ministry's reports are kept by. Every run writes the destruction register per
//! center. Staff access records have their own retention.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::destructions::{self, kind};
use crate::db::schema::{
    access_log, case_answers, case_documents, case_events, cases, consultations, email_outbox, rights_requests,
};
use crate::db::{self, DbConn};
use crate::services::questionnaire::RETENTION_YEARS;

/// How long staff access records are kept (the PIPA safety-measure notice asks for at least
/// two years for a controller of this size).
pub const ACCESS_LOG_YEARS: i64 = 2;

/// What ran the destruction, as the register names it.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Schedule,
    Command,
}

impl By {
    fn as_str(self) -> &'static str {
        match self {
            By::Schedule => "schedule",
            By::Command => "purge_command",
        }
    }
}

/// Years as days (a year is counted as 365 days and a quarter, never shorter).
fn years(n: i64) -> Duration {
    Duration::days(n * 365 + n / 4 + 1)
}

/// How many years the center keeps a closed case (its setting; at least `RETENTION_YEARS`).
pub fn years_of(conn: &mut DbConn, center_id: i64) -> QueryResult<i64> {
    let set = crate::db::center_contacts::of_center(conn, center_id)?.retention_years;
    Ok(i64::from(set).max(RETENTION_YEARS))
}

/// The center's cases whose retention ended: closed, last changed before the cut-off, not yet done.
fn due(conn: &mut DbConn, center_id: i64, cutoff: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let closed = [
        crate::domain::CaseStatus::Consulted.as_str(),
        crate::domain::CaseStatus::Cancelled.as_str(),
        crate::domain::CaseStatus::NoShow.as_str(),
    ];
    cases::table
        .filter(cases::status.eq_any(closed))
        .filter(cases::updated_at.lt(cutoff))
        .filter(cases::anonymised_at.is_null())
        .filter(cases::submitted_at.is_not_null())
        .filter(cases::center_id.eq(center_id))
        .select(cases::id)
        .load(conn)
}

/// Destroys one case's personal data (one transaction) and its stored files.
pub fn destroy_case(
    conn: &mut DbConn,
    case_id: i64,
    now: NaiveDateTime,
    data_dir: &std::path::Path,
) -> QueryResult<()> {
    db::write_tx(conn, |conn| anonymise(conn, case_id, now))?;
    remove_files(data_dir, case_id);
    Ok(())
}

/// Removes an anonymised case's stored files (a failure is logged: the rows are gone already).
pub fn remove_files(data_dir: &std::path::Path, case_id: i64) {
    let dir = crate::services::documents::upload_dir(data_dir, case_id);
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(case_id, error = %e, "could not remove an anonymised case's files");
        }
    }
}

/// Destroys one case's personal data, inside the caller's transaction (the files are the
/// caller's: `destroy_case`).
pub fn anonymise(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(case_answers::table.find(case_id))
        .set((
            case_answers::representative.eq(None::<String>),
            case_answers::contact_name.eq(None::<String>),
            case_answers::contact_email.eq(None::<String>),
            case_answers::contact_phone.eq(None::<String>),
            case_answers::question.eq(None::<String>),
            case_answers::finance_purpose.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::delete(case_documents::table.filter(case_documents::case_id.eq(case_id))).execute(conn)?;
    diesel::update(email_outbox::table.filter(email_outbox::case_id.eq(Some(case_id))))
        .set((
            email_outbox::to_addr.eq(""),
            email_outbox::subject.eq(""),
            email_outbox::body_text.eq(""),
            email_outbox::body_html.eq(None::<String>),
            email_outbox::attachment_name.eq(None::<String>),
            email_outbox::attachment_body.eq(None::<String>),
            email_outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::update(consultations::table.filter(consultations::case_id.eq(Some(case_id))))
        .set((consultations::notes.eq(None::<String>), consultations::summary.eq(None::<String>)))
        .execute(conn)?;
    diesel::update(case_events::table.filter(case_events::case_id.eq(case_id)))
        .set(case_events::reason.eq(None::<String>))
        .execute(conn)?;
    diesel::update(cases::table.find(case_id))
        .set((cases::applicant_token_hash.eq(None::<String>), cases::anonymised_at.eq(Some(now))))
        .execute(conn)?;
    // What the applicant wrote in a request, and the staff's answer to it; a request still
    // open has nothing left to act on (its link is gone too): closed as done.
    diesel::update(rights_requests::table.filter(rights_requests::case_id.eq(case_id)))
        .set((rights_requests::body.eq(""), rights_requests::answer.eq(None::<String>)))
        .execute(conn)?;
    diesel::update(
        rights_requests::table
            .filter(rights_requests::case_id.eq(case_id))
            .filter(rights_requests::status.eq(crate::db::rights_requests::status::OPEN)),
    )
    .set((
        rights_requests::status.eq(crate::db::rights_requests::status::DONE),
        rights_requests::answered_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Destroys what is past its retention and records it in the register: closed cases' personal
/// data (`RETENTION_YEARS` after they closed) and staff access records (`ACCESS_LOG_YEARS`).
/// Returns how many cases were anonymised.
pub fn destroy_due(conn: &mut DbConn, now: NaiveDateTime, data_dir: &std::path::Path, by: By) -> QueryResult<usize> {
    let mut done = 0;
    for center in crate::db::centers::all(conn)? {
        let kept = years_of(conn, center.id)?;
        let cases = due(conn, center.id, now - years(kept))?;
        for &case_id in &cases {
            destroy_case(conn, case_id, now, data_dir)?;
        }
        if !cases.is_empty() {
            let rule = format!("closed case + {kept} years (the center's retention; PIPA art. 21)");
            let n = i64::try_from(cases.len()).unwrap_or(i64::MAX);
            destructions::record(conn, Some(center.id), now, kind::CASE_PERSONAL_DATA, n, &rule, by.as_str())?;
            done += cases.len();
        }
    }
    let old =
        diesel::delete(access_log::table.filter(access_log::at.lt(now - years(ACCESS_LOG_YEARS)))).execute(conn)?;
    if old > 0 {
        let rule = format!("staff access record + {ACCESS_LOG_YEARS} years");
        destructions::record(
            conn,
            None,
            now,
            kind::ACCESS_LOG,
            i64::try_from(old).unwrap_or(i64::MAX),
            &rule,
            by.as_str(),
        )?;
    }
    Ok(done)
}
