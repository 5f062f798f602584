//! Staff sign-in, sign-out and the staff start page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use askama::Template;
use askama_web::WebTemplate;

use super::ctx::{PageCtx, session_token};
use super::errors::AppError;
use super::i18n::{T, msg};
use super::public::safe_local_path;
use super::who::Staff;
use super::{AppState, with_conn};
use crate::db::centers;
use crate::domain::message::MessageStatus;
use crate::services::auth::{self, LoginOutcome};

#[derive(Template, WebTemplate)]
#[template(path = "staff/login.html")]
pub struct LoginPage {
    ctx: PageCtx,
    t: T,
    email: String,
    next: String,
    /// Message keys per field, and one for the whole form.
    email_error: Option<&'static str>,
    password_error: Option<&'static str>,
    form_error: Option<&'static str>,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: PageCtx, query: web::Query<LoginQuery>) -> impl Responder {
    let next = safe_local_path(query.next.as_deref()).to_owned();
    // Coming back from a staff page means the session ended (or never was).
    let notice = (next != "/" && ctx.user.is_none()).then_some(msg("login.notice_signin_required"));
    LoginPage {
        t: ctx.t,
        ctx,
        email: String::new(),
        next,
        email_error: None,
        password_error: None,
        form_error: None,
        notice,
    }
}

/// Raw form: strings only; parsed below. Unknown fields (the CSRF token) are ignored.
#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(state.cookie_name("session"), value)
        .path("/")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Lax)
        .finish()
}

pub async fn login(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_local_path(Some(&form.next)).to_owned();
    let email = form.email.trim().to_owned();
    let mut page = LoginPage {
        t: ctx.t,
        ctx,
        email: email.clone(),
        next: next.clone(),
        email_error: None,
        password_error: None,
        form_error: None,
        notice: None,
    };
    if email.is_empty() || email.chars().count() > 254 {
        page.email_error =
            Some(if email.is_empty() { msg("login.error_email_required") } else { msg("login.error_email_too_long") });
    }
    if form.password.is_empty() {
        page.password_error = Some(msg("login.error_password_required"));
    } else if form.password.chars().count() > 1024 {
        page.password_error = Some(msg("login.error_password_too_long"));
    }
    if page.email_error.is_some() || page.password_error.is_some() {
        page.form_error = Some(msg("form.error_summary"));
        return Ok(super::respond::page(&req, page, StatusCode::UNPROCESSABLE_ENTITY));
    }

    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into());
    let now = state.clock.now();
    let old_session = session_token(&req, &state);
    let password = form.password;
    let outcome = with_conn(&state, move |conn| {
        // Sign-in always starts a new session: the old one, if any, ends here.
        if let Some(old) = old_session {
            auth::logout(conn, &old)?;
        }
        auth::purge(conn, now)?;
        Ok(auth::login(conn, &email, &password, &ip, now)?)
    })
    .await?;
    match outcome {
        LoginOutcome::SignedIn { token, user } => {
            tracing::info!(user_id = user.id, "signed in");
            // Signed in from the sign-in page itself: straight to the day's work of the role.
            let target = if next == "/" || next == "/staff" { landing(&user).to_owned() } else { next };
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .cookie(session_cookie(&state, token))
                .cookie(super::csrf::rotate(&state))
                .finish())
        }
        LoginOutcome::BadCredentials => {
            page.form_error = Some(msg("login.error_bad_credentials"));
            Ok(super::respond::page(&req, page, StatusCode::UNAUTHORIZED))
        }
        LoginOutcome::Throttled => {
            page.form_error = Some(msg("login.error_throttled"));
            Ok(page
                .customize()
                .with_status(StatusCode::TOO_MANY_REQUESTS)
                .insert_header((header::RETRY_AFTER, auth::FAILURE_WINDOW.num_seconds().to_string()))
                .respond_to(&req)
                .map_into_boxed_body())
        }
    }
}

pub async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if let Some(token) = session_token(&req, &state) {
        with_conn(&state, move |conn| Ok(auth::logout(conn, &token)?)).await?;
    }
    let mut gone = session_cookie(&state, String::new());
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(gone)
        .cookie(super::csrf::rotate(&state))
        .finish())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/home.html")]
