//! Unusual volume in the access records (PIPA safety measures: the controller checks its
//! access records): per person and day, how many different cases they opened and how many
//! rows the lists they viewed showed; a day is unusual when the cases opened are at least
//! `FACTOR` times the center's usual day (the median of every person's working days in the
//! window) and at least `MIN_CASES`.

use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, BTreeSet};

use crate::db::access_log::AccessRow;

pub const WINDOW_DAYS: i64 = 30;
pub const FACTOR: i64 = 3;
pub const MIN_CASES: i64 = 20;

/// One person's day in the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub user_id: i64,
    pub date: NaiveDate,
    /// Different cases opened (case pages, pre-briefs, documents, mails, requests).
    pub cases: i64,
    /// List and board views, and the rows they showed.
    pub lists: i64,
    pub rows_shown: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The usual day: the median of cases opened over the days people opened any.
    pub median: i64,
    /// Days at or above this many cases are unusual.
    pub threshold: i64,
    pub unusual: Vec<Day>,
    /// Every person's days, newest first.
    pub days: Vec<Day>,
}

/// The review of the records `rows` (of one center), dated by `local`.
pub fn review(rows: &[AccessRow], local: impl Fn(NaiveDateTime) -> NaiveDate) -> Review {
    let mut by: BTreeMap<(NaiveDate, i64), (BTreeSet<i64>, i64, i64)> = BTreeMap::new();
    for r in rows {
        let e = by.entry((local(r.at), r.user_id)).or_default();
        if r.action.starts_with("list_") {
            e.1 += 1;
            e.2 += r.detail.as_deref().and_then(|d| d.parse::<i64>().ok()).unwrap_or(0);
        } else if let Some(c) = r.case_id {
            e.0.insert(c);
        }
    }
    let mut days: Vec<Day> = by
        .into_iter()
        .map(|((date, user_id), (cases, lists, rows_shown))| Day {
            user_id,
            date,
            cases: cases.len() as i64,
            lists,
            rows_shown,
        })
        .collect();
    days.sort_by(|a, b| b.date.cmp(&a.date).then(b.cases.cmp(&a.cases)));
    let mut counts: Vec<i64> = days.iter().map(|d| d.cases).filter(|&n| n > 0).collect();
    counts.sort_unstable();
    let median = if counts.is_empty() { 0 } else { counts[counts.len() / 2] };
    let threshold = (median * FACTOR).max(MIN_CASES);
    let unusual = days.iter().filter(|d| d.cases >= threshold).cloned().collect();
    Review { median, threshold, unusual, days }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(user_id: i64, day: u32, case_id: Option<i64>, action: &str, detail: Option<&str>) -> AccessRow {
        AccessRow {
            id: 0,
            user_id,
            case_id,
            at: NaiveDate::from_ymd_opt(2026, 11, day).unwrap().and_hms_opt(9, 0, 0).unwrap(),
            action: action.into(),
            detail: detail.map(Into::into),
            purpose: "reception".into(),
        }
    }

    #[test]
    fn a_day_far_above_the_usual_is_unusual_and_lists_count_their_rows() {
        let mut rows = Vec::new();
        // Three colleagues open 4–6 cases a day for five days; user 9 opens 30 on the 20th.
        for day in 16..=20 {
            for user in 1..=3 {
                for c in 0..(3 + user) {
                    rows.push(row(user, day, Some(c), "view", None));
                    rows.push(row(user, day, Some(c), "view", None)); // the same case twice counts once
                }
            }
        }
        for c in 100..130 {
            rows.push(row(9, 20, Some(c), "view", None));
        }
        rows.push(row(9, 20, None, "list_board", Some("14")));
        rows.push(row(9, 20, None, "list_cases", Some("50")));
        let r = review(&rows, |t| t.date());
        assert_eq!((r.median, r.threshold), (5, 20));
        assert_eq!(r.unusual.len(), 1);
        let u = &r.unusual[0];
        assert_eq!((u.user_id, u.cases, u.lists, u.rows_shown), (9, 30, 2, 64));
        assert_eq!(r.days.first().map(|d| d.date.to_string()), Some("2026-11-20".into()));
    }

    #[test]
    fn few_openings_are_never_unusual() {
        let rows = vec![row(1, 1, Some(1), "view", None), row(2, 1, Some(2), "document", None)];
        let r = review(&rows, |t| t.date());
        assert!(r.unusual.is_empty());
        assert_eq!(r.threshold, MIN_CASES);
    }
}
