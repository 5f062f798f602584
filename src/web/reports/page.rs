//! The center's report page: the one-stop status as of a day (and beside a second day), the
//! monthly chart (SVG drawn on the server, with the numbers as a table) and the other views,
//! also as CSV (`views_csv`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, NaiveDate};

use super::{ReportQuery, csv_response, dates};
use crate::db::centers;
use crate::services::reports::{self, StatusRow, eok};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

pub struct Line {
    date: String,
    row: StatusRow,
    eok: String,
}

pub struct Bar {
    x: i64,
    y: i64,
    h: i64,
    class: &'static str,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/reports.html")]
pub struct ReportsPage {
    ctx: PageCtx,
    t: T,
    as_of: String,
    compare: String,
    lines: Vec<Line>,
    year: i32,
    series: Vec<(String, [i64; 12])>,
    bars: Vec<Bar>,
    /// Which colour is which zone: (bar class, zone name).
    legend: Vec<(&'static str, String)>,
    /// Any consultation in the year (else the chart and its tables say there is none).
    has_data: bool,
    max: i64,
    csv_query: String,
    import_done: Option<String>,
    import_errors: Vec<String>,
    /// Consultations per quarter and zone (from the monthly series).
    quarters: Vec<(String, [i64; 4])>,
    period: String,
    views: reports::Views,
    no_show_rate: String,
    cancel_rate: String,
    /// None when no visit had a lead time to average.
    lead_days: Option<String>,
    /// Per zone for the coming 4 weeks: (zone, offered seats, booked seats, percent, next free
    /// day, warn).
    capacity: Vec<(String, i64, i64, i64, String, bool)>,
    /// The company facets in words: (facet key, value, consultations).
    facets: Vec<(&'static str, String, i64)>,
}

/// Days ahead beyond which the next free IP or finance time is flagged.
const NEXT_FREE_WARNING_DAYS: i64 = 14;

pub async fn page(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    render(&req, ctx, staff, &state, query.into_inner(), None, Vec::new(), StatusCode::OK).await
}

pub(super) async fn render(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    query: ReportQuery,
    import_done: Option<String>,
    import_errors: Vec<String>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let center =
        with_conn(state, move |conn| Ok(centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?)).await?;
    let (as_of, compare) = dates(state, &center, &query);
    let lang = ctx.lang;
    let (reports, series) = with_conn(state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, Some(staff.center_id))?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, Some(staff.center_id))?);
        }
        Ok((out, reports::monthly(conn, staff.center_id, as_of.year())?))
    })
    .await?;
    let zones = with_conn(state, move |conn| Ok(centers::zones_of(conn, staff.center_id)?)).await?;
    let name = |code: &str| {
        zones
            .iter()
            .find(|(_, k)| k.code == code)
            .map_or(code.to_owned(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned())
    };
    let max = series.iter().flat_map(|(_, m)| m.iter().copied()).max().unwrap_or(0).max(1);
    // Grouped bars: 12 months × the zones, in a 720 × 240 drawing.
    let per = series.len().max(1) as i64;
    let bar_class = |code: &str| match crate::domain::ZoneType::of(code) {
        crate::domain::ZoneType::Legal => "bar-legal",
        crate::domain::ZoneType::Finance => "bar-finance",
        crate::domain::ZoneType::Ip | crate::domain::ZoneType::Other(_) => "bar-ip",
    };
    let legend = series.iter().map(|(code, _)| (bar_class(code), name(code))).collect();
    let has_data = series.iter().any(|(_, m)| m.iter().any(|n| *n > 0));
    let mut bars = Vec::new();
    for (zi, (code, months)) in series.iter().enumerate() {
        for (m, n) in months.iter().enumerate() {
            let h = n * 200 / max;
            bars.push(Bar {
                x: 40 + m as i64 * 56 + zi as i64 * (48 / per),
                y: 220 - h,
                h,
                class: bar_class(code),
                label: format!("{} {}: {n}", ctx.t.fmt("reports.month", "month", m + 1), name(code)),
            });
        }
    }
    let lines = reports
        .iter()
        .map(|r| Line {
            date: r.as_of.format("%Y-%m-%d").to_string(),
            eok: eok(r.total.finance_won),
            row: r.total.clone(),
        })
        .collect();
    let csv_query = match compare {
        Some(c) => format!("as_of={as_of}&compare={c}"),
        None => format!("as_of={as_of}"),
    };
    // The quarter of the as-of day: the period of the other views.
    let q0 = (as_of.month0() / 3) * 3;
    let from = NaiveDate::from_ymd_opt(as_of.year(), q0 + 1, 1).unwrap_or(as_of);
    let to = if q0 == 9 {
        NaiveDate::from_ymd_opt(as_of.year(), 12, 31)
    } else {
        NaiveDate::from_ymd_opt(as_of.year(), q0 + 4, 1).and_then(|d| d.pred_opt())
    }
    .unwrap_or(as_of);
    let tz = crate::services::availability::time_zone(&center);
    let (start, _) = crate::services::availability::day_range(&center, from);
    let (_, end) = crate::services::availability::day_range(&center, to);
    let now = state.clock.now();
    let center2 = center.clone();
    let (views, capacity_raw) = with_conn(state, move |conn| {
        let views = reports::views(conn, staff.center_id, from, to, start, end)?;
        let today = crate::domain::availability::local_date(tz, now);
        let mut cap = Vec::new();
        for (zone, kind) in centers::zones_of(conn, center2.id)? {
            let c = crate::services::schedule::capacity(conn, &zone, tz, now)?;
            cap.push((kind, c.offered, c.booked, c.next_bookable, today));
        }
        Ok((views, cap))
    })
    .await?;
    // A rate over nothing is no rate: "no visits yet", not "0.0%".
    let pct = |a: i64, b: i64| {
        if b == 0 { ctx.t.get("reports.no_data").to_owned() } else { format!("{:.1}%", a as f64 * 100.0 / b as f64) }
    };
    let capacity: Vec<(String, i64, i64, i64, String, bool)> = capacity_raw
        .into_iter()
        .map(|(kind, offered, booked, next, today)| {
            let days_away = next.map(|d| (d - today).num_days());
            let warn =
                matches!(kind.code.as_str(), "ip" | "finance") && days_away.is_none_or(|d| d > NEXT_FREE_WARNING_DAYS);
            (
                lang.pick(&kind.name_ko, &kind.name_en).to_owned(),
                offered,
                booked,
                if offered == 0 { 0 } else { booked * 100 / offered },
                next.map(|d| crate::web::i18n::date_label(lang, d)).unwrap_or_else(|| "-".into()),
                warn,
            )
        })
        .collect();
    let quarters: Vec<(String, [i64; 4])> = series
        .iter()
        .map(|(zone, m)| {
            (name(zone), [m[0] + m[1] + m[2], m[3] + m[4] + m[5], m[6] + m[7] + m[8], m[9] + m[10] + m[11]])
        })
        .collect();
    if query.views_csv {
        let mut w = crate::services::spreadsheet::Writer::new();
        let io = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
        w.row(["view", "key", "value_1", "value_2", "value_3", "value_4"]).map_err(io)?;
        for (zone, q) in &quarters {
            w.row(["quarterly", zone, &q[0].to_string(), &q[1].to_string(), &q[2].to_string(), &q[3].to_string()])
                .map_err(io)?;
        }
        for (code, n, won) in &views.by_institution {
            w.row(["institution", code, &n.to_string(), &eok(*won), "", ""]).map_err(io)?;
        }
        for (facet, rows) in
            [("stage", &views.by_stage), ("industry", &views.by_industry), ("region", &views.by_region)]
        {
            for (v, n) in rows.iter() {
                w.row([facet, v, &n.to_string(), "", "", ""]).map_err(io)?;
            }
        }
        let rates = [
            ("appointments", views.appointments.to_string()),
            ("no_shows", views.no_shows.to_string()),
            ("cancelled", views.cancelled.to_string()),
            ("avg_wait_minutes", views.avg_wait_minutes.map(|m| m.to_string()).unwrap_or_default()),
            ("avg_lead_days", views.avg_lead_days.map(|d| format!("{d:.1}")).unwrap_or_default()),
        ];
        for (k, v) in rates {
            w.row(["rates", k, &v, "", "", ""]).map_err(io)?;
        }
        for (zone, offered, booked, load, next, warn) in &capacity {
            w.row([
                "capacity",
                zone,
                &offered.to_string(),
                &booked.to_string(),
                &format!("{load}%"),
                &format!("{next}{}", if *warn { " !" } else { "" }),
            ])
            .map_err(io)?;
        }
        let body = w.finish().map_err(AppError::Internal)?;
        return Ok(csv_response(&format!("report-views-{}-{as_of}.csv", center.slug), body));
    }
    // The facets' codes in words ("C. 제조업", "창업 3년 이내"); an unanswered one says so.
    let word = |vocabulary: &str, code: &str| {
        if code == "-" {
            ctx.t.get("reports.not_given").to_owned()
        } else {
            crate::i18n::CATALOG.lookup(lang, &format!("{vocabulary}.{code}")).unwrap_or(code).to_owned()
        }
    };
    let mut facets = Vec::new();
    for (key, vocabulary, list) in [
        ("reports.stage", "stage", &views.by_stage),
        ("reports.industry", "industry", &views.by_industry),
        ("reports.region", "region", &views.by_region),
    ] {
        facets.extend(list.iter().map(|(code, n)| (key, word(vocabulary, code), *n)));
    }
    let page = ReportsPage {
        facets,
        quarters,
        period: format!("{from} – {to}"),
        no_show_rate: pct(views.no_shows, views.appointments - views.cancelled),
        cancel_rate: pct(views.cancelled, views.appointments),
        lead_days: views.avg_lead_days.map(|d| format!("{d:.1}")),
        views,
        capacity,
        import_done,
        import_errors,
        t: ctx.t,
        ctx,
        as_of: as_of.format("%Y-%m-%d").to_string(),
        compare: compare.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        lines,
        year: as_of.year(),
        series: series.iter().map(|(code, m)| (name(code), *m)).collect(),
        bars,
        legend,
        has_data,
        max,
        csv_query,
    };
    Ok(crate::web::respond::page(req, page, code))
}

/// The other views of the report page (quarter, institutions, company facets, rates, capacity)
/// as CSV.
pub async fn views_csv(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let mut q = query.into_inner();
    q.views_csv = true;
    render(&req, ctx, staff, &state, q, None, Vec::new(), StatusCode::OK).await
}
