//! The press release's other tables (issue 19): a center's monthly figures — entered on the
//! form or imported from CSV/XLSX (the columns the export writes: `month` and the figures'
//! keys), checked by the month's quality gate and frozen with the month's submitted version —
//! and their roll-up as of a day: every month up to the day's month, each at its latest
//! submitted version, per center and for the nation.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::db::report_submissions as rs;
use crate::db::{self, DbConn};
use crate::domain::activity::{self, Activity, FIGURES};
use crate::domain::form::FieldError;
use crate::i18n::msg;
use crate::services::spreadsheet;
use crate::services::submissions;

/// The first day of the day's month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Saves the month's figures as entered on the form.
pub fn save(
    conn: &mut DbConn,
    center_id: i64,
    month: NaiveDate,
    a: &Activity,
    by: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    db::write_tx(conn, |conn| db::activity::save(conn, center_id, month_start(month), a, Some(by), now))
}

/// A bad line of an imported file: its 1-based line (the header is line 1), the column when one
/// is to blame, and the message key that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub column: Option<&'static str>,
    pub key: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Nothing was saved: every bad line.
    #[error("{} bad line(s)", .0.len())]
    Invalid(Vec<BadLine>),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What an import did: months in the file, and how many of them changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub months: usize,
    pub changed: usize,
}

/// At most this many months in one file (a century).
pub const MAX_ROWS: usize = 1_200;

