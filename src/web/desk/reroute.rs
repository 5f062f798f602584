//! Re-routing a case to other zones, with the reason the applicant is told.

use actix_web::{HttpRequest, HttpResponse, web};

use super::refused;
use crate::services::desk;
use crate::services::mail;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::respond::see_other;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct RerouteForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
}

pub async fn reroute(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let form = RerouteForm { version: get("version").parse().unwrap_or(-1), reason: get("reason") };
    let zones: Vec<String> = pairs.iter().filter(|(k, _)| k == "zone").map(|(_, v)| v.clone()).collect();
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(desk::reroute(conn, staff, id, &zones, &form.reason, form.version, &env))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}"))),
        Err(e) => refused(&req, ctx, staff, state, Some(id), e).await,
    }
}
