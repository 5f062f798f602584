//! The schedule of the center's zones: rules (weekday, hours, slot length, seats, and for
//! finance the institution on duty — the rotation), policies, a preview of what they offer in
//! the coming weeks, and the booked visits a change leaves outside the schedule.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveTime, TimeZone};

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, date_label, msg};
use super::respond::see_other;
use super::who::Staff;
use super::{AppState, with_conn};
use crate::db::centers;
use crate::db::schedule::{self, PolicyRow};
use crate::domain::availability;
use crate::services::schedule::{self as schedule_service, ScheduleError};

pub struct RuleLine {
    id: i64,
    weekday: &'static str,
    hours: String,
    slot: i32,
    seats: i32,
    institution: Option<String>,
}

pub struct Stranded {
    case_id: i64,
    reference: String,
    when: String,
}

pub struct ZoneBlock {
    id: i64,
    code: String,
    name: String,
    is_finance: bool,
    rules: Vec<RuleLine>,
    policy: PolicyRow,
    /// Free seats offered per coming week (4 weeks).
    preview: Vec<(String, i64)>,
    stranded: Vec<Stranded>,
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct RuleForm {
    #[serde(default)]
    zone: i64,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    seats: String,
    #[serde(default)]
    institution: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/schedule.html")]
pub struct SchedulePage {
    ctx: PageCtx,
    t: T,
    zones: Vec<ZoneBlock>,
    weekdays: Vec<(String, &'static str)>,
    institutions: Vec<(String, String)>,
    form: RuleForm,
    error: Option<&'static str>,
    notice: Option<&'static str>,
}

fn weekday_key(n: i16) -> &'static str {
    match n {
        1 => msg("weekday.1"),
        2 => msg("weekday.2"),
        3 => msg("weekday.3"),
        4 => msg("weekday.4"),
        5 => msg("weekday.5"),
        6 => msg("weekday.6"),
        _ => msg("weekday.7"),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub async fn schedule(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.done.as_deref().map(|_| msg("schedule.saved"));
    page(&req, ctx, staff, &state, RuleForm::default(), None, notice).await
}

async fn page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    form: RuleForm,
    error: Option<&'static str>,
    notice: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let now = state.clock.now();
    let blocks = with_conn(state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let tz = crate::services::availability::time_zone(&center);
        let zones = centers::zones_of(conn, center.id)?;
        let institutions = centers::institutions(conn)?;
        let today = availability::local_date(tz, now);
        let mut out = Vec::new();
        for (zone, kind) in &zones {
            let rules = centers::rules_of(conn, &[zone.id])?;
            let policy = schedule::policy(conn, zone.id)?;
            // Preview: free seats per week for 4 weeks, as applicants would see them now
            // (the notice and horizon of the policy applied; 28 days looked at).
            let mut sched = schedule::zone_schedule(conn, zone, today, today + Duration::days(28))?;
            sched.policy.horizon_days = 28;
            let taken = schedule::taken_seats(conn, &[zone.id], now)?;
            let free = availability::free_slots(&sched, tz, now, &taken);
            let mut weeks = [0i64; 4];
            for (date, slots) in &free {
                let w = usize::try_from((*date - today).num_days() / 7).unwrap_or(0).min(3);
                weeks[w] += slots.iter().map(|s| s.free).sum::<i64>();
            }
            let preview = (0..4).map(|w| (date_label(lang, today + Duration::days(7 * w as i64)), weeks[w])).collect();
            // Booked visits the schedule no longer offers (rules changed, closure added).
            let offered = {
                let mut s = sched.clone();
                s.policy.min_notice = Duration::zero();
                s.policy.horizon_days = 366;
                availability::free_slots(&s, tz, now, &HashMap::new())
            };
            let booked = crate::db::appointments::booked_from(conn, zone.id, now)?;
            let case_ids: Vec<i64> = booked.iter().map(|a| a.case_id).collect();
            let cases = crate::db::cases::cases_by_ids(conn, &case_ids)?;
            let stranded = booked
                .iter()
                .filter(|a| {
                    !offered
                        .get(&availability::local_date(tz, a.starts_at))
                        .is_some_and(|v| v.iter().any(|s| s.starts_at == a.starts_at))
                })
                .map(|a| {
                    let l = tz.from_utc_datetime(&a.starts_at);
                    Stranded {
                        case_id: a.case_id,
                        reference: cases
                            .iter()
                            .find(|c| c.id == a.case_id)
                            .map(|c| c.reference.clone())
                            .unwrap_or_default(),
                        when: format!("{} {}", date_label(lang, l.date_naive()), l.format("%H:%M")),
                    }
                })
                .collect();
            out.push(ZoneBlock {
                id: zone.id,
                code: kind.code.clone(),
                name: lang.pick(&kind.name_ko, &kind.name_en).to_owned(),
                is_finance: kind.code == "finance",
                rules: rules
                    .iter()
                    .map(|r| RuleLine {
                        id: r.id,
                        weekday: weekday_key(r.weekday),
                        hours: format!("{}–{}", r.start_time.format("%H:%M"), r.end_time.format("%H:%M")),
                        slot: r.slot_minutes,
                        seats: r.seats,
                        institution: r
                            .institution_id
                            .and_then(|id| institutions.iter().find(|i| i.id == id))
                            .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()),
                    })
                    .collect(),
                policy,
                preview,
                stranded,
            });
        }
        Ok((out, institutions))
    })
    .await?;
    let (zones, institutions) = blocks;
    let p = SchedulePage {
        t: ctx.t,
        zones,
        weekdays: (1..=7).map(|n| (n.to_string(), weekday_key(n))).collect(),
        institutions: institutions
            .iter()
            .map(|i| (i.code.clone(), lang.pick(&i.name_ko, &i.name_en).to_owned()))
            .collect(),
        form,
        error,
        notice,
        ctx,
    };
    let code = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(super::respond::page(req, p, code))
}

pub async fn add_rule(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<RuleForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    let weekday: Option<i16> = form.weekday.parse().ok().filter(|d| (1..=7).contains(d));
    let (start, end) = (time(&form.start), time(&form.end));
    let slot: Option<i32> = form.slot.trim().parse().ok().filter(|m| (10..=240).contains(m));
    let seats: Option<i32> = form.seats.trim().parse().ok().filter(|n| (1..=20).contains(n));
    let error = match (weekday, start, end, slot, seats) {
        (None, ..) => Some(msg("schedule.weekday_invalid")),
        (_, None, ..) | (_, _, None, ..) => Some(msg("schedule.time_invalid")),
        (_, Some(s), Some(e), ..) if e <= s => Some(msg("schedule.end_before_start")),
        (_, _, _, None, _) => Some(msg("schedule.slot_invalid")),
        (_, _, _, _, None) => Some(msg("schedule.seats_invalid")),
        _ => None,
    };
    if error.is_some() {
        return page(&req, ctx, staff, &state, form, error, None).await;
    }
    let (weekday, start, end, slot, seats) = (
        weekday.unwrap_or(1),
        start.unwrap_or_default(),
        end.unwrap_or_default(),
        slot.unwrap_or(30),
        seats.unwrap_or(1),
    );
    let f = form.clone();
    let r = with_conn(&state, move |conn| {
        let rule = schedule_service::Rule {
            zone_id: f.zone,
            weekday,
            start,
            end,
            slot_minutes: slot,
            seats,
            institution: &f.institution,
        };
        Ok(schedule_service::add_rule(conn, staff, &rule))
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other("/staff/schedule?done=rule")),
        Err(ScheduleError::Overlap) => page(&req, ctx, staff, &state, form, Some(msg("schedule.overlap")), None).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_rule(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    with_conn(&state, move |conn| Ok(schedule_service::delete_rule(conn, staff, id)?)).await?;
    Ok(see_other("/staff/schedule?done=rule"))
}

#[derive(serde::Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    min_notice_hours: String,
    #[serde(default)]
    horizon_days: String,
    #[serde(default)]
    buffer_minutes: String,
    #[serde(default)]
    reschedule_cutoff_hours: String,
    #[serde(default)]
    cancel_cutoff_hours: String,
}

pub async fn set_policy(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    zone: web::Path<i64>,
    form: web::Form<PolicyForm>,
) -> Result<HttpResponse, AppError> {
    let (zone_id, f) = (zone.into_inner(), form.into_inner());
    let num = |s: &str, max: i32| s.trim().parse::<i32>().ok().filter(|n| (0..=max).contains(n));
    let parsed = (
        num(&f.min_notice_hours, 24 * 30),
        num(&f.horizon_days, 365).filter(|d| *d >= 1),
        num(&f.buffer_minutes, 240),
        num(&f.reschedule_cutoff_hours, 24 * 30),
        num(&f.cancel_cutoff_hours, 24 * 30),
    );
    let (Some(notice), Some(horizon), Some(buffer), Some(resched), Some(cancel)) = parsed else {
        return page(&req, ctx, staff, &state, RuleForm::default(), Some(msg("schedule.policy_invalid")), None).await;
    };
    with_conn(&state, move |conn| {
        schedule_service::set_policy(
            conn,
            staff,
            &PolicyRow {
                zone_id,
                min_notice_minutes: notice * 60,
                horizon_days: horizon,
                buffer_minutes: buffer,
                reschedule_cutoff_minutes: resched * 60,
                cancel_cutoff_minutes: cancel * 60,
            },
        )?;
        Ok(())
    })
    .await?;
    Ok(see_other("/staff/schedule?done=policy"))
}
