//! The applicant's request to correct or delete their data, sent from "what we hold about you":
//! it becomes a task for the center's admin with the statutory deadline; the page says so and
//! shows the request until it is answered. A form with errors comes back with its text.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::data::{RequestState, page};
use crate::domain::rights::{Kind, request_body};
use crate::services::rights::{self, RightsError};
use crate::web::apply::{load, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::form::Fields;
use crate::web::i18n::msg;
use crate::web::{AppState, with_conn};

pub async fn request(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let f = Fields::parse(&body)?;
    let kind = Kind::parse(f.get("kind")).ok_or(AppError::BadRequest(msg("error.bad_request")))?;
    let back = |errors: Vec<crate::domain::form::FieldError>| {
        let mut s = RequestState { errors: errors.into(), ..RequestState::default() };
        match kind {
            Kind::Correct => s.correct_body = f.get(kind.field()).to_owned(),
            Kind::Delete => s.delete_body = f.get(kind.field()).to_owned(),
        }
        s
    };
    let text = match request_body(kind, f.get(kind.field())) {
        Ok(t) => t,
        Err(e) => return page(&req, ctx, &state, token, back(e), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let d = load(&state, &token).await?;
    let now = state.clock.now();
    // Sent twice (a second tab, a double click): the request already open answers.
    with_conn(&state, move |conn| match rights::request(conn, &d.case, kind.as_str(), &text, now) {
        Ok(_) | Err(RightsError::AlreadyOpen) => Ok(()),
        Err(e) => Err(AppError::Internal(e.into())),
    })
    .await?;
    Ok(see_other(format!("/apply/{token}/data?requested={}#d-requests", kind.as_str())))
}
