//! The applicants' requests to correct or delete their data, for the center's admin: the list
//! (open ones by deadline, days left or overdue), one request with what was asked and the
//! case's current values, and its answer — the corrected values, the deletion, or a refusal
//! with the reason the applicant reads. Opening a request with personal data is recorded.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;

use crate::db::rights_requests::{self as rr, RightsRequest, kind};
use crate::db::{answers, cases, centers, users};
use crate::domain::form::{Errors, FieldError};
use crate::domain::rights::{CorrectionForm, answer_text};
use crate::services::desk::Staff;
use crate::services::rights::{self, Corrected, RightsError};
use crate::web::ctx::PageCtx;
use crate::web::desk::local;
use crate::web::errors::AppError;
use crate::web::i18n::{T, msg};
use crate::web::labels::{rights_kind_key, rights_status_key};
use crate::web::respond;
use crate::web::who::Admin;
use crate::web::{AppState, with_conn};

pub struct Line {
    id: i64,
    reference: String,
    what: &'static str,
    requested: String,
    due: String,
    /// "3 days left", "due today", "2 days overdue"; empty once answered.
    left: String,
    overdue: bool,
    status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/requests.html")]
pub struct ListPage {
    ctx: PageCtx,
    t: T,
    lines: Vec<Line>,
}

fn left(t: T, due: NaiveDate, today: NaiveDate) -> (String, bool) {
    let days = (due - today).num_days();
    match days {
        d if d > 0 => (t.fmt("requests.days_left", "days", d), false),
        0 => (t.get("requests.due_today").to_owned(), false),
        d => (t.fmt("requests.overdue", "days", -d), true),
    }
}

fn staff(admin: Admin) -> Staff {
    Staff { user_id: admin.user_id, center_id: admin.center_id }
}

pub async fn list(ctx: PageCtx, admin: Admin, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let now = state.clock.now();
    let (center, rows, refs) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, admin.center_id)?.ok_or(AppError::Forbidden)?;
        let rows = rr::of_center(conn, center.id, 200)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.case_id).collect();
        Ok((center, rows, cases::cases_by_ids(conn, &ids)?))
    })
    .await?;
    let t = ctx.t;
    let today = local(&center, now).date_naive();
    let lines = rows
        .iter()
        .map(|r| {
            let (left, overdue) = if r.is_open() { left(t, r.due_on, today) } else { (String::new(), false) };
            Line {
                id: r.id,
                reference: refs.iter().find(|c| c.id == r.case_id).map(|c| c.reference.clone()).unwrap_or_default(),
                what: rights_kind_key(&r.kind),
                requested: local(&center, r.requested_at).format("%Y-%m-%d %H:%M").to_string(),
                due: r.due_on.format("%Y-%m-%d").to_string(),
                left,
                overdue,
                status: rights_status_key(&r.status),
            }
        })
        .collect();
    Ok(ListPage { lines, t, ctx })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/request.html")]
pub struct RequestPage {
    ctx: PageCtx,
    t: T,
    id: i64,
    case_id: i64,
    reference: String,
    what: &'static str,
    is_delete: bool,
    body: String,
    requested: String,
    due: String,
    left: String,
    overdue: bool,
    status: &'static str,
    open: bool,
    answer: Option<String>,
    answered: String,
    /// The correction form (the case's current values, or as sent back).
    form: CorrectionForm,
    reason: String,
    note: String,
    errors: Errors,
    /// A message after a failed answer (answered meanwhile, the visit under way).
    problem: Option<&'static str>,
    done: bool,
}

/// The form fields the page sends back, when an answer failed.
#[derive(Default)]
struct Sent {
    form: Option<CorrectionForm>,
    reason: String,
    note: String,
    errors: Vec<FieldError>,
    problem: Option<&'static str>,
}

