//! The staff desk: the day's appointments per zone (today's board), submissions, one case with
//! its history, check-in, no-show, re-routing, cancelling and moving on the applicant's behalf,
//! walk-ins, and closures. Staff and admins of a center only; every object is checked against
//! their center (another center's case answers 404, like one that does not exist).

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, date_label, msg};
use super::{AppState, with_conn};
use crate::db::answers::{Answers, CaseZone};
use crate::db::appointments::Appointment;
use crate::db::cases::{Case, CaseEventRow};
use crate::db::centers::{self, Center};
use crate::db::{answers, appointments, desk as q, documents};
use crate::domain::Role;
use crate::services::availability;
use crate::services::booking::{self, BookError, Leg};
use crate::services::desk::{self, DeskError, Staff};
use crate::services::mail;

/// The signed-in staff member or admin (experts have their own pages).
pub fn staff_of(ctx: &PageCtx) -> Result<Staff, AppError> {
    let user = ctx.require_user()?;
    if user.role == Role::Expert {
        return Err(AppError::Forbidden);
    }
    Ok(Staff { user_id: user.id, center_id: user.center_id.ok_or(AppError::Forbidden)? })
}

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

fn local(center: &Center, t: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    availability::time_zone(center).from_utc_datetime(&t)
}

/// The UTC range of a local day at the center.
pub(super) fn day_range(center: &Center, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let tz = availability::time_zone(center);
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or(d.and_hms_opt(0, 0, 0).unwrap_or_default(), |t| t.naive_utc())
    };
    (start(day), start(day + Duration::days(1)))
}

fn status_key(status: &str) -> &'static str {
    match status {
        "submitted" => msg("status.submitted"),
        "reserved" => msg("status.reserved"),
        "waiting" => msg("status.waiting"),
        "in_consultation" => msg("status.in_consultation"),
        "consulted" => msg("status.consulted"),
        "no_show" => msg("status.no_show"),
        "cancelled" => msg("status.cancelled"),
        _ => msg("status.draft"),
    }
}

pub(super) fn appt_status_key(status: &str) -> &'static str {
    match status {
        "booked" => msg("appt.booked"),
        "waiting" => msg("appt.waiting"),
        "in_consultation" => msg("appt.in_consultation"),
        "done" => msg("appt.done"),
        "no_show" => msg("appt.no_show"),
        _ => msg("appt.cancelled"),
    }
}

// ----- the day's appointments (today's board) ------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct DayQuery {
    date: Option<String>,
    /// `week`: the seven days from the Monday of `date`.
    view: Option<String>,
    zone: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

pub struct Row {
    appt_id: i64,
    case_id: i64,
    version: i64,
    time: String,
    reference: String,
    company: String,
    status: &'static str,
    ticket: Option<i32>,
    waiting_since: Option<String>,
    institution: Option<String>,
    can_check_in: bool,
    can_no_show: bool,
}

