//! The lobby board of a center (public), made for a TV across the room: per zone the ticket
//! now called in very large type, the last few called, and how many wait. Tickets only: no
//! name, company or reference ever. Korean and English side by side (visitors of either read
//! it at once). With JavaScript (`static/js/lobby.js`) it follows every call within seconds,
//! flashes and announces a new one (chime, then speech in Korean and English), keeps retrying
//! when the server is away and says so; without it the page reloads itself every 30 seconds.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::appointments::Appointment;
use crate::db::centers;
use crate::domain::AppointmentStatus;
use crate::services::availability::time_zone;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::expert::hhmm;
use crate::web::i18n::T;
use crate::web::{AppState, with_conn};

/// How many earlier calls a zone lists under the one now called.
const EARLIER: usize = 4;

pub struct LobbyZone {
    code: String,
    name: String,
    /// The zone's name in the other language.
    name_other: String,
    /// The ticket now called: the newest call whose consultation is going on.
    called: Option<i32>,
    /// Identifies the current call (appointment and time of the call): a change is a new call,
    /// which the page's script announces. Empty when nobody is called.
    call_id: String,
    /// What the announcement says, in Korean and in English.
    say_ko: String,
    say_en: String,
    /// The tickets called before, newest first.
    earlier: Vec<i32>,
    waiting: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/lobby.html")]
pub struct LobbyPage {
    ctx: PageCtx,
    t: T,
    /// The other language's strings (the board shows both).
    o: T,
    center: String,
    center_other: String,
    time: String,
    zones: Vec<LobbyZone>,
}

/// The board of one zone from the day's appointments of the center.
fn zone_board(zone_id: i64, appts: &[Appointment]) -> (Option<&Appointment>, Vec<i32>, usize) {
    let mine: Vec<&Appointment> = appts.iter().filter(|a| a.zone_id == zone_id).collect();
    // Calls, newest first; a consultation going on without a recorded call (begun before
    // calls were recorded) counts from its last change.
    let mut calls: Vec<&Appointment> = mine
        .iter()
        .copied()
        .filter(|a| a.called_at.is_some() || a.status == AppointmentStatus::InConsultation)
        .filter(|a| a.ticket_number.is_some())
        .collect();
    calls.sort_by_key(|a| std::cmp::Reverse((a.called_at.unwrap_or(a.updated_at), a.id)));
    let current = calls.iter().copied().find(|a| a.status == AppointmentStatus::InConsultation);
    let mut earlier: Vec<i32> = Vec::new();
    for a in calls.iter().filter(|a| Some(a.id) != current.map(|c| c.id)) {
        let n = a.ticket_number.unwrap_or_default();
        if !earlier.contains(&n) && Some(n) != current.and_then(|c| c.ticket_number) {
            earlier.push(n);
        }
    }
    earlier.truncate(EARLIER);
    let waiting = mine.iter().filter(|a| a.status == AppointmentStatus::Waiting).count();
    (current, earlier, waiting)
}

/// The particle "(으)로" after a Korean word: "로" after a vowel or ㄹ, "으로" after another
/// final consonant (a name ending in Latin letters or digits is read as Korean would: "로").
fn euro(word: &str) -> &'static str {
    match word.chars().last().map(u32::from) {
        Some(c @ 0xAC00..=0xD7A3) if !matches!((c - 0xAC00) % 28, 0 | 8) => "으로",
        _ => "로",
    }
}

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
    let (t, o) = (ctx.t, T(lang.other()));
    let zones = zones
        .iter()
        .map(|(z, k)| {
            let (current, earlier, waiting) = zone_board(z.id, &appts);
            let called = current.and_then(|a| a.ticket_number);
            LobbyZone {
                code: k.code.clone(),
                name: lang.pick(&k.name_ko, &k.name_en).to_owned(),
                name_other: lang.other().pick(&k.name_ko, &k.name_en).to_owned(),
                call_id: current
                    .map(|a| format!("{}-{}", a.id, a.called_at.unwrap_or(a.updated_at).and_utc().timestamp_micros()))
                    .unwrap_or_default(),
                say_ko: called
                    .map(|n| format!("{n}번 고객님, {}{} 오세요.", k.name_ko, euro(&k.name_ko)))
                    .unwrap_or_default(),
                say_en: called.map(|n| format!("Number {n}, please come to the {}.", k.name_en)).unwrap_or_default(),
                called,
                earlier,
                waiting,
            }
        })
        .collect();
    let mut res = LobbyPage {
        t,
        o,
        center: lang.pick(&center.name_ko, &center.name_en).to_owned(),
        center_other: lang.other().pick(&center.name_ko, &center.name_en).to_owned(),
        time: hhmm(&center, now),
        zones,
        ctx,
    }
    .respond_to(&req)
    .map_into_boxed_body();
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::euro;

    #[test]
    fn the_particle_follows_the_last_syllable() {
        assert_eq!(euro("금융존"), "으로");
        assert_eq!(euro("법률존"), "으로");
        assert_eq!(euro("세무 상담실"), "로");
        assert_eq!(euro("창업 코너"), "로");
        assert_eq!(euro("IP"), "로");
    }
}
