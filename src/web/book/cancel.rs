//! Cancelling the visit from the applicant's link, with a reason.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::visit::visit_page;
use super::{applicant_op, to_visit_page};
use crate::domain::CaseStatus;
use crate::services::action::ActionError;
use crate::services::booking;
use crate::web::apply::{load, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    if !matches!(d.status, CaseStatus::Reserved | CaseStatus::Submitted) {
        return Ok(to_visit_page(&token));
    }
    let reason = match crate::domain::text::required_line(&form.into_inner().reason, 500) {
        Ok(r) => r,
        Err(e) => {
            let key = match e {
                crate::domain::text::TextError::Characters => msg("apply.error.characters"),
                crate::domain::text::TextError::TooLong => msg("apply.error.too_long"),
                crate::domain::text::TextError::Empty => msg("apply.visit.reason_required"),
            };
            return visit_page(&req, ctx, &state, &d, &token, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (case, op) = (d.case.clone(), applicant_op(&state, &token, state.clock.now()));
    let outcome = with_conn(&state, move |conn| Ok(booking::cancel(conn, &case, &reason, &op))).await?;
    match outcome {
        Ok(()) => Ok(see_other(format!("/apply/{token}/visit"))),
        // Cancelled meanwhile (a replay): the link now says so.
        Err(ActionError::Conflict | ActionError::WrongState) => Ok(see_other(format!("/apply/{token}/visit"))),
        Err(e) => {
            let (key, status) = crate::web::respond::refusal(e)?;
            visit_page(&req, ctx, &state, &d, &token, Some(key), status).await
        }
    }
}
