//! The no-show policy (issue 20): a center sets N no-shows within M months → new bookings by
//! the applicant blocked for K weeks after the last one (defaults 2 / 6 / 4; N = 0 is no
//! policy). A person is matched by business number, else by phone or e-mail, over the
//! center's cases. A no-show is a visit (one day of one case, however many zones) whose
//! appointment was marked not attended — a cancelled visit never is. Staff lift a block with a
//! reason: the lift forgives the no-shows before it, and is kept in the center's trail.

use std::collections::BTreeSet;

use chrono::{Duration, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::centers::Center;
use crate::db::schema::{appointments, case_answers, cases, centers, no_show_lifts};
use crate::db::{self, DbConn};
use crate::domain::AppointmentStatus;
use crate::domain::form::{FieldError, err};
use crate::i18n::msg;

/// Why and until when new bookings are blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub until: NaiveDateTime,
    /// No-shows counted (within the window, after the last lift).
    pub count: usize,
    pub months: i32,
}

/// Who the applicant of a case is, to find their other cases: the business number, else the
/// phone and e-mail.
enum Person {
    Brn(String),
    Contact(Option<String>, Option<String>),
    /// Nothing to match by: the case alone.
    Case(i64),
}

fn person_of(conn: &mut DbConn, case_id: i64) -> QueryResult<Person> {
    let found: Option<(Option<String>, Option<String>, Option<String>)> = case_answers::table
        .filter(case_answers::case_id.eq(case_id))
        .select((case_answers::brn, case_answers::contact_phone, case_answers::contact_email))
        .first(conn)
        .optional()?;
    Ok(match found.unwrap_or_default() {
        (Some(b), _, _) if !b.is_empty() => Person::Brn(b),
        (_, None, None) => Person::Case(case_id),
        (_, p, e) => Person::Contact(p, e),
    })
}

/// The block on new bookings for the person of `case_id` at the center, if one holds `now`:
/// two indexed queries when the person has no no-show in the window, a third for the lifts.
pub fn block_of(conn: &mut DbConn, center: &Center, case_id: i64, now: NaiveDateTime) -> QueryResult<Option<Block>> {
    if center.no_show_limit <= 0 {
        return Ok(None);
    }
    let person = person_of(conn, case_id)?;
    let months = u32::try_from(center.no_show_months).unwrap_or(6);
    let window = now.checked_sub_months(Months::new(months)).unwrap_or(now);
    // The person's no-shows in the window, over the center's cases.
    let mut q = appointments::table
        .inner_join(cases::table.on(cases::id.eq(appointments::case_id)))
        .inner_join(case_answers::table.on(case_answers::case_id.eq(appointments::case_id)))
        .filter(cases::center_id.eq(center.id))
        .filter(appointments::status.eq(AppointmentStatus::NoShow.as_str()))
        .filter(appointments::starts_at.gt(window))
        .filter(appointments::starts_at.le(now))
        .select((appointments::case_id, appointments::starts_at))
        .into_boxed();
    q = match &person {
        Person::Brn(b) => q.filter(case_answers::brn.eq(b.clone())),
        Person::Contact(p, e) => {
            q.filter(case_answers::contact_phone.eq(p.clone()).or(case_answers::contact_email.eq(e.clone())))
        }
        Person::Case(id) => q.filter(appointments::case_id.eq(*id)),
    };
    let mut missed: Vec<(i64, NaiveDateTime)> = q.load(conn)?;
    if missed.is_empty() {
        return Ok(None);
    }
    // A lift made on any of the person's cases forgives the no-shows before it.
    let mut lifts = no_show_lifts::table
        .inner_join(case_answers::table.on(case_answers::case_id.eq(no_show_lifts::case_id)))
        .filter(no_show_lifts::center_id.eq(center.id))
        .select(no_show_lifts::lifted_at)
        .into_boxed();
    lifts = match &person {
        Person::Brn(b) => lifts.filter(case_answers::brn.eq(b.clone())),
        Person::Contact(p, e) => {
            lifts.filter(case_answers::contact_phone.eq(p.clone()).or(case_answers::contact_email.eq(e.clone())))
        }
        Person::Case(id) => lifts.filter(no_show_lifts::case_id.eq(*id)),
    };
    let lifted: Vec<NaiveDateTime> = lifts.load(conn)?;
    if let Some(l) = lifted.into_iter().max() {
        missed.retain(|(_, at)| *at > l);
    }
    // One visit is one no-show, however many zones it had (its legs are on one day).
    let visits: BTreeSet<(i64, NaiveDate)> = missed.iter().map(|(c, at)| (*c, at.date())).collect();
    let Some(last) = missed.iter().map(|(_, at)| *at).max() else { return Ok(None) };
    let until = last + Duration::weeks(center.no_show_block_weeks.into());
    let limit = usize::try_from(center.no_show_limit).unwrap_or(usize::MAX);
    Ok((visits.len() >= limit && now < until).then_some(Block {
        until,
        count: visits.len(),
        months: center.no_show_months,
    }))
}

