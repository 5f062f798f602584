//! The ministry's numbers, aggregated in the database. One definition everywhere (brief §1): a
//! completed consultation and its patent transfers count on its consultation date; an executed
//! amount counts on its execution date, or on the consultation date when it has none.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{consultations, zones};
use crate::db::{DbConn, centers};
use crate::domain::{AppointmentStatus, ZoneType};

diesel::define_sql_function! {
    /// SQL COALESCE of two dates.
    fn coalesce(x: diesel::sql_types::Nullable<diesel::sql_types::Date>, y: diesel::sql_types::Nullable<diesel::sql_types::Date>) -> diesel::sql_types::Nullable<diesel::sql_types::Date>;
}

/// One row of the one-stop status report (원스톱 서비스 지원 현황).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusRow {
    pub legal: i64,
    pub finance: i64,
    /// Whole won executed.
    pub finance_won: i64,
    pub ip: i64,
    pub patents: i64,
}

impl StatusRow {
    pub fn add(&mut self, o: &StatusRow) {
        self.legal += o.legal;
        self.finance += o.finance;
        self.finance_won += o.finance_won;
        self.ip += o.ip;
        self.patents += o.patents;
    }

    /// The five figures as the pages print them: legal, finance, executed in 억원, IP, patents.
    pub fn cells(&self) -> [String; 5] {
        [
            self.legal.to_string(),
            self.finance.to_string(),
            eok(self.finance_won),
            self.ip.to_string(),
            self.patents.to_string(),
        ]
    }
}

/// 억원 with two decimals, rounded half up: 11_105_000_000 → "111.05".
pub fn eok(won: i64) -> String {
    let hundredths = (won + 500_000) / 1_000_000;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// SUM of the executed amounts as a BIGINT on both backends (diesel's `sum` of a BIGINT is a
/// NUMERIC).
fn sum_won() -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql("CAST(SUM(consultations.executed_won) AS BIGINT)")
}

pub struct StatusReport {
    pub as_of: NaiveDate,
    /// (center slug, name, numbers), in the centers' order; only the one center when asked.
    pub rows: Vec<(String, String, StatusRow)>,
    pub total: StatusRow,
}

/// The report as of a day (inclusive), for one center or all (`center` = its id), from the
/// running totals (`consultation_totals`, kept by triggers): the years before the day's year,
/// its months before the day's month, and the days of its month up to the day — a few
/// thousand rows at most, however many years of consultations there are.
pub fn onestop_status(conn: &mut DbConn, as_of: NaiveDate, center: Option<i64>) -> QueryResult<StatusReport> {
    use crate::db::schema::consultation_totals as t;
    use chrono::Datelike;
    let year = as_of.with_ordinal(1).unwrap_or(as_of);
    let month = as_of.with_day(1).unwrap_or(as_of);
    let sum = |col: &str| -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
        diesel::dsl::sql(&format!("CAST(SUM(consultation_totals.{col}) AS BIGINT)"))
    };
    // Three range reads of (level, bucket), each from the index alone on PostgreSQL (an OR of
    // the three would be a bitmap scan that visits the table).
    let far = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(as_of);
    let mut totals: Vec<(i64, i64, Option<i64>, Option<i64>, Option<i64>)> = Vec::new();
    for (level, from, until) in [("y", far, year.pred_opt()), ("m", year, month.pred_opt()), ("d", month, Some(as_of))]
    {
        let Some(until) = until.filter(|u| *u >= from) else { continue };
        totals.extend(
            t::table
                .filter(t::level.eq(level))
                .filter(t::bucket.ge(from))
                .filter(t::bucket.le(until))
                .group_by((t::center_id, t::zone_id))
                .select((t::center_id, t::zone_id, sum("consultations"), sum("patents"), sum("executed_won")))
                .load::<(i64, i64, Option<i64>, Option<i64>, Option<i64>)>(conn)?,
        );
    }
    let kinds: std::collections::HashMap<i64, ZoneType> =
        zones::table.select((zones::id, zones::kind)).load::<(i64, ZoneType)>(conn)?.into_iter().collect();
    let counted = totals
        .iter()
        .map(|(c, z, n, p, _)| {
            (*c, kinds.get(z).cloned().unwrap_or(ZoneType::Other(String::new())), n.unwrap_or(0), *p)
        })
        .collect();
    let mut amounts: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for (c, _, _, _, w) in &totals {
        *amounts.entry(*c).or_insert(0) += w.unwrap_or(0);
    }
    assemble(conn, as_of, center, counted, amounts.into_iter().map(|(c, w)| (c, Some(w))).collect())
}

