//! The press release's tables as of one or two days (issue 19): the centers' main results,
//! startup-support activity (cumulative), regional SME support, and the one-stop status. The
//! first three add up the submitted months (each at its latest version) to the day's month;
//! the one-stop table counts the consultations to the day, as the status report does. For the
//! national account: the nation, each center, and which centers are behind; for a center's
//! staff: their center.

use actix_web::{HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, NaiveDate};

use super::{ReportQuery, csv_response, parse};
use crate::db::centers;
use crate::domain::activity::{self, Activity, FIGURES};
use crate::i18n::Lang;
use crate::services::activity::{Rollup, month_start, rollup};
use crate::services::reports::{StatusRow, eok, onestop_status};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::who::{National, Staff};
use crate::web::{AppState, with_conn};

/// The main results' figures (table 1), by key.
const MAIN: [&str; 5] = ["incubated", "new_hires", "revenue_won", "investment_won", "smes_supported"];
/// Startup-support activity (table 2).
const STARTUPS: [&str; 4] = ["incubated", "mentoring", "prototypes", "trainees"];

/// The figures of one day, as the tables print them.
pub struct DayRow {
    label: String,
    main: Vec<String>,
    startups: Vec<String>,
    /// Technology support, "cases / 억원" of funding, market support.
    smes: [String; 3],
    /// Legal, "consultations / 억원" finance, "consultations / patents" IP.
    onestop: [String; 3],
}

