//! One case as the desk sees it: the company, the routing, the visit, the documents, the
//! history, and the actions its state allows.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use super::local;
use crate::db::answers::{Answers, CaseZone};
use crate::db::appointments::Appointment;
use crate::db::cases::{Case, CaseEventRow};
use crate::db::centers::{self, Center};
use crate::db::{answers, appointments, documents};
use crate::domain::AppointmentStatus;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label, msg};
use crate::web::labels::{actor_key, appt_status_key, case_status_key};
use crate::web::respond;
use crate::web::who::Staff;
use crate::web::{AppState, with_conn};

pub struct Leg2 {
    zone: String,
    when: String,
    status: &'static str,
    ticket: Option<i32>,
}

pub struct EventLine {
    at: String,
    who: String,
    what: String,
    reason: Option<String>,
}

pub struct DocLine {
    id: i64,
    name: String,
    size_kb: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/case.html")]
pub struct CasePage {
    ctx: PageCtx,
    t: T,
    id: i64,
    version: i64,
    reference: String,
    status: &'static str,
    message: Option<&'static str>,
    /// `message` confirms a success (else it explains a refusal).
    message_ok: bool,
    /// The applicant left an address: the desk may mail them a new link.
    can_send_link: bool,
    /// Every answer, in words, as the applicant's review and the pre-brief show them.
    sections: Vec<crate::web::answers::Section>,
    routing: Vec<String>,
    legs: Vec<Leg2>,
    docs: Vec<DocLine>,
    events: Vec<EventLine>,
    zone_choices: Vec<(String, String, bool)>,
    can_reroute: bool,
    can_cancel: bool,
    can_move: bool,
    can_check_in: Option<i64>,
    access: Vec<String>,
    /// New bookings of this person are blocked for no-shows: why and until when.
    block: Option<String>,
    /// Blocks lifted on this case: "2026-12-02 10:00 김직원 — 사유".
    lifts: Vec<String>,
    /// Just registered at the desk (`?walked_in=1`): "번호표 3 — 한빛바이오, IP존", said first.
    walked_in: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct CaseQuery {
    /// What the action that led here did (`link`: a new link was mailed).
    #[serde(default)]
    done: String,
}

pub async fn case(
    req: HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, AppError> {
    // A message with 200 is a confirmation of what just happened; with an error status, a refusal.
    let notice = match query.done.as_str() {
        "link" => Some(msg("desk.link_sent")),
        "lifted" => Some(msg("no_show.lifted")),
        _ => None,
    };
    case_page(&req, ctx, staff, state, id.into_inner(), notice, StatusCode::OK).await
}

pub(super) async fn case_page(
    req: &HttpRequest,
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let lang = ctx.lang;
    // The case and everything its page shows, in one trip to the database.
    struct Loaded {
        center: Center,
        case: Case,
        ans: Option<Answers>,
        zones: Vec<CaseZone>,
        /// Every appointment the case had (the live ones are the visit; the others, history).
        ever: Vec<Appointment>,
        events: Vec<CaseEventRow>,
        docs: Vec<documents::Document>,
        topics: Vec<String>,
        institutions: Vec<centers::Institution>,
        zone_rows: Vec<(centers::Zone, centers::ZoneKind)>,
        users: Vec<crate::db::users::User>,
        access: Vec<crate::db::access_log::AccessRow>,
        block: Option<crate::services::no_show::Block>,
        lifts: Vec<(chrono::NaiveDateTime, i64, String)>,
    }
    let loaded = with_conn(&state, move |conn| {
        // PIPA: opening a case's personal data is recorded.
        let case = crate::services::access::case_for_staff(conn, staff, id, now)?;
        let center = centers::by_id(conn, staff.center_id)?.ok_or(AppError::Forbidden)?;
        Ok(Loaded {
            ans: answers::find(conn, case.id)?,
            zones: answers::zones(conn, case.id)?,
            ever: appointments::all_of_case(conn, case.id)?,
            events: crate::db::cases::events_of(conn, case.id)?,
            docs: documents::of_case(conn, case.id)?,
            topics: answers::topics(conn, case.id)?,
            institutions: centers::institutions(conn)?,
            zone_rows: centers::zones_of(conn, center.id)?,
            users: crate::db::users::all_of_center(conn, center.id)?,
            access: crate::db::access_log::access_of_case(conn, case.id)?,
            block: crate::services::no_show::block_of(conn, &center, case.id, now)?,
            lifts: crate::services::no_show::lifts_of(conn, case.id)?,
            center,
            case,
        })
    })
    .await?;
    let Loaded {
        center,
        case,
        ans,
        zones,
        ever,
        events,
        docs,
        topics,
        institutions,
        zone_rows,
        users,
        access,
        block,
        lifts,
    } = loaded;
    let legs: Vec<Appointment> = ever.iter().filter(|a| a.status.is_live()).cloned().collect();
    // A booking or a move in the history says when: the seats it took (made at the event's
    // instant) and, for a move, the ones it freed (cancelled at that instant).
    let when = |list: Vec<&Appointment>| {
        list.first().map(|a| {
            let l = local(&center, a.starts_at);
            format!("{} {}", date_label(lang, l.date_naive()), l.format("%H:%M"))
        })
    };
    let visit_words = |e: &CaseEventRow| -> Option<String> {
        use crate::domain::CaseStatus as S;
        let taken = when(ever.iter().filter(|a| a.created_at == e.at).collect());
        let freed = when(
            ever.iter()
                .filter(|a| a.status == crate::domain::AppointmentStatus::Cancelled && a.updated_at == e.at)
                .collect(),
        );
        match (e.from_status, e.to_status, freed, taken) {
            (S::Reserved, S::Reserved, Some(from), Some(to)) => {
                Some(ctx.t.fmt2("desk.history_moved", "from", from, "to", to))
            }
            (_, S::Reserved, _, Some(at)) => Some(ctx.t.fmt("desk.history_booked", "when", at)),
            _ => None,
        }
    };
    let topics: Vec<crate::domain::questionnaire::Topic> =
        topics.iter().filter_map(|c| crate::domain::questionnaire::Topic::parse(c)).collect();
    let t = ctx.t;
    let sections = match &ans {
        Some(a) => crate::web::answers::sections(t, a, &topics, &docs, true),
        None => Vec::new(),
    };
    let zone_name = |zid: i64| {
        zone_rows
            .iter()
            .find(|(z, _)| z.id == zid)
            .map_or(String::new(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned())
    };
    let user_name =
        |uid: Option<i64>| uid.and_then(|u| users.iter().find(|x| x.id == u)).map(|u| u.display_name.clone());
    let status = case.status;
    use crate::domain::CaseStatus as S;
    let walked_in = (req.query_string() == "walked_in=1")
        .then(|| {
            let ticket = legs.iter().find_map(|a| a.ticket_number)?;
            let company = ans.as_ref().and_then(|a| a.company_name.clone()).filter(|c| !c.is_empty());
            let zones: Vec<String> = legs.iter().map(|a| zone_name(a.zone_id)).collect();
            let who = company.into_iter().chain([zones.join(", ")]).collect::<Vec<_>>().join(", ");
            Some(t.fmt2("desk.announce", "number", ticket, "who", who))
        })
        .flatten();
    let block = block.map(|b| {
        let until = local(&center, b.until);
        let until = crate::i18n::date_with_year(lang, until.date_naive());
        t.fmt3(msg("no_show.staff_block"), "count", b.count, "months", b.months, "until", until)
    });
    let lifts = lifts
        .iter()
        .map(|(at, by, reason)| {
            let at = local(&center, *at).format("%Y-%m-%d %H:%M");
            let who = user_name(Some(*by)).unwrap_or_default();
            t.fmt3(msg("no_show.lifted_line"), "at", at, "who", who, "reason", reason)
        })
        .collect();
    let page = CasePage {
        block,
        lifts,
        walked_in,
        t,
        id: case.id,
        version: case.version,
        status: case_status_key(case.status),
        message,
        message_ok: code == StatusCode::OK,
        can_send_link: ans.as_ref().is_some_and(|a| a.contact_email.is_some()) && status != S::Draft,
        sections,
        routing: crate::web::answers::routing_for_staff(t, &zones, &topics, &zone_rows, &institutions),
        legs: legs
            .iter()
            .map(|a| {
                let l = local(&center, a.starts_at);
                Leg2 {
                    zone: zone_name(a.zone_id),
                    when: format!("{} {}", date_label(lang, l.date_naive()), l.format("%H:%M")),
                    status: appt_status_key(a.status),
                    ticket: a.ticket_number,
                }
            })
            .collect(),
        docs: docs
            .iter()
            .map(|d| DocLine { id: d.id, name: d.original_name.clone(), size_kb: (d.size_bytes + 1023) / 1024 })
            .collect(),
        events: events
            .iter()
            .map(|e| EventLine {
                at: local(&center, e.at).format("%Y-%m-%d %H:%M").to_string(),
                who: user_name(e.actor_user_id).unwrap_or_else(|| t.get(actor_key(&e.actor_kind)).to_owned()),
                what: visit_words(e).unwrap_or_else(|| {
                    format!("{} → {}", t.get(case_status_key(e.from_status)), t.get(case_status_key(e.to_status)))
                }),
                reason: e.reason.clone(),
            })
            .collect(),
        zone_choices: zone_rows
            .iter()
            .map(|(_, k)| {
                (
                    k.code.clone(),
                    lang.pick(&k.name_ko, &k.name_en).to_owned(),
                    zones.iter().any(|z| z.zone_kind == k.code),
                )
            })
            .collect(),
        can_reroute: matches!(status, S::Submitted | S::Reserved),
        can_cancel: matches!(status, S::Submitted | S::Reserved | S::NoShow),
        can_move: matches!(status, S::Submitted | S::Reserved | S::NoShow),
        can_check_in: (status == S::Reserved)
            .then(|| {
                let today = local(&center, now).date_naive();
                legs.iter()
                    .find(|a| {
                        a.status == AppointmentStatus::Booked && local(&center, a.starts_at).date_naive() == today
                    })
                    .map(|a| a.id)
            })
            .flatten(),
        access: access
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    local(&center, r.at).format("%Y-%m-%d %H:%M"),
                    user_name(Some(r.user_id)).unwrap_or_default()
                )
            })
            .collect(),
        reference: case.reference,
        ctx,
    };
    Ok(respond::page(req, page, code))
}
