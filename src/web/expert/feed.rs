//! The expert's calendar feed: a secret address for their calendar app, made and revoked here.

use crate::services::access;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::Duration;

use crate::db::centers;
use crate::domain::AppointmentStatus;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::respond::see_other;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "expert/feed.html")]
pub struct FeedPage {
    ctx: PageCtx,
    t: T,
    has_feed: bool,
    /// Shown once, right after it was made.
    new_url: Option<String>,
}

pub async fn feed_page(ctx: PageCtx, expert: Expert, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let has_feed = with_conn(&state, move |conn| Ok(crate::db::users::has_feed(conn, expert.user_id)?)).await?;
    Ok(FeedPage { t: ctx.t, ctx, has_feed, new_url: None })
}

/// A new secret feed address (the old one stops working), shown once.
pub async fn new_feed(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = with_conn(&state, move |conn| Ok(crate::services::calendar::new_feed(conn, expert.user_id)?)).await?;
    let url = format!("{}/feeds/{token}.ics", state.settings.base_url);
    let mut res = FeedPage { t: ctx.t, ctx, has_feed: true, new_url: Some(url) }.respond_to(&req).map_into_boxed_body();
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

pub async fn revoke_feed(expert: Expert, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    with_conn(&state, move |conn| Ok(crate::services::calendar::revoke_feed(conn, expert.user_id)?)).await?;
    Ok(see_other("/expert/feed"))
}

/// The feed itself (no sign-in: the secret address is the key): the zone's appointments from a
/// week ago to two months ahead, reference and zone only.
pub async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = file.into_inner().strip_suffix(".ics").ok_or(AppError::NotFound)?.to_owned();
    let now = state.clock.now();
    let host = crate::config::host_of(&state.settings.base_url).to_owned();
    let ics = with_conn(&state, move |conn| {
        let user =
            crate::db::users::by_feed_token(conn, &crate::token::hash_token(&token))?.ok_or(AppError::NotFound)?;
        let (Some(center_id), Some(zone_id)) = (user.center_id, user.zone_id) else { return Err(AppError::NotFound) };
        let center = centers::by_id(conn, center_id)?.ok_or(AppError::NotFound)?;
        let zone =
            centers::zones_of(conn, center_id)?.into_iter().find(|(z, _)| z.id == zone_id).ok_or(AppError::NotFound)?;
        let appts: Vec<_> = crate::db::appointments::appointments_between(
            conn,
            center_id,
            now - Duration::days(7),
            now + Duration::days(62),
        )?
        .into_iter()
        .filter(|a| a.zone_id == zone_id && a.status != AppointmentStatus::NoShow)
        .collect();
        let ids: Vec<i64> = appts.iter().map(|a| a.case_id).collect();
        let (feed, consultation) = (access::list::FEED, access::Purpose::Consultation);
        access::listed(conn, user.id, feed, ids.len(), consultation, now)?;
        let cases = crate::db::cases::cases_by_ids(conn, &ids)?;
        let items: Vec<crate::services::calendar::FeedItem> = appts
            .iter()
            .map(|a| crate::services::calendar::FeedItem {
                id: a.id,
                title: format!(
                    "{} · {}",
                    cases.iter().find(|c| c.id == a.case_id).map(|c| c.reference.as_str()).unwrap_or(""),
                    zone.1.name_ko
                ),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
            })
            .collect();
        Ok(crate::services::calendar::feed(
            &format!("{} {}", center.name_ko, zone.1.name_ko),
            &center.timezone,
            &host,
            now,
            &items,
        ))
    })
    .await?;
    let mut res = HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(ics);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    Ok(res)
}
