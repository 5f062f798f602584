//! Cancelling a case's visit on the applicant's behalf, with a reason.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{refused, staff_op};
use crate::services::action::ActionError;
use crate::services::booking;
use crate::services::desk;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::respond::see_other;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let reason = match crate::domain::text::required_line(&form.reason, 500) {
        Ok(r) => r,
        Err(e) => return refused(&req, ctx, staff, state, Some(id), ActionError::from(e)).await,
    };
    let op = staff_op(&state, staff);
    let r = with_conn(&state, move |conn| {
        let mut case = match desk::case_of_center(conn, staff, id) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        case.version = form.version;
        Ok(booking::cancel(conn, &case, &reason, &op))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}"))),
        Err(e) => refused(&req, ctx, staff, state, Some(id), e).await,
    }
}
