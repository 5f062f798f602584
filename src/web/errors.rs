//! The boundary error type and the error pages.
//!
//! Policy: a user sees a clear, translated message, the status code and, for server errors, the
//! request id; the log gets the cause (tracing-actix-web records it with the same request id).
//! No SQL, stack trace or internal name reaches a page.

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use askama::Template;
use tracing_actix_web::RequestId;

use super::ctx::PageCtx;
use super::i18n::{Lang, T, msg};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The request cannot be understood; the key names the message shown.
    #[error("bad request ({0})")]
    BadRequest(&'static str),
    /// The form's CSRF token is missing or does not match.
    #[error("CSRF check failed")]
    Csrf,
    /// Someone else changed the thing meanwhile.
    #[error("conflict ({0})")]
    Conflict(&'static str),
    #[error("payload too large")]
    TooLarge,
    /// The thing existed but is gone for good (an expired draft, a cancelled case's link).
    #[error("gone ({0})")]
    Gone(&'static str),
    /// A method the site does not use (PUT, DELETE, made-up ones).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Over a rate limit (the key names the message); retry after the seconds given.
    #[error("too many requests ({0})")]
    TooMany(&'static str, u32),
    /// The database is busy (a write lock not granted in time, no free connection): the
    /// request changed nothing and may simply be sent again.
    #[error("busy")]
    Busy,
    /// The request's body did not arrive in time.
    #[error("request timeout")]
    Timeout,
    /// A staff page without a live session: redirect to the sign-in page.
    #[error("sign-in required")]
    LoginRequired { next: String },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The message key of the page's explanation.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::BadRequest(key) | AppError::Conflict(key) | AppError::Gone(key) | AppError::TooMany(key, _) => {
                key
            }
            AppError::Busy => msg("error.busy"),
            AppError::Timeout => msg("error.timeout"),
            AppError::Csrf => msg("error.csrf"),
            other => default_message(other.status_code()),
        }
    }
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => msg("error.bad_request"),
        403 => msg("error.forbidden"),
        404 => msg("error.not_found"),
        405 => msg("error.method_not_allowed"),
        408 => msg("error.timeout"),
        409 => msg("error.conflict"),
        413 => msg("error.too_large"),
        415 => msg("error.bad_request"),
        429 => msg("error.too_many"),
        503 => msg("error.busy"),
        s if s >= 500 => msg("error.internal"),
        _ => msg("error.bad_request"),
    }
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => msg("error.title_forbidden"),
        410 => msg("error.title_gone"),
        429 | 503 => msg("error.title_busy"),
        404 => msg("error.title_not_found"),
        s if s >= 500 => msg("error.title_internal"),
        _ => msg("error.title_request"),
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooMany(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Timeout => StatusCode::REQUEST_TIMEOUT,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// An empty body: `error_pages` renders it with the request's language and id.
    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::LoginRequired { next } => {
                let target = format!("/staff/login?next={}", url_encode(next));
                HttpResponse::SeeOther().insert_header((header::LOCATION, target)).finish()
            }
            AppError::TooMany(_, seconds) => HttpResponse::build(self.status_code())
                .insert_header((header::RETRY_AFTER, seconds.to_string()))
                .finish(),
            AppError::Busy => {
                HttpResponse::build(self.status_code()).insert_header((header::RETRY_AFTER, "5")).finish()
            }
            AppError::MethodNotAllowed => {
                HttpResponse::build(self.status_code()).insert_header((header::ALLOW, "GET, HEAD, POST")).finish()
            }
            // The rest of the body will not be read: the connection ends with this answer.
            AppError::Timeout => {
                HttpResponse::build(self.status_code()).insert_header((header::CONNECTION, "close")).finish()
            }
            other => HttpResponse::build(other.status_code()).finish(),
        }
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e[1..].to_owned()).unwrap_or_default()
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        if crate::db::is_busy(&e) {
            tracing::warn!(error = %e, "database busy: answered 503");
            return AppError::Busy;
        }
        AppError::Internal(anyhow::Error::new(e).context("database query"))
    }
}

impl From<crate::services::access::AccessError> for AppError {
    fn from(e: crate::services::access::AccessError) -> Self {
        match e {
            crate::services::access::AccessError::NotFound => AppError::NotFound,
            crate::services::access::AccessError::NoConsent => AppError::Forbidden,
            crate::services::access::AccessError::Db(e) => e.into(),
        }
    }
}

impl From<crate::services::schedule::ScheduleError> for AppError {
    fn from(e: crate::services::schedule::ScheduleError) -> Self {
        use crate::services::schedule::ScheduleError as E;
        match e {
            E::NotFound => AppError::NotFound,
            // The form shows this one; reaching here means a handler forgot to.
            E::Overlap => AppError::BadRequest(crate::web::i18n::msg("schedule.overlap")),
            E::Db(e) => e.into(),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    /// No connection came free in time: the server is busy, not broken.
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %e, "no database connection in time: answered 503");
        AppError::Busy
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("rendering a template"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: PageCtx,
    t: T,
    status: u16,
    title_key: &'static str,
    message_key: &'static str,
    request_id: Option<&'a str>,
}

/// Renders every 4xx and 5xx response that has no page of its own (handler errors, unknown
/// routes, wrong methods, CSRF rejections) as a page in the visitor's language.
pub fn error_pages<B: MessageBody + 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    // A handler that rendered its own page for an error status (a form with its errors) keeps it.
    let has_page = res.response().error().is_none()
        && !matches!(res.response().body().size(), BodySize::None | BodySize::Sized(0));
    if !(status.is_client_error() || status.is_server_error()) || has_page {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let message_key = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(AppError::message_key)
        .unwrap_or_else(|| default_message(status));
    let lang = Lang::of_request(res.request());
    let request_id = res.request().extensions().get::<RequestId>().map(|id| id.to_string());
    if status.is_server_error() {
        // The cause goes to the log, with the id the page shows; never to the page.
        let cause = match res.response().error().map(|e| (e, e.as_error::<AppError>())) {
            Some((_, Some(AppError::Internal(err)))) => format!("{err:#}"),
            Some((e, _)) => e.to_string(),
            None => "no error attached".to_owned(),
        };
        tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), path = %crate::telemetry::request_path(res.request()), %status, cause, "request failed");
    }
    let page = ErrorPage {
        ctx: PageCtx::bare(res.request(), lang),
        t: T(lang),
        status: status.as_u16(),
        title_key: title_key(status),
        message_key,
        request_id: status.is_server_error().then_some(request_id.as_deref()).flatten(),
    };
    let html = page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the error page itself failed to render");
        format!("<!doctype html><title>{status}</title><p>{status}</p>")
    });
    let (req, old) = res.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    let new = new.content_type("text/html; charset=utf-8").body(html);
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, new).map_into_right_body()))
}

/// Unknown routes.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
