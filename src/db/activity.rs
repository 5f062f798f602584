//! A center's monthly figures of the press release's other tables: the draft the staff edit
//! (`activity_figures`, one row per figure) and the figures frozen with a submitted version
//! (`submission_figures`, never edited: the triggers refuse it).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{activity_figures as af, submission_figures as sf};
use crate::domain::activity::Activity;

/// The month's figures as entered, with when and by whom they were last saved; `None` when
/// nothing was entered for the month.
pub fn of_month(
    conn: &mut DbConn,
    center_id: i64,
    month: NaiveDate,
) -> QueryResult<Option<(Activity, NaiveDateTime, Option<i64>)>> {
    let rows: Vec<(String, i64, NaiveDateTime, Option<i64>)> = af::table
        .filter(af::center_id.eq(center_id))
        .filter(af::month.eq(month))
        .select((af::figure, af::value, af::updated_at, af::updated_by))
        .load(conn)?;
    let Some((_, _, at, by)) = rows.first().cloned() else { return Ok(None) };
    Ok(Some((Activity::from_pairs(rows.iter().map(|(k, v, _, _)| (k.as_str(), *v))), at, by)))
}

/// Every month the center entered, oldest first.
pub fn months_of(conn: &mut DbConn, center_id: i64) -> QueryResult<BTreeMap<NaiveDate, Activity>> {
    let rows: Vec<(NaiveDate, String, i64)> =
        af::table.filter(af::center_id.eq(center_id)).select((af::month, af::figure, af::value)).load(conn)?;
    let mut out: BTreeMap<NaiveDate, Vec<(String, i64)>> = BTreeMap::new();
    for (m, k, v) in rows {
        out.entry(m).or_default().push((k, v));
    }
    Ok(out.into_iter().map(|(m, p)| (m, Activity::from_pairs(p.iter().map(|(k, v)| (k.as_str(), *v))))).collect())
}

/// Replaces the month's figures (call inside a write transaction).
pub fn save(
    conn: &mut DbConn,
    center_id: i64,
    month: NaiveDate,
    a: &Activity,
    by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(af::table.filter(af::center_id.eq(center_id)).filter(af::month.eq(month))).execute(conn)?;
    for (key, value) in a.pairs() {
        diesel::insert_into(af::table)
            .values((
                af::center_id.eq(center_id),
                af::month.eq(month),
                af::figure.eq(key),
                af::value.eq(value),
                af::updated_at.eq(now),
                af::updated_by.eq(by),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Freezes the figures with the submitted version `submission_id` (same transaction).
pub fn freeze(conn: &mut DbConn, submission_id: i64, a: &Activity) -> QueryResult<()> {
    for (key, value) in a.pairs() {
        diesel::insert_into(sf::table)
            .values((sf::submission_id.eq(submission_id), sf::figure.eq(key), sf::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

/// The figures frozen with each of the versions; a version submitted before the figures
/// existed has none.
pub fn of_submissions(conn: &mut DbConn, ids: &[i64]) -> QueryResult<BTreeMap<i64, Activity>> {
    let mut out: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String, i64)> = sf::table
            .filter(sf::submission_id.eq_any(chunk))
            .select((sf::submission_id, sf::figure, sf::value))
            .load(conn)?;
        for (id, k, v) in rows {
            out.entry(id).or_default().push((k, v));
        }
    }
    Ok(out.into_iter().map(|(id, p)| (id, Activity::from_pairs(p.iter().map(|(k, v)| (k.as_str(), *v))))).collect())
}
