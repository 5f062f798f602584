//! Availability: the free slots of a zone over its booking horizon, and one-stop visits (all of
//! a case's zones on one day, back to back). Pure: the schedule, closures and taken seats come
//! in as data; times are computed in the center's time zone and returned in UTC.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::holidays;

/// One weekly rule of a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// ISO weekday, 1 = Monday.
    pub weekday: u32,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub slot_minutes: i64,
    pub seats: i64,
    pub institution: Option<String>,
}

/// A zone's booking policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Earliest booking: this long from now.
    pub min_notice: Duration,
    /// Latest booking: this many days ahead (local dates, today included).
    pub horizon_days: i64,
    /// Free time after each appointment before the next one starts.
    pub buffer: Duration,
}

#[derive(Debug, Clone)]
pub struct ZoneSchedule {
    pub zone_id: i64,
    pub rules: Vec<Rule>,
    pub policy: Policy,
    /// Local dates the zone does not sit (center and zone closures, the expert's absence).
    pub closed: BTreeSet<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub zone_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub local_start: NaiveDateTime,
    pub free: i64,
    pub institution: Option<String>,
}

/// A local time on a local date in `tz`, as UTC. A time that does not exist (the hour skipped
/// when clocks go forward) is None; a time that exists twice (clocks go back) is its first
/// occurrence, so no slot is ever doubled.
pub fn to_utc(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<NaiveDateTime> {
    tz.from_local_datetime(&date.and_time(time)).earliest().map(|t| t.naive_utc())
}

pub fn local_date(tz: Tz, utc: NaiveDateTime) -> NaiveDate {
    tz.from_utc_datetime(&utc).date_naive()
}

/// The free slots of one zone, by local date. `taken` counts booked seats per (zone, start).
pub fn free_slots(
    s: &ZoneSchedule,
    tz: Tz,
    now: NaiveDateTime,
    taken: &HashMap<(i64, NaiveDateTime), i64>,
) -> BTreeMap<NaiveDate, Vec<Slot>> {
    let today = local_date(tz, now);
    let earliest = now + s.policy.min_notice;
    let mut out: BTreeMap<NaiveDate, Vec<Slot>> = BTreeMap::new();
    for offset in 0..s.policy.horizon_days.max(0) {
        let date = today + Duration::days(offset);
        if s.closed.contains(&date) || holidays::is_holiday(date) {
            continue;
        }
        let weekday = date.weekday().number_from_monday();
        for r in s.rules.iter().filter(|r| r.weekday == weekday) {
            let step = Duration::minutes(r.slot_minutes) + s.policy.buffer;
            let length = Duration::minutes(r.slot_minutes);
            if length <= Duration::zero() {
                continue;
            }
            let mut start = r.start;
            loop {
                // Slots fit whole inside the rule's hours (local time).
                let (end, wrapped) = start.overflowing_add_signed(length);
                if wrapped != 0 || end > r.end {
                    break;
                }
                // A start in the hour skipped by a clock change does not exist: no slot. The end
                // is the start plus the slot's length in real time.
                if let Some(starts_at) = to_utc(tz, date, start) {
                    if starts_at >= earliest {
                        let free = r.seats - taken.get(&(s.zone_id, starts_at)).copied().unwrap_or(0);
                        if free > 0 {
                            out.entry(date).or_default().push(Slot {
                                zone_id: s.zone_id,
                                starts_at,
                                ends_at: starts_at + length,
                                local_start: date.and_time(start),
                                free,
                                institution: r.institution.clone(),
                            });
                        }
                    }
                }
                let (next, wrapped) = start.overflowing_add_signed(step);
                if wrapped != 0 || next <= start {
                    break;
                }
                start = next;
            }
        }
        if let Some(v) = out.get_mut(&date) {
            v.sort_by_key(|s| s.starts_at);
        }
    }
    out
}

/// The longest wait between two legs of a one-stop visit, after the buffer.
pub const MAX_GAP: Duration = Duration::minutes(60);

/// A one-stop visit: one slot per zone, on one day, each leg starting after the previous one
/// ended plus the buffer, and no more than MAX_GAP later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub date: NaiveDate,
    pub legs: Vec<Slot>,
}

