//! The clock behind a trait, so that tests can set the time.

use chrono::NaiveDateTime;

pub trait Clock: Send + Sync + 'static {
    /// Now, in UTC, truncated to microseconds (what both databases store).
    fn now(&self) -> NaiveDateTime;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        crate::db::now()
    }
}
