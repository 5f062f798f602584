//! Reserving a visit: every leg's seat taken in one write transaction with the case's move to
//! `reserved`, all or nothing. The database decides who gets a seat (a unique index on the
//! seat), never a read-then-check here.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;

use crate::db::appointments::{self, NewAppointment};
use crate::db::cases::Case;
use crate::db::centers::{self, Center};
use crate::db::{self, DbConn, schedule};
use crate::domain::CaseStatus;
use crate::domain::availability::{self, local_date};
use crate::domain::{Actor, CaseEvent};
use crate::services::action::ActionError;
use crate::services::availability::time_zone;
use crate::services::case_flow::{self, ActingAs, Fire};
use crate::services::mail::{self, VisitChange};

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

    /// The choice a booking form sends: its legs, comma-separated; `None` when empty or when
    /// any leg does not parse.
    pub fn parse_choice(raw: &str) -> Option<Vec<Leg>> {
        let legs: Vec<Leg> = raw.split(',').filter(|s| !s.is_empty()).map(Leg::parse).collect::<Option<_>>()?;
        (!legs.is_empty()).then_some(legs)
    }

    pub fn encode(&self) -> String {
        format!("{}:{}", self.zone_id, self.starts_at.and_utc().timestamp())
    }
}

struct Context {
    tz: chrono_tz::Tz,
    routed: Vec<String>,
    zones: Vec<(centers::Zone, centers::ZoneKind)>,
    institutions: Vec<centers::Institution>,
}

fn context(conn: &mut DbConn, center: &Center, case: &Case) -> Result<Context, ActionError> {
    Ok(Context {
        tz: time_zone(center),
        routed: db::answers::zones(conn, case.id)?.into_iter().map(|z| z.zone_kind).collect(),
        zones: centers::zones_of(conn, center.id)?,
        institutions: centers::institutions(conn)?,
    })
}

/// The legs must be the case's zones, each once, on one local day; returns that day.
fn check_shape(cx: &Context, legs: &[Leg]) -> Result<NaiveDate, ActionError> {
    let mut got: Vec<&str> = Vec::new();
    for leg in legs {
        let (_, kind) = cx.zones.iter().find(|(z, _)| z.id == leg.zone_id).ok_or(ActionError::WrongShape)?;
        got.push(&kind.code);
    }
    let mut want: Vec<&str> = cx.routed.iter().map(String::as_str).collect();
    want.sort();
    got.sort();
    let dates: Vec<NaiveDate> = legs.iter().map(|l| local_date(cx.tz, l.starts_at)).collect();
    if legs.is_empty() || want != got || dates.windows(2).any(|w| w[0] != w[1]) {
        return Err(ActionError::WrongShape);
    }
    Ok(dates[0])
}

/// Takes a seat for every leg (in time order, buffers respected, each offered by the schedule).
fn take_legs(
    conn: &mut DbConn,
    cx: &Context,
    case_id: i64,
    date: NaiveDate,
    legs: &[Leg],
    now: NaiveDateTime,
    ignore_notice: bool,
) -> Result<Vec<i64>, ActionError> {
    let mut ids = Vec::new();
    let mut previous_end: Option<(NaiveDateTime, chrono::Duration)> = None;
    let mut ordered = legs.to_vec();
    ordered.sort_by_key(|l| l.starts_at);
    for leg in ordered {
        let (zone, _) = cx.zones.iter().find(|(z, _)| z.id == leg.zone_id).ok_or(ActionError::WrongShape)?;
        let mut sched = schedule::zone_schedule(conn, zone, date, date)?;
        if ignore_notice {
            sched.policy.min_notice = chrono::Duration::zero();
        }
        // Offered at all? Seats are the database's business, so nothing is counted as taken here.
        let offered = availability::free_slots(&sched, cx.tz, now, &HashMap::new());
        let slot = offered
            .get(&date)
            .and_then(|v| v.iter().find(|s| s.starts_at == leg.starts_at))
            .cloned()
            .ok_or(ActionError::NotOffered)?;
        if let Some((end, buffer)) = previous_end {
            if slot.starts_at < end + buffer {
                return Err(ActionError::WrongShape);
            }
        }
        previous_end = Some((slot.ends_at, sched.policy.buffer));
        let institution_id =
            slot.institution.as_ref().and_then(|code| cx.institutions.iter().find(|i| &i.code == code)).map(|i| i.id);
        let new = NewAppointment {
            case_id,
            zone_id: zone.id,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            institution_id,
            now,
        };
        let seats = i32::try_from(slot.free).unwrap_or(1);
        ids.push(appointments::take_seat(conn, &new, seats)?.ok_or(ActionError::Taken)?);
    }
    Ok(ids)
}

