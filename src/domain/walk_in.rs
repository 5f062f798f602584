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
    /// `yes`: the visitor agreed to the collection of their name and phone (PIPA), as an
    /// applicant online does. Without it the visit is recorded with the company only.
    #[serde(default)]
    pub consent: String,
}

/// A walk-in as the desk registers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkIn {
    /// The zone's kind code; whether the center runs it is the service's question.
    pub zone_kind: String,
    pub company: String,
    /// Empty without the visitor's consent.
    pub contact_name: String,
    pub phone: Option<String>,
    pub consented: bool,
}

impl WalkInForm {
    pub fn parse(&self) -> Result<WalkIn, Vec<FieldError>> {
        let mut e = Vec::new();
        let zone_kind = choice_or(&mut e, "zone", &self.zone, |z| Some(z.to_owned()), "walk_in.zone_required");
        let company = required_text(&mut e, "company", &self.company, 100, "walk_in.company_required");
        let consented = self.consent == "yes";
        let contact_name = if consented {
            required_text(&mut e, "contact_name", &self.contact_name, 50, "walk_in.name_required")
        } else {
            // No consent, no personal data: a name or phone typed anyway is refused, not dropped.
            if !self.contact_name.trim().is_empty() || !self.phone.trim().is_empty() {
                e.push(err("consent", "walk_in.consent_needed"));
            }
            Some(String::new())
        };
        let phone = match self.phone.trim() {
            _ if !consented => None,
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
                Ok(WalkIn { zone_kind, company, contact_name, phone, consented })
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
        let f =
            WalkInForm { phone: "12".into(), contact_name: "a\nb".into(), consent: "yes".into(), ..Default::default() };
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
            consent: "yes".into(),
        };
        let w = f.parse().unwrap();
        assert!(w.consented);
        assert_eq!((w.zone_kind.as_str(), w.company.as_str()), ("legal", "랩 주식회사"));
        assert_eq!(w.phone.as_deref(), Some(Phone::parse("010-1234-5678").unwrap().as_str()));
    }

    #[test]
    fn without_consent_no_personal_data_is_taken() {
        let base = WalkInForm { zone: "ip".into(), company: "한빛바이오".into(), ..Default::default() };
        let w = base.parse().unwrap();
        assert_eq!((w.contact_name.as_str(), w.phone.as_deref(), w.consented), ("", None, false));
        let typed = WalkInForm { contact_name: "김민지".into(), ..base };
        let got: Vec<_> = typed.parse().unwrap_err().iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(got, [("consent", "walk_in.consent_needed")]);
    }
}
