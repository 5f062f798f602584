//! Closures a center's staff record: the whole center, one zone, or one expert's absence, for a
//! range of days. What they hit (booked visits) is shown by the closures page.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::center_changes::{self as changes, Detail, kind};
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
    crate::db::write_tx(conn, |conn| {
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
        let detail = Detail {
            starts_on: Some(starts_on),
            ends_on: Some(ends_on),
            reason: Some(reason.to_owned()),
            expert_user_id,
            ..Detail::default()
        };
        changes::record(conn, staff.center_id, Some(staff.user_id), now, kind::CLOSURE_ADDED, zone_id, &detail)?;
        Ok(())
    })
}

/// Lifts a closure of the staff member's center (the audit view keeps what it was).
pub fn delete(conn: &mut DbConn, staff: Staff, id: i64, now: NaiveDateTime) -> Result<(), ClosureError> {
    crate::db::write_tx(conn, |conn| {
        let c = crate::db::closures::closure(conn, staff.center_id, id)?.ok_or(ClosureError::NotFound)?;
        crate::db::closures::delete_closure(conn, staff.center_id, id)?;
        let detail = Detail {
            starts_on: Some(c.starts_on),
            ends_on: Some(c.ends_on),
            reason: Some(c.reason),
            expert_user_id: c.expert_user_id,
            ..Detail::default()
        };
        changes::record(conn, staff.center_id, Some(staff.user_id), now, kind::CLOSURE_LIFTED, c.zone_id, &detail)?;
        Ok(())
    })
}