pub struct HomePage {
    ctx: PageCtx,
    t: T,
    role_key: &'static str,
    center_name: String,
    center_slug: String,
    zone_name: Option<String>,
    /// A national admin: no center, the national reports.
    national: bool,
    /// Every task of the role (`web::tasks`).
    tasks: Vec<crate::web::tasks::Task>,
    /// "2 requests from applicants wait for an answer; the nearest is due on …" (admins).
    waiting: Option<String>,
}

pub async fn home(ctx: PageCtx, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let user = ctx.require_user()?.clone();
    let lang = ctx.lang;
    let national = user.center_id.is_none() && user.role == crate::domain::Role::Admin;
    let role = user.role;
    let (center_name, center_slug, zone_name, waiting) = with_conn(&state, move |conn| {
        let Some(center_id) = user.center_id else {
            return if national { Ok((String::new(), String::new(), None, None)) } else { Err(AppError::Forbidden) };
        };
        // The admin's open requests from applicants, with the nearest deadline.
        let waiting = match role {
            crate::domain::Role::Admin => match crate::db::rights_requests::waiting(conn, center_id)? {
                (n, Some(due)) if n > 0 => Some((n, due)),
                _ => None,
            },
            _ => None,
        };
        let center = centers::by_id(conn, center_id)?.ok_or(AppError::Forbidden)?;
        let zone_name = match user.zone_id {
            Some(zid) => centers::zones_of(conn, center.id)?
                .into_iter()
                .find(|(z, _)| z.id == zid)
                .map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned()),
            None => None,
        };
        Ok((lang.pick(&center.name_ko, &center.name_en).to_owned(), center.slug, zone_name, waiting))
    })
    .await?;
    let role_key = match ctx.user.as_ref().map(|u| u.role) {
        Some(crate::domain::Role::Admin) if national => msg("role.national"),
        Some(crate::domain::Role::Admin) => msg("role.admin"),
        Some(crate::domain::Role::Expert) => msg("role.expert"),
        _ => msg("role.staff"),
    };
    let tasks = crate::web::tasks::of(role, &center_slug);
    let waiting = waiting.map(|(n, due)| {
        ctx.t.fmt2("staff.requests_waiting", "count", n, "date", crate::web::i18n::date_label(lang, due))
    });
    Ok(HomePage { t: ctx.t, ctx, role_key, center_name, center_slug, zone_name, national, tasks, waiting })
}

/// Where a role's day starts: the expert's queue, the desk's board of today, the national
/// report. The staff home (`/staff`) lists every task of the role.
fn landing(user: &crate::db::users::User) -> &'static str {
    match (user.role, user.center_id) {
        (crate::domain::Role::Expert, _) => "/expert",
        (crate::domain::Role::Admin, None) => "/national/reports",
        _ => "/staff/appointments",
    }
}

/// One line of the mailbox.
pub struct MailLine {
    id: i64,
    created: String,
    subject: String,
    /// The mail's language (`lang` on its subject: an English mail on a Korean page).
    lang: String,
    to: String,
    status_key: &'static str,
    attempts: i32,
}