/// Who acts, when, and what the mail about the change needs.
#[derive(Debug, Clone)]
pub struct Op {
    pub by: ActingAs,
    pub now: NaiveDateTime,
    pub base_url: String,
    pub mail_from: String,
    /// The applicant's manage link, when the caller has it (their own requests do).
    pub link: Option<String>,
    /// Staff booking inside the minimum notice: the reason, kept in the case's trail.
    pub override_notice: Option<String>,
}

impl Op {
    /// The applicant acting at `now`, without a manage link (tests and tools).
    pub fn applicant(now: NaiveDateTime) -> Op {
        Op {
            by: APPLICANT,
            now,
            base_url: "http://localhost".into(),
            mail_from: "no-reply@localhost".into(),
            link: None,
            override_notice: None,
        }
    }

    /// Only staff may book inside the minimum notice, and only with a reason.
    fn notice_override(&self) -> Option<&str> {
        if self.by.actor == Actor::Staff {
            self.override_notice.as_deref().map(str::trim).filter(|r| !r.is_empty())
        } else {
            None
        }
    }

    fn mail(&self) -> mail::Env<'_> {
        mail::Env { base_url: &self.base_url, from: &self.mail_from, now: self.now }
    }

    /// Queues the mail for the change (with its calendar file), in the caller's transaction.
    /// `cancelled` are the appointments a cancel just ended; otherwise the live ones are read.
    /// A booking or move also queues the reminder and a "confirm or cancel" for each of
    /// `ask_days` (the center's `confirm_days`, which the caller has at hand).
    fn tell(
        &self,
        conn: &mut DbConn,
        case_id: i64,
        change: VisitChange,
        cancelled: &[appointments::Appointment],
        reason: Option<&str>,
        ask_days: &[i32],
    ) -> Result<(), ActionError> {
        let live;
        let appts = if change == VisitChange::Cancelled {
            cancelled
        } else {
            live = appointments::live_of_case(conn, case_id)?;
            &live
        };
        mail::queue_visit(conn, &self.mail(), case_id, change, appts, self.link.as_deref(), reason)?;
        if change == VisitChange::Cancelled {
            if let Some(case) = crate::db::cases::find(conn, case_id)? {
                mail::queue_staff_notice(conn, &self.mail(), &case, mail::StaffNotice::Cancelled { appts })?;
            }
        } else {
            mail::queue_visit(conn, &self.mail(), case_id, VisitChange::Reminder, appts, self.link.as_deref(), None)?;
            for &days in ask_days {
                let ask = VisitChange::ConfirmAsk { days };
                mail::queue_visit(conn, &self.mail(), case_id, ask, appts, self.link.as_deref(), None)?;
            }
        }
        Ok(())
    }
}

/// submitted → reserved with a seat for every leg; returns the appointments' ids. The
/// confirmation mail with the calendar invitation is queued in the same transaction.
pub fn reserve(
    conn: &mut DbConn,
    center: &Center,
    case: &Case,
    legs: &[Leg],
    op: &Op,
) -> Result<Vec<i64>, ActionError> {
    place(conn, center, case, legs, op, false)
}

/// Moves a reserved visit: the old seats are freed and the new ones taken in one transaction;
/// if any new seat is gone, nothing changes. Two concurrent moves of one visit: one wins (the
/// case's version), the others get Conflict.
pub fn reschedule(
    conn: &mut DbConn,
    center: &Center,
    case: &Case,
    legs: &[Leg],
    op: &Op,
) -> Result<Vec<i64>, ActionError> {
    place(conn, center, case, legs, op, true)
}

/// Books the chosen time for a case that has none yet, or moves the visit of a reserved case.
pub fn book_or_move(
    conn: &mut DbConn,
    center: &Center,
    case: &Case,
    legs: &[Leg],
    op: &Op,
) -> Result<Vec<i64>, ActionError> {
    place(conn, center, case, legs, op, case.status == CaseStatus::Reserved)
}

