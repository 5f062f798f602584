//! The center's settings an admin keeps: where to go and how to reach the center (address and
//! room of the one-stop zone, phone, e-mail, directions, what to bring, coordinates). What is
//! saved here is on the center page, the visit page, every visit mail and the calendar file.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::center_contacts::{self, CenterContact};
use crate::db::{centers, users};
use crate::domain::center_contact::ContactForm;
use crate::domain::form::Errors;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::respond;
use crate::web::who::Admin;
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "staff/settings.html")]
pub struct SettingsPage {
    ctx: PageCtx,
    t: T,
    center_name: String,
    center_slug: String,
    form: ContactForm,
    errors: Errors,
    /// The saved values are the demo's samples.
    sample: bool,
    /// "Last saved on … by …".
    last_saved: Option<String>,
    saved: bool,
    /// The no-show policy (its own form below the details).
    policy: crate::services::no_show::PolicyForm,
    policy_errors: Errors,
    policy_saved: bool,
}

/// The no-show policy form as the page shows it: as typed (refused), or saved.
#[derive(Default)]
struct PolicyShown {
    form: Option<crate::services::no_show::PolicyForm>,
    errors: Errors,
    saved: bool,
}

#[allow(clippy::too_many_arguments)]
async fn settings_page(
    req: &HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: &web::Data<AppState>,
    form: Option<ContactForm>,
    errors: Errors,
    saved: bool,
    policy: PolicyShown,
) -> Result<HttpResponse, AppError> {
    let (center, row, by) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, admin.center_id)?.ok_or(AppError::Forbidden)?;
        let row = center_contacts::of_center(conn, center.id)?;
        let by = match row.updated_by {
            Some(id) => users::by_id(conn, id)?.map(|u| u.display_name),
            None => None,
        };
        Ok((center, row, by))
    })
    .await?;
    let (lang, t) = (ctx.lang, ctx.t);
    let last_saved = row
        .updated_at
        .filter(|_| !row.sample)
        .map(|at| crate::web::labels::last_saved(&t, lang, &center, at, by.as_deref()));
    let page = SettingsPage {
        center_name: lang.pick(&center.name_ko, &center.name_en).to_owned(),
        center_slug: center.slug.clone(),
        form: form.unwrap_or_else(|| row.details().form()),
        sample: row.sample,
        last_saved,
        errors,
        saved,
        policy: policy.form.unwrap_or_else(|| crate::services::no_show::PolicyForm::of(&center)),
        policy_errors: policy.errors,
        policy_saved: policy.saved,
        t: ctx.t,
        ctx,
    };
    let code = if page.errors.is_empty() && page.policy_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(respond::page(req, page, code))
}

pub async fn page(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    // After a save (POST, then this page: a reload does not send the form again).
    let saved = req.query_string() == "saved=1";
    let policy = PolicyShown { saved: req.query_string() == "policy_saved=1", ..PolicyShown::default() };
    settings_page(&req, ctx, admin, &state, None, Errors::default(), saved, policy).await
}

pub async fn save(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let contact = match form.parse() {
        Ok(c) => c,
        Err(errors) => {
            return settings_page(&req, ctx, admin, &state, Some(form), errors.into(), false, PolicyShown::default())
                .await;
        }
    };
    let now = state.clock.now();
    // Saved by the admin, the values are the center's own, no longer the demo's samples.
    let row = CenterContact::new(admin.center_id, contact, false, now, Some(admin.user_id));
    with_conn(&state, move |conn| {
        crate::db::write_tx(conn, |conn| {
            center_contacts::save(conn, &row)?;
            // What the privacy policy states may have changed: a new version if so.
            let wording = crate::services::questionnaire::CONSENT_VERSION;
            crate::db::policy_versions::current(conn, row.center_id, wording, &row, now)?;
            let (center, who) = (admin.center_id, Some(admin.user_id));
            use crate::db::center_changes::{self as changes, Detail, kind};
            changes::record(conn, center, who, now, kind::DETAILS_SAVED, None, &Detail::default())
        })?;
        Ok(())
    })
    .await?;
    Ok(respond::see_other("/staff/settings?saved=1"))
}

/// Saves the center's no-show policy (N no-shows within M months block K weeks).
pub async fn save_no_show_policy(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    form: web::Form<crate::services::no_show::PolicyForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let policy = match form.parse() {
        Ok(p) => p,
        Err(errors) => {
            let shown = PolicyShown { form: Some(form), errors: errors.into(), saved: false };
            return settings_page(&req, ctx, admin, &state, None, Errors::default(), false, shown).await;
        }
    };
    let now = state.clock.now();
    with_conn(&state, move |conn| {
        Ok(crate::services::no_show::set_policy(conn, admin.center_id, admin.user_id, &policy, now)?)
    })
    .await?;
    Ok(respond::see_other("/staff/settings?policy_saved=1#no-show-h"))
}
