//! Referring a case to another zone after the consultation.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::consultation::OutcomeForm;
use crate::services::action::ActionError;
use crate::services::consult;
use crate::services::mail;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct ReferForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    case_id: i64,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    reason: String,
}

pub async fn refer(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReferForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let (zone, reason, version, case_id) = (form.zone.clone(), form.reason.clone(), form.version, form.case_id);
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(consult::refer(conn, expert, id, &zone, &reason, version, &env))
    })
    .await?;
    let (message, status) = match r {
        Ok(()) => return Ok(see_other(format!("/expert/cases/{case_id}"))),
        Err(ActionError::WrongState) => (msg("expert.refer_zone"), StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => crate::web::respond::refusal(e)?,
    };
    super::case::case_page(
        &req,
        ctx,
        expert,
        &state,
        case_id,
        OutcomeForm::default(),
        Vec::new(),
        Some(message),
        status,
    )
    .await
}
