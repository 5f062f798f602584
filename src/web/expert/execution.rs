//! Recording an amount executed after a finance consultation (weeks later, from the follow-ups).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::centers;
use crate::services::availability::time_zone;
use crate::services::consult;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct ExecutionForm {
    #[serde(default)]
    executed_won: String,
    #[serde(default)]
    executed_on: String,
}

pub async fn record_execution(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ExecutionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, f, now) = (id.into_inner(), form.into_inner(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(time_zone(&center), now);
        Ok(consult::record_execution(conn, expert, id, &f.executed_won, &f.executed_on, today, now))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other("/expert/follow-ups")),
        Err(e) => {
            let (key, status) = crate::web::respond::refusal(e)?;
            super::follow_ups::follow_ups_page(&req, ctx, expert, &state, Some(key), status).await
        }
    }
}
