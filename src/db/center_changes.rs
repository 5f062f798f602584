//! Changes to how a center runs — closures, opening hours, booking policies, the center's
//! details — recorded for the audit view. The facts are kept as data (JSON), and said in words
//! by the page that shows them, in the reader's language.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::center_changes;

/// What changed.
pub mod kind {
    pub const CLOSURE_ADDED: &str = "closure_added";
    pub const CLOSURE_LIFTED: &str = "closure_lifted";
    pub const HOURS_ADDED: &str = "hours_added";
    pub const HOURS_REMOVED: &str = "hours_removed";
    pub const POLICY_SET: &str = "policy_set";
    pub const DETAILS_SAVED: &str = "details_saved";
    pub const NO_SHOW_POLICY_SET: &str = "no_show_policy_set";
    pub const NO_SHOW_LIFTED: &str = "no_show_lifted";
}

/// The facts of a change (those that apply to its kind).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// An expert's absence: whose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert_user_id: Option<i64>,
    /// Opening hours: ISO weekday (1 = Monday), times, slot length and seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<i16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<i32>,
    /// A booking policy: minimum notice and horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<i32>,
    /// The no-show policy: N no-shows within M months block for K weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show_months: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show_block_weeks: Option<i32>,
    /// The days before a visit its confirmation is asked ("3,1").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_days: Option<String>,
    /// The case a change was made on (a block lifted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = center_changes)]
pub struct Change {
    pub id: i64,
    pub center_id: i64,
    pub user_id: Option<i64>,
    pub at: NaiveDateTime,
    pub kind: String,
    pub zone_id: Option<i64>,
    pub detail: String,
}

impl Change {
    /// The facts; a row written by a later version with fields this one does not know still
    /// reads (unknown fields are ignored, a broken row reads as no facts).
    pub fn detail(&self) -> Detail {
        serde_json::from_str(&self.detail).unwrap_or_default()
    }
}

/// Records a change; call inside the change's own transaction where it has one.
pub fn record(
    conn: &mut DbConn,
    center_id: i64,
    user_id: Option<i64>,
    at: NaiveDateTime,
    kind: &str,
    zone_id: Option<i64>,
    detail: &Detail,
) -> QueryResult<()> {
    let detail = serde_json::to_string(detail).unwrap_or_else(|_| "{}".to_owned());
    diesel::insert_into(center_changes::table)
        .values((
            center_changes::center_id.eq(center_id),
            center_changes::user_id.eq(user_id),
            center_changes::at.eq(at),
            center_changes::kind.eq(kind),
            center_changes::zone_id.eq(zone_id),
            center_changes::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The center's changes from `from` to `to`, newest first, by one person if given.
pub fn of_center(
    conn: &mut DbConn,
    center_id: i64,
    user_id: Option<i64>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Change>> {
    let base = center_changes::table
        .filter(center_changes::center_id.eq(center_id))
        .filter(center_changes::at.ge(from))
        .filter(center_changes::at.lt(to))
        .order((center_changes::at.desc(), center_changes::id.desc()))
        .limit(limit)
        .select(Change::as_select());
    match user_id {
        Some(u) => base.filter(center_changes::user_id.eq(u)).load(conn),
        None => base.load(conn),
    }
}
