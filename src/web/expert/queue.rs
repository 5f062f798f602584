//! The expert's queue: the day's visits in their zone, who is waiting, and starting one.

use crate::services::access;
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;

use super::hhmm;
use crate::db::answers::Answers;
use crate::db::centers;
use crate::domain::AppointmentStatus;
use crate::domain::CaseStatus;
use crate::services::availability::time_zone;
use crate::services::consult;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label};
use crate::web::respond;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

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
    /// Put back in line by "did not come" (at this time).
    back_in_line: Option<String>,
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
    /// `message` informs (nobody is waiting) rather than refuses.
    message_info: bool,
}

impl QueuePage {
    /// Visitors waiting for this zone now (the ones "call next" can take).
    fn waiting(&self) -> usize {
        self.rows.iter().filter(|r| r.can_start).count()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct QueueQuery {
    date: Option<String>,
    /// What an action elsewhere just did ("did not come" → back in line, or not attended).
    said: Option<String>,
}

pub async fn queue(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let said = match q.said.as_deref() {
        Some("back_in_line") => Some(crate::web::i18n::msg("expert.said_back_in_line")),
        Some("no_show") => Some(crate::web::i18n::msg("expert.said_no_show")),
        _ => None,
    };
    queue_page(&req, ctx, expert, &state, q.date, said, StatusCode::OK).await
}

pub(super) async fn queue_page(
    req: &HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: &web::Data<AppState>,
    date: Option<String>,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
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
    let (from, to) = crate::services::availability::day_range(&center, day);
    let (center_id, zone_id) = (center.id, expert.zone_id);
    let weekday = chrono::Datelike::weekday(&day).number_from_monday() as i16;
    let (appts, cases, answers, rules, consultations, follow_ups) = with_conn(state, move |conn| {
        let appts: Vec<_> = crate::db::appointments::appointments_between(conn, center_id, from, to)?
            .into_iter()
            .filter(|a| a.zone_id == zone_id)
            .collect();
        let ids: Vec<i64> = appts.iter().map(|a| a.case_id).collect();
        let (queue, consultation) = (access::list::QUEUE, access::Purpose::Consultation);
        access::listed(conn, expert.user_id, queue, ids.len(), consultation, now)?;
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
            crate::db::cases::cases_by_ids(conn, &ids)?,
            crate::db::answers::answers_by_ids(conn, &ids)?,
            centers::rules_of(conn, &[zone_id])?,
            consultations,
            consult::due_follow_ups(conn, zone_id, today)?.len(),
        ))
    })
    .await?;
    let cases: HashMap<i64, crate::db::cases::Case> = cases.into_iter().map(|c| (c.id, c)).collect();
    let answers: HashMap<i64, Answers> = answers.into_iter().map(|a| (a.case_id, a)).collect();
    let on_duty = crate::web::labels::on_duty(lang, &rules, zone_id, weekday, &institutions);
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
                state: crate::web::labels::appt_status_key(a.status),
                waiting_since: (a.status == AppointmentStatus::Waiting)
                    .then(|| a.checked_in_at.map(|t| hhmm(&center, t)))
                    .flatten(),
                back_in_line: (a.status == AppointmentStatus::Waiting)
                    .then(|| a.requeued_at.map(|t| hhmm(&center, t)))
                    .flatten(),
                can_start: a.status == AppointmentStatus::Waiting && case.status == CaseStatus::Waiting,
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
        message_info: code == StatusCode::OK,
    };
    Ok(respond::page(req, page, code))
}