pub struct ZoneDay {
    /// The finance institution(s) on duty that day (the rotation).
    on_duty: Vec<String>,
    name: String,
    code: String,
    rows: Vec<Row>,
    waiting: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/appointments.html")]
pub struct DayPage {
    ctx: PageCtx,
    t: T,
    date: String,
    date_label: String,
    is_today: bool,
    week: bool,
    prev: String,
    next: String,
    zone: String,
    status: String,
    q: String,
    zone_options: Vec<(String, String)>,
    status_options: Vec<(&'static str, &'static str)>,
    zones: Vec<ZoneDay>,
    to_book: i64,
    new_today: i64,
    changed_24h: i64,
    waiting_now: usize,
    message: Option<&'static str>,
}

pub async fn appointments(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    day_page(&req, ctx, state, query.into_inner(), None, StatusCode::OK).await
}

async fn day_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: DayQuery,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let now = state.clock.now();
    let lang = ctx.lang;
    let (center, zones, institutions) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let zones = centers::zones_of(conn, center.id)?;
        Ok((center, zones, centers::institutions(conn)?))
    })
    .await?;
    let today = local(&center, now).date_naive();
    let day = query.date.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today);
    let week = query.view.as_deref() == Some("week");
    let day =
        if week { day - Duration::days(chrono::Datelike::weekday(&day).num_days_from_monday().into()) } else { day };
    let (from, _) = day_range(&center, day);
    let (_, to) = day_range(&center, if week { day + Duration::days(6) } else { day });
    let center_id = center.id;
    let (today_start, _) = day_range(&center, today);
    let zone_ids: Vec<i64> = zones.iter().map(|(z, _)| z.id).collect();
    let (appts, cases, answers, counts, rules) = with_conn(&state, move |conn| {
        let appts = q::appointments_between(conn, center_id, from, to)?;
        let ids: Vec<i64> = appts.iter().map(|a| a.case_id).collect();
        Ok((
            appts,
            q::cases_by_ids(conn, &ids)?,
            q::answers_by_ids(conn, &ids)?,
            (
                q::count_in_status(conn, center_id, "submitted")?,
                q::submissions_since(conn, center_id, today_start)?,
                q::applicant_changes_since(conn, center_id, now - Duration::hours(24))?,
            ),
            centers::rules_of(conn, &zone_ids)?,
        ))
    })
    .await?;
    let (to_book, new_today, changed_24h) = counts;
    let weekday = chrono::Datelike::weekday(&day).number_from_monday() as i16;
    let cases: HashMap<i64, Case> = cases.into_iter().map(|c| (c.id, c)).collect();
    let answers: HashMap<i64, Answers> = answers.into_iter().map(|a| (a.case_id, a)).collect();
    let search = query.q.clone().unwrap_or_default().trim().to_lowercase();
    let want_status = query.status.clone().unwrap_or_default();
    let want_zone = query.zone.clone().unwrap_or_default();
    let mut out = Vec::new();
    for (zone, kind) in &zones {
        if !want_zone.is_empty() && kind.code != want_zone {
            continue;
        }
        let mut rows = Vec::new();
        for a in appts.iter().filter(|a| a.zone_id == zone.id) {
            let Some(case) = cases.get(&a.case_id) else { continue };
            let ans = answers.get(&a.case_id);
            let company = ans.and_then(|x| x.company_name.clone()).unwrap_or_default();
            let brn = ans.and_then(|x| x.brn.clone()).unwrap_or_default();
            if !want_status.is_empty() && a.status != want_status {
                continue;
            }
            if !search.is_empty()
                && ![case.reference.to_lowercase(), company.to_lowercase(), brn.replace('-', "")]
                    .iter()
                    .any(|s| s.contains(&search.replace('-', "")) || s.contains(&search))
            {
                continue;
            }
            rows.push(Row {
                appt_id: a.id,
                case_id: case.id,
                version: case.version,
                time: {
                    let l = local(&center, a.starts_at);
                    if week {
                        format!("{} {}", date_label(lang, l.date_naive()), l.format("%H:%M"))
                    } else {
                        l.format("%H:%M").to_string()
                    }
                },
                reference: case.reference.clone(),
                company,
                status: appt_status_key(&a.status),
                ticket: a.ticket_number,
                waiting_since: (a.status == "waiting")
                    .then(|| a.checked_in_at.map(|t| local(&center, t).format("%H:%M").to_string()))
                    .flatten(),
                institution: a
                    .institution_id
                    .and_then(|id| institutions.iter().find(|i| i.id == id))
                    .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()),
                // Check-in is for today's visits only (it takes today's lobby ticket).
                can_check_in: a.status == "booked"
                    && case.status == "reserved"
                    && local(&center, a.starts_at).date_naive() == today,
                can_no_show: matches!(a.status.as_str(), "booked" | "waiting") && now >= a.ends_at,
            });
        }
        let waiting = rows.iter().filter(|r| r.ticket.is_some() && r.waiting_since.is_some()).count();
        let on_duty = on_duty(lang, &rules, zone.id, weekday, &institutions);
        out.push(ZoneDay {
            on_duty,
            name: lang.pick(&kind.name_ko, &kind.name_en).to_owned(),
            code: kind.code.clone(),
            rows,
            waiting,
        });
    }
    let waiting_now = out.iter().map(|z| z.waiting).sum();
    let zone_options =
        zones.iter().map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned())).collect();
    let page = DayPage {
        t: ctx.t,
        ctx,
        date: day.format("%Y-%m-%d").to_string(),
        date_label: if week {
            format!("{} – {}", date_label(lang, day), date_label(lang, day + Duration::days(6)))
        } else {
            date_label(lang, day)
        },
        is_today: day == today && !week,
        week,
        prev: (day - Duration::days(if week { 7 } else { 1 })).format("%Y-%m-%d").to_string(),
        next: (day + Duration::days(if week { 7 } else { 1 })).format("%Y-%m-%d").to_string(),
        zone: want_zone,
        status: want_status,
        q: query.q.unwrap_or_default(),
        zone_options,
        status_options: ["booked", "waiting", "in_consultation", "done", "no_show"]
            .into_iter()
            .map(|c| (c, appt_status_key(c)))
            .collect(),
        zones: out,
        to_book,
        new_today,
        changed_24h,
        waiting_now,
        message,
    };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

/// The finance institution(s) on duty in a zone on a weekday (the rotation in its rules).
pub(super) fn on_duty(
    lang: super::i18n::Lang,
    rules: &[centers::ScheduleRule],
    zone_id: i64,
    weekday: i16,
    institutions: &[centers::Institution],
) -> Vec<String> {
    let mut names: Vec<String> = rules
        .iter()
        .filter(|r| r.zone_id == zone_id && r.weekday == weekday)
        .filter_map(|r| r.institution_id.and_then(|id| institutions.iter().find(|i| i.id == id)))
        .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned())
        .collect();
    names.dedup();
    names
}

/// Check-in and no-show forms carry the case version their page showed.
#[derive(serde::Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    back: String,
}

fn back_to(back: &str, fallback: String) -> String {
    let back = super::public::safe_local_path(Some(back));
    if back.starts_with("/staff/") { back.to_owned() } else { fallback }
}

/// What a desk action's refusal shows: the case page with the message, or a plain error.
async fn refused(
    req: &HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    case_id: Option<i64>,
    e: DeskError,
) -> Result<HttpResponse, AppError> {
    let (key, code) = match e {
        DeskError::NotFound => return Err(AppError::NotFound),
        DeskError::Db(e) => return Err(e.into()),
        DeskError::Conflict => (msg("desk.changed"), StatusCode::CONFLICT),
        DeskError::WrongState => (msg("desk.wrong_state"), StatusCode::CONFLICT),
        DeskError::TooEarly => (msg("desk.too_early"), StatusCode::CONFLICT),
        DeskError::NotToday => (msg("desk.not_today"), StatusCode::CONFLICT),
        DeskError::NoAddress => (msg("desk.no_address"), StatusCode::CONFLICT),
        DeskError::ReasonRequired => (msg("desk.reason_required"), StatusCode::UNPROCESSABLE_ENTITY),
        DeskError::Characters => (msg("desk.reason_characters"), StatusCode::UNPROCESSABLE_ENTITY),
        DeskError::NoZone => (msg("desk.no_zone"), StatusCode::UNPROCESSABLE_ENTITY),
    };
    match case_id {
        Some(id) => case_page(req, ctx, state, id, Some(key), code).await,
        None => day_page(req, ctx, state, DayQuery::default(), Some(key), code).await,
    }
}

