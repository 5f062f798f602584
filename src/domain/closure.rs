//! The closure form: a range of days the center, a zone or an expert is away.

use chrono::NaiveDate;

use super::form::{FieldError, date, err, required_text};

/// At most a year and a day in one closure (a longer one is a typo, not a plan).
const MAX_DAYS: i64 = 366;

/// The closure form as sent (kept to show it again).
#[derive(Debug, serde::Deserialize, Default, Clone)]
pub struct ClosureForm {
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub reason: String,
}

/// A closure to record: the days (inclusive), what it closes and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Empty for the whole center, a zone's kind, or `expert:<user id>`; checked by the service.
    pub scope: Option<String>,
    pub reason: String,
}

impl ClosureForm {
    pub fn parse(&self) -> Result<Closure, Vec<FieldError>> {
        let mut e = Vec::new();
        let starts = date(&mut e, "starts_on", &self.starts_on, "closures.date_invalid");
        // An empty end closes the one day.
        let ends = if self.ends_on.trim().is_empty() {
            starts
        } else {
            date(&mut e, "ends_on", &self.ends_on, "closures.date_invalid")
        };
        match (starts, ends) {
            (Some(s), Some(end)) if end < s => e.push(err("ends_on", "closures.ends_before_start")),
            (Some(s), Some(end)) if (end - s).num_days() > MAX_DAYS => e.push(err("ends_on", "closures.too_long")),
            (None, None) if self.ends_on.trim().is_empty() => e.push(err("ends_on", "closures.date_invalid")),
            _ => {}
        }
        let reason = required_text(&mut e, "reason", &self.reason, 200, "closures.reason_required");
        match (starts, ends, reason) {
            (Some(starts_on), Some(ends_on), Some(reason)) if e.is_empty() => Ok(Closure {
                starts_on,
                ends_on,
                scope: Some(self.scope.trim().to_owned()).filter(|s| !s.is_empty()),
                reason,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(starts: &str, ends: &str, reason: &str) -> ClosureForm {
        ClosureForm { starts_on: starts.into(), ends_on: ends.into(), scope: String::new(), reason: reason.into() }
    }

    fn fields(f: ClosureForm) -> Vec<(&'static str, &'static str)> {
        f.parse().unwrap_err().iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn one_day_when_the_end_is_empty() {
        let c = form("2026-12-24", "", "공사").parse().unwrap();
        assert_eq!((c.starts_on, c.ends_on, c.scope), (c.starts_on, c.starts_on, None));
    }

    #[test]
    fn dates_out_of_order_too_long_or_unreadable_are_refused_per_field() {
        assert_eq!(fields(form("2026-12-24", "2026-12-23", "x")), [("ends_on", "closures.ends_before_start")]);
        assert_eq!(fields(form("2026-01-01", "2027-01-03", "x")), [("ends_on", "closures.too_long")]);
        assert_eq!(
            fields(form("24.12.", "", "")),
            [
                ("starts_on", "closures.date_invalid"),
                ("ends_on", "closures.date_invalid"),
                ("reason", "closures.reason_required")
            ]
        );
        assert_eq!(
            fields(form("2026-12-24", "x", "a\nb")),
            [("ends_on", "closures.date_invalid"), ("reason", "apply.error.characters")]
        );
    }
}
