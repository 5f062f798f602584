//! The case state machine: the one place that decides how a case's status may change.
//!
//! ```text
//! draft ──submit──▶ submitted ──reserve──▶ reserved ──check_in──▶ waiting ──start──▶ in_consultation
//!   │                 ▲  │ reroute ▲          │ reschedule (to reserved)                     │ complete
//!   │                 │  └─────────┴──────────┘                                              ▼
//!   └──cancel/expire──▶ cancelled ◀──cancel── submitted | reserved | no_show            consulted
//!                                        reserved | waiting ──no_show──▶ no_show ──reserve──▶ reserved
//!                                        consulted ──refer──▶ submitted
//! ```
//! A one-stop visit has several appointments; `complete` with another zone still to see sends
//! the case back to `waiting` instead of `consulted`.

use std::fmt;
use std::str::FromStr;

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseStatus {
    Draft,
    Submitted,
    Reserved,
    Waiting,
    InConsultation,
    Consulted,
    NoShow,
    Cancelled,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 8] = [
        CaseStatus::Draft,
        CaseStatus::Submitted,
        CaseStatus::Reserved,
        CaseStatus::Waiting,
        CaseStatus::InConsultation,
        CaseStatus::Consulted,
        CaseStatus::NoShow,
        CaseStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Draft => "draft",
            CaseStatus::Submitted => "submitted",
            CaseStatus::Reserved => "reserved",
            CaseStatus::Waiting => "waiting",
            CaseStatus::InConsultation => "in_consultation",
            CaseStatus::Consulted => "consulted",
            CaseStatus::NoShow => "no_show",
            CaseStatus::Cancelled => "cancelled",
        }
    }

    /// A terminal status accepts no event at all.
    pub fn is_terminal(self) -> bool {
        matches!(self, CaseStatus::Cancelled)
    }
}

/// Compares with a stored code (`status == "reserved"`), for reading rows in tests and tools.
impl PartialEq<&str> for CaseStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for CaseStatus {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown case status `{0}`")]
pub struct UnknownStatus(pub String);

impl FromStr for CaseStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseStatus::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// Who fires an event. Staff includes center admins acting at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Applicant,
    Staff,
    Expert,
    System,
}

impl Actor {
    pub const ALL: [Actor; 4] = [Actor::Applicant, Actor::Staff, Actor::Expert, Actor::System];

    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Applicant => "applicant",
            Actor::Staff => "staff",
            Actor::Expert => "expert",
            Actor::System => "system",
        }
    }
}

/// Something that happens to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseEvent {
    /// The applicant (or staff, for a walk-in) sends the finished questionnaire.
    Submit,
    /// A visit is booked for the case's zones.
    Reserve,
    /// The booked visit moves to another time.
    Reschedule,
    /// Staff change the zones the case is routed to; any booking is released.
    Reroute,
    /// The visitor arrives at reception.
    CheckIn,
    /// The expert calls the visitor in.
    Start,
    /// The expert records the outcome. `more_zones_today`: another zone of the same one-stop
    /// visit is still to be seen, so the visitor goes back to waiting.
    Complete { more_zones_today: bool },
    /// The expert refers the case to another zone: it goes back to reservation.
    Refer,
    /// Called in, the visitor did not come: back in line (once), behind everyone waiting.
    NotHere,
    /// The visitor did not come (staff or the system after the slot ended; the expert when a
    /// visitor put back in line once does not come to the second call either).
    MarkNoShow,
    /// The applicant or staff withdraw the case.
    Cancel,
    /// A draft left unfinished past its retention period.
    Expire,
}

