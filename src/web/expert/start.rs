//! Starting a consultation with a waiting visitor (two experts never start the same one).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::services::action::ActionError;
use crate::services::consult;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i64,
}

pub async fn start(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, version, now) = (id.into_inner(), form.version, state.clock.now());
    let r = with_conn(&state, move |conn| Ok(consult::start(conn, expert, id, version, now))).await?;
    match r {
        Ok(_) => {
            let case_id =
                with_conn(&state, move |conn| Ok(crate::db::appointments::appointment(conn, id)?.map(|a| a.case_id)))
                    .await?;
            Ok(see_other(format!("/expert/cases/{}?started=1", case_id.unwrap_or_default())))
        }
        // Someone else called this visitor in first, or the case moved on.
        Err(ActionError::Conflict | ActionError::WrongState) => {
            super::queue::queue_page(&req, ctx, expert, &state, None, Some(msg("expert.taken")), StatusCode::CONFLICT)
                .await
        }
        Err(e) => {
            let (key, status) = crate::web::respond::refusal(e)?;
            super::queue::queue_page(&req, ctx, expert, &state, None, Some(key), status).await
        }
    }
}
