//! CSRF protection for every state-changing request, enforced in one middleware so that no
//! handler can forget it.
//!
//! Signed double-submit: a random value lives in an HttpOnly cookie; forms carry
//! `HMAC-SHA256(secret, value)` in the hidden field `_csrf` (multipart forms put it in the
//! action's query string). An `Origin` header, when the browser sends one, must be our own
//! (`null` — a sandboxed frame, a `data:` page, a cross-site redirect — is refused); without one,
//! a `Referer`, when sent, must be a page of ours. Methods the site does not use answer 405
//! before any check. The cookie's value is replaced at sign-in and sign-out (`rotate`), so that a
//! token seen before either is worthless after.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::AppState;
use super::errors::AppError;

/// The token for this request's forms, put into the request's extensions.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub const FIELD: &str = "_csrf";
/// Largest urlencoded body the check reads (forms are small; uploads are multipart).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The form token for a cookie value (also used by `onestop bench prepare`).
pub fn sign(secret: &[u8], value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"csrf:");
    mac.update(value.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn verify(secret: &[u8], value: &str, token: &str) -> bool {
    let Ok(raw) = URL_SAFE_NO_PAD.decode(token) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"csrf:");
    mac.update(value.as_bytes());
    mac.verify_slice(&raw).is_ok()
}

fn well_formed(value: &str) -> bool {
    value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn origin_of(url: &str) -> &str {
    // scheme://host[:port] — everything before the first '/' after the scheme.
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => &url[..i + 3 + j],
            None => url,
        },
        None => url,
    }
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state =
        req.app_data::<web::Data<AppState>>().cloned().expect("AppState is registered before the middleware runs");
    let cookie_name = state.cookie_name("csrf");
    let existing = req.cookie(&cookie_name).map(|c| c.value().to_owned()).filter(|v| well_formed(v));
    let value = existing.clone().unwrap_or_else(crate::token::new_token);
    let secret = state.settings.secret.expose().to_vec();
    req.extensions_mut().insert(CsrfToken(sign(&secret, &value)));

    // Only GET, HEAD and POST are routes here; anything else (PUT, DELETE, made-up methods) is
    // "method not allowed", not a CSRF refusal.
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::POST) {
        return Ok(req.error_response(AppError::MethodNotAllowed).map_into_right_body());
    }
    let unsafe_method = *req.method() == Method::POST;
    if unsafe_method {
        let ok = match existing {
            None => Ok(false),
            Some(ref v) => check_request(&mut req, &state, &secret, v).await,
        };
        // Refusals become responses here, so that the error pages and the security headers
        // of the outer middlewares apply to them too.
        let ok = match ok {
            Ok(ok) => ok,
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        };
        if !ok {
            tracing::info!(path = %crate::telemetry::request_path(req.request()), "CSRF check failed");
            return Ok(req.error_response(AppError::Csrf).map_into_right_body());
        }
    }

    let mut res = next.call(req).await?;
    if unsafe_method {
        // Whatever the request changed, pages computed before it are not reused.
        state.times.changed();
    }
    let rotated = res.response().cookies().any(|c| c.name() == cookie_name);
    if existing.is_none() && !rotated {
        let mut cookie = rotate(&state);
        cookie.set_value(value);
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res.map_into_left_body())
}

/// A fresh cookie value (sign-in and sign-out call this): the response carries the new cookie,
/// and the forms of the next page are signed with it.
pub fn rotate(state: &AppState) -> Cookie<'static> {
    Cookie::build(state.cookie_name("csrf"), crate::token::new_token())
        .path("/")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(7))
        .finish()
}

/// Reads the token from the form (and puts the body back for the handler) or, for multipart
/// bodies, from the query string.
async fn check_request(
    req: &mut ServiceRequest,
    state: &AppState,
    secret: &[u8],
    value: &str,
) -> Result<bool, AppError> {
    let own = origin_of(&state.settings.base_url);
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        // `null` included: a request from an opaque origin is never one of our forms.
        if origin.to_str().ok() != Some(own) {
            return Ok(false);
        }
    } else if let Some(referer) = req.headers().get(header::REFERER) {
        let ours = referer
            .to_str()
            .ok()
            .is_some_and(|r| r == own || r.strip_prefix(own).is_some_and(|rest| rest.starts_with('/')));
        if !ours {
            return Ok(false);
        }
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let token = if content_type.starts_with("application/x-www-form-urlencoded") {
        let mut body = web::BytesMut::new();
        let mut payload = req.take_payload();
        use futures_util::StreamExt;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest(crate::i18n::msg("error.bad_request")))?;
            if body.len() + chunk.len() > MAX_FORM_BYTES {
                return Err(AppError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v));
        req.set_payload(actix_web::dev::Payload::from(body));
        token
    } else {
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v))
    };
    Ok(token.is_some_and(|t| verify(secret, value, &t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_with_its_cookie_value_and_secret() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let value = crate::token::new_token();
        let token = sign(secret, &value);
        assert!(verify(secret, &value, &token));
        assert!(!verify(secret, &crate::token::new_token(), &token));
        assert!(!verify(b"another secret of thirty-two bytes", &value, &token));
        assert!(!verify(secret, &value, "garbage!"));
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("https://onestop.example/sub"), "https://onestop.example");
    }
}
