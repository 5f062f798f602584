//! A walk-in: a visitor without a booking is registered and checked in at once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::refused;
use crate::db::centers;
use crate::domain::form::{Errors, FieldError};
use crate::domain::walk_in::WalkInForm;
use crate::services::action::ActionError;
use crate::services::desk;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, msg};
use crate::web::respond::{self, see_other};
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "staff/walk_in.html")]
pub struct WalkInPage {
    ctx: PageCtx,
    t: T,
    form: WalkInForm,
    zone_options: Vec<(String, String)>,
    errors: Errors,
}

async fn walk_in_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    form: WalkInForm,
    errors: Errors,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let zones = with_conn(state, move |conn| Ok(centers::zones_of(conn, staff.center_id)?)).await?;
    let page = WalkInPage {
        t: ctx.t,
        ctx,
        form,
        zone_options: zones
            .iter()
            .map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned()))
            .collect(),
        errors,
    };
    let code = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(respond::page(req, page, code))
}

pub async fn walk_in_form(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    walk_in_page(&req, ctx, staff, &state, WalkInForm::default(), Errors::default()).await
}

pub async fn walk_in(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<WalkInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let w = match form.parse() {
        Ok(w) => w,
        Err(errors) => return walk_in_page(&req, ctx, staff, &state, form, errors.into()).await,
    };
    let now = state.clock.now();
    let r = with_conn(&state, move |conn| {
        let w = desk::WalkIn {
            zone_kind: &w.zone_kind,
            company: &w.company,
            contact_name: &w.contact_name,
            phone: w.phone.as_deref(),
            consented: w.consented,
        };
        Ok(desk::walk_in(conn, staff, &w, now))
    })
    .await?;
    match r {
        Ok((case_id, _)) => Ok(see_other(format!("/staff/cases/{case_id}?walked_in=1"))),
        // A zone the center does not run (only a crafted form names one).
        Err(ActionError::NoZone) => {
            let errors = vec![FieldError { field: "zone", key: msg("walk_in.zone_required") }];
            walk_in_page(&req, ctx, staff, &state, form, errors.into()).await
        }
        Err(e) => refused(&req, ctx, staff, state, None, e).await,
    }
}
