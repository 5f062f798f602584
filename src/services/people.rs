//! Admins manage their center's people: invite staff and experts (a single-use link to set a
//! password, mailed), disable (ending their sessions at once) and re-enable, send a password
//! reset link, move an expert to another zone. Every target is checked against the admin's
//! center.

use chrono::{Duration, NaiveDateTime};

use crate::db::{self, DbConn, centers, users};
use crate::domain::Role;
use crate::domain::invitation::Invitation;
use crate::domain::password::{NewPassword, PasswordError};
use crate::services::{mail, passwords};
use crate::token;

/// How long an invitation or reset link works.
pub const LINK_HOURS: i64 = 72;

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("not found")]
    NotFound,
    #[error("duplicate")]
    Duplicate,
    #[error("an expert needs a zone")]
    ZoneRequired,
    /// Admins cannot disable themselves (someone must be left to re-enable).
    #[error("not yourself")]
    NotYourself,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn user_of_center(conn: &mut DbConn, center_id: i64, id: i64) -> Result<users::User, PeopleError> {
    match users::by_id(conn, id)? {
        Some(u) if u.center_id == Some(center_id) => Ok(u),
        _ => Err(PeopleError::NotFound),
    }
}

/// A fresh single-use link for the account: the token goes into the mail, its hash is stored.
fn new_link(conn: &mut DbConn, user: &users::User, now: NaiveDateTime) -> Result<String, PeopleError> {
    let t = token::new_token();
    users::set_password_token(conn, user.id, &token::hash_token(&t), now + Duration::hours(LINK_HOURS))?;
    Ok(t)
}

/// Creates the account (without a usable password) and mails the link to set one.
pub fn invite(conn: &mut DbConn, center_id: i64, i: &Invitation, env: &mail::Env<'_>) -> Result<i64, PeopleError> {
    let (email, name) = (i.email.as_str(), i.name.as_str());
    db::write_tx(conn, |conn| {
        let zone_id = match (i.role, i.zone_kind.as_deref()) {
            (Role::Expert, None) => return Err(PeopleError::ZoneRequired),
            (Role::Expert, Some(kind)) => {
                Some(centers::zone_by_kind(conn, center_id, kind)?.ok_or(PeopleError::ZoneRequired)?.id)
            }
            _ => None,
        };
        if users::by_email(conn, email)?.is_some() {
            return Err(PeopleError::Duplicate);
        }
        // A random password nobody knows until the link sets a real one.
        let mut random = [0u8; 20];
        getrandom::fill(&mut random).map_err(|_| PeopleError::NotFound)?;
        let placeholder = passwords::hash(&NewPassword::generate(&random));
        let id = users::insert(
            conn,
            &users::NewUser {
                center_id: Some(center_id),
                email,
                display_name: name,
                role: i.role.as_str(),
                zone_id,
                password_hash: &placeholder,
                created_at: env.now,
            },
        )?;
        let user = users::by_id(conn, id)?.ok_or(PeopleError::NotFound)?;
        let link = format!("{}/staff/password/{}", env.base_url, new_link(conn, &user, env.now)?);
        mail::queue_account_link(conn, env, &user, &link, true)?;
        Ok(id)
    })
}

/// Mails a new single-use link to set the password (the old password keeps working until then).
pub fn send_reset(conn: &mut DbConn, center_id: i64, id: i64, env: &mail::Env<'_>) -> Result<(), PeopleError> {
    db::write_tx(conn, |conn| {
        let user = user_of_center(conn, center_id, id)?;
        let link = format!("{}/staff/password/{}", env.base_url, new_link(conn, &user, env.now)?);
        mail::queue_account_link(conn, env, &user, &link, false)?;
        Ok(())
    })
}

pub fn disable(
    conn: &mut DbConn,
    admin_id: i64,
    center_id: i64,
    id: i64,
    now: NaiveDateTime,
) -> Result<(), PeopleError> {
    if admin_id == id {
        return Err(PeopleError::NotYourself);
    }
    user_of_center(conn, center_id, id)?;
    users::disable(conn, id, now)?;
    Ok(())
}

pub fn enable(conn: &mut DbConn, center_id: i64, id: i64) -> Result<(), PeopleError> {
    user_of_center(conn, center_id, id)?;
    users::enable(conn, id)?;
    Ok(())
}

pub fn assign_zone(conn: &mut DbConn, center_id: i64, id: i64, zone_kind: &str) -> Result<(), PeopleError> {
    let user = user_of_center(conn, center_id, id)?;
    if user.role != Role::Expert {
        return Err(PeopleError::NotFound);
    }
    let zone = centers::zone_by_kind(conn, center_id, zone_kind)?.ok_or(PeopleError::ZoneRequired)?;
    users::set_zone(conn, id, zone.id)?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    #[error("the link is not valid (any more)")]
    LinkInvalid,
    #[error("passwords differ")]
    Mismatch,
    #[error(transparent)]
    Weak(#[from] PasswordError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The account a live link belongs to.
pub fn account_of_link(
    conn: &mut DbConn,
    link_token: &str,
    now: NaiveDateTime,
) -> Result<users::User, SetPasswordError> {
    users::by_password_token(conn, &token::hash_token(link_token), now)?.ok_or(SetPasswordError::LinkInvalid)
}

/// Sets the password through the link (once) and ends the account's other sessions.
pub fn set_password(
    conn: &mut DbConn,
    link_token: &str,
    password: &str,
    confirm: &str,
    now: NaiveDateTime,
) -> Result<users::User, SetPasswordError> {
    let user = account_of_link(conn, link_token, now)?;
    if password != confirm {
        return Err(SetPasswordError::Mismatch);
    }
    let pw = NewPassword::parse(password.to_owned())?;
    let local = user.email.split('@').next().unwrap_or("");
    pw.check_not_common(&[&user.email, local, &user.display_name])?;
    let hash = passwords::hash(&pw);
    db::write_tx(conn, |conn| {
        if !users::set_password_with_token(conn, user.id, &token::hash_token(link_token), &hash)? {
            return Err(SetPasswordError::LinkInvalid);
        }
        db::sessions::delete_for_user(conn, user.id)?;
        Ok(())
    })?;
    Ok(user)
}
