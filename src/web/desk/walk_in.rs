//! A walk-in: a visitor without a booking is registered and checked in at once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::refused;
use crate::db::centers;
use crate::services::desk::{self, DeskError};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, msg};
use crate::web::respond::{self, see_other};
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize, Default, Clone)]
pub struct WalkInForm {
    #[serde(default)]
    zone: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/walk_in.html")]
pub struct WalkInPage {
    ctx: PageCtx,
    t: T,
    form: WalkInForm,
    zone_options: Vec<(String, String)>,
    zone_error: Option<&'static str>,
    company_error: Option<&'static str>,
    name_error: Option<&'static str>,
    phone_error: Option<&'static str>,
    has_errors: bool,
}

async fn walk_in_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    form: WalkInForm,
    errors: [Option<&'static str>; 4],
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let zones = with_conn(state, move |conn| Ok(centers::zones_of(conn, staff.center_id)?)).await?;
    let has_errors = errors.iter().any(Option::is_some);
    let page = WalkInPage {
        t: ctx.t,
        ctx,
        form,
        zone_options: zones
            .iter()
            .map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned()))
            .collect(),
        zone_error: errors[0],
        company_error: errors[1],
        name_error: errors[2],
        phone_error: errors[3],
        has_errors,
    };
    let code = if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(respond::page(req, page, code))
}

pub async fn walk_in_form(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    walk_in_page(&req, ctx, staff, &state, WalkInForm::default(), [None; 4]).await
}

pub async fn walk_in(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<WalkInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = [None; 4];
    if form.zone.is_empty() {
        errors[0] = Some(msg("walk_in.zone_required"));
    }
    use crate::domain::text::{TextError, required_line};
    match required_line(&form.company, 100) {
        Ok(_) => {}
        Err(TextError::Characters) => errors[1] = Some(msg("apply.error.characters")),
        Err(_) => errors[1] = Some(msg("walk_in.company_required")),
    }
    match required_line(&form.contact_name, 50) {
        Ok(_) => {}
        Err(TextError::Characters) => errors[2] = Some(msg("apply.error.characters")),
        Err(_) => errors[2] = Some(msg("walk_in.name_required")),
    }
    let phone = if form.phone.trim().is_empty() {
        None
    } else {
        match crate::domain::contact::Phone::parse(form.phone.trim()) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(_) => {
                errors[3] = Some(msg("walk_in.phone_invalid"));
                None
            }
        }
    };
    if errors.iter().any(Option::is_some) {
        return walk_in_page(&req, ctx, staff, &state, form, errors).await;
    }
    let now = state.clock.now();
    let f = form.clone();
    let r = with_conn(&state, move |conn| {
        let w = desk::WalkIn {
            zone_kind: &f.zone,
            company: f.company.trim(),
            contact_name: f.contact_name.trim(),
            phone: phone.as_deref(),
        };
        Ok(desk::walk_in(conn, staff, &w, now))
    })
    .await?;
    match r {
        Ok((case_id, _)) => Ok(see_other(format!("/staff/cases/{case_id}"))),
        Err(DeskError::NoZone) => {
            walk_in_page(&req, ctx, staff, &state, form, [Some(msg("walk_in.zone_required")), None, None, None]).await
        }
        Err(e) => refused(&req, ctx, staff, state, None, e).await,
    }
}
