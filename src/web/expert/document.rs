//! A document of a case routed to the expert's zone (the download is recorded).

use actix_web::{HttpResponse, web};

use crate::db::centers::{self};
use crate::db::{answers, desk as q, documents};
use crate::services::consult::{self};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

pub async fn document(
    _ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, doc_id) = path.into_inner();
    let now = state.clock.now();
    let doc = with_conn(&state, move |conn| {
        let case = match crate::db::cases::find(conn, case_id)? {
            Some(c) if c.center_id == expert.center_id => c,
            _ => return Err(AppError::NotFound),
        };
        let kind = centers::zones_of(conn, expert.center_id)?
            .into_iter()
            .find(|(z, _)| z.id == expert.zone_id)
            .map(|(_, k)| k.code)
            .unwrap_or_default();
        let mine = answers::zones(conn, case.id)?.iter().any(|z| z.zone_kind == kind)
            || consult::of_case(conn, case.id)?.iter().any(|c| c.zone_id == expert.zone_id);
        if !mine {
            return Err(AppError::NotFound);
        }
        let doc = documents::find_of_case(conn, case.id, doc_id)?.ok_or(AppError::NotFound)?;
        q::log_access(conn, expert.user_id, case.id, "document", now)?;
        Ok(doc)
    })
    .await?;
    crate::web::documents::send_document(&state, case_id, doc).await
}
