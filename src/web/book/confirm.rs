//! "Confirm or cancel" from the message sent some days before the visit: the GET shows the
//! visit page with the question first (mail scanners open links: a GET changes nothing); only
//! the POST confirms, once however many times it is pressed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::to_visit_page;
use super::visit::visit_page;
use crate::domain::CaseStatus;
use crate::services::booking;
use crate::web::apply::{load, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::{AppState, with_conn};

/// GET: the visit page asking first.
pub async fn ask(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    match d.status {
        CaseStatus::Reserved => visit_page(&req, ctx, &state, &d, &token, None, StatusCode::OK).await,
        _ => Ok(to_visit_page(&token)),
    }
}

/// POST: confirms every booked leg not confirmed yet.
pub async fn confirm(
    _ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    let (case, now) = (d.case.clone(), state.clock.now());
    let done = with_conn(&state, move |conn| Ok(booking::confirm(conn, &case, now))).await?;
    match done {
        Ok(true) => Ok(see_other(format!("/apply/{token}/visit?confirmed=1"))),
        Ok(false) => Ok(see_other(format!("/apply/{token}/visit?confirmed=already"))),
        Err(crate::services::action::ActionError::Db(e)) => Err(e.into()),
        // Not reserved (cancelled, moved on): the link says where the case stands.
        Err(_) => Ok(to_visit_page(&token)),
    }
}
