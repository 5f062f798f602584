//! The center's reports for staff: the one-stop status as of a day (and beside a second day),
//! the month-by-month consultations as a chart drawn on the server (SVG, with a title and the
//! numbers as a table), and the CSV downloads (the report, and the consultation records).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, NaiveDate};

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::T;
use super::who::{National, Staff};
use super::{AppState, with_conn};
use crate::db::centers;
use crate::services::import;
use crate::services::reports::{self, StatusRow, eok};

#[derive(serde::Deserialize, Default)]
pub struct ReportQuery {
    as_of: Option<String>,
    compare: Option<String>,
    /// Set by the views CSV route: the same numbers as a download.
    #[serde(skip)]
    views_csv: bool,
}

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
    lead_days: String,
    /// Per zone for the coming 4 weeks: (zone, offered seats, booked seats, percent, next free
    /// day, warn).
    capacity: Vec<(String, i64, i64, i64, String, bool)>,
}

/// Days ahead beyond which the next free IP or finance time is flagged.
const NEXT_FREE_WARNING_DAYS: i64 = 14;

fn parse(d: &Option<String>) -> Option<NaiveDate> {
    d.as_deref().and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

fn dates(state: &AppState, center: &centers::Center, q: &ReportQuery) -> (NaiveDate, Option<NaiveDate>) {
    let today =
        crate::domain::availability::local_date(crate::services::availability::time_zone(center), state.clock.now());
    (parse(&q.as_of).unwrap_or(today), parse(&q.compare))
}

pub async fn page(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    render(&req, ctx, staff, &state, query.into_inner(), None, Vec::new(), StatusCode::OK).await
}

async fn render(
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
    let mut bars = Vec::new();
    for (zi, (code, months)) in series.iter().enumerate() {
        for (m, n) in months.iter().enumerate() {
            let h = n * 200 / max;
            bars.push(Bar {
                x: 40 + m as i64 * 56 + zi as i64 * (48 / per),
                y: 220 - h,
                h,
                class: match code.as_str() {
                    "legal" => "bar-legal",
                    "finance" => "bar-finance",
                    _ => "bar-ip",
                },
                label: format!("{} {}: {n}", m + 1, name(code)),
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
            let mut sched = crate::db::schedule::zone_schedule(conn, &zone, today, today + chrono::Duration::days(28))?;
            sched.policy.horizon_days = 28;
            let offered = crate::domain::availability::free_slots(&sched, tz, now, &std::collections::HashMap::new());
            let taken = crate::db::schedule::taken_seats(conn, &[zone.id], now)?;
            let free = crate::domain::availability::free_slots(&sched, tz, now, &taken);
            let total: i64 = offered.values().flatten().map(|s| s.free).sum();
            let left: i64 = free.values().flatten().map(|s| s.free).sum();
            let next = free.keys().next().copied();
            cap.push((kind, total, total - left, next, today));
        }
        Ok((views, cap))
    })
    .await?;
    let pct = |a: i64, b: i64| if b == 0 { "-".to_owned() } else { format!("{:.1}%", a as f64 * 100.0 / b as f64) };
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
                next.map(|d| super::i18n::date_label(lang, d)).unwrap_or_else(|| "-".into()),
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
    let page = ReportsPage {
        quarters,
        period: format!("{from} – {to}"),
        no_show_rate: pct(views.no_shows, views.appointments - views.cancelled),
        cancel_rate: pct(views.cancelled, views.appointments),
        lead_days: views.avg_lead_days.map_or_else(|| "-".to_owned(), |d| format!("{d:.1}")),
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
        max,
        csv_query,
    };
    Ok(super::respond::page(req, page, code))
}

fn csv_response(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(body)
}

pub async fn status_csv(
    _ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let center =
        with_conn(&state, move |conn| Ok(centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?)).await?;
    let (as_of, compare) = dates(&state, &center, &query);
    let body = with_conn(&state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, Some(staff.center_id))?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, Some(staff.center_id))?);
        }
        reports::render_status(&out, true, false).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    })
    .await?;
    Ok(csv_response(&format!("onestop-status-{}-{as_of}.csv", center.slug), body))
}

pub async fn records_csv(_ctx: PageCtx, staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (slug, body) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        // Exporting the records reads personal data (companies, business numbers): recorded.
        crate::services::access::record(conn, staff.user_id, None, "export_consultations", None, now)?;
        Ok((center.slug, reports::records_csv(conn, staff.center_id).map_err(AppError::Internal)?))
    })
    .await?;
    Ok(csv_response(&format!("consultations-{slug}.csv"), body))
}

