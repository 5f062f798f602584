//! An appointment's own state (one leg of a visit), beside its case's state.

use std::fmt;
use std::str::FromStr;

/// Where one appointment (a seat in a zone at a time) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppointmentStatus {
    /// Booked, the visitor not here yet.
    Booked,
    /// Checked in: in the lobby with a ticket.
    Waiting,
    InConsultation,
    Done,
    NoShow,
    Cancelled,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 6] = [
        AppointmentStatus::Booked,
        AppointmentStatus::Waiting,
        AppointmentStatus::InConsultation,
        AppointmentStatus::Done,
        AppointmentStatus::NoShow,
        AppointmentStatus::Cancelled,
    ];

    /// Still to happen or happening: it holds its seat.
    pub const LIVE: [AppointmentStatus; 3] =
        [AppointmentStatus::Booked, AppointmentStatus::Waiting, AppointmentStatus::InConsultation];

    pub const fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Waiting => "waiting",
            AppointmentStatus::InConsultation => "in_consultation",
            AppointmentStatus::Done => "done",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

/// Compares with a stored code (`status == "reserved"`), for reading rows in tests and tools.
impl PartialEq<&str> for AppointmentStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for AppointmentStatus {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl fmt::Display for AppointmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown appointment status `{0}`")]
pub struct UnknownAppointmentStatus(pub String);

impl FromStr for AppointmentStatus {
    type Err = UnknownAppointmentStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| UnknownAppointmentStatus(s.to_owned()))
    }
}
