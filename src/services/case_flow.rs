//! Opening cases and moving them through the state machine, with the audit trail.

use chrono::{Datelike, NaiveDateTime};

use crate::db::{self, DbConn, cases};
use crate::domain::center::Reference;
use crate::domain::{Actor, CaseEvent, CaseStatus, TransitionError, case};

#[derive(Debug, thiserror::Error)]
pub enum FireError {
    #[error("no such case")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] TransitionError),
    #[error("the case changed meanwhile")]
    Conflict,
    #[error("this action needs a reason")]
    ReasonRequired,
    #[error("the stored status is not one we know")]
    Corrupt,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Who is acting: the kind of actor and, for staff and experts, their account.
#[derive(Debug, Clone, Copy)]
pub struct ActingAs {
    pub actor: Actor,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitioned {
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub version: i64,
}

/// Opens a draft case at a center, with the next reference number of the center's year — the
/// year at the center, not in UTC (a case opened at 00:30 on 1 January in Seoul is this year's).
pub fn open_case(
    conn: &mut DbConn,
    center_id: i64,
    ref_prefix: &str,
    lang: &str,
    now: NaiveDateTime,
) -> Result<(i64, String), diesel::result::Error> {
    db::write_tx(conn, |conn| {
        let year = match crate::db::centers::by_id(conn, center_id)? {
            Some(center) => {
                crate::domain::availability::local_date(crate::services::availability::time_zone(&center), now).year()
            }
            None => now.year(),
        };
        let number = cases::next_reference_number(conn, center_id, year)?;
        let reference = Reference { prefix: ref_prefix.to_owned(), year, number }.to_string();
        let id = cases::insert(conn, center_id, &reference, CaseStatus::Draft.as_str(), lang, now)?;
        Ok((id, reference))
    })
}

/// One event to fire on one case.
#[derive(Debug, Clone, Copy)]
pub struct Fire<'a> {
    pub case_id: i64,
    /// The version the caller saw (a form's hidden field); a different one is a conflict.
    pub expected_version: Option<i64>,
    pub by: ActingAs,
    pub event: CaseEvent,
    pub reason: Option<&'a str>,
}

impl<'a> Fire<'a> {
    pub fn new(case_id: i64, by: ActingAs, event: CaseEvent) -> Self {
        Fire { case_id, expected_version: None, by, event, reason: None }
    }

    pub fn at_version(self, version: i64) -> Self {
        Fire { expected_version: Some(version), ..self }
    }

    pub fn because(self, reason: &'a str) -> Self {
        Fire { reason: Some(reason), ..self }
    }
}

/// Fires the event in its own write transaction.
pub fn fire(conn: &mut DbConn, f: &Fire<'_>, now: NaiveDateTime) -> Result<Transitioned, FireError> {
    db::write_tx(conn, |conn| fire_in_tx(conn, f, now))
}

/// Fires the event inside the caller's transaction, so that other writes of the same use case
/// (seats, outbox rows) commit or roll back with it. Two concurrent calls on one case cannot
/// both win: the update is a compare-and-set on the version read.
pub fn fire_in_tx(conn: &mut DbConn, f: &Fire<'_>, now: NaiveDateTime) -> Result<Transitioned, FireError> {
    let reason = f.reason.map(str::trim).filter(|r| !r.is_empty());
    if f.event.requires_reason() && reason.is_none() {
        return Err(FireError::ReasonRequired);
    }
    let current = cases::find(conn, f.case_id)?.ok_or(FireError::NotFound)?;
    if f.expected_version.is_some_and(|v| v != current.version) {
        return Err(FireError::Conflict);
    }
    let from: CaseStatus = current.status;
    let to = case::transition(from, f.event, f.by.actor)?;
    if !cases::set_status_if_version(conn, f.case_id, current.version, to.as_str(), now)? {
        return Err(FireError::Conflict);
    }
    cases::insert_event(
        conn,
        &cases::NewCaseEvent {
            case_id: f.case_id,
            at: now,
            actor_kind: f.by.actor.as_str(),
            actor_user_id: f.by.user_id,
            event: f.event.as_str(),
            from_status: from.as_str(),
            to_status: to.as_str(),
            reason,
        },
    )?;
    Ok(Transitioned { from, to, version: current.version + 1 })
}
