//! Moving (or booking) a visit on the applicant's behalf.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::{local, refused, staff_op};
use crate::db::centers;
use crate::domain::CaseStatus;
use crate::services::availability;
use crate::services::booking::{self, BookError, Leg};
use crate::services::desk::{self, DeskError};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label, msg};
use crate::web::respond::{self, see_other};
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

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
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<MoveQuery>,
) -> Result<HttpResponse, AppError> {
    let override_mode = query.override_notice.as_deref() == Some("1");
    move_page(&req, ctx, staff, state, id.into_inner(), None, StatusCode::OK, override_mode).await
}

#[allow(clippy::too_many_arguments)]
async fn move_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    message: Option<&'static str>,
    code: StatusCode,
    override_mode: bool,
) -> Result<HttpResponse, AppError> {
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
    Ok(respond::page(req, page, code))
}

pub async fn move_visit(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fields = crate::web::form::Fields::parse(&body)?;
    let get = |k: &str| fields.get(k).to_owned();
    let legs: Option<Vec<Leg>> = get("choice").split(',').filter(|s| !s.is_empty()).map(Leg::parse).collect();
    let override_mode = get("override") == "1";
    let Some(legs) = legs.filter(|l| !l.is_empty()) else {
        return move_page(
            &req,
            ctx,
            staff,
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
        return move_page(&req, ctx, staff, state, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY, true).await;
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
        let reserved = case.status == CaseStatus::Reserved;
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
        Err(BookError::Fire(_)) => refused(&req, ctx, staff, state, Some(id), DeskError::Conflict).await,
        Err(BookError::Taken) => {
            move_page(&req, ctx, staff, state, id, Some(msg("apply.book.taken")), StatusCode::CONFLICT, override_mode)
                .await
        }
        Err(_) => {
            move_page(
                &req,
                ctx,
                staff,
                state,
                id,
                Some(msg("apply.book.not_offered")),
                StatusCode::CONFLICT,
                override_mode,
            )
            .await
        }
    }
}
