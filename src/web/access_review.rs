//! The admin's check of the access records: days on which one person opened far more cases
//! than the center's usual day (the rule in `services::access_review`), and every person's
//! days of the last 30, each linked to the audit view of that person and day.

use actix_web::{Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::Duration;

use crate::db::{access_log, centers, users};
use crate::services::access_review::{self, Day, FACTOR, WINDOW_DAYS};
use crate::services::availability::day_range;
use crate::web::ctx::PageCtx;
use crate::web::desk::local;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::who::Admin;
use crate::web::{AppState, with_conn};

pub struct Line {
    date: String,
    user_id: i64,
    who: String,
    cases: i64,
    lists: i64,
    rows_shown: i64,
    unusual: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/access_review.html")]
pub struct ReviewPage {
    ctx: PageCtx,
    t: T,
    median: i64,
    threshold: i64,
    factor: i64,
    window: i64,
    unusual: Vec<Line>,
    days: Vec<Line>,
}

/// The most records read for the window (a center's month is far below it).
const MAX_ROWS: i64 = 200_000;

pub async fn review(ctx: PageCtx, admin: Admin, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let now = state.clock.now();
    let (center, rows, people) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, admin.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        let (from, _) = day_range(&center, today - Duration::days(WINDOW_DAYS - 1));
        let (_, to) = day_range(&center, today);
        let rows = access_log::access_of_center(conn, center.id, None, from, to, MAX_ROWS)?;
        Ok((center, rows, users::all_of_center(conn, admin.center_id)?))
    })
    .await?;
    let r = access_review::review(&rows, |at| local(&center, at).date_naive());
    let name = |uid: i64| people.iter().find(|p| p.id == uid).map(|p| p.display_name.clone()).unwrap_or_default();
    let line = |d: &Day| Line {
        date: d.date.format("%Y-%m-%d").to_string(),
        user_id: d.user_id,
        who: name(d.user_id),
        cases: d.cases,
        lists: d.lists,
        rows_shown: d.rows_shown,
        unusual: d.cases >= r.threshold,
    };
    Ok(ReviewPage {
        median: r.median,
        threshold: r.threshold,
        factor: FACTOR,
        window: WINDOW_DAYS,
        unusual: r.unusual.iter().map(line).collect(),
        days: r.days.iter().map(line).collect(),
        t: ctx.t,
        ctx,
    })
}
