//! A center's weekly schedule, as staff change it: opening hours per zone and weekday (with the
//! finance institution on duty), and each zone's booking policy.

use chrono::NaiveDateTime;

use crate::db::center_changes::{self as changes, Detail, kind};
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
pub fn add_rule(conn: &mut DbConn, staff: Staff, r: &Rule, now: NaiveDateTime) -> Result<(), ScheduleError> {
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
        let detail = hours(r.weekday, r.start, r.end, r.slot_minutes, r.seats);
        changes::record(conn, staff.center_id, Some(staff.user_id), now, kind::HOURS_ADDED, Some(zone.id), &detail)?;
        Ok(())
    })
}

/// Removes opening hours of one of the staff member's zones.
pub fn delete_rule(conn: &mut DbConn, staff: Staff, rule_id: i64, now: NaiveDateTime) -> Result<(), ScheduleError> {
    let zone_ids: Vec<i64> = centers::zones_of(conn, staff.center_id)?.iter().map(|(z, _)| z.id).collect();
    db::write_tx(conn, |conn| {
        let rule =
            centers::rules_of(conn, &zone_ids)?.into_iter().find(|x| x.id == rule_id).ok_or(ScheduleError::NotFound)?;
        centers::delete_rule(conn, rule_id, &zone_ids)?;
        let detail = hours(rule.weekday, rule.start_time, rule.end_time, rule.slot_minutes, rule.seats);
        let who = Some(staff.user_id);
        changes::record(conn, staff.center_id, who, now, kind::HOURS_REMOVED, Some(rule.zone_id), &detail)?;
        Ok(())
    })
}

/// Sets a zone's booking policy (notice, horizon, buffer, cut-offs).
pub fn set_policy(
    conn: &mut DbConn,
    staff: Staff,
    policy: &PolicyRow,
    now: NaiveDateTime,
) -> Result<(), ScheduleError> {
    own_zone(conn, staff.center_id, policy.zone_id)?;
    db::write_tx(conn, |conn| {
        schedule::set_policy(conn, policy)?;
        let detail = Detail {
            notice_minutes: Some(policy.min_notice_minutes),
            horizon_days: Some(policy.horizon_days),
            ..Detail::default()
        };
        let who = Some(staff.user_id);
        changes::record(conn, staff.center_id, who, now, kind::POLICY_SET, Some(policy.zone_id), &detail)?;
        Ok(())
    })
}

/// Opening hours as the audit view keeps them.
fn hours(weekday: i16, start: chrono::NaiveTime, end: chrono::NaiveTime, slot: i32, seats: i32) -> Detail {
    Detail {
        weekday: Some(weekday),
        start: Some(start),
        end: Some(end),
        slot_minutes: Some(slot),
        seats: Some(seats),
        ..Detail::default()
    }
}

/// The zone, if it is one of the center's.
fn own_zone(conn: &mut DbConn, center_id: i64, zone_id: i64) -> Result<(Zone, ZoneKind), ScheduleError> {
    centers::zones_of(conn, center_id)?.into_iter().find(|(z, _)| z.id == zone_id).ok_or(ScheduleError::NotFound)
}
