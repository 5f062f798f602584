//! The press release's other tables (issue 19): the figures a center enters each month beside
//! the one-stop numbers (which come from the consultations and are never typed): startups
//! incubated, new hires, revenue, investment, SMEs supported; mentoring and consulting,
//! prototypes, people trained; technology, funding (cases and 억원) and market support.
//! Each month's figures are what happened in that month; the reports add the months up.

use super::form::{FieldError, err};
use crate::i18n::msg;

/// How a figure is counted and typed: a whole number, or an amount typed in 억원 with up to two
/// decimals and kept in won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Won,
}

/// One figure: its key (the form field, the import column, the stored row) and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub key: &'static str,
    pub unit: Unit,
    /// The message key of its label (with its unit: "멘토링·컨설팅(건)").
    pub label: &'static str,
}

const fn count(key: &'static str, label: &'static str) -> Figure {
    Figure { key, unit: Unit::Count, label }
}
const fn won(key: &'static str, label: &'static str) -> Figure {
    Figure { key, unit: Unit::Won, label }
}

/// Every figure, in the order the form asks them and the files carry them.
pub const FIGURES: [Figure; 12] = [
    count("incubated", msg("activity.incubated")),
    count("new_hires", msg("activity.new_hires")),
    won("revenue_won", msg("activity.revenue_won")),
    won("investment_won", msg("activity.investment_won")),
    count("smes_supported", msg("activity.smes_supported")),
    count("mentoring", msg("activity.mentoring")),
    count("prototypes", msg("activity.prototypes")),
    count("trainees", msg("activity.trainees")),
    count("tech_support", msg("activity.tech_support")),
    count("funding_cases", msg("activity.funding_cases")),
    won("funding_won", msg("activity.funding_won")),
    count("market_support", msg("activity.market_support")),
];

/// The form's groups: (legend key, the figures' indexes in [`FIGURES`]).
pub const GROUPS: [(&str, &[usize]); 3] = [
    (msg("activity.group_results"), &[0, 1, 2, 3]),
    (msg("activity.group_startups"), &[5, 6, 7]),
    (msg("activity.group_smes"), &[4, 8, 9, 10, 11]),
];

/// The message key of a figure's label by its key.
pub fn label(key: &str) -> Option<&'static str> {
    FIGURES.iter().find(|f| f.key == key).map(|f| f.label)
}

/// The index of a figure by its key.
pub fn index(key: &str) -> Option<usize> {
    FIGURES.iter().position(|f| f.key == key)
}

/// A month's figures (or a sum of months), in the order of [`FIGURES`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity(pub [i64; 12]);

impl Activity {
    pub fn get(&self, key: &str) -> i64 {
        index(key).map_or(0, |i| self.0[i])
    }

    pub fn add(&mut self, other: &Activity) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// The figure as a page or a file prints it: a count in digits, an amount in 억원 with two
    /// decimals.
    pub fn text(&self, i: usize) -> String {
        show(FIGURES[i].unit, self.0[i])
    }

    /// (key, value) pairs, for storing.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, i64)> + '_ {
        FIGURES.iter().zip(self.0).map(|(f, v)| (f.key, v))
    }

    /// Builds the figures from stored (key, value) pairs; unknown keys are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, i64)>) -> Activity {
        let mut a = Activity::default();
        for (k, v) in pairs {
            if let Some(i) = index(k) {
                a.0[i] = v;
            }
        }
        a
    }
}

/// A value as printed: a count as digits, won as 억원 with two decimals (rounded half up).
pub fn show(unit: Unit, v: i64) -> String {
    match unit {
        Unit::Count => v.to_string(),
        Unit::Won => {
            let hundredths = (v + 500_000) / 1_000_000;
            format!("{}.{:02}", hundredths / 100, hundredths % 100)
        }
    }
}

/// The largest count a month may carry (a typo guard, not a business rule).
pub const MAX_COUNT: i64 = 1_000_000;
/// The largest amount a month may carry: 100,000억원.
pub const MAX_WON: i64 = 100_000 * 100_000_000;

