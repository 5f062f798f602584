//! The pre-questionnaire pages: start at a center, one short page per step, check your
//! answers, submit, confirmation. The applicant's token in the URL is the only key.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{Lang, T, msg};
use super::{AppState, with_conn};
use crate::db::answers::CaseZone;
use crate::db::centers::{self, Center};
use crate::domain::center::parse_slug;
use crate::domain::questionnaire::{
    CompanyForm, ContactForm, DetailQuestions, DetailsForm, FieldError, Industry, NeedsForm, PreferredTime, Region,
    RevenueBand, Stage, Step, Topic, TransferDirection,
};
use crate::services::questionnaire::{self as q, Draft, Lookup, Submitted};

fn context<'a>(state: &'a AppState, now: chrono::NaiveDateTime) -> q::Context<'a> {
    q::Context {
        base_url: &state.settings.base_url,
        draft_ttl: chrono::Duration::days(state.settings.draft_ttl_days.into()),
        now,
    }
}

/// Pages opened by the applicant's token never leak it in a Referer.
fn no_referrer(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    res
}

pub(super) fn see_other(location: String) -> HttpResponse {
    no_referrer(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish())
}

pub(super) fn render<R: Responder>(req: &HttpRequest, page: R, status: StatusCode) -> HttpResponse
where
    R::Body: 'static,
{
    no_referrer(page.customize().with_status(status).respond_to(req).map_into_boxed_body())
}

// ----- start -------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "apply/start.html")]
pub struct StartPage {
    ctx: PageCtx,
    t: T,
    center: Center,
    /// One-time key of this form: sending it twice opens the same draft.
    key: String,
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

#[derive(serde::Deserialize)]
pub struct StartForm {
    #[serde(default)]
    key: String,
}

pub async fn start(
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<StartForm>,
) -> Result<HttpResponse, AppError> {
    let center = center_by_slug(&state, &slug).await?;
    let key = form.into_inner().key;
    if key.len() != 43 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(AppError::BadRequest(msg("error.bad_request")));
    }
    let token = crate::token::derive_token(state.settings.secret.expose(), "apply", &key);
    let lang = ctx.lang;
    let (st, tok) = (state.clone(), token.clone());
    let now = state.clock.now();
    with_conn(&state, move |conn| Ok(q::start(conn, &center, lang, &tok, &context(&st, now))?)).await?;
    Ok(see_other(format!("/apply/{token}")))
}

// ----- lookups -----------------------------------------------------------------------------

async fn load(state: &web::Data<AppState>, token: &str) -> Result<Draft, AppError> {
    let token = token.to_owned();
    let now = state.clock.now();
    match with_conn(state, move |conn| Ok(q::find_by_token(conn, &token, now)?)).await? {
        Lookup::Found(d) => Ok(*d),
        Lookup::Expired => Err(AppError::Gone(msg("apply.expired"))),
        Lookup::NotFound => Err(AppError::NotFound),
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

// ----- the step pages ----------------------------------------------------------------------

/// Errors of a form, looked up by field in templates.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn all(&self) -> &[FieldError] {
        &self.0
    }

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
    pub step: &'static str,
    pub number: usize,
    pub total: usize,
    pub steps: Vec<StepLink>,
    pub back: Option<String>,
    pub errors: Errors,
}

fn visible_steps(d: &Draft) -> Vec<Step> {
    let details = DetailQuestions::for_topics(&d.topics).any();
    Step::ALL.into_iter().filter(|s| *s != Step::Details || details).collect()
}

fn step_label(s: Step) -> &'static str {
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

pub(super) fn frame(d: &Draft, token: &str, step: Step, lang: Lang, errors: Vec<FieldError>) -> StepFrame {
    let steps = visible_steps(d);
    let idx = steps.iter().position(|s| *s == step).unwrap_or(0);
    StepFrame {
        token: token.to_owned(),
        center_name: lang.pick(&d.center.name_ko, &d.center.name_en).to_owned(),
        step: step.slug(),
        number: idx + 1,
        total: steps.len(),
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepLink {
                slug: s.slug(),
                label: step_label(*s),
                state: if i == idx {
                    "current"
                } else if d.answers.has_done(s.slug()) {
                    "done"
                } else {
                    "todo"
                },
            })
            .collect(),
        back: if idx == 0 { None } else { Some(format!("/apply/{token}/{}", steps[idx - 1].slug())) },
        errors: Errors(errors),
    }
}

/// The step after `step` for this draft (details only when the needs require it).
fn next_step(d: &Draft, step: Step) -> Step {
    let steps = visible_steps(d);
    let idx = steps.iter().position(|s| *s == step).unwrap_or(0);
    steps.get(idx + 1).copied().unwrap_or(Step::Review)
}

pub type Options = Vec<(&'static str, &'static str)>;

