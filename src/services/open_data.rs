//! Open data (issue 19): the monthly totals per center and zone that a public data portal takes
//! — consultations, patents transferred, financing executed — with no personal data and small
//! counts suppressed: a cell with 1 or 2 consultations shows none of its numbers (its amount
//! could point at one company), and 1 or 2 patents are suppressed on their own. Zero is shown.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{centers, consultation_totals as t, zones};

/// Counts below this are suppressed.
pub const MIN_COUNT: i64 = 3;

/// One month of one zone at one center, as published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cell {
    pub year: i32,
    pub month: u32,
    pub center: String,
    pub center_name: String,
    pub zone: String,
    /// `None` when suppressed.
    pub consultations: Option<i64>,
    pub patents_transferred: Option<i64>,
    pub financing_executed_won: Option<i64>,
    pub suppressed: bool,
}

fn small(n: i64) -> bool {
    (1..MIN_COUNT).contains(&n)
}

/// Every center's and zone's months of `year` (months with nothing are left out).
pub fn cells(conn: &mut DbConn, year: i32) -> QueryResult<Vec<Cell>> {
    let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 1)) else {
        return Ok(Vec::new());
    };
    let sum = |col: &str| -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
        diesel::dsl::sql(&format!("CAST(SUM(consultation_totals.{col}) AS BIGINT)"))
    };
    let rows: Vec<(NaiveDate, i64, i64, Option<i64>, Option<i64>, Option<i64>)> = t::table
        .filter(t::level.eq("m"))
        .filter(t::bucket.ge(from))
        .filter(t::bucket.le(to))
        .group_by((t::bucket, t::center_id, t::zone_id))
        .select((t::bucket, t::center_id, t::zone_id, sum("consultations"), sum("patents"), sum("executed_won")))
        .load(conn)?;
    let names: std::collections::HashMap<i64, (String, String)> = centers::table
        .select((centers::id, centers::slug, centers::name_ko))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, s, n)| (id, (s, n)))
        .collect();
    let kinds: std::collections::HashMap<i64, String> =
        zones::table.select((zones::id, zones::kind)).load::<(i64, String)>(conn)?.into_iter().collect();
    let mut rows: Vec<_> = rows
        .into_iter()
        .map(|(month, c, z, n, p, w)| {
            let (center, center_name) = names.get(&c).cloned().unwrap_or_default();
            (month, center, center_name, kinds.get(&z).cloned().unwrap_or_default(), n, p, w)
        })
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1, &a.3).cmp(&(b.0, &b.1, &b.3)));
    Ok(rows
        .into_iter()
        .filter_map(|(month, center, center_name, zone, n, p, w)| {
            let (n, p, w) = (n.unwrap_or(0), p.unwrap_or(0), w.unwrap_or(0));
            if n == 0 && p == 0 && w == 0 {
                return None;
            }
            let hidden = small(n);
            Some(Cell {
                year: month.year(),
                month: month.month(),
                center,
                center_name,
                zone,
                consultations: (!hidden).then_some(n),
                patents_transferred: (!hidden && !small(p)).then_some(p),
                financing_executed_won: (!hidden).then_some(w),
                suppressed: hidden || small(p),
            })
        })
        .collect())
}
