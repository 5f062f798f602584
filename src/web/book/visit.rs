//! The booked visit as the applicant sees it: when, where, and what they can still change.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::ended::{ended_page, has_ended};
use crate::db::{appointments, centers};
use crate::domain::CaseStatus;
use crate::services::availability;
use crate::services::questionnaire::Draft;
use crate::web::apply::{load, render, see_other};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label};
use crate::web::{AppState, with_conn};

pub struct VisitLeg {
    pub zone: String,
    pub when: String,
    pub institution: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/visit.html")]
pub struct VisitPage {
    ctx: PageCtx,
    t: T,
    token: String,
    reference: String,
    center_name: String,
    legs: Vec<VisitLeg>,
    /// Every leg of the booked visit is confirmed; or it may be confirmed now.
    is_confirmed: bool,
    may_confirm: bool,
    /// Opened from the "confirm or cancel" message (`/confirm`): the question comes first.
    asking: bool,
    confirm_said: Option<&'static str>,
    /// What the experts wrote for the applicant, per zone.
    summaries: Vec<(String, String)>,
    /// The applicant may still move / cancel the visit themselves (before the cut-offs).
    may_move: bool,
    may_cancel: bool,
    /// Reserved, but inside a cut-off: the page says why the actions are gone.
    past_cutoff: bool,
    timeline: Vec<super::timeline::Moment>,
    /// Just moved by the applicant (`?changed=1` after the move): the page says "changed".
    changed: bool,
    /// Where to go and whom to call.
    visiting: Option<crate::web::visiting::Visiting>,
    /// The visit includes the finance zone: the consent to provision to its institution, now.
    third_party: Option<bool>,
    /// Just given or withdrawn (`?consent=given|withdrawn`).
    consent_said: Option<&'static str>,
    message: Option<&'static str>,
}

pub async fn visit(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    match d.status {
        CaseStatus::Draft => Ok(see_other(format!("/apply/{token}"))),
        CaseStatus::Submitted => Ok(see_other(format!("/apply/{token}/book"))),
        s if has_ended(s) => ended_page(&req, ctx, &state, &d, &token).await,
        _ => visit_page(&req, ctx, &state, &d, &token, None, StatusCode::OK).await,
    }
}

/// The visit's legs as the applicant reads them: when, which zone, which institution.
pub(super) fn legs_of(
    appts: &[appointments::Appointment],
    zones: &[(centers::Zone, centers::ZoneKind)],
    institutions: &[centers::Institution],
    tz: chrono_tz::Tz,
    lang: crate::i18n::Lang,
) -> Vec<VisitLeg> {
    appts
        .iter()
        .map(|a| {
            let local = chrono::TimeZone::from_utc_datetime(&tz, &a.starts_at);
            VisitLeg {
                zone: zones
                    .iter()
                    .find(|(z, _)| z.id == a.zone_id)
                    .map_or(String::new(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned()),
                when: format!("{} {}", date_label(lang, local.date_naive()), local.format("%H:%M")),
                institution: a
                    .institution_id
                    .and_then(|id| institutions.iter().find(|i| i.id == id))
                    .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned()),
            }
        })
        .collect()
}

pub(super) async fn visit_page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
    message: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (center, case_id) = (d.center.clone(), d.case.id);
    let now = state.clock.now();
    let reserved = d.status == CaseStatus::Reserved;
    let (appts, zones, institutions, consultations, (may_move, may_cancel), events, contact) =
        with_conn(state, move |conn| {
            let may = if reserved {
                crate::services::booking::applicant_may_change(conn, case_id, now)?
            } else {
                (false, false)
            };
            Ok((
                appointments::live_of_case(conn, case_id)?,
                centers::zones_of(conn, center.id)?,
                centers::institutions(conn)?,
                crate::services::consult::of_case(conn, case_id)?,
                may,
                crate::db::cases::events_of(conn, case_id)?,
                crate::db::center_contacts::of_center(conn, center.id)?,
            ))
        })
        .await?;
    let tz = availability::time_zone(&d.center);
    let lang = ctx.lang;
    let legs = legs_of(&appts, &zones, &institutions, tz, lang);
    let finance = appts
        .iter()
        .any(|a| zones.iter().any(|(z, k)| z.id == a.zone_id && k.zone_type == crate::domain::ZoneType::Finance));
    let third_party = finance.then_some(d.answers.third_party_consent);
    let consent_said = match req.query_string() {
        "consent=given" if third_party == Some(true) => Some(crate::web::i18n::msg("apply.visit.consent_given")),
        "consent=withdrawn" if third_party == Some(false) => {
            Some(crate::web::i18n::msg("apply.visit.consent_withdrawn"))
        }
        _ => None,
    };
    let booked = reserved && !appts.is_empty();
    let is_confirmed = booked && appts.iter().all(|a| a.confirmed_at.is_some());
    let confirm_said = match req.query_string() {
        "confirmed=1" => Some(crate::web::i18n::msg("attend.done")),
        "confirmed=already" => Some(crate::web::i18n::msg("attend.already")),
        _ => None,
    };
    let page = VisitPage {
        is_confirmed,
        may_confirm: booked && !is_confirmed,
        asking: req.path().ends_with("/confirm"),
        confirm_said,
        t: ctx.t,
        ctx,
        token: token.to_owned(),
        reference: d.case.reference.clone(),
        center_name: lang.pick(&d.center.name_ko, &d.center.name_en).to_owned(),
        legs,
        summaries: super::timeline::summaries(&consultations, &zones, lang),
        may_move,
        may_cancel,
        past_cutoff: reserved && !may_move && !may_cancel,
        timeline: super::timeline::timeline(&events, tz, lang),
        changed: req.query_string() == "changed=1" && reserved,
        visiting: crate::web::visiting::Visiting::of(&contact, lang.pick(&d.center.name_ko, &d.center.name_en), lang),
        message,
        third_party,
        consent_said,
    };
    Ok(render(req, page, status))
}
