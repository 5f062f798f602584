//! Lifting a no-show block on the case's person, with a reason (kept in the center's trail).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::case::case_page;
use crate::services::no_show::{self, LiftError};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::respond::see_other;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct LiftForm {
    #[serde(default)]
    reason: String,
}

pub async fn lift_block(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LiftForm>,
) -> Result<HttpResponse, AppError> {
    let (id, reason, now) = (id.into_inner(), form.into_inner().reason, state.clock.now());
    let done = with_conn(&state, move |conn| {
        // Another center's case looks like none.
        let case = crate::db::cases::find(conn, id)?.filter(|c| c.center_id == staff.center_id);
        let center = crate::db::centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        match case {
            None => Err(AppError::NotFound),
            Some(c) => Ok(no_show::lift(conn, &center, c.id, staff.user_id, &reason, now)),
        }
    })
    .await?;
    let (key, code) = match done {
        Ok(()) => return Ok(see_other(format!("/staff/cases/{id}?done=lifted#block-h"))),
        Err(LiftError::ReasonRequired) => (msg("no_show.reason_required"), StatusCode::UNPROCESSABLE_ENTITY),
        Err(LiftError::NoBlock) => (msg("no_show.no_block"), StatusCode::CONFLICT),
        Err(LiftError::Db(e)) => return Err(e.into()),
    };
    case_page(&req, ctx, staff, state, id, Some(key), code).await
}