/// Importing past records of the staff member's own center from the page (multipart; the CSRF
/// token travels in the action's query string).
pub async fn import(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    mut payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    use futures_util::StreamExt;
    let mut data = Vec::new();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest(super::i18n::msg("error.bad_request")))?;
        let is_file = field.name() == Some("file");
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest(super::i18n::msg("error.bad_request")))?;
            if data.len() + chunk.len() > 10 * 1024 * 1024 {
                return Err(AppError::TooLarge);
            }
            if is_file {
                data.extend_from_slice(&chunk);
            }
        }
    }
    let now = state.clock.now();
    let r =
        with_conn(&state, move |conn| Ok(import::consultations_csv(conn, data.as_slice(), Some(staff.center_id), now)))
            .await?;
    let t = ctx.t;
    match r {
        Ok(done) => {
            let text = t
                .get("reports.imported")
                .replace("{added}", &done.added.to_string())
                .replace("{already}", &done.already.to_string());
            render(&req, ctx, staff, &state, ReportQuery::default(), Some(text), Vec::new(), StatusCode::OK).await
        }
        Err(import::ImportError::Invalid { rows, total }) => {
            let mut errors: Vec<String> =
                rows.iter().map(|b| format!("{} {}", t.fmt("reports.bad_row", "line", b.line), b.reason)).collect();
            if total > rows.len() {
                errors.push(t.fmt("reports.more_bad_rows", "n", total - rows.len()));
            }
            render(&req, ctx, staff, &state, ReportQuery::default(), None, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        Err(import::ImportError::Db(e)) => Err(e.into()),
    }
}

// ----- the national roll-up (a national admin: no center) -----------------------------------------

pub struct NationalLine {
    center: String,
    date: String,
    row: StatusRow,
    eok: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/national.html")]
pub struct NationalPage {
    ctx: PageCtx,
    t: T,
    as_of: String,
    compare: String,
    lines: Vec<NationalLine>,
    totals: Vec<NationalLine>,
    csv_query: String,
}

fn national_dates(state: &AppState, q: &ReportQuery) -> (NaiveDate, Option<NaiveDate>) {
    let today = crate::domain::availability::local_date(crate::domain::center::TIME_ZONE, state.clock.now());
    (parse(&q.as_of).unwrap_or(today), parse(&q.compare))
}

/// Every center's one-stop status and the national total, as of one day and beside another:
/// the same numbers as `onestop report onestop-status`.
pub async fn national(
    ctx: PageCtx,
    _: National,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<impl Responder, AppError> {
    let (as_of, compare) = national_dates(&state, &query);
    let lang = ctx.lang;
    let reps = with_conn(&state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, None)?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, None)?);
        }
        Ok(out)
    })
    .await?;
    let names = with_conn(&state, move |conn| Ok(centers::all(conn)?)).await?;
    let name = |slug: &str| {
        names.iter().find(|c| c.slug == slug).map_or(slug.to_owned(), |c| lang.pick(&c.name_ko, &c.name_en).to_owned())
    };
    let mut lines = Vec::new();
    if let Some(first) = reps.first() {
        for (i, (slug, _, _)) in first.rows.iter().enumerate() {
            for r in &reps {
                let row = r.rows[i].2.clone();
                lines.push(NationalLine {
                    center: name(slug),
                    date: r.as_of.to_string(),
                    eok: eok(row.finance_won),
                    row,
                });
            }
        }
    }
    let totals = reps
        .iter()
        .map(|r| NationalLine {
            center: String::new(),
            date: r.as_of.to_string(),
            eok: eok(r.total.finance_won),
            row: r.total.clone(),
        })
        .collect();
    Ok(NationalPage {
        t: ctx.t,
        ctx,
        as_of: as_of.to_string(),
        compare: compare.map(|d| d.to_string()).unwrap_or_default(),
        lines,
        totals,
        csv_query: match compare {
            Some(c) => format!("as_of={as_of}&compare={c}"),
            None => format!("as_of={as_of}"),
        },
    })
}

pub async fn national_csv(
    _ctx: PageCtx,
    _: National,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (as_of, compare) = national_dates(&state, &query);
    let body = with_conn(&state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, None)?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, None)?);
        }
        reports::render_status(&out, true, true).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    })
    .await?;
    Ok(csv_response(&format!("onestop-status-national-{as_of}.csv"), body))
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