pub async fn check_in(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let (id, form, now) = (id.into_inner(), form.into_inner(), state.clock.now());
    let version = form.version;
    let r = with_conn(&state, move |conn| Ok(desk::check_in(conn, staff, id, version, now))).await?;
    match r {
        Ok(_) => Ok(see_other(back_to(&form.back, "/staff/appointments".into()))),
        Err(e) => {
            let case_id = with_conn(&state, move |conn| Ok(q::appointment(conn, id)?.map(|a| a.case_id))).await?;
            refused(&req, ctx, state, case_id, e).await
        }
    }
}

pub async fn no_show(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let (id, form, now) = (id.into_inner(), form.into_inner(), state.clock.now());
    let version = form.version;
    let r = with_conn(&state, move |conn| Ok(desk::no_show(conn, staff, id, version, now))).await?;
    match r {
        Ok(()) => Ok(see_other(back_to(&form.back, "/staff/appointments".into()))),
        Err(e) => {
            let case_id = with_conn(&state, move |conn| Ok(q::appointment(conn, id)?.map(|a| a.case_id))).await?;
            refused(&req, ctx, state, case_id, e).await
        }
    }
}

// ----- submissions and cases -------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<i64>,
}

pub struct CaseLine {
    id: i64,
    reference: String,
    company: String,
    zones: String,
    status: &'static str,
    updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/cases.html")]
pub struct CasesPage {
    ctx: PageCtx,
    t: T,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    lines: Vec<CaseLine>,
    page: i64,
    has_next: bool,
}

const PAGE: i64 = 50;

pub async fn cases(
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<impl Responder, AppError> {
    let staff = staff_of(&ctx)?;
    let query = query.into_inner();
    let statuses: Vec<(&'static str, &'static str)> =
        ["submitted", "reserved", "waiting", "in_consultation", "consulted", "no_show", "cancelled"]
            .into_iter()
            .map(|s| (s, status_key(s)))
            .collect();
    let status = query.status.filter(|s| statuses.iter().any(|(c, _)| c == s)).unwrap_or_else(|| "submitted".into());
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let lang = ctx.lang;
    let st = status.clone();
    let (center, rows, answers, zones) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let rows = q::cases_of_center(conn, staff.center_id, Some(&st), (page - 1) * PAGE, PAGE + 1)?;
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        let mut zones = HashMap::new();
        for id in &ids {
            zones.insert(*id, answers::zones(conn, *id)?);
        }
        Ok((center, rows, q::answers_by_ids(conn, &ids)?, zones))
    })
    .await?;
    let has_next = rows.len() as i64 > PAGE;
    let answers: HashMap<i64, Answers> = answers.into_iter().map(|a| (a.case_id, a)).collect();
    let lines = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|c| CaseLine {
            id: c.id,
            company: answers.get(&c.id).and_then(|a| a.company_name.clone()).unwrap_or_default(),
            zones: zones
                .get(&c.id)
                .map(|z: &Vec<CaseZone>| {
                    z.iter()
                        .map(|z| lang.pick(&z.explanation_ko, &z.explanation_en).to_owned())
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .unwrap_or_default(),
            status: status_key(&c.status),
            updated: local(&center, c.updated_at).format("%Y-%m-%d %H:%M").to_string(),
            reference: c.reference,
        })
        .collect();
    Ok(CasesPage { t: ctx.t, ctx, status, statuses, lines, page, has_next })
}

pub struct Fact {
    label: &'static str,
    value: String,
}

pub struct Leg2 {
    zone: String,
    when: String,
    status: &'static str,
    ticket: Option<i32>,
}

pub struct EventLine {
    at: String,
    who: String,
    what: String,
    reason: Option<String>,
}

pub struct DocLine {
    id: i64,
    name: String,
    size_kb: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/case.html")]
pub struct CasePage {
    ctx: PageCtx,
    t: T,
    id: i64,
    version: i64,
    reference: String,
    status: &'static str,
    message: Option<&'static str>,
    /// `message` confirms a success (else it explains a refusal).
    message_ok: bool,
    /// The applicant left an address: the desk may mail them a new link.
    can_send_link: bool,
    facts: Vec<Fact>,
    question: Option<String>,
    routing: Vec<String>,
    legs: Vec<Leg2>,
    docs: Vec<DocLine>,
    events: Vec<EventLine>,
    zone_choices: Vec<(String, String, bool)>,
    can_reroute: bool,
    can_cancel: bool,
    can_move: bool,
    can_check_in: Option<i64>,
    access: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct CaseQuery {
    /// What the action that led here did (`link`: a new link was mailed).
    #[serde(default)]
    done: String,
}

pub async fn case(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, AppError> {
    // A message with 200 is a confirmation of what just happened; with an error status, a refusal.
    let notice = (query.done == "link").then_some(msg("desk.link_sent"));
    case_page(&req, ctx, state, id.into_inner(), notice, StatusCode::OK).await
}

async fn case_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: i64,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let now = state.clock.now();
    let lang = ctx.lang;
    type Loaded =
        (Center, Case, Option<Answers>, Vec<CaseZone>, Vec<Appointment>, Vec<CaseEventRow>, Vec<documents::Document>);
    let loaded: Loaded = with_conn(&state, move |conn| {
        let case = desk::case_of_center(conn, staff, id).map_err(|_| AppError::NotFound)?;
        // PIPA: opening a case's personal data is recorded.
        q::log_access(conn, staff.user_id, case.id, "view", now)?;
        Ok((
            centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?,
            case.clone(),
            answers::find(conn, case.id)?,
            answers::zones(conn, case.id)?,
            appointments::live_of_case(conn, case.id)?,
            crate::db::cases::events_of(conn, case.id)?,
            documents::of_case(conn, case.id)?,
        ))
    })
    .await?;
    let (center, case, ans, zones, legs, events, docs) = loaded;
    let center_id = center.id;
    let case_id = case.id;
    let (zone_rows, users, access) = with_conn(&state, move |conn| {
        let users: Vec<crate::db::users::User> = crate::db::users::all_of_center(conn, center_id)?;
        Ok((centers::zones_of(conn, center_id)?, users, q::access_of_case(conn, case_id)?))
    })
    .await?;
    let t = ctx.t;
    let mut facts = Vec::new();
    if let Some(a) = &ans {
        let mut push = |label: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                facts.push(Fact { label, value: v });
            }
        };
        push(msg("apply.company.name"), a.company_name.clone());
        push(msg("apply.company.brn"), a.brn.clone());
        push(msg("apply.company.representative"), a.representative.clone());
        push(msg("apply.company.employees"), a.employees.map(|n| n.to_string()));
        push(msg("apply.contact.name"), a.contact_name.clone());
        push(msg("apply.contact.email"), a.contact_email.clone());
        push(msg("apply.contact.phone"), a.contact_phone.clone());
    }
    let zone_name = |zid: i64| {
        zone_rows
            .iter()
            .find(|(z, _)| z.id == zid)
            .map_or(String::new(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned())
    };
    let user_name =
        |uid: Option<i64>| uid.and_then(|u| users.iter().find(|x| x.id == u)).map(|u| u.display_name.clone());
    let status: crate::domain::CaseStatus = case.status.parse().unwrap_or(crate::domain::CaseStatus::Draft);
    use crate::domain::CaseStatus as S;
    let page = CasePage {
        t,
        id: case.id,
        version: case.version,
        status: status_key(&case.status),
        message,
        message_ok: code == StatusCode::OK,
        can_send_link: ans.as_ref().is_some_and(|a| a.contact_email.is_some()) && status != S::Draft,
        facts,
        question: ans.as_ref().and_then(|a| a.question.clone()),
        // The zone's name, then why the case went there (a case routed by hand has no reason).
        routing: zones
            .iter()
            .map(|z| {
                let name = zone_rows
                    .iter()
                    .find(|(_, k)| k.code == z.zone_kind)
                    .map_or(z.zone_kind.clone(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned());
                match lang.pick(&z.explanation_ko, &z.explanation_en) {
                    "" => name,
                    why => format!("{name}: {why}"),
                }
            })
            .collect(),
        legs: legs
            .iter()
            .map(|a| {
                let l = local(&center, a.starts_at);
                Leg2 {
                    zone: zone_name(a.zone_id),
                    when: format!("{} {}", date_label(lang, l.date_naive()), l.format("%H:%M")),
                    status: appt_status_key(&a.status),
                    ticket: a.ticket_number,
                }
            })
            .collect(),
        docs: docs
            .iter()
            .map(|d| DocLine { id: d.id, name: d.original_name.clone(), size_kb: (d.size_bytes + 1023) / 1024 })
            .collect(),
        events: events
            .iter()
            .map(|e| EventLine {
                at: local(&center, e.at).format("%Y-%m-%d %H:%M").to_string(),
                who: user_name(e.actor_user_id).unwrap_or_else(|| t.get(actor_key(&e.actor_kind)).to_owned()),
                what: format!("{} → {}", t.get(status_key(&e.from_status)), t.get(status_key(&e.to_status))),
                reason: e.reason.clone(),
            })
            .collect(),
        zone_choices: zone_rows
            .iter()
            .map(|(_, k)| {
                (
                    k.code.clone(),
                    lang.pick(&k.name_ko, &k.name_en).to_owned(),
                    zones.iter().any(|z| z.zone_kind == k.code),
                )
            })
            .collect(),
        can_reroute: matches!(status, S::Submitted | S::Reserved),
        can_cancel: matches!(status, S::Submitted | S::Reserved | S::NoShow),
        can_move: matches!(status, S::Submitted | S::Reserved | S::NoShow),
        can_check_in: (status == S::Reserved)
            .then(|| {
                let today = local(&center, now).date_naive();
                legs.iter()
                    .find(|a| a.status == "booked" && local(&center, a.starts_at).date_naive() == today)
                    .map(|a| a.id)
            })
            .flatten(),
        access: access
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    local(&center, r.at).format("%Y-%m-%d %H:%M"),
                    user_name(Some(r.user_id)).unwrap_or_default()
                )
            })
            .collect(),
        reference: case.reference,
        ctx,
    };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

fn actor_key(kind: &str) -> &'static str {
    match kind {
        "applicant" => msg("actor.applicant"),
        "staff" => msg("actor.staff"),
        "expert" => msg("actor.expert"),
        _ => msg("actor.system"),
    }
}

