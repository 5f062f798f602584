//! HTTP: handlers by audience, the page context, CSRF, security headers, errors, translations.

pub mod answers;
pub mod apply;
pub mod assets;
pub mod body_timeout;
pub mod book;
pub mod csrf;
pub mod ctx;
pub mod documents;
pub mod errors;
pub mod form;
pub mod health;
pub mod labels;
pub use crate::i18n;
pub mod access_review;
pub mod desk;
pub mod expert;
pub mod people;
pub mod public;
pub mod register;
pub mod reports;
pub mod respond;
pub mod rights;
pub mod schedule;
pub mod security;
pub mod settings;
pub mod staff;
pub mod tasks;
pub mod visiting;
pub mod who;

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
    /// The free times shown on booking pages, reused for a second (see `book::TimesCache`).
    pub times: book::TimesCache,
}

impl AppState {
    /// Cookie names get the `__Host-` prefix over https (Secure, Path=/, no Domain).
    pub fn cookie_name(&self, base: &'static str) -> String {
        self.settings.cookie_name(base)
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

/// GET, and HEAD for monitors and link checkers (actix sends no body for HEAD).
fn get() -> actix_web::Route {
    use actix_web::guard;
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Every path is a resource, so that a wrong method gets a 405 page rather than a 404.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::{post, resource};
    cfg.service(resource("/").route(get().to(public::landing)))
        .service(resource("/centers/{slug}").route(get().to(public::center)))
        .service(resource("/lang/{code}").route(get().to(public::switch_language)))
        .service(resource("/healthz").route(get().to(health::healthz)))
        .service(resource("/readyz").route(get().to(health::readyz)))
        .service(resource("/static/{path:.*}").route(get().to(assets::serve)))
        .service(resource("/favicon.ico").route(get().to(assets::favicon)))
        .service(resource("/centers/{slug}/apply").route(get().to(apply::start_page)).route(post().to(apply::start)))
        .service(resource("/apply/{token}").route(get().to(apply::resume)))
        .service(resource("/apply/{token}/submit").route(post().to(apply::submit)))
        .service(resource("/apply/{token}/done").route(get().to(apply::done)))
        .service(resource("/apply/{token}/book").route(get().to(book::show)).route(post().to(book::book)))
        .service(resource("/apply/{token}/visit").route(get().to(book::visit)))
        .service(resource("/apply/{token}/confirm").route(get().to(book::confirm_page)).route(post().to(book::confirm)))
        .service(resource("/apply/{token}/cancel").route(post().to(book::cancel)))
        .service(resource("/apply/{token}/third-party").route(post().to(book::third_party)))
        .service(resource("/apply/{token}/data").route(get().to(book::data)))
        .service(resource("/apply/{token}/requests").route(post().to(book::rights_request)))
        .service(resource("/apply/{token}/data.json").route(get().to(book::data_json)))
        .service(resource("/apply/{token}/again").route(post().to(apply::again)))
        .service(resource("/apply/{token}/calendar/{file}").route(get().to(book::visit_ics_file)))
        .service(resource("/apply/{token}/documents/upload").route(post().to(documents::upload)))
        .service(resource("/apply/{token}/documents/{id}").route(get().to(documents::download)))
        .service(resource("/apply/{token}/documents/{id}/delete").route(post().to(documents::delete)))
        .service(resource("/apply/{token}/{step}").route(get().to(apply::step_get)).route(post().to(apply::step_post)))
        .service(resource("/staff/login").route(get().to(staff::login_form)).route(post().to(staff::login)))
        .service(resource("/staff/logout").route(post().to(staff::logout)))
        .service(resource("/staff").route(get().to(staff::home)))
        .service(resource("/staff/appointments").route(get().to(desk::appointments)))
        .service(resource("/staff/appointments/{id}/check-in").route(post().to(desk::check_in)))
        .service(resource("/staff/appointments/{id}/no-show").route(post().to(desk::no_show)))
        .service(resource("/staff/cases").route(get().to(desk::cases)))
        .service(resource("/staff/cases/{id}").route(get().to(desk::case)))
        .service(resource("/staff/cases/{id}/reroute").route(post().to(desk::reroute)))
        .service(resource("/staff/cases/{id}/send-link").route(post().to(desk::send_link)))
        .service(resource("/staff/cases/{id}/documents/{doc}").route(get().to(desk::document)))
        .service(resource("/staff/cases/{id}/cancel").route(post().to(desk::cancel)))
        .service(resource("/staff/cases/{id}/lift-block").route(post().to(desk::lift_block)))
        .service(resource("/staff/cases/{id}/move").route(get().to(desk::move_form)).route(post().to(desk::move_visit)))
        .service(resource("/staff/walk-in").route(get().to(desk::walk_in_form)).route(post().to(desk::walk_in)))
        .service(resource("/staff/closures").route(get().to(desk::closures)).route(post().to(desk::add_closure)))
        .service(resource("/staff/closures/{id}/delete").route(post().to(desk::delete_closure)))
        .service(resource("/staff/people").route(get().to(people::people)).route(post().to(people::invite)))
        .service(resource("/staff/people/{id}/{action}").route(post().to(people::act)))
        .service(
            resource("/staff/password/{token}")
                .route(get().to(people::password_form))
                .route(post().to(people::set_password)),
        )
        .service(resource("/staff/settings").route(get().to(settings::page)).route(post().to(settings::save)))
        .service(resource("/staff/settings/no-shows").route(post().to(settings::save_no_show_policy)))
        .service(resource("/staff/audit").route(get().to(desk::audit)))
        .service(resource("/staff/register").route(get().to(register::register)))
        .service(resource("/staff/register.csv").route(get().to(register::register_csv)))
        .service(resource("/staff/access-review").route(get().to(access_review::review)))
        .service(resource("/staff/requests").route(get().to(rights::list)))
        .service(resource("/staff/requests/{id}").route(get().to(rights::show)))
        .service(resource("/staff/requests/{id}/correct").route(post().to(rights::correct)))
        .service(resource("/staff/requests/{id}/delete").route(post().to(rights::delete)))
        .service(resource("/staff/requests/{id}/refuse").route(post().to(rights::refuse)))
        .service(resource("/staff/schedule").route(get().to(schedule::schedule)))
        .service(resource("/staff/schedule/rules").route(post().to(schedule::add_rule)))
        .service(resource("/staff/schedule/rules/{id}/delete").route(post().to(schedule::delete_rule)))
        .service(resource("/staff/schedule/{zone}/policy").route(post().to(schedule::set_policy)))
        .service(resource("/expert").route(get().to(expert::queue)))
        .service(resource("/expert/appointments/{id}/start").route(post().to(expert::start)))
        .service(resource("/expert/call-next").route(post().to(expert::call_next)))
        .service(resource("/expert/cases/{id}").route(get().to(expert::case)))
        .service(resource("/expert/cases/{id}/documents/{doc}").route(get().to(expert::document)))
        .service(resource("/expert/consultations/{id}/complete").route(post().to(expert::complete)))
        .service(resource("/expert/consultations/{id}/refer").route(post().to(expert::refer)))
        .service(resource("/expert/consultations/{id}/recall").route(post().to(expert::recall)))
        .service(resource("/expert/consultations/{id}/not-here").route(post().to(expert::not_here)))
        .service(resource("/expert/consultations/{id}/execution").route(post().to(expert::record_execution)))
        .service(resource("/expert/follow-ups").route(get().to(expert::follow_ups)))
        .service(resource("/expert/feed").route(get().to(expert::feed_page)).route(post().to(expert::new_feed)))
        .service(resource("/expert/feed/revoke").route(post().to(expert::revoke_feed)))
        .service(resource("/feeds/{file}").route(get().to(expert::feed)))
        .service(resource("/centers/{slug}/lobby").route(get().to(public::lobby)))
        .service(resource("/centers/{slug}/privacy").route(get().to(public::privacy)))
        .service(resource("/privacy").route(get().to(public::privacy_index)))
        .service(resource("/open-data").route(get().to(public::open_data)))
        .service(resource("/open-data/monthly.csv").route(get().to(public::open_data_csv)))
        .service(resource("/open-data/monthly.json").route(get().to(public::open_data_json)))
        .service(resource("/staff/reports").route(get().to(reports::page)))
        .service(resource("/staff/reports/onestop-status.csv").route(get().to(reports::status_csv)))
        .service(resource("/staff/reports/consultations.csv").route(get().to(reports::records_csv)))
        .service(resource("/staff/reports/import").route(post().to(reports::import)))
        .service(resource("/staff/reports/views.csv").route(get().to(reports::views_csv)))
        .service(resource("/staff/reports/report.xlsx").route(get().to(reports::report_xlsx)))
        .service(resource("/staff/reports/check").route(get().to(reports::check)))
        .service(resource("/staff/reports/submit").route(post().to(reports::submit)))
        .service(
            resource("/staff/reports/activity")
                .route(get().to(reports::activity))
                .route(post().to(reports::activity_save)),
        )
        .service(resource("/staff/reports/activity/import").route(post().to(reports::activity_import)))
        .service(resource("/staff/reports/activity.csv").route(get().to(reports::activity_csv)))
        .service(resource("/staff/reports/results").route(get().to(reports::results)))
        .service(resource("/staff/reports/results.csv").route(get().to(reports::results_csv)))
        .service(resource("/national/results").route(get().to(reports::national_results)))
        .service(resource("/national/results.csv").route(get().to(reports::national_results_csv)))
        .service(resource("/national/reports").route(get().to(reports::national)))
        .service(resource("/national/reports.csv").route(get().to(reports::national_csv)))
        .service(resource("/staff/mailbox").route(get().to(staff::mailbox)))
        .service(resource("/staff/mailbox/{id}").route(get().to(staff::mail)))
        .service(resource("/staff/mailbox/{id}/retry").route(post().to(staff::retry_mail)));
}