async fn request_page(
    req: &HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: &web::Data<AppState>,
    id: i64,
    sent: Sent,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (center, r, case, ans, by) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, admin.center_id)?.ok_or(AppError::Forbidden)?;
        let r: RightsRequest = rr::find_of_center(conn, center.id, id)?.ok_or(AppError::NotFound)?;
        let case = cases::find(conn, r.case_id)?.ok_or(AppError::NotFound)?;
        let ans = answers::find(conn, r.case_id)?;
        let by = match r.answered_by {
            Some(u) => users::by_id(conn, u)?.map(|u| u.display_name),
            None => None,
        };
        // The page shows the applicant's request and contact: an opening of personal data.
        crate::services::access::record(
            conn,
            admin.user_id,
            Some(r.case_id),
            "rights_request",
            None,
            crate::services::access::Purpose::Rights,
            now,
        )?;
        Ok((center, r, case, ans, by))
    })
    .await?;
    let t = ctx.t;
    let today = local(&center, now).date_naive();
    let (left, overdue) = if r.is_open() { left(t, r.due_on, today) } else { (String::new(), false) };
    let current = CorrectionForm {
        representative: ans.as_ref().and_then(|a| a.representative.clone()).unwrap_or_default(),
        contact_name: ans.as_ref().and_then(|a| a.contact_name.clone()).unwrap_or_default(),
        contact_email: ans.as_ref().and_then(|a| a.contact_email.clone()).unwrap_or_default(),
        contact_phone: ans.as_ref().and_then(|a| a.contact_phone.clone()).unwrap_or_default(),
        note: String::new(),
    };
    let answered = match (r.answered_at, by) {
        (Some(at), Some(name)) => t.fmt2(
            "requests.answered_by",
            "when",
            local(&center, at).format("%Y-%m-%d %H:%M").to_string(),
            "name",
            name,
        ),
        _ => String::new(),
    };
    let page = RequestPage {
        id: r.id,
        case_id: case.id,
        reference: case.reference.clone(),
        what: rights_kind_key(&r.kind),
        is_delete: r.kind == kind::DELETE,
        body: r.body.clone(),
        requested: local(&center, r.requested_at).format("%Y-%m-%d %H:%M").to_string(),
        due: r.due_on.format("%Y-%m-%d").to_string(),
        left,
        overdue,
        status: rights_status_key(&r.status),
        open: r.is_open(),
        answer: r.answer.clone().filter(|a| !a.is_empty()),
        answered,
        form: sent.form.unwrap_or(current),
        reason: sent.reason,
        note: sent.note,
        errors: sent.errors.into(),
        problem: sent.problem,
        done: req.query_string() == "answered=1",
        t,
        ctx,
    };
    let code = if page.errors.is_empty() && page.problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(respond::page(req, page, code))
}

pub async fn show(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    request_page(&req, ctx, admin, &state, id.into_inner(), Sent::default()).await
}

fn problem(e: RightsError) -> Result<&'static str, AppError> {
    match e {
        RightsError::NotFound => Err(AppError::NotFound),
        RightsError::Answered => Ok(msg("requests.answered_meanwhile")),
        RightsError::VisitUnderWay => Ok(msg("requests.visit_under_way")),
        e => Err(AppError::Internal(e.into())),
    }
}

/// Runs an answer; on success back to the request (it says it was answered), on a refusal by
/// the rules the page again with why.
async fn answer<F>(
    req: &HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: &web::Data<AppState>,
    id: i64,
    sent: Sent,
    f: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut crate::db::DbConn) -> Result<(), RightsError> + Send + 'static,
{
    match with_conn(state, move |conn| Ok(f(conn))).await? {
        Ok(()) => Ok(respond::see_other(format!("/staff/requests/{id}?answered=1"))),
        Err(e) => {
            let p = problem(e)?;
            request_page(req, ctx, admin, state, id, Sent { problem: Some(p), ..sent }).await
        }
    }
}

pub async fn correct(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CorrectionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let c = match form.parse() {
        Ok(c) => c,
        Err(errors) => {
            return request_page(&req, ctx, admin, &state, id, Sent { form: Some(form), errors, ..Sent::default() })
                .await;
        }
    };
    let now = state.clock.now();
    let sent = Sent { form: Some(form), ..Sent::default() };
    answer(&req, ctx, admin, &state, id, sent, move |conn| {
        let fixed = Corrected { representative: c.representative, contact: c.contact };
        rights::correct(conn, staff(admin), id, &fixed, &c.note, now)
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
}

pub async fn delete(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let note = match answer_text("note", &form.note, false) {
        Ok(n) => n,
        Err(errors) => {
            return request_page(&req, ctx, admin, &state, id, Sent { note: form.note, errors, ..Sent::default() })
                .await;
        }
    };
    let (now, dir) = (state.clock.now(), state.settings.data_dir.clone());
    answer(&req, ctx, admin, &state, id, Sent { note: form.note, ..Sent::default() }, move |conn| {
        rights::delete(conn, staff(admin), id, &note, now, &dir)
    })
    .await
}

pub async fn refuse(
    req: HttpRequest,
    ctx: PageCtx,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let reason = match answer_text("reason", &form.reason, true) {
        Ok(r) => r,
        Err(errors) => {
            return request_page(&req, ctx, admin, &state, id, Sent { reason: form.reason, errors, ..Sent::default() })
                .await;
        }
    };
    let now = state.clock.now();
    answer(&req, ctx, admin, &state, id, Sent { reason: form.reason, ..Sent::default() }, move |conn| {
        rights::refuse(conn, staff(admin), id, &reason, now)
    })
    .await
}