#[derive(serde::Deserialize)]
pub struct RerouteForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
}

/// Mails the applicant a new personal link (the desk never sees it).
pub async fn send_link(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let id = id.into_inner();
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(desk::send_new_link(conn, staff, id, &env))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}?done=link"))),
        Err(e) => refused(&req, ctx, state, Some(id), e).await,
    }
}

pub async fn reroute(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let id = id.into_inner();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let form = RerouteForm { version: get("version").parse().unwrap_or(-1), reason: get("reason") };
    let zones: Vec<String> = pairs.iter().filter(|(k, _)| k == "zone").map(|(_, v)| v.clone()).collect();
    let (base, from, now) = (state.settings.base_url.clone(), state.settings.mail_from.clone(), state.clock.now());
    let r = with_conn(&state, move |conn| {
        let env = mail::Env { base_url: &base, from: &from, now };
        Ok(desk::reroute(conn, staff, id, &zones, &form.reason, form.version, &env))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}"))),
        Err(e) => refused(&req, ctx, state, Some(id), e).await,
    }
}

#[derive(serde::Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let reason = match crate::domain::text::required_line(&form.reason, 500) {
        Ok(r) => r,
        Err(e) => return refused(&req, ctx, state, Some(id), DeskError::from(e)).await,
    };
    let op = staff_op(&state, staff);
    let r = with_conn(&state, move |conn| {
        let mut case = match desk::case_of_center(conn, staff, id) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        case.version = form.version;
        Ok(match booking::cancel(conn, &case, &reason, &op) {
            Ok(()) => Ok(()),
            Err(BookError::Db(e)) => Err(DeskError::Db(e)),
            Err(BookError::Fire(crate::services::case_flow::FireError::Conflict)) => Err(DeskError::Conflict),
            Err(_) => Err(DeskError::WrongState),
        })
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}"))),
        Err(e) => refused(&req, ctx, state, Some(id), e).await,
    }
}

