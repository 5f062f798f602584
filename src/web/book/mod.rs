//! Booking the visit from the applicant's link: one-stop visits (all zones on one day, back to
//! back) or, for one zone, its times — a plain list of radio buttons per day, no script needed.
//! One file per page or action; the free times live in `times`.

mod calendar;
mod cancel;
mod confirm;
mod data;
mod ended;
mod reserve;
mod rights;
mod show;
mod third_party;
mod timeline;
pub mod times;
mod visit;

pub use calendar::visit_ics_file;
pub use cancel::cancel;
pub use confirm::{ask as confirm_page, confirm};
pub use data::{data, data_json};
pub use ended::has_ended;
pub use reserve::book;
pub use rights::request as rights_request;
pub use show::show;
pub use third_party::third_party;
pub use times::TimesCache;
pub use visit::visit;

use crate::services::booking;
use crate::web::AppState;
use actix_web::HttpResponse;

/// The applicant acting through their link: the mails about the change carry it.
fn applicant_op(state: &AppState, token: &str, now: chrono::NaiveDateTime) -> booking::Op {
    booking::Op {
        by: booking::APPLICANT,
        now,
        base_url: state.settings.base_url.clone(),
        mail_from: state.settings.mail_from.clone(),
        link: Some(format!("{}/apply/{token}/visit", state.settings.base_url)),
        override_notice: None,
    }
}

/// Where a link of a case that cannot be booked or changed any more sends the applicant: the
/// visit page, which says what happened (the ended page for a cancelled or finished case).
fn to_visit_page(token: &str) -> HttpResponse {
    crate::web::respond::see_other(format!("/apply/{token}/visit"))
}
