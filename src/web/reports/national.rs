//! The national roll-up for the national account (an admin without a center): every center
//! and the national total, two days side by side, and as CSV.

use actix_web::{HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;

use super::{ReportQuery, csv_response, parse};
use crate::db::centers;
use crate::services::reports::{self, StatusRow, eok};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::who::National;
use crate::web::{AppState, with_conn};

pub struct NationalLine {
    center: String,
    date: String,
    row: StatusRow,
    eok: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/national.html")]
pub struct NationalPage {
    ctx: PageCtx,
    t: T,
    as_of: String,
    compare: String,
    lines: Vec<NationalLine>,
    totals: Vec<NationalLine>,
    csv_query: String,
}

fn national_dates(state: &AppState, q: &ReportQuery) -> (NaiveDate, Option<NaiveDate>) {
    let today = crate::domain::availability::local_date(crate::domain::center::TIME_ZONE, state.clock.now());
    (parse(&q.as_of).unwrap_or(today), parse(&q.compare))
}

/// Every center's one-stop status and the national total, as of one day and beside another:
/// the same numbers as `onestop report onestop-status`.
pub async fn national(
    ctx: PageCtx,
    _: National,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<impl Responder, AppError> {
    let (as_of, compare) = national_dates(&state, &query);
    let lang = ctx.lang;
    let reps = with_conn(&state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, None)?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, None)?);
        }
        Ok(out)
    })
    .await?;
    let names = with_conn(&state, move |conn| Ok(centers::all(conn)?)).await?;
    let name = |slug: &str| {
        names.iter().find(|c| c.slug == slug).map_or(slug.to_owned(), |c| lang.pick(&c.name_ko, &c.name_en).to_owned())
    };
    let mut lines = Vec::new();
    if let Some(first) = reps.first() {
        for (i, (slug, _, _)) in first.rows.iter().enumerate() {
            for r in &reps {
                let row = r.rows[i].2.clone();
                lines.push(NationalLine {
                    center: name(slug),
                    date: r.as_of.to_string(),
                    eok: eok(row.finance_won),
                    row,
                });
            }
        }
    }
    let totals = reps
        .iter()
        .map(|r| NationalLine {
            center: String::new(),
            date: r.as_of.to_string(),
            eok: eok(r.total.finance_won),
            row: r.total.clone(),
        })
        .collect();
    Ok(NationalPage {
        t: ctx.t,
        ctx,
        as_of: as_of.to_string(),
        compare: compare.map(|d| d.to_string()).unwrap_or_default(),
        lines,
        totals,
        csv_query: match compare {
            Some(c) => format!("as_of={as_of}&compare={c}"),
            None => format!("as_of={as_of}"),
        },
    })
}

pub async fn national_csv(
    _ctx: PageCtx,
    _: National,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (as_of, compare) = national_dates(&state, &query);
    let body = with_conn(&state, move |conn| {
        let mut out = vec![reports::onestop_status(conn, as_of, None)?];
        if let Some(d) = compare {
            out.push(reports::onestop_status(conn, d, None)?);
        }
        reports::render_status(&out, true, true).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    })
    .await?;
    Ok(csv_response(&format!("onestop-status-national-{as_of}.csv"), body))
}
