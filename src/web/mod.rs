//! HTTP: handlers by audience, the page context, CSRF, security headers, errors, translations.

pub mod assets;
pub mod csrf;
pub mod ctx;
pub mod errors;
pub mod health;
pub mod i18n;
pub mod public;
pub mod security;
pub mod staff;

use std::sync::Arc;

use actix_web::web;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Pool;

/// What every handler can reach.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// Cookie names get the `__Host-` prefix over https (Secure, Path=/, no Domain).
    pub fn cookie_name(&self, base: &'static str) -> String {
        if self.settings.is_https() { format!("__Host-{base}") } else { format!("onestop_{base}") }
    }
}

/// Runs blocking database work on the blocking pool with a pooled connection.
pub async fn with_conn<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, errors::AppError>
where
    F: FnOnce(&mut crate::db::DbConn) -> Result<T, errors::AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(public::landing))
        .route("/centers/{slug}", web::get().to(public::center))
        .route("/lang/{code}", web::get().to(public::switch_language))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/{path:.*}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(assets::favicon))
        .service(
            web::resource("/staff/login")
                .route(web::get().to(staff::login_form))
                .route(web::post().to(staff::login)),
        )
        .route("/staff/logout", web::post().to(staff::logout))
        .route("/staff", web::get().to(staff::home));
}
