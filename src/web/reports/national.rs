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

/// One center (or the nation) as of the day, and its change since the other day when one is
/// compared: the five numbers, the amount in 억원, as the page prints them.
pub struct NationalLine {
    center: String,
    cells: [String; 5],
    /// "+3", "−0.50", "0"; empty without a comparison.
    changes: Vec<String>,
}

/// The change from `then` to `now`, signed ("+3", "-2", "0"; the amount in 억원 with two decimals).
fn changes(now: &StatusRow, then: &StatusRow) -> Vec<String> {
    let signed = |d: i64| if d > 0 { format!("+{d}") } else { d.to_string() };
    let won = now.finance_won - then.finance_won;
    let eok_change = match won {
        0 => "0".to_owned(),
        w if w > 0 => format!("+{}", eok(w)),
        w => format!("-{}", eok(-w)),
    };
    vec![
        signed(now.legal - then.legal),
        signed(now.finance - then.finance),
        eok_change,
        signed(now.ip - then.ip),
        signed(now.patents - then.patents),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/national.html")]
pub struct NationalPage {
    ctx: PageCtx,
    t: T,
    as_of: String,
    compare: String,
    lines: Vec<NationalLine>,
    total: NationalLine,
    /// The columns' names, in order (the same for the values and the changes).
    metrics: [&'static str; 5],
    /// The submitted numbers of `month`: each center's latest version, or none yet.
    month: String,
    month_label: String,
    submitted: Vec<(String, Option<String>, [String; 5])>,
    submitted_total: [String; 5],
    not_submitted: usize,
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
    // The submitted month: the one asked for, or the last that has ended.
    let first =
        super::check::month_of(query.month.as_deref(), as_of.max(national_dates(&state, &ReportQuery::default()).0));
    let latest = with_conn(&state, move |conn| Ok(crate::services::submissions::latest_of_month(conn, first)?)).await?;
    let name = |slug: &str| {
        names.iter().find(|c| c.slug == slug).map_or(slug.to_owned(), |c| lang.pick(&c.name_ko, &c.name_en).to_owned())
    };
    let (now, then) = (&reps[0], reps.get(1));
    let lines = now
        .rows
        .iter()
        .enumerate()
        .map(|(i, (slug, _, row))| NationalLine {
            center: name(slug),
            cells: row.cells(),
            changes: then.map(|t| changes(row, &t.rows[i].2)).unwrap_or_default(),
        })
        .collect();
    let total = NationalLine {
        center: ctx.t.get("national.total").to_owned(),
        cells: now.total.cells(),
        changes: then.map(|t| changes(&now.total, &t.total)).unwrap_or_default(),
    };
    let mut sum = StatusRow::default();
    let submitted: Vec<(String, Option<String>, [String; 5])> = names
        .iter()
        .map(|c| match latest.iter().find(|s| s.center_id == c.id) {
            Some(s) => {
                let n = s.numbers();
                sum.add(&n);
                (lang.pick(&c.name_ko, &c.name_en).to_owned(), Some(format!("v{}", s.version)), n.cells())
            }
            None => (lang.pick(&c.name_ko, &c.name_en).to_owned(), None, Default::default()),
        })
        .collect();
    let not_submitted = submitted.iter().filter(|s| s.1.is_none()).count();
    use chrono::Datelike;
    Ok(NationalPage {
        month: first.format("%Y-%m").to_string(),
        month_label: ctx.t.fmt2("check.month_label", "year", first.year(), "month", first.month()),
        submitted_total: sum.cells(),
        submitted,
        not_submitted,
        t: ctx.t,
        ctx,
        as_of: as_of.to_string(),
        compare: compare.map(|d| d.to_string()).unwrap_or_default(),
        lines,
        total,
        metrics: ["reports.legal", "reports.finance", "reports.executed", "reports.ip", "reports.patents"],
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
