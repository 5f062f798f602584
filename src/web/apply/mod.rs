//! The pre-questionnaire pages: start at a center, one short page per step, check your
//! answers, submit, confirmation. The applicant's token in the URL is the only key.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, msg};
use super::{AppState, with_conn};
use crate::db::centers::{self, Center};
use crate::domain::center::parse_slug;
use crate::domain::questionnaire::{ContactForm, DetailQuestions, Step};
use crate::services::questionnaire::{self as q, Draft, Lookup, Submitted};

pub(super) fn context<'a>(state: &'a AppState, now: chrono::NaiveDateTime) -> q::Context<'a> {
    q::Context {
        base_url: &state.settings.base_url,
        mail_from: &state.settings.mail_from,
        draft_ttl: chrono::Duration::days(state.settings.draft_ttl_days.into()),
        now,
        mails_per_address_hour: state.settings.limits.mails_per_address_hour,
    }
}

/// Pages opened by the applicant's token never leak it in a Referer to another site
/// (`same-origin`, not `no-referrer`: with that, browsers send `Origin: null` on the page's
/// forms, which the CSRF check refuses).
fn no_referrer(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    res
}

pub(super) fn see_other(location: String) -> HttpResponse {
    no_referrer(crate::web::respond::see_other(location))
}

pub(super) fn render<R: Responder>(req: &HttpRequest, page: R, status: StatusCode) -> HttpResponse
where
    R::Body: 'static,
{
    no_referrer(crate::web::respond::page(req, page, status))
}

// ----- start -------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "apply/start.html")]
pub struct StartPage {
    ctx: PageCtx,
    t: T,
    center: Center,
    /// One-time key of this form: sending it twice opens the same draft.
    pub(super) key: String,
}

async fn center_by_slug(state: &web::Data<AppState>, slug: &str) -> Result<Center, AppError> {
    let slug = parse_slug(slug).ok_or(AppError::NotFound)?.to_owned();
    with_conn(state, move |conn| centers::by_slug(conn, &slug)?.ok_or(AppError::NotFound)).await
}

