//! The questionnaire's page models: the frame around every step (step indicator, error
//! summary), and the data each step's template shows.

use askama::Template;
use askama_web::WebTemplate;

use super::super::ctx::PageCtx;
use super::super::i18n::{Lang, T, msg};
use crate::domain::ZoneType;
use crate::domain::questionnaire::{
    CompanyForm, ContactForm, DetailQuestions, DetailsForm, FieldError, Industry, NeedsForm, PreferredTime, Region,
    RevenueBand, Stage, Step, Topic, TransferDirection,
};
use crate::services::questionnaire::{self as q, Draft};

// ----- the step pages ----------------------------------------------------------------------

pub use crate::domain::form::Errors;

/// The questionnaire's words for its fields (an inherent impl beside the pages that use it).
impl Errors {
    /// The label of a field, for the error summary ("기업명: 이 항목을 입력하세요.").
    pub fn label(&self, field: &str) -> &'static str {
        match field {
            "company_name" => msg("apply.company.name"),
            "brn" => msg("apply.company.brn"),
            "representative" => msg("apply.company.representative"),
            "founded_on" => msg("apply.company.founded_on"),
            "employees" => msg("apply.company.employees"),
            "industry" => msg("apply.company.industry"),
            "stage" => msg("apply.company.stage"),
            "revenue_band" => msg("apply.company.revenue_band"),
            "region" => msg("apply.company.region"),
            "contact_name" => msg("apply.contact.name"),
            "contact_email" => msg("apply.contact.email"),
            "contact_phone" => msg("apply.contact.phone"),
            "topics" => msg("apply.needs.topics"),
            "question" => msg("apply.needs.question"),
            "weekdays" => msg("apply.needs.weekdays"),
            "preferred_time" => msg("apply.needs.time"),
            "finance_amount" => msg("apply.details.amount"),
            "finance_purpose" => msg("apply.details.purpose"),
            "transfer_direction" => msg("apply.details.direction"),
            "kind" => msg("apply.documents.kind"),
            "file" => msg("apply.documents.file"),
            _ => msg("apply.step.consent"),
        }
    }
}

/// One entry of the step indicator.
pub struct StepLink {
    pub slug: &'static str,
    pub label: &'static str,
    /// "done", "current" or "todo"
    pub state: &'static str,
}

/// Everything every step page shows around its fields.
pub struct StepFrame {
    pub token: String,
    pub center_name: String,
    /// The center's address part (its privacy policy is `/centers/{slug}/privacy`).
    pub center_slug: String,
    pub step: &'static str,
    pub number: usize,
    pub total: usize,
    pub steps: Vec<StepLink>,
    pub back: Option<String>,
    pub errors: Errors,
}

pub(super) fn visible_steps(d: &Draft) -> Vec<Step> {
    let details = DetailQuestions::for_topics(&d.topics).any();
    Step::ALL.into_iter().filter(|s| *s != Step::Details || details).collect()
}

pub(super) fn step_label(s: Step) -> &'static str {
    match s {
        Step::Company => msg("apply.step.company"),
        Step::Contact => msg("apply.step.contact"),
        Step::Needs => msg("apply.step.needs"),
        Step::Details => msg("apply.step.details"),
        Step::Documents => msg("apply.step.documents"),
        Step::Consent => msg("apply.step.consent"),
        Step::Review => msg("apply.step.review"),
    }
}

pub(in crate::web) fn frame(d: &Draft, token: &str, step: Step, lang: Lang, errors: Vec<FieldError>) -> StepFrame {
    // Every step is listed, so that the count stays the same when the needs bring in (or drop)
    // the details step; a step these needs do not ask is shown as such.
    let visible = visible_steps(d);
    let idx = Step::ALL.iter().position(|s| *s == step).unwrap_or(0);
    let shown_idx = visible.iter().position(|s| *s == step).unwrap_or(0);
    StepFrame {
        token: token.to_owned(),
        center_name: lang.pick(&d.center.name_ko, &d.center.name_en).to_owned(),
        center_slug: d.center.slug.clone(),
        step: step.slug(),
        number: idx + 1,
        total: Step::ALL.len(),
        steps: Step::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| StepLink {
                slug: s.slug(),
                label: step_label(*s),
                state: if i == idx {
                    "current"
                } else if !visible.contains(s) {
                    "skipped"
                } else if d.answers.has_done(s.slug()) {
                    "done"
                } else {
                    "todo"
                },
            })
            .collect(),
        back: if shown_idx == 0 { None } else { Some(format!("/apply/{token}/{}", visible[shown_idx - 1].slug())) },
        errors: Errors::from(errors),
    }
}

/// The step after `step` for this draft (details only when the needs require it).
pub(super) fn next_step(d: &Draft, step: Step) -> Step {
    let steps = visible_steps(d);
    let idx = steps.iter().position(|s| *s == step).unwrap_or(0);
    steps.get(idx + 1).copied().unwrap_or(Step::Review)
}

pub type Options = Vec<(&'static str, &'static str)>;