/// Reads one typed value: a count ("1,050" or "1050"), or 억원 ("116.25", "171.4", "69").
/// Blank is an error (a month without activity says 0).
pub fn parse_value(unit: Unit, raw: &str) -> Result<i64, &'static str> {
    let s: String = raw.trim().chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(msg("activity.error.required"));
    }
    match unit {
        Unit::Count => {
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(msg("activity.error.count"));
            }
            match s.parse::<i64>() {
                Ok(v) if v <= MAX_COUNT => Ok(v),
                _ => Err(msg("activity.error.too_large")),
            }
        }
        Unit::Won => {
            let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
            let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
            if whole.is_empty() || !digits(whole) || !digits(frac) || (s.contains('.') && frac.is_empty()) {
                return Err(msg("activity.error.amount"));
            }
            if frac.len() > 2 {
                return Err(msg("activity.error.decimals"));
            }
            let whole: i64 = whole.parse().map_err(|_| msg("activity.error.too_large"))?;
            let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
            let v = whole.checked_mul(100_000_000).and_then(|w| w.checked_add(frac * 1_000_000));
            match v {
                Some(v) if v <= MAX_WON => Ok(v),
                _ => Err(msg("activity.error.too_large")),
            }
        }
    }
}

/// A month's figures as typed (the form's fields, or an imported row's cells, by key): every
/// figure given; funding cases and their amount go together.
pub fn parse(get: impl Fn(&'static str) -> String) -> Result<Activity, Vec<FieldError>> {
    let mut values = Activity::default();
    let mut errors = Vec::new();
    for (i, f) in FIGURES.iter().enumerate() {
        match parse_value(f.unit, &get(f.key)) {
            Ok(v) => values.0[i] = v,
            Err(key) => errors.push(err(f.key, key)),
        }
    }
    if errors.is_empty() {
        let (cases, amount) = (values.get("funding_cases"), values.get("funding_won"));
        if cases > 0 && amount == 0 {
            errors.push(err("funding_won", msg("activity.error.funding_amount")));
        } else if cases == 0 && amount > 0 {
            errors.push(err("funding_cases", msg("activity.error.funding_cases")));
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// What changed from `before` to `after`: (the figure's key, "+12", "-0.50"), only the changed.
pub fn difference(before: &Activity, after: &Activity) -> Vec<(&'static str, String)> {
    FIGURES
        .iter()
        .enumerate()
        .filter(|(i, _)| before.0[*i] != after.0[*i])
        .map(|(i, f)| {
            let d = after.0[i] - before.0[i];
            let sign = if d > 0 { "+" } else { "-" };
            (f.key, format!("{sign}{}", show(f.unit, d.abs())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_the_press_release_writes_them() {
        assert_eq!(parse_value(Unit::Count, "1,050"), Ok(1050));
        assert_eq!(parse_value(Unit::Won, "116.25"), Ok(11_625_000_000));
        assert_eq!(parse_value(Unit::Won, "171.4"), Ok(17_140_000_000));
        assert_eq!(parse_value(Unit::Won, "69"), Ok(6_900_000_000));
        assert_eq!(parse_value(Unit::Won, "0.125"), Err("activity.error.decimals"));
        assert_eq!(parse_value(Unit::Won, "1."), Err("activity.error.amount"));
        assert_eq!(parse_value(Unit::Count, "-3"), Err("activity.error.count"));
        assert_eq!(parse_value(Unit::Count, "2.5"), Err("activity.error.count"));
        assert_eq!(parse_value(Unit::Count, " "), Err("activity.error.required"));
        assert_eq!(parse_value(Unit::Count, "99999999999999999999"), Err("activity.error.too_large"));
        assert_eq!(show(Unit::Won, 17_140_000_000), "171.40");
        let mut a = Activity::default();
        a.0[9] = 2;
        let b = Activity::default();
        assert_eq!(difference(&b, &a), [("funding_cases", "+2".to_owned())]);
        let fields = |k: &'static str| if k == "funding_cases" { "2".to_owned() } else { "0".to_owned() };
        assert_eq!(parse(fields).unwrap_err(), [err("funding_won", "activity.error.funding_amount")]);
    }
}
