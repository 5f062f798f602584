//! The review step ("check your answers"): every answer by section, each with a link back to
//! its step.

use askama::Template;
use askama_web::WebTemplate;

use super::super::ctx::PageCtx;
use super::super::i18n::{T, msg};
use super::pages::*;
use crate::db::answers::CaseZone;
use crate::domain::questionnaire::{DetailQuestions, Step};
use crate::services::questionnaire::{self as q, Draft};

/// One answered question on the review page.
pub struct Row {
    pub label: &'static str,
    pub value: String,
}

pub struct Section {
    pub title: &'static str,
    pub step: &'static str,
    pub rows: Vec<Row>,
}

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
    let label = |prefix: &str, code: &Option<String>| -> String {
        code.as_deref()
            .map(|c| crate::i18n::CATALOG.lookup(lang, &format!("{prefix}.{c}")).unwrap_or(c).to_owned())
            .unwrap_or_default()
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| t.get("apply.review.none").to_owned());
    let mut sections = vec![
        Section {
            title: msg("apply.step.company"),
            step: "company",
            rows: vec![
                Row { label: msg("apply.company.name"), value: text(&a.company_name) },
                Row { label: msg("apply.company.brn"), value: text(&a.brn) },
                Row { label: msg("apply.company.representative"), value: text(&a.representative) },
                Row { label: msg("apply.company.founded_on"), value: text(&a.founded_on.map(|d| d.to_string())) },
                Row { label: msg("apply.company.employees"), value: text(&a.employees.map(|n| n.to_string())) },
                Row { label: msg("apply.company.industry"), value: label("industry", &a.industry) },
                Row { label: msg("apply.company.stage"), value: label("stage", &a.stage) },
                Row { label: msg("apply.company.revenue_band"), value: label("revenue", &a.revenue_band) },
                Row { label: msg("apply.company.region"), value: label("region", &a.region) },
            ],
        },
        Section {
            title: msg("apply.step.contact"),
            step: "contact",
            rows: vec![
                Row { label: msg("apply.contact.name"), value: text(&a.contact_name) },
                Row { label: msg("apply.contact.email"), value: text(&a.contact_email) },
                Row { label: msg("apply.contact.phone"), value: text(&a.contact_phone) },
            ],
        },
        Section {
            title: msg("apply.step.needs"),
            step: "needs",
            rows: vec![
                Row {
                    label: msg("apply.needs.topics"),
                    value: d.topics.iter().map(|tp| q::topic_name(lang, *tp)).collect::<Vec<_>>().join(", "),
                },
                Row { label: msg("apply.needs.question"), value: text(&a.question) },
                Row {
                    label: msg("apply.needs.weekdays"),
                    value: if a.preferred_weekdays.is_empty() {
                        t.get("apply.needs.any_day").to_owned()
                    } else {
                        a.preferred_weekdays
                            .split(',')
                            .filter_map(|w| crate::i18n::CATALOG.lookup(lang, &format!("weekday.{w}")))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                },
                Row { label: msg("apply.needs.time"), value: label("time", &a.preferred_time) },
            ],
        },
    ];
    let ask = DetailQuestions::for_topics(&d.topics);
    if ask.any() {
        let mut rows = Vec::new();
        if ask.finance {
            rows.push(Row {
                label: msg("apply.details.amount"),
                value: a
                    .finance_amount_won
                    .map(|n| t.fmt("apply.details.won", "amount", group_digits(n)))
                    .unwrap_or_default(),
            });
            rows.push(Row { label: msg("apply.details.purpose"), value: text(&a.finance_purpose) });
        }
        if ask.transfer {
            rows.push(Row { label: msg("apply.details.direction"), value: label("transfer", &a.transfer_direction) });
        }
        sections.push(Section { title: msg("apply.step.details"), step: "details", rows });
    }
    sections.push(Section {
        title: msg("apply.step.documents"),
        step: "documents",
        rows: vec![Row {
            label: msg("apply.documents.uploaded"),
            value: if docs.is_empty() {
                t.get("apply.review.none").to_owned()
            } else {
                docs.iter().map(|doc| doc.original_name.as_str()).collect::<Vec<_>>().join(", ")
            },
        }],
    });
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

/// 12345678 → 12,345,678
pub fn group_digits(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
