//! The booking pages (GET): first "choose a day" (the free days grouped by week, each with how
//! many times are free), then "choose a time" for that day (`?day=YYYY-MM-DD`) — two plain
//! pages; with JavaScript (`static/js/booker.js`) the second opens inside the first. Moving a
//! visit shows the current booking on both. The case and its free times are read in one trip
//! to the database.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, NaiveDate};

use super::times::{Day, Shown, times_shown};
use super::visit::{VisitLeg, legs_of};
use crate::db::{appointments, cases::Case, centers};
use crate::domain::CaseStatus;
use crate::services::questionnaire::Draft;
use crate::web::apply::{render, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{Lang, T, date_label};
use crate::web::{AppState, with_conn};

pub struct DayLink {
    pub href: String,
    pub label: String,
    /// "빈 시간 12개".
    pub free: String,
    pub note: Option<String>,
}

pub struct Week {
    pub label: String,
    pub days: Vec<DayLink>,
}

/// The recommended institution's days, then the others (each grouped by week); or one section.
pub struct Section {
    pub heading: Option<&'static str>,
    pub weeks: Vec<Week>,
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
    /// The case is reserved: these pages move the visit.
    moving: bool,
    /// The visit being moved.
    current: Vec<VisitLeg>,
    sections: Vec<Section>,
    days: std::sync::Arc<Vec<Day>>,
    /// The day whose times this page offers (the second step).
    chosen: Option<usize>,
    /// New bookings are blocked for no-shows: why and until when, and the center's phone.
    blocked: Option<String>,
    center_phone: Option<String>,
    message: Option<&'static str>,
}

impl BookPage {
    fn chosen_day(&self) -> Option<&Day> {
        self.chosen.and_then(|i| self.days.get(i))
    }
}

/// The `day` of a booking page's address or form, if it is a date.
pub(super) fn day_of(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

fn free_label(t: T, one_stop: bool, n: usize) -> String {
    let key = match (one_stop, n) {
        (true, 1) => crate::i18n::msg("apply.book.free_visit_one"),
        (true, _) => crate::i18n::msg("apply.book.free_visits"),
        (false, 1) => crate::i18n::msg("apply.book.free_time_one"),
        (false, _) => crate::i18n::msg("apply.book.free_times"),
    };
    t.fmt(key, "n", n)
}

/// The days as links, grouped by week (Monday to Sunday), in the order given.
fn weeks(lang: Lang, token: &str, one_stop: bool, days: &[&Day]) -> Vec<Week> {
    let t = T(lang);
    let mut weeks: Vec<(NaiveDate, Week)> = Vec::new();
    for d in days {
        let monday = d.date - chrono::Duration::days(d.date.weekday().num_days_from_monday().into());
        let link = DayLink {
            href: format!("/apply/{token}/book?day={}", d.date.format("%Y-%m-%d")),
            label: d.label.clone(),
            free: free_label(t, one_stop, d.choices.len()),
            note: d.note.clone(),
        };
        match weeks.iter_mut().find(|(m, _)| *m == monday) {
            Some((_, w)) => w.days.push(link),
            None => {
                let sunday = monday + chrono::Duration::days(6);
                let label = t.fmt2("apply.book.week", "from", date_label(lang, monday), "to", date_label(lang, sunday));
                weeks.push((monday, Week { label, days: vec![link] }));
            }
        }
    }
    weeks.into_iter().map(|(_, w)| w).collect()
}

fn sections(lang: Lang, token: &str, one_stop: bool, days: &[Day]) -> Vec<Section> {
    let (first, rest): (Vec<&Day>, Vec<&Day>) = days.iter().partition(|d| d.recommended);
    if first.is_empty() || rest.is_empty() {
        let all: Vec<&Day> = days.iter().collect();
        return vec![Section { heading: None, weeks: weeks(lang, token, one_stop, &all) }];
    }
    vec![
        Section {
            heading: Some(crate::i18n::msg("apply.book.recommended_days")),
            weeks: weeks(lang, token, one_stop, &first),
        },
        Section {
            heading: Some(crate::i18n::msg("apply.book.other_days")),
            weeks: weeks(lang, token, one_stop, &rest),
        },
    ]
}

struct Found {
    case: Case,
    status: CaseStatus,
    shown: Shown,
    current: Vec<VisitLeg>,
    blocked: Option<String>,
    center_phone: Option<String>,
}

/// The case's free times and, when it is reserved, its current visit.
fn read(
    conn: &mut crate::db::DbConn,
    state: &AppState,
    case: Case,
    center: &centers::Center,
    lang: Lang,
) -> Result<Found, AppError> {
    let status = case.status;
    let shown = times_shown(conn, state, center, case.id, lang)?;
    let current = if status == CaseStatus::Reserved {
        let appts = appointments::live_of_case(conn, case.id)?;
        let zones = centers::zones_of(conn, center.id)?;
        let institutions = centers::institutions(conn)?;
        legs_of(&appts, &zones, &institutions, crate::services::availability::time_zone(center), lang)
    } else {
        Vec::new()
    };
    let block = match status {
        CaseStatus::Reserved => None,
        _ => crate::services::no_show::block_of(conn, center, case.id, state.clock.now())?,
    };
    let blocked = block.map(|b| {
        let day = crate::domain::availability::local_date(crate::services::availability::time_zone(center), b.until);
        let until = crate::i18n::date_with_year(lang, day);
        T(lang).fmt3(crate::i18n::msg("no_show.blocked"), "count", b.count, "months", b.months, "until", until)
    });
    let center_phone = match blocked {
        Some(_) => Some(crate::db::center_contacts::of_center(conn, center.id)?.phone).filter(|p| !p.is_empty()),
        None => None,
    };
    Ok(Found { case, status, shown, current, blocked, center_phone })
}

fn page_of(
    req: &HttpRequest,
    ctx: PageCtx,
    f: Found,
    token: &str,
    day: Option<NaiveDate>,
    message: Option<&'static str>,
    status: StatusCode,
) -> HttpResponse {
    let (one_stop, days) = f.shown;
    let chosen = day.and_then(|d| days.iter().position(|x| x.date == d));
    // A day asked for that has no free time (any more): the days, and why.
    let message = match (day, chosen) {
        (Some(_), None) => message.or(Some(crate::i18n::msg("apply.book.day_gone"))),
        _ => message,
    };
    let page = BookPage {
        token: token.to_owned(),
        reference: f.case.reference.clone(),
        version: f.case.version,
        one_stop,
        moving: f.status == CaseStatus::Reserved,
        current: f.current,
        sections: sections(ctx.lang, token, one_stop, &days),
        days,
        chosen,
        blocked: f.blocked,
        center_phone: f.center_phone,
        message,
        t: ctx.t,
        ctx,
    };
    render(req, page, status)
}

/// The booking page again after a refused POST: the chosen day's times, or the days.
#[allow(clippy::too_many_arguments)]
pub(super) async fn book_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
    day: Option<NaiveDate>,
    message: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (center, case, lang, st) = (d.center.clone(), d.case.clone(), ctx.lang, state.clone());
    let found = with_conn(state, move |conn| read(conn, &st, case, &center, lang)).await?;
    Ok(page_of(req, ctx, found, token, day, message, status))
}

/// GET: the days, or with `?day=` that day's times.
pub async fn show(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let query: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let asked = query.iter().find(|(k, _)| k == "day").map(|(_, v)| v.as_str());
    // A day that is no date reads like a day without free times: the days, and a word why.
    let day = asked.map(|raw| day_of(raw).unwrap_or(NaiveDate::MIN));
    let (t, st, lang) = (token.clone(), state.clone(), ctx.lang);
    let found = with_conn(&state, move |conn| {
        let Some((case, center)) = crate::db::cases::with_center_by_token(conn, &t)? else { return Ok(None) };
        match case.status {
            CaseStatus::Submitted | CaseStatus::NoShow | CaseStatus::Reserved => {
                Ok(Some(Ok(read(conn, &st, case, &center, lang)?)))
            }
            s => Ok(Some(Err(s))),
        }
    })
    .await?;
    match found {
        None => Err(AppError::NotFound),
        Some(Ok(f)) => Ok(page_of(&req, ctx, f, &token, day, None, StatusCode::OK)),
        // A draft (expired or not) goes to its questionnaire, which says which.
        Some(Err(CaseStatus::Draft)) => Ok(see_other(format!("/apply/{token}"))),
        Some(Err(_)) => Ok(super::to_visit_page(&token)),
    }
}
