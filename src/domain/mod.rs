//! Pure domain types and rules: no actix, no diesel.

pub mod case;
pub mod center;
pub mod password;
pub mod role;

pub use appointment::AppointmentStatus;
pub use case::{Actor, CaseEvent, CaseStatus, TransitionError};
pub use role::Role;
pub mod appointment;
pub mod availability;
pub mod brn;
pub mod consultation;
pub mod contact;
pub mod documents;
pub mod holidays;
pub mod questionnaire;
pub mod routing;
pub mod text;
