//! The center's reports for staff: the one-stop status as of a day (and beside a second day),
//! the month-by-month consultations as a chart drawn on the server (SVG, with a title and the
//! numbers as a table), and the CSV downloads (the report, and the consultation records).
//! One file per page or download.

mod activity;
mod check;
mod downloads;
mod import;
mod national;
mod page;
mod results;

pub use activity::{export as activity_csv, import as activity_import, page as activity, save as activity_save};
pub use check::{check, submit};
pub use downloads::{records_csv, report_xlsx, status_csv};
pub use import::import;
pub use national::{national, national_csv};
pub use page::{page, views_csv};
pub use results::{
    center as results, center_csv as results_csv, national as national_results, national_csv as national_results_csv,
};

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::NaiveDate;

use crate::db::centers;
use crate::web::AppState;

#[derive(serde::Deserialize, Default)]
pub struct ReportQuery {
    as_of: Option<String>,
    compare: Option<String>,
    /// The month of the submitted numbers (`YYYY-MM`, the national view).
    month: Option<String>,
    /// Set by the views CSV route: the same numbers as a download.
    #[serde(skip)]
    views_csv: bool,
}

fn parse(d: &Option<String>) -> Option<NaiveDate> {
    d.as_deref().and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

fn dates(state: &AppState, center: &centers::Center, q: &ReportQuery) -> (NaiveDate, Option<NaiveDate>) {
    let today =
        crate::domain::availability::local_date(crate::services::availability::time_zone(center), state.clock.now());
    (parse(&q.as_of).unwrap_or(today), parse(&q.compare))
}

fn csv_response(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(body)
}
