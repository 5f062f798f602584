//! Booking the visit from the applicant's link: one-stop visits (all zones on one day, back to
//! back) or, for one zone, its times — a plain list of radio buttons per day, no script needed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::apply::{load, render, see_other};
use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{Lang, T, date_label, msg};
use super::{AppState, with_conn};
use crate::db::{appointments, centers};
use crate::domain::CaseStatus;
use crate::domain::availability::Slot;
use crate::services::availability::{self, CaseTimes};
use crate::services::booking::{self, BookError, Leg};
use crate::services::case_flow::FireError;
use crate::services::questionnaire::Draft;

pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
}

pub struct Day {
    pub label: String,
    pub choices: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/book.html")]
pub struct BookPage {
    ctx: PageCtx,
    t: T,
    token: String,
    reference: String,
    version: i64,
    one_stop: bool,
    no_days: bool,
    /// The days' fieldsets (`apply/book_days.html`), rendered once and shared with the cache;
    /// inserted with `|safe`: that template escapes every value itself (labels of dates, times,
    /// zone and institution names — no applicant input).
    days_html: std::sync::Arc<String>,
    message: Option<&'static str>,
    /// The case is reserved: this page moves the visit.
    moving: bool,
}

fn leg_label(lang: Lang, times: &CaseTimes, s: &Slot, institutions: &[centers::Institution]) -> String {
    let zone =
        times.zones.iter().find(|z| z.zone.id == s.zone_id).map_or("", |z| lang.pick(&z.kind.name_ko, &z.kind.name_en));
    let mut label = format!("{} {zone}", s.local_start.format("%H:%M"));
    if let Some(i) = s.institution.as_ref().and_then(|c| institutions.iter().find(|i| &i.code == c)) {
        label.push_str(&format!(" ({})", lang.pick(&i.name_ko, &i.name_en)));
    }
    label
}

fn days_of(lang: Lang, times: &CaseTimes, institutions: &[centers::Institution]) -> (bool, Vec<Day>) {
    if times.zones.len() > 1 {
        let mut days: Vec<Day> = Vec::new();
        for v in &times.visits {
            let label = date_label(lang, v.date);
            let choice = Choice {
                id: format!("t{}", v.legs[0].starts_at.and_utc().timestamp()),
                value: v
                    .legs
                    .iter()
                    .map(|l| Leg { zone_id: l.zone_id, starts_at: l.starts_at }.encode())
                    .collect::<Vec<_>>()
                    .join(","),
                label: v.legs.iter().map(|l| leg_label(lang, times, l, institutions)).collect::<Vec<_>>().join(" → "),
            };
            match days.last_mut() {
                Some(d) if d.label == label => d.choices.push(choice),
                _ => days.push(Day { label, choices: vec![choice] }),
            }
        }
        (true, days)
    } else {
        let days = times
            .zones
            .first()
            .map(|z| {
                z.days
                    .iter()
                    .map(|(date, slots)| Day {
                        label: date_label(lang, *date),
                        choices: slots
                            .iter()
                            .map(|s| Choice {
                                id: format!("t{}", s.starts_at.and_utc().timestamp()),
                                value: Leg { zone_id: s.zone_id, starts_at: s.starts_at }.encode(),
                                label: leg_label(lang, times, s, institutions),
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        (false, days)
    }
}

/// The free times of the booking page as shown (labels in the page's language), reused by
/// every booking page for the same zones at the same center for up to a second: the list is
/// the heaviest part of the heaviest public page (bench/README.md). Any state-changing request
/// to this instance makes every entry stale at once (`changed`); another instance's bookings
/// show here within the second. What is shown is only an offer: the seat is decided by the
/// database when booking, never by this list.
#[derive(Default)]
pub struct TimesCache {
    generation: std::sync::atomic::AtomicU64,
    entries: std::sync::Mutex<std::collections::HashMap<TimesKey, CachedTimes>>,
}

#[derive(Hash, PartialEq, Eq)]
struct TimesKey {
    center_id: i64,
    kinds: Vec<String>,
    lang: Lang,
    /// The minute of `now` (the notice and today move with it; tests move the clock).
    minute: i64,
}

struct CachedTimes {
    made: std::time::Instant,
    generation: u64,
    days: Shown,
}

const TIMES_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl TimesCache {
    pub fn changed(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn get(&self, key: &TimesKey) -> Option<Shown> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|e| e.generation == generation && e.made.elapsed() < TIMES_TTL).map(|e| e.days.clone())
    }

    /// Keeps what was computed from data read at `generation` (read before computing).
    fn put(&self, key: TimesKey, generation: u64, days: Shown) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|_, e| e.made.elapsed() < TIMES_TTL);
        entries.insert(key, CachedTimes { made: std::time::Instant::now(), generation, days });
    }
}

/// One-stop or not, no times at all, and the days' fieldsets as HTML.
type Shown = (bool, bool, std::sync::Arc<String>);

#[derive(Template)]
#[template(path = "apply/book_days.html")]
struct DaysFragment<'a> {
    days: &'a [Day],
}

/// The case's free times as shown, from the cache when it has them.
fn times_shown(
    conn: &mut crate::db::DbConn,
    state: &AppState,
    center: &centers::Center,
    case_id: i64,
    lang: Lang,
) -> Result<Shown, AppError> {
    let now = state.clock.now();
    let kinds = crate::db::answers::zones(conn, case_id)?.into_iter().map(|z| z.zone_kind).collect();
    let key = TimesKey { center_id: center.id, kinds, lang, minute: now.and_utc().timestamp() / 60 };
    if let Some(days) = state.times.get(&key) {
        return Ok(days);
    }
    let generation = state.times.generation.load(std::sync::atomic::Ordering::SeqCst);
    let times = availability::for_case(conn, center, case_id, now)?;
    let (one_stop, days) = days_of(lang, &times, &centers::institutions(conn)?);
    let html = DaysFragment { days: &days }.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let shown = (one_stop, days.is_empty(), std::sync::Arc::new(html));
    state.times.put(key, generation, shown.clone());
    Ok(shown)
}

#[allow(clippy::too_many_arguments)]
fn page_of(
    req: &HttpRequest,
    ctx: PageCtx,
    case: &crate::db::cases::Case,
    case_status: CaseStatus,
    (one_stop, no_days, days_html): Shown,
    token: &str,
    message: Option<&'static str>,
    status: StatusCode,
) -> HttpResponse {
    let page = BookPage {
        t: ctx.t,
        ctx,
        token: token.to_owned(),
        reference: case.reference.clone(),
        version: case.version,
        one_stop,
        no_days,
        days_html,
        message,
        moving: case_status == CaseStatus::Reserved,
    };
    render(req, page, status)
}

async fn book_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
    message: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (center, case_id, lang, st) = (d.center.clone(), d.case.id, ctx.lang, state.clone());
    let shown = with_conn(state, move |conn| times_shown(conn, &st, &center, case_id, lang)).await?;
    Ok(page_of(req, ctx, &d.case, d.status, shown, token, message, status))
}

/// The booking page: the case and its free times read in one trip to the database.
pub async fn show(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let (t, st, lang) = (token.clone(), state.clone(), ctx.lang);
    let found = with_conn(&state, move |conn| {
        let Some((case, center)) = crate::db::cases::with_center_by_token(conn, &t)? else { return Ok(None) };
        let status: CaseStatus = case.status.parse().unwrap_or(CaseStatus::Cancelled);
        let shown = match status {
            CaseStatus::Submitted | CaseStatus::NoShow | CaseStatus::Reserved => {
                Some(times_shown(conn, &st, &center, case.id, lang)?)
            }
            _ => None,
        };
        Ok(Some((case, status, shown)))
    })
    .await?;
    match found {
        None => Err(AppError::NotFound),
        Some((case, status, Some(shown))) => Ok(page_of(&req, ctx, &case, status, shown, &token, None, StatusCode::OK)),
        // A draft (expired or not) goes to its questionnaire, which says which.
        Some((_, CaseStatus::Draft, None)) => Ok(see_other(format!("/apply/{token}"))),
        Some((_, status, None)) => Err(ended(status)),
    }
}

pub async fn book(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    if d.status == CaseStatus::Draft {
        return Ok(see_other(format!("/apply/{token}")));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
    let choice = pairs.iter().find(|(k, _)| k == "choice").map(|(_, v)| v.as_str()).unwrap_or("");
    let legs: Option<Vec<Leg>> = choice.split(',').filter(|s| !s.is_empty()).map(Leg::parse).collect();
    let legs = match legs {
        Some(l) if !l.is_empty() => l,
        _ => {
            return book_page(
                &req,
                ctx,
                &state,
                &d,
                &token,
                Some(msg("apply.book.choose")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    if !matches!(d.status, CaseStatus::Submitted | CaseStatus::NoShow | CaseStatus::Reserved) {
        return Err(ended(d.status));
    }
    let (center, mut case, now) = (d.center.clone(), d.case.clone(), state.clock.now());
    // The version the form was made for: a replayed or stale form is a conflict, not a second
    // booking or move.
    if let Some(v) = pairs.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse().ok()) {
        case.version = v;
    }
    let moving = d.status == CaseStatus::Reserved;
    let op = applicant_op(&state, &token, now);
    let outcome = with_conn(&state, move |conn| {
        let result = if moving {
            booking::reschedule(conn, &center, &case, &legs, &op)
        } else {
            booking::reserve(conn, &center, &case, &legs, &op)
        };
        match result {
            Ok(ids) => Ok(Ok(ids)),
            Err(BookError::Db(e)) => Err(e.into()),
            Err(e) => Ok(Err(e)),
        }
    })
    .await?;
    match outcome {
        Ok(_) => Ok(see_other(format!("/apply/{token}/visit"))),
        // A double click, or the case moved on: show where it is now.
        Err(BookError::Fire(FireError::Conflict | FireError::Refused(_))) => {
            Ok(see_other(format!("/apply/{token}/visit")))
        }
        Err(BookError::PastCutoff) => {
            book_page(&req, ctx, &state, &d, &token, Some(msg("apply.visit.past_cutoff")), StatusCode::CONFLICT).await
        }
        Err(BookError::Taken) => {
            book_page(&req, ctx, &state, &d, &token, Some(msg("apply.book.taken")), StatusCode::CONFLICT).await
        }
        Err(_) => {
            book_page(&req, ctx, &state, &d, &token, Some(msg("apply.book.not_offered")), StatusCode::CONFLICT).await
        }
    }
}

/// The applicant acting through their link: the mails about the change carry it.
fn applicant_op(state: &AppState, token: &str, now: chrono::NaiveDateTime) -> booking::Op {
    booking::Op {
        by: booking::APPLICANT,
        now,
        base_url: state.settings.base_url.clone(),
        mail_from: state.settings.mail_from.clone(),
        link: Some(format!("{}/apply/{token}/visit", state.settings.base_url)),
        override_notice: None,
    }
}

pub struct VisitLeg {
    pub zone: String,
    pub when: String,
    pub institution: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/visit.html")]
pub struct VisitPage {
    ctx: PageCtx,
    t: T,
    token: String,
    reference: String,
    center_name: String,
    legs: Vec<VisitLeg>,
    /// What the experts wrote for the applicant, per zone.
    summaries: Vec<(String, String)>,
    can_change: bool,
    message: Option<&'static str>,
}

pub async fn visit(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    match d.status {
        CaseStatus::Draft => Ok(see_other(format!("/apply/{token}"))),
        CaseStatus::Submitted => Ok(see_other(format!("/apply/{token}/book"))),
        CaseStatus::Cancelled => Err(ended(d.status)),
        _ => visit_page(&req, ctx, &state, &d, &token, None, StatusCode::OK).await,
    }
}

async fn visit_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
    message: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (center, case_id) = (d.center.clone(), d.case.id);
    let (appts, zones, institutions, consultations) = with_conn(state, move |conn| {
        Ok((
            appointments::live_of_case(conn, case_id)?,
            centers::zones_of(conn, center.id)?,
            centers::institutions(conn)?,
            crate::services::consult::of_case(conn, case_id)?,
        ))
    })
    .await?;
    let tz = availability::time_zone(&d.center);
    let lang = ctx.lang;
    let legs = appts
        .iter()
        .map(|a| {
            let local = crate::domain::availability::local_date(tz, a.starts_at);
            let time = chrono::TimeZone::from_utc_datetime(&tz, &a.starts_at).format("%H:%M").to_string();
            VisitLeg {
                zone: zones
                    .iter()
                    .find(|(z, _)| z.id == a.zone_id)
                    .map_or(String::new(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned()),
                when: format!("{} {time}", date_label(lang, local)),
                institution: a
                    .institution_id
                    .and_then(|id| institutions.iter().find(|i| i.id == id))
                    .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()),
            }
        })
        .collect();
    let page = VisitPage {
        t: ctx.t,
        ctx,
        token: token.to_owned(),
        reference: d.case.reference.clone(),
        center_name: lang.pick(&d.center.name_ko, &d.center.name_en).to_owned(),
        legs,
        summaries: consultations
            .iter()
            .filter_map(|c| {
                let zone =
                    zones.iter().find(|(z, _)| z.id == c.zone_id).map(|(_, k)| lang.pick(&k.name_ko, &k.name_en))?;
                Some((zone.to_owned(), c.summary.clone()?))
            })
            .collect(),
        can_change: d.status == CaseStatus::Reserved,
        message,
    };
    Ok(render(req, page, status))
}

/// The page a cancelled or finished case answers its old links with.
fn ended(status: CaseStatus) -> AppError {
    match status {
        CaseStatus::Cancelled => AppError::Gone(msg("apply.visit.cancelled")),
        _ => AppError::Gone(msg("apply.visit.finished")),
    }
}

#[derive(serde::Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    if !matches!(d.status, CaseStatus::Reserved | CaseStatus::Submitted) {
        return Err(ended(d.status));
    }
    let reason = match crate::domain::text::required_line(&form.into_inner().reason, 500) {
        Ok(r) => r,
        Err(e) => {
            let key = match e {
                crate::domain::text::TextError::Characters => msg("apply.error.characters"),
                crate::domain::text::TextError::TooLong => msg("apply.error.too_long"),
                crate::domain::text::TextError::Empty => msg("apply.visit.reason_required"),
            };
            return visit_page(&req, ctx, &state, &d, &token, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (case, op) = (d.case.clone(), applicant_op(&state, &token, state.clock.now()));
    let outcome = with_conn(&state, move |conn| match booking::cancel(conn, &case, &reason, &op) {
        Ok(()) => Ok(Ok(())),
        Err(BookError::Db(e)) => Err(e.into()),
        Err(e) => Ok(Err(e)),
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other(format!("/apply/{token}/visit"))),
        Err(BookError::PastCutoff) => {
            visit_page(&req, ctx, &state, &d, &token, Some(msg("apply.visit.past_cutoff")), StatusCode::CONFLICT).await
        }
        // Cancelled meanwhile (a replay): the link now says so.
        Err(_) => Ok(see_other(format!("/apply/{token}/visit"))),
    }
}

/// The visit as a calendar file (RFC 5545), for any calendar app.
pub async fn visit_ics_file(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (token, file) = path.into_inner();
    if !file.ends_with(".ics") {
        return Err(AppError::NotFound);
    }
    let d = load(&state, &token).await?;
    if matches!(d.status, CaseStatus::Cancelled | CaseStatus::Consulted) {
        return Err(ended(d.status));
    }
    let (center, case_id) = (d.center.clone(), d.case.id);
    let (appts, zones) = with_conn(&state, move |conn| {
        Ok((appointments::live_of_case(conn, case_id)?, centers::zones_of(conn, center.id)?))
    })
    .await?;
    if appts.is_empty() {
        return Err(AppError::NotFound);
    }
    let lang = Lang::parse(&d.case.lang).unwrap_or_default();
    let center_name = lang.pick(&d.center.name_ko, &d.center.name_en);
    let host = crate::config::host_of(&state.settings.base_url).to_owned();
    let ics = crate::services::calendar::render(&crate::services::calendar::VisitCalendar {
        reference: &d.case.reference,
        center_name,
        time_zone: &d.center.timezone,
        host: &host,
        sequence: u32::try_from(d.case.version).unwrap_or(0),
        now: state.clock.now(),
        legs: appts
            .iter()
            .map(|a| crate::services::calendar::CalendarLeg {
                summary: format!(
                    "{} · {}",
                    zones
                        .iter()
                        .find(|(z, _)| z.id == a.zone_id)
                        .map_or("", |(_, k)| lang.pick(&k.name_ko, &k.name_en)),
                    d.case.reference
                ),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
            })
            .collect(),
        method: crate::services::calendar::Method::Publish,
    });
    let mut res = HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.ics\"", d.case.reference),
        ))
        .body(ics);
    res.headers_mut().insert(
        actix_web::http::header::REFERRER_POLICY,
        actix_web::http::header::HeaderValue::from_static("same-origin"),
    );
    Ok(res)
}
