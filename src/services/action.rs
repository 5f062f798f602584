//! Why an action on a case did not happen: one error for the desk, the expert and the booking
//! services, so that a page turns each reason into its message in one exhaustive match.

use crate::domain::questionnaire::FieldError;
use crate::domain::text::TextError;
use crate::services::case_flow::FireError;

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// No such object for this actor (another center's or zone's look the same).
    #[error("not found")]
    NotFound,
    /// The case changed since the page was shown (a stale form, a double click, a lost race).
    #[error("the case changed meanwhile")]
    Conflict,
    /// The state machine refuses the action in the case's current state.
    #[error("not possible in this state")]
    WrongState,
    /// The action needs a reason and none was given.
    #[error("a reason is required")]
    ReasonRequired,
    /// A line break or control character in a one-line field (a reason).
    #[error("characters that cannot be used")]
    Characters,
    /// A no-show before the slot has ended.
    #[error("too early")]
    TooEarly,
    /// A no-show for a visitor who checked in (they came).
    #[error("the visitor arrived")]
    Arrived,
    /// A check-in for a visit on another day than today (at the center).
    #[error("not today")]
    NotToday,
    /// A walk-in or a re-routing without any zone.
    #[error("choose at least one zone")]
    NoZone,
    /// The applicant left no e-mail address to send a link to.
    #[error("no address")]
    NoAddress,
    /// An outcome form with per-field errors.
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    /// Someone else took the last seat of a leg first.
    #[error("that time was just taken")]
    Taken,
    /// Not a time the schedule offers (any more): past the notice, a closure, a crafted form.
    #[error("that time is not offered")]
    NotOffered,
    /// The legs do not cover exactly the case's zones, or not on one day, back to back.
    #[error("the visit does not fit the case")]
    WrongShape,
    /// The applicant's new bookings are blocked for no-shows until then (`services::no_show`).
    #[error("bookings blocked")]
    Blocked(chrono::NaiveDateTime),
    /// Too close to the visit for the applicant to change it themselves.
    #[error("past the cut-off")]
    PastCutoff,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<FireError> for ActionError {
    fn from(e: FireError) -> Self {
        match e {
            FireError::NotFound => ActionError::NotFound,
            FireError::Conflict => ActionError::Conflict,
            FireError::Refused(_) | FireError::Corrupt => ActionError::WrongState,
            FireError::ReasonRequired => ActionError::ReasonRequired,
            FireError::Db(e) => ActionError::Db(e),
        }
    }
}

impl From<TextError> for ActionError {
    fn from(e: TextError) -> Self {
        match e {
            TextError::Characters => ActionError::Characters,
            TextError::Empty | TextError::TooLong => ActionError::ReasonRequired,
        }
    }
}
