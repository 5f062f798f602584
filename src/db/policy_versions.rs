//! The privacy policy's versions per center: what the policy stated (the consent wording's
//! version, the retention, the privacy officer, the center's phone, e-mail and address) from
//! when. A new version is made when any of them changes; a consent records the label of the
//! version in force. Versions are never edited.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::center_contacts::CenterContact;
use super::schema::policy_versions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = policy_versions)]
pub struct PolicyVersion {
    pub id: i64,
    pub center_id: i64,
    /// `<wording>.<n>`: the consent wording's version and the center's n-th version under it.
    pub label: String,
    pub effective_at: NaiveDateTime,
    pub wording: String,
    pub retention_years: i32,
    pub officer: String,
    pub phone: String,
    pub email: String,
    pub address_ko: String,
    pub address_en: String,
}

impl PolicyVersion {
    fn states(&self, wording: &str, c: &CenterContact) -> bool {
        self.wording == wording
            && self.retention_years == c.retention_years
            && self.officer == c.privacy_officer
            && self.phone == c.phone
            && self.email == c.email
            && self.address_ko == c.address_ko
            && self.address_en == c.address_en
    }
}

/// The center's versions, newest first.
pub fn of_center(conn: &mut DbConn, center_id: i64) -> QueryResult<Vec<PolicyVersion>> {
    policy_versions::table
        .filter(policy_versions::center_id.eq(center_id))
        .order(policy_versions::id.desc())
        .select(PolicyVersion::as_select())
        .load(conn)
}

/// The version in force: the latest, or a new one when what the policy states has changed
/// (`contact` as saved now, `wording` the consent wording's version). Call it inside the
/// transaction that saved the center's details (their row lock orders two admins' saves).
pub fn current(
    conn: &mut DbConn,
    center_id: i64,
    wording: &str,
    contact: &CenterContact,
    now: NaiveDateTime,
) -> QueryResult<PolicyVersion> {
    let all = of_center(conn, center_id)?;
    if let Some(latest) = all.first().filter(|v| v.states(wording, contact)) {
        return Ok(latest.clone());
    }
    let n = all.iter().filter(|v| v.wording == wording).count() + 1;
    // In a savepoint when inside a transaction: a lost race leaves the transaction usable.
    let made = conn.transaction(|conn| {
        diesel::insert_into(policy_versions::table)
            .values((
                policy_versions::center_id.eq(center_id),
                policy_versions::label.eq(format!("{wording}.{n}")),
                policy_versions::effective_at.eq(now),
                policy_versions::wording.eq(wording),
                policy_versions::retention_years.eq(contact.retention_years),
                policy_versions::officer.eq(&contact.privacy_officer),
                policy_versions::phone.eq(&contact.phone),
                policy_versions::email.eq(&contact.email),
                policy_versions::address_ko.eq(&contact.address_ko),
                policy_versions::address_en.eq(&contact.address_en),
            ))
            .execute(conn)
    });
    match made {
        // Made at the same moment by another request (a first view of the policy): theirs.
        Ok(_) | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            of_center(conn, center_id)?.into_iter().next().ok_or(diesel::result::Error::NotFound)
        }
        Err(e) => Err(e),
    }
}
