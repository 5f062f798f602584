//! The visit as a calendar file (RFC 5545), for any calendar app.

use actix_web::{HttpResponse, web};

use crate::db::{appointments, centers};
use crate::domain::CaseStatus;
use crate::web::apply::load;
use crate::web::errors::AppError;
use crate::web::i18n::Lang;
use crate::web::i18n::msg;
use crate::web::{AppState, with_conn};

pub async fn visit_ics_file(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (token, file) = path.into_inner();
    if !file.ends_with(".ics") {
        return Err(AppError::NotFound);
    }
    let d = load(&state, &token).await?;
    if matches!(d.status, CaseStatus::Cancelled | CaseStatus::Consulted) {
        // A calendar app asking for a cancelled or finished visit: the file is gone.
        return Err(AppError::Gone(msg("apply.visit.cancelled")));
    }
    let (center, case_id) = (d.center.clone(), d.case.id);
    let (appts, zones, contact) = with_conn(&state, move |conn| {
        Ok((
            appointments::live_of_case(conn, case_id)?,
            centers::zones_of(conn, center.id)?,
            crate::db::center_contacts::of_center(conn, center.id)?.details(),
        ))
    })
    .await?;
    if appts.is_empty() {
        return Err(AppError::NotFound);
    }
    let lang = Lang::parse(&d.case.lang).unwrap_or_default();
    let center_name = lang.pick(&d.center.name_ko, &d.center.name_en);
    let host = crate::config::host_of(&state.settings.base_url).to_owned();
    let ics = crate::services::calendar::render(&crate::services::calendar::VisitCalendar {
        reference: &d.case.reference,
        center_name,
        location: &contact.where_line(lang),
        geo: contact.coordinates,
        time_zone: &d.center.timezone,
        host: &host,
        sequence: u32::try_from(d.case.version).unwrap_or(0),
        now: state.clock.now(),
        legs: appts
            .iter()
            .map(|a| crate::services::calendar::CalendarLeg {
                summary: format!(
                    "{} · {}",
                    zones
                        .iter()
                        .find(|(z, _)| z.id == a.zone_id)
                        .map_or("", |(_, k)| lang.pick(&k.name_ko, &k.name_en)),
                    d.case.reference
                ),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
            })
            .collect(),
        method: crate::services::calendar::Method::Publish,
    });
    let mut res = HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.ics\"", d.case.reference),
        ))
        .body(ics);
    res.headers_mut().insert(
        actix_web::http::header::REFERRER_POLICY,
        actix_web::http::header::HeaderValue::from_static("same-origin"),
    );
    Ok(res)
}
