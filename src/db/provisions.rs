//! Third-party provision (PIPA art. 17): the record of each time a case's personal data went
//! to a finance institution's expert, and the applicant's consents over time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{consent_changes, provisions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = provisions)]
pub struct Provision {
    pub id: i64,
    pub case_id: i64,
    pub user_id: i64,
    pub institution_id: Option<i64>,
    pub at: NaiveDateTime,
    /// `answers` (the pre-brief's names and contact) or `document:<id>`.
    pub items: String,
}

pub fn record(
    conn: &mut DbConn,
    case_id: i64,
    user_id: i64,
    institution_id: Option<i64>,
    items: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(provisions::table)
        .values((
            provisions::case_id.eq(case_id),
            provisions::user_id.eq(user_id),
            provisions::institution_id.eq(institution_id),
            provisions::at.eq(at),
            provisions::items.eq(items),
        ))
        .execute(conn)?;
    Ok(())
}

/// The case's provisions, oldest first.
pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Provision>> {
    provisions::table
        .filter(provisions::case_id.eq(case_id))
        .order((provisions::at, provisions::id))
        .select(Provision::as_select())
        .load(conn)
}

/// Which consent a change is about.
pub mod consent {
    pub const COLLECTION: &str = "collection";
    pub const THIRD_PARTY: &str = "third_party";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consent_changes)]
pub struct ConsentChange {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub given: bool,
    pub version: String,
    pub at: NaiveDateTime,
    pub actor_kind: String,
}

/// A consent given or withdrawn (`actor_kind`: applicant or staff, as the case events name them).
pub fn record_consent(
    conn: &mut DbConn,
    case_id: i64,
    kind: &str,
    given: bool,
    version: &str,
    actor_kind: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(consent_changes::table)
        .values((
            consent_changes::case_id.eq(case_id),
            consent_changes::kind.eq(kind),
            consent_changes::given.eq(given),
            consent_changes::version.eq(version),
            consent_changes::at.eq(at),
            consent_changes::actor_kind.eq(actor_kind),
        ))
        .execute(conn)?;
    Ok(())
}

/// The case's consents over time, oldest first.
pub fn consents_of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<ConsentChange>> {
    consent_changes::table
        .filter(consent_changes::case_id.eq(case_id))
        .order((consent_changes::at, consent_changes::id))
        .select(ConsentChange::as_select())
        .load(conn)
}
