//! The privacy policy (개인정보 처리방침) of each center, generated from its settings: purposes,
//! items, retention, the third parties and what they receive, destruction, the applicant's
//! rights and how to use them, and the privacy officer. Each center's versions are kept
//! (`db::policy_versions`: a new one when what the policy states changes); a consent records
//! the label of the version in force, and `?version=` shows an earlier one with the values it
//! stated. `/privacy` lists the centers' policies (the footer links there).

use actix_web::{Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::{center_contacts, centers};
use crate::services::questionnaire::RETENTION_YEARS;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "public/privacy.html")]
pub struct PrivacyPage {
    ctx: PageCtx,
    t: T,
    slug: String,
    center: String,
    version: String,
    /// Since when this version is (or was) in force.
    since: String,
    /// An earlier version is shown: the one in force now, to go to.
    current: Option<String>,
    /// Every version, newest first: (label, since).
    versions: Vec<(String, String)>,
    retention_years: i64,
    /// How long staff access records are kept.
    access_years: i64,
    /// The policy finance institutions that may receive a case (with the applicant's consent).
    institutions: Vec<String>,
    officer: String,
    phone: String,
    tel: String,
    email: String,
    address: String,
    /// The center's details are still the demo's samples.
    sample: bool,
}

#[derive(serde::Deserialize)]
pub struct PolicyQuery {
    version: Option<String>,
}

pub async fn privacy(
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PolicyQuery>,
) -> Result<impl Responder, AppError> {
    let slug = slug.into_inner();
    let lang = ctx.lang;
    let now = state.clock.now();
    let (center, contact, institutions, in_force, versions) = with_conn(&state, move |conn| {
        let center = centers::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let contact = center_contacts::of_center(conn, center.id)?;
        let in_force = crate::services::questionnaire::policy_in_force(conn, center.id, now)?;
        let versions = crate::db::policy_versions::of_center(conn, center.id)?;
        Ok((center, contact, centers::institutions(conn)?, in_force, versions))
    })
    .await?;
    let shown = match query.version.as_deref() {
        None => &in_force,
        Some(label) => versions.iter().find(|v| v.label == label).ok_or(AppError::NotFound)?,
    };
    let local = |at| chrono::TimeZone::from_utc_datetime(&crate::services::availability::time_zone(&center), &at);
    let since = |at| crate::web::i18n::date_label(lang, local(at).date_naive());
    // Contact lines as the version stated them; the sample note only on the current one.
    let details = crate::domain::center_contact::Contact {
        address_ko: shown.address_ko.clone(),
        address_en: shown.address_en.clone(),
        ..contact.details()
    };
    Ok(PrivacyPage {
        t: ctx.t,
        center: lang.pick(&center.name_ko, &center.name_en).to_owned(),
        slug: center.slug.clone(),
        version: shown.label.clone(),
        since: since(shown.effective_at),
        current: (shown.id != in_force.id).then(|| in_force.label.clone()),
        versions: versions.iter().map(|v| (v.label.clone(), since(v.effective_at))).collect(),
        retention_years: i64::from(shown.retention_years).max(RETENTION_YEARS),
        access_years: crate::services::retention::ACCESS_LOG_YEARS,
        institutions: institutions.iter().map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()).collect(),
        officer: shown.officer.clone(),
        tel: format!("tel:{}", shown.phone.replace('-', "")),
        phone: shown.phone.clone(),
        email: shown.email.clone(),
        address: details.address(lang).to_owned(),
        sample: contact.sample && shown.id == in_force.id,
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/privacy_index.html")]
pub struct PrivacyIndex {
    ctx: PageCtx,
    t: T,
    centers: Vec<(String, String)>,
}

/// Every center's policy (each center is the controller of its own applicants' data).
pub async fn privacy_index(ctx: PageCtx, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let lang = ctx.lang;
    let all = with_conn(&state, |conn| Ok(centers::all(conn)?)).await?;
    Ok(PrivacyIndex {
        t: ctx.t,
        ctx,
        centers: all.into_iter().map(|c| (c.slug, lang.pick(&c.name_ko, &c.name_en).to_owned())).collect(),
    })
}
