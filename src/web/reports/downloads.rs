//! The center's CSV downloads: the status report and the consultation records (an export of
//! personal data, recorded).

use actix_web::{HttpResponse, web};

use super::{ReportQuery, csv_response, dates};
use crate::db::centers;
use crate::services::reports;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

pub async fn status_csv(
    _ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let center =
        with_conn(&state, move |conn| Ok(centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?)).await?;
    let (as_of, compare) = dates(&state, &center, &query);
    let body = with_conn(&state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, Some(staff.center_id))?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, Some(staff.center_id))?);
        }
        reports::render_status(&out, true, false).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    })
    .await?;
    Ok(csv_response(&format!("onestop-status-{}-{as_of}.csv", center.slug), body))
}

pub async fn records_csv(_ctx: PageCtx, staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (slug, body) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        // Exporting the records reads personal data (companies, business numbers): recorded.
        record_export(conn, staff, now)?;
        Ok((center.slug, reports::records_csv(conn, staff.center_id).map_err(AppError::Internal)?))
    })
    .await?;
    Ok(csv_response(&format!("consultations-{slug}.csv"), body))
}

/// The status (as of the day, and the compared day) and the records as one Excel workbook.
pub async fn report_xlsx(
    _ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let center =
        with_conn(&state, move |conn| Ok(centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?)).await?;
    let (as_of, compare) = dates(&state, &center, &query);
    let now = state.clock.now();
    let body = with_conn(&state, move |conn| {
        let mut status = vec![reports::onestop_status(conn, as_of, Some(staff.center_id))?];
        if let Some(d) = compare {
            status.push(reports::onestop_status(conn, d, Some(staff.center_id))?);
        }
        // The records carry companies and business numbers: the export is recorded.
        record_export(conn, staff, now)?;
        let records = reports::records(conn, staff.center_id).map_err(AppError::Internal)?;
        crate::services::xlsx::report(&status, &records).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"onestop-{}-{as_of}.xlsx\"", center.slug),
        ))
        .body(body))
}

/// An export of the records reads personal data (companies, business numbers): recorded.
fn record_export(
    conn: &mut crate::db::DbConn,
    staff: Staff,
    now: chrono::NaiveDateTime,
) -> Result<(), crate::services::access::AccessError> {
    let reporting = crate::services::access::Purpose::Reporting;
    crate::services::access::record(conn, staff.user_id, None, "export_consultations", None, reporting, now)
}
