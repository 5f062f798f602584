//! A document of a case, downloaded by the desk (the download is recorded).

use actix_web::{HttpResponse, web};

use crate::services::access;
use crate::web::errors::AppError;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

/// A document of a case of the staff member's center (the download is recorded).
pub async fn document(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, doc_id) = path.into_inner();
    let now = state.clock.now();
    let doc = with_conn(&state, move |conn| Ok(access::document_for_staff(conn, staff, case_id, doc_id, now)?)).await?;
    crate::web::documents::send_document(&state, case_id, doc).await
}
