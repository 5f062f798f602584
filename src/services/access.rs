//! Opening personal data, and the record of it (PIPA): who may open which case or document,
//! and the access-log row every opening leaves — a case's page, a document, the mailbox, a
//! mail, an export of records. Web handlers open through here; none writes the log itself.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::cases::Case;
use crate::db::documents::{self, Document};
use crate::db::{DbConn, answers, centers};
use crate::services::consult::{self, Expert};
use crate::services::desk::{self, Staff};

/// Not this user's to open: no such object, or another center's or zone's (they look the same).
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("not found")]
    NotFound,
    /// A finance institution's expert asking for personal data the applicant did not consent
    /// to give the institution (a document).
    #[error("no consent to provision")]
    NoConsent,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What was opened, as the access log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// A case's page (the desk's case page, the expert's pre-brief).
    View,
    Document,
}

impl Opening {
    fn action(self) -> &'static str {
        match self {
            Opening::View => "view",
            Opening::Document => "document",
        }
    }
}

/// Why staff opened personal data (the access record's purpose category).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Reception and bookings: the desk's board, case list and pages, a new link.
    Reception,
    /// Preparing and holding a consultation: the queue, the pre-brief, documents, the feed.
    Consultation,
    /// Checking the mails sent (the mailbox).
    Mail,
    /// Reporting: an export of records.
    Reporting,
    /// Answering an applicant's request about their data.
    Rights,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reception => "reception",
            Purpose::Consultation => "consultation",
            Purpose::Mail => "mail",
            Purpose::Reporting => "reporting",
            Purpose::Rights => "rights",
        }
    }
}

/// Lists and boards that show personal data (names, phone numbers), recorded once per view
/// with how many rows they showed.
pub mod list {
    pub const BOARD: &str = "list_board";
    pub const CASES: &str = "list_cases";
    pub const QUEUE: &str = "list_queue";
    pub const FOLLOW_UPS: &str = "list_follow_ups";
    pub const FEED: &str = "list_feed";
}

fn log(conn: &mut DbConn, user_id: i64, case_id: i64, o: Opening, p: Purpose, now: NaiveDateTime) -> QueryResult<()> {
    crate::db::access_log::log_access_of(conn, user_id, Some(case_id), o.action(), None, p.as_str(), now)
}

/// A list or board is recorded once per person and this many minutes: the board and the
/// queue refresh themselves every 30 and 15 seconds, and a refresh shows what was just seen.
pub const LIST_WINDOW_MINUTES: i64 = 10;

/// A list or board with personal data was shown to the user: `rows` of them (recorded unless
/// the same person's same list was recorded in the last `LIST_WINDOW_MINUTES`).
pub fn listed(
    conn: &mut DbConn,
    user_id: i64,
    which: &str,
    rows: usize,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<(), AccessError> {
    use crate::db::schema::access_log as a;
    use diesel::prelude::*;
    let since = now - chrono::Duration::minutes(LIST_WINDOW_MINUTES);
    let recent: i64 = a::table
        .filter(a::user_id.eq(user_id))
        .filter(a::action.eq(which))
        .filter(a::at.gt(since))
        .count()
        .get_result(conn)?;
    if recent > 0 {
        return Ok(());
    }
    record(conn, user_id, None, which, Some(&rows.to_string()), purpose, now)
}

/// A case of the staff member's center, opened (and recorded).
pub fn case_for_staff(conn: &mut DbConn, staff: Staff, case_id: i64, now: NaiveDateTime) -> Result<Case, AccessError> {
    let case = desk::center_case(conn, staff, case_id)?.ok_or(AccessError::NotFound)?;
    log(conn, staff.user_id, case.id, Opening::View, Purpose::Reception, now)?;
    Ok(case)
}

/// What of a case's personal data an expert sees. The finance zone's experts sit for policy
/// finance institutions (third parties, PIPA art. 17): without the applicant's consent to that
/// provision they see the company's profile and needs, not names, contact or documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sees {
    Everything,
    BusinessOnly,
}

/// A case the expert may see — routed to their zone or consulted there — opened (and
/// recorded), with what of its personal data they see. A finance expert's sight of personal
/// data is a provision to their institution: recorded too (who, which institution, when, what).
pub fn case_for_expert(
    conn: &mut DbConn,
    expert: Expert,
    case_id: i64,
    now: NaiveDateTime,
) -> Result<(Case, Sees), AccessError> {
    let case = expert_case(conn, expert, case_id)?;
    log(conn, expert.user_id, case.id, Opening::View, Purpose::Consultation, now)?;
    let sees = provide(conn, expert, &case, "answers", now)?;
    Ok((case, sees))
}

