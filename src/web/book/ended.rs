//! The link of a case that has ended (cancelled, or every consultation done): what happened and
//! when, what the experts wrote, and applying again with this case's answers filled in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::{cases, centers};
use crate::domain::{Actor, CaseStatus};
use crate::services::availability;
use crate::services::questionnaire::Draft;
use crate::web::apply::render;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label, msg};
use crate::web::{AppState, with_conn};

#[derive(Template, WebTemplate)]
#[template(path = "apply/ended.html")]
pub struct EndedPage {
    ctx: PageCtx,
    t: T,
    token: String,
    reference: String,
    center_name: String,
    center_slug: String,
    cancelled: bool,
    /// "신청을 취소했습니다" and when, in the applicant's words.
    what: String,
    /// What the experts wrote for the applicant, per zone.
    summaries: Vec<(String, String)>,
    timeline: Vec<super::timeline::Moment>,
    /// A one-time key for "apply again" (a double click opens one draft).
    key: String,
}

/// Whether a case's link answers with this page.
pub fn has_ended(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Cancelled | CaseStatus::Consulted)
}

pub(super) async fn ended_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
) -> Result<HttpResponse, AppError> {
    let (center_id, case_id) = (d.center.id, d.case.id);
    let (events, zones, consultations) = with_conn(state, move |conn| {
        Ok((
            cases::events_of(conn, case_id)?,
            centers::zones_of(conn, center_id)?,
            crate::services::consult::of_case(conn, case_id)?,
        ))
    })
    .await?;
    let (lang, t) = (ctx.lang, ctx.t);
    let tz = availability::time_zone(&d.center);
    let cancelled = d.status == CaseStatus::Cancelled;
    let last = events.iter().rev().find(|e| e.to_status == d.status);
    let what = match last {
        Some(e) => {
            let local = chrono::TimeZone::from_utc_datetime(&tz, &e.at);
            let when = format!("{} {}", date_label(lang, local.date_naive()), local.format("%H:%M"));
            let key = match (cancelled, e.actor_kind == Actor::Applicant.as_str()) {
                (true, true) => msg("apply.ended.cancelled_by_you"),
                (true, false) => msg("apply.ended.cancelled_by_center"),
                (false, _) => msg("apply.ended.consulted"),
            };
            t.fmt(key, "when", &when)
        }
        None => t.get(if cancelled { msg("apply.visit.cancelled") } else { msg("apply.visit.finished") }).to_owned(),
    };
    let page = EndedPage {
        token: token.to_owned(),
        reference: d.case.reference.clone(),
        center_name: lang.pick(&d.center.name_ko, &d.center.name_en).to_owned(),
        center_slug: d.center.slug.clone(),
        cancelled,
        what,
        summaries: super::timeline::summaries(&consultations, &zones, lang),
        timeline: super::timeline::timeline(&events, tz, lang),
        key: crate::token::new_token(),
        t: ctx.t,
        ctx,
    };
    Ok(render(req, page, StatusCode::OK))
}
