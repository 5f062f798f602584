//! Booking the chosen time (POST): the seat is decided by the database.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::show::book_page;
use super::{applicant_op, ended};
use crate::domain::CaseStatus;
use crate::services::booking::{self, BookError, Leg};
use crate::services::case_flow::FireError;
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
    let choice = fields.get("choice");
    let legs: Option<Vec<Leg>> = choice.split(',').filter(|s| !s.is_empty()).map(Leg::parse).collect();
    let legs = match legs {
        Some(l) if !l.is_empty() => l,
        _ => {
            return book_page(
                &req,
                ctx,
                &state,
                &d,
                &token,
                Some(msg("apply.book.choose")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    if !matches!(d.status, CaseStatus::Submitted | CaseStatus::NoShow | CaseStatus::Reserved) {
        return Err(ended(d.status));
    }
    let (center, mut case, now) = (d.center.clone(), d.case.clone(), state.clock.now());
    // The version the form was made for: a replayed or stale form is a conflict, not a second
    // booking or move.
    if let Some(v) = fields.get("version").parse().ok() {
        case.version = v;
    }
    let moving = d.status == CaseStatus::Reserved;
    let op = applicant_op(&state, &token, now);
    let outcome = with_conn(&state, move |conn| {
        let result = if moving {
            booking::reschedule(conn, &center, &case, &legs, &op)
        } else {
            booking::reserve(conn, &center, &case, &legs, &op)
        };
        match result {
            Ok(ids) => Ok(Ok(ids)),
            Err(BookError::Db(e)) => Err(e.into()),
            Err(e) => Ok(Err(e)),
        }
    })
    .await?;
    match outcome {
        Ok(_) => Ok(see_other(format!("/apply/{token}/visit"))),
        // A double click, or the case moved on: show where it is now.
        Err(BookError::Fire(FireError::Conflict | FireError::Refused(_))) => {
            Ok(see_other(format!("/apply/{token}/visit")))
        }
        Err(BookError::PastCutoff) => {
            book_page(&req, ctx, &state, &d, &token, Some(msg("apply.visit.past_cutoff")), StatusCode::CONFLICT).await
        }
        Err(BookError::Taken) => {
            book_page(&req, ctx, &state, &d, &token, Some(msg("apply.book.taken")), StatusCode::CONFLICT).await
        }
        Err(_) => {
            book_page(&req, ctx, &state, &d, &token, Some(msg("apply.book.not_offered")), StatusCode::CONFLICT).await
        }
    }
}
