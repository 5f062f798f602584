//! Booking the visit from the applicant's link: one-stop visits (all zones on one day, back to
//! back) or, for one zone, its times — a plain list of radio buttons per day, no script needed.
//! One file per page or action; the free times live in `times`.

mod calendar;
mod cancel;
mod reserve;
mod show;
pub mod times;
mod visit;

pub use calendar::visit_ics_file;
pub use cancel::cancel;
pub use reserve::book;
pub use show::show;
pub use times::TimesCache;
pub use visit::visit;

use crate::domain::CaseStatus;
use crate::services::booking;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::i18n::msg;

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

/// The page a cancelled or finished case answers its old links with.
fn ended(status: CaseStatus) -> AppError {
    match status {
        CaseStatus::Cancelled => AppError::Gone(msg("apply.visit.cancelled")),
        _ => AppError::Gone(msg("apply.visit.finished")),
    }
}
