//! Server-side sessions (only a hash of the cookie's value is stored) and login throttling.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{login_failures, sessions, users};
use super::users::User;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    id_hash: &str,
    user_id: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(id_hash),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The live session and its user: not expired, not idle too long, the account not disabled.
pub fn find_live(
    conn: &mut DbConn,
    id_hash: &str,
    now: NaiveDateTime,
    idle: Duration,
) -> QueryResult<Option<(Session, User)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id_hash.eq(id_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(now - idle))
        .filter(users::disabled_at.is_null())
        .select((Session::as_select(), User::as_select()))
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut DbConn, id_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id_hash)).set(sessions::last_seen_at.eq(now)).execute(conn).map(|_| ())
}

pub fn delete(conn: &mut DbConn, id_hash: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id_hash)).execute(conn).map(|_| ())
}

pub fn delete_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn).map(|_| ())
}

pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}

/// Recent failed logins for this account and from this address.
pub fn recent_failures(conn: &mut DbConn, email_key: &str, ip: &str, since: NaiveDateTime) -> QueryResult<(i64, i64)> {
    let by_email = login_failures::table
        .filter(login_failures::email_key.eq(email_key))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)?;
    let by_ip = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_ip))
}

pub fn record_failure(conn: &mut DbConn, email_key: &str, ip: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((login_failures::email_key.eq(email_key), login_failures::ip.eq(ip), login_failures::at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

pub fn clear_failures(conn: &mut DbConn, email_key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::email_key.eq(email_key))).execute(conn).map(|_| ())
}

pub fn purge_failures_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::at.le(before))).execute(conn)
}
