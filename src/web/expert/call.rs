//! The lobby call of an open consultation: call the visitor again, or "did not come" (back in
//! line once, then not attended).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::consultation::OutcomeForm;
use crate::services::consult::{self, NotHere};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct CallForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    case_id: i64,
}

/// The ticket is shown and announced on the lobby board again.
pub async fn recall(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CallForm>,
) -> Result<HttpResponse, AppError> {
    let (id, case_id, now) = (id.into_inner(), form.case_id, state.clock.now());
    match with_conn(&state, move |conn| Ok(consult::recall(conn, expert, id, now))).await? {
        Ok(()) => Ok(see_other(format!("/expert/cases/{case_id}?recalled=1"))),
        Err(e) => refused(&req, ctx, expert, &state, case_id, e).await,
    }
}

/// Back in line (the queue says so), or the second time not attended.
pub async fn not_here(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CallForm>,
) -> Result<HttpResponse, AppError> {
    let (id, version, case_id, now) = (id.into_inner(), form.version, form.case_id, state.clock.now());
    match with_conn(&state, move |conn| Ok(consult::not_here(conn, expert, id, version, now))).await? {
        Ok(NotHere::BackInLine) => Ok(see_other("/expert?said=back_in_line".to_owned())),
        Ok(NotHere::NoShow) => Ok(see_other("/expert?said=no_show".to_owned())),
        Err(e) => refused(&req, ctx, expert, &state, case_id, e).await,
    }
}

async fn refused(
    req: &HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: &web::Data<AppState>,
    case_id: i64,
    e: crate::services::action::ActionError,
) -> Result<HttpResponse, AppError> {
    let (message, status) = match e {
        // A double click: the first press removed the call (the case page checks access).
        crate::services::action::ActionError::NotFound => {
            (crate::web::i18n::msg("desk.changed"), actix_web::http::StatusCode::CONFLICT)
        }
        e => crate::web::respond::refusal(e)?,
    };
    super::case::case_page(req, ctx, expert, state, case_id, OutcomeForm::default(), Vec::new(), Some(message), status)
        .await
}
