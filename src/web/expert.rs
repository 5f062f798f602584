//! The zone expert's pages: the day's queue, the pre-brief of a case with the consultation's
//! outcome form and the referral, the follow-ups; and the public lobby board of a center.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveDate, TimeZone};

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, date_label, msg};
use super::{AppState, with_conn};
use crate::db::answers::Answers;
use crate::db::centers::{self, Center};
use crate::db::{answers, desk as q, documents};
use crate::domain::Role;
use crate::domain::consultation::{FINANCE_PRODUCTS, INSTITUTIONS, IP_ADVICE, LEGAL_ADVICE, OutcomeForm};
use crate::domain::questionnaire::FieldError;
use crate::services::availability::time_zone;
use crate::services::consult::{self, ConsultError, Expert};
use crate::services::mail;

/// The signed-in expert, with their center and zone.
fn expert_of(ctx: &PageCtx) -> Result<Expert, AppError> {
    let user = ctx.require_user()?;
    if user.role != Role::Expert {
        return Err(AppError::Forbidden);
    }
    Ok(Expert {
        user_id: user.id,
        center_id: user.center_id.ok_or(AppError::Forbidden)?,
        zone_id: user.zone_id.ok_or(AppError::Forbidden)?,
    })
}

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

fn hhmm(center: &Center, t: chrono::NaiveDateTime) -> String {
    time_zone(center).from_utc_datetime(&t).format("%H:%M").to_string()
}

// ----- the queue -------------------------------------------------------------------------------

pub struct QueueRow {
    appt_id: i64,
    case_id: i64,
    version: i64,
    time: String,
    ticket: Option<i32>,
    reference: String,
    company: String,
    state: &'static str,
    waiting_since: Option<String>,
    can_start: bool,
    consultation: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert/queue.html")]
pub struct QueuePage {
    ctx: PageCtx,
    t: T,
    zone: String,
    date: String,
    date_label: String,
    is_today: bool,
    on_duty: Vec<String>,
    rows: Vec<QueueRow>,
    follow_ups: usize,
    message: Option<&'static str>,
}

#[derive(serde::Deserialize, Default)]
pub struct QueueQuery {
    date: Option<String>,
}

pub async fn queue(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    queue_page(&req, ctx, &state, query.into_inner().date, None, StatusCode::OK).await
}

async fn queue_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    date: Option<String>,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let lang = ctx.lang;
    let now = state.clock.now();
    let (center, zones, institutions) = with_conn(state, move |conn| {
        Ok((
            centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?,
            centers::zones_of(conn, expert.center_id)?,
            centers::institutions(conn)?,
        ))
    })
    .await?;
    let tz = time_zone(&center);
    let today = crate::domain::availability::local_date(tz, now);
    let day = date.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today);
    let (from, to) = super::desk::day_range(&center, day);
    let (center_id, zone_id) = (center.id, expert.zone_id);
    let weekday = chrono::Datelike::weekday(&day).number_from_monday() as i16;
    let (appts, cases, answers, rules, consultations, follow_ups) = with_conn(state, move |conn| {
        let appts: Vec<_> =
            q::appointments_between(conn, center_id, from, to)?.into_iter().filter(|a| a.zone_id == zone_id).collect();
        let ids: Vec<i64> = appts.iter().map(|a| a.case_id).collect();
        let mut consultations = HashMap::new();
        for id in &ids {
            for c in consult::of_case(conn, *id)? {
                if let Some(a) = c.appointment_id {
                    consultations.insert(a, c);
                }
            }
        }
        Ok((
            appts,
            q::cases_by_ids(conn, &ids)?,
            q::answers_by_ids(conn, &ids)?,
            centers::rules_of(conn, &[zone_id])?,
            consultations,
            consult::due_follow_ups(conn, zone_id, today)?.len(),
        ))
    })
    .await?;
    let cases: HashMap<i64, crate::db::cases::Case> = cases.into_iter().map(|c| (c.id, c)).collect();
    let answers: HashMap<i64, Answers> = answers.into_iter().map(|a| (a.case_id, a)).collect();
    let on_duty = super::desk::on_duty(lang, &rules, zone_id, weekday, &institutions);
    let rows = appts
        .iter()
        .filter_map(|a| {
            let case = cases.get(&a.case_id)?;
            let open = consultations.get(&a.id).filter(|c| c.completed_at.is_none());
            Some(QueueRow {
                appt_id: a.id,
                case_id: case.id,
                version: case.version,
                time: hhmm(&center, a.starts_at),
                ticket: a.ticket_number,
                reference: case.reference.clone(),
                company: answers.get(&a.case_id).and_then(|x| x.company_name.clone()).unwrap_or_default(),
                state: super::desk::appt_status_key(&a.status),
                waiting_since: (a.status == "waiting").then(|| a.checked_in_at.map(|t| hhmm(&center, t))).flatten(),
                can_start: a.status == "waiting" && case.status == "waiting",
                consultation: open.map(|c| c.id),
            })
        })
        .collect();
    let zone =
        zones.iter().find(|(z, _)| z.id == expert.zone_id).map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned());
    let page = QueuePage {
        t: ctx.t,
        ctx,
        zone: zone.unwrap_or_default(),
        date: day.format("%Y-%m-%d").to_string(),
        date_label: date_label(lang, day),
        is_today: day == today,
        on_duty,
        rows,
        follow_ups,
        message,
    };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

