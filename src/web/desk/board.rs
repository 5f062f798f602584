//! Today's board: the day's (or week's) appointments per zone, with the counts a clerk
//! watches (to book, new today, changed by applicants, waiting now).

use crate::services::access;
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveDate};

use super::local;
use crate::db::answers::Answers;
use crate::db::cases::Case;
use crate::db::centers;
use crate::domain::AppointmentStatus;
use crate::domain::CaseStatus;
use crate::services::availability::day_range;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label};
use crate::web::labels::{appt_status_key, on_duty};
use crate::web::respond;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize, Default)]
pub struct DayQuery {
    date: Option<String>,
    /// `week`: the seven days from the Monday of `date`.
    view: Option<String>,
    zone: Option<String>,
    status: Option<String>,
    q: Option<String>,
    /// The appointment just checked in: its ticket is announced at the top.
    checked_in: Option<i64>,
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
    /// Past its start and not arrived: how many minutes late.
    late: Option<i64>,
    /// The applicant's phone, one tap away for calling a late visitor.
    phone: Option<String>,
    /// The applicant confirmed the visit; or, asked to, has not by the day before it.
    confirmed: bool,
    unconfirmed: bool,
}

pub struct ZoneDay {
    /// The finance institution(s) on duty that day (the rotation).
    on_duty: Vec<String>,
    name: String,
    code: String,
    rows: Vec<Row>,
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
    /// "번호표 3 — 한빛바이오, IP존" after a check-in, and that row.
    announce: Option<(i64, String)>,
}

pub async fn appointments(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    day_page(&req, ctx, staff, state, query.into_inner(), None, StatusCode::OK).await
}

pub(super) async fn day_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: DayQuery,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
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
        let appts = crate::db::appointments::appointments_between(conn, center_id, from, to)?;
        let ids: Vec<i64> = appts.iter().map(|a| a.case_id).collect();
        // The board shows visitors' phone numbers: the view is recorded.
        let (board, reception) = (access::list::BOARD, access::Purpose::Reception);
        access::listed(conn, staff.user_id, board, appts.len(), reception, now)?;
        Ok((
            appts,
            crate::db::cases::cases_by_ids(conn, &ids)?,
            crate::db::answers::answers_by_ids(conn, &ids)?,
            (
                crate::db::cases::count_in_status(conn, center_id, CaseStatus::Submitted)?,
                crate::db::cases::submissions_since(conn, center_id, today_start)?,
                crate::db::cases::applicant_changes_since(conn, center_id, now - Duration::hours(24))?,
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
    let asks_confirmation = !crate::services::booking::confirm_days(&center.confirm_days).is_empty();
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
            if !want_status.is_empty() && a.status.as_str() != want_status {
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
                status: appt_status_key(a.status),
                ticket: a.ticket_number,
                waiting_since: (a.status == AppointmentStatus::Waiting)
                    .then(|| a.checked_in_at.map(|t| local(&center, t).format("%H:%M").to_string()))
                    .flatten(),
                institution: a
                    .institution_id
                    .and_then(|id| institutions.iter().find(|i| i.id == id))
                    .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()),
                // Check-in is for today's visits only (it takes today's lobby ticket).
                can_check_in: a.status == AppointmentStatus::Booked
                    && case.status == CaseStatus::Reserved
                    && local(&center, a.starts_at).date_naive() == today,
                // Absent only once the slot is over, and never after arriving.
                can_no_show: a.status == AppointmentStatus::Booked && now >= a.ends_at,
                late: (a.status == AppointmentStatus::Booked && now > a.starts_at)
                    .then(|| (now - a.starts_at).num_minutes())
                    .filter(|m| *m >= 1),
                phone: ans.and_then(|x| x.contact_phone.clone()),
                confirmed: a.confirmed_at.is_some(),
                unconfirmed: a.status == AppointmentStatus::Booked
                    && a.confirmed_at.is_none()
                    && asks_confirmation
                    && (local(&center, a.starts_at).date_naive() - today).num_days() <= 1,
            });
        }
        let on_duty = on_duty(lang, &rules, zone.id, weekday, &institutions);
        out.push(ZoneDay {
            on_duty,
            name: lang.pick(&kind.name_ko, &kind.name_en).to_owned(),
            code: kind.code.clone(),
            rows,
        });
    }
    // People, not legs: a one-stop visitor waiting for two zones is one person waiting.
    let waiting_now = appts
        .iter()
        .filter(|a| a.status == AppointmentStatus::Waiting)
        .map(|a| a.case_id)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let zone_options =
        zones.iter().map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned())).collect();
    let announce = query.checked_in.and_then(|id| {
        out.iter().find_map(|z| {
            let r = z.rows.iter().find(|r| r.appt_id == id)?;
            let who = if r.company.is_empty() { z.name.clone() } else { format!("{}, {}", r.company, z.name) };
            Some((id, ctx.t.fmt2("desk.announce", "number", r.ticket?, "who", who)))
        })
    });
    let page = DayPage {
        announce,
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
        status_options: AppointmentStatus::ALL
            .into_iter()
            .filter(|s| *s != AppointmentStatus::Cancelled)
            .map(|s| (s.as_str(), appt_status_key(s)))
            .collect(),
        zones: out,
        to_book,
        new_today,
        changed_24h,
        waiting_now,
        message,
    };
    Ok(respond::page(req, page, code))
}
