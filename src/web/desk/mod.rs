//! The staff desk: today's board, submissions, one case with its history, check-in, no-show,
//! re-routing, cancelling and moving on the applicant's behalf, walk-ins, closures and the
//! audit view — one file per page or action. Staff and admins of a center only (`who::Staff`);
//! every object is checked against their center (another center's case answers 404, like one
//! that does not exist).

mod audit;
mod board;
mod cancel;
mod case;
mod cases;
mod check_in;
mod closures;
mod document;
mod lift_block;
mod move_visit;
mod no_show;
mod reroute;
mod send_link;
mod walk_in;

pub use audit::audit;
pub use board::appointments;
pub use cancel::cancel;
pub use case::case;
pub use cases::cases;
pub use check_in::check_in;
pub use closures::{add_closure, closures, delete_closure};
pub use document::document;
pub use lift_block::lift_block;
pub use move_visit::{move_form, move_visit};
pub use no_show::no_show;
pub use reroute::reroute;
pub use send_link::send_link;
pub use walk_in::{walk_in, walk_in_form};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDateTime, TimeZone};

use crate::db::centers::Center;
use crate::services::action::ActionError;
use crate::services::availability;
use crate::services::booking;
use crate::web::AppState;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::who::Staff;

pub(crate) fn local(center: &Center, t: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    availability::time_zone(center).from_utc_datetime(&t)
}

/// Check-in and no-show forms carry the case version their page showed.
#[derive(serde::Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    back: String,
}

fn back_to(back: &str, fallback: String) -> String {
    let back = crate::web::public::safe_local_path(Some(back));
    if back.starts_with("/staff/") { back.to_owned() } else { fallback }
}

/// A refused action on an appointment: the page of its case (or the board).
async fn refused_for_appointment(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    appointment_id: i64,
    e: ActionError,
) -> Result<HttpResponse, AppError> {
    let case_id = crate::web::with_conn(&state, move |conn| {
        Ok(crate::db::appointments::appointment(conn, appointment_id)?.map(|a| a.case_id))
    })
    .await?;
    refused(req, ctx, staff, state, case_id, e).await
}

/// What a desk action's refusal shows: the case page with the message, or a plain error.
async fn refused(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    case_id: Option<i64>,
    e: ActionError,
) -> Result<HttpResponse, AppError> {
    let (key, code) = crate::web::respond::refusal(e)?;

    match case_id {
        Some(id) => case::case_page(req, ctx, staff, state, id, Some(key), code).await,
        None => board::day_page(req, ctx, staff, state, board::DayQuery::default(), Some(key), code).await,
    }
}

fn staff_op(state: &AppState, staff: Staff) -> booking::Op {
    booking::Op {
        by: staff.acting(),
        now: state.clock.now(),
        base_url: state.settings.base_url.clone(),
        mail_from: state.settings.mail_from.clone(),
        link: None,
        override_notice: None,
    }
}
