//! The quality gate of a month (`services::report_check`): before the center reports the month,
//! every problem that would make its numbers wrong, in words, each linked to where it is fixed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, Duration, NaiveDate};

use crate::db::centers;
use crate::domain::activity::{self, Activity, FIGURES};
use crate::services::report_check::{self, Problem};
use crate::services::submissions;
use crate::web::ctx::PageCtx;
use crate::web::desk::local;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::who::{Admin, Staff};
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct CheckQuery {
    month: Option<String>,
    /// The version just submitted (after the POST).
    submitted: Option<i32>,
}

/// A submitted version as the page lists it.
pub struct VersionLine {
    /// "v2 · 2026-12-01 10:00 · 김관리"
    head: String,
    /// The numbers as submitted.
    cells: [String; 5],
    /// "금융시행 +0.50억, 법률존 상담 -1" against the version before; empty for v1.
    change: String,
    reason: Option<String>,
}

/// One figure of the month: its label, as entered now, and as submitted in the latest version.
pub struct FigureLine {
    label: &'static str,
    entered: String,
    submitted: String,
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
    /// The month's numbers now: legal, finance, executed (억원), IP, patents.
    live: [String; 5],
    versions: Vec<VersionLine>,
    /// The live numbers differ from the latest version: what changed since.
    changed_since: Option<String>,
    next_version: i32,
    /// The month's figures for the press release's other tables: as entered, and as in the
    /// latest version.
    activity_rows: Vec<FigureLine>,
    activity_entered: bool,
    latest_version: Option<String>,
    metrics: [&'static str; 5],
    /// The month has ended (only an ended month is submitted).
    ended: bool,
    reason: String,
    /// After a submission, or why one was refused.
    said: Option<String>,
    refused: bool,
}

/// The month `YYYY-MM` asked for, or the last one that has ended.
pub(super) fn month_of(raw: Option<&str>, today: NaiveDate) -> NaiveDate {
    raw.and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok()).unwrap_or_else(|| {
        let first = today.with_day(1).unwrap_or(today);
        (first - Duration::days(1)).with_day(1).unwrap_or(first)
    })
}

