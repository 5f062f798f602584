//! "What we hold about you" on the applicant's link (PIPA art. 35): every answer, the documents,
//! the consents with their wording's version and time, the provisions to institutions, the mails
//! sent, and who on the center's staff opened the case and when — as a page and as a JSON file.
//! The applicant's own link is left out of the mails' text (the file may be passed on).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::{access_log, centers, documents, outbox, provisions, rights_requests, users};
use crate::web::apply::{load, render};
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, msg};
use crate::web::{AppState, with_conn};

pub struct Held {
    pub when: String,
    pub what: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/data.html")]
pub struct DataPage {
    ctx: PageCtx,
    t: T,
    token: String,
    reference: String,
    center_slug: String,
    sections: Vec<crate::web::answers::Section>,
    /// Consents, provisions, mails, openings: (heading id, title, lines).
    groups: Vec<(&'static str, &'static str, Vec<Held>)>,
    /// The requests to correct or delete, newest first.
    requests: Vec<RequestLine>,
    /// A request of this kind waits for its answer (no second form for it).
    open_correct: bool,
    open_delete: bool,
    form: RequestState,
}

/// One request as the applicant reads it: what, when, by when, how it was answered.
pub struct RequestLine {
    what: &'static str,
    when: String,
    due: String,
    status: &'static str,
    open: bool,
    refused: bool,
    /// What the applicant wrote.
    text: String,
    answer: Option<String>,
}

/// The request forms as sent back (their values and errors), or the request just made.
#[derive(Default)]
pub struct RequestState {
    pub errors: crate::domain::form::Errors,
    pub correct_body: String,
    pub delete_body: String,
    pub requested: Option<&'static str>,
}

/// Everything held, read in one trip.
struct Loaded {
    docs: Vec<documents::Document>,
    consents: Vec<provisions::ConsentChange>,
    provided: Vec<provisions::Provision>,
    mails: Vec<outbox::OutboxRow>,
    opened: Vec<access_log::AccessRow>,
    requests: Vec<rights_requests::RightsRequest>,
    people: Vec<users::User>,
    institutions: Vec<centers::Institution>,
}

async fn gather(state: &web::Data<AppState>, case_id: i64, center_id: i64) -> Result<Loaded, AppError> {
    with_conn(state, move |conn| {
        Ok(Loaded {
            docs: documents::of_case(conn, case_id)?,
            consents: provisions::consents_of_case(conn, case_id)?,
            provided: provisions::of_case(conn, case_id)?,
            mails: outbox::for_case(conn, case_id)?,
            opened: access_log::access_of_case(conn, case_id)?,
            requests: rights_requests::of_case(conn, case_id)?,
            people: users::all_of_center(conn, center_id)?,
            institutions: centers::institutions(conn)?,
        })
    })
    .await
}

fn consent_key(kind: &str, given: bool) -> &'static str {
    match (kind, given) {
        (provisions::consent::COLLECTION, true) => msg("apply.data.consent_collection"),
        (_, true) => msg("apply.data.consent_third_given"),
        (_, false) => msg("apply.data.consent_third_refused"),
    }
}

#[derive(serde::Deserialize)]
pub struct DataQuery {
    requested: Option<String>,
}

pub async fn data(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<DataQuery>,
) -> Result<HttpResponse, AppError> {
    let requested = match query.requested.as_deref() {
        Some("correct") => Some(msg("apply.rights.requested_correct")),
        Some("delete") => Some(msg("apply.rights.requested_delete")),
        _ => None,
    };
    let form = RequestState { requested, ..RequestState::default() };
    page(&req, ctx, &state, token.into_inner(), form, actix_web::http::StatusCode::OK).await
}

