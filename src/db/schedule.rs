//! What availability is computed from: a zone's rules and policy, closures, booked seats.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::centers::{self, Zone};
use super::schema::{appointments, closures, finance_institutions, users, zone_policies};
use crate::domain::AppointmentStatus;
use crate::domain::availability::{Policy, Rule, ZoneSchedule};

#[derive(Debug, Clone, Copy, Queryable, Selectable, Insertable)]
#[diesel(table_name = zone_policies)]
pub struct PolicyRow {
    pub zone_id: i64,
    pub min_notice_minutes: i32,
    pub horizon_days: i32,
    pub buffer_minutes: i32,
    pub reschedule_cutoff_minutes: i32,
    pub cancel_cutoff_minutes: i32,
}

impl PolicyRow {
    /// The defaults a zone without a policy row gets.
    pub fn default_for(zone_id: i64) -> Self {
        PolicyRow {
            zone_id,
            min_notice_minutes: 24 * 60,
            horizon_days: 30,
            buffer_minutes: 10,
            reschedule_cutoff_minutes: 24 * 60,
            cancel_cutoff_minutes: 24 * 60,
        }
    }
}

pub fn policy(conn: &mut DbConn, zone_id: i64) -> QueryResult<PolicyRow> {
    Ok(zone_policies::table
        .find(zone_id)
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_else(|| PolicyRow::default_for(zone_id)))
}

pub fn has_policy(conn: &mut DbConn, zone_id: i64) -> QueryResult<bool> {
    Ok(zone_policies::table.find(zone_id).count().get_result::<i64>(conn)? > 0)
}

pub fn set_policy(conn: &mut DbConn, p: &PolicyRow) -> QueryResult<()> {
    diesel::delete(zone_policies::table.find(p.zone_id)).execute(conn)?;
    diesel::insert_into(zone_policies::table).values(p).execute(conn).map(|_| ())
}

pub struct NewClosure<'a> {
    pub center_id: i64,
    pub zone_id: Option<i64>,
    pub expert_user_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn add_closure(conn: &mut DbConn, c: &NewClosure<'_>) -> QueryResult<()> {
    diesel::insert_into(closures::table)
        .values((
            closures::center_id.eq(c.center_id),
            closures::zone_id.eq(c.zone_id),
            closures::expert_user_id.eq(c.expert_user_id),
            closures::starts_on.eq(c.starts_on),
            closures::ends_on.eq(c.ends_on),
            closures::reason.eq(c.reason),
            closures::created_by.eq(c.created_by),
            closures::created_at.eq(c.created_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The local dates between `from` and `to` on which the zone does not sit: center-wide and
/// zone closures, and absences of the zone's experts when every expert of the zone is away.
fn closed_days(conn: &mut DbConn, zone: &Zone, from: NaiveDate, to: NaiveDate) -> QueryResult<BTreeSet<NaiveDate>> {
    let rows: Vec<(Option<i64>, Option<i64>, NaiveDate, NaiveDate)> = closures::table
        .filter(closures::center_id.eq(zone.center_id))
        .filter(closures::ends_on.ge(from))
        .filter(closures::starts_on.le(to))
        .select((closures::zone_id, closures::expert_user_id, closures::starts_on, closures::ends_on))
        .load(conn)?;
    let experts: Vec<i64> = users::table
        .filter(users::zone_id.eq(zone.id))
        .filter(users::disabled_at.is_null())
        .select(users::id)
        .load(conn)?;
    let mut closed = BTreeSet::new();
    let mut away: HashMap<NaiveDate, BTreeSet<i64>> = HashMap::new();
    for (zone_id, expert, starts, ends) in rows {
        let mut d = starts.max(from);
        while d <= ends.min(to) {
            match (zone_id, expert) {
                (_, Some(e)) if experts.contains(&e) => {
                    away.entry(d).or_default().insert(e);
                }
                (_, Some(_)) => {}
                (None, None) => {
                    closed.insert(d);
                }
                (Some(z), None) if z == zone.id => {
                    closed.insert(d);
                }
                _ => {}
            }
            d += Duration::days(1);
        }
    }
    for (d, who) in away {
        if !experts.is_empty() && experts.iter().all(|e| who.contains(e)) {
            closed.insert(d);
        }
    }
    Ok(closed)
}

/// Everything `domain::availability` needs for one zone over the dates `from..=to`.
pub fn zone_schedule(conn: &mut DbConn, zone: &Zone, from: NaiveDate, to: NaiveDate) -> QueryResult<ZoneSchedule> {
    let institutions: Vec<(i64, String)> =
        finance_institutions::table.select((finance_institutions::id, finance_institutions::code)).load(conn)?;
    let rules = centers::rules_of(conn, &[zone.id])?
        .into_iter()
        .map(|r| Rule {
            weekday: r.weekday as u32,
            start: r.start_time,
            end: r.end_time,
            slot_minutes: r.slot_minutes.into(),
            seats: r.seats.into(),
            institution: r
                .institution_id
                .and_then(|id| institutions.iter().find(|(i, _)| *i == id).map(|(_, c)| c.clone())),
        })
        .collect();
    let p = policy(conn, zone.id)?;
    Ok(ZoneSchedule {
        zone_id: zone.id,
        rules,
        policy: Policy {
            min_notice: Duration::minutes(p.min_notice_minutes.into()),
            horizon_days: p.horizon_days.into(),
            buffer: Duration::minutes(p.buffer_minutes.into()),
        },
        closed: closed_days(conn, zone, from, to)?,
    })
}

/// Booked seats per (zone, start) from `from` on (cancelled appointments free their seat).
pub fn taken_seats(
    conn: &mut DbConn,
    zone_ids: &[i64],
    from: NaiveDateTime,
) -> QueryResult<HashMap<(i64, NaiveDateTime), i64>> {
    let rows: Vec<(i64, NaiveDateTime, i64)> = appointments::table
        .filter(appointments::zone_id.eq_any(zone_ids))
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.as_str()))
        .group_by((appointments::zone_id, appointments::starts_at))
        .select((appointments::zone_id, appointments::starts_at, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(z, s, n)| ((z, s), n)).collect())
}
