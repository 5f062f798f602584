//! The review step ("check your answers"): every answer by section, each with a link back to
//! its step.

use askama::Template;
use askama_web::WebTemplate;

use super::super::ctx::PageCtx;
use super::super::i18n::{T, msg};
use super::pages::*;
use crate::db::answers::CaseZone;
use crate::domain::questionnaire::Step;
use crate::services::questionnaire::{self as q, Draft};

pub use crate::web::answers::{Row, Section};

#[derive(Template, WebTemplate)]
#[template(path = "apply/review.html")]
pub struct ReviewPage {
    pub(super) ctx: PageCtx,
    pub(super) t: T,
    pub(super) f: StepFrame,
    pub(super) sections: Vec<Section>,
    pub(super) routing: Vec<(String, bool)>,
    pub(super) missing: Option<&'static str>,
}

pub(super) fn review_page(
    ctx: PageCtx,
    d: &Draft,
    token: &str,
    routing: Vec<CaseZone>,
    docs: Vec<crate::db::documents::Document>,
) -> ReviewPage {
    let t = ctx.t;
    let lang = ctx.lang;
    let a = &d.answers;
    let mut sections = crate::web::answers::sections(t, a, &d.topics, &docs, true);
    sections.push(Section {
        title: msg("apply.step.consent"),
        step: "consent",
        rows: vec![
            Row {
                label: msg("apply.consent.required_label"),
                value: t
                    .get(if a.consented_at.is_some() { "apply.review.agreed" } else { "apply.review.not_agreed" })
                    .to_owned(),
            },
            Row {
                label: msg("apply.consent.third_party_label"),
                value: t
                    .get(if a.third_party_consent { "apply.review.agreed" } else { "apply.review.not_agreed" })
                    .to_owned(),
            },
        ],
    });
    let routing =
        routing.iter().map(|z| (lang.pick(&z.explanation_ko, &z.explanation_en).to_owned(), z.is_primary)).collect();
    ReviewPage {
        f: frame(d, token, Step::Review, lang, vec![]),
        missing: q::missing_step(d),
        t,
        ctx,
        sections,
        routing,
    }
}