pub async fn start_page(
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<impl Responder, AppError> {
    let center = center_by_slug(&state, &slug).await?;
    Ok(StartPage { t: ctx.t, ctx, center, key: crate::token::new_token() })
}

/// A start form's one-time key: 43 characters of base64url.
fn valid_key(key: &str) -> bool {
    key.len() == 43 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[derive(serde::Deserialize)]
pub struct StartForm {
    #[serde(default)]
    key: String,
}

pub async fn start(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<StartForm>,
) -> Result<HttpResponse, AppError> {
    let center = center_by_slug(&state, &slug).await?;
    let key = form.into_inner().key;
    if !valid_key(&key) {
        return Err(AppError::BadRequest(msg("error.bad_request")));
    }
    let token = crate::token::derive_token(state.settings.secret.expose(), "apply", &key);
    let lang = ctx.lang;
    let (st, tok) = (state.clone(), token.clone());
    let now = state.clock.now();
    let client = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into());
    let limit = state.settings.limits.drafts_per_hour;
    let started =
        with_conn(&state, move |conn| Ok(q::start(conn, &center, lang, &tok, &client, limit, &context(&st, now))?))
            .await?;
    if started.is_none() {
        return Err(AppError::TooMany(msg("apply.too_many_drafts"), 3600));
    }
    Ok(see_other(format!("/apply/{token}")))
}

// ----- lookups -----------------------------------------------------------------------------

/// The case behind the token, whatever its status.
/// How long the center keeps a closed case (the consent step states it).
pub(super) async fn retention_years(state: &web::Data<AppState>, center_id: i64) -> Result<i64, AppError> {
    with_conn(state, move |conn| Ok(crate::services::retention::years_of(conn, center_id)?)).await
}

pub(super) async fn load(state: &web::Data<AppState>, token: &str) -> Result<Draft, AppError> {
    let token = token.to_owned();
    let now = state.clock.now();
    let found = with_conn(state, move |conn| {
        let found = q::find_by_token(conn, &token, now)?;
        // A link whose case's data was deleted at the applicant's request says so.
        let deleted = matches!(found, Lookup::NotFound)
            && token.len() == 43
            && crate::db::rights_requests::deleted_by_token(conn, &crate::token::hash_token(&token))?.is_some();
        Ok((found, deleted))
    })
    .await?;
    match found {
        (Lookup::Found(d), _) => Ok(*d),
        (Lookup::Expired, _) => Err(AppError::Gone(msg("apply.expired"))),
        (Lookup::NotFound, true) => Err(AppError::Gone(msg("apply.deleted"))),
        (Lookup::NotFound, false) => Err(AppError::NotFound),
    }
}

/// A draft still being filled in; a submitted case sends the visitor to its confirmation.
pub(super) async fn load_draft(
    state: &web::Data<AppState>,
    token: &str,
) -> Result<Result<Draft, HttpResponse>, AppError> {
    let d = load(state, token).await?;
    if d.status != crate::domain::CaseStatus::Draft {
        return Ok(Err(see_other(format!("/apply/{token}/done"))));
    }
    Ok(Ok(d))
}

pub async fn resume(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let d = match load_draft(&state, &token).await? {
        Ok(d) => d,
        Err(redirect) => return Ok(redirect),
    };
    let next = q::missing_step(&d).unwrap_or("review");
    Ok(see_other(format!("/apply/{token}/{next}")))
}

// ----- the step pages are built in `pages.rs` ------------------------------------------

mod again;
mod pages;
mod review;
mod save;

pub use again::again;
pub use save::step_post;

pub use pages::StepFrame;
pub(in crate::web) use pages::frame;
use pages::*;
use review::*;

pub async fn step_get(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (token, slug) = path.into_inner();
    let step = Step::from_slug(&slug).ok_or(AppError::NotFound)?;
    let d = match load_draft(&state, &token).await? {
        Ok(d) => d,
        Err(redirect) => return Ok(redirect),
    };
    let lang = ctx.lang;
    let ok = StatusCode::OK;
    Ok(match step {
        Step::Company => render(&req, company_page(ctx, &d, &token, company_form(&d), vec![]), ok),
        Step::Contact => {
            let a = &d.answers;
            let v = ContactForm {
                contact_name: a.contact_name.clone().unwrap_or_default(),
                contact_email: a.contact_email.clone().unwrap_or_default(),
                contact_phone: a.contact_phone.clone().unwrap_or_default(),
            };
            render(&req, ContactPage { f: frame(&d, &token, Step::Contact, lang, vec![]), t: ctx.t, ctx, v }, ok)
        }
        Step::Needs => render(&req, needs_page(ctx, &d, &token, &needs_form(&d), vec![]), ok),
        Step::Details => {
            let ask = DetailQuestions::for_topics(&d.topics);
            if !ask.any() {
                return Ok(see_other(format!("/apply/{token}/{}", next_step(&d, Step::Needs).slug())));
            }
            let v = details_form(&d);
            let directions = directions(lang, &v.transfer_direction);
            render(
                &req,
                DetailsPage { f: frame(&d, &token, Step::Details, lang, vec![]), t: ctx.t, ctx, ask, v, directions },
                ok,
            )
        }
        Step::Documents => super::documents::page(&req, ctx, &state, &d, &token, vec![], StatusCode::OK).await?,
        Step::Consent => {
            let page = ConsentPage {
                f: frame(&d, &token, Step::Consent, lang, vec![]),
                t: ctx.t,
                ctx,
                agreed: d.answers.consented_at.is_some(),
                third_party: d.answers.third_party_consent,
                retention_years: retention_years(&state, d.center.id).await?,
            };
            render(&req, page, ok)
        }
        Step::Review => {
            let draft = d.clone();
            let (routing, docs) = with_conn(&state, move |conn| {
                Ok((q::route(conn, &draft)?, crate::db::documents::of_case(conn, draft.case.id)?))
            })
            .await?;
            render(&req, review_page(ctx, &d, &token, routing, docs), ok)
        }
    })
}

pub async fn submit(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    let now = state.clock.now();
    let (tok, st) = (token.clone(), state.clone());
    let outcome = with_conn(&state, move |conn| match q::submit(conn, &d, &tok, &context(&st, now)) {
        Ok(s) => Ok(Ok(s)),
        Err(q::SubmitError::Incomplete(step)) => Ok(Err(step)),
        Err(q::SubmitError::Db(e)) => Err(e.into()),
        Err(q::SubmitError::Fire(e)) => Err(AppError::Internal(anyhow::anyhow!("submitting: {e}"))),
    })
    .await?;
    Ok(match outcome {
        Ok(Submitted::Now { .. } | Submitted::Already) => see_other(format!("/apply/{token}/done")),
        Err(step) => see_other(format!("/apply/{token}/{step}")),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/done.html")]
pub struct DonePage {
    ctx: PageCtx,
    t: T,
    reference: String,
    center_name: String,
    center_slug: String,
    email: String,
    routing: Vec<(String, bool)>,
    token: String,
    can_book: bool,
}

pub async fn done(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    if d.status == crate::domain::CaseStatus::Draft {
        return Ok(see_other(format!("/apply/{token}/review")));
    }
    let case_id = d.case.id;
    let zones = with_conn(&state, move |conn| Ok(crate::db::answers::zones(conn, case_id)?)).await?;
    let lang = ctx.lang;
    let page = DonePage {
        t: ctx.t,
        ctx,
        reference: d.case.reference.clone(),
        center_name: lang.pick(&d.center.name_ko, &d.center.name_en).to_owned(),
        center_slug: d.center.slug.clone(),
        email: d.answers.contact_email.clone().unwrap_or_default(),
        routing: zones
            .iter()
            .map(|z| (lang.pick(&z.explanation_ko, &z.explanation_en).to_owned(), z.is_primary))
            .collect(),
        can_book: matches!(d.status, crate::domain::CaseStatus::Submitted | crate::domain::CaseStatus::NoShow),
        token,
    };
    Ok(render(&req, page, StatusCode::OK))
}
