//! The zone expert's pages: the day's queue, the pre-brief of a case with the consultation's
//! outcome form and the referral, the follow-ups and the calendar feed — one file per page or
//! action. Experts only (`who::Expert`); every case is checked against their center and zone.

mod call;
mod call_next;
mod case;
mod complete;
mod document;
mod execution;
mod feed;
mod follow_ups;
mod queue;
mod refer;
mod start;

pub use call::{not_here, recall};
pub use call_next::call_next;
pub use case::case;
pub use complete::complete;
pub use document::document;
pub use execution::record_execution;
pub use feed::{feed, feed_page, new_feed, revoke_feed};
pub use follow_ups::follow_ups;
pub use queue::queue;
pub use refer::refer;
pub use start::start;

use chrono::TimeZone;

use crate::db::centers::Center;
use crate::services::availability::time_zone;

/// A time at the center, to the minute.
pub(crate) fn hhmm(center: &Center, t: chrono::NaiveDateTime) -> String {
    time_zone(center).from_utc_datetime(&t).format("%H:%M").to_string()
}
