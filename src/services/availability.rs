//! A submitted case's bookable times: per zone, and one-stop visits when it needs several.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::db::centers::{self, Center, Zone, ZoneKind};
use crate::db::{DbConn, answers, schedule};
use crate::domain::availability::{self, Slot, Visit};

/// One-stop visits shown per day.
pub const VISITS_PER_DAY: usize = 3;

pub struct ZoneTimes {
    pub zone: Zone,
    pub kind: ZoneKind,
    pub days: BTreeMap<NaiveDate, Vec<Slot>>,
}

pub struct CaseTimes {
    pub tz: Tz,
    pub zones: Vec<ZoneTimes>,
    /// Empty unless the case needs two zones or more.
    pub visits: Vec<Visit>,
}

/// The center's time zone (falls back to Asia/Seoul for an unknown name).
pub fn time_zone(center: &Center) -> Tz {
    Tz::from_str(&center.timezone).unwrap_or(chrono_tz::Asia::Seoul)
}

/// The UTC range of a local day at the center.
pub fn day_range(center: &Center, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let tz = time_zone(center);
    let start = |d: NaiveDate| {
        chrono::TimeZone::from_local_datetime(&tz, &d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or(d.and_hms_opt(0, 0, 0).unwrap_or_default(), |t| t.naive_utc())
    };
    (start(day), start(day + Duration::days(1)))
}

/// The free times of the zones a case was routed to, in the routing's order.
pub fn for_case(
    conn: &mut DbConn,
    center: &Center,
    case_id: i64,
    now: NaiveDateTime,
) -> Result<CaseTimes, diesel::result::Error> {
    for_case_with(conn, center, case_id, now, false)
}

/// As `for_case`; with `ignore_notice` (staff overriding the minimum notice, with a reason)
/// times from now on are offered.
pub fn for_case_with(
    conn: &mut DbConn,
    center: &Center,
    case_id: i64,
    now: NaiveDateTime,
    ignore_notice: bool,
) -> Result<CaseTimes, diesel::result::Error> {
    let tz = time_zone(center);
    let routed = answers::zones(conn, case_id)?;
    let all = centers::zones_of(conn, center.id)?;
    let from = availability::local_date(tz, now);
    let mut zones = Vec::new();
    let mut schedules = Vec::new();
    for r in &routed {
        let Some((zone, kind)) = all.iter().find(|(_, k)| k.code == r.zone_kind).cloned() else { continue };
        let mut s = schedule::zone_schedule(conn, &zone, from, from + Duration::days(366))?;
        if ignore_notice {
            s.policy.min_notice = Duration::zero();
        }
        schedules.push((zone, kind, s));
    }
    let ids: Vec<i64> = schedules.iter().map(|(z, _, _)| z.id).collect();
    let taken = schedule::taken_seats(conn, &ids, now)?;
    let mut per_zone = Vec::new();
    for (zone, kind, s) in schedules {
        let days = availability::free_slots(&s, tz, now, &taken);
        per_zone.push((s, days.clone()));
        zones.push(ZoneTimes { zone, kind, days });
    }
    let visits = availability::one_stop_visits(&per_zone, VISITS_PER_DAY);
    Ok(CaseTimes { tz, zones, visits })
}