/// The gate's problems of the center's month starting on `first`.
fn problems_of(
    conn: &mut crate::db::DbConn,
    center: &centers::Center,
    first: NaiveDate,
    today: NaiveDate,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<Vec<Problem>> {
    let last = submissions::last_day(first);
    let (start, _) = crate::services::availability::day_range(center, first);
    let (_, end) = crate::services::availability::day_range(center, last);
    report_check::check(conn, center.id, first, last, start, end, today, now)
}

pub async fn check(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<CheckQuery>,
) -> Result<HttpResponse, AppError> {
    let said = query.submitted.map(|v| ctx.t.fmt("check.submitted", "version", v));
    let sent = Sent { said, ..Sent::default() };
    page(&req, ctx, staff, &state, query.month.clone(), sent).await
}

/// What the page shows after a POST: a message, the reason as typed.
#[derive(Default)]
struct Sent {
    said: Option<String>,
    refused: bool,
    reason: String,
}

async fn page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: &web::Data<AppState>,
    raw: Option<String>,
    sent: Sent,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (center, zones, first, problems, live, versions, people, (draft, frozen)) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        let first = month_of(raw.as_deref(), today);
        let problems = problems_of(conn, &center, first, today, now)?;
        let live = submissions::month_numbers(conn, center.id, first)?;
        let versions = crate::db::report_submissions::of_month(conn, center.id, first)?;
        let people = crate::db::users::all_of_center(conn, center.id)?;
        let draft = crate::db::activity::of_month(conn, center.id, first)?.map(|(a, _, _)| a);
        let ids: Vec<i64> = versions.iter().map(|v| v.id).collect();
        let frozen = crate::db::activity::of_submissions(conn, &ids)?;
        let zones = centers::zones_of(conn, center.id)?;
        Ok((center.clone(), zones, first, problems, live, versions, people, (draft, frozen)))
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
        Group { id: "activity", title: "check.activity", hint: "check.activity_hint", items: vec![] },
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
            Problem::ActivityMissing { month } => (
                0,
                Item {
                    text: t.fmt2("check.activity_line", "year", month.year(), "month", month.month()),
                    href: Some(format!("/staff/reports/activity?month={}", month.format("%Y-%m"))),
                    fix: "check.fix_activity",
                },
            ),
            Problem::NoOutcome { case_id, reference, zone_id, starts_at } => (
                1,
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
                2,
                Item {
                    text: t.fmt2("check.due_line", "reference", reference, "date", due),
                    href: case_link(case_id),
                    fix: "check.fix_follow_up",
                },
            ),
            Problem::NoInstitution { case_id, reference, on } => {
                (3, Item { text: format!("{reference} · {on}"), href: case_link(case_id), fix: "check.fix_case" })
            }
            Problem::HalfExecution { case_id, reference, on } => {
                (4, Item { text: format!("{reference} · {on}"), href: case_link(case_id), fix: "check.fix_case" })
            }
            Problem::TwoNumbers { name, brns } => (
                5,
                Item {
                    text: t.fmt2("check.two_numbers", "name", name, "numbers", brns.join(", ")),
                    href: Some("/staff/cases".into()),
                    fix: "check.fix_company",
                },
            ),
            Problem::TwoNames { brn, names } => (
                5,
                Item {
                    text: t.fmt2("check.two_names", "brn", brn, "names", names.join(", ")),
                    href: Some("/staff/cases".into()),
                    fix: "check.fix_company",
                },
            ),
            Problem::ImportRepeats { brn, zone_id, on } => (
                6,
                Item {
                    text: format!("{brn} · {} · {on}", zone(zone_id)),
                    href: Some("/staff/reports#import-h".into()),
                    fix: "check.fix_import",
                },
            ),
        };
        groups[g].items.push(item);
    }
    let words = |d: Vec<(&'static str, String)>| {
        d.into_iter().map(|(k, v)| format!("{} {v}", t.get(k))).collect::<Vec<_>>().join(", ")
    };
    // Both tables' differences, in one line: the one-stop numbers, then the figures entered.
    let figures_of = |id: i64| frozen.get(&id).copied().unwrap_or_default();
    let both = |a: &crate::services::reports::StatusRow,
                fa: &Activity,
                b: &crate::services::reports::StatusRow,
                fb: &Activity| {
        let mut d = submissions::difference(a, b);
        d.extend(activity::difference(fa, fb).into_iter().map(|(k, v)| (activity::label(k).unwrap_or_default(), v)));
        d
    };
    let name = |uid: i64| people.iter().find(|p| p.id == uid).map(|p| p.display_name.clone()).unwrap_or_default();
    let lines = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionLine {
            head: format!(
                "v{} · {} · {}",
                v.version,
                local(&center, v.submitted_at).format("%Y-%m-%d %H:%M"),
                name(v.submitted_by)
            ),
            cells: v.numbers().cells(),
            change: if i == 0 {
                String::new()
            } else {
                let before = &versions[i - 1];
                words(both(&before.numbers(), &figures_of(before.id), &v.numbers(), &figures_of(v.id)))
            },
            reason: v.reason.clone(),
        })
        .collect();
    let entered = draft.unwrap_or_default();
    let changed_since = versions
        .last()
        .map(|v| both(&v.numbers(), &figures_of(v.id), &live, &entered))
        .filter(|d| !d.is_empty())
        .map(words);
    let latest = versions.last().map(|v| (format!("v{}", v.version), figures_of(v.id)));
    let activity_rows = FIGURES
        .iter()
        .enumerate()
        .map(|(i, f)| FigureLine {
            label: f.label,
            entered: draft.map(|a| a.text(i)).unwrap_or_else(|| "—".to_owned()),
            submitted: latest.as_ref().map(|(_, a)| a.text(i)).unwrap_or_else(|| "—".to_owned()),
        })
        .collect();
    let today = local(&center, now).date_naive();
    let page = CheckPage {
        month: first.format("%Y-%m").to_string(),
        month_label: t.fmt2("check.month_label", "year", first.year(), "month", first.month()),
        groups,
        total,
        live: live.cells(),
        versions: lines,
        changed_since,
        next_version: versions.last().map_or(1, |v| v.version + 1),
        activity_rows,
        activity_entered: draft.is_some(),
        latest_version: latest.map(|(v, _)| v),
        metrics: ["reports.legal", "reports.finance", "reports.executed", "reports.ip", "reports.patents"],
        ended: submissions::last_day(first) < today,
        reason: sent.reason,
        refused: sent.refused,
        said: sent.said,
        t,
        ctx,
    };
    let code = if page.refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(crate::web::respond::page(req, page, code))
}

#[derive(serde::Deserialize)]
pub struct SubmitForm {
    month: String,
    #[serde(default)]
    reason: String,
}

/// The admin submits the month (the next version); refused with the reason on the page.
pub async fn submit(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    form: web::Form<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let staff = Staff { user_id: admin.user_id, center_id: admin.center_id };
    let now = state.clock.now();
    let (raw, reason) = (form.month.clone(), form.reason.clone());
    let done = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let today = local(&center, now).date_naive();
        let first = month_of(Some(&raw), today);
        if submissions::last_day(first) >= today {
            return Ok((first, Err(submissions::SubmitError::Problems(0))));
        }
        let problems = problems_of(conn, &center, first, today, now)?.len();
        Ok((first, submissions::submit(conn, staff, first, &reason, problems, now)))
    })
    .await?;
    let t = ctx.t;
    let why = match done.1 {
        Ok(version) => {
            let to = format!("/staff/reports/check?month={}&submitted={version}#submission", done.0.format("%Y-%m"));
            return Ok(crate::web::respond::see_other(&to));
        }
        Err(submissions::SubmitError::Problems(0)) => t.get("check.not_ended").to_owned(),
        Err(submissions::SubmitError::Problems(n)) => t.fmt("check.fix_first", "count", n),
        Err(submissions::SubmitError::ReasonRequired) => t.get("check.reason_required").to_owned(),
        Err(submissions::SubmitError::Unchanged) => t.get("check.unchanged").to_owned(),
        Err(submissions::SubmitError::Meanwhile) => t.get("check.meanwhile").to_owned(),
        Err(submissions::SubmitError::Db(e)) => return Err(e.into()),
    };
    let sent = Sent { said: Some(why), refused: true, reason: form.reason };
    page(&req, ctx, staff, &state, Some(form.month), sent).await
}