pub(super) fn options<V: Copy>(t: T, all: &[V], code: fn(V) -> &'static str, prefix: &str) -> Options {
    all.iter()
        .map(|v| {
            let c = code(*v);
            let key = format!("{prefix}.{c}");
            (c, crate::i18n::CATALOG.lookup(t.0, &key).unwrap_or(c))
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/company.html")]
pub struct CompanyPage {
    pub(super) ctx: PageCtx,
    pub(super) t: T,
    pub(super) f: StepFrame,
    pub(super) v: CompanyForm,
    pub(super) industries: Options,
    pub(super) stages: Options,
    pub(super) revenues: Options,
    pub(super) regions: Options,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/contact.html")]
pub struct ContactPage {
    pub(super) ctx: PageCtx,
    pub(super) t: T,
    pub(super) f: StepFrame,
    pub(super) v: ContactForm,
}

/// A checkbox or radio option with its state.
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The topics of one zone, as a fieldset.
pub struct TopicGroup {
    pub legend: &'static str,
    pub topics: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/needs.html")]
pub struct NeedsPage {
    pub(super) ctx: PageCtx,
    pub(super) t: T,
    pub(super) f: StepFrame,
    pub(super) groups: Vec<TopicGroup>,
    pub(super) question: String,
    pub(super) weekdays: Vec<Choice>,
    pub(super) times: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/details.html")]
pub struct DetailsPage {
    pub(super) ctx: PageCtx,
    pub(super) t: T,
    pub(super) f: StepFrame,
    pub(super) ask: DetailQuestions,
    pub(super) v: DetailsForm,
    pub(super) directions: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/consent.html")]
pub struct ConsentPage {
    pub(super) ctx: PageCtx,
    pub(super) t: T,
    pub(super) f: StepFrame,
    pub(super) agreed: bool,
    pub(super) third_party: bool,
    pub(super) retention_years: i64,
}

pub(super) fn company_form(d: &Draft) -> CompanyForm {
    let a = &d.answers;
    CompanyForm {
        company_name: a.company_name.clone().unwrap_or_default(),
        brn: a.brn.clone().unwrap_or_default(),
        representative: a.representative.clone().unwrap_or_default(),
        founded_on: a.founded_on.map(|d| d.to_string()).unwrap_or_default(),
        employees: a.employees.map(|n| n.to_string()).unwrap_or_default(),
        industry: a.industry.clone().unwrap_or_default(),
        stage: a.stage.clone().unwrap_or_default(),
        revenue_band: a.revenue_band.clone().unwrap_or_default(),
        region: a.region.clone().unwrap_or_else(|| d.center.slug.clone()),
    }
}

pub(super) fn needs_form(d: &Draft) -> NeedsForm {
    NeedsForm {
        topics: d.topics.iter().map(|t| t.code().to_owned()).collect(),
        question: d.answers.question.clone().unwrap_or_default(),
        weekdays: d.answers.preferred_weekdays.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        preferred_time: d.answers.preferred_time.clone().unwrap_or_default(),
    }
}

pub(super) fn details_form(d: &Draft) -> DetailsForm {
    DetailsForm {
        finance_amount: d.answers.finance_amount_won.map(|n| n.to_string()).unwrap_or_default(),
        finance_purpose: d.answers.finance_purpose.clone().unwrap_or_default(),
        transfer_direction: d.answers.transfer_direction.clone().unwrap_or_default(),
    }
}

pub(super) fn needs_page(ctx: PageCtx, d: &Draft, token: &str, v: &NeedsForm, errors: Vec<FieldError>) -> NeedsPage {
    let t = ctx.t;
    let lang = ctx.lang;
    let groups = [
        (ZoneType::Legal, msg("apply.needs.legal")),
        (ZoneType::Finance, msg("apply.needs.finance")),
        (ZoneType::Ip, msg("apply.needs.ip")),
    ]
    .into_iter()
    .map(|(zone, legend)| TopicGroup {
        legend,
        topics: Topic::ALL
            .iter()
            .filter(|tp| tp.zone_type() == zone)
            .map(|tp| Choice {
                code: tp.code(),
                label: q::topic_name(lang, *tp),
                checked: v.topics.iter().any(|x| x == tp.code()),
            })
            .collect(),
    })
    .collect();
    let weekdays = (1..=5u8)
        .map(|n| Choice {
            code: ["1", "2", "3", "4", "5"][n as usize - 1],
            label: t.get(["weekday.1", "weekday.2", "weekday.3", "weekday.4", "weekday.5"][n as usize - 1]),
            checked: v.weekdays.iter().any(|w| w == &n.to_string()),
        })
        .collect();
    let current = if v.preferred_time.is_empty() { "any" } else { v.preferred_time.as_str() };
    let times = PreferredTime::ALL
        .iter()
        .map(|p| Choice {
            code: p.code(),
            label: crate::i18n::CATALOG.lookup(lang, &format!("time.{}", p.code())).unwrap_or(p.code()),
            checked: p.code() == current,
        })
        .collect();
    NeedsPage {
        f: frame(d, token, Step::Needs, lang, errors),
        t,
        ctx,
        groups,
        question: v.question.clone(),
        weekdays,
        times,
    }
}

pub(super) fn directions(lang: Lang, current: &str) -> Vec<Choice> {
    TransferDirection::ALL
        .iter()
        .map(|x| Choice {
            code: x.code(),
            label: crate::i18n::CATALOG.lookup(lang, &format!("transfer.{}", x.code())).unwrap_or(x.code()),
            checked: x.code() == current,
        })
        .collect()
}

pub(super) fn company_page(
    ctx: PageCtx,
    d: &Draft,
    token: &str,
    v: CompanyForm,
    errors: Vec<FieldError>,
) -> CompanyPage {
    let t = ctx.t;
    CompanyPage {
        f: frame(d, token, Step::Company, ctx.lang, errors),
        industries: options(t, Industry::ALL, Industry::code, "industry"),
        stages: options(t, Stage::ALL, Stage::code, "stage"),
        revenues: options(t, RevenueBand::ALL, RevenueBand::code, "revenue"),
        regions: options(t, Region::ALL, Region::code, "region"),
        t,
        ctx,
        v,
    }
}
