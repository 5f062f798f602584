//! The conditional details step: the amount and purpose for finance, the direction of a transfer.

use super::*;
use crate::domain::ZoneType;
use crate::domain::form::{choice, err, long_text};

/// Which conditional questions the chosen topics require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DetailQuestions {
    /// Any finance topic: the amount needed and its purpose.
    pub finance: bool,
    /// Technology transfer: which way.
    pub transfer: bool,
}

impl DetailQuestions {
    pub fn for_topics(topics: &[Topic]) -> Self {
        DetailQuestions {
            finance: topics.iter().any(|t| t.zone_type() == ZoneType::Finance),
            transfer: topics.contains(&Topic::TechTransfer),
        }
    }

    pub fn any(self) -> bool {
        self.finance || self.transfer
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct DetailsForm {
    pub finance_amount: String,
    pub finance_purpose: String,
    pub transfer_direction: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Details {
    /// Won, as an integer.
    pub finance_amount_won: Option<i64>,
    pub finance_purpose: Option<String>,
    pub transfer_direction: Option<TransferDirection>,
}

/// Up to 1조 won; commas and spaces allowed.
pub fn parse_won(raw: &str) -> Option<i64> {
    let digits: String = raw.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    if digits.is_empty() || digits.len() > 13 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl DetailsForm {
    /// Only the questions `ask` requires are read; anything else sent is ignored.
    pub fn parse(&self, ask: DetailQuestions) -> Result<Details, Vec<FieldError>> {
        let mut e = Vec::new();
        let mut d = Details::default();
        if ask.finance {
            d.finance_amount_won = match self.finance_amount.trim() {
                "" => {
                    e.push(err("finance_amount", "apply.error.required"));
                    None
                }
                raw => parse_won(raw).or_else(|| {
                    e.push(err("finance_amount", "apply.error.amount"));
                    None
                }),
            };
            d.finance_purpose = long_text(&mut e, "finance_purpose", &self.finance_purpose, 500, true);
        }
        if ask.transfer {
            d.transfer_direction =
                choice(&mut e, "transfer_direction", &self.transfer_direction, TransferDirection::parse);
        }
        if e.is_empty() { Ok(d) } else { Err(e) }
    }
}