/// The file's rows as text cells: an `.xlsx` (its first sheet; recognised by its zip
/// signature) or a UTF-8 CSV (with or without a BOM).
pub fn rows_of(data: &[u8]) -> Result<Vec<Vec<String>>, &'static str> {
    if data.starts_with(b"PK\x03\x04") {
        return xlsx_rows(data);
    }
    let text = std::str::from_utf8(data).map_err(|_| "activity.import.not_utf8")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| msg("activity.import.not_csv"))?;
        out.push(record.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

fn xlsx_rows(data: &[u8]) -> Result<Vec<Vec<String>>, &'static str> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(data.to_vec())).map_err(|_| msg("activity.import.not_xlsx"))?;
    let range =
        book.worksheet_range_at(0).ok_or(msg("activity.import.empty"))?.map_err(|_| msg("activity.import.not_xlsx"))?;
    let cell = |c: &Data| match c {
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_datetime().map(|t| t.date().format("%Y-%m-%d").to_string()).unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
    };
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

/// The month a cell names: "2015-07", "2015-07-01" (any day of the month), "2015.07".
fn month_of_cell(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim().replace(['.', '/'], "-");
    let s = s.trim_end_matches('-');
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
        .map(month_start)
}

/// Checks every row of the file; saves all its months or none. A month after `today`'s month
/// cannot be entered.
pub fn import(
    conn: &mut DbConn,
    center_id: i64,
    rows: Vec<Vec<String>>,
    by: i64,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Imported, ImportError> {
    let bad = |line, column, key| BadLine { line, column, key };
    let mut rows = rows.into_iter();
    let header: Vec<String> = rows.next().unwrap_or_default().iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut errors = Vec::new();
    let month_col = col("month");
    if month_col.is_none() {
        errors.push(bad(1, Some("month"), msg("activity.import.no_column")));
    }
    for f in FIGURES {
        if col(f.key).is_none() {
            errors.push(bad(1, Some(f.key), msg("activity.import.no_column")));
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    let mut months: BTreeMap<NaiveDate, Activity> = BTreeMap::new();
    for (i, row) in rows.enumerate() {
        let line = i + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if months.len() >= MAX_ROWS {
            errors.push(bad(line, None, msg("activity.import.too_many")));
            break;
        }
        let cell = |c: Option<usize>| c.and_then(|c| row.get(c)).cloned().unwrap_or_default();
        let month = match month_of_cell(&cell(month_col)) {
            None => {
                errors.push(bad(line, Some("month"), msg("activity.import.bad_month")));
                continue;
            }
            Some(m) if m > month_start(today) => {
                errors.push(bad(line, Some("month"), msg("activity.import.future_month")));
                continue;
            }
            Some(m) if months.contains_key(&m) => {
                errors.push(bad(line, Some("month"), msg("activity.import.repeated_month")));
                continue;
            }
            Some(m) => m,
        };
        match activity::parse(|k| cell(col(k))) {
            Ok(a) => {
                months.insert(month, a);
            }
            Err(fields) => {
                errors.extend(fields.into_iter().map(|FieldError { field, key }| bad(line, Some(field), key)))
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    db::write_tx(conn, |conn| {
        let before = db::activity::months_of(conn, center_id)?;
        let mut changed = 0;
        for (m, a) in &months {
            if before.get(m) != Some(a) {
                db::activity::save(conn, center_id, *m, a, Some(by), now)?;
                changed += 1;
            }
        }
        Ok(Imported { months: months.len(), changed })
    })
}

/// Every month the center entered, as CSV in the import's columns (also the file to start an
/// import from).
pub fn export_csv(conn: &mut DbConn, center_id: i64) -> anyhow::Result<String> {
    let months = db::activity::months_of(conn, center_id)?;
    let mut w = spreadsheet::Writer::new();
    w.row(std::iter::once("month").chain(FIGURES.iter().map(|f| f.key)))?;
    for (m, a) in months {
        let cells: Vec<String> =
            std::iter::once(m.format("%Y-%m").to_string()).chain((0..FIGURES.len()).map(|i| a.text(i))).collect();
        w.row(cells)?;
    }
    w.finish()
}

/// The roll-up as of a day: each center's sum of its months up to the day's month (each month
/// at its latest submitted version), the last month each center submitted, and the total.
#[derive(Debug, Clone, Default)]
pub struct Rollup {
    pub total: Activity,
    pub centers: BTreeMap<i64, (Activity, NaiveDate)>,
}

pub fn rollup(conn: &mut DbConn, day: NaiveDate, center_id: Option<i64>) -> diesel::QueryResult<Rollup> {
    let latest = submissions::latest_each_month(rs::up_to(conn, month_start(day), center_id)?);
    let ids: Vec<i64> = latest.iter().map(|s| s.id).collect();
    let figures = db::activity::of_submissions(conn, &ids)?;
    let mut out = Rollup::default();
    for s in &latest {
        let a = figures.get(&s.id).copied().unwrap_or_default();
        out.total.add(&a);
        let e = out.centers.entry(s.center_id).or_insert((Activity::default(), s.month));
        e.0.add(&a);
        e.1 = e.1.max(s.month);
    }
    Ok(out)
}

/// The demo's figures: for every center, the twelve months before `today`'s month entered and
/// submitted (v1, by `by`: the demo has accounts at one center only), so that the national
/// tables have a year — but the demo center's last month, which waits for its check and
/// submission. Sizes follow the 2015 press release per center and month.
pub fn load_demo(conn: &mut DbConn, today: NaiveDate, by: i64, seed: u64, now: NaiveDateTime) -> anyhow::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let this_month = month_start(today);
    for center in db::centers::all(conn)? {
        for back in (1..=12).rev() {
            let first = this_month.checked_sub_months(chrono::Months::new(back)).unwrap_or(this_month);
            let mut a = Activity::default();
            let eok = |rng: &mut fastrand::Rng, max_hundredths: u32| i64::from(rng.u32(0..max_hundredths)) * 1_000_000;
            a.0[0] = i64::from(rng.u32(0..6)); // incubated
            a.0[1] = i64::from(rng.u32(0..3)); // new hires
            a.0[2] = eok(&mut rng, 300); // revenue, up to 3억
            a.0[3] = if rng.u32(0..3) == 0 { eok(&mut rng, 600) } else { 0 }; // investment
            a.0[4] = i64::from(rng.u32(0..3)); // SMEs supported
            a.0[5] = i64::from(rng.u32(20..70)); // mentoring
            a.0[6] = i64::from(rng.u32(2..14)); // prototypes
            a.0[7] = i64::from(rng.u32(100..400)); // trainees
            a.0[8] = i64::from(rng.u32(0..2)); // technology support
            if rng.u32(0..8) == 0 {
                a.0[9] = 1;
                a.0[10] = i64::from(rng.u32(50..1500)) * 1_000_000; // 0.5–15억
            }
            a.0[11] = i64::from(rng.u32(0..2)); // market support
            db::write_tx(conn, |conn| {
                db::activity::save(conn, center.id, first, &a, None, now)?;
                if back > 1 || center.slug != crate::services::demo::DEMO_CENTER {
                    let numbers = submissions::month_numbers(conn, center.id, first)?;
                    let at =
                        submissions::last_day(first).and_hms_opt(23, 0, 0).unwrap_or(now) + chrono::Duration::days(5);
                    if let Some(id) = rs::insert(conn, center.id, first, 1, by, None, &numbers, at.min(now))? {
                        db::activity::freeze(conn, id, &a)?;
                    }
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
    }
    Ok(())
}