/// The same report computed from every consultation row (what the totals must always equal;
/// the tests compare the two).
pub fn onestop_status_by_scan(conn: &mut DbConn, as_of: NaiveDate, center: Option<i64>) -> QueryResult<StatusReport> {
    use diesel::dsl::{count_star, sum};
    // Consultations and patents per center and zone kind, on the consultation date.
    let by_zone: Vec<(i64, i64, i64, Option<i64>)> = consultations::table
        .filter(consultations::consulted_on.le(as_of))
        .group_by((consultations::center_id, consultations::zone_id))
        .select((
            consultations::center_id,
            consultations::zone_id,
            count_star(),
            sum(consultations::patents_transferred),
        ))
        .load(conn)?;
    let kinds: std::collections::HashMap<i64, ZoneType> =
        zones::table.select((zones::id, zones::kind)).load::<(i64, ZoneType)>(conn)?.into_iter().collect();
    let counted: Vec<(i64, ZoneType, i64, Option<i64>)> = by_zone
        .into_iter()
        .map(|(c, z, n, p)| (c, kinds.get(&z).cloned().unwrap_or(ZoneType::Other(String::new())), n, p))
        .collect();
    // Amounts on the execution date, or the consultation date.
    let amounts: Vec<(i64, Option<i64>)> = consultations::table
        .filter(consultations::executed_won.is_not_null())
        .filter(coalesce(consultations::executed_on, consultations::consulted_on).le(as_of))
        .group_by(consultations::center_id)
        .select((consultations::center_id, sum_won()))
        .load(conn)?;
    assemble(conn, as_of, center, counted, amounts)
}

fn assemble(
    conn: &mut DbConn,
    as_of: NaiveDate,
    center: Option<i64>,
    counted: Vec<(i64, ZoneType, i64, Option<i64>)>,
    amounts: Vec<(i64, Option<i64>)>,
) -> QueryResult<StatusReport> {
    let mut rows = Vec::new();
    let mut total = StatusRow::default();
    for c in centers::all(conn)? {
        if center.is_some_and(|id| id != c.id) {
            continue;
        }
        let mut r = StatusRow::default();
        for (cid, kind, n, patents) in &counted {
            if *cid != c.id {
                continue;
            }
            match kind {
                ZoneType::Legal => r.legal += n,
                ZoneType::Finance => r.finance += n,
                ZoneType::Ip => {
                    r.ip += n;
                    r.patents += patents.unwrap_or(0);
                }
                // The ministry's table has three zones; another kind is counted in none of them.
                ZoneType::Other(_) => {}
            }
        }
        r.finance_won = amounts.iter().filter(|(cid, _)| *cid == c.id).filter_map(|(_, w)| *w).sum();
        total.add(&r);
        rows.push((c.slug, c.name_ko, r));
    }
    Ok(StatusReport { as_of, rows, total })
}

