//! The list of the center's submissions and cases, by state, searchable.

use crate::services::access;
use std::collections::HashMap;

use actix_web::{Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use super::local;
use crate::db::answers;
use crate::db::answers::{Answers, CaseZone};
use crate::db::centers;
use crate::domain::CaseStatus;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::labels::case_status_key;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<i64>,
}

pub struct CaseLine {
    id: i64,
    reference: String,
    company: String,
    zones: String,
    status: &'static str,
    updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/cases.html")]
pub struct CasesPage {
    ctx: PageCtx,
    t: T,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    lines: Vec<CaseLine>,
    page: i64,
    has_next: bool,
}

const PAGE: i64 = 50;

pub async fn cases(
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<impl Responder, AppError> {
    let query = query.into_inner();
    let statuses: Vec<(&'static str, &'static str)> = CaseStatus::ALL
        .into_iter()
        .filter(|s| *s != CaseStatus::Draft)
        .map(|s| (s.as_str(), case_status_key(s)))
        .collect();
    let status = query
        .status
        .filter(|s| statuses.iter().any(|(c, _)| c == s))
        .unwrap_or_else(|| CaseStatus::Submitted.as_str().into());
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let lang = ctx.lang;
    let st = status.clone();
    let now = state.clock.now();
    let (center, rows, answers, zones) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        let rows = crate::db::cases::cases_of_center(conn, staff.center_id, Some(&st), (page - 1) * PAGE, PAGE + 1)?;
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        let (list, reception) = (access::list::CASES, access::Purpose::Reception);
        access::listed(conn, staff.user_id, list, ids.len(), reception, now)?;
        let mut zones = HashMap::new();
        for id in &ids {
            zones.insert(*id, answers::zones(conn, *id)?);
        }
        Ok((center, rows, crate::db::answers::answers_by_ids(conn, &ids)?, zones))
    })
    .await?;
    let has_next = rows.len() as i64 > PAGE;
    let answers: HashMap<i64, Answers> = answers.into_iter().map(|a| (a.case_id, a)).collect();
    let lines = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|c| CaseLine {
            id: c.id,
            company: answers.get(&c.id).and_then(|a| a.company_name.clone()).unwrap_or_default(),
            zones: zones
                .get(&c.id)
                .map(|z: &Vec<CaseZone>| {
                    z.iter()
                        .map(|z| lang.pick(&z.explanation_ko, &z.explanation_en).to_owned())
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .unwrap_or_default(),
            status: case_status_key(c.status),
            updated: local(&center, c.updated_at).format("%Y-%m-%d %H:%M").to_string(),
            reference: c.reference,
        })
        .collect();
    Ok(CasesPage { t: ctx.t, ctx, status, statuses, lines, page, has_next })
}
