//! Staff, admin and expert accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::users;
use crate::domain::Role;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub center_id: Option<i64>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub zone_id: Option<i64>,
    pub password_hash: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub center_id: Option<i64>,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub zone_id: Option<i64>,
    pub password_hash: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(email)).select(User::as_select()).first(conn).optional()
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<User>> {
    users::table.find(id).select(User::as_select()).first(conn).optional()
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConn, user: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table).values(user).returning(users::id).get_result(conn)
}

/// Disables an account and ends all its sessions at once (same transaction).
pub fn disable(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    super::write_tx(conn, |conn| {
        diesel::update(users::table.find(id)).set(users::disabled_at.eq(Some(now))).execute(conn)?;
        super::sessions::delete_for_user(conn, id)
    })
}

/// The center's desk: its active staff and admins (who get the staff notices).
pub fn desk_of_center(conn: &mut DbConn, center_id: i64) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::center_id.eq(center_id))
        .filter(users::role.eq_any([Role::Staff.as_str(), Role::Admin.as_str()]))
        .filter(users::disabled_at.is_null())
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}

/// Everyone of the center (for names in histories and the people page).
pub fn all_of_center(conn: &mut DbConn, center_id: i64) -> QueryResult<Vec<User>> {
    users::table.filter(users::center_id.eq(center_id)).order(users::id).select(User::as_select()).load(conn)
}

/// Stores the hash of a single-use link to set the password, until `expires`.
pub fn set_password_token(conn: &mut DbConn, id: i64, token_hash: &str, expires: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::password_token_hash.eq(Some(token_hash)), users::password_token_expires_at.eq(Some(expires))))
        .execute(conn)
        .map(|_| ())
}

/// The active account whose live link has this hash.
pub fn by_password_token(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> QueryResult<Option<User>> {
    users::table
        .filter(users::password_token_hash.eq(token_hash))
        .filter(users::password_token_expires_at.gt(now))
        .filter(users::disabled_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Sets the password and uses up the link, only if the link is still the one given (so a link
/// works once, even when two requests race).
pub fn set_password_with_token(conn: &mut DbConn, id: i64, token_hash: &str, password_hash: &str) -> QueryResult<bool> {
    let n = diesel::update(users::table.find(id).filter(users::password_token_hash.eq(token_hash)))
        .set((
            users::password_hash.eq(password_hash),
            users::password_token_hash.eq(None::<String>),
            users::password_token_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn enable(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id)).set(users::disabled_at.eq(None::<NaiveDateTime>)).execute(conn).map(|_| ())
}

pub fn set_zone(conn: &mut DbConn, id: i64, zone_id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id).filter(users::role.eq(Role::Expert.as_str())))
        .set(users::zone_id.eq(Some(zone_id)))
        .execute(conn)
        .map(|_| ())
}

pub fn set_feed_token(conn: &mut DbConn, id: i64, token_hash: Option<&str>) -> QueryResult<()> {
    diesel::update(users::table.find(id)).set(users::feed_token_hash.eq(token_hash)).execute(conn).map(|_| ())
}

/// The active expert whose feed token has this hash.
pub fn by_feed_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::feed_token_hash.eq(token_hash))
        .filter(users::disabled_at.is_null())
        .filter(users::role.eq(Role::Expert.as_str()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn has_feed(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    Ok(users::table.find(id).select(users::feed_token_hash).first::<Option<String>>(conn)?.is_some())
}