/// The policy as a form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    pub no_show_limit: String,
    #[serde(default)]
    pub no_show_months: String,
    #[serde(default)]
    pub no_show_block_weeks: String,
    /// The days before a visit to ask for its confirmation ("3,1"; empty: never).
    #[serde(default)]
    pub confirm_days: String,
}

/// The booking rules as saved: the no-show policy (N, M, K) and the confirmation days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub limit: i32,
    pub months: i32,
    pub weeks: i32,
    pub confirm_days: String,
}

impl PolicyForm {
    pub fn of(center: &Center) -> Self {
        PolicyForm {
            no_show_limit: center.no_show_limit.to_string(),
            no_show_months: center.no_show_months.to_string(),
            no_show_block_weeks: center.no_show_block_weeks.to_string(),
            confirm_days: center.confirm_days.clone(),
        }
    }

    /// (N, M, K) within their ranges (0–10 no-shows, 1–24 months, 1–52 weeks), and up to three
    /// distinct days from 1 to 14 (or none).
    pub fn parse(&self) -> Result<Rules, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut read =
            |field: &'static str, raw: &str, lo: i32, hi: i32, key: &'static str| match raw.trim().parse::<i32>() {
                Ok(v) if (lo..=hi).contains(&v) => v,
                _ => {
                    errors.push(err(field, key));
                    0
                }
            };
        let n = read("no_show_limit", &self.no_show_limit, 0, 10, msg("no_show.error.limit"));
        let m = read("no_show_months", &self.no_show_months, 1, 24, msg("no_show.error.months"));
        let k = read("no_show_block_weeks", &self.no_show_block_weeks, 1, 52, msg("no_show.error.weeks"));
        let parts: Vec<&str> = self.confirm_days.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
        let days = crate::services::booking::confirm_days(&self.confirm_days);
        if days.len() != parts.len() {
            errors.push(err("confirm_days", msg("attend.error.days")));
        }
        let confirm_days = days.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        if errors.is_empty() { Ok(Rules { limit: n, months: m, weeks: k, confirm_days }) } else { Err(errors) }
    }
}

/// Sets the center's policy (kept in the center's trail).
pub fn set_policy(conn: &mut DbConn, center_id: i64, by: i64, rules: &Rules, now: NaiveDateTime) -> QueryResult<()> {
    let (n, m, k) = (rules.limit, rules.months, rules.weeks);
    use crate::db::center_changes::{self as changes, Detail, kind};
    db::write_tx(conn, |conn| {
        diesel::update(centers::table.filter(centers::id.eq(center_id)))
            .set((
                centers::no_show_limit.eq(n),
                centers::no_show_months.eq(m),
                centers::no_show_block_weeks.eq(k),
                centers::confirm_days.eq(&rules.confirm_days),
            ))
            .execute(conn)?;
        let detail = Detail {
            no_show_limit: Some(n),
            no_show_months: Some(m),
            no_show_block_weeks: Some(k),
            confirm_days: Some(rules.confirm_days.clone()),
            ..Detail::default()
        };
        changes::record(conn, center_id, Some(by), now, kind::NO_SHOW_POLICY_SET, None, &detail)
    })
}

/// Why a lift was refused.
#[derive(Debug, thiserror::Error)]
pub enum LiftError {
    #[error("a reason is required")]
    ReasonRequired,
    /// No block holds (it ended, or someone lifted it meanwhile).
    #[error("no block")]
    NoBlock,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Staff lift the block on the person of `case_id` with a reason.
pub fn lift(
    conn: &mut DbConn,
    center: &Center,
    case_id: i64,
    by: i64,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), LiftError> {
    use crate::db::center_changes::{self as changes, Detail, kind};
    let Ok(Some(reason)) = crate::domain::text::single_line(reason, 500) else {
        return Err(LiftError::ReasonRequired);
    };
    db::write_tx(conn, |conn| {
        if block_of(conn, center, case_id, now)?.is_none() {
            return Err(LiftError::NoBlock);
        }
        diesel::insert_into(no_show_lifts::table)
            .values((
                no_show_lifts::center_id.eq(center.id),
                no_show_lifts::case_id.eq(case_id),
                no_show_lifts::lifted_at.eq(now),
                no_show_lifts::lifted_by.eq(by),
                no_show_lifts::reason.eq(&reason),
            ))
            .execute(conn)?;
        let detail = Detail { reason: Some(reason.clone()), case_id: Some(case_id), ..Detail::default() };
        changes::record(conn, center.id, Some(by), now, kind::NO_SHOW_LIFTED, None, &detail)?;
        Ok(())
    })
}

/// The lifts made on the case: (when, by whom, why), oldest first.
pub fn lifts_of(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<(NaiveDateTime, i64, String)>> {
    no_show_lifts::table
        .filter(no_show_lifts::case_id.eq(case_id))
        .order(no_show_lifts::lifted_at)
        .select((no_show_lifts::lifted_at, no_show_lifts::lifted_by, no_show_lifts::reason))
        .load(conn)
}
