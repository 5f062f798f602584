//! The booking page (GET): the case and its free times read in one trip to the database.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::times::{Shown, times_shown};
use crate::domain::CaseStatus;
use crate::services::questionnaire::Draft;
use crate::web::apply::{render, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "apply/book.html")]
pub struct BookPage {
    ctx: PageCtx,
    t: T,
    token: String,
    reference: String,
    version: i64,
    one_stop: bool,
    no_days: bool,
    /// The days' fieldsets (`apply/book_days.html`), rendered once and shared with the cache;
    /// inserted with `|safe`: that template escapes every value itself (labels of dates, times,
    /// zone and institution names — no applicant input).
    days_html: std::sync::Arc<String>,
    message: Option<&'static str>,
    /// The case is reserved: this page moves the visit.
    moving: bool,
}

#[allow(clippy::too_many_arguments)]
fn page_of(
    req: &HttpRequest,
    ctx: PageCtx,
    case: &crate::db::cases::Case,
    case_status: CaseStatus,
    (one_stop, no_days, days_html): Shown,
    token: &str,
    message: Option<&'static str>,
    status: StatusCode,
) -> HttpResponse {
    let page = BookPage {
        t: ctx.t,
        ctx,
        token: token.to_owned(),
        reference: case.reference.clone(),
        version: case.version,
        one_stop,
        no_days,
        days_html,
        message,
        moving: case_status == CaseStatus::Reserved,
    };
    render(req, page, status)
}

pub(super) async fn book_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
    message: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (center, case_id, lang, st) = (d.center.clone(), d.case.id, ctx.lang, state.clone());
    let shown = with_conn(state, move |conn| times_shown(conn, &st, &center, case_id, lang)).await?;
    Ok(page_of(req, ctx, &d.case, d.status, shown, token, message, status))
}

/// The booking page: the case and its free times read in one trip to the database.
pub async fn show(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let (t, st, lang) = (token.clone(), state.clone(), ctx.lang);
    let found = with_conn(&state, move |conn| {
        let Some((case, center)) = crate::db::cases::with_center_by_token(conn, &t)? else { return Ok(None) };
        let status: CaseStatus = case.status;
        let shown = match status {
            CaseStatus::Submitted | CaseStatus::NoShow | CaseStatus::Reserved => {
                Some(times_shown(conn, &st, &center, case.id, lang)?)
            }
            _ => None,
        };
        Ok(Some((case, status, shown)))
    })
    .await?;
    match found {
        None => Err(AppError::NotFound),
        Some((case, status, Some(shown))) => Ok(page_of(&req, ctx, &case, status, shown, &token, None, StatusCode::OK)),
        // A draft (expired or not) goes to its questionnaire, which says which.
        Some((_, CaseStatus::Draft, None)) => Ok(see_other(format!("/apply/{token}"))),
        Some((_, _, None)) => Ok(super::to_visit_page(&token)),
    }
}
