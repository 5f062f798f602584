//! Mails the applicant a fresh personal link (the old one stops working; staff never see it).

use actix_web::{HttpRequest, HttpResponse, web};

use super::refused;
use crate::services::desk;
use crate::services::mail;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::respond::see_other;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

/// Mails the applicant a new personal link (the desk never sees it).
pub async fn send_link(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(desk::send_new_link(conn, staff, id, &env))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}?done=link"))),
        Err(e) => refused(&req, ctx, staff, state, Some(id), e).await,
    }
}
