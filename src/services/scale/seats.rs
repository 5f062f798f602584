//! The seats the demo's schedules offer, day by day.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};

use crate::db::centers;
use crate::domain::holidays::is_holiday;

/// One seat of one slot of a zone's schedule on a day.
pub(super) struct Seat {
    pub(super) center: usize,
    pub(super) zone: usize,
    pub(super) starts_at: NaiveDateTime,
    pub(super) ends_at: NaiveDateTime,
    pub(super) seat_no: i32,
    pub(super) institution_id: Option<i64>,
}

pub(super) struct ZoneInfo {
    pub(super) id: i64,
    pub(super) kind: String,
    pub(super) rules: Vec<centers::ScheduleRule>,
}

pub(super) struct CenterInfo {
    pub(super) id: i64,
    pub(super) prefix: String,
    /// The center's slug, which is its region's code (the startups' region in the history).
    pub(super) slug: String,
    pub(super) tz: chrono_tz::Tz,
    pub(super) zones: Vec<ZoneInfo>,
}

/// Every seat the schedules offer on a local day, in center, zone, time and seat order.
pub(super) fn seats_of_day(all: &[CenterInfo], day: NaiveDate) -> Vec<Seat> {
    let mut out = Vec::new();
    if is_holiday(day) {
        return out;
    }
    let weekday = i16::try_from(day.weekday().number_from_monday()).unwrap_or(1);
    for (ci, c) in all.iter().enumerate() {
        for (zi, z) in c.zones.iter().enumerate() {
            for r in z.rules.iter().filter(|r| r.weekday == weekday) {
                let step = Duration::minutes(r.slot_minutes.into());
                let mut t = day.and_time(r.start_time);
                while t + step <= day.and_time(r.end_time) {
                    let Some(start) = c.tz.from_local_datetime(&t).earliest().map(|s| s.naive_utc()) else {
                        t += step;
                        continue;
                    };
                    for seat_no in 1..=r.seats {
                        out.push(Seat {
                            center: ci,
                            zone: zi,
                            starts_at: start,
                            ends_at: start + step,
                            seat_no,
                            institution_id: r.institution_id,
                        });
                    }
                    t += step;
                }
            }
        }
    }
    out
}
