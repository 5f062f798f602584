//! Closures: days or hours a zone (or the whole center) is closed, and the visits they hit.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;

use super::local;
use crate::db::appointments::Appointment;
use crate::db::centers;
use crate::domain::AppointmentStatus;
use crate::domain::closure::ClosureForm;
use crate::domain::form::Errors;
use crate::services::availability::{self, day_range};
use crate::services::closures::{self, ClosureError};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label, msg};
use crate::web::respond::{self, see_other};
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

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
    errors: Errors,
    affected: Vec<Affected>,
    added: bool,
}

async fn closures_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    form: ClosureForm,
    errors: Errors,
    added: Option<(NaiveDate, NaiveDate, Option<String>)>,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let now = state.clock.now();
    let (center, zones, rows, experts) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        let experts: Vec<crate::db::users::User> = crate::db::users::all_of_center(conn, center.id)?
            .into_iter()
            .filter(|u| u.role == crate::domain::Role::Expert && u.disabled_at.is_none())
            .collect();
        Ok((
            center.clone(),
            centers::zones_of(conn, center.id)?,
            crate::db::closures::closures_from(conn, center.id, today)?,
            experts,
        ))
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
            Ok(crate::db::appointments::appointments_between(conn, center_id, start, end)?
                .into_iter()
                .filter(|a| {
                    a.status == AppointmentStatus::Booked
                        && closed
                            .get(&a.zone_id)
                            .is_some_and(|c| c.contains(&crate::domain::availability::local_date(tz, a.starts_at)))
                })
                .collect())
        })
        .await?;
        let ids: Vec<i64> = hit.iter().map(|a| a.case_id).collect();
        let cases = with_conn(state, move |conn| Ok(crate::db::cases::cases_by_ids(conn, &ids)?)).await?;
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
        errors,
        affected,
        added: added.is_some(),
        t: ctx.t,
        ctx,
    };
    let code = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(respond::page(req, page, code))
}

pub async fn closures(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    closures_page(&req, ctx, staff, &state, ClosureForm::default(), Errors::default(), None).await
}

pub async fn add_closure(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<ClosureForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let c = match form.parse() {
        Ok(c) => c,
        Err(errors) => return closures_page(&req, ctx, staff, &state, form, errors.into(), None).await,
    };
    let (starts, ends, scope, sc, reason) = (c.starts_on, c.ends_on, c.scope.clone(), c.scope, c.reason);
    let now = state.clock.now();
    match with_conn(&state, move |conn| Ok(closures::add(conn, staff, sc.as_deref(), starts, ends, &reason, now)))
        .await?
    {
        Ok(()) => {}
        // Only a crafted form names a scope that is not on the list.
        Err(ClosureError::NotFound) => return Err(AppError::BadRequest(msg("error.bad_request"))),
        Err(ClosureError::Db(e)) => return Err(e.into()),
    }
    closures_page(&req, ctx, staff, &state, ClosureForm::default(), Errors::default(), Some((starts, ends, scope)))
        .await
}

pub async fn delete_closure(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    match with_conn(&state, move |conn| Ok(closures::delete(conn, staff, id, now))).await? {
        Ok(()) => {}
        Err(ClosureError::NotFound) => return Err(AppError::NotFound),
        Err(ClosureError::Db(e)) => return Err(e.into()),
    }
    Ok(see_other("/staff/closures"))
}
