//! Logging: RUST_LOG wins over the configured filter.

use std::io::IsTerminal;

use actix_web::HttpMessage;

use tracing_subscriber::EnvFilter;

pub fn init(filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}

/// A request's path as logs may show it: the route's pattern when the path matched one
/// (`/apply/{token}/cancel`), else the path with every segment that looks like a secret token
/// (16 or more URL-safe characters) replaced by `{token}`; never the query string, which may
/// carry a CSRF token (`?_csrf=…` on multipart forms).
pub fn loggable_path(pattern: Option<&str>, path: &str) -> String {
    if let Some(p) = pattern {
        return p.to_owned();
    }
    path.split('/')
        .map(|seg| {
            let tokenish = seg.len() >= 16
                && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
            if tokenish { "{token}" } else { seg }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The path of a request for a log line (see `loggable_path`).
pub fn request_path(req: &actix_web::HttpRequest) -> String {
    loggable_path(req.match_pattern().as_deref(), req.path())
}

/// The root span of every request, as tracing-actix-web's default but with the path made
/// loggable (`loggable_path`) instead of the raw target with its query string.
pub struct RootSpan;

impl tracing_actix_web::RootSpanBuilder for RootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let path = loggable_path(request.match_pattern().as_deref(), request.path());
        let id = request.extensions().get::<tracing_actix_web::RequestId>().map(|id| id.to_string());
        tracing::info_span!(
            "request",
            http.method = %request.method(),
            http.target = %path,
            request_id = id.as_deref().unwrap_or("-"),
            http.status_code = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("http.status_code", status);
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn logged_paths_carry_no_token_and_no_query() {
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
        assert_eq!(
            loggable_path(Some("/apply/{token}/cancel"), &format!("/apply/{token}/cancel")),
            "/apply/{token}/cancel"
        );
        assert_eq!(loggable_path(None, &format!("/apply/{token}/nope")), "/apply/{token}/nope");
        assert_eq!(loggable_path(None, "/staff/cases/12"), "/staff/cases/12");
    }
}
