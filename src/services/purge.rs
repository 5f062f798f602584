//! Destruction on a schedule (`serve` every 10 minutes, and `onestop purge`): what is kept no
//! longer than it is needed.

use chrono::NaiveDateTime;

use crate::db::{self, DbConn, cases};
use crate::domain::{Actor, CaseEvent};
use crate::services::case_flow::{self, ActingAs, Fire, FireError};

/// Purges drafts past their expiry: each is cancelled through the state machine (`expire`,
/// by the system, kept in the trail), its answers, needs and documents are deleted and its
/// link stops working; then its files are removed. Returns how many were purged.
pub fn purge_expired(
    conn: &mut DbConn,
    now: NaiveDateTime,
    data_dir: &std::path::Path,
) -> Result<usize, diesel::result::Error> {
    let expired = cases::expired_drafts(conn, now)?;
    let mut purged = 0;
    let mut per_center: std::collections::BTreeMap<i64, i64> = Default::default();
    for case_id in expired {
        let center_id = cases::find(conn, case_id)?.map(|c| c.center_id);
        let done = db::write_tx(conn, |conn| -> Result<bool, diesel::result::Error> {
            let system = ActingAs { actor: Actor::System, user_id: None };
            match case_flow::fire_in_tx(conn, &Fire::new(case_id, system, CaseEvent::Expire), now) {
                Ok(_) => {}
                // Submitted or purged meanwhile by another instance: leave it.
                Err(FireError::Conflict | FireError::Refused(_)) => return Ok(false),
                Err(FireError::Db(e)) => return Err(e),
                Err(other) => {
                    tracing::warn!(case_id, error = %other, "could not expire a draft");
                    return Ok(false);
                }
            }
            cases::forget_draft(conn, case_id)?;
            Ok(true)
        })?;
        if done {
            let dir = crate::services::documents::upload_dir(data_dir, case_id);
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(case_id, error = %e, "could not remove a purged draft's files");
                }
            }
            purged += 1;
            if let Some(c) = center_id {
                *per_center.entry(c).or_default() += 1;
            }
        }
    }
    for (center_id, n) in per_center {
        use crate::db::destructions::{kind, record};
        record(
            conn,
            Some(center_id),
            now,
            kind::DRAFT,
            n,
            "unfinished draft past its expiry (30 days)",
            "housekeeping",
        )?;
    }
    Ok(purged)
}
