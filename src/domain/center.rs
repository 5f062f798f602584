//! Centers and their case reference numbers (접수번호), e.g. `GN-2026-00042`.

use std::fmt;

/// A case reference: the center's prefix, the year and a per-center, per-year counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub prefix: String,
    pub year: i32,
    pub number: i32,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}-{:05}", self.prefix, self.year, self.number)
    }
}

/// The centers' time zone.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Seoul;

/// The calendar date in Korea at a UTC instant.
pub fn local_date(utc: chrono::NaiveDateTime) -> chrono::NaiveDate {
    utc.and_utc().with_timezone(&TIME_ZONE).date_naive()
}

/// A center slug as it appears in URLs: lowercase ASCII letters, 2 to 20 of them.
/// Anything else is refused before it reaches the database.
pub fn parse_slug(raw: &str) -> Option<&str> {
    let ok = (2..=20).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_lowercase());
    ok.then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_pads_year_and_number() {
        let r = Reference { prefix: "GN".into(), year: 2026, number: 42 };
        assert_eq!(r.to_string(), "GN-2026-00042");
    }

    #[test]
    fn slugs_are_lowercase_letters_only() {
        assert_eq!(parse_slug("gyeongnam"), Some("gyeongnam"));
        for bad in ["", "a", "Seoul", "se oul", "../etc", "seoul1", "서울", &"x".repeat(21)] {
            assert_eq!(parse_slug(bad), None, "{bad:?}");
        }
    }
}
