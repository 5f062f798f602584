//! "Call next" (POST): the zone's next waiting visitor is started and their pre-brief opens.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::centers;
use crate::services::availability::day_range;
use crate::services::consult;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

pub async fn call_next(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let called = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(crate::services::availability::time_zone(&center), now);
        let called = consult::call_next(conn, expert, day_range(&center, today), now);
        Ok(match called {
            Ok(Some((appt, _))) => Ok(crate::db::appointments::appointment(conn, appt)?.map(|a| a.case_id)),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        })
    })
    .await?;
    match called {
        Ok(Some(case_id)) => Ok(see_other(format!("/expert/cases/{case_id}?started=1"))),
        Ok(None) => {
            super::queue::queue_page(
                &req,
                ctx,
                expert,
                &state,
                None,
                Some(msg("expert.nobody_waiting")),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (key, status) = crate::web::respond::refusal(e)?;
            super::queue::queue_page(&req, ctx, expert, &state, None, Some(key), status).await
        }
    }
}
