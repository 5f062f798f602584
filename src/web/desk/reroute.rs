//! Re-routing a case to other zones, with the reason the applicant is told.

use actix_web::{HttpRequest, HttpResponse, web};

use super::refused;
use crate::services::desk;
use crate::services::mail;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
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
    let fields = crate::web::form::Fields::parse(&body)?;
    let form =
        RerouteForm { version: fields.get("version").parse().unwrap_or(-1), reason: fields.get("reason").to_owned() };
    let zones = fields.all("zone");
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