fn options<V: Copy>(t: T, all: &[V], code: fn(V) -> &'static str, prefix: &str) -> Options {
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
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    v: CompanyForm,
    industries: Options,
    stages: Options,
    revenues: Options,
    regions: Options,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/contact.html")]
pub struct ContactPage {
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    v: ContactForm,
}

/// A checkbox or radio option with its state.
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The topics of one zone, as a fieldset.
pub struct TopicGroup {
    pub zone: &'static str,
    pub legend: &'static str,
    pub topics: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/needs.html")]
pub struct NeedsPage {
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    groups: Vec<TopicGroup>,
    question: String,
    weekdays: Vec<Choice>,
    times: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/details.html")]
pub struct DetailsPage {
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    ask: DetailQuestions,
    v: DetailsForm,
    directions: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/consent.html")]
pub struct ConsentPage {
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    agreed: bool,
    third_party: bool,
    retention_years: i64,
}

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
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    sections: Vec<Section>,
    routing: Vec<(String, bool)>,
    missing: Option<&'static str>,
}

fn company_form(d: &Draft) -> CompanyForm {
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

fn needs_form(d: &Draft) -> NeedsForm {
    NeedsForm {
        topics: d.topics.iter().map(|t| t.code().to_owned()).collect(),
        question: d.answers.question.clone().unwrap_or_default(),
        weekdays: d.answers.preferred_weekdays.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        preferred_time: d.answers.preferred_time.clone().unwrap_or_default(),
    }
}

fn details_form(d: &Draft) -> DetailsForm {
    DetailsForm {
        finance_amount: d.answers.finance_amount_won.map(|n| n.to_string()).unwrap_or_default(),
        finance_purpose: d.answers.finance_purpose.clone().unwrap_or_default(),
        transfer_direction: d.answers.transfer_direction.clone().unwrap_or_default(),
    }
}

fn needs_page(ctx: PageCtx, d: &Draft, token: &str, v: &NeedsForm, errors: Vec<FieldError>) -> NeedsPage {
    let t = ctx.t;
    let lang = ctx.lang;
    let groups =
        [("legal", msg("apply.needs.legal")), ("finance", msg("apply.needs.finance")), ("ip", msg("apply.needs.ip"))]
            .into_iter()
            .map(|(zone, legend)| TopicGroup {
                zone,
                legend,
                topics: Topic::ALL
                    .iter()
                    .filter(|tp| tp.zone_kind() == zone)
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

fn directions(lang: Lang, current: &str) -> Vec<Choice> {
    TransferDirection::ALL
        .iter()
        .map(|x| Choice {
            code: x.code(),
            label: crate::i18n::CATALOG.lookup(lang, &format!("transfer.{}", x.code())).unwrap_or(x.code()),
            checked: x.code() == current,
        })
        .collect()
}

fn company_page(ctx: PageCtx, d: &Draft, token: &str, v: CompanyForm, errors: Vec<FieldError>) -> CompanyPage {
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

fn review_page(
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
                retention_years: crate::services::questionnaire::RETENTION_YEARS,
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

/// Form bodies arrive as raw pairs so that repeated checkboxes, unknown and duplicate fields
/// never make the extractor fail: what we do not ask for is ignored.
pub async fn step_post(
    req: HttpRequest,
    ctx: PageCtx,
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
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let lang = ctx.lang;
    let now = state.clock.now();
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
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
                Err(errors) => return Ok(render(&req, company_page(ctx, &d, &token, v, errors), invalid)),
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
                    return Ok(render(
                        &req,
                        ContactPage { f: frame(&d, &token, Step::Contact, lang, errors), t: ctx.t, ctx, v },
                        invalid,
                    ));
                }
            }
        }
        Step::Needs => {
            let v = NeedsForm::from_pairs(&pairs);
            match v.parse() {
                Ok(n) => {
                    let topics = n.topics.clone();
                    with_conn(&state, move |conn| Ok(q::save_needs(conn, case_id, &n, now)?)).await?;
                    let mut after = d.clone();
                    after.topics = topics;
                    return Ok(see_other(format!("/apply/{token}/{}", next_step(&after, Step::Needs).slug())));
                }
                Err(errors) => return Ok(render(&req, needs_page(ctx, &d, &token, &v, errors), invalid)),
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
                    return Ok(render(
                        &req,
                        DetailsPage {
                            f: frame(&d, &token, Step::Details, lang, errors),
                            t: ctx.t,
                            ctx,
                            ask,
                            v,
                            directions,
                        },
                        invalid,
                    ));
                }
            }
        }
        Step::Consent => {
            let agreed = field("consent") == "yes";
            let third_party = field("third_party") == "yes";
            if !agreed {
                let page = ConsentPage {
                    f: frame(
                        &d,
                        &token,
                        Step::Consent,
                        lang,
                        vec![FieldError { field: "consent", key: "apply.error.consent_required" }],
                    ),
                    t: ctx.t,
                    ctx,
                    agreed,
                    third_party,
                    retention_years: crate::services::questionnaire::RETENTION_YEARS,
                };
                return Ok(render(&req, page, invalid));
            }
            with_conn(&state, move |conn| Ok(q::save_consent(conn, case_id, third_party, now)?)).await?
        }
        Step::Documents => {
            with_conn(&state, move |conn| Ok(crate::db::answers::mark_step(conn, case_id, "documents", now)?)).await?
        }
        Step::Review => return Err(AppError::NotFound),
    }
    Ok(see_other(format!("/apply/{token}/{}", next_step(&d, step).slug())))
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
    };
    Ok(render(&req, page, StatusCode::OK))
}
