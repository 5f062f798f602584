//! Moving (or booking) a visit on the applicant's behalf.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::{refused, staff_op};
use crate::db::centers;
use crate::services::action::ActionError;
use crate::services::availability;
use crate::services::booking::{self, Leg};
use crate::services::desk;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, msg};
use crate::web::respond::{self, see_other};
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "staff/move.html")]
pub struct MovePage {
    ctx: PageCtx,
    t: T,
    id: i64,
    version: i64,
    reference: String,
    days: Vec<crate::web::book::times::Day>,
    message: Option<&'static str>,
    /// Staff override the minimum notice (with a reason): times from now on.
    override_mode: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct MoveQuery {
    #[serde(rename = "override")]
    override_notice: Option<String>,
}

pub async fn move_form(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<MoveQuery>,
) -> Result<HttpResponse, AppError> {
    let override_mode = query.override_notice.as_deref() == Some("1");
    move_page(&req, ctx, staff, state, id.into_inner(), None, StatusCode::OK, override_mode).await
}

#[allow(clippy::too_many_arguments)]
async fn move_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    message: Option<&'static str>,
    code: StatusCode,
    override_mode: bool,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let lang = ctx.lang;
    let (case, times, institutions) = with_conn(&state, move |conn| {
        let case = desk::case_of_center(conn, staff, id).map_err(|_| AppError::NotFound)?;
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let times = availability::for_case_with(conn, &center, case.id, now, override_mode)?;
        Ok((case, times, centers::institutions(conn)?))
    })
    .await?;
    let (_, days) = crate::web::book::times::days_of(lang, &times, &institutions, None);
    let page = MovePage {
        t: ctx.t,
        ctx,
        id: case.id,
        version: case.version,
        reference: case.reference,
        days,
        message,
        override_mode,
    };
    Ok(respond::page(req, page, code))
}

pub async fn move_visit(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fields = crate::web::form::Fields::parse(&body)?;
    let get = |k: &str| fields.get(k).to_owned();
    let override_mode = get("override") == "1";
    let Some(legs) = Leg::parse_choice(&get("choice")) else {
        return move_page(
            &req,
            ctx,
            staff,
            state,
            id,
            Some(msg("apply.book.choose")),
            StatusCode::UNPROCESSABLE_ENTITY,
            override_mode,
        )
        .await;
    };
    let reason = crate::domain::text::single_line(&get("override_reason"), 500);
    let reason_problem = match &reason {
        Err(crate::domain::text::TextError::Characters) => Some(msg("desk.reason_characters")),
        Err(_) => Some(msg("desk.override_reason")),
        Ok(None) if override_mode => Some(msg("desk.override_reason")),
        Ok(_) => None,
    };
    if let Some(key) = reason_problem {
        return move_page(&req, ctx, staff, state, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY, true).await;
    }
    let reason = reason.ok().flatten().unwrap_or_default();
    let version: i64 = get("version").parse().unwrap_or(-1);
    let mut op = staff_op(&state, staff);
    op.override_notice = override_mode.then_some(reason);
    let r = with_conn(&state, move |conn| {
        let mut case = match desk::case_of_center(conn, staff, id) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        case.version = version;
        Ok(booking::book_or_move(conn, &center, &case, &legs, &op))
    })
    .await?;
    match r {
        Ok(_) => Ok(see_other(format!("/staff/cases/{id}"))),
        // The time is gone or not offered: the same choices again, with why.
        Err(e @ (ActionError::Taken | ActionError::NotOffered | ActionError::WrongShape)) => {
            let (key, status) = respond::refusal(e)?;
            move_page(&req, ctx, staff, state, id, Some(key), status, override_mode).await
        }
        Err(e) => refused(&req, ctx, staff, state, Some(id), e).await,
    }
}