/// One-stop visits for several zones, per day the earliest first; at most `per_day` per day.
/// Zones are visited in the order that gives the earliest start (every order is tried).
pub fn one_stop_visits(per_zone: &[(ZoneSchedule, BTreeMap<NaiveDate, Vec<Slot>>)], per_day: usize) -> Vec<Visit> {
    if per_zone.len() < 2 {
        return Vec::new();
    }
    let days: BTreeSet<NaiveDate> = per_zone[0].1.keys().copied().collect();
    let mut visits = Vec::new();
    for date in days {
        if !per_zone.iter().all(|(_, slots)| slots.contains_key(&date)) {
            continue;
        }
        let mut found: Vec<Visit> = Vec::new();
        let mut orders: Vec<Vec<usize>> = Vec::new();
        permutations(&mut (0..per_zone.len()).collect(), 0, &mut orders);
        for order in orders {
            let first = &per_zone[order[0]].1[&date];
            for s in first {
                let mut legs = vec![s.clone()];
                for (i, &z) in order.iter().enumerate().skip(1) {
                    let prev = legs.last().expect("one leg at least");
                    let buffer = per_zone[order[i - 1]].0.policy.buffer;
                    let ready = prev.ends_at + buffer;
                    let next =
                        per_zone[z].1[&date].iter().find(|c| c.starts_at >= ready && c.starts_at <= ready + MAX_GAP);
                    match next {
                        Some(c) => legs.push(c.clone()),
                        None => break,
                    }
                }
                if legs.len() == per_zone.len() && !found.iter().any(|v| v.legs[0].starts_at == legs[0].starts_at) {
                    found.push(Visit { date, legs });
                }
            }
        }
        found.sort_by_key(|v| (v.legs[0].starts_at, v.legs.last().map(|l| l.ends_at)));
        found.truncate(per_day);
        visits.extend(found);
    }
    visits
}