fn staff_op(state: &AppState, staff: Staff) -> booking::Op {
    booking::Op {
        by: staff.acting(),
        now: state.clock.now(),
        base_url: state.settings.base_url.clone(),
        mail_from: state.settings.mail_from.clone(),
        link: None,
        override_notice: None,
    }
}

// ----- moving (or booking) on the applicant's behalf ---------------------------------------------

pub struct TimeChoice {
    value: String,
    label: String,
}

pub struct DayChoices {
    label: String,
    times: Vec<TimeChoice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/move.html")]
pub struct MovePage {
    ctx: PageCtx,
    t: T,
    id: i64,
    version: i64,
    reference: String,
    days: Vec<DayChoices>,
    message: Option<&'static str>,
    /// Staff override the minimum notice (with a reason): times from now on.
    override_mode: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct MoveQuery {
    #[serde(rename = "override")]
    override_notice: Option<String>,
}

pub async fn move_form(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<MoveQuery>,
) -> Result<HttpResponse, AppError> {
    let override_mode = query.override_notice.as_deref() == Some("1");
    move_page(&req, ctx, state, id.into_inner(), None, StatusCode::OK, override_mode).await
}

async fn move_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: i64,
    message: Option<&'static str>,
    code: StatusCode,
    override_mode: bool,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let now = state.clock.now();
    let lang = ctx.lang;
    let (case, center, times, zones) = with_conn(&state, move |conn| {
        let case = desk::case_of_center(conn, staff, id).map_err(|_| AppError::NotFound)?;
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let times = availability::for_case_with(conn, &center, case.id, now, override_mode)?;
        Ok((case, center.clone(), times, centers::zones_of(conn, center.id)?))
    })
    .await?;
    let zone_name = |zid: i64| {
        zones.iter().find(|(z, _)| z.id == zid).map_or("", |(_, k)| lang.pick(&k.name_ko, &k.name_en)).to_owned()
    };
    let mut days: Vec<DayChoices> = Vec::new();
    if times.zones.len() > 1 {
        for v in &times.visits {
            let label = date_label(lang, v.date);
            let value = v
                .legs
                .iter()
                .map(|l| Leg { zone_id: l.zone_id, starts_at: l.starts_at }.encode())
                .collect::<Vec<_>>()
                .join(",");
            let text = v
                .legs
                .iter()
                .map(|l| format!("{} {}", local(&center, l.starts_at).format("%H:%M"), zone_name(l.zone_id)))
                .collect::<Vec<_>>()
                .join(" → ");
            match days.iter_mut().find(|d| d.label == label) {
                Some(d) => d.times.push(TimeChoice { value, label: text }),
                None => days.push(DayChoices { label, times: vec![TimeChoice { value, label: text }] }),
            }
        }
    } else if let Some(z) = times.zones.first() {
        for (date, slots) in &z.days {
            days.push(DayChoices {
                label: date_label(lang, *date),
                times: slots
                    .iter()
                    .map(|s| TimeChoice {
                        value: Leg { zone_id: s.zone_id, starts_at: s.starts_at }.encode(),
                        label: format!("{} {}", s.local_start.format("%H:%M"), zone_name(s.zone_id)),
                    })
                    .collect(),
            });
        }
    }
    let page = MovePage {
        t: ctx.t,
        ctx,
        id: case.id,
        version: case.version,
        reference: case.reference,
        days,
        message,
        override_mode,
    };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

pub async fn move_visit(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let id = id.into_inner();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let legs: Option<Vec<Leg>> = get("choice").split(',').filter(|s| !s.is_empty()).map(Leg::parse).collect();
    let override_mode = get("override") == "1";
    let Some(legs) = legs.filter(|l| !l.is_empty()) else {
        return move_page(
            &req,
            ctx,
            state,
            id,
            Some(msg("apply.book.choose")),
            StatusCode::UNPROCESSABLE_ENTITY,
            override_mode,
        )
        .await;
    };
    let reason = crate::domain::text::single_line(&get("override_reason"), 500);
    let reason_problem = match &reason {
        Err(crate::domain::text::TextError::Characters) => Some(msg("desk.reason_characters")),
        Err(_) => Some(msg("desk.override_reason")),
        Ok(None) if override_mode => Some(msg("desk.override_reason")),
        Ok(_) => None,
    };
    if let Some(key) = reason_problem {
        return move_page(&req, ctx, state, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY, true).await;
    }
    let reason = reason.ok().flatten().unwrap_or_default();
    let version: i64 = get("version").parse().unwrap_or(-1);
    let mut op = staff_op(&state, staff);
    op.override_notice = override_mode.then_some(reason);
    let r = with_conn(&state, move |conn| {
        let mut case = match desk::case_of_center(conn, staff, id) {
            Ok(c) => c,
            Err(_) => return Err(AppError::NotFound),
        };
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let reserved = case.status == "reserved";
        case.version = version;
        let r = if reserved {
            booking::reschedule(conn, &center, &case, &legs, &op)
        } else {
            booking::reserve(conn, &center, &case, &legs, &op)
        };
        match r {
            Ok(_) => Ok(Ok(())),
            Err(BookError::Db(e)) => Err(e.into()),
            Err(e) => Ok(Err(e)),
        }
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other(format!("/staff/cases/{id}"))),
        Err(BookError::Fire(_)) => refused(&req, ctx, state, Some(id), DeskError::Conflict).await,
        Err(BookError::Taken) => {
            move_page(&req, ctx, state, id, Some(msg("apply.book.taken")), StatusCode::CONFLICT, override_mode).await
        }
        Err(_) => {
            move_page(&req, ctx, state, id, Some(msg("apply.book.not_offered")), StatusCode::CONFLICT, override_mode)
                .await
        }
    }
}

// ----- walk-ins ----------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, Clone)]
pub struct WalkInForm {
    #[serde(default)]
    zone: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/walk_in.html")]
pub struct WalkInPage {
    ctx: PageCtx,
    t: T,
    form: WalkInForm,
    zone_options: Vec<(String, String)>,
    zone_error: Option<&'static str>,
    company_error: Option<&'static str>,
    name_error: Option<&'static str>,
    phone_error: Option<&'static str>,
    has_errors: bool,
}

async fn walk_in_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    form: WalkInForm,
    errors: [Option<&'static str>; 4],
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let lang = ctx.lang;
    let zones = with_conn(state, move |conn| Ok(centers::zones_of(conn, staff.center_id)?)).await?;
    let has_errors = errors.iter().any(Option::is_some);
    let page = WalkInPage {
        t: ctx.t,
        ctx,
        form,
        zone_options: zones
            .iter()
            .map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned()))
            .collect(),
        zone_error: errors[0],
        company_error: errors[1],
        name_error: errors[2],
        phone_error: errors[3],
        has_errors,
    };
    let code = if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

pub async fn walk_in_form(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    walk_in_page(&req, ctx, &state, WalkInForm::default(), [None; 4]).await
}

pub async fn walk_in(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    form: web::Form<WalkInForm>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let form = form.into_inner();
    let mut errors = [None; 4];
    if form.zone.is_empty() {
        errors[0] = Some(msg("walk_in.zone_required"));
    }
    use crate::domain::text::{TextError, required_line};
    match required_line(&form.company, 100) {
        Ok(_) => {}
        Err(TextError::Characters) => errors[1] = Some(msg("apply.error.characters")),
        Err(_) => errors[1] = Some(msg("walk_in.company_required")),
    }
    match required_line(&form.contact_name, 50) {
        Ok(_) => {}
        Err(TextError::Characters) => errors[2] = Some(msg("apply.error.characters")),
        Err(_) => errors[2] = Some(msg("walk_in.name_required")),
    }
    let phone = if form.phone.trim().is_empty() {
        None
    } else {
        match crate::domain::contact::Phone::parse(form.phone.trim()) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(_) => {
                errors[3] = Some(msg("walk_in.phone_invalid"));
                None
            }
        }
    };
    if errors.iter().any(Option::is_some) {
        return walk_in_page(&req, ctx, &state, form, errors).await;
    }
    let now = state.clock.now();
    let f = form.clone();
    let r = with_conn(&state, move |conn| {
        let w = desk::WalkIn {
            zone_kind: &f.zone,
            company: f.company.trim(),
            contact_name: f.contact_name.trim(),
            phone: phone.as_deref(),
        };
        Ok(desk::walk_in(conn, staff, &w, now))
    })
    .await?;
    match r {
        Ok((case_id, _)) => Ok(see_other(format!("/staff/cases/{case_id}"))),
        Err(DeskError::NoZone) => {
            walk_in_page(&req, ctx, &state, form, [Some(msg("walk_in.zone_required")), None, None, None]).await
        }
        Err(e) => refused(&req, ctx, state, None, e).await,
    }
}

// ----- closures ----------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, Clone)]
pub struct ClosureForm {
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    reason: String,
}

pub struct ClosureLine {
    id: i64,
    dates: String,
    scope: String,
    reason: String,
}

pub struct Affected {
    case_id: i64,
    reference: String,
    when: String,
    zone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/closures.html")]
pub struct ClosuresPage {
    ctx: PageCtx,
    t: T,
    lines: Vec<ClosureLine>,
    form: ClosureForm,
    scopes: Vec<(String, String)>,
    starts_error: Option<&'static str>,
    ends_error: Option<&'static str>,
    reason_error: Option<&'static str>,
    has_errors: bool,
    affected: Vec<Affected>,
    added: bool,
}

async fn closures_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    form: ClosureForm,
    errors: [Option<&'static str>; 3],
    added: Option<(NaiveDate, NaiveDate, Option<String>)>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let lang = ctx.lang;
    let now = state.clock.now();
    let (center, zones, rows, experts) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        let experts: Vec<crate::db::users::User> = crate::db::users::all_of_center(conn, center.id)?
            .into_iter()
            .filter(|u| u.role == "expert" && u.disabled_at.is_none())
            .collect();
        Ok((center.clone(), centers::zones_of(conn, center.id)?, q::closures_from(conn, center.id, today)?, experts))
    })
    .await?;
    let t = ctx.t;
    let expert_label = |uid: i64| {
        experts
            .iter()
            .find(|u| u.id == uid)
            .map_or(String::new(), |u| t.fmt("closures.expert_away", "name", &u.display_name))
    };
    let zone_name = |zid: Option<i64>| match zid {
        Some(z) => zones
            .iter()
            .find(|(x, _)| x.id == z)
            .map_or(String::new(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned()),
        None => ctx.t.get("closures.whole_center").to_owned(),
    };
    // What the new closure hits: the booked visits on the days it closes (an expert's absence
    // closes their zone only when every expert of it is away).
    let mut affected = Vec::new();
    if let Some((from, to, _)) = &added {
        let (start, _) = day_range(&center, *from);
        let (_, end) = day_range(&center, *to);
        let (center_id, from, to) = (center.id, *from, *to);
        let zs: Vec<centers::Zone> = zones.iter().map(|(z, _)| z.clone()).collect();
        let tz = availability::time_zone(&center);
        let hit: Vec<Appointment> = with_conn(state, move |conn| {
            let mut closed = HashMap::new();
            for z in &zs {
                closed.insert(z.id, crate::db::schedule::zone_schedule(conn, z, from, to)?.closed);
            }
            Ok(q::appointments_between(conn, center_id, start, end)?
                .into_iter()
                .filter(|a| {
                    a.status == "booked"
                        && closed
                            .get(&a.zone_id)
                            .is_some_and(|c| c.contains(&crate::domain::availability::local_date(tz, a.starts_at)))
                })
                .collect())
        })
        .await?;
        let ids: Vec<i64> = hit.iter().map(|a| a.case_id).collect();
        let cases = with_conn(state, move |conn| Ok(q::cases_by_ids(conn, &ids)?)).await?;
        for a in hit {
            let l = local(&center, a.starts_at);
            affected.push(Affected {
                case_id: a.case_id,
                reference: cases.iter().find(|c| c.id == a.case_id).map(|c| c.reference.clone()).unwrap_or_default(),
                when: format!("{} {}", date_label(lang, l.date_naive()), l.format("%H:%M")),
                zone: zone_name(Some(a.zone_id)),
            });
        }
    }
    let has_errors = errors.iter().any(Option::is_some);
    let page = ClosuresPage {
        lines: rows
            .iter()
            .map(|r| ClosureLine {
                id: r.id,
                dates: if r.starts_on == r.ends_on {
                    date_label(lang, r.starts_on)
                } else {
                    format!("{} – {}", date_label(lang, r.starts_on), date_label(lang, r.ends_on))
                },
                scope: match r.expert_user_id {
                    Some(uid) => expert_label(uid),
                    None => zone_name(r.zone_id),
                },
                reason: r.reason.clone(),
            })
            .collect(),
        scopes: zones
            .iter()
            .map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned()))
            .chain(experts.iter().map(|u| (format!("expert:{}", u.id), expert_label(u.id))))
            .collect(),
        form,
        starts_error: errors[0],
        ends_error: errors[1],
        reason_error: errors[2],
        has_errors,
        affected,
        added: added.is_some(),
        t: ctx.t,
        ctx,
    };
    let code = if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(page.customize().with_status(code).respond_to(req).map_into_boxed_body())
}