impl CaseEvent {
    pub const ALL: [CaseEvent; 13] = [
        CaseEvent::Submit,
        CaseEvent::Reserve,
        CaseEvent::Reschedule,
        CaseEvent::Reroute,
        CaseEvent::CheckIn,
        CaseEvent::Start,
        CaseEvent::Complete { more_zones_today: false },
        CaseEvent::Complete { more_zones_today: true },
        CaseEvent::Refer,
        CaseEvent::NotHere,
        CaseEvent::MarkNoShow,
        CaseEvent::Cancel,
        CaseEvent::Expire,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseEvent::Submit => "submit",
            CaseEvent::Reserve => "reserve",
            CaseEvent::Reschedule => "reschedule",
            CaseEvent::Reroute => "reroute",
            CaseEvent::CheckIn => "check_in",
            CaseEvent::Start => "start",
            CaseEvent::Complete { .. } => "complete",
            CaseEvent::Refer => "refer",
            CaseEvent::NotHere => "not_here",
            CaseEvent::MarkNoShow => "no_show",
            CaseEvent::Cancel => "cancel",
            CaseEvent::Expire => "expire",
        }
    }

    /// Which actors may fire this event at all.
    pub fn allowed_actors(self) -> &'static [Actor] {
        use Actor::*;
        match self {
            CaseEvent::Submit => &[Applicant, Staff],
            CaseEvent::Reserve => &[Applicant, Staff],
            CaseEvent::Reschedule => &[Applicant, Staff],
            CaseEvent::Reroute => &[Staff],
            CaseEvent::CheckIn => &[Staff],
            CaseEvent::Start => &[Expert],
            CaseEvent::Complete { .. } => &[Expert],
            CaseEvent::Refer => &[Expert],
            CaseEvent::NotHere => &[Expert],
            CaseEvent::MarkNoShow => &[Staff, Expert, System],
            CaseEvent::Cancel => &[Applicant, Staff],
            CaseEvent::Expire => &[System],
        }
    }

    /// Whether a reason must accompany the event (it is kept in the audit trail).
    pub fn requires_reason(self) -> bool {
        matches!(self, CaseEvent::Reroute | CaseEvent::Refer)
    }
}

impl fmt::Display for CaseEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{actor:?} may not {event}")]
    ActorNotAllowed { actor: Actor, event: CaseEvent },
    #[error("cannot {event} a case that is {from}")]
    NotAllowedFrom { from: CaseStatus, event: CaseEvent },
}

