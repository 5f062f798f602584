//! A document of a case, downloaded by the desk (the download is recorded).

use actix_web::{HttpResponse, web};

use crate::db::{desk as q, documents};
use crate::services::desk::{self};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

/// A document of a case of the staff member's center (the download is recorded).
pub async fn document(
    _ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, doc_id) = path.into_inner();
    let now = state.clock.now();
    let doc = with_conn(&state, move |conn| {
        let case = desk::case_of_center(conn, staff, case_id).map_err(|_| AppError::NotFound)?;
        let doc = documents::find_of_case(conn, case.id, doc_id)?.ok_or(AppError::NotFound)?;
        q::log_access(conn, staff.user_id, case.id, "document", now)?;
        Ok(doc)
    })
    .await?;
    crate::web::documents::send_document(&state, case_id, doc).await
}
