//! Calendar files (RFC 5545) for a booked visit: one event per leg, times in UTC, the center's
//! time zone named with X-WR-TIMEZONE, the case version as SEQUENCE (it grows with every move).

use chrono::NaiveDateTime;
use icalendar::{Calendar, Component, EventLike, Property};

pub struct CalendarLeg {
    pub summary: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

pub struct VisitCalendar<'a> {
    pub reference: &'a str,
    pub center_name: &'a str,
    pub time_zone: &'a str,
    /// Host part of the events' UIDs (stable across moves, so calendars update the events).
    pub host: &'a str,
    pub sequence: u32,
    pub now: NaiveDateTime,
    pub legs: Vec<CalendarLeg>,
}

pub fn render(v: &VisitCalendar<'_>) -> String {
    let mut cal = Calendar::new();
    cal.name(&format!("{} {}", v.center_name, v.reference)).timezone(v.time_zone);
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    for (i, leg) in v.legs.iter().enumerate() {
        cal.push(
            icalendar::Event::new()
                .uid(&format!("{}-{}@{}", v.reference, i + 1, v.host))
                .summary(&leg.summary)
                .location(v.center_name)
                .starts(leg.starts_at.and_utc())
                .ends(leg.ends_at.and_utc())
                .sequence(v.sequence)
                .timestamp(v.now.and_utc())
                .done(),
        );
    }
    cal.done().to_string()
}