/// Takes a seat for every leg in one transaction with the case's event (reserve, or reschedule
/// when `moving`: then the applicant's cut-off is checked and the old seats are freed first).
fn place(
    conn: &mut DbConn,
    center: &Center,
    case: &Case,
    legs: &[Leg],
    op: &Op,
    moving: bool,
) -> Result<Vec<i64>, ActionError> {
    let (by, now) = (op.by, op.now);
    let cx = context(conn, center, case)?;
    let date = check_shape(&cx, legs)?;
    // A new booking of an applicant blocked for no-shows (staff see the block and may lift it).
    if !moving && by.actor == Actor::Applicant {
        if let Some(b) = crate::services::no_show::block_of(conn, center, case.id, now)? {
            return Err(ActionError::Blocked(b.until));
        }
    }
    db::write_tx(conn, |conn| {
        if moving && by.actor == Actor::Applicant {
            let live = appointments::live_of_case(conn, case.id)?;
            if !within_cutoff(conn, &live, now, false)? {
                return Err(ActionError::PastCutoff);
            }
        }
        let event = if moving { CaseEvent::Reschedule } else { CaseEvent::Reserve };
        let fire = Fire::new(case.id, by, event).at_version(case.version);
        let fire = match op.notice_override() {
            Some(reason) => fire.because(reason),
            None => fire,
        };
        case_flow::fire_in_tx(conn, &fire, now)?;
        if moving {
            appointments::cancel_live(conn, case.id, now)?;
            crate::db::outbox::skip_for_visit(conn, case.id, crate::db::outbox::skipped::VISIT_MOVED)?;
        }
        let ids = take_legs(conn, &cx, case.id, date, legs, now, op.notice_override().is_some())?;
        let change = if moving { VisitChange::Moved } else { VisitChange::Confirmed };
        op.tell(conn, case.id, change, &[], None, &confirm_days(&center.confirm_days))?;
        Ok(ids)
    })
}

/// What the applicant may still change themselves: (move, cancel), each until its zone
/// policy's cut-off before every leg. The pages show the actions only while they are open.
pub fn applicant_may_change(conn: &mut DbConn, case_id: i64, now: NaiveDateTime) -> QueryResult<(bool, bool)> {
    let live = appointments::live_of_case(conn, case_id)?;
    Ok((within_cutoff(conn, &live, now, false)?, within_cutoff(conn, &live, now, true)?))
}

/// Whether `now` is still before the cut-off (the zone policy's, in minutes) of every leg.
fn within_cutoff(
    conn: &mut DbConn,
    live: &[appointments::Appointment],
    now: NaiveDateTime,
    cancel: bool,
) -> QueryResult<bool> {
    for a in live {
        let p = schedule::policy(conn, a.zone_id)?;
        let minutes = if cancel { p.cancel_cutoff_minutes } else { p.reschedule_cutoff_minutes };
        if now > a.starts_at - chrono::Duration::minutes(minutes.into()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The days before a visit a center asks to confirm it: "3,1" → [3, 1] (1–14 days, at most
/// three, each once; anything else in the list is ignored).
pub fn confirm_days(raw: &str) -> Vec<i32> {
    let mut out: Vec<i32> = Vec::new();
    for d in raw.split(',').filter_map(|p| p.trim().parse::<i32>().ok()) {
        if (1..=14).contains(&d) && !out.contains(&d) && out.len() < 3 {
            out.push(d);
        }
    }
    out
}

/// Whether the case's visit (every live leg) is confirmed.
pub fn confirmed(conn: &mut DbConn, case_id: i64) -> QueryResult<bool> {
    let live = appointments::live_of_case(conn, case_id)?;
    Ok(!live.is_empty() && live.iter().all(|a| a.confirmed_at.is_some()))
}

/// The applicant confirms they are coming: every booked leg not yet confirmed is, in one
/// statement (two clicks at once confirm once). Returns whether this call confirmed it.
pub fn confirm(conn: &mut DbConn, case: &Case, now: NaiveDateTime) -> Result<bool, ActionError> {
    if case.status != CaseStatus::Reserved {
        return Err(ActionError::WrongState);
    }
    let n = db::write_tx(conn, |conn| appointments::confirm_booked(conn, case.id, now))?;
    Ok(n > 0)
}

/// Cancels the case and frees its seats, within the cut-off for an applicant.
pub fn cancel(conn: &mut DbConn, case: &Case, reason: &str, op: &Op) -> Result<(), ActionError> {
    let (by, now) = (op.by, op.now);
    db::write_tx(conn, |conn| {
        let live = appointments::live_of_case(conn, case.id)?;
        if by.actor == Actor::Applicant && !within_cutoff(conn, &live, now, true)? {
            return Err(ActionError::PastCutoff);
        }
        case_flow::fire_in_tx(
            conn,
            &Fire::new(case.id, by, CaseEvent::Cancel).at_version(case.version).because(reason),
            now,
        )?;
        if appointments::cancel_live(conn, case.id, now)? > 0 {
            crate::db::outbox::skip_for_visit(conn, case.id, crate::db::outbox::skipped::VISIT_CANCELLED)?;
            op.tell(conn, case.id, VisitChange::Cancelled, &live, Some(reason), &[])?;
        }
        Ok(())
    })
}

/// The applicant acting through their link.
pub const APPLICANT: ActingAs = ActingAs { actor: Actor::Applicant, user_id: None };
