//! The page context every template gets: language, CSRF token, the signed-in user, the path.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use super::errors::AppError;
use super::i18n::{Lang, T};
use super::{AppState, csrf::CsrfToken, with_conn};
use crate::db::users::User;
use crate::domain::Role;
use crate::services::auth;

/// The signed-in staff member, admin or expert.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub center_id: Option<i64>,
    pub zone_id: Option<i64>,
}

impl CurrentUser {
    fn from_row(u: User) -> Option<Self> {
        Some(CurrentUser {
            role: u.role,
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            center_id: u.center_id,
            zone_id: u.zone_id,
        })
    }
}

#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub t: T,
    pub csrf: String,
    /// Path and query of this page, for the language switch to come back to.
    pub here: String,
    pub user: Option<CurrentUser>,
}

impl PageCtx {
    /// Whether the signed-in user is an admin (the people page is theirs).
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == crate::domain::Role::Admin)
    }

    /// Whether this page belongs to the menu entry `href`: the same path, or below it for an
    /// entry of two segments or more (`/staff/cases` covers `/staff/cases/12`; `/expert` is
    /// only itself).
    pub fn section_is(&self, href: &str) -> bool {
        let path = self.here.split(['?', '#']).next().unwrap_or_default();
        path == href
            || (href.matches('/').count() >= 2 && path.starts_with(href) && path[href.len()..].starts_with('/'))
    }

    /// A context without a database lookup (error pages).
    pub fn bare(req: &HttpRequest, lang: Lang) -> Self {
        PageCtx {
            lang,
            t: T(lang),
            csrf: req.extensions().get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default(),
            here: here(req),
            user: None,
        }
    }

    /// The signed-in user, or a redirect to the sign-in page that comes back here.
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or_else(|| AppError::LoginRequired { next: self.here.clone() })
    }

    /// The link that switches to the other language and comes back to this page.
    pub fn switch_href(&self) -> String {
        let next = serde_urlencoded::to_string([("next", self.here.as_str())]).unwrap_or_default();
        format!("/lang/{}?{next}", self.lang.other().code())
    }
}

fn here(req: &HttpRequest) -> String {
    match req.uri().query() {
        Some(q) if !q.is_empty() => format!("{}?{q}", req.path()),
        _ => req.path().to_owned(),
    }
}

/// The session cookie's value, if any.
pub fn session_token(req: &HttpRequest, state: &AppState) -> Option<String> {
    req.cookie(&state.cookie_name("session")).map(|c| c.value().to_owned())
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Extracted once per request: role extractors (`web::who`) read it too.
        if let Some(ctx) = req.extensions().get::<PageCtx>() {
            let ctx = ctx.clone();
            return Box::pin(async move { Ok(ctx) });
        }
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
            let mut ctx = PageCtx::bare(&req, Lang::of_request(&req));
            if let Some(token) = session_token(&req, &state) {
                let now = state.clock.now();
                let user = with_conn(&state, move |conn| Ok(auth::current_user(conn, &token, now)?)).await?;
                ctx.user = user.and_then(CurrentUser::from_row);
            }
            req.extensions_mut().insert(ctx.clone());
            Ok(ctx)
        })
    }
}
