//! Contact details: Korean phone numbers (mobile and landline, normalised) and email addresses.

use std::fmt;

use phonenumber::{Mode, country};

/// A valid Korean number in its national format, e.g. `010-1234-5678` or `02-123-4567`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("not a phone number")]
    Unparsable,
    #[error("not a valid Korean number")]
    Invalid,
}

impl Phone {
    /// Accepts the ways people write numbers: `01012345678`, `010-1234-5678`, `02 123 4567`,
    /// `+82 10-1234-5678`. Validity (length and prefix per number type) comes from
    /// libphonenumber's metadata via the `phonenumber` crate.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty()
            || raw.chars().count() > 30
            || !raw.chars().all(|c| c.is_ascii_digit() || "+-() .".contains(c))
        {
            return Err(PhoneError::Unparsable);
        }
        let number = phonenumber::parse(Some(country::Id::KR), raw).map_err(|_| PhoneError::Unparsable)?;
        if number.code().value() != 82 || !number.is_valid() {
            return Err(PhoneError::Invalid);
        }
        Ok(Phone(number.format().mode(Mode::National).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, trimmed and with its domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// An address the mailer can send to: RFC 5322 syntax (`email_address`) *and* what lettre,
    /// which builds the messages, accepts — so no quoted local part (`"<script>…"@x.kr`), no
    /// spaces, brackets or control characters — with a dotted domain.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.len() > 254 || !email_address::EmailAddress::is_valid(raw) {
            return None;
        }
        if raw.parse::<lettre::Address>().is_err() {
            return None;
        }
        let (local, domain) = raw.rsplit_once('@')?;
        if !domain.contains('.')
            || domain.starts_with('[')
            || local.contains('"')
            || local.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return None;
        }
        Some(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline_numbers_are_normalised() {
        for (raw, want) in [
            ("01012345678", "010-1234-5678"),
            ("010-1234-5678", "010-1234-5678"),
            ("+82 10 1234 5678", "010-1234-5678"),
            ("0212345678", "02-1234-5678"),
            ("02-123-4567", "02-123-4567"),
            ("055-123-4567", "055-123-4567"),
            ("(051) 234-5678", "051-234-5678"),
        ] {
            assert_eq!(Phone::parse(raw).map(|p| p.to_string()), Ok(want.to_owned()), "{raw}");
        }
    }

    #[test]
    fn wrong_numbers_are_refused() {
        for raw in ["", "12345", "010-1234", "010-1234-56789", "099-123-4567", "hello", "+1 202 555 0100"] {
            assert!(Phone::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn emails_are_checked_and_their_domain_lowercased() {
        assert_eq!(Email::parse(" Kim@Startup.KR ").unwrap().as_str(), "Kim@startup.kr");
        for bad in [
            "",
            "kim",
            "kim@",
            "@startup.kr",
            "kim@localhost",
            "a b@c.kr",
            "\"<script>alert(1)</script>\"@example.com",
            "\"a b\"@example.com",
            "kim@[127.0.0.1]",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
    }
}
