//! Saving a step (POST): the form parsed in `domain`, saved by the service, then on to the next
//! step — or the page again with a message per field, or in the other language.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::pages::*;
use super::{context, load_draft, render, retention_years, see_other};
use crate::domain::questionnaire::{
    CompanyForm, ContactForm, DetailQuestions, DetailsForm, FieldError, NeedsForm, Step,
};
use crate::services::questionnaire as q;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::{AppState, with_conn};

/// Form bodies arrive as raw pairs so that repeated checkboxes, unknown and duplicate fields
/// never make the extractor fail: what we do not ask for is ignored.
pub async fn step_post(
    req: HttpRequest,
    mut ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (token, slug) = path.into_inner();
    let step = Step::from_slug(&slug).ok_or(AppError::NotFound)?;
    let d = match load_draft(&state, &token).await? {
        Ok(d) => d,
        Err(redirect) => return Ok(redirect),
    };
    let fields = crate::web::form::Fields::parse(&body)?;
    let field = |name: &str| fields.get(name).to_owned();
    // The language switch of a step page submits the step's form (`_lang`): what was typed is
    // kept — saved when it is complete, else shown again, without errors, in the other language.
    let switch_to = crate::web::i18n::Lang::parse(fields.get("_lang"));
    if let Some(l) = switch_to {
        ctx.lang = l;
        ctx.t = crate::web::i18n::T(l);
    }
    let lang = ctx.lang;
    let now = state.clock.now();
    let invalid = if switch_to.is_some() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let shown = |errors: Vec<FieldError>| if switch_to.is_some() { Vec::new() } else { errors };
    let with_lang = |mut r: HttpResponse| {
        if let Some(l) = switch_to {
            let _ = r.add_cookie(&crate::web::public::lang_cookie(&state, l));
        }
        r
    };
    let case_id = d.case.id;
    match step {
        Step::Company => {
            let v = CompanyForm {
                company_name: field("company_name"),
                brn: field("brn"),
                representative: field("representative"),
                founded_on: field("founded_on"),
                employees: field("employees"),
                industry: field("industry"),
                stage: field("stage"),
                revenue_band: field("revenue_band"),
                region: field("region"),
            };
            let today = crate::domain::center::local_date(now);
            match v.parse(today) {
                Ok(c) => with_conn(&state, move |conn| Ok(q::save_company(conn, case_id, &c, now)?)).await?,
                Err(errors) => {
                    return Ok(with_lang(render(&req, company_page(ctx, &d, &token, v, shown(errors)), invalid)));
                }
            }
        }
        Step::Contact => {
            let v = ContactForm {
                contact_name: field("contact_name"),
                contact_email: field("contact_email"),
                contact_phone: field("contact_phone"),
            };
            match v.parse() {
                Ok(c) => {
                    let (draft, tok, st) = (d.clone(), token.clone(), state.clone());
                    with_conn(&state, move |conn| Ok(q::save_contact(conn, &draft, &tok, &c, &context(&st, now))?))
                        .await?
                }
                Err(errors) => {
                    return Ok(with_lang(render(
                        &req,
                        ContactPage { f: frame(&d, &token, Step::Contact, lang, shown(errors)), t: ctx.t, ctx, v },
                        invalid,
                    )));
                }
            }
        }
        Step::Needs => {
            let v = NeedsForm::from_pairs(fields.pairs());
            match v.parse() {
                Ok(n) => {
                    let topics = n.topics.clone();
                    with_conn(&state, move |conn| Ok(q::save_needs(conn, case_id, &n, now)?)).await?;
                    let mut after = d.clone();
                    after.topics = topics;
                    let to = if switch_to.is_some() { Step::Needs } else { next_step(&after, Step::Needs) };
                    return Ok(with_lang(see_other(format!("/apply/{token}/{}", to.slug()))));
                }
                Err(errors) => {
                    return Ok(with_lang(render(&req, needs_page(ctx, &d, &token, &v, shown(errors)), invalid)));
                }
            }
        }
        Step::Details => {
            let ask = DetailQuestions::for_topics(&d.topics);
            let v = DetailsForm {
                finance_amount: field("finance_amount"),
                finance_purpose: field("finance_purpose"),
                transfer_direction: field("transfer_direction"),
            };
            match v.parse(ask) {
                Ok(details) => {
                    with_conn(&state, move |conn| Ok(q::save_details(conn, case_id, &details, now)?)).await?
                }
                Err(errors) => {
                    let directions = directions(lang, &v.transfer_direction);
                    return Ok(with_lang(render(
                        &req,
                        DetailsPage {
                            f: frame(&d, &token, Step::Details, lang, shown(errors)),
                            t: ctx.t,
                            ctx,
                            ask,
                            v,
                            directions,
                        },
                        invalid,
                    )));
                }
            }
        }
        Step::Consent => {
            let agreed = field("consent") == "yes";
            let third_party = field("third_party") == "yes";
            if !agreed || switch_to.is_some() {
                let page = ConsentPage {
                    f: frame(
                        &d,
                        &token,
                        Step::Consent,
                        lang,
                        shown(vec![FieldError { field: "consent", key: "apply.error.consent_required" }]),
                    ),
                    t: ctx.t,
                    ctx,
                    agreed,
                    third_party,
                    retention_years: retention_years(&state, d.center.id).await?,
                };
                return Ok(with_lang(render(&req, page, invalid)));
            }
            with_conn(&state, move |conn| Ok(q::save_consent(conn, case_id, third_party, now)?)).await?
        }
        Step::Documents => with_conn(&state, move |conn| Ok(q::save_documents_step(conn, case_id, now)?)).await?,
        Step::Review => return Err(AppError::NotFound),
    }
    let to = if switch_to.is_some() { step } else { next_step(&d, step) };
    Ok(with_lang(see_other(format!("/apply/{token}/{}", to.slug()))))
}
