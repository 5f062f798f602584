//! The admin's people page, and the public page behind an invitation or reset link.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, msg};
use super::respond::see_other;
use super::who::Admin;
use super::{AppState, with_conn};
use crate::db::{centers, users};
use crate::domain::Role;
use crate::domain::form::{Errors, FieldError};
use crate::domain::invitation::InviteForm;
use crate::domain::password::PasswordError;
use crate::services::mail;
use crate::services::people::{self, PeopleError, SetPasswordError};

pub struct Person {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    zone: Option<String>,
    zone_code: String,
    active: bool,
    is_expert: bool,
    is_self: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/people.html")]
pub struct PeoplePage {
    ctx: PageCtx,
    t: T,
    people: Vec<Person>,
    zones: Vec<(String, String)>,
    form: InviteForm,
    errors: Errors,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    done: Option<String>,
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => msg("role.admin"),
        Role::Expert => msg("role.expert"),
        Role::Staff => msg("role.staff"),
    }
}

async fn people_page(
    req: &HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: &web::Data<AppState>,
    form: InviteForm,
    errors: Errors,
    notice: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let Admin { user_id: admin_id, center_id } = admin;
    let lang = ctx.lang;
    let (rows, zones) =
        with_conn(state, move |conn| Ok((users::all_of_center(conn, center_id)?, centers::zones_of(conn, center_id)?)))
            .await?;
    let people = rows
        .into_iter()
        .map(|u| {
            let zone = u.zone_id.and_then(|z| zones.iter().find(|(x, _)| x.id == z));
            Person {
                id: u.id,
                zone: zone.map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned()),
                zone_code: zone.map(|(_, k)| k.code.clone()).unwrap_or_default(),
                role: role_key(u.role),
                is_expert: u.role == Role::Expert,
                active: u.disabled_at.is_none(),
                is_self: u.id == admin_id,
                name: u.display_name,
                email: u.email,
            }
        })
        .collect();
    let page = PeoplePage {
        t: ctx.t,
        ctx,
        people,
        zones: zones.iter().map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned())).collect(),
        form,
        errors,
        notice,
    };
    let code = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(super::respond::page(req, page, code))
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "invited" => Some(msg("people.invited")),
        "disabled" => Some(msg("people.disabled_done")),
        "enabled" => Some(msg("people.enabled_done")),
        "reset" => Some(msg("people.reset_done")),
        "zone" => Some(msg("people.zone_done")),
        _ => None,
    }
}

pub async fn people(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = notice_of(query.done.as_deref());
    people_page(&req, ctx, admin, &state, InviteForm::default(), Errors::default(), notice).await
}

pub async fn invite(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let center_id = admin.center_id;
    let form = form.into_inner();
    let invitation = match form.parse() {
        Ok(i) => i,
        Err(errors) => return people_page(&req, ctx, admin, &state, form, errors.into(), None).await,
    };
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(people::invite(conn, center_id, &invitation, &env))
    })
    .await?;
    let error = match r {
        Ok(_) => return Ok(see_other("/staff/people?done=invited")),
        Err(PeopleError::Duplicate) => FieldError { field: "email", key: msg("people.email_taken") },
        // A zone the center does not run (only a crafted form names one).
        Err(PeopleError::ZoneRequired) => FieldError { field: "zone", key: msg("people.zone_required") },
        Err(PeopleError::Db(e)) => return Err(e.into()),
        Err(PeopleError::NotFound | PeopleError::NotYourself) => return Err(AppError::NotFound),
    };
    people_page(&req, ctx, admin, &state, form, vec![error].into(), None).await
}

#[derive(serde::Deserialize)]
pub struct ZoneForm {
    #[serde(default)]
    zone: String,
}

/// disable | enable | reset | zone, on one of the admin's people.
pub async fn act(
    _ctx: PageCtx,
    Admin { user_id: admin_id, center_id }: Admin,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    form: web::Form<ZoneForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let zone = form.into_inner().zone;
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let action2 = action.clone();
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(match action2.as_str() {
            "disable" => people::disable(conn, admin_id, center_id, id, now),
            "enable" => people::enable(conn, center_id, id),
            "reset" => people::send_reset(conn, center_id, id, &env),
            "zone" => people::assign_zone(conn, center_id, id, &zone),
            _ => Err(PeopleError::NotFound),
        })
    })
    .await?;
    match r {
        Ok(()) => {
            let done = match action.as_str() {
                "disable" => "disabled",
                "enable" => "enabled",
                "reset" => "reset",
                _ => "zone",
            };
            Ok(see_other(format!("/staff/people?done={done}")))
        }
        Err(PeopleError::NotYourself) => Err(AppError::Conflict(msg("people.not_yourself"))),
        Err(PeopleError::Db(e)) => Err(e.into()),
        // Another center's account, or a zone that is not on the list: only a crafted form.
        Err(PeopleError::NotFound | PeopleError::Duplicate | PeopleError::ZoneRequired) => Err(AppError::NotFound),
    }
}

// ----- setting a password through a link --------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "staff/password.html")]
pub struct PasswordPage {
    ctx: PageCtx,
    t: T,
    token: String,
    email: String,
    password_error: Option<&'static str>,
    confirm_error: Option<&'static str>,
}

fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res
}

pub async fn password_form(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let (t2, now) = (token.clone(), state.clock.now());
    let user = with_conn(&state, move |conn| match people::account_of_link(conn, &t2, now) {
        Ok(u) => Ok(Some(u)),
        Err(SetPasswordError::Db(e)) => Err(e.into()),
        Err(_) => Ok(None),
    })
    .await?;
    let Some(user) = user else { return Err(AppError::Gone(msg("people.link_invalid"))) };
    let page = PasswordPage { t: ctx.t, ctx, token, email: user.email, password_error: None, confirm_error: None };
    Ok(no_store(page.respond_to(&req).map_into_boxed_body()))
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn set_password(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let form = form.into_inner();
    let (t2, now) = (token.clone(), state.clock.now());
    let r =
        with_conn(&state, move |conn| Ok(people::set_password(conn, &t2, &form.password, &form.confirm, now))).await?;
    let (password_error, confirm_error) = match r {
        Ok(_) => return Ok(see_other("/staff/login?done=password")),
        Err(SetPasswordError::LinkInvalid) => return Err(AppError::Gone(msg("people.link_invalid"))),
        Err(SetPasswordError::Db(e)) => return Err(e.into()),
        Err(SetPasswordError::Mismatch) => (None, Some(msg("people.password_mismatch"))),
        Err(SetPasswordError::Weak(PasswordError::TooShort)) => (Some(msg("people.password_short")), None),
        Err(SetPasswordError::Weak(PasswordError::TooLong)) => (Some(msg("people.password_long")), None),
        Err(SetPasswordError::Weak(PasswordError::TooCommon)) => (Some(msg("people.password_common")), None),
    };
    let (t3, now) = (token.clone(), state.clock.now());
    let email =
        with_conn(&state, move |conn| Ok(people::account_of_link(conn, &t3, now).map(|u| u.email).unwrap_or_default()))
            .await?;
    let page = PasswordPage { t: ctx.t, ctx, token, email, password_error, confirm_error };
    Ok(no_store(super::respond::page(&req, page, StatusCode::UNPROCESSABLE_ENTITY)))
}
