//! A center's weekly schedule, as staff change it: opening hours per zone and weekday (with the
//! finance institution on duty), and each zone's booking policy.

use crate::db::centers::{self, NewScheduleRule, Zone, ZoneKind};
use crate::db::schedule::{self, PolicyRow};
use crate::db::{self, DbConn};
pub use crate::domain::schedule_form::Rule;
use crate::services::desk::Staff;

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// No such zone, rule or institution at the staff member's center.
    #[error("not found")]
    NotFound,
    /// The hours overlap a rule the zone has on that weekday.
    #[error("overlaps an existing rule")]
    Overlap,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Adds opening hours, unless they overlap the zone's others on that weekday (decided under a
/// lock per zone, so two staff adding at once cannot both pass the check).
pub fn add_rule(conn: &mut DbConn, staff: Staff, r: &Rule) -> Result<(), ScheduleError> {
    let (zone, kind) = own_zone(conn, staff.center_id, r.zone_id)?;
    let institution_id = if kind.zone_type == crate::domain::ZoneType::Finance && !r.institution.is_empty() {
        let all = centers::institutions(conn)?;
        Some(all.into_iter().find(|i| i.code == r.institution).ok_or(ScheduleError::NotFound)?.id)
    } else {
        None
    };
    db::write_tx(conn, |conn| {
        db::lock_key(conn, &format!("rules:{}", zone.id))?;
        let overlapping = centers::rules_of(conn, &[zone.id])?
            .iter()
            .any(|x| x.weekday == r.weekday && x.start_time < r.end && r.start < x.end_time);
        if overlapping {
            return Err(ScheduleError::Overlap);
        }
        centers::insert_rule(
            conn,
            &NewScheduleRule {
                zone_id: zone.id,
                weekday: r.weekday,
                start_time: r.start,
                end_time: r.end,
                slot_minutes: r.slot_minutes,
                seats: r.seats,
                institution_id,
            },
        )?;
        Ok(())
    })
}

/// Removes opening hours of one of the staff member's zones.
pub fn delete_rule(conn: &mut DbConn, staff: Staff, rule_id: i64) -> Result<(), ScheduleError> {
    let zone_ids: Vec<i64> = centers::zones_of(conn, staff.center_id)?.iter().map(|(z, _)| z.id).collect();
    match centers::delete_rule(conn, rule_id, &zone_ids)? {
        0 => Err(ScheduleError::NotFound),
        _ => Ok(()),
    }
}

/// Sets a zone's booking policy (notice, horizon, buffer, cut-offs).
pub fn set_policy(conn: &mut DbConn, staff: Staff, policy: &PolicyRow) -> Result<(), ScheduleError> {
    own_zone(conn, staff.center_id, policy.zone_id)?;
    Ok(schedule::set_policy(conn, policy)?)
}

/// The zone, if it is one of the center's.
fn own_zone(conn: &mut DbConn, center_id: i64, zone_id: i64) -> Result<(Zone, ZoneKind), ScheduleError> {
    centers::zones_of(conn, center_id)?.into_iter().find(|(z, _)| z.id == zone_id).ok_or(ScheduleError::NotFound)
}
