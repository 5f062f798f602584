//! What an outbox row is and where it stands, as types (stored as their codes).

use std::fmt;
use std::str::FromStr;

/// An enum stored as a text code: `as_str`, `FromStr` (an unknown code is an error),
/// `Display`, and comparison with a code for tests and tools.
macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| UnknownCode(s.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
#[error("unknown code `{0}`")]
pub struct UnknownCode(pub String);

coded! {
    /// What a message is: the worker decides by it whether it still holds when sent, and the
    /// mailbox whether its body may be shown (account links may not).
    MessageKind {
        Resume = "resume",
        Submitted = "submitted",
        VisitConfirmed = "visit_confirmed",
        VisitMoved = "visit_moved",
        VisitCancelled = "visit_cancelled",
        /// Before the visit; sent only while the case still waits for it.
        Reminder = "reminder",
        /// Some days before the visit: confirm or cancel; sent only while it is not confirmed.
        ConfirmAsk = "confirm_ask",
        Rerouted = "rerouted",
        NewLink = "new_link",
        ConsultationSummary = "consultation_summary",
        StaffNewSubmission = "staff_new_submission",
        StaffCancellation = "staff_cancellation",
        Invitation = "invitation",
        PasswordReset = "password_reset",
    }
}

impl MessageKind {
    /// Its link sets an account's password: nobody but the recipient may follow it.
    pub fn carries_account_link(self) -> bool {
        matches!(self, MessageKind::Invitation | MessageKind::PasswordReset)
    }
}

coded! {
    /// Where a message is in the outbox.
    MessageStatus {
        /// Waiting to be sent (or to be tried again).
        Pending = "pending",
        Sent = "sent",
        /// Given up after the last attempt; staff may send it again.
        Dead = "dead",
        /// Not sent because it no longer held (the visit moved, its moment passed).
        Skipped = "skipped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_an_unknown_one_is_an_error() {
        for k in MessageKind::ALL {
            assert_eq!(k.as_str().parse::<MessageKind>().unwrap(), *k);
        }
        for s in MessageStatus::ALL {
            assert_eq!(s.as_str().parse::<MessageStatus>().unwrap(), *s);
        }
        assert!("Sent".parse::<MessageStatus>().is_err());
        assert!("visit".parse::<MessageKind>().is_err());
    }
}