#[derive(serde::Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i64,
}

pub async fn start(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let (id, version, now) = (id.into_inner(), form.version, state.clock.now());
    let r = with_conn(&state, move |conn| Ok(consult::start(conn, expert, id, version, now))).await?;
    match r {
        Ok(_) => {
            let case_id = with_conn(&state, move |conn| Ok(q::appointment(conn, id)?.map(|a| a.case_id))).await?;
            Ok(see_other(format!("/expert/cases/{}", case_id.unwrap_or_default())))
        }
        Err(ConsultError::NotFound) => Err(AppError::NotFound),
        Err(ConsultError::Db(e)) => Err(e.into()),
        // Someone else called this visitor in first, or the case moved on.
        Err(_) => queue_page(&req, ctx, &state, None, Some(msg("expert.taken")), StatusCode::CONFLICT).await,
    }
}

// ----- the pre-brief, the outcome, the referral ---------------------------------------------------

pub struct Earlier {
    date: String,
    zone: String,
    summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert/case.html")]
pub struct CasePage {
    ctx: PageCtx,
    t: T,
    id: i64,
    version: i64,
    reference: String,
    zone_kind: String,
    facts: Vec<(&'static str, String)>,
    topics: Vec<String>,
    question: Option<String>,
    routing: Vec<String>,
    docs: Vec<(i64, String)>,
    earlier: Vec<Earlier>,
    /// The open consultation of this expert's zone: the outcome form.
    open: Option<i64>,
    /// The completed consultation of this zone, if the case can be referred on.
    referable: Option<i64>,
    form: OutcomeForm,
    errors: Vec<FieldError>,
    institutions: Vec<(&'static str, String)>,
    products: Vec<(&'static str, &'static str)>,
    advice: Vec<(&'static str, &'static str)>,
    other_zones: Vec<(String, String)>,
    message: Option<&'static str>,
}

impl CasePage {
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.key)
    }
}

pub async fn case(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    case_page(&req, ctx, &state, id.into_inner(), OutcomeForm::default(), Vec::new(), None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn case_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    id: i64,
    form: OutcomeForm,
    errors: Vec<FieldError>,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let lang = ctx.lang;
    let now = state.clock.now();
    let loaded = with_conn(state, move |conn| {
        let case = match crate::db::cases::find(conn, id)? {
            Some(c) if c.center_id == expert.center_id => c,
            _ => return Err(AppError::NotFound),
        };
        let zones = answers::zones(conn, case.id)?;
        let all = centers::zones_of(conn, expert.center_id)?;
        let my_kind = all.iter().find(|(z, _)| z.id == expert.zone_id).map(|(_, k)| k.code.clone()).unwrap_or_default();
        let consultations = consult::of_case(conn, case.id)?;
        // An expert sees the cases routed to their zone or consulted there.
        if !zones.iter().any(|z| z.zone_kind == my_kind) && !consultations.iter().any(|c| c.zone_id == expert.zone_id) {
            return Err(AppError::NotFound);
        }
        q::log_access(conn, expert.user_id, case.id, "view", now)?;
        let ans = answers::find(conn, case.id)?;
        let earlier = match ans.as_ref().and_then(|a| a.brn.clone()) {
            Some(brn) => consult::earlier_of_company(conn, expert.center_id, &brn, case.id)?,
            None => Vec::new(),
        };
        Ok((
            case.clone(),
            ans,
            answers::topics(conn, case.id)?,
            zones,
            all,
            my_kind,
            consultations,
            earlier,
            documents::of_case(conn, case.id)?,
            centers::institutions(conn)?,
            centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?,
        ))
    })
    .await?;
    let (case, ans, topics, zones, all, my_kind, consultations, earlier, docs, institutions, center) = loaded;
    let mut facts = Vec::new();
    if let Some(a) = &ans {
        for (label, v) in [
            (msg("apply.company.name"), a.company_name.clone()),
            (msg("apply.company.brn"), a.brn.clone()),
            (msg("apply.company.industry"), a.industry.clone()),
            (msg("apply.company.stage"), a.stage.clone()),
            (msg("apply.company.employees"), a.employees.map(|n| n.to_string())),
            (msg("apply.contact.name"), a.contact_name.clone()),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                facts.push((label, v));
            }
        }
    }
    let open = consultations.iter().find(|c| c.zone_id == expert.zone_id && c.completed_at.is_none()).map(|c| c.id);
    let referable = (case.status == "consulted")
        .then(|| {
            consultations.iter().rev().find(|c| c.zone_id == expert.zone_id && c.completed_at.is_some()).map(|c| c.id)
        })
        .flatten();
    let zone_name =
        |zid: i64| all.iter().find(|(z, _)| z.id == zid).map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned());
    let page = CasePage {
        t: ctx.t,
        id: case.id,
        version: case.version,
        reference: case.reference.clone(),
        facts,
        topics,
        question: ans.as_ref().and_then(|a| a.question.clone()),
        routing: zones.iter().map(|z| lang.pick(&z.explanation_ko, &z.explanation_en).to_owned()).collect(),
        docs: docs.iter().map(|d| (d.id, d.original_name.clone())).collect(),
        earlier: earlier
            .iter()
            .map(|c| Earlier {
                date: c.consulted_on.map(|d| date_label(lang, d)).unwrap_or_default(),
                zone: zone_name(c.zone_id).unwrap_or_default(),
                summary: c.summary.clone().or_else(|| c.notes.clone()).unwrap_or_default(),
            })
            .collect(),
        open,
        referable,
        form,
        errors,
        institutions: INSTITUTIONS
            .iter()
            .map(|code| {
                let name =
                    institutions.iter().find(|i| i.code == *code).map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned());
                (*code, name.unwrap_or_else(|| (*code).to_owned()))
            })
            .collect(),
        products: FINANCE_PRODUCTS.iter().map(|p| (*p, product_key(p))).collect(),
        advice: if my_kind == "ip" { IP_ADVICE.to_vec() } else { LEGAL_ADVICE.to_vec() }
            .into_iter()
            .map(|a| (a, advice_key(a)))
            .collect(),
        other_zones: all
            .iter()
            .filter(|(z, _)| z.id != expert.zone_id)
            .map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned()))
            .collect(),
        zone_kind: my_kind,
        message,
        ctx,
    };
    let _ = center;
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

