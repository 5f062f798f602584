//! The center's audit view: who changed or opened which case, mail or export, and when.

use actix_web::{Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::local;
use crate::db::centers;
use crate::services::availability::day_range;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::T;
use crate::web::labels::{actor_key, case_status_key};
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
    who: Option<String>,
    kind: Option<String>,
}

pub struct AuditLine {
    at: String,
    who: String,
    what: String,
    case_id: Option<i64>,
    reference: String,
    reason: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/audit.html")]
pub struct AuditPage {
    ctx: PageCtx,
    t: T,
    from: String,
    to: String,
    who: String,
    kind: String,
    people: Vec<(String, String)>,
    lines: Vec<AuditLine>,
}

/// Who did what, when: the case events (changes) and the access records (who opened whose
/// personal data), for the center, filterable by person, kind and dates.
pub async fn audit(
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<impl Responder, AppError> {
    let query = query.into_inner();
    let now = state.clock.now();
    let (center, people) = with_conn(&state, move |conn| {
        Ok((
            centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?,
            crate::db::users::all_of_center(conn, staff.center_id)?,
        ))
    })
    .await?;
    let today = local(&center, now).date_naive();
    let parse = |s: &Option<String>| s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let to_day = parse(&query.to).unwrap_or(today);
    let from_day = parse(&query.from).unwrap_or(to_day - Duration::days(6)).min(to_day);
    let (from, _) = day_range(&center, from_day);
    let (_, to) = day_range(&center, to_day);
    let who: Option<i64> =
        query.who.as_deref().and_then(|w| w.parse().ok()).filter(|id| people.iter().any(|p| p.id == *id));
    let kind = query.kind.clone().filter(|k| k == "changes" || k == "access").unwrap_or_default();
    let center_id = center.id;
    let k2 = kind.clone();
    let (events, access) = with_conn(&state, move |conn| {
        let events = if k2 == "access" {
            Vec::new()
        } else {
            crate::db::cases::events_of_center(conn, center_id, who, from, to, 500)?
        };
        let access = if k2 == "changes" {
            Vec::new()
        } else {
            crate::db::access_log::access_of_center(conn, center_id, who, from, to, 500)?
        };
        Ok((events, access))
    })
    .await?;
    let mut ids: Vec<i64> = events.iter().map(|e| e.case_id).chain(access.iter().filter_map(|a| a.case_id)).collect();
    ids.sort_unstable();
    ids.dedup();
    let refs = with_conn(&state, move |conn| Ok(crate::db::cases::cases_by_ids(conn, &ids)?)).await?;
    let t = ctx.t;
    let name = |uid: Option<i64>, actor: &str| match uid.and_then(|u| people.iter().find(|p| p.id == u)) {
        Some(p) => p.display_name.clone(),
        None => t.get(actor_key(actor)).to_owned(),
    };
    let reference = |id: i64| refs.iter().find(|c| c.id == id).map(|c| c.reference.clone()).unwrap_or_default();
    let mut lines: Vec<(NaiveDateTime, AuditLine)> = Vec::new();
    for e in &events {
        lines.push((
            e.at,
            AuditLine {
                at: local(&center, e.at).format("%Y-%m-%d %H:%M").to_string(),
                who: name(e.actor_user_id, &e.actor_kind),
                what: format!("{} → {}", t.get(case_status_key(e.from_status)), t.get(case_status_key(e.to_status))),
                case_id: Some(e.case_id),
                reference: reference(e.case_id),
                reason: e.reason.clone(),
            },
        ));
    }
    for a in &access {
        let detail = a.detail.clone().unwrap_or_default();
        let what = match a.action.as_str() {
            "document" => t.get("audit.opened_document").to_owned(),
            "export_consultations" => t.get("audit.exported_records").to_owned(),
            "mailbox" => t.get("audit.read_mailbox").to_owned(),
            "mail" => t.fmt("audit.read_mail", "id", &detail),
            "send_link" => t.get("audit.sent_link").to_owned(),
            _ => t.get("audit.opened_case").to_owned(),
        };
        lines.push((
            a.at,
            AuditLine {
                at: local(&center, a.at).format("%Y-%m-%d %H:%M").to_string(),
                who: name(Some(a.user_id), "staff"),
                what,
                case_id: a.case_id,
                reference: a.case_id.map(reference).unwrap_or_default(),
                reason: None,
            },
        ));
    }
    lines.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(AuditPage {
        t,
        ctx,
        from: from_day.format("%Y-%m-%d").to_string(),
        to: to_day.format("%Y-%m-%d").to_string(),
        who: who.map(|w| w.to_string()).unwrap_or_default(),
        kind,
        people: people.iter().map(|p| (p.id.to_string(), p.display_name.clone())).collect(),
        lines: lines.into_iter().map(|(_, l)| l).collect(),
    })
}
