//! Closures a center's staff record: the whole center, one zone, or one expert's absence, for a
//! range of days. What they hit (booked visits) is shown by the closures page.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::schedule::{self, NewClosure};
use crate::db::{DbConn, centers, users};
use crate::domain::Role;
use crate::services::desk::Staff;

#[derive(Debug, thiserror::Error)]
pub enum ClosureError {
    /// The scope names no zone or expert of the center, or the closure is another center's.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What a closure closes, as the form names it: empty for the whole center, a zone's kind, or
/// `expert:<user id>` for an expert's absence.
pub fn add(
    conn: &mut DbConn,
    staff: Staff,
    scope: Option<&str>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), ClosureError> {
    let (zone_id, expert_user_id) = match scope {
        Some(s) if s.starts_with("expert:") => {
            let id: i64 = s["expert:".len()..].parse().map_err(|_| ClosureError::NotFound)?;
            match users::by_id(conn, id)? {
                Some(u) if u.role == Role::Expert && u.center_id == Some(staff.center_id) => (u.zone_id, Some(u.id)),
                _ => return Err(ClosureError::NotFound),
            }
        }
        Some(code) => match centers::zone_by_kind(conn, staff.center_id, code)? {
            Some(z) => (Some(z.id), None),
            None => return Err(ClosureError::NotFound),
        },
        None => (None, None),
    };
    schedule::add_closure(
        conn,
        &NewClosure {
            center_id: staff.center_id,
            zone_id,
            expert_user_id,
            starts_on,
            ends_on,
            reason,
            created_by: Some(staff.user_id),
            created_at: now,
        },
    )?;
    Ok(())
}

/// Lifts a closure of the staff member's center.
pub fn delete(conn: &mut DbConn, staff: Staff, id: i64) -> Result<(), ClosureError> {
    match crate::db::closures::delete_closure(conn, staff.center_id, id)? {
        0 => Err(ClosureError::NotFound),
        _ => Ok(()),
    }
}
