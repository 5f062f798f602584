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

/// How many days the capacity of a zone is counted over (the schedule's preview, the report).
pub const CAPACITY_DAYS: i64 = 28;

/// A zone's seats over the next `CAPACITY_DAYS` from now, as the schedule page and the report
/// both show them: offered (every seat of the hours, from now, the notice not applied: staff
/// may book inside it), booked (taken by live visits), free per week (week 0 starts today), and
/// the first day an applicant can still book (the notice applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    pub offered: i64,
    pub booked: i64,
    pub weeks: [i64; 4],
    pub next_bookable: Option<chrono::NaiveDate>,
}

pub fn capacity(
    conn: &mut DbConn,
    zone: &Zone,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
) -> diesel::QueryResult<Capacity> {
    use crate::domain::availability::{free_slots, local_date};
    let today = local_date(tz, now);
    let mut sched = schedule::zone_schedule(conn, zone, today, today + chrono::Duration::days(CAPACITY_DAYS))?;
    sched.policy.horizon_days = CAPACITY_DAYS;
    let taken = schedule::taken_seats(conn, &[zone.id], now)?;
    // What an applicant can book: the notice applied.
    let bookable = free_slots(&sched, tz, now, &taken);
    let next_bookable = bookable.iter().find(|(_, s)| s.iter().any(|x| x.free > 0)).map(|(d, _)| *d);
    sched.policy.min_notice = chrono::Duration::zero();
    let offered_slots = free_slots(&sched, tz, now, &Default::default());
    let free_slots_now = free_slots(&sched, tz, now, &taken);
    let offered: i64 = offered_slots.values().flatten().map(|s| s.free).sum();
    let mut weeks = [0i64; 4];
    for (date, slots) in &free_slots_now {
        let w = usize::try_from((*date - today).num_days() / 7).unwrap_or(0).min(3);
        weeks[w] += slots.iter().map(|s| s.free).sum::<i64>();
    }
    Ok(Capacity { offered, booked: offered - weeks.iter().sum::<i64>(), weeks, next_bookable })
}