/// The transition function: the next status, or why the event is refused.
pub fn transition(from: CaseStatus, event: CaseEvent, actor: Actor) -> Result<CaseStatus, TransitionError> {
    use CaseEvent as E;
    use CaseStatus as S;
    if !event.allowed_actors().contains(&actor) {
        return Err(TransitionError::ActorNotAllowed { actor, event });
    }
    let to = match (from, event) {
        (S::Draft, E::Submit) => S::Submitted,
        (S::Submitted | S::NoShow, E::Reserve) => S::Reserved,
        (S::Reserved, E::Reschedule) => S::Reserved,
        (S::Submitted | S::Reserved, E::Reroute) => S::Submitted,
        (S::Reserved, E::CheckIn) => S::Waiting,
        (S::Waiting, E::Start) => S::InConsultation,
        (S::InConsultation, E::Complete { more_zones_today: false }) => S::Consulted,
        (S::InConsultation, E::Complete { more_zones_today: true }) => S::Waiting,
        (S::Consulted, E::Refer) => S::Submitted,
        (S::InConsultation, E::NotHere) => S::Waiting,
        (S::Reserved | S::Waiting | S::InConsultation, E::MarkNoShow) => S::NoShow,
        (S::Draft | S::Submitted | S::Reserved | S::NoShow, E::Cancel) => S::Cancelled,
        (S::Draft, E::Expire) => S::Cancelled,
        _ => return Err(TransitionError::NotAllowedFrom { from, event }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseEvent as E;
    use CaseStatus as S;

    /// The whole table, written out independently of `transition`: (from, event) → to, for
    /// every pair that is allowed. Every other pair must be refused.
    const TABLE: &[(S, E, S)] = &[
        (S::Draft, E::Submit, S::Submitted),
        (S::Draft, E::Cancel, S::Cancelled),
        (S::Draft, E::Expire, S::Cancelled),
        (S::Submitted, E::Reserve, S::Reserved),
        (S::Submitted, E::Reroute, S::Submitted),
        (S::Submitted, E::Cancel, S::Cancelled),
        (S::Reserved, E::Reschedule, S::Reserved),
        (S::Reserved, E::Reroute, S::Submitted),
        (S::Reserved, E::CheckIn, S::Waiting),
        (S::Reserved, E::MarkNoShow, S::NoShow),
        (S::Reserved, E::Cancel, S::Cancelled),
        (S::Waiting, E::Start, S::InConsultation),
        (S::Waiting, E::MarkNoShow, S::NoShow),
        (S::InConsultation, E::Complete { more_zones_today: false }, S::Consulted),
        (S::InConsultation, E::Complete { more_zones_today: true }, S::Waiting),
        (S::InConsultation, E::NotHere, S::Waiting),
        (S::InConsultation, E::MarkNoShow, S::NoShow),
        (S::Consulted, E::Refer, S::Submitted),
        (S::NoShow, E::Reserve, S::Reserved),
        (S::NoShow, E::Cancel, S::Cancelled),
    ];

    fn expected(from: S, event: E) -> Option<S> {
        TABLE.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to)
    }

    #[test]
    fn every_state_event_and_actor_matches_the_written_table() {
        let mut checked = 0;
        for from in S::ALL {
            for event in E::ALL {
                for actor in Actor::ALL {
                    let got = transition(from, event, actor);
                    let allowed_actor = event.allowed_actors().contains(&actor);
                    match (expected(from, event), allowed_actor) {
                        (_, false) => assert_eq!(
                            got,
                            Err(TransitionError::ActorNotAllowed { actor, event }),
                            "{from} × {event} by {actor:?}"
                        ),
                        (Some(to), true) => {
                            assert_eq!(got, Ok(to), "{from} × {event} by {actor:?}")
                        }
                        (None, true) => assert_eq!(
                            got,
                            Err(TransitionError::NotAllowedFrom { from, event }),
                            "{from} × {event} by {actor:?}"
                        ),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 13 * 4);
    }

    #[test]
    fn cancelled_is_terminal_for_every_event_and_actor() {
        for event in E::ALL {
            for actor in Actor::ALL {
                assert!(transition(S::Cancelled, event, actor).is_err());
            }
        }
        assert!(S::Cancelled.is_terminal());
    }

    #[test]
    fn status_names_round_trip() {
        for st in S::ALL {
            assert_eq!(st.as_str().parse::<S>(), Ok(st));
        }
        assert!("bogus".parse::<S>().is_err());
    }

    #[test]
    fn only_reroute_and_refer_need_a_reason() {
        let needing: Vec<_> = E::ALL.into_iter().filter(|e| e.requires_reason()).collect();
        assert_eq!(needing, vec![E::Reroute, E::Refer]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_event() -> impl Strategy<Value = E> {
            prop::sample::select(E::ALL.to_vec())
        }
        fn any_actor() -> impl Strategy<Value = Actor> {
            prop::sample::select(Actor::ALL.to_vec())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Random event sequences from a fresh draft keep the lifecycle's invariants.
            #[test]
            fn random_event_sequences_keep_the_invariants(
                steps in prop::collection::vec((any_event(), any_actor()), 0..60)
            ) {
                let mut status = S::Draft;
                let mut history = vec![status];
                let mut seen_consultation = false;
                for (event, actor) in steps {
                    match transition(status, event, actor) {
                        Ok(to) => {
                            // The transition is one the written table allows, fired by an allowed actor.
                            prop_assert_eq!(expected(status, event), Some(to));
                            prop_assert!(event.allowed_actors().contains(&actor));
                            // Nothing ever returns to draft, and a cancelled case never moves.
                            prop_assert_ne!(to, S::Draft);
                            prop_assert_ne!(status, S::Cancelled);
                            // Only cancel and expire cancel.
                            if to == S::Cancelled {
                                prop_assert!(matches!(event, E::Cancel | E::Expire));
                            }
                            // A consultation is only finished after it started.
                            if to == S::Consulted {
                                prop_assert_eq!(status, S::InConsultation);
                            }
                            if to == S::InConsultation {
                                seen_consultation = true;
                                prop_assert_eq!(status, S::Waiting);
                            }
                            // Waiting and beyond need a reservation or a consultation before.
                            if to == S::Waiting {
                                prop_assert!(matches!(status, S::Reserved | S::InConsultation));
                            }
                            status = to;
                            history.push(status);
                        }
                        Err(_) => {
                            // A refused event is never in the table for that actor.
                            prop_assert!(
                                expected(status, event).is_none()
                                    || !event.allowed_actors().contains(&actor)
                            );
                        }
                    }
                }
                // Consulted is only ever reached through a started consultation.
                if history.contains(&S::Consulted) {
                    prop_assert!(seen_consultation);
                }
                // Only the first status is a draft.
                prop_assert!(history.iter().skip(1).all(|s| *s != S::Draft));
            }
        }
    }
}
