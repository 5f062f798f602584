//! Public pages: the list of centers, a center's home page, the language switch.

mod lobby;
mod open_data;
mod privacy;
pub use lobby::lobby;
pub use open_data::{csv as open_data_csv, json as open_data_json, page as open_data};
pub use privacy::{privacy, privacy_index};

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{LANG_COOKIE, Lang, T, msg};
use super::{AppState, with_conn};
use crate::db::centers::{self, Center};
use crate::domain::center::parse_slug;

#[derive(Template, WebTemplate)]
#[template(path = "public/landing.html")]
pub struct LandingPage {
    ctx: PageCtx,
    t: T,
    centers: Vec<Center>,
}

pub async fn landing(ctx: PageCtx, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let centers = with_conn(&state, |conn| Ok(centers::all(conn)?)).await?;
    Ok(LandingPage { t: ctx.t, ctx, centers })
}

/// One zone as the center page shows it.
pub struct ZoneView {
    pub kind: String,
    pub name: String,
    pub summary: String,
    pub days: Vec<DayView>,
}

/// The hours a zone sits on one weekday.
pub struct DayView {
    pub weekday: &'static str,
    pub hours: String,
    pub slot_minutes: i32,
    pub institution: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/center.html")]
pub struct CenterPage {
    ctx: PageCtx,
    t: T,
    center: Center,
    zones: Vec<ZoneView>,
    visiting: Option<crate::web::visiting::Visiting>,
}

const WEEKDAYS: [&str; 7] = [
    msg("weekday.1"),
    msg("weekday.2"),
    msg("weekday.3"),
    msg("weekday.4"),
    msg("weekday.5"),
    msg("weekday.6"),
    msg("weekday.7"),
];

pub async fn center(
    ctx: PageCtx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<impl Responder, AppError> {
    let slug = parse_slug(&slug).ok_or(AppError::NotFound)?.to_owned();
    let lang = ctx.lang;
    let t = ctx.t;
    let (center, zones, contact) = with_conn(&state, move |conn| {
        let center = centers::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let zones = centers::zones_of(conn, center.id)?;
        let ids: Vec<i64> = zones.iter().map(|(z, _)| z.id).collect();
        let rules = centers::rules_of(conn, &ids)?;
        let institutions = centers::institutions(conn)?;
        let views = zones
            .into_iter()
            .map(|(zone, kind)| {
                let mut days: Vec<DayView> = Vec::new();
                let mut current: Option<i16> = None;
                for r in rules.iter().filter(|r| r.zone_id == zone.id) {
                    let span = format!("{}–{}", r.start_time.format("%H:%M"), r.end_time.format("%H:%M"));
                    if current == Some(r.weekday) {
                        let day = days.last_mut().expect("a day was pushed for this weekday");
                        day.hours.push_str(", ");
                        day.hours.push_str(&span);
                        continue;
                    }
                    current = Some(r.weekday);
                    let institution = r
                        .institution_id
                        .and_then(|id| institutions.iter().find(|i| i.id == id))
                        .map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned());
                    days.push(DayView {
                        weekday: t.get(WEEKDAYS[(r.weekday.clamp(1, 7) - 1) as usize]),
                        hours: span,
                        slot_minutes: r.slot_minutes,
                        institution,
                    });
                }
                ZoneView {
                    name: lang.pick(&kind.name_ko, &kind.name_en).to_owned(),
                    summary: lang.pick(&kind.summary_ko, &kind.summary_en).to_owned(),
                    kind: kind.code,
                    days,
                }
            })
            .collect();
        let contact = crate::db::center_contacts::of_center(conn, center.id)?;
        Ok((center, views, contact))
    })
    .await?;
    let visiting = crate::web::visiting::Visiting::of(&contact, lang.pick(&center.name_ko, &center.name_en), lang);
    Ok(CenterPage { t: ctx.t, ctx, center, zones, visiting })
}

#[derive(serde::Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// Only a path on this site: never `//host` or a scheme, which would make an open redirect, and
/// nothing a browser might read differently from us: a control character, whitespace or a
/// backslash anywhere (`/\t/evil.example` is followed to `//evil.example`), or anything that is
/// not printable ASCII (a header cannot carry it). Anything else falls back to `/`.
pub fn safe_local_path(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains("://")
                && p.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            p
        }
        _ => "/",
    }
}

pub async fn switch_language(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<SwitchQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_local_path(query.next.as_deref())))
        .cookie(lang_cookie(&state, lang))
        .finish())
}

/// The language chosen, kept for a year.
pub fn lang_cookie(state: &AppState, lang: Lang) -> Cookie<'static> {
    Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(state.settings.is_https())
        .max_age(CookieDuration::days(365))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_local_path(Some("/centers/seoul")), "/centers/seoul");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/x?u=http://e",
            "/\t/evil.example",
            "/\n/x",
            "/\r/x",
            "/\u{b}/x",
            "/\0/x",
            "/ /evil.example",
            "/\u{3000}x",
            "/\u{7f}",
        ] {
            assert_eq!(safe_local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_local_path(None), "/");
    }
}
