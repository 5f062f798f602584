//! Open data (`services::open_data`): the centers' monthly totals per zone, public, as a page
//! and as CSV and JSON files a public data portal takes; small counts suppressed.

use actix_web::http::header;
use actix_web::{HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::Datelike;

use crate::services::open_data::{self, Cell, MIN_COUNT};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// One center's zone over the year: its months' consultations as shown ("<3" when suppressed).
pub struct Row {
    center: String,
    zone: String,
    months: [String; 12],
}

#[derive(Template, WebTemplate)]
#[template(path = "public/open_data.html")]
pub struct OpenDataPage {
    ctx: PageCtx,
    t: T,
    year: i32,
    rows: Vec<Row>,
    min: i64,
}

fn year_of(state: &AppState, q: &YearQuery) -> i32 {
    let this = crate::domain::availability::local_date(crate::domain::center::TIME_ZONE, state.clock.now()).year();
    q.year.filter(|y| (2000..=this).contains(y)).unwrap_or(this)
}

async fn load(state: &web::Data<AppState>, year: i32) -> Result<Vec<Cell>, AppError> {
    Ok(load_with_kinds(state, year).await?.0)
}

async fn load_with_kinds(
    state: &web::Data<AppState>,
    year: i32,
) -> Result<(Vec<Cell>, Vec<crate::db::centers::ZoneKind>), AppError> {
    with_conn(state, move |conn| Ok((open_data::cells(conn, year)?, crate::db::centers::zone_kinds(conn)?))).await
}

pub async fn page(
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<YearQuery>,
) -> Result<impl Responder, AppError> {
    let year = year_of(&state, &q);
    let (cells, kinds) = load_with_kinds(&state, year).await?;
    let (t, lang) = (ctx.t, ctx.lang);
    let mut rows: Vec<Row> = Vec::new();
    for c in &cells {
        let zone = kinds
            .iter()
            .find(|k| k.code == c.zone)
            .map_or(c.zone.clone(), |k| lang.pick(&k.name_ko, &k.name_en).to_owned());
        let i = match rows.iter().position(|r| r.center == c.center_name && r.zone == zone) {
            Some(i) => i,
            None => {
                rows.push(Row { center: c.center_name.clone(), zone, months: Default::default() });
                rows.len() - 1
            }
        };
        rows[i].months[(c.month as usize).saturating_sub(1).min(11)] = match c.consultations {
            Some(n) => n.to_string(),
            None => format!("<{MIN_COUNT}"),
        };
    }
    for r in &mut rows {
        for m in &mut r.months {
            if m.is_empty() {
                *m = "0".into();
            }
        }
    }
    Ok(OpenDataPage { t, ctx, year, rows, min: MIN_COUNT })
}

pub async fn csv(state: web::Data<AppState>, q: web::Query<YearQuery>) -> Result<HttpResponse, AppError> {
    let year = year_of(&state, &q);
    let cells = load(&state, year).await?;
    let mut w = crate::services::spreadsheet::Writer::new();
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
    let head = [
        "year",
        "month",
        "center",
        "center_name",
        "zone",
        "consultations",
        "patents_transferred",
        "financing_executed_won",
        "suppressed",
    ];
    w.row(head.iter().map(|s| s.to_string())).map_err(fail)?;
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for c in cells {
        w.row([
            c.year.to_string(),
            c.month.to_string(),
            c.center,
            c.center_name,
            c.zone,
            opt(c.consultations),
            opt(c.patents_transferred),
            opt(c.financing_executed_won),
            if c.suppressed { "Y".into() } else { "N".into() },
        ])
        .map_err(fail)?;
    }
    let body = w.finish().map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"onestop-monthly-{year}.csv\"")))
        .body(body))
}

pub async fn json(state: web::Data<AppState>, q: web::Query<YearQuery>) -> Result<HttpResponse, AppError> {
    let year = year_of(&state, &q);
    let cells = load(&state, year).await?;
    let body = serde_json::json!({
        "title": "One-stop service zones: monthly consultations per center and zone",
        "year": year,
        "suppression": format!("counts of 1 to {} are not published; a cell with them publishes none of its numbers", MIN_COUNT - 1),
        "rows": cells,
    });
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .body(serde_json::to_string_pretty(&body).map_err(|e| AppError::Internal(e.into()))?))
}
