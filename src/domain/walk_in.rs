//! The walk-in form: a visitor without a booking, registered at reception.

use super::contact::Phone;
use super::form::{FieldError, choice_or, err, required_text};

/// The walk-in form as sent (kept to show it again).
#[derive(Debug, serde::Deserialize, Default, Clone)]
pub struct WalkInForm {
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub phone: String,
}

/// A walk-in as the desk registers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkIn {
    /// The zone's kind code; whether the center runs it is the service's question.
    pub zone_kind: String,
    pub company: String,
    pub contact_name: String,
    pub phone: Option<String>,
}

impl WalkInForm {
    pub fn parse(&self) -> Result<WalkIn, Vec<FieldError>> {
        let mut e = Vec::new();
        let zone_kind = choice_or(&mut e, "zone", &self.zone, |z| Some(z.to_owned()), "walk_in.zone_required");
        let company = required_text(&mut e, "company", &self.company, 100, "walk_in.company_required");
        let contact_name = required_text(&mut e, "contact_name", &self.contact_name, 50, "walk_in.name_required");
        let phone = match self.phone.trim() {
            "" => None,
            raw => match Phone::parse(raw) {
                Ok(p) => Some(p.as_str().to_owned()),
                Err(_) => {
                    e.push(err("phone", "walk_in.phone_invalid"));
                    None
                }
            },
        };
        match (zone_kind, company, contact_name) {
            (Some(zone_kind), Some(company), Some(contact_name)) if e.is_empty() => {
                Ok(WalkIn { zone_kind, company, contact_name, phone })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_says_what_is_wrong_in_form_order() {
        let f = WalkInForm { phone: "12".into(), contact_name: "a\nb".into(), ..Default::default() };
        let errors = f.parse().unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            got,
            [
                ("zone", "walk_in.zone_required"),
                ("company", "walk_in.company_required"),
                ("contact_name", "apply.error.characters"),
                ("phone", "walk_in.phone_invalid"),
            ]
        );
    }

    #[test]
    fn a_good_form_is_trimmed_and_the_phone_normalised() {
        let f = WalkInForm {
            zone: "legal".into(),
            company: " 랩 주식회사 ".into(),
            contact_name: "김민지".into(),
            phone: "010 1234 5678".into(),
        };
        let w = f.parse().unwrap();
        assert_eq!((w.zone_kind.as_str(), w.company.as_str()), ("legal", "랩 주식회사"));
        assert_eq!(w.phone.as_deref(), Some(Phone::parse("010-1234-5678").unwrap().as_str()));
    }
}
