//! Check-in: a visitor of today's visit arrives and gets the lobby ticket.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{VersionForm, back_to, refused_for_appointment};
use crate::services::desk;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::respond::see_other;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

pub async fn check_in(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form, now) = (id.into_inner(), form.into_inner(), state.clock.now());
    let version = form.version;
    let r = with_conn(&state, move |conn| Ok(desk::check_in(conn, staff, id, version, now))).await?;
    match r {
        // Back to the board, which announces the ticket at the top and returns to the row.
        Ok(_) => {
            let back = back_to(&form.back, "/staff/appointments".into());
            let sep = if back.contains('?') { '&' } else { '?' };
            Ok(see_other(format!("{back}{sep}checked_in={id}#appt-{id}")))
        }
        Err(e) => refused_for_appointment(&req, ctx, staff, state, id, e).await,
    }
}