pub async fn closures(req: HttpRequest, ctx: PageCtx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    closures_page(&req, ctx, &state, ClosureForm::default(), [None; 3], None).await
}

pub async fn add_closure(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    form: web::Form<ClosureForm>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let form = form.into_inner();
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let mut errors = [None; 3];
    let starts = parse(&form.starts_on);
    let ends = if form.ends_on.trim().is_empty() { starts } else { parse(&form.ends_on) };
    if starts.is_none() {
        errors[0] = Some(msg("closures.date_invalid"));
    }
    match (starts, ends) {
        (_, None) => errors[1] = Some(msg("closures.date_invalid")),
        (Some(s), Some(e)) if e < s => errors[1] = Some(msg("closures.ends_before_start")),
        (Some(s), Some(e)) if (e - s).num_days() > 366 => errors[1] = Some(msg("closures.too_long")),
        _ => {}
    }
    let reason = match crate::domain::text::required_line(&form.reason, 200) {
        Ok(r) => r,
        Err(crate::domain::text::TextError::Characters) => {
            errors[2] = Some(msg("apply.error.characters"));
            String::new()
        }
        Err(_) => {
            errors[2] = Some(msg("closures.reason_required"));
            String::new()
        }
    };
    if errors.iter().any(Option::is_some) {
        return closures_page(&req, ctx, &state, form, errors, None).await;
    }
    let (starts, ends) = (starts.unwrap_or_default(), ends.unwrap_or_default());
    let scope = Some(form.scope.clone()).filter(|s| !s.is_empty());
    let sc = scope.clone();
    let now = state.clock.now();
    let ok = with_conn(&state, move |conn| {
        let (zone_id, expert_user_id) = match sc.as_deref() {
            Some(s) if s.starts_with("expert:") => {
                let id: i64 = s["expert:".len()..].parse().unwrap_or(-1);
                match crate::db::users::by_id(conn, id)? {
                    Some(u) if u.role == "expert" && u.center_id == Some(staff.center_id) => (u.zone_id, Some(u.id)),
                    _ => return Ok(false),
                }
            }
            Some(code) => match centers::zone_by_kind(conn, staff.center_id, code)? {
                Some(z) => (Some(z.id), None),
                None => return Ok(false),
            },
            None => (None, None),
        };
        crate::db::schedule::add_closure(
            conn,
            &crate::db::schedule::NewClosure {
                center_id: staff.center_id,
                zone_id,
                expert_user_id,
                starts_on: starts,
                ends_on: ends,
                reason: &reason,
                created_by: Some(staff.user_id),
                created_at: now,
            },
        )?;
        Ok(true)
    })
    .await?;
    if !ok {
        // Only a crafted form names a scope that is not on the list.
        return Err(AppError::BadRequest(msg("error.bad_request")));
    }
    closures_page(&req, ctx, &state, ClosureForm::default(), [None; 3], Some((starts, ends, scope))).await
}

