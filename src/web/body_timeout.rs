//! Request bodies must keep arriving: a body that stalls for `limits.body_idle` (or takes more
//! than `BODY_TOTAL` in all) is cut off and the request answered 408 with the connection
//! closed, whatever the handler was doing with it. (Request *heads* have actix's own timeout,
//! `client_request_timeout`, set in `startup`, which answers 408 too.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use futures_util::StreamExt;

use super::AppState;
use super::errors::AppError;

/// The longest a body may take in all (a 10 MB upload over a slow mobile link fits).
const BODY_TOTAL: Duration = Duration::from_secs(300);

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let has_body = req.headers().contains_key(actix_web::http::header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    if !has_body {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let idle = req.app_data::<web::Data<AppState>>().map_or(Duration::from_secs(10), |s| s.settings.limits.body_idle);
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = timed_out.clone();
    let inner = req.take_payload();
    let deadline = actix_web::rt::time::Instant::now() + BODY_TOTAL;
    let stream = futures_util::stream::unfold(Some(inner), move |state| {
        let flag = flag.clone();
        async move {
            let mut inner = state?;
            let now = actix_web::rt::time::Instant::now();
            let wait = idle.min(deadline.saturating_duration_since(now));
            match actix_web::rt::time::timeout(wait, inner.next()).await {
                Ok(Some(item)) => Some((item, Some(inner))),
                Ok(None) => None,
                Err(_) => {
                    flag.store(true, Ordering::SeqCst);
                    let e = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body timed out");
                    Some((Err(PayloadError::Io(e)), None))
                }
            }
        }
    });
    // Fused: multipart polls again after the end, which `unfold` alone does not allow.
    req.set_payload(Payload::Stream { payload: Box::pin(stream.fuse()) });
    let res = next.call(req).await?;
    if timed_out.load(Ordering::SeqCst) {
        let (req, _) = res.into_parts();
        return Ok(ServiceResponse::from_err(AppError::Timeout, req).map_into_right_body());
    }
    Ok(res.map_into_left_body())
}