/// Local time at the center, to the minute.
fn local_time(center: &centers::Center, t: chrono::NaiveDateTime) -> String {
    let tz = crate::services::availability::time_zone(center);
    chrono::TimeZone::from_utc_datetime(&tz, &t).format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/mailbox.html")]
pub struct MailboxPage {
    ctx: PageCtx,
    t: T,
    rows: Vec<MailLine>,
    dead: usize,
}

/// What the product sent (or will send) about this center's cases: in the demo, with the
/// file transport, this is where staff read the mails; dead ones come first.
pub async fn mailbox(ctx: PageCtx, staff: Staff, state: web::Data<AppState>) -> Result<impl Responder, AppError> {
    let center_id = staff.center_id;
    let admin = ctx.is_admin();
    let user_id = staff.user_id;
    let now = state.clock.now();
    let (center, rows) = with_conn(&state, move |conn| {
        let center = centers::by_id(conn, center_id)?.ok_or(AppError::Forbidden)?;
        // The list shows recipients' addresses: reading it is an access to personal data (PIPA).
        crate::services::access::record(
            conn,
            user_id,
            None,
            "mailbox",
            None,
            crate::services::access::Purpose::Mail,
            now,
        )?;
        Ok((center, crate::db::outbox::recent_of_center(conn, center_id, admin, 200)?))
    })
    .await?;
    let dead = rows.iter().filter(|r| r.status == MessageStatus::Dead).count();
    let rows = rows
        .into_iter()
        .map(|r| MailLine {
            id: r.id,
            created: local_time(&center, r.created_at),
            subject: r.subject,
            lang: r.locale,
            to: r.to_addr,
            status_key: super::labels::mail_status_key(r.status, r.last_error.as_deref()),
            attempts: r.attempts,
        })
        .collect();
    Ok(MailboxPage { t: ctx.t, ctx, rows, dead })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/mail.html")]
pub struct MailPage {
    ctx: PageCtx,
    t: T,
    id: i64,
    subject: String,
    /// The mail's language, on its subject and body.
    lang: String,
    to: String,
    status_key: &'static str,
    attempts: i32,
    created: String,
    sent: Option<String>,
    last_error: Option<String>,
    message_id: String,
    attachment: Option<String>,
    dead: bool,
    body: String,
    /// The message set an account's password: only that a link went out is shown.
    account_link: bool,
    /// Secret links in the text were cut (`/apply/…`).
    redacted: bool,
    /// The case the message is about, for "send the applicant a new link".
    case_id: Option<i64>,
}

/// A message of this center's cases, or 404 (another center's look the same as none).
async fn own_message(
    state: &web::Data<AppState>,
    center_id: i64,
    admin: bool,
    id: i64,
) -> Result<(centers::Center, crate::db::outbox::OutboxRow), AppError> {
    with_conn(state, move |conn| {
        let row = crate::db::outbox::find(conn, id)?.ok_or(AppError::NotFound)?;
        let center_of_row = match row.case_id {
            Some(c) => crate::db::cases::find(conn, c)?.map(|c| c.center_id),
            // Account mail (it carries a link that sets a password): admins only.
            None if !admin => None,
            None => crate::db::users::by_email(conn, &row.to_addr)?.and_then(|u| u.center_id),
        };
        if center_of_row != Some(center_id) {
            return Err(AppError::NotFound);
        }
        let center = centers::by_id(conn, center_id)?.ok_or(AppError::Forbidden)?;
        Ok((center, row))
    })
    .await
}

pub async fn mail(
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<impl Responder, AppError> {
    let center_id = staff.center_id;
    let admin = ctx.is_admin();
    let (center, r) = own_message(&state, center_id, admin, id.into_inner()).await?;
    // PIPA: reading a message (its recipient, its content) is recorded like opening a case.
    let (user_id, now, row_id, case_id) = (staff.user_id, state.clock.now(), r.id, r.case_id);
    with_conn(&state, move |conn| {
        Ok(crate::services::access::record(
            conn,
            user_id,
            case_id,
            "mail",
            Some(&row_id.to_string()),
            crate::services::access::Purpose::Mail,
            now,
        )?)
    })
    .await?;
    let account_link = r.kind.carries_account_link();
    // Nobody reads a secret link back from the mailbox: an account's link would let an admin
    // set another account's password, an applicant's would open their case.
    let (body, redacted) = crate::services::mail::redacted(&r.body_text);
    Ok(MailPage {
        account_link,
        redacted,
        case_id: r.case_id,
        t: ctx.t,
        ctx,
        id: r.id,
        created: local_time(&center, r.created_at),
        sent: r.sent_at.map(|t| local_time(&center, t)),
        status_key: super::labels::mail_status_key(r.status, r.last_error.as_deref()),
        dead: r.status == MessageStatus::Dead,
        lang: r.locale.clone(),
        subject: r.subject,
        to: r.to_addr,
        attempts: r.attempts,
        // A skipped message's status says why in words; the stored reason is for the log.
        last_error: r.last_error.filter(|_| r.status != MessageStatus::Skipped),
        message_id: r.message_id,
        attachment: r.attachment_name,
        body,
    })
}

/// Puts a dead message back in the queue.
pub async fn retry_mail(
    ctx: PageCtx,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let center_id = staff.center_id;
    let admin = ctx.is_admin();
    let (_, r) = own_message(&state, center_id, admin, id.into_inner()).await?;
    let now = state.clock.now();
    with_conn(&state, move |conn| Ok(crate::services::mail::send_again(conn, r.id, now)?)).await?;
    Ok(super::respond::see_other(format!("/staff/mailbox/{}", r.id)))
}
