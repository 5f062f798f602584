//! Creating staff, admin and expert accounts.

use chrono::NaiveDateTime;

use crate::db::{DbConn, centers, users};
use crate::domain::Role;
use crate::domain::password::NewPassword;
use crate::services::auth::email_key;
use crate::services::passwords;

#[derive(Debug, thiserror::Error)]
pub enum AddUserError {
    #[error("no center with the slug `{0}`")]
    UnknownCenter(String),
    #[error("an expert needs --zone (legal, finance, ip, …)")]
    ZoneRequired,
    #[error("only experts belong to a zone")]
    ZoneNotForRole,
    #[error("the center has no `{0}` zone")]
    UnknownZone(String),
    #[error("`{0}` is not an email address")]
    InvalidEmail(String),
    #[error("an account with this email address exists already")]
    Duplicate,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub struct NewAccount<'a> {
    pub center_slug: &'a str,
    pub role: Role,
    pub zone_kind: Option<&'a str>,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a NewPassword,
}

/// Creates the account; returns its id.
pub fn add(conn: &mut DbConn, new: &NewAccount<'_>, now: NaiveDateTime) -> Result<i64, AddUserError> {
    let email = email_key(new.email);
    if crate::domain::contact::Email::parse(&email).is_none() {
        return Err(AddUserError::InvalidEmail(new.email.to_owned()));
    }
    // No center: a national admin, who reads every center's reports and runs no desk.
    let center = match new.center_slug {
        "" if new.role == Role::Admin && new.zone_kind.is_none() => None,
        "" => return Err(AddUserError::UnknownCenter(String::new())),
        slug => Some(centers::by_slug(conn, slug)?.ok_or_else(|| AddUserError::UnknownCenter(slug.to_owned()))?),
    };
    let zone_id = match (new.role, new.zone_kind) {
        (Role::Expert, None) => return Err(AddUserError::ZoneRequired),
        (Role::Expert, Some(kind)) => Some(
            centers::zone_by_kind(conn, center.as_ref().map_or(0, |c| c.id), kind)?
                .ok_or_else(|| AddUserError::UnknownZone(kind.to_owned()))?
                .id,
        ),
        (_, Some(_)) => return Err(AddUserError::ZoneNotForRole),
        (_, None) => None,
    };
    if users::by_email(conn, &email)?.is_some() {
        return Err(AddUserError::Duplicate);
    }
    let hash = passwords::hash(new.password);
    let display_name = if new.display_name.trim().is_empty() { email.as_str() } else { new.display_name.trim() };
    users::insert(
        conn,
        &users::NewUser {
            center_id: center.map(|c| c.id),
            email: &email,
            display_name,
            role: new.role.as_str(),
            zone_id,
            password_hash: &hash,
            created_at: now,
        },
    )
    .map_err(|e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            AddUserError::Duplicate
        }
        other => AddUserError::Db(other),
    })
}
