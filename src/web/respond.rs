//! How handlers answer: a redirect after a POST, a page with the status it is shown with.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder};

use crate::services::action::ActionError;
use crate::web::errors::AppError;
use crate::web::i18n::msg;

/// 303 to a path of ours (after a POST, so that reloading the page does not send it again).
pub fn see_other(to: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.into())).finish()
}

/// A rendered page with its status: 200, or 409/422 when it shows why an action was refused.
pub fn page<R: Responder>(req: &HttpRequest, page: R, status: StatusCode) -> HttpResponse {
    page.customize().with_status(status).respond_to(req).map_into_boxed_body()
}

/// The one place a refused case action becomes what the page says: the message key and the
/// status to show it with, or the boundary error (404 for what the actor may not see, 500 for
/// the database). Pages that answer some reasons differently (a redirect, a field error) match
/// those first and hand the rest here.
pub fn refusal(e: ActionError) -> Result<(&'static str, StatusCode), AppError> {
    let conflict = StatusCode::CONFLICT;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(match e {
        ActionError::NotFound => return Err(AppError::NotFound),
        ActionError::Db(e) => return Err(e.into()),
        ActionError::Conflict => (msg("desk.changed"), conflict),
        ActionError::WrongState => (msg("desk.wrong_state"), conflict),
        ActionError::TooEarly => (msg("desk.too_early"), conflict),
        ActionError::Arrived => (msg("desk.arrived"), conflict),
        ActionError::NotToday => (msg("desk.not_today"), conflict),
        ActionError::NoAddress => (msg("desk.no_address"), conflict),
        ActionError::Taken => (msg("apply.book.taken"), conflict),
        ActionError::NotOffered | ActionError::WrongShape => (msg("apply.book.not_offered"), conflict),
        ActionError::PastCutoff => (msg("apply.visit.past_cutoff"), conflict),
        ActionError::Blocked(_) => (msg("no_show.blocked_short"), StatusCode::FORBIDDEN),
        ActionError::ReasonRequired => (msg("desk.reason_required"), invalid),
        ActionError::Characters => (msg("desk.reason_characters"), invalid),
        ActionError::NoZone => (msg("desk.no_zone"), invalid),
        ActionError::Invalid(errors) => (errors.first().map_or(msg("form.error_summary"), |e| e.key), invalid),
    })
}
