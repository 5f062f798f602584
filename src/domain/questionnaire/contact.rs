//! The contact step: who to reach, how, and when they prefer to come.

use super::*;
use crate::domain::contact::{Email, Phone};
use crate::domain::form::{err, text};

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ContactForm {
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: Email,
    pub phone: Phone,
}

impl ContactForm {
    pub fn parse(&self) -> Result<Contact, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = text(&mut e, "contact_name", &self.contact_name, 50, true);
        let email = match self.contact_email.trim() {
            "" => {
                e.push(err("contact_email", "apply.error.required"));
                None
            }
            raw => Email::parse(raw).or_else(|| {
                e.push(err("contact_email", "apply.error.email"));
                None
            }),
        };
        let phone = match self.contact_phone.trim() {
            "" => {
                e.push(err("contact_phone", "apply.error.required"));
                None
            }
            raw => Phone::parse(raw).ok().or_else(|| {
                e.push(err("contact_phone", "apply.error.phone"));
                None
            }),
        };
        match (name, email, phone) {
            (Some(name), Some(email), Some(phone)) => Ok(Contact { name, email, phone }),
            _ => Err(e),
        }
    }
}