fn permutations(items: &mut Vec<usize>, k: usize, out: &mut Vec<Vec<usize>>) {
    if k == items.len() {
        out.push(items.clone());
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, out);
        items.swap(k, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn zone(id: i64, rules: Vec<Rule>) -> ZoneSchedule {
        ZoneSchedule {
            zone_id: id,
            rules,
            policy: Policy { min_notice: Duration::hours(24), horizon_days: 14, buffer: Duration::minutes(10) },
            closed: BTreeSet::new(),
        }
    }

    fn rule(weekday: u32, start: NaiveTime, end: NaiveTime, slot: i64, seats: i64) -> Rule {
        Rule { weekday, start, end, slot_minutes: slot, seats, institution: None }
    }

    const SEOUL: Tz = chrono_tz::Asia::Seoul;

    #[test]
    fn slots_fit_the_hours_with_buffers_and_skip_holidays_closures_and_short_notice() {
        // Monday 2026-09-21 09:00 KST = 00:00 UTC; horizon 14 days covers Chuseok (24–26 Sep).
        let now = d(2026, 9, 21).and_time(t(0, 0));
        let mut z = zone(1, (1..=5).map(|w| rule(w, t(10, 0), t(12, 0), 30, 1)).collect());
        z.closed.insert(d(2026, 9, 29));
        let slots = free_slots(&z, SEOUL, now, &HashMap::new());
        let days: Vec<NaiveDate> = slots.keys().copied().collect();
        // Monday itself is within 24 h; Chuseok Thu–Sat; weekends; the closure on the 29th;
        // Foundation Day substitute Mon 5 Oct (3 Oct is a Saturday).
        assert_eq!(
            days,
            vec![d(2026, 9, 22), d(2026, 9, 23), d(2026, 9, 28), d(2026, 9, 30), d(2026, 10, 1), d(2026, 10, 2)]
        );
        let times: Vec<String> =
            slots[&d(2026, 9, 22)].iter().map(|s| s.local_start.format("%H:%M").to_string()).collect();
        assert_eq!(times, vec!["10:00", "10:40", "11:20"], "30 min + 10 min buffer, all inside 10–12");
        assert_eq!(slots[&d(2026, 9, 22)][0].starts_at, d(2026, 9, 22).and_time(t(1, 0)), "stored in UTC");
    }

    #[test]
    fn taken_seats_reduce_what_is_free() {
        let now = d(2026, 9, 21).and_time(t(0, 0));
        let z = zone(7, vec![rule(2, t(10, 0), t(11, 0), 60, 2)]);
        let start = d(2026, 9, 22).and_time(t(1, 0));
        let mut taken = HashMap::new();
        taken.insert((7, start), 1);
        assert_eq!(free_slots(&z, SEOUL, now, &taken)[&d(2026, 9, 22)][0].free, 1);
        taken.insert((7, start), 2);
        assert!(!free_slots(&z, SEOUL, now, &taken).contains_key(&d(2026, 9, 22)));
    }

    #[test]
    fn daylight_saving_days_have_no_slot_in_the_missing_hour_and_none_twice() {
        // Europe/Berlin: clocks go forward on Sun 29 Mar 2026 at 02:00 and back on Sun 25 Oct
        // 2026 at 03:00. A rule on Sundays 01:00–04:00 with 30-minute slots, no buffer.
        let berlin: Tz = chrono_tz::Europe::Berlin;
        let mut z = zone(3, vec![rule(7, t(1, 0), t(4, 0), 30, 1)]);
        z.policy = Policy { min_notice: Duration::zero(), horizon_days: 2, buffer: Duration::zero() };
        let spring = free_slots(&z, berlin, d(2026, 3, 28).and_time(t(12, 0)), &HashMap::new());
        let local: Vec<String> =
            spring[&d(2026, 3, 29)].iter().map(|s| s.local_start.format("%H:%M").to_string()).collect();
        // 02:00–02:59 does not exist (01:30 CET + 30 min is 03:00 CEST: a real 30-minute slot).
        assert_eq!(local, vec!["01:00", "01:30", "03:00", "03:30"]);
        let autumn = free_slots(&z, berlin, d(2026, 10, 24).and_time(t(12, 0)), &HashMap::new());
        let slots = &autumn[&d(2026, 10, 25)];
        let starts: BTreeSet<NaiveDateTime> = slots.iter().map(|s| s.starts_at).collect();
        assert_eq!(starts.len(), slots.len(), "no slot twice");
        for s in slots {
            assert_eq!(s.ends_at - s.starts_at, Duration::minutes(30), "{s:?}");
        }
        let local: Vec<String> = slots.iter().map(|s| s.local_start.format("%H:%M").to_string()).collect();
        // The repeated hour 02:00–02:59 is offered once (its first occurrence).
        assert_eq!(local, vec!["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]);
        for pair in slots.windows(2) {
            assert!(pair[1].starts_at >= pair[0].ends_at, "no overlap: {pair:?}");
        }
    }

    #[test]
    fn a_one_stop_visit_puts_the_zones_back_to_back_on_one_day() {
        let now = d(2026, 9, 21).and_time(t(0, 0));
        // Tuesday: finance 10:00–12:00 (40 min), IP 13:00–17:00 (60 min); Wednesday finance only.
        let finance = zone(1, vec![rule(2, t(10, 0), t(12, 0), 40, 1), rule(3, t(10, 0), t(12, 0), 40, 1)]);
        let mut ip = zone(2, vec![rule(2, t(11, 0), t(17, 0), 60, 1)]);
        ip.policy.buffer = Duration::minutes(10);
        let zones: Vec<_> = [finance, ip]
            .into_iter()
            .map(|z| {
                let s = free_slots(&z, SEOUL, now, &HashMap::new());
                (z, s)
            })
            .collect();
        let visits = one_stop_visits(&zones, 3);
        assert!(visits.iter().all(|v| v.date.weekday().number_from_monday() == 2), "only days with both zones");
        let first = &visits[0];
        assert_eq!(first.legs.len(), 2);
        for pair in first.legs.windows(2) {
            assert!(pair[1].starts_at >= pair[0].ends_at + Duration::minutes(10), "buffer respected");
            assert!(pair[1].starts_at <= pair[0].ends_at + Duration::minutes(10) + MAX_GAP);
        }
        assert_ne!(first.legs[0].zone_id, first.legs[1].zone_id);
        // Finance 10:00–10:40, then IP at 11:00 (ready at 10:50).
        assert_eq!(first.legs[0].local_start.time(), t(10, 0));
        assert_eq!(first.legs[1].local_start.time(), t(11, 0));
    }
}
