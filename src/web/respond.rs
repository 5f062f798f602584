//! How handlers answer: a redirect after a POST, a page with the status it is shown with.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder};

/// 303 to a path of ours (after a POST, so that reloading the page does not send it again).
pub fn see_other(to: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.into())).finish()
}

/// A rendered page with its status: 200, or 409/422 when it shows why an action was refused.
pub fn page<R: Responder>(req: &HttpRequest, page: R, status: StatusCode) -> HttpResponse {
    page.customize().with_status(status).respond_to(req).map_into_boxed_body()
}
