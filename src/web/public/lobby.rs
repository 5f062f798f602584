//! The lobby board of a center (public): who is being seen and who is next, per zone, by ticket.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::centers;
use crate::domain::AppointmentStatus;
use crate::services::availability::time_zone;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::expert::hhmm;
use crate::web::i18n::T;
use crate::web::{AppState, with_conn};

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
        let (start, end) = crate::services::availability::day_range(&center, today);
        Ok((
            center.clone(),
            centers::zones_of(conn, center.id)?,
            crate::db::appointments::appointments_between(conn, center.id, start, end)?,
        ))
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
                    .filter(|a| a.status == AppointmentStatus::InConsultation)
                    .filter_map(|a| a.ticket_number)
                    .collect(),
                waiting: mine.filter(|a| a.status == AppointmentStatus::Waiting).count(),
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
