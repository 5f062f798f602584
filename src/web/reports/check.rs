//! The quality gate of a month (`services::report_check`): before the center reports the month,
//! every problem that would make its numbers wrong, in words, each linked to where it is fixed.

use actix_web::{Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, Duration, NaiveDate};

use crate::db::centers;
use crate::services::report_check::{self, Problem};
use crate::web::ctx::PageCtx;
use crate::web::desk::local;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct CheckQuery {
    month: Option<String>,
}

/// One problem as the page lists it: what, and where it is fixed.
pub struct Item {
    text: String,
    href: Option<String>,
    fix: &'static str,
}

/// The problems of one kind.
pub struct Group {
    id: &'static str,
    title: &'static str,
    hint: &'static str,
    items: Vec<Item>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/report_check.html")]
pub struct CheckPage {
    ctx: PageCtx,
    t: T,
    month: String,
    month_label: String,
    groups: Vec<Group>,
    total: usize,
}

/// The month `YYYY-MM` asked for, or the last one that has ended.
fn month_of(raw: Option<&str>, today: NaiveDate) -> NaiveDate {
    raw.and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok()).unwrap_or_else(|| {
        let first = today.with_day(1).unwrap_or(today);
        (first - Duration::days(1)).with_day(1).unwrap_or(first)
    })
}

pub async fn check(
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<CheckQuery>,
) -> Result<impl Responder, AppError> {
    let now = state.clock.now();
    let raw = query.month.clone();
    let (center, zones, first, problems) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        let first = month_of(raw.as_deref(), today);
        let last = (first + Duration::days(32)).with_day(1).unwrap_or(first) - Duration::days(1);
        let (start, _) = crate::services::availability::day_range(&center, first);
        let (_, end) = crate::services::availability::day_range(&center, last);
        let problems = report_check::check(conn, center.id, first, last, start, end, today, now)?;
        Ok((center.clone(), centers::zones_of(conn, center.id)?, first, problems))
    })
    .await?;
    let (t, lang) = (ctx.t, ctx.lang);
    let zone = |id: i64| {
        zones
            .iter()
            .find(|(z, _)| z.id == id)
            .map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned())
            .unwrap_or_default()
    };
    let case_link = |id: Option<i64>| id.map(|c| format!("/staff/cases/{c}"));
    let mut groups = vec![
        Group { id: "no-outcome", title: "check.no_outcome", hint: "check.no_outcome_hint", items: vec![] },
        Group { id: "follow-up", title: "check.follow_up", hint: "check.follow_up_hint", items: vec![] },
        Group { id: "institution", title: "check.institution", hint: "check.institution_hint", items: vec![] },
        Group { id: "execution", title: "check.execution", hint: "check.execution_hint", items: vec![] },
        Group { id: "companies", title: "check.companies", hint: "check.companies_hint", items: vec![] },
        Group { id: "imports", title: "check.imports", hint: "check.imports_hint", items: vec![] },
    ];
    let total = problems.len();
    for p in problems {
        let (g, item) = match p {
            Problem::NoOutcome { case_id, reference, zone_id, starts_at } => (
                0,
                Item {
                    text: format!(
                        "{reference} · {} · {}",
                        zone(zone_id),
                        local(&center, starts_at).format("%Y-%m-%d %H:%M")
                    ),
                    href: Some(format!("/staff/cases/{case_id}")),
                    fix: "check.fix_case",
                },
            ),
            Problem::FollowUpOverdue { case_id, reference, due } => (
                1,
                Item {
                    text: t.fmt2("check.due_line", "reference", reference, "date", due),
                    href: case_link(case_id),
                    fix: "check.fix_follow_up",
                },
            ),
            Problem::NoInstitution { case_id, reference, on } => {
                (2, Item { text: format!("{reference} · {on}"), href: case_link(case_id), fix: "check.fix_case" })
            }
            Problem::HalfExecution { case_id, reference, on } => {
                (3, Item { text: format!("{reference} · {on}"), href: case_link(case_id), fix: "check.fix_case" })
            }
            Problem::TwoNumbers { name, brns } => (
                4,
                Item {
                    text: t.fmt2("check.two_numbers", "name", name, "numbers", brns.join(", ")),
                    href: Some("/staff/cases".into()),
                    fix: "check.fix_company",
                },
            ),
            Problem::TwoNames { brn, names } => (
                4,
                Item {
                    text: t.fmt2("check.two_names", "brn", brn, "names", names.join(", ")),
                    href: Some("/staff/cases".into()),
                    fix: "check.fix_company",
                },
            ),
            Problem::ImportRepeats { brn, zone_id, on } => (
                5,
                Item {
                    text: format!("{brn} · {} · {on}", zone(zone_id)),
                    href: Some("/staff/reports#import-h".into()),
                    fix: "check.fix_import",
                },
            ),
        };
        groups[g].items.push(item);
    }
    Ok(CheckPage {
        month: first.format("%Y-%m").to_string(),
        month_label: t.fmt2("check.month_label", "year", first.year(), "month", first.month()),
        groups,
        total,
        t,
        ctx,
    })
}
