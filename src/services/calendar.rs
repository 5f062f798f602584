//! Calendar files (RFC 5545) for a booked visit: one event per leg, its times in the center's
//! time zone (`TZID` with a `VTIMEZONE` built from the tz database for the days around the
//! visit), the case version as SEQUENCE (it grows with every move, so calendars replace the
//! event with the same UID).
//!
//! Three forms: the file offered for download (`PUBLISH`), and the mailed invitation
//! (`REQUEST`, with organizer and attendee, as iTIP asks) and its cancellation (`CANCEL`).

use chrono::{Duration, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, EventStatus, Property};

pub struct CalendarLeg {
    pub summary: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// Who the mailed invitation is from and to.
pub struct Parties<'a> {
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
}

pub enum Method<'a> {
    /// A file to add to a calendar.
    Publish,
    /// The invitation in the confirmation and moved mails.
    Request(Parties<'a>),
    /// The cancellation mail: same UIDs, higher SEQUENCE, STATUS:CANCELLED.
    Cancel(Parties<'a>),
}

impl Method<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request(_) => "REQUEST",
            Method::Cancel(_) => "CANCEL",
        }
    }
}

pub struct VisitCalendar<'a> {
    pub reference: &'a str,
    pub center_name: &'a str,
    /// The address and room ("" when the center gave none): LOCATION is the center's name and it.
    pub location: &'a str,
    /// Latitude and longitude, for GEO.
    pub geo: Option<(f64, f64)>,
    pub time_zone: &'a str,
    /// Host part of the events' UIDs (stable across moves, so calendars update the events).
    pub host: &'a str,
    pub sequence: u32,
    pub now: NaiveDateTime,
    pub legs: Vec<CalendarLeg>,
    pub method: Method<'a>,
}

/// A TEXT value (RFC 5545 §3.3.11) on one line: the icalendar crate escapes `\ ; , \n` but
/// writes a CR or any other control character as it is, which ends the content line. Every
/// control character becomes a space, whatever the input's checks let through before.
fn ics_text(s: &str) -> String {
    s.chars().map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c }).collect()
}

/// A parameter value (RFC 5545 §3.2, `CN=`): no control characters and no DQUOTE, which
/// cannot be escaped inside a quoted value (a `"` becomes `'`); the crate quotes values
/// with `:`, `;` or `,`.
fn ics_param(s: &str) -> String {
    ics_text(s).replace('"', "'")
}

/// A `mailto:` address: only what an address may hold (no controls, spaces or quotes).
fn ics_mailto(email: &str) -> String {
    let clean: String = email.chars().filter(|c| !c.is_control() && !c.is_whitespace() && *c != '"').collect();
    format!("mailto:{clean}")
}

