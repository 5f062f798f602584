//! The schedule page's forms: a weekly rule of a zone, and a zone's booking policy.

use chrono::NaiveTime;

use super::form::{FieldError, err};

/// A rule as the form sends it (kept to show it again).
#[derive(Debug, serde::Deserialize, Default, Clone)]
pub struct RuleForm {
    #[serde(default)]
    pub zone: i64,
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub slot: String,
    #[serde(default)]
    pub seats: String,
    #[serde(default)]
    pub institution: String,
}

/// A weekly rule: on `weekday` (1 = Monday) from `start` to `end`, slots of `slot_minutes`
/// with `seats` each; for finance the institution on duty (empty: none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub zone_id: i64,
    pub weekday: i16,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub slot_minutes: i32,
    pub seats: i32,
    pub institution: String,
}

fn number<T: std::str::FromStr + PartialOrd>(raw: &str, range: std::ops::RangeInclusive<T>) -> Option<T> {
    raw.trim().parse().ok().filter(|n| range.contains(n))
}

impl RuleForm {
    pub fn parse(&self) -> Result<Rule, Vec<FieldError>> {
        let mut e = Vec::new();
        let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        let weekday = number(&self.weekday, 1..=7);
        if weekday.is_none() {
            e.push(err("weekday", "schedule.weekday_invalid"));
        }
        let (start, end) = (time(&self.start), time(&self.end));
        if start.is_none() {
            e.push(err("start", "schedule.time_invalid"));
        }
        match (start, end) {
            (_, None) => e.push(err("end", "schedule.time_invalid")),
            (Some(s), Some(end)) if end <= s => e.push(err("end", "schedule.end_before_start")),
            _ => {}
        }
        let slot = number(&self.slot, 10..=240);
        if slot.is_none() {
            e.push(err("slot", "schedule.slot_invalid"));
        }
        let seats = number(&self.seats, 1..=20);
        if seats.is_none() {
            e.push(err("seats", "schedule.seats_invalid"));
        }
        match (weekday, start, end, slot, seats) {
            (Some(weekday), Some(start), Some(end), Some(slot_minutes), Some(seats)) if e.is_empty() => Ok(Rule {
                zone_id: self.zone,
                weekday,
                start,
                end,
                slot_minutes,
                seats,
                institution: self.institution.trim().to_owned(),
            }),
            _ => Err(e),
        }
    }
}

/// A zone's booking policy as the form sends it (hours and days, as staff think of them).
#[derive(Debug, serde::Deserialize, Default, Clone)]
pub struct PolicyForm {
    #[serde(default)]
    pub min_notice_hours: String,
    #[serde(default)]
    pub horizon_days: String,
    #[serde(default)]
    pub buffer_minutes: String,
    #[serde(default)]
    pub reschedule_cutoff_hours: String,
    #[serde(default)]
    pub cancel_cutoff_hours: String,
}

/// A zone's booking policy, in minutes (days for the horizon), as it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub min_notice_minutes: i32,
    pub horizon_days: i32,
    pub buffer_minutes: i32,
    pub reschedule_cutoff_minutes: i32,
    pub cancel_cutoff_minutes: i32,
}

impl PolicyForm {
    pub fn parse(&self) -> Result<Policy, Vec<FieldError>> {
        let mut e = Vec::new();
        let month_of_hours = 24 * 30;
        let mut field = |name: &'static str, raw: &str, range: std::ops::RangeInclusive<i32>| {
            let v = number(raw, range);
            if v.is_none() {
                e.push(err(name, "schedule.policy_invalid"));
            }
            v
        };
        let notice = field("min_notice_hours", &self.min_notice_hours, 0..=month_of_hours);
        let horizon = field("horizon_days", &self.horizon_days, 1..=365);
        let buffer = field("buffer_minutes", &self.buffer_minutes, 0..=240);
        let resched = field("reschedule_cutoff_hours", &self.reschedule_cutoff_hours, 0..=month_of_hours);
        let cancel = field("cancel_cutoff_hours", &self.cancel_cutoff_hours, 0..=month_of_hours);
        match (notice, horizon, buffer, resched, cancel) {
            (Some(n), Some(horizon_days), Some(buffer_minutes), Some(r), Some(c)) => Ok(Policy {
                min_notice_minutes: n * 60,
                horizon_days,
                buffer_minutes,
                reschedule_cutoff_minutes: r * 60,
                cancel_cutoff_minutes: c * 60,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(weekday: &str, start: &str, end: &str, slot: &str, seats: &str) -> RuleForm {
        RuleForm {
            zone: 3,
            weekday: weekday.into(),
            start: start.into(),
            end: end.into(),
            slot: slot.into(),
            seats: seats.into(),
            institution: String::new(),
        }
    }

    #[test]
    fn a_rule_says_every_wrong_field() {
        let got: Vec<_> =
            rule("8", "9시", "08:00", "5", "0").parse().unwrap_err().iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            got,
            [
                ("weekday", "schedule.weekday_invalid"),
                ("start", "schedule.time_invalid"),
                ("slot", "schedule.slot_invalid"),
                ("seats", "schedule.seats_invalid"),
            ]
        );
        let got: Vec<_> = rule("1", "10:00", "09:00", "30", "1").parse().unwrap_err().iter().map(|e| e.key).collect();
        assert_eq!(got, ["schedule.end_before_start"]);
        let ok = rule("1", "09:00", "12:00", "30", "2").parse().unwrap();
        assert_eq!((ok.weekday, ok.slot_minutes, ok.seats, ok.zone_id), (1, 30, 2, 3));
    }

    #[test]
    fn a_policy_is_stored_in_minutes_and_a_zero_horizon_is_refused() {
        let f = PolicyForm {
            min_notice_hours: "24".into(),
            horizon_days: "0".into(),
            buffer_minutes: "10".into(),
            reschedule_cutoff_hours: "24".into(),
            cancel_cutoff_hours: "12".into(),
        };
        let got: Vec<_> = f.parse().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(got, ["horizon_days"]);
        let p = PolicyForm { horizon_days: "60".into(), ..f }.parse().unwrap();
        assert_eq!((p.min_notice_minutes, p.cancel_cutoff_minutes, p.horizon_days), (1440, 720, 60));
    }
}
