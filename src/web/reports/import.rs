//! Importing past consultation records of the staff member's own center from the page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::ReportQuery;
use super::page::render;
use crate::services::import;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

/// Importing past records of the staff member's own center from the page (multipart; the CSRF
/// token travels in the action's query string).
pub async fn import(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let data = file_of(payload).await?;
    let now = state.clock.now();
    let r =
        with_conn(&state, move |conn| Ok(import::consultations_csv(conn, data.as_slice(), Some(staff.center_id), now)))
            .await?;
    let t = ctx.t;
    match r {
        Ok(done) => {
            let text = t
                .get("reports.imported")
                .replace("{added}", &done.added.to_string())
                .replace("{already}", &done.already.to_string());
            render(&req, ctx, staff, &state, ReportQuery::default(), Some(text), Vec::new(), StatusCode::OK).await
        }
        Err(import::ImportError::Invalid { rows, total }) => {
            let mut errors: Vec<String> =
                rows.iter().map(|b| format!("{} {}", t.fmt("reports.bad_row", "line", b.line), b.reason)).collect();
            if total > rows.len() {
                errors.push(t.fmt("reports.more_bad_rows", "n", total - rows.len()));
            }
            render(&req, ctx, staff, &state, ReportQuery::default(), None, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        Err(import::ImportError::Db(e)) => Err(e.into()),
    }
}

/// The multipart form's `file` field (at most 10 MiB).
pub(super) async fn file_of(mut payload: actix_multipart::Multipart) -> Result<Vec<u8>, AppError> {
    use futures_util::StreamExt;
    let mut data = Vec::new();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest(crate::web::i18n::msg("error.bad_request")))?;
        let is_file = field.name() == Some("file");
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest(crate::web::i18n::msg("error.bad_request")))?;
            if data.len() + chunk.len() > 10 * 1024 * 1024 {
                return Err(AppError::TooLarge);
            }
            if is_file {
                data.extend_from_slice(&chunk);
            }
        }
    }
    Ok(data)
}