/// The page, with the request forms as `form` says (sent back with errors, or after a request).
pub async fn page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    token: String,
    form: RequestState,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let d = load(state, &token).await?;
    let l = gather(state, d.case.id, d.center.id).await?;
    let (t, lang) = (ctx.t, ctx.lang);
    let tz = crate::services::availability::time_zone(&d.center);
    let at =
        |x: chrono::NaiveDateTime| chrono::TimeZone::from_utc_datetime(&tz, &x).format("%Y-%m-%d %H:%M").to_string();
    let name = |uid: i64| l.people.iter().find(|p| p.id == uid).map(|p| p.display_name.clone()).unwrap_or_default();
    let institution = |id: Option<i64>| {
        id.and_then(|i| l.institutions.iter().find(|x| x.id == i)).map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned())
    };
    let consents = l
        .consents
        .iter()
        .map(|c| Held { when: at(c.at), what: t.fmt(consent_key(&c.kind, c.given), "version", &c.version) })
        .collect();
    let provided = l
        .provided
        .iter()
        .map(|p| Held {
            when: at(p.at),
            what: t.fmt2(
                "apply.data.provided_line",
                "institution",
                institution(p.institution_id).unwrap_or_default(),
                "who",
                name(p.user_id),
            ),
        })
        .collect();
    // To the applicant, or to the center's staff about the case (a new submission, say).
    let mine = d.answers.contact_email.as_deref().map(str::to_lowercase);
    let mails = l
        .mails
        .iter()
        .map(|m| {
            let to = if mine.as_deref() == Some(m.to_addr.to_lowercase().as_str()) {
                msg("apply.data.to_you")
            } else {
                msg("apply.data.to_staff")
            };
            Held { when: at(m.created_at), what: format!("{} — {}", t.get(to), m.subject) }
        })
        .collect();
    let opened = l.opened.iter().map(|a| Held { when: at(a.at), what: name(a.user_id) }).collect();
    let requests = l
        .requests
        .iter()
        .map(|r| RequestLine {
            what: crate::web::labels::rights_kind_key(&r.kind),
            when: at(r.requested_at),
            due: r.due_on.format("%Y-%m-%d").to_string(),
            status: crate::web::labels::rights_status_key(&r.status),
            open: r.is_open(),
            refused: r.status == rights_requests::status::REFUSED,
            text: r.body.clone(),
            answer: r.answer.clone().filter(|a| !a.is_empty()),
        })
        .collect();
    let open = |k: &str| l.requests.iter().any(|r| r.is_open() && r.kind == k);
    let page = DataPage {
        requests,
        open_correct: open(rights_requests::kind::CORRECT),
        open_delete: open(rights_requests::kind::DELETE),
        form,
        sections: crate::web::answers::sections(t, &d.answers, &d.topics, &l.docs, true),
        groups: vec![
            ("d-consents", msg("apply.data.consents"), consents),
            ("d-provided", msg("apply.data.provided"), provided),
            ("d-mails", msg("apply.data.mails"), mails),
            ("d-opened", msg("apply.data.opened"), opened),
        ],
        t,
        token: token.clone(),
        reference: d.case.reference.clone(),
        center_slug: d.center.slug.clone(),
        ctx,
    };
    Ok(render(req, page, status))
}

/// The same as a JSON file: every stored value about the applicant, as stored.
pub async fn data_json(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    let l = gather(&state, d.case.id, d.center.id).await?;
    let a = &d.answers;
    let hide = |s: &str| s.replace(&token, "…");
    let name = |uid: i64| l.people.iter().find(|p| p.id == uid).map(|p| p.display_name.clone());
    let body = serde_json::json!({
        "reference": d.case.reference,
        "center": d.center.name_ko,
        "status": d.case.status.as_str(),
        "created_at": d.case.created_at,
        "submitted_at": d.case.submitted_at,
        "answers": {
            "company_name": a.company_name, "brn": a.brn, "representative": a.representative,
            "founded_on": a.founded_on, "employees": a.employees, "industry": a.industry,
            "stage": a.stage, "revenue_band": a.revenue_band, "region": a.region,
            "contact_name": a.contact_name, "contact_email": a.contact_email, "contact_phone": a.contact_phone,
            "topics": d.topics.iter().map(|x| x.code()).collect::<Vec<_>>(),
            "question": a.question, "preferred_weekdays": a.preferred_weekdays, "preferred_time": a.preferred_time,
            "finance_amount_won": a.finance_amount_won, "finance_purpose": a.finance_purpose,
            "transfer_direction": a.transfer_direction,
        },
        "documents": l.docs.iter().map(|x| serde_json::json!({
            "name": x.original_name, "kind": x.kind, "bytes": x.size_bytes, "uploaded_at": x.uploaded_at,
        })).collect::<Vec<_>>(),
        "consents": l.consents.iter().map(|c| serde_json::json!({
            "kind": c.kind, "given": c.given, "wording_version": c.version, "at": c.at, "by": c.actor_kind,
        })).collect::<Vec<_>>(),
        "provisions": l.provided.iter().map(|p| serde_json::json!({
            "institution_id": p.institution_id, "expert": name(p.user_id), "at": p.at, "items": p.items,
        })).collect::<Vec<_>>(),
        "mails": l.mails.iter().map(|m| serde_json::json!({
            "to": m.to_addr, "subject": m.subject, "text": hide(&m.body_text), "created_at": m.created_at,
            "sent_at": m.sent_at, "attachment": m.attachment_name,
        })).collect::<Vec<_>>(),
        "opened_by_staff": l.opened.iter().map(|o| serde_json::json!({
            "who": name(o.user_id), "at": o.at, "what": o.action,
        })).collect::<Vec<_>>(),
        "requests": l.requests.iter().map(|r| serde_json::json!({
            "kind": r.kind, "text": r.body, "requested_at": r.requested_at, "due_on": r.due_on,
            "status": r.status, "answered_at": r.answered_at, "answer": r.answer,
        })).collect::<Vec<_>>(),
    });
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.json\"", d.case.reference)))
        .body(serde_json::to_string_pretty(&body).map_err(|e| AppError::Internal(e.into()))?))
}
