//! The month's figures for the press release's other tables (`services::activity`): the form
//! the center's staff fill each month (values kept and a message per field when one is wrong),
//! the import of many months from CSV or XLSX, and the export in the import's columns.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, NaiveDate};

use super::check::month_of;
use crate::db::centers;
use crate::domain::activity::{self, Activity, FIGURES, GROUPS, Unit};
use crate::domain::form::{Errors, err};
use crate::services::activity::{self as service, ImportError, month_start};
use crate::web::ctx::PageCtx;
use crate::web::desk::local;
use crate::web::errors::AppError;
use crate::web::form::Fields;
use crate::web::i18n::T;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

/// One input of the form.
pub struct Input {
    key: &'static str,
    label: &'static str,
    value: String,
    /// Amounts take decimals (억원).
    amount: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/activity.html")]
pub struct ActivityPage {
    ctx: PageCtx,
    t: T,
    month: String,
    month_label: String,
    groups: Vec<(&'static str, Vec<Input>)>,
    errors: Errors,
    /// "Last saved on … by …".
    last_saved: Option<String>,
    saved: bool,
    /// After an import: what it did, or each bad line in words.
    imported: Option<String>,
    bad_lines: Vec<String>,
}

#[derive(serde::Deserialize)]
pub struct ActivityQuery {
    month: Option<String>,
    saved: Option<u8>,
}

/// What the page shows besides the stored figures.
#[derive(Default)]
struct Shown {
    /// The values as typed (after a refused save).
    typed: Option<Fields>,
    errors: Errors,
    saved: bool,
    imported: Option<String>,
    bad_lines: Vec<String>,
}

async fn render(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    raw_month: Option<String>,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (center, first, stored, by) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let first = month_of(raw_month.as_deref(), local(&center, now).date_naive());
        let stored = crate::db::activity::of_month(conn, center.id, first)?;
        let by = match stored.as_ref().and_then(|s| s.2) {
            Some(id) => crate::db::users::by_id(conn, id)?.map(|u| u.display_name),
            None => None,
        };
        Ok((center, first, stored, by))
    })
    .await?;
    let (t, lang) = (ctx.t, ctx.lang);
    let value = |i: usize| match (&shown.typed, &stored) {
        (Some(f), _) => f.get(FIGURES[i].key).to_owned(),
        (None, Some((a, _, _))) => a.text(i),
        (None, None) => String::new(),
    };
    let groups = GROUPS
        .iter()
        .map(|(legend, idx)| {
            let inputs = idx
                .iter()
                .map(|&i| Input {
                    key: FIGURES[i].key,
                    label: FIGURES[i].label,
                    value: value(i),
                    amount: FIGURES[i].unit == Unit::Won,
                })
                .collect();
            (*legend, inputs)
        })
        .collect();
    let last_saved = stored.map(|(_, at, _)| crate::web::labels::last_saved(&t, lang, &center, at, by.as_deref()));
    let page = ActivityPage {
        month: first.format("%Y-%m").to_string(),
        month_label: t.fmt2("check.month_label", "year", first.year(), "month", first.month()),
        groups,
        last_saved,
        saved: shown.saved,
        imported: shown.imported,
        bad_lines: shown.bad_lines,
        errors: shown.errors,
        t,
        ctx,
    };
    let code = if page.errors.is_empty() && page.bad_lines.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(crate::web::respond::page(req, page, code))
}

pub async fn page(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ActivityQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let shown = Shown { saved: q.saved == Some(1), ..Shown::default() };
    render(&req, ctx, staff, &state, q.month, shown).await
}

/// Saves the month's figures (every one given; a month that has not begun is refused).
pub async fn save(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields = Fields::parse(&body)?;
    let now = state.clock.now();
    let raw = fields.get("month").trim().to_owned();
    let month = NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok();
    let today = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        Ok(local(&center, now).date_naive())
    })
    .await?;
    let parsed = activity::parse(|k| fields.get(k).to_owned());
    let month = match month {
        Some(m) if m <= month_start(today) => m,
        _ => {
            let mut errors = vec![err("month", crate::i18n::msg("activity.import.future_month"))];
            if let Err(e) = parsed {
                errors.extend(e);
            }
            let shown = Shown { typed: Some(fields), errors: errors.into(), ..Shown::default() };
            return render(&req, ctx, staff, &state, None, shown).await;
        }
    };
    let figures: Activity = match parsed {
        Ok(a) => a,
        Err(errors) => {
            let shown = Shown { typed: Some(fields), errors: errors.into(), ..Shown::default() };
            return render(&req, ctx, staff, &state, Some(raw), shown).await;
        }
    };
    with_conn(&state, move |conn| Ok(service::save(conn, staff.center_id, month, &figures, staff.user_id, now)?))
        .await?;
    let to = format!("/staff/reports/activity?month={}&saved=1", month.format("%Y-%m"));
    Ok(crate::web::respond::see_other(&to))
}

/// Imports many months from a CSV or XLSX file (multipart; the CSRF token travels in the
/// action's query string). All months or none.
pub async fn import(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let data = super::import::file_of(payload).await?;
    let now = state.clock.now();
    let t = ctx.t;
    let rows = match service::rows_of(&data) {
        Ok(rows) => rows,
        Err(key) => {
            let shown = Shown { bad_lines: vec![t.get(key).to_owned()], ..Shown::default() };
            return render(&req, ctx, staff, &state, None, shown).await;
        }
    };
    let done = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        Ok(service::import(conn, center.id, rows, staff.user_id, today, now))
    })
    .await?;
    let shown = match done {
        Ok(done) => Shown {
            imported: Some(t.fmt2("activity.imported", "months", done.months, "changed", done.changed)),
            ..Shown::default()
        },
        Err(ImportError::Invalid(lines)) => Shown {
            bad_lines: lines
                .iter()
                .map(|b| {
                    let column = b.column.map(|c| activity::label(c).map_or(c.to_owned(), |l| t.get(l).to_owned()));
                    let at = t.fmt("reports.bad_row", "line", b.line);
                    match column {
                        Some(c) => format!("{at} {c}: {}", t.get(b.key)),
                        None => format!("{at} {}", t.get(b.key)),
                    }
                })
                .collect(),
            ..Shown::default()
        },
        Err(ImportError::Db(e)) => return Err(e.into()),
    };
    render(&req, ctx, staff, &state, None, shown).await
}

/// Every month the center entered, in the import's columns.
pub async fn export(_ctx: PageCtx, staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let body = with_conn(&state, move |conn| {
        service::export_csv(conn, staff.center_id).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    })
    .await?;
    Ok(super::csv_response("activity.csv", body))
}
