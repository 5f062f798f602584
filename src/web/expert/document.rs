//! A document of a case routed to the expert's zone (the download is recorded).

use actix_web::{HttpResponse, web};

use crate::services::access;
use crate::web::errors::AppError;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

/// A document of a case routed to the expert's zone (the download is recorded).
pub async fn document(
    expert: Expert,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, doc_id) = path.into_inner();
    let now = state.clock.now();
    let doc =
        with_conn(&state, move |conn| Ok(access::document_for_expert(conn, expert, case_id, doc_id, now)?)).await?;
    crate::web::documents::send_document(&state, case_id, doc).await
}
