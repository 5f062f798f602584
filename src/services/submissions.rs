//! A center submits a month's one-stop numbers and the figures it entered for the press
//! release's other tables (issue 19): frozen as version 1; a correction
//! after it is a new version with its reason, shown with its difference against the one
//! before ("v2: 금융시행 +0.50억"). A month with problems in the quality gate cannot be
//! submitted; the national view reads the submitted versions.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::db::report_submissions::{self as rs, Submission};
use crate::db::{self, DbConn};
use crate::services::desk::Staff;
use crate::services::reports::{StatusRow, eok, onestop_status};

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The quality gate lists this many problems.
    #[error("{0} problems to fix first")]
    Problems(usize),
    /// A correction needs its reason.
    #[error("a reason is required")]
    ReasonRequired,
    /// The numbers are those of the latest version: nothing to correct.
    #[error("unchanged")]
    Unchanged,
    /// Another admin submitted the same version at the same moment.
    #[error("submitted meanwhile")]
    Meanwhile,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The last day of the month that starts on `first`.
pub fn last_day(first: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    (first + Duration::days(32)).with_day(1).unwrap_or(first) - Duration::days(1)
}

/// The center's numbers of the month (consultations on its days, financing executed on them),
/// as the one-stop status counts them: as of its last day minus as of the day before it.
pub fn month_numbers(conn: &mut DbConn, center_id: i64, first: NaiveDate) -> diesel::QueryResult<StatusRow> {
    let end = onestop_status(conn, last_day(first), Some(center_id))?.total;
    let before = onestop_status(conn, first - Duration::days(1), Some(center_id))?.total;
    Ok(StatusRow {
        legal: end.legal - before.legal,
        finance: end.finance - before.finance,
        finance_won: end.finance_won - before.finance_won,
        ip: end.ip - before.ip,
        patents: end.patents - before.patents,
    })
}

/// Submits the month as the next version; `problems` is what the gate lists now.
pub fn submit(
    conn: &mut DbConn,
    admin: Staff,
    first: NaiveDate,
    reason: &str,
    problems: usize,
    now: NaiveDateTime,
) -> Result<i32, SubmitError> {
    if problems > 0 {
        return Err(SubmitError::Problems(problems));
    }
    db::write_tx(conn, |conn| {
        let versions = rs::of_month(conn, admin.center_id, first)?;
        let numbers = month_numbers(conn, admin.center_id, first)?;
        let activity = db::activity::of_month(conn, admin.center_id, first)?.map(|(a, _, _)| a).unwrap_or_default();
        let reason = reason.trim();
        if let Some(last) = versions.last() {
            let frozen = db::activity::of_submissions(conn, &[last.id])?.remove(&last.id).unwrap_or_default();
            if last.numbers() == numbers && frozen == activity {
                return Err(SubmitError::Unchanged);
            }
            if reason.is_empty() {
                return Err(SubmitError::ReasonRequired);
            }
        }
        let version = versions.last().map_or(1, |v| v.version + 1);
        let reason = (!reason.is_empty()).then_some(reason);
        let Some(id) = rs::insert(conn, admin.center_id, first, version, admin.user_id, reason, &numbers, now)? else {
            return Err(SubmitError::Meanwhile);
        };
        db::activity::freeze(conn, id, &activity)?;
        Ok(version)
    })
}

/// What changed from `before` to `after`, figure by figure: (the figure's message key, "+3",
/// "−0.50억"), only the figures that changed.
pub fn difference(before: &StatusRow, after: &StatusRow) -> Vec<(&'static str, String)> {
    let signed = |d: i64| if d > 0 { format!("+{d}") } else { d.to_string() };
    let mut out = Vec::new();
    for (key, a, b) in [
        ("reports.legal", before.legal, after.legal),
        ("reports.finance", before.finance, after.finance),
        ("reports.ip", before.ip, after.ip),
        ("reports.patents", before.patents, after.patents),
    ] {
        if a != b {
            out.push((key, signed(b - a)));
        }
    }
    if before.finance_won != after.finance_won {
        let d = after.finance_won - before.finance_won;
        let sign = if d > 0 { "+" } else { "-" };
        out.push(("reports.executed", format!("{sign}{}", eok(d.abs()))));
    }
    out
}

/// Of versions ordered by center, month and version (`rs::up_to`), each month's latest.
pub fn latest_each_month(all: Vec<Submission>) -> Vec<Submission> {
    let mut latest: std::collections::BTreeMap<(i64, NaiveDate), Submission> = Default::default();
    for s in all {
        latest.insert((s.center_id, s.month), s);
    }
    latest.into_values().collect()
}

/// The latest version of each center that submitted the month.
pub fn latest_of_month(conn: &mut DbConn, first: NaiveDate) -> diesel::QueryResult<Vec<Submission>> {
    let mut latest: std::collections::BTreeMap<i64, Submission> = Default::default();
    for s in rs::all_of_month(conn, first)? {
        latest.insert(s.center_id, s);
    }
    Ok(latest.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_names_each_changed_figure() {
        let a = StatusRow { legal: 3, finance: 2, finance_won: 100_000_000, ip: 1, patents: 0 };
        let b = StatusRow { finance_won: 150_000_000, legal: 2, ..a.clone() };
        assert_eq!(difference(&a, &b), [("reports.legal", "-1".to_owned()), ("reports.executed", "+0.50".to_owned())]);
        assert!(difference(&a, &a).is_empty());
        assert_eq!(
            last_day(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap()),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
    }
}