pub fn render(v: &VisitCalendar<'_>) -> String {
    let tz: Tz = v.time_zone.parse().unwrap_or(crate::domain::center::TIME_ZONE);
    let mut cal = Calendar::new();
    cal.name(&ics_text(&format!("{} {}", v.center_name, v.reference))).timezone(tz.name());
    cal.append_property(Property::new("METHOD", v.method.name()));
    let location =
        if v.location.is_empty() { v.center_name.to_owned() } else { format!("{}, {}", v.center_name, v.location) };
    for (i, leg) in v.legs.iter().enumerate() {
        let local = |t: NaiveDateTime| event_time(tz, t);
        let mut event = icalendar::Event::new();
        event
            .uid(&ics_text(&format!("{}-{}@{}", v.reference, i + 1, v.host)))
            .summary(&ics_text(&leg.summary))
            .location(&ics_text(&location))
            .starts(local(leg.starts_at))
            .ends(local(leg.ends_at))
            .sequence(v.sequence)
            .timestamp(v.now.and_utc());
        if let Some((lat, lon)) = v.geo {
            // GEO is a FLOAT pair (RFC 5545 §3.8.1.6): written as it is, never from text.
            event.append_property(Property::new("GEO", format!("{lat:.6};{lon:.6}")));
        }
        match &v.method {
            Method::Publish => {}
            Method::Request(p) | Method::Cancel(p) => {
                let mut organizer = Property::new("ORGANIZER", ics_mailto(p.organizer_email));
                organizer.add_parameter("CN", &ics_param(p.organizer_name));
                let mut attendee = Property::new("ATTENDEE", ics_mailto(p.attendee_email));
                attendee
                    .add_parameter("CN", &ics_param(p.attendee_name))
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("PARTSTAT", "ACCEPTED")
                    .add_parameter("RSVP", "FALSE");
                event.append_property(organizer).append_multi_property(attendee);
            }
        }
        event.status(if matches!(v.method, Method::Cancel(_)) {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
        cal.push(event.done());
    }
    let span = v.legs.iter().map(|l| l.starts_at).min().zip(v.legs.iter().map(|l| l.ends_at).max());
    with_vtimezone(cal.done().to_string(), tz, span)
}

/// An event's time: local with TZID; in the repeated hour of a fall-back a local time means its
/// first occurrence (RFC 5545 §3.3.5), so the second one is written in UTC instead.
fn event_time(tz: Tz, t: NaiveDateTime) -> icalendar::DatePerhapsTime {
    let wall = tz.from_utc_datetime(&t).naive_local();
    match tz.from_local_datetime(&wall).earliest() {
        Some(first) if first.naive_utc() == t => {
            CalendarDateTime::WithTimezone { date_time: wall, tzid: tz.name().to_owned() }.into()
        }
        _ => t.and_utc().into(),
    }
}

/// The crate writes no VTIMEZONE: puts one covering the events' `span` (and a week either
/// side) before the first event (components may come in any order, but clients expect the
/// time zone before its use).
fn with_vtimezone(text: String, tz: Tz, span: Option<(NaiveDateTime, NaiveDateTime)>) -> String {
    let Some((first, last)) = span else { return text };
    let vtimezone = vtimezone(tz, first - Duration::days(7), last + Duration::days(7));
    match text.find("BEGIN:VEVENT\r\n") {
        Some(at) => format!("{}{}{}", &text[..at], vtimezone, &text[at..]),
        None => text,
    }
}

/// A VTIMEZONE covering `[from, to]` (UTC): the observance in force at `from` and one for every
/// change of offset inside the window, each with the local time at which it starts (expressed
/// in the offset before it, as RFC 5545 §3.6.5 asks). Built from the tz database by chrono-tz,
/// so it is right for any zone a center is set to, with or without daylight saving.
pub fn vtimezone(tz: Tz, from: NaiveDateTime, to: NaiveDateTime) -> String {
    let offset_at = |t: NaiveDateTime| tz.offset_from_utc_datetime(&t);
    let seconds = |t: NaiveDateTime| offset_at(t).fix().local_minus_utc();
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    let mut observance = |at: NaiveDateTime, before: i32| {
        let o = offset_at(at);
        let kind = if o.dst_offset().is_zero() { "STANDARD" } else { "DAYLIGHT" };
        let after = o.fix().local_minus_utc();
        let start = at + Duration::seconds(before.into());
        let name = o.abbreviation().map(str::to_owned).unwrap_or_else(|| utc_offset(after));
        out.push_str(&format!(
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{}\r\nEND:{kind}\r\n",
            start.format("%Y%m%dT%H%M%S"),
            utc_offset(before),
            utc_offset(after),
            escape_text(&name),
        ));
    };
    let mut at = from;
    observance(at, seconds(at));
    // Offsets change at most a few times a year and never twice within an hour: step by the
    // hour, then find the exact second of each change by halving.
    while at < to {
        let next = at + Duration::hours(1);
        let (before, after) = (seconds(at), seconds(next));
        if before != after {
            let (mut lo, mut hi) = (at, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if seconds(mid) == before { lo = mid } else { hi = mid }
            }
            observance(hi, before);
        }
        at = next;
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    if s % 60 == 0 {
        format!("{sign}{:02}{:02}", s / 3600, s % 3600 / 60)
    } else {
        format!("{sign}{:02}{:02}{:02}", s / 3600, s % 3600 / 60, s % 60)
    }
}

fn escape_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,")
}

/// One appointment in an expert's feed: the reference and zone only, no personal data.
pub struct FeedItem {
    pub id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// An expert's subscription feed (`METHOD:PUBLISH`): their zone's appointments, times in the
/// center's zone with its VTIMEZONE, one stable UID per appointment.
pub fn feed(name: &str, time_zone: &str, host: &str, now: NaiveDateTime, items: &[FeedItem]) -> String {
    let tz: Tz = time_zone.parse().unwrap_or(crate::domain::center::TIME_ZONE);
    let mut cal = Calendar::new();
    cal.name(&ics_text(name)).timezone(tz.name());
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    for item in items {
        let local = |t: NaiveDateTime| event_time(tz, t);
        cal.push(
            icalendar::Event::new()
                .uid(&format!("appointment-{}@{host}", item.id))
                .summary(&ics_text(&item.title))
                .starts(local(item.starts_at))
                .ends(local(item.ends_at))
                .timestamp(now.and_utc())
                .status(EventStatus::Confirmed)
                .done(),
        );
    }
    let span = items.iter().map(|i| i.starts_at).min().zip(items.iter().map(|i| i.ends_at).max());
    with_vtimezone(cal.done().to_string(), tz, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn seoul_has_one_standard_observance() {
        let v = vtimezone(chrono_tz::Asia::Seoul, utc("2026-12-01 00:00"), utc("2026-12-15 00:00"));
        assert_eq!(v.matches("BEGIN:STANDARD").count(), 1);
        assert!(v.contains("DTSTART:20261201T090000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:KST"), "{v}");
        assert!(!v.contains("DAYLIGHT"));
    }

    #[test]
    fn berlin_spring_change_is_at_two_local() {
        let v = vtimezone(chrono_tz::Europe::Berlin, utc("2026-03-22 00:00"), utc("2026-04-05 00:00"));
        // Winter time in force at the start, then summer time from 02:00 local (01:00 UTC).
        assert!(v.contains("BEGIN:STANDARD\r\nDTSTART:20260322T010000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100"));
        assert!(
            v.contains(
                "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"
            ),
            "{v}"
        );
    }

    #[test]
    fn berlin_autumn_change_is_at_three_local_summer_time() {
        let v = vtimezone(chrono_tz::Europe::Berlin, utc("2026-10-20 00:00"), utc("2026-11-01 00:00"));
        assert!(
            v.contains(
                "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"
            ),
            "{v}"
        );
    }

    #[test]
    fn the_second_pass_through_a_repeated_hour_is_written_in_utc() {
        let leg = |h: u32| CalendarLeg {
            summary: "x".into(),
            starts_at: chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(h, 0, 0).unwrap(),
            ends_at: chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(h, 30, 0).unwrap(),
        };
        let ics = render(&VisitCalendar {
            reference: "R",
            center_name: "c",
            location: "",
            geo: None,
            time_zone: "Europe/Berlin",
            host: "h",
            sequence: 1,
            now: utc("2026-10-01 00:00"),
            legs: vec![leg(0), leg(1)],
            method: Method::Publish,
        });
        // 00:00 UTC = 02:00 CEST (first pass); 01:00 UTC = 02:00 CET (second pass).
        assert!(ics.contains("DTSTART;TZID=Europe/Berlin:20261025T020000"), "{ics}");
        assert!(ics.contains("DTSTART:20261025T010000Z"), "{ics}");
    }

    #[test]
    fn events_name_the_zone_and_cancellations_say_so() {
        let parties = Parties {
            organizer_name: "경남창조경제혁신센터",
            organizer_email: "no-reply@onestop.test",
            attendee_name: "홍길동",
            attendee_email: "hong@example.com",
        };
        let mut v = VisitCalendar {
            reference: "GN-2026-00001",
            center_name: "경남창조경제혁신센터",
            location: "경상남도 창원시 의창구 예시로 1, 2층",
            geo: Some((35.2281, 128.6811)),
            time_zone: "Asia/Seoul",
            host: "onestop.test",
            sequence: 3,
            now: utc("2026-11-28 00:00"),
            legs: vec![CalendarLeg {
                summary: "법률존".into(),
                starts_at: utc("2026-12-02 01:00"),
                ends_at: utc("2026-12-02 01:30"),
            }],
            method: Method::Request(parties),
        };
        let ics = render(&v);
        assert!(ics.contains("METHOD:REQUEST"));
        assert!(ics.contains("DTSTART;TZID=Asia/Seoul:20261202T100000"), "{ics}");
        assert!(ics.find("BEGIN:VTIMEZONE").unwrap() < ics.find("BEGIN:VEVENT").unwrap());
        assert!(ics.contains("ATTENDEE;"));
        assert!(ics.contains("STATUS:CONFIRMED"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("LOCATION:경남창조경제혁신센터\\, 경상남도 창원시 의창구 예시로 1\\, 2층"), "{ics}");
        assert!(ics.contains("GEO:35.228100;128.681100"), "{ics}");
        v.method = Method::Cancel(Parties {
            organizer_name: "c",
            organizer_email: "no-reply@onestop.test",
            attendee_name: "a",
            attendee_email: "a@example.com",
        });
        let ics = render(&v);
        assert!(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"));
        v.method = Method::Publish;
        assert!(!render(&v).contains("ATTENDEE"));
    }
}

#[cfg(test)]
mod injection_tests {
    use super::*;

    #[test]
    fn no_input_can_start_a_content_line_of_its_own() {
        let name = "김\r\nURL:http://evil.example/pay\n\"x\";ROLE=CHAIR";
        let v = VisitCalendar {
            reference: "GN-2026-00001",
            center_name: "경남\rX-EVIL:1",
            location: "주소\r\nX-EVIL:2",
            geo: None,
            time_zone: "Asia/Seoul",
            host: "onestop.test",
            sequence: 1,
            now: NaiveDateTime::parse_from_str("2026-12-01 00:00", "%Y-%m-%d %H:%M").unwrap(),
            legs: vec![CalendarLeg {
                summary: "법률\nURL:x".into(),
                starts_at: NaiveDateTime::parse_from_str("2026-12-02 01:00", "%Y-%m-%d %H:%M").unwrap(),
                ends_at: NaiveDateTime::parse_from_str("2026-12-02 02:00", "%Y-%m-%d %H:%M").unwrap(),
            }],
            method: Method::Request(Parties {
                organizer_name: "센터",
                organizer_email: "no-reply@onestop.test",
                attendee_name: name,
                attendee_email: "kim@example.com",
            }),
        };
        let ics = render(&v);
        // Unfold, then every line must start with a property this code writes.
        let unfolded = ics.replace("\r\n ", "");
        for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(!line.starts_with("URL") && !line.starts_with("X-EVIL"), "injected line {line:?} in\n{ics}");
            assert!(!line.contains('\r') && !line.contains('\n'));
        }
        let attendee = unfolded.lines().find(|l| l.starts_with("ATTENDEE")).unwrap();
        assert!(attendee.contains("CN=\"김  URL:http://evil.example/pay 'x';ROLE=CHAIR\""), "{attendee}");
    }
}

/// A new secret address for the expert's calendar feed (the old one stops working). Returns
/// the token, shown once; only its hash is kept.
pub fn new_feed(conn: &mut crate::db::DbConn, expert_user_id: i64) -> diesel::QueryResult<String> {
    let token = crate::token::new_token();
    crate::db::users::set_feed_token(conn, expert_user_id, Some(&crate::token::hash_token(&token)))?;
    Ok(token)
}

/// Revokes the expert's calendar feed address.
pub fn revoke_feed(conn: &mut crate::db::DbConn, expert_user_id: i64) -> diesel::QueryResult<()> {
    crate::db::users::set_feed_token(conn, expert_user_id, None).map(|_| ())
}