/// A center on the national page: its name, the last month it submitted, its main results.
pub struct CenterLine {
    name: String,
    through: Option<String>,
    behind: bool,
    main: Vec<String>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(super::grouped("31030"), "31,030");
        assert_eq!(super::grouped("250"), "250");
        assert_eq!(super::grouped("1234.50"), "1,234.50");
        assert_eq!(super::grouped("116.25"), "116.25");
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/results.html")]
pub struct ResultsPage {
    ctx: PageCtx,
    t: T,
    national: bool,
    scope: String,
    action: &'static str,
    as_of: String,
    compare: String,
    rows: Vec<DayRow>,
    main_labels: Vec<&'static str>,
    startup_labels: Vec<&'static str>,
    centers: Vec<CenterLine>,
    behind: usize,
    /// No month has been submitted up to the later day.
    nothing_submitted: bool,
    /// A center's page: up to which month its submitted months are added.
    through: Option<String>,
    csv_href: String,
}

fn day_label(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ko => format!("{}. {}. {}.", d.year(), d.month(), d.day()),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

fn text(a: &Activity, key: &str) -> String {
    activity::index(key).map(|i| grouped(&a.text(i))).unwrap_or_default()
}

/// A number as the press release prints it: thousands grouped ("31,030", "1,234.50").
fn grouped(n: &str) -> String {
    let (whole, frac) = n.split_once('.').map_or((n, None), |(w, f)| (w, Some(f)));
    let digits: Vec<char> = whole.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(*c);
    }
    match frac {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

/// The days asked for, earlier first (the press release's order).
fn days(state: &AppState, q: &ReportQuery) -> Vec<NaiveDate> {
    let today = crate::domain::availability::local_date(crate::domain::center::TIME_ZONE, state.clock.now());
    let as_of = parse(&q.as_of).unwrap_or(today);
    let mut out = vec![as_of];
    if let Some(c) = parse(&q.compare).filter(|c| *c != as_of) {
        out.push(c);
    }
    out.sort();
    out
}

/// Each day's roll-up and one-stop numbers.
async fn load(
    state: &web::Data<AppState>,
    days: Vec<NaiveDate>,
    center: Option<i64>,
) -> Result<Vec<(NaiveDate, Rollup, StatusRow)>, AppError> {
    with_conn(state, move |conn| {
        let mut out = Vec::new();
        for d in days {
            out.push((d, rollup(conn, d, center)?, onestop_status(conn, d, center)?.total));
        }
        Ok(out)
    })
    .await
}

fn day_row(lang: Lang, d: NaiveDate, a: &Activity, s: &StatusRow) -> DayRow {
    DayRow {
        label: day_label(lang, d),
        main: MAIN.iter().map(|k| text(a, k)).collect(),
        startups: STARTUPS.iter().map(|k| text(a, k)).collect(),
        smes: [
            text(a, "tech_support"),
            format!("{} / {}", text(a, "funding_cases"), text(a, "funding_won")),
            text(a, "market_support"),
        ],
        onestop: [
            grouped(&s.legal.to_string()),
            format!("{} / {}", grouped(&s.finance.to_string()), grouped(&eok(s.finance_won))),
            format!("{} / {}", grouped(&s.ip.to_string()), grouped(&s.patents.to_string())),
        ],
    }
}

/// The national account's page: the nation's tables and each center's main results.
pub async fn national(
    ctx: PageCtx,
    _: National,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<ResultsPage, AppError> {
    let days = days(&state, &query);
    let data = load(&state, days.clone(), None).await?;
    let names = with_conn(&state, move |conn| Ok(centers::all(conn)?)).await?;
    let lang = ctx.lang;
    let (later, latest, _) = data.last().cloned().ok_or(AppError::NotFound)?;
    // Behind: the last ended month up to the later day is not submitted.
    let today = crate::domain::availability::local_date(crate::domain::center::TIME_ZONE, state.clock.now());
    let due = month_start(later.min(month_start(today) - chrono::Duration::days(1)));
    let t = ctx.t;
    let centers: Vec<CenterLine> = names
        .iter()
        .map(|c| {
            let mine = latest.centers.get(&c.id);
            let through = mine.map(|(_, m)| t.fmt2("check.month_label", "year", m.year(), "month", m.month()));
            CenterLine {
                name: lang.pick(&c.name_ko, &c.name_en).to_owned(),
                behind: mine.is_none_or(|(_, m)| *m < due),
                through,
                main: MAIN.iter().map(|k| text(&mine.map(|m| m.0).unwrap_or_default(), k)).collect(),
            }
        })
        .collect();
    Ok(page(ctx, true, None, &data, centers))
}

/// A center's own page: its tables from its submitted months.
pub async fn center(
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<ResultsPage, AppError> {
    let days = days(&state, &query);
    let data = load(&state, days, Some(staff.center_id)).await?;
    let center =
        with_conn(&state, move |conn| centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)).await?;
    let name = ctx.lang.pick(&center.name_ko, &center.name_en).to_owned();
    let through = data.last().and_then(|(_, r, _)| r.centers.get(&staff.center_id)).map(|(_, m)| {
        let month = ctx.t.fmt2("check.month_label", "year", m.year(), "month", m.month());
        ctx.t.fmt("results.center_through", "month", month)
    });
    let mut page = page(ctx, false, Some(name), &data, Vec::new());
    page.through = through;
    Ok(page)
}

fn page(
    ctx: PageCtx,
    national: bool,
    scope: Option<String>,
    data: &[(NaiveDate, Rollup, StatusRow)],
    centers: Vec<CenterLine>,
) -> ResultsPage {
    let lang = ctx.lang;
    let rows = data.iter().map(|(d, r, s)| day_row(lang, *d, &r.total, s)).collect();
    let (first, last) = (data.first().map(|d| d.0), data.last().map(|d| d.0));
    let (as_of, compare) = match (first, last) {
        (Some(f), Some(l)) if f != l => (l.to_string(), f.to_string()),
        (_, Some(l)) => (l.to_string(), String::new()),
        _ => (String::new(), String::new()),
    };
    let base = if national { "/national/results.csv" } else { "/staff/reports/results.csv" };
    let csv_href = if compare.is_empty() {
        format!("{base}?as_of={as_of}")
    } else {
        format!("{base}?as_of={as_of}&compare={compare}")
    };
    ResultsPage {
        scope: scope.unwrap_or_else(|| ctx.t.get("national.total").to_owned()),
        action: if national { "/national/results" } else { "/staff/reports/results" },
        through: None,
        nothing_submitted: data.last().is_none_or(|(_, r, _)| r.centers.is_empty()),
        behind: centers.iter().filter(|c| c.behind).count(),
        main_labels: MAIN.iter().map(|k| activity::label(k).unwrap_or_default()).collect(),
        startup_labels: STARTUPS.iter().map(|k| activity::label(k).unwrap_or_default()).collect(),
        rows,
        centers,
        national,
        as_of,
        compare,
        csv_href,
        t: ctx.t,
        ctx,
    }
}

/// The tables as CSV: a row per day, every figure and the one-stop numbers.
fn csv_of(data: &[(NaiveDate, Rollup, StatusRow)]) -> anyhow::Result<String> {
    let mut w = crate::services::spreadsheet::Writer::new();
    let head = ["as_of"].into_iter().chain(FIGURES.iter().map(|f| f.key)).chain([
        "legal",
        "finance",
        "finance_eok",
        "ip",
        "patents",
    ]);
    w.row(head)?;
    for (d, r, s) in data {
        let cells: Vec<String> = std::iter::once(d.to_string())
            .chain((0..FIGURES.len()).map(|i| r.total.text(i)))
            .chain(s.cells())
            .collect();
        w.row(cells)?;
    }
    w.finish()
}

pub async fn national_csv(
    _ctx: PageCtx,
    _: National,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let data = load(&state, days(&state, &query), None).await?;
    let body = csv_of(&data).map_err(AppError::Internal)?;
    Ok(csv_response("results-national.csv", body))
}

pub async fn center_csv(
    _ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let data = load(&state, days(&state, &query), Some(staff.center_id)).await?;
    let body = csv_of(&data).map_err(AppError::Internal)?;
    Ok(csv_response("results.csv", body))
}
