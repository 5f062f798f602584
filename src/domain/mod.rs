//! Pure domain types and rules: no actix, no diesel.

pub mod case;
pub mod center;
pub mod password;
pub mod rights;
pub mod role;

pub use appointment::AppointmentStatus;
pub use case::{Actor, CaseEvent, CaseStatus, TransitionError};
pub use role::Role;
pub use zone::ZoneType;
pub mod activity;
pub mod appointment;
pub mod availability;
pub mod brn;
pub mod center_contact;
pub mod closure;
pub mod consultation;
pub mod contact;
pub mod documents;
pub mod form;
pub mod holidays;
pub mod invitation;
pub mod message;
pub mod questionnaire;
pub mod routing;
pub mod schedule_form;
pub mod text;
pub mod walk_in;
pub mod zone;
