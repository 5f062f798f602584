//! A consultation's outcome as the expert records it, validated per zone: finance records the
//! institution, the product and the amount executed in won (whole won, 0 allowed, possibly
//! later as a follow-up); IP the advice given and patents transferred; legal the advice given.
//! Fields that do not belong to the zone are refused, not silently dropped.

use chrono::NaiveDate;

use super::ZoneType;
use super::questionnaire::{FieldError, parse_won};

pub const FINANCE_PRODUCTS: [&str; 4] = ["guarantee", "loan", "investment", "other"];
pub const INSTITUTIONS: [&str; 4] = ["KODIT", "KIBO", "KDB", "IBK"];
pub const IP_ADVICE: [&str; 5] = ["application", "prior_art", "transfer", "dispute", "other"];
pub const LEGAL_ADVICE: [&str; 6] = ["contract", "labor", "governance", "dispute", "licensing", "other"];
pub const MAX_TEXT: usize = 2000;

/// What the form sends, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub executed_won: String,
    #[serde(default)]
    pub executed_on: String,
    #[serde(default)]
    pub advice_type: String,
    #[serde(default)]
    pub patents_transferred: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub follow_up_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub institution: Option<String>,
    pub product: Option<String>,
    pub executed_won: Option<i64>,
    pub executed_on: Option<NaiveDate>,
    pub advice_type: Option<String>,
    pub patents_transferred: Option<i32>,
    pub notes: Option<String>,
    pub summary: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
}

fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

fn text(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|s| !s.is_empty())
}

fn date(raw: &str) -> Result<Option<NaiveDate>, ()> {
    match raw.trim() {
        "" => Ok(None),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| ()),
    }
}

