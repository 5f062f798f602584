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
    let kind =
        query.kind.clone().filter(|k| ["changes", "access", "operations"].contains(&k.as_str())).unwrap_or_default();
    let center_id = center.id;
    let k2 = kind.clone();
    let (events, access, operations, zones) = with_conn(&state, move |conn| {
        let operations = if k2.is_empty() || k2 == "operations" {
            crate::db::center_changes::of_center(conn, center_id, who, from, to, 500)?
        } else {
            Vec::new()
        };
        let events = if k2 == "access" || k2 == "operations" {
            Vec::new()
        } else {
            crate::db::cases::events_of_center(conn, center_id, who, from, to, 500)?
        };
        let access = if k2 == "changes" || k2 == "operations" {
            Vec::new()
        } else {
            crate::db::access_log::access_of_center(conn, center_id, who, from, to, 500)?
        };
        Ok((events, access, operations, centers::zones_of(conn, center_id)?))
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
            "rights_request" => t.get("audit.opened_request").to_owned(),
            "rights_correct" => t.get("audit.corrected").to_owned(),
            list if list.starts_with("list_") => {
                t.fmt2("audit.listed", "list", t.get(crate::web::labels::list_key(list)), "count", &detail)
            }
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
                reason: Some(t.fmt("audit.purpose", "purpose", t.get(crate::web::labels::purpose_key(&a.purpose)))),
            },
        ));
    }
    for c in &operations {
        lines.push((
            c.at,
            AuditLine {
                at: local(&center, c.at).format("%Y-%m-%d %H:%M").to_string(),
                who: name(c.user_id, "staff"),
                what: operation_words(t, c, &zones, &people),
                case_id: None,
                reference: String::new(),
                reason: c.detail().reason,
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

/// A change to how the center runs, in words: what, where (the center, a zone, an expert's
/// absence) and its facts (dates, hours, rules). The reason goes in its own column part.
fn operation_words(
    t: T,
    c: &crate::db::center_changes::Change,
    zones: &[(centers::Zone, centers::ZoneKind)],
    people: &[crate::db::users::User],
) -> String {
    use crate::db::center_changes::kind;
    use crate::web::i18n::msg;
    let d = c.detail();
    let lang = t.0;
    let zone =
        c.zone_id.and_then(|z| zones.iter().find(|(x, _)| x.id == z)).map(|(_, k)| lang.pick(&k.name_ko, &k.name_en));
    let expert = d.expert_user_id.and_then(|u| people.iter().find(|p| p.id == u)).map(|p| p.display_name.as_str());
    let mut parts: Vec<String> = Vec::new();
    let title = match c.kind.as_str() {
        kind::CLOSURE_ADDED => msg("audit.op.closure_added"),
        kind::CLOSURE_LIFTED => msg("audit.op.closure_lifted"),
        kind::HOURS_ADDED => msg("audit.op.hours_added"),
        kind::HOURS_REMOVED => msg("audit.op.hours_removed"),
        kind::POLICY_SET => msg("audit.op.policy_set"),
        kind::NO_SHOW_POLICY_SET => msg("audit.op.no_show_policy_set"),
        kind::NO_SHOW_LIFTED => msg("audit.op.no_show_lifted"),
        _ => msg("audit.op.details_saved"),
    };
    parts.push(t.get(title).to_owned());
    match (expert, zone) {
        (Some(e), _) => parts.push(t.fmt("audit.op.absence", "name", e)),
        (None, Some(z)) => parts.push(z.to_owned()),
        (None, None) if c.kind.starts_with("closure") => parts.push(t.get("audit.op.whole_center").to_owned()),
        _ => {}
    }
    if let (Some(n), Some(m), Some(k)) = (d.no_show_limit, d.no_show_months, d.no_show_block_weeks) {
        parts.push(t.fmt3(msg("no_show.rule"), "count", n, "months", m, "weeks", k));
    }
    match d.confirm_days.as_deref() {
        Some("") => parts.push(t.get("attend.audit_off").to_owned()),
        Some(days) => parts.push(t.fmt("attend.audit", "days", days)),
        None => {}
    }
    if let (Some(a), Some(b)) = (d.starts_on, d.ends_on) {
        parts.push(if a == b { a.to_string() } else { format!("{a} – {b}") });
    }
    if let (Some(w), Some(a), Some(b)) = (d.weekday, d.start, d.end) {
        parts.push(format!(
            "{} {}–{}",
            t.get(crate::web::schedule::weekday_key(w)),
            a.format("%H:%M"),
            b.format("%H:%M")
        ));
    }
    if let (Some(m), Some(n)) = (d.slot_minutes, d.seats) {
        parts.push(t.fmt2("audit.op.slots", "minutes", m, "seats", n));
    }
    if let (Some(m), Some(h)) = (d.notice_minutes, d.horizon_days) {
        let hours = if m % 60 == 0 { (m / 60).to_string() } else { format!("{:.1}", f64::from(m) / 60.0) };
        parts.push(t.fmt2("audit.op.policy", "hours", hours, "days", h));
    }
    parts.join(" · ")
}