/// The report(s) as text: an aligned table, or CSV (UTF-8 with a BOM, so Excel reads Korean).
/// A row per center and date when national (`per_center`), then the total per date.
pub fn render_status(reports: &[StatusReport], csv_out: bool, per_center: bool) -> anyhow::Result<String> {
    let header = ["center", "as_of", "legal", "finance", "finance_eok", "ip", "patents"];
    let mut lines: Vec<Vec<String>> = Vec::new();
    let line = |who: &str, d: NaiveDate, r: &StatusRow| {
        vec![
            who.to_owned(),
            d.format("%Y-%m-%d").to_string(),
            r.legal.to_string(),
            r.finance.to_string(),
            eok(r.finance_won),
            r.ip.to_string(),
            r.patents.to_string(),
        ]
    };
    if per_center {
        if let Some(first) = reports.first() {
            for (i, (slug, _, _)) in first.rows.iter().enumerate() {
                for rep in reports {
                    lines.push(line(slug, rep.as_of, &rep.rows[i].2));
                }
            }
        }
        for rep in reports {
            lines.push(line("TOTAL", rep.as_of, &rep.total));
        }
    } else {
        for rep in reports {
            for (slug, _, r) in &rep.rows {
                lines.push(line(slug, rep.as_of, r));
            }
        }
    }
    if csv_out {
        let mut w = crate::services::spreadsheet::Writer::new();
        w.row(header)?;
        for l in &lines {
            w.row(l)?;
        }
        return w.finish();
    }
    let mut out = format!(
        "{:<10} {:<10} {:>6} {:>8} {:>12} {:>6} {:>8}\n",
        header[0], header[1], header[2], header[3], header[4], header[5], header[6]
    );
    for l in &lines {
        out.push_str(&format!(
            "{:<10} {:<10} {:>6} {:>8} {:>12} {:>6} {:>8}\n",
            l[0], l[1], l[2], l[3], l[4], l[5], l[6]
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eok_has_two_decimals_rounded_half_up() {
        assert_eq!(eok(11_105_000_000), "111.05");
        assert_eq!(eok(3_200_000_000), "32.00");
        assert_eq!(eok(0), "0.00");
        assert_eq!(eok(499_999), "0.00");
        assert_eq!(eok(500_000), "0.01");
        assert_eq!(eok(123_456_789), "1.23");
    }
}

/// Completed consultations of a center per zone kind and month of `year` (12 values each).
pub fn monthly(conn: &mut DbConn, center_id: i64, year: i32) -> QueryResult<Vec<(String, [i64; 12])>> {
    use chrono::Datelike;
    use diesel::dsl::count_star;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let per_day: Vec<(i64, Option<NaiveDate>, i64)> = consultations::table
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::consulted_on.ge(from))
        .filter(consultations::consulted_on.le(to))
        .group_by((consultations::zone_id, consultations::consulted_on))
        .select((consultations::zone_id, consultations::consulted_on, count_star()))
        .load(conn)?;
    let zones = centers::zones_of(conn, center_id)?;
    let mut out: Vec<(String, [i64; 12])> = zones.iter().map(|(_, k)| (k.code.clone(), [0; 12])).collect();
    for (zone_id, day, n) in per_day {
        let (Some(day), Some((_, kind))) = (day, zones.iter().find(|(z, _)| z.id == zone_id)) else { continue };
        if let Some(row) = out.iter_mut().find(|(code, _)| *code == kind.code) {
            row.1[day.month0() as usize] += n;
        }
    }
    Ok(out)
}

/// The center's consultation records in the import's columns (what `onestop import
/// consultations` reads back), as CSV with a BOM.
pub use crate::services::records::{Record, records, records_csv};

/// The other views of a center over `[from, to]` (local days; `start`/`end` the same range in
/// UTC for timestamps).
#[derive(Debug, Default)]
pub struct Views {
    /// Finance: (institution code, consultations, won executed).
    pub by_institution: Vec<(String, i64, i64)>,
    /// Consultations of in-app cases by company stage, industry (KSIC section) and region.
    pub by_stage: Vec<(String, i64)>,
    pub by_industry: Vec<(String, i64)>,
    pub by_region: Vec<(String, i64)>,
    /// Appointments that were due in the period: how many, no-shows, cancelled.
    pub appointments: i64,
    pub no_shows: i64,
    pub cancelled: i64,
    /// Average minutes from check-in to the start of the consultation.
    pub avg_wait_minutes: Option<i64>,
    /// Average days from submission to the (first) visit.
    pub avg_lead_days: Option<f64>,
}

pub fn views(
    conn: &mut DbConn,
    center_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    start: chrono::NaiveDateTime,
    end: chrono::NaiveDateTime,
) -> QueryResult<Views> {
    use crate::db::schema::{appointments, case_answers, cases, finance_institutions};
    use diesel::dsl::count_star;
    let mut v = Views::default();
    let inst: Vec<(Option<i64>, i64, Option<i64>)> = consultations::table
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::consulted_on.ge(from))
        .filter(consultations::consulted_on.le(to))
        .filter(consultations::institution_id.is_not_null())
        .group_by(consultations::institution_id)
        .select((consultations::institution_id, count_star(), sum_won()))
        .load(conn)?;
    let codes: Vec<(i64, String)> =
        finance_institutions::table.select((finance_institutions::id, finance_institutions::code)).load(conn)?;
    for (id, n, won) in inst {
        let code = id.and_then(|i| codes.iter().find(|(x, _)| *x == i).map(|(_, c)| c.clone())).unwrap_or_default();
        v.by_institution.push((code, n, won.unwrap_or(0)));
    }
    v.by_institution.sort();
    // Company facts of the in-app cases consulted in the period.
    let facts: Vec<(Option<String>, Option<String>, Option<String>)> = consultations::table
        .inner_join(case_answers::table.on(consultations::case_id.eq(case_answers::case_id.nullable())))
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::consulted_on.ge(from))
        .filter(consultations::consulted_on.le(to))
        .select((case_answers::stage, case_answers::industry, case_answers::region))
        .load(conn)?;
    let tally = |values: Vec<Option<String>>| {
        let mut m: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for x in values {
            *m.entry(x.unwrap_or_else(|| "-".into())).or_default() += 1;
        }
        m.into_iter().collect::<Vec<_>>()
    };
    v.by_stage = tally(facts.iter().map(|f| f.0.clone()).collect());
    v.by_industry = tally(facts.iter().map(|f| f.1.clone()).collect());
    v.by_region = tally(facts.iter().map(|f| f.2.clone()).collect());
    let zone_ids = zones::table.filter(zones::center_id.eq(center_id)).select(zones::id);
    let statuses: Vec<(AppointmentStatus, i64)> = appointments::table
        .filter(appointments::zone_id.eq_any(zone_ids))
        .filter(appointments::starts_at.ge(start))
        .filter(appointments::starts_at.lt(end))
        .group_by(appointments::status)
        .select((appointments::status, count_star()))
        .load(conn)?;
    for (s, n) in statuses {
        v.appointments += n;
        match s {
            AppointmentStatus::NoShow => v.no_shows += n,
            AppointmentStatus::Cancelled => v.cancelled += n,
            AppointmentStatus::Booked
            | AppointmentStatus::Waiting
            | AppointmentStatus::InConsultation
            | AppointmentStatus::Done => {}
        }
    }
    // Waiting: check-in to start, for the consultations started in the period.
    let waits: Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = consultations::table
        .inner_join(appointments::table.on(consultations::appointment_id.eq(appointments::id.nullable())))
        .filter(consultations::center_id.eq(center_id))
        .filter(consultations::started_at.ge(start))
        .filter(consultations::started_at.lt(end))
        .select((consultations::started_at, appointments::checked_in_at))
        .load(conn)?;
    let minutes: Vec<i64> = waits.iter().filter_map(|(s, c)| c.map(|c| (*s - c).num_minutes().max(0))).collect();
    if !minutes.is_empty() {
        v.avg_wait_minutes = Some(minutes.iter().sum::<i64>() / minutes.len() as i64);
    }
    // Lead time: submission to the first visit, for visits in the period.
    let leads: Vec<(Option<chrono::NaiveDateTime>, chrono::NaiveDateTime)> = appointments::table
        .inner_join(cases::table.on(cases::id.eq(appointments::case_id)))
        .filter(cases::center_id.eq(center_id))
        .filter(appointments::starts_at.ge(start))
        .filter(appointments::starts_at.lt(end))
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.as_str()))
        .select((cases::submitted_at, appointments::starts_at))
        .load(conn)?;
    let days: Vec<f64> = leads
        .iter()
        .filter_map(|(s, a)| s.map(|s| (*a - s).num_minutes() as f64 / 1440.0))
        .filter(|d| *d >= 0.0)
        .collect();
    if !days.is_empty() {
        v.avg_lead_days = Some(days.iter().sum::<f64>() / days.len() as f64);
    }
    Ok(v)
}