fn product_key(p: &str) -> &'static str {
    match p {
        "guarantee" => msg("outcome.product.guarantee"),
        "loan" => msg("outcome.product.loan"),
        "investment" => msg("outcome.product.investment"),
        _ => msg("outcome.product.other"),
    }
}

fn advice_key(a: &str) -> &'static str {
    match a {
        "application" => msg("outcome.advice.application"),
        "prior_art" => msg("outcome.advice.prior_art"),
        "transfer" => msg("outcome.advice.transfer"),
        "dispute" => msg("outcome.advice.dispute"),
        "contract" => msg("outcome.advice.contract"),
        "labor" => msg("outcome.advice.labor"),
        "governance" => msg("outcome.advice.governance"),
        "licensing" => msg("outcome.advice.licensing"),
        _ => msg("outcome.advice.other"),
    }
}

#[derive(serde::Deserialize)]
pub struct CompleteForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    case_id: i64,
    #[serde(flatten)]
    outcome: OutcomeForm,
}

pub async fn complete(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CompleteForm>,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let outcome = form.outcome.clone();
    let version = form.version;
    let r = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(time_zone(&center), now);
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(consult::complete(conn, expert, id, &outcome, version, today, &env))
    })
    .await?;
    let case_id = form.case_id;
    match r {
        Ok(()) => Ok(see_other(format!("/expert/cases/{case_id}"))),
        Err(ConsultError::Invalid(errors)) => {
            case_page(&req, ctx, &state, case_id, form.outcome, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ConsultError::NotFound) => Err(AppError::NotFound),
        Err(ConsultError::Db(e)) => Err(e.into()),
        Err(_) => {
            case_page(
                &req,
                ctx,
                &state,
                case_id,
                form.outcome,
                Vec::new(),
                Some(msg("desk.changed")),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ReferForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    case_id: i64,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    reason: String,
}

pub async fn refer(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReferForm>,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let (zone, reason, version, case_id) = (form.zone.clone(), form.reason.clone(), form.version, form.case_id);
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(consult::refer(conn, expert, id, &zone, &reason, version, &env))
    })
    .await?;
    let message = match r {
        Ok(()) => return Ok(see_other(format!("/expert/cases/{case_id}"))),
        Err(ConsultError::NotFound) => return Err(AppError::NotFound),
        Err(ConsultError::Db(e)) => return Err(e.into()),
        Err(ConsultError::ReasonRequired) => msg("desk.reason_required"),
        Err(ConsultError::WrongState) => msg("expert.refer_zone"),
        Err(_) => msg("desk.changed"),
    };
    case_page(
        &req,
        ctx,
        &state,
        case_id,
        OutcomeForm::default(),
        Vec::new(),
        Some(message),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

// ----- follow-ups --------------------------------------------------------------------------------

pub struct FollowUp {
    id: i64,
    case_id: i64,
    due: String,
    reference: String,
    product: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert/follow_ups.html")]
pub struct FollowUpsPage {
    ctx: PageCtx,
    t: T,
    items: Vec<FollowUp>,
    is_finance: bool,
    message: Option<&'static str>,
}

pub async fn follow_ups(req: HttpRequest, ctx: PageCtx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    follow_ups_page(&req, ctx, &state, None, StatusCode::OK).await
}

async fn follow_ups_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let lang = ctx.lang;
    let now = state.clock.now();
    let (items, cases, is_finance) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(time_zone(&center), now);
        let items = consult::due_follow_ups(conn, expert.zone_id, today + Duration::days(7))?;
        let ids: Vec<i64> = items.iter().filter_map(|c| c.case_id).collect();
        let is_finance = centers::zones_of(conn, expert.center_id)?
            .iter()
            .any(|(z, k)| z.id == expert.zone_id && k.code == "finance");
        Ok((items, q::cases_by_ids(conn, &ids)?, is_finance))
    })
    .await?;
    let page = FollowUpsPage {
        t: ctx.t,
        items: items
            .iter()
            .map(|c| FollowUp {
                id: c.id,
                case_id: c.case_id.unwrap_or_default(),
                due: c.follow_up_on.map(|d| date_label(lang, d)).unwrap_or_default(),
                reference: cases
                    .iter()
                    .find(|x| Some(x.id) == c.case_id)
                    .map(|x| x.reference.clone())
                    .unwrap_or_default(),
                product: c.product.as_deref().map(product_key),
            })
            .collect(),
        is_finance,
        message,
        ctx,
    };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

#[derive(serde::Deserialize)]
pub struct ExecutionForm {
    #[serde(default)]
    executed_won: String,
    #[serde(default)]
    executed_on: String,
}

pub async fn record_execution(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ExecutionForm>,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let (id, f, now) = (id.into_inner(), form.into_inner(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(time_zone(&center), now);
        Ok(consult::record_execution(conn, expert, id, &f.executed_won, &f.executed_on, today, now))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other("/expert/follow-ups".into())),
        Err(ConsultError::Invalid(e)) => {
            let key = e.first().map_or(msg("outcome.error.won"), |e| e.key);
            follow_ups_page(&req, ctx, &state, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ConsultError::Db(e)) => Err(e.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

// ----- the lobby board (public) ------------------------------------------------------------------

pub struct LobbyZone {
    name: String,
    serving: Vec<i32>,
    waiting: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/lobby.html")]
pub struct LobbyPage {
    ctx: PageCtx,
    t: T,
    center: String,
    time: String,
    zones: Vec<LobbyZone>,
}

/// For a screen in the lobby: per zone the tickets being served and how many wait; no names
/// or company data. With JavaScript it refreshes itself every 15 seconds (static/js/refresh.js).
pub async fn lobby(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let lang = ctx.lang;
    let now = state.clock.now();
    let (center, zones, appts) = with_conn(&state, move |conn| {
        let center = centers::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let tz = time_zone(&center);
        let today = crate::domain::availability::local_date(tz, now);
        let (start, end) = super::desk::day_range(&center, today);
        Ok((center.clone(), centers::zones_of(conn, center.id)?, q::appointments_between(conn, center.id, start, end)?))
    })
    .await?;
    let zones = zones
        .iter()
        .map(|(z, k)| {
            let mine = appts.iter().filter(|a| a.zone_id == z.id);
            LobbyZone {
                name: lang.pick(&k.name_ko, &k.name_en).to_owned(),
                serving: mine
                    .clone()
                    .filter(|a| a.status == "in_consultation")
                    .filter_map(|a| a.ticket_number)
                    .collect(),
                waiting: mine.filter(|a| a.status == "waiting").count(),
            }
        })
        .collect();
    let mut res = LobbyPage {
        t: ctx.t,
        center: lang.pick(&center.name_ko, &center.name_en).to_owned(),
        time: hhmm(&center, now),
        zones,
        ctx,
    }
    .respond_to(&req)
    .map_into_boxed_body();
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

// ----- the expert's calendar feed ----------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "expert/feed.html")]
pub struct FeedPage {
    ctx: PageCtx,
    t: T,
    has_feed: bool,
    /// Shown once, right after it was made.
    new_url: Option<String>,
}

pub async fn feed_page(ctx: PageCtx, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let expert = expert_of(&ctx)?;
    let has_feed = with_conn(&state, move |conn| Ok(crate::db::users::has_feed(conn, expert.user_id)?)).await?;
    Ok(FeedPage { t: ctx.t, ctx, has_feed, new_url: None })
}

/// A new secret feed address (the old one stops working), shown once.
pub async fn new_feed(req: HttpRequest, ctx: PageCtx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let token = crate::token::new_token();
    let hash = crate::token::hash_token(&token);
    with_conn(&state, move |conn| Ok(crate::db::users::set_feed_token(conn, expert.user_id, Some(&hash))?)).await?;
    let url = format!("{}/feeds/{token}.ics", state.settings.base_url);
    let mut res = FeedPage { t: ctx.t, ctx, has_feed: true, new_url: Some(url) }.respond_to(&req).map_into_boxed_body();
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

pub async fn revoke_feed(ctx: PageCtx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    with_conn(&state, move |conn| Ok(crate::db::users::set_feed_token(conn, expert.user_id, None)?)).await?;
    Ok(see_other("/expert/feed".into()))
}

/// The feed itself (no sign-in: the secret address is the key): the zone's appointments from a
/// week ago to two months ahead, reference and zone only.
pub async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = file.into_inner().strip_suffix(".ics").ok_or(AppError::NotFound)?.to_owned();
    let now = state.clock.now();
    let host = crate::config::host_of(&state.settings.base_url).to_owned();
    let ics = with_conn(&state, move |conn| {
        let user =
            crate::db::users::by_feed_token(conn, &crate::token::hash_token(&token))?.ok_or(AppError::NotFound)?;
        let (Some(center_id), Some(zone_id)) = (user.center_id, user.zone_id) else { return Err(AppError::NotFound) };
        let center = centers::by_id(conn, center_id)?.ok_or(AppError::NotFound)?;
        let zone =
            centers::zones_of(conn, center_id)?.into_iter().find(|(z, _)| z.id == zone_id).ok_or(AppError::NotFound)?;
        let appts: Vec<_> =
            q::appointments_between(conn, center_id, now - Duration::days(7), now + Duration::days(62))?
                .into_iter()
                .filter(|a| a.zone_id == zone_id && a.status != "no_show")
                .collect();
        let ids: Vec<i64> = appts.iter().map(|a| a.case_id).collect();
        let cases = q::cases_by_ids(conn, &ids)?;
        let items: Vec<crate::services::calendar::FeedItem> = appts
            .iter()
            .map(|a| crate::services::calendar::FeedItem {
                id: a.id,
                title: format!(
                    "{} · {}",
                    cases.iter().find(|c| c.id == a.case_id).map(|c| c.reference.as_str()).unwrap_or(""),
                    zone.1.name_ko
                ),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
            })
            .collect();
        Ok(crate::services::calendar::feed(
            &format!("{} {}", center.name_ko, zone.1.name_ko),
            &center.timezone,
            &host,
            now,
            &items,
        ))
    })
    .await?;
    let mut res = HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(ics);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    Ok(res)
}

/// A document of a case routed to the expert's zone (the download is recorded).
pub async fn document(
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let expert = expert_of(&ctx)?;
    let (case_id, doc_id) = path.into_inner();
    let now = state.clock.now();
    let doc = with_conn(&state, move |conn| {
        let case = match crate::db::cases::find(conn, case_id)? {
            Some(c) if c.center_id == expert.center_id => c,
            _ => return Err(AppError::NotFound),
        };
        let kind = centers::zones_of(conn, expert.center_id)?
            .into_iter()
            .find(|(z, _)| z.id == expert.zone_id)
            .map(|(_, k)| k.code)
            .unwrap_or_default();
        let mine = answers::zones(conn, case.id)?.iter().any(|z| z.zone_kind == kind)
            || consult::of_case(conn, case.id)?.iter().any(|c| c.zone_id == expert.zone_id);
        if !mine {
            return Err(AppError::NotFound);
        }
        let doc = documents::find_of_case(conn, case.id, doc_id)?.ok_or(AppError::NotFound)?;
        q::log_access(conn, expert.user_id, case.id, "document", now)?;
        Ok(doc)
    })
    .await?;
    super::documents::send_document(&state, case_id, doc).await
}