impl OutcomeForm {
    /// The outcome for a consultation of zone `zone_kind` on `today`, or a message per field.
    pub fn parse(&self, zone: &ZoneType, today: NaiveDate) -> Result<Outcome, Vec<FieldError>> {
        let mut e = Vec::new();
        let mut o = Outcome { notes: text(&self.notes), summary: text(&self.summary), ..Outcome::default() };
        let (finance, ip) = (*zone == ZoneType::Finance, *zone == ZoneType::Ip);
        if finance {
            match self.institution.trim() {
                "" => e.push(err("institution", "outcome.error.institution")),
                code if INSTITUTIONS.contains(&code) => o.institution = Some(code.to_owned()),
                _ => e.push(err("institution", "outcome.error.institution")),
            }
            match self.product.trim() {
                p if FINANCE_PRODUCTS.contains(&p) => o.product = Some(p.to_owned()),
                _ => e.push(err("product", "outcome.error.product")),
            }
            match self.executed_won.trim() {
                "" => {}
                raw if raw.starts_with('-') => e.push(err("executed_won", "outcome.error.negative")),
                raw => match parse_won(raw) {
                    Some(w) => o.executed_won = Some(w),
                    None => e.push(err("executed_won", "outcome.error.won")),
                },
            }
            match date(&self.executed_on) {
                Ok(Some(d)) if d > today => e.push(err("executed_on", "outcome.error.future")),
                Ok(d) => o.executed_on = d,
                Err(()) => e.push(err("executed_on", "outcome.error.date")),
            }
            if o.executed_on.is_some() && o.executed_won.is_none() {
                e.push(err("executed_won", "outcome.error.amount_with_date"));
            }
        } else {
            if !self.institution.trim().is_empty() || !self.product.trim().is_empty() {
                e.push(err("institution", "outcome.error.not_finance"));
            }
            if !self.executed_won.trim().is_empty() || !self.executed_on.trim().is_empty() {
                e.push(err("executed_won", "outcome.error.not_finance"));
            }
            let allowed: &[&str] = if ip { &IP_ADVICE } else { &LEGAL_ADVICE };
            match self.advice_type.trim() {
                a if allowed.contains(&a) => o.advice_type = Some(a.to_owned()),
                _ => e.push(err("advice_type", "outcome.error.advice")),
            }
        }
        match (ip, self.patents_transferred.trim()) {
            (true, "") => o.patents_transferred = Some(0),
            (true, raw) if raw.starts_with('-') => e.push(err("patents_transferred", "outcome.error.negative")),
            (true, raw) => match raw.parse::<i32>() {
                Ok(n) if n <= 1000 => o.patents_transferred = Some(n),
                _ => e.push(err("patents_transferred", "outcome.error.count")),
            },
            (false, "") | (false, "0") => {}
            (false, _) => e.push(err("patents_transferred", "outcome.error.not_ip")),
        }
        for (field, value) in [("notes", &self.notes), ("summary", &self.summary)] {
            if value.chars().count() > MAX_TEXT {
                e.push(err(field, "outcome.error.too_long"));
            } else if crate::domain::text::multi_line(value, MAX_TEXT).is_err() {
                e.push(err(field, "apply.error.characters"));
            }
        }
        match date(&self.follow_up_on) {
            Ok(Some(d)) if d < today => e.push(err("follow_up_on", "outcome.error.past")),
            Ok(d) => o.follow_up_on = d,
            Err(()) => e.push(err("follow_up_on", "outcome.error.date")),
        }
        if e.is_empty() { Ok(o) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn fields(r: Result<Outcome, Vec<FieldError>>) -> Vec<&'static str> {
        r.err().unwrap_or_default().iter().map(|e| e.field).collect()
    }

    #[test]
    fn finance_records_institution_product_and_whole_won() {
        let f = OutcomeForm {
            institution: "KIBO".into(),
            product: "guarantee".into(),
            executed_won: "300,000,000".into(),
            executed_on: "2026-11-30".into(),
            summary: "보증 신청 서류를 안내했습니다".into(),
            ..Default::default()
        };
        let o = f.parse(&ZoneType::Finance, today()).unwrap();
        assert_eq!((o.executed_won, o.institution.as_deref()), (Some(300_000_000), Some("KIBO")));
        let zero = OutcomeForm { executed_won: "0".into(), executed_on: String::new(), ..f.clone() };
        assert_eq!(zero.parse(&ZoneType::Finance, today()).unwrap().executed_won, Some(0));
        let later = OutcomeForm { executed_won: String::new(), executed_on: String::new(), ..f.clone() };
        assert_eq!(later.parse(&ZoneType::Finance, today()).unwrap().executed_won, None, "filled in later");
    }

    #[test]
    fn outcomes_are_refused_where_they_do_not_belong() {
        let negative = OutcomeForm {
            institution: "KDB".into(),
            product: "loan".into(),
            executed_won: "-5".into(),
            ..Default::default()
        };
        assert_eq!(fields(negative.parse(&ZoneType::Finance, today())), vec!["executed_won"]);
        let transfer_in_finance = OutcomeForm {
            institution: "KDB".into(),
            product: "loan".into(),
            patents_transferred: "2".into(),
            ..Default::default()
        };
        assert_eq!(fields(transfer_in_finance.parse(&ZoneType::Finance, today())), vec!["patents_transferred"]);
        let money_in_ip =
            OutcomeForm { advice_type: "transfer".into(), executed_won: "100".into(), ..Default::default() };
        assert_eq!(fields(money_in_ip.parse(&ZoneType::Ip, today())), vec!["executed_won"]);
        let future = OutcomeForm {
            institution: "IBK".into(),
            product: "loan".into(),
            executed_won: "1".into(),
            executed_on: "2026-12-01".into(),
            follow_up_on: "2026-11-01".into(),
            ..Default::default()
        };
        assert_eq!(fields(future.parse(&ZoneType::Finance, today())), vec!["executed_on", "follow_up_on"]);
        assert_eq!(fields(OutcomeForm::default().parse(&ZoneType::Legal, today())), vec!["advice_type"]);
        let ip = OutcomeForm { advice_type: "transfer".into(), patents_transferred: "3".into(), ..Default::default() };
        assert_eq!(ip.parse(&ZoneType::Ip, today()).unwrap().patents_transferred, Some(3));
        let bad_count =
            OutcomeForm { advice_type: "transfer".into(), patents_transferred: "-1".into(), ..Default::default() };
        assert_eq!(fields(bad_count.parse(&ZoneType::Ip, today())), vec!["patents_transferred"]);
    }
}
