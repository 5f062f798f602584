//! Reserving a visit: every leg's seat taken in one write transaction with the case's move to
//! `reserved`, all or nothing. The database decides who gets a seat (a unique index on the
//! seat), never a read-then-check here.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::appointments::{self, NewAppointment};
use crate::db::cases::Case;
use crate::db::centers::{self, Center};
use crate::db::{self, DbConn, schedule};
use crate::domain::availability::{self, local_date};
use crate::domain::{Actor, CaseEvent};
use crate::services::availability::time_zone;
use crate::services::case_flow::{self, ActingAs, Fire, FireError};

/// One leg of a visit: a zone at a start time (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    pub zone_id: i64,
    pub starts_at: NaiveDateTime,
}

impl Leg {
    /// `ZONE:UNIXSECONDS`, as the booking form sends it.
    pub fn parse(raw: &str) -> Option<Leg> {
        let (z, t) = raw.split_once(':')?;
        let zone_id = z.parse().ok()?;
        let starts_at = chrono::DateTime::from_timestamp(t.parse().ok()?, 0)?.naive_utc();
        Some(Leg { zone_id, starts_at })
    }

    pub fn encode(&self) -> String {
        format!("{}:{}", self.zone_id, self.starts_at.and_utc().timestamp())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// Someone else took the last seat of a leg first.
    #[error("that time was just taken")]
    Taken,
    /// Not a time the schedule offers (any more): past the notice, a closure, a crafted form.
    #[error("that time is not offered")]
    NotOffered,
    /// The legs do not cover exactly the case's zones, or not on one day, back to back.
    #[error("the visit does not fit the case")]
    WrongShape,
    #[error(transparent)]
    Fire(#[from] FireError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// submitted → reserved with a seat for every leg; returns the appointments' ids.
pub fn reserve(
    conn: &mut DbConn,
    center: &Center,
    case: &Case,
    legs: &[Leg],
    by: ActingAs,
    now: NaiveDateTime,
) -> Result<Vec<i64>, BookError> {
    let tz = time_zone(center);
    let routed: Vec<String> = db::answers::zones(conn, case.id)?.into_iter().map(|z| z.zone_kind).collect();
    let zones = centers::zones_of(conn, center.id)?;
    let institutions = centers::institutions(conn)?;
    // The legs must be the case's zones, each once, on one local day, in time order without
    // overlap (buffers are checked against the schedule below).
    let mut kinds: Vec<&str> = Vec::new();
    for leg in legs {
        let (_, kind) = zones.iter().find(|(z, _)| z.id == leg.zone_id).ok_or(BookError::WrongShape)?;
        kinds.push(&kind.code);
    }
    let mut want: Vec<&str> = routed.iter().map(String::as_str).collect();
    let mut got = kinds.clone();
    want.sort();
    got.sort();
    let dates: Vec<NaiveDate> = legs.iter().map(|l| local_date(tz, l.starts_at)).collect();
    if legs.is_empty() || want != got || dates.windows(2).any(|w| w[0] != w[1]) {
        return Err(BookError::WrongShape);
    }
    let date = dates[0];
    db::write_tx(conn, |conn| {
        let applicant_or_staff = Fire::new(case.id, by, CaseEvent::Reserve).at_version(case.version);
        case_flow::fire_in_tx(conn, &applicant_or_staff, now)?;
        let mut ids = Vec::new();
        let mut previous_end: Option<(NaiveDateTime, chrono::Duration)> = None;
        let mut ordered = legs.to_vec();
        ordered.sort_by_key(|l| l.starts_at);
        for leg in ordered {
            let (zone, _) = zones.iter().find(|(z, _)| z.id == leg.zone_id).expect("checked above");
            let sched = schedule::zone_schedule(conn, zone, date, date)?;
            // Offered at all? Seats are the database's business, so nothing is counted as taken here.
            let offered = availability::free_slots(&sched, tz, now, &HashMap::new());
            let slot = offered
                .get(&date)
                .and_then(|v| v.iter().find(|s| s.starts_at == leg.starts_at))
                .cloned()
                .ok_or(BookError::NotOffered)?;
            if let Some((end, buffer)) = previous_end {
                if slot.starts_at < end + buffer {
                    return Err(BookError::WrongShape);
                }
            }
            previous_end = Some((slot.ends_at, sched.policy.buffer));
            let institution_id =
                slot.institution.as_ref().and_then(|code| institutions.iter().find(|i| &i.code == code)).map(|i| i.id);
            let new = NewAppointment {
                case_id: case.id,
                zone_id: zone.id,
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                institution_id,
                now,
            };
            let seats = i32::try_from(slot.free).unwrap_or(1);
            let id = appointments::take_seat(conn, &new, seats)?.ok_or(BookError::Taken)?;
            ids.push(id);
        }
        Ok(ids)
    })
}

/// The applicant acting through their link.
pub const APPLICANT: ActingAs = ActingAs { actor: Actor::Applicant, user_id: None };
