//! Centers, their zones and the zones' weekly schedule rules.

use chrono::NaiveTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{centers, finance_institutions, schedule_rules, zone_kinds, zones};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = centers)]
pub struct Center {
    pub id: i64,
    pub slug: String,
    pub ref_prefix: String,
    pub name_ko: String,
    pub name_en: String,
    pub region_ko: String,
    pub region_en: String,
    pub timezone: String,
    pub sort_order: i32,
    pub reminder_lead_hours: i32,
    /// The no-show policy: this many no-shows within `no_show_months` block new bookings for
    /// `no_show_block_weeks` (0: no policy).
    pub no_show_limit: i32,
    pub no_show_months: i32,
    pub no_show_block_weeks: i32,
    /// The days before a visit the applicant is asked to confirm it ("3,1"; empty: never).
    pub confirm_days: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = zone_kinds)]
pub struct ZoneKind {
    pub code: String,
    /// The same code, as the type the product acts on.
    #[diesel(select_expression = zone_kinds::code)]
    pub zone_type: crate::domain::ZoneType,
    pub name_ko: String,
    pub name_en: String,
    pub summary_ko: String,
    pub summary_en: String,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = finance_institutions)]
pub struct Institution {
    pub id: i64,
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = zones)]
pub struct Zone {
    pub id: i64,
    pub center_id: i64,
    pub kind: String,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = schedule_rules)]
pub struct ScheduleRule {
    pub id: i64,
    pub zone_id: i64,
    pub weekday: i16,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub slot_minutes: i32,
    pub seats: i32,
    pub institution_id: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = schedule_rules)]
pub struct NewScheduleRule {
    pub zone_id: i64,
    pub weekday: i16,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub slot_minutes: i32,
    pub seats: i32,
    pub institution_id: Option<i64>,
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Center>> {
    centers::table.order(centers::sort_order).select(Center::as_select()).load(conn)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Center>> {
    centers::table.find(id).select(Center::as_select()).first(conn).optional()
}

pub fn by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Center>> {
    centers::table.filter(centers::slug.eq(slug)).select(Center::as_select()).first(conn).optional()
}

pub fn zone_kinds(conn: &mut DbConn) -> QueryResult<Vec<ZoneKind>> {
    zone_kinds::table.order(zone_kinds::sort_order).select(ZoneKind::as_select()).load(conn)
}

pub fn institutions(conn: &mut DbConn) -> QueryResult<Vec<Institution>> {
    finance_institutions::table.order(finance_institutions::id).select(Institution::as_select()).load(conn)
}

/// A center's active zones with their kind, in the kinds' order.
pub fn zones_of(conn: &mut DbConn, center_id: i64) -> QueryResult<Vec<(Zone, ZoneKind)>> {
    zones::table
        .inner_join(zone_kinds::table)
        .filter(zones::center_id.eq(center_id))
        .filter(zones::active.eq(true))
        .order(zone_kinds::sort_order)
        .select((Zone::as_select(), ZoneKind::as_select()))
        .load(conn)
}

pub fn zone_by_kind(conn: &mut DbConn, center_id: i64, kind: &str) -> QueryResult<Option<Zone>> {
    zones::table
        .filter(zones::center_id.eq(center_id))
        .filter(zones::kind.eq(kind))
        .select(Zone::as_select())
        .first(conn)
        .optional()
}

/// The rules of the given zones, by weekday and start time.
pub fn rules_of(conn: &mut DbConn, zone_ids: &[i64]) -> QueryResult<Vec<ScheduleRule>> {
    schedule_rules::table
        .filter(schedule_rules::zone_id.eq_any(zone_ids))
        .order((schedule_rules::zone_id, schedule_rules::weekday, schedule_rules::start_time))
        .select(ScheduleRule::as_select())
        .load(conn)
}

/// Creates the zone if the center lacks it; returns its id either way.
pub fn ensure_zone(conn: &mut DbConn, center_id: i64, kind: &str) -> QueryResult<i64> {
    if let Some(z) = zone_by_kind(conn, center_id, kind)? {
        return Ok(z.id);
    }
    diesel::insert_into(zones::table)
        .values((zones::center_id.eq(center_id), zones::kind.eq(kind), zones::active.eq(true)))
        .returning(zones::id)
        .get_result(conn)
}

pub fn insert_rule(conn: &mut DbConn, rule: &NewScheduleRule) -> QueryResult<()> {
    diesel::insert_into(schedule_rules::table).values(rule).execute(conn).map(|_| ())
}

/// Deletes a rule if it belongs to one of the zones; returns how many rows went (0 or 1).
pub fn delete_rule(conn: &mut DbConn, rule_id: i64, zone_ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(
        schedule_rules::table.filter(schedule_rules::id.eq(rule_id)).filter(schedule_rules::zone_id.eq_any(zone_ids)),
    )
    .execute(conn)
}
