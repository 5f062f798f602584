//! Booking the chosen time (POST): the seat is decided by the database.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::show::book_page;
use super::{applicant_op, to_visit_page};
use crate::domain::CaseStatus;
use crate::services::action::ActionError;
use crate::services::booking::{self, Leg};
use crate::web::apply::{load, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::{AppState, with_conn};

pub async fn book(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    if d.status == CaseStatus::Draft {
        return Ok(see_other(format!("/apply/{token}")));
    }
    let fields = crate::web::form::Fields::parse(&body)?;
    // The day whose times the form showed: a refusal shows that day's times again.
    let day = super::show::day_of(fields.get("day"));
    let legs = match Leg::parse_choice(fields.get("choice")) {
        Some(l) => l,
        None => {
            return book_page(
                &req,
                ctx,
                &state,
                &d,
                &token,
                day,
                Some(msg("apply.book.choose")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    if !matches!(d.status, CaseStatus::Submitted | CaseStatus::NoShow | CaseStatus::Reserved) {
        return Ok(to_visit_page(&token));
    }
    let (center, mut case, now) = (d.center.clone(), d.case.clone(), state.clock.now());
    // The version the form was made for: a replayed or stale form is a conflict, not a second
    // booking or move.
    if let Some(v) = fields.get("version").parse().ok() {
        case.version = v;
    }
    let op = applicant_op(&state, &token, now);
    let moving = case.status == CaseStatus::Reserved;
    let outcome = with_conn(&state, move |conn| Ok(booking::book_or_move(conn, &center, &case, &legs, &op))).await?;
    match outcome {
        Ok(_) if moving => Ok(see_other(format!("/apply/{token}/visit?changed=1"))),
        Ok(_) => Ok(see_other(format!("/apply/{token}/visit"))),
        // A double click, or the case moved on: show where it is now.
        Err(ActionError::Conflict | ActionError::WrongState) => Ok(see_other(format!("/apply/{token}/visit"))),
        Err(e) => {
            let (key, status) = crate::web::respond::refusal(e)?;
            book_page(&req, ctx, &state, &d, &token, day, Some(key), status).await
        }
    }
}