pub async fn delete_closure(
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let id = id.into_inner();
    let n = with_conn(&state, move |conn| Ok(q::delete_closure(conn, staff.center_id, id)?)).await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/staff/closures".into()))
}

/// A document of a case of the staff member's center (the download is recorded).
pub async fn document(
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let staff = staff_of(&ctx)?;
    let (case_id, doc_id) = path.into_inner();
    let now = state.clock.now();
    let doc = with_conn(&state, move |conn| {
        let case = desk::case_of_center(conn, staff, case_id).map_err(|_| AppError::NotFound)?;
        let doc = documents::find_of_case(conn, case.id, doc_id)?.ok_or(AppError::NotFound)?;
        q::log_access(conn, staff.user_id, case.id, "document", now)?;
        Ok(doc)
    })
    .await?;
    super::documents::send_document(&state, case_id, doc).await
}

// ----- the center's audit view -------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
    who: Option<String>,
    kind: Option<String>,
}

pub struct AuditLine {
    at: String,
    who: String,
    what: String,
    case_id: Option<i64>,
    reference: String,
    reason: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/audit.html")]
pub struct AuditPage {
    ctx: PageCtx,
    t: T,
    from: String,
    to: String,
    who: String,
    kind: String,
    people: Vec<(String, String)>,
    lines: Vec<AuditLine>,
}

/// Who did what, when: the case events (changes) and the access records (who opened whose
/// personal data), for the center, filterable by person, kind and dates.
pub async fn audit(
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<impl Responder, AppError> {
    let staff = staff_of(&ctx)?;
    let query = query.into_inner();
    let now = state.clock.now();
    let (center, people) = with_conn(&state, move |conn| {
        Ok((
            centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?,
            crate::db::users::all_of_center(conn, staff.center_id)?,
        ))
    })
    .await?;
    let today = local(&center, now).date_naive();
    let parse = |s: &Option<String>| s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let to_day = parse(&query.to).unwrap_or(today);
    let from_day = parse(&query.from).unwrap_or(to_day - Duration::days(6)).min(to_day);
    let (from, _) = day_range(&center, from_day);
    let (_, to) = day_range(&center, to_day);
    let who: Option<i64> =
        query.who.as_deref().and_then(|w| w.parse().ok()).filter(|id| people.iter().any(|p| p.id == *id));
    let kind = query.kind.clone().filter(|k| k == "changes" || k == "access").unwrap_or_default();
    let center_id = center.id;
    let k2 = kind.clone();
    let (events, access) = with_conn(&state, move |conn| {
        let events =
            if k2 == "access" { Vec::new() } else { q::events_of_center(conn, center_id, who, from, to, 500)? };
        let access =
            if k2 == "changes" { Vec::new() } else { q::access_of_center(conn, center_id, who, from, to, 500)? };
        Ok((events, access))
    })
    .await?;
    let mut ids: Vec<i64> = events.iter().map(|e| e.case_id).chain(access.iter().filter_map(|a| a.case_id)).collect();
    ids.sort_unstable();
    ids.dedup();
    let refs = with_conn(&state, move |conn| Ok(q::cases_by_ids(conn, &ids)?)).await?;
    let t = ctx.t;
    let name = |uid: Option<i64>, actor: &str| match uid.and_then(|u| people.iter().find(|p| p.id == u)) {
        Some(p) => p.display_name.clone(),
        None => t.get(actor_key(actor)).to_owned(),
    };
    let reference = |id: i64| refs.iter().find(|c| c.id == id).map(|c| c.reference.clone()).unwrap_or_default();
    let mut lines: Vec<(NaiveDateTime, AuditLine)> = Vec::new();
    for e in &events {
        lines.push((
            e.at,
            AuditLine {
                at: local(&center, e.at).format("%Y-%m-%d %H:%M").to_string(),
                who: name(e.actor_user_id, &e.actor_kind),
                what: format!("{} → {}", t.get(status_key(&e.from_status)), t.get(status_key(&e.to_status))),
                case_id: Some(e.case_id),
                reference: reference(e.case_id),
                reason: e.reason.clone(),
            },
        ));
    }
    for a in &access {
        let detail = a.detail.clone().unwrap_or_default();
        let what = match a.action.as_str() {
            "document" => t.get("audit.opened_document").to_owned(),
            "export_consultations" => t.get("audit.exported_records").to_owned(),
            "mailbox" => t.get("audit.read_mailbox").to_owned(),
            "mail" => t.fmt("audit.read_mail", "id", &detail),
            "send_link" => t.get("audit.sent_link").to_owned(),
            _ => t.get("audit.opened_case").to_owned(),
        };
        lines.push((
            a.at,
            AuditLine {
                at: local(&center, a.at).format("%Y-%m-%d %H:%M").to_string(),
                who: name(Some(a.user_id), "staff"),
                what,
                case_id: a.case_id,
                reference: a.case_id.map(reference).unwrap_or_default(),
                reason: None,
            },
        ));
    }
    lines.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(AuditPage {
        t,
        ctx,
        from: from_day.format("%Y-%m-%d").to_string(),
        to: to_day.format("%Y-%m-%d").to_string(),
        who: who.map(|w| w.to_string()).unwrap_or_default(),
        kind,
        people: people.iter().map(|p| (p.id.to_string(), p.display_name.clone())).collect(),
        lines: lines.into_iter().map(|(_, l)| l).collect(),
    })
}
