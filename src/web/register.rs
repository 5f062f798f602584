//! The destruction register (파기 대장) of a center, for its admin: every destruction of
//! personal data — what kind, how many records, under which rule, when, by what — and its
//! download as CSV (cells neutralised).

use actix_web::http::header;
use actix_web::{HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::centers;
use crate::db::destructions::{self, Destruction, kind};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, msg};
use crate::web::who::Admin;
use crate::web::{AppState, with_conn};

pub struct Line {
    at: String,
    what: &'static str,
    records: i64,
    rule: String,
    by: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/register.html")]
pub struct RegisterPage {
    ctx: PageCtx,
    t: T,
    lines: Vec<Line>,
}

fn kind_key(k: &str) -> &'static str {
    match k {
        kind::CASE_PERSONAL_DATA => msg("register.kind.case"),
        kind::DRAFT => msg("register.kind.draft"),
        kind::ACCESS_LOG => msg("register.kind.access_log"),
        _ => msg("register.kind.other"),
    }
}

fn by_key(b: &str) -> &'static str {
    match b {
        "schedule" => msg("register.by.schedule"),
        "purge_command" => msg("register.by.command"),
        _ => msg("register.by.housekeeping"),
    }
}

async fn load(state: &web::Data<AppState>, admin: Admin) -> Result<(centers::Center, Vec<Destruction>), AppError> {
    with_conn(state, move |conn| {
        let center = centers::by_id(conn, admin.center_id)?.ok_or(AppError::Forbidden)?;
        Ok((center, destructions::of_center(conn, admin.center_id, 1000)?))
    })
    .await
}

fn lines(center: &centers::Center, rows: &[Destruction]) -> Vec<Line> {
    rows.iter()
        .map(|d| Line {
            at: super::desk::local(center, d.at).format("%Y-%m-%d %H:%M").to_string(),
            what: kind_key(&d.kind),
            records: d.records,
            rule: d.rule.clone(),
            by: by_key(&d.done_by),
        })
        .collect()
}

pub async fn register(ctx: PageCtx, admin: Admin, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let (center, rows) = load(&state, admin).await?;
    Ok(RegisterPage { lines: lines(&center, &rows), t: ctx.t, ctx })
}

pub async fn register_csv(ctx: PageCtx, admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (center, rows) = load(&state, admin).await?;
    let t = ctx.t;
    let mut w = crate::services::spreadsheet::Writer::new();
    let head = ["register.when", "register.what", "register.records", "register.rule", "register.by_h"];
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
    w.row(head.iter().map(|k| t.get(k))).map_err(fail)?;
    for l in lines(&center, &rows) {
        w.row([l.at, t.get(l.what).to_owned(), l.records.to_string(), l.rule, t.get(l.by).to_owned()]).map_err(fail)?;
    }
    let body = w.finish().map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"destructions-{}.csv\"", center.slug),
        ))
        .body(body))
}
