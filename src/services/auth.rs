//! Staff sign-in: throttled password checks and server-side sessions.

use chrono::{Duration, NaiveDateTime};

use crate::db::DbConn;
use crate::db::sessions;
use crate::db::users::{self, User};
use crate::services::passwords;
use crate::token;

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Failed sign-ins are counted over this window.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Failures for one account within the window before sign-in is refused for it.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failures from one address within the window before sign-in is refused from it.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

pub enum LoginOutcome {
    /// The session token goes into the cookie; only its hash is stored.
    SignedIn {
        token: String,
        user: User,
    },
    /// Unknown account, wrong password or disabled account: one answer for all three.
    BadCredentials,
    Throttled,
}

/// Email addresses are compared case-insensitively.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn login(
    conn: &mut DbConn,
    email: &str,
    password: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<LoginOutcome, diesel::result::Error> {
    let key = email_key(email);
    // The attempt is counted before the password is checked, as a failure that a success
    // takes back: the count and the insert are one transaction under a lock on the account
    // and the address, so that 40 concurrent wrong passwords get exactly 5 checks, on any
    // number of instances.
    let admitted = crate::db::write_tx(conn, |conn| {
        let (first, second) = if key.as_str() <= ip { (&key, ip) } else { (&ip.to_owned(), key.as_str()) };
        crate::db::lock_key(conn, &format!("login:{first}"))?;
        crate::db::lock_key(conn, &format!("login:{second}"))?;
        let (by_account, by_address) = sessions::recent_failures(conn, &key, ip, now - FAILURE_WINDOW)?;
        if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
            return Ok::<_, diesel::result::Error>(false);
        }
        sessions::record_failure(conn, &key, ip, now)?;
        Ok(true)
    })?;
    if !admitted {
        return Ok(LoginOutcome::Throttled);
    }
    let user = users::by_email(conn, &key)?;
    // Always run one argon2 verification, so that an unknown account takes as long as a
    // wrong password.
    let stored = user.as_ref().map_or(passwords::dummy_hash(), |u| u.password_hash.as_str());
    let password_ok = passwords::verify(password, stored);
    let user = match user {
        Some(u) if password_ok && u.disabled_at.is_none() => u,
        // The failure was recorded when the attempt was admitted.
        _ => return Ok(LoginOutcome::BadCredentials),
    };
    sessions::clear_failures(conn, &key)?;
    let token = token::new_token();
    sessions::insert(conn, &token::hash_token(&token), user.id, now, now + ABSOLUTE_TIMEOUT)?;
    Ok(LoginOutcome::SignedIn { token, user })
}

/// The user behind a session cookie, if the session is live. Refreshes the idle timer at most
/// once a minute to spare the database a write per request.
pub fn current_user(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> Result<Option<User>, diesel::result::Error> {
    let id_hash = token::hash_token(token);
    let Some((session, user)) = sessions::find_live(conn, &id_hash, now, IDLE_TIMEOUT)? else {
        return Ok(None);
    };
    if now - session.last_seen_at > Duration::minutes(1) {
        sessions::touch(conn, &id_hash, now)?;
    }
    Ok(Some(user))
}

pub fn logout(conn: &mut DbConn, token: &str) -> Result<(), diesel::result::Error> {
    sessions::delete(conn, &token::hash_token(token))
}

/// Housekeeping: expired sessions and old failure records.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> Result<(), diesel::result::Error> {
    sessions::purge_expired(conn, now)?;
    sessions::purge_failures_before(conn, now - FAILURE_WINDOW)?;
    // Rate-limit hits: every window is an hour at most.
    crate::db::limits::purge_before(conn, now - Duration::hours(1))?;
    Ok(())
}
