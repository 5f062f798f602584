//! The schedule of the center's zones: rules (weekday, hours, slot length, seats, and for
//! finance the institution on duty — the rotation), policies, a preview of what they offer in
//! the coming weeks, and the booked visits a change leaves outside the schedule.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, TimeZone};

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, date_label, msg};
use super::respond::see_other;
use super::who::Staff;
use super::{AppState, with_conn};
use crate::db::centers;
use crate::db::schedule::{self, PolicyRow};
use crate::domain::availability;
use crate::domain::form::{Errors, FieldError};
use crate::domain::schedule_form::{PolicyForm, RuleForm};
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

#[derive(Template, WebTemplate)]
#[template(path = "staff/schedule.html")]
pub struct SchedulePage {
    ctx: PageCtx,
    t: T,
    zones: Vec<ZoneBlock>,
    weekdays: Vec<(String, &'static str)>,
    institutions: Vec<(String, String)>,
    form: RuleForm,
    errors: Errors,
    /// The zone whose rule form was refused: its form opens, the summary links to its fields.
    error_zone: Option<String>,
    notice: Option<&'static str>,
}

impl SchedulePage {
    /// A field's label in the error summary ("시작 (HH:MM): …").
    fn label(&self, field: &str) -> &'static str {
        match field {
            "weekday" => msg("schedule.weekday"),
            "start" => msg("schedule.start"),
            "end" => msg("schedule.end"),
            "slot" => msg("schedule.slot"),
            "seats" => msg("schedule.seats"),
            "min_notice_hours" => msg("schedule.min_notice"),
            "horizon_days" => msg("schedule.horizon"),
            "buffer_minutes" => msg("schedule.buffer"),
            "reschedule_cutoff_hours" => msg("schedule.reschedule_cutoff"),
            _ => msg("schedule.cancel_cutoff"),
        }
    }

    /// The field of this zone's rule form was refused.
    fn invalid(&self, zone_code: &str, field: &str) -> bool {
        self.error_zone.as_deref() == Some(zone_code) && self.errors.get(field).is_some()
    }
}

pub(crate) fn weekday_key(n: i16) -> &'static str {
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
    page(&req, ctx, staff, &state, RuleForm::default(), Errors::default(), notice).await
}

async fn page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    form: RuleForm,
    errors: Errors,
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
            // Preview: free seats per week for 4 weeks from now, counted as the report counts
            // them (`services::schedule::capacity`: inside the notice too, which staff may book).
            let weeks = crate::services::schedule::capacity(conn, zone, tz, now)?.weeks;
            let sched = schedule::zone_schedule(conn, zone, today, today + Duration::days(28))?;
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
                is_finance: kind.zone_type == crate::domain::ZoneType::Finance,
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
    let error_zone = zones.iter().find(|z| z.id == form.zone && !errors.is_empty()).map(|z| z.code.clone());
    let p = SchedulePage {
        t: ctx.t,
        error_zone,
        zones,
        weekdays: (1..=7).map(|n| (n.to_string(), weekday_key(n))).collect(),
        institutions: institutions
            .iter()
            .map(|i| (i.code.clone(), lang.pick(&i.name_ko, &i.name_en).to_owned()))
            .collect(),
        form,
        errors,
        notice,
        ctx,
    };
    let code = if p.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
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
    let rule = match form.parse() {
        Ok(r) => r,
        Err(errors) => return page(&req, ctx, staff, &state, form, errors.into(), None).await,
    };
    let now = state.clock.now();
    match with_conn(&state, move |conn| Ok(schedule_service::add_rule(conn, staff, &rule, now))).await? {
        Ok(()) => Ok(see_other("/staff/schedule?done=rule")),
        Err(ScheduleError::Overlap) => {
            let errors = vec![FieldError { field: "start", key: msg("schedule.overlap") }];
            page(&req, ctx, staff, &state, form, errors.into(), None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_rule(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    with_conn(&state, move |conn| Ok(schedule_service::delete_rule(conn, staff, id, now)?)).await?;
    Ok(see_other("/staff/schedule?done=rule"))
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
    let p = match f.parse() {
        Ok(p) => p,
        // The policy form is short: its one message says which values are allowed.
        Err(errors) => return page(&req, ctx, staff, &state, RuleForm::default(), errors.into(), None).await,
    };
    let now = state.clock.now();
    with_conn(&state, move |conn| {
        schedule_service::set_policy(
            conn,
            staff,
            &PolicyRow {
                zone_id,
                min_notice_minutes: p.min_notice_minutes,
                horizon_days: p.horizon_days,
                buffer_minutes: p.buffer_minutes,
                reschedule_cutoff_minutes: p.reschedule_cutoff_minutes,
                cancel_cutoff_minutes: p.cancel_cutoff_minutes,
            },
            now,
        )?;
        Ok(())
    })
    .await?;
    Ok(see_other("/staff/schedule?done=policy"))
}
