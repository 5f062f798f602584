//! The privacy policy (개인정보 처리방침) of each center, generated from its settings: purposes,
//! items, retention, the third parties and what they receive, destruction, the applicant's
//! rights and how to use them, and the privacy officer; its version is the consent wording's
//! (`questionnaire::CONSENT_VERSION`), so a consent points at the policy it was given under.
//! `/privacy` lists the centers' policies (the footer links there).

use actix_web::{Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::{center_contacts, centers};
use crate::services::questionnaire::{CONSENT_VERSION, RETENTION_YEARS};
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
    version: &'static str,
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

pub async fn privacy(
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<impl Responder, AppError> {
    let slug = slug.into_inner();
    let lang = ctx.lang;
    let (center, contact, institutions) = with_conn(&state, move |conn| {
        let center = centers::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let contact = center_contacts::of_center(conn, center.id)?;
        Ok((center, contact, centers::institutions(conn)?))
    })
    .await?;
    let details = contact.details();
    Ok(PrivacyPage {
        t: ctx.t,
        ctx,
        center: lang.pick(&center.name_ko, &center.name_en).to_owned(),
        slug: center.slug,
        version: CONSENT_VERSION,
        retention_years: i64::from(contact.retention_years).max(RETENTION_YEARS),
        access_years: crate::services::retention::ACCESS_LOG_YEARS,
        institutions: institutions.iter().map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()).collect(),
        officer: details.privacy_officer.clone(),
        tel: format!("tel:{}", details.phone.replace('-', "")),
        phone: details.phone.clone(),
        email: details.email.clone(),
        address: details.address(lang).to_owned(),
        sample: contact.sample,
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