/// What the expert sees of the case; for a finance expert who sees everything, the provision
/// of `items` to their institution is recorded.
fn provide(
    conn: &mut DbConn,
    expert: Expert,
    case: &Case,
    items: &str,
    now: NaiveDateTime,
) -> Result<Sees, AccessError> {
    let finance = centers::zones_of(conn, expert.center_id)?
        .iter()
        .any(|(z, k)| z.id == expert.zone_id && k.zone_type == crate::domain::ZoneType::Finance);
    if !finance {
        return Ok(Sees::Everything);
    }
    let consented = answers::find(conn, case.id)?.is_some_and(|a| a.third_party_consent);
    if !consented {
        return Ok(Sees::BusinessOnly);
    }
    // The institution the data goes to: the one on duty for the case's visit to this zone.
    let institution = crate::db::appointments::all_of_case(conn, case.id)?
        .iter()
        .rev()
        .filter(|a| a.zone_id == expert.zone_id)
        .find_map(|a| a.institution_id);
    crate::db::provisions::record(conn, case.id, expert.user_id, institution, items, now)?;
    Ok(Sees::Everything)
}

/// A document of a case of the staff member's center (the download is recorded).
pub fn document_for_staff(
    conn: &mut DbConn,
    staff: Staff,
    case_id: i64,
    doc_id: i64,
    now: NaiveDateTime,
) -> Result<Document, AccessError> {
    let case = desk::center_case(conn, staff, case_id)?.ok_or(AccessError::NotFound)?;
    document_of(conn, staff.user_id, &case, doc_id, Purpose::Reception, now)
}

/// A document of a case the expert may see (the download is recorded).
pub fn document_for_expert(
    conn: &mut DbConn,
    expert: Expert,
    case_id: i64,
    doc_id: i64,
    now: NaiveDateTime,
) -> Result<Document, AccessError> {
    let case = expert_case(conn, expert, case_id)?;
    let doc = documents::find_of_case(conn, case.id, doc_id)?.ok_or(AccessError::NotFound)?;
    if provide(conn, expert, &case, &format!("document:{}", doc.id), now)? == Sees::BusinessOnly {
        return Err(AccessError::NoConsent);
    }
    document_of(conn, expert.user_id, &case, doc_id, Purpose::Consultation, now)
}

/// Any other opening, by what it was: the mailbox list (`mailbox`), one mail (`mail`, detail =
/// its id), an export of records (`export_consultations`), a new link sent (`send_link`), an
/// applicant's request (`rights_request`), a list (`list::*`, detail = rows shown).
pub fn record(
    conn: &mut DbConn,
    user_id: i64,
    case_id: Option<i64>,
    action: &str,
    detail: Option<&str>,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<(), AccessError> {
    Ok(crate::db::access_log::log_access_of(conn, user_id, case_id, action, detail, purpose.as_str(), now)?)
}

fn document_of(
    conn: &mut DbConn,
    user_id: i64,
    case: &Case,
    doc_id: i64,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<Document, AccessError> {
    let doc = documents::find_of_case(conn, case.id, doc_id)?.ok_or(AccessError::NotFound)?;
    log(conn, user_id, case.id, Opening::Document, purpose, now)?;
    Ok(doc)
}

/// The case, if the expert may see it: of their center, and routed to their zone or consulted
/// there.
fn expert_case(conn: &mut DbConn, expert: Expert, case_id: i64) -> Result<Case, AccessError> {
    let case = match crate::db::cases::find(conn, case_id)? {
        Some(c) if c.center_id == expert.center_id => c,
        _ => return Err(AccessError::NotFound),
    };
    let kind = centers::zones_of(conn, expert.center_id)?
        .into_iter()
        .find(|(z, _)| z.id == expert.zone_id)
        .map(|(_, k)| k.code)
        .unwrap_or_default();
    let routed = answers::zones(conn, case.id)?.iter().any(|z| z.zone_kind == kind);
    if routed || consult::of_case(conn, case.id)?.iter().any(|c| c.zone_id == expert.zone_id) {
        Ok(case)
    } else {
        Err(AccessError::NotFound)
    }
}
