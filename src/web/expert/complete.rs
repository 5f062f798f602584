//! Recording a consultation's outcome.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::centers;
use crate::domain::consultation::OutcomeForm;
use crate::services::action::ActionError;
use crate::services::availability::time_zone;
use crate::services::consult;
use crate::services::mail;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct CompleteForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    case_id: i64,
    #[serde(flatten)]
    outcome: OutcomeForm,
}

pub async fn complete(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CompleteForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let outcome = form.outcome.clone();
    let version = form.version;
    let r = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(time_zone(&center), now);
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(consult::complete(conn, expert, id, &outcome, version, today, &env))
    })
    .await?;
    let case_id = form.case_id;
    match r {
        Ok(()) => Ok(see_other(format!("/expert/cases/{case_id}?done=1"))),
        Err(ActionError::Invalid(errors)) => {
            super::case::case_page(
                &req,
                ctx,
                expert,
                &state,
                case_id,
                form.outcome,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => {
            let (key, status) = crate::web::respond::refusal(e)?;
            super::case::case_page(&req, ctx, expert, &state, case_id, form.outcome, Vec::new(), Some(key), status)
                .await
        }
    }
}
