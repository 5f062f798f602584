//! The forms of the applicant's rights: the request (correct or delete, with what to change or
//! why) and the admin's answers (the corrected values, a refusal's reason).

use super::form::{FieldError, long_text, text};
use super::questionnaire::{Contact, ContactForm};

/// What the applicant asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Correct,
    Delete,
}

impl Kind {
    pub fn parse(raw: &str) -> Option<Kind> {
        match raw {
            "correct" => Some(Kind::Correct),
            "delete" => Some(Kind::Delete),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Correct => "correct",
            Kind::Delete => "delete",
        }
    }
    /// The form field of this kind's text on the page (both forms are on one page).
    pub fn field(self) -> &'static str {
        match self {
            Kind::Correct => "correct_body",
            Kind::Delete => "delete_body",
        }
    }
}

pub const BODY_MAX: usize = 1000;

/// The request's text: what is wrong and how it should read (required), or why to delete
/// (optional).
pub fn request_body(kind: Kind, raw: &str) -> Result<String, Vec<FieldError>> {
    let mut e = Vec::new();
    let v = long_text(&mut e, kind.field(), raw, BODY_MAX, kind == Kind::Correct);
    if e.is_empty() { Ok(v.unwrap_or_default()) } else { Err(e) }
}

/// The admin's corrected values for a correction request, as sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    pub representative: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Correction {
    pub representative: Option<String>,
    pub contact: Contact,
    pub note: String,
}

impl CorrectionForm {
    pub fn parse(&self) -> Result<Correction, Vec<FieldError>> {
        let mut e = Vec::new();
        let representative = text(&mut e, "representative", &self.representative, 50, false);
        let contact = ContactForm {
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
        }
        .parse()
        .map_err(|mut c| e.append(&mut c))
        .ok();
        let note = long_text(&mut e, "note", &self.note, BODY_MAX, true);
        match (contact, note) {
            (Some(contact), Some(note)) if e.is_empty() => Ok(Correction { representative, contact, note }),
            _ => Err(e),
        }
    }
}

/// A refusal's reason (required: the applicant reads it), or a deletion's note (optional).
pub fn answer_text(field: &'static str, raw: &str, required: bool) -> Result<String, Vec<FieldError>> {
    let mut e = Vec::new();
    let v = long_text(&mut e, field, raw, BODY_MAX, required);
    if e.is_empty() { Ok(v.unwrap_or_default()) } else { Err(e) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::err;

    #[test]
    fn a_correction_request_needs_its_text_a_deletion_does_not() {
        assert_eq!(request_body(Kind::Correct, "  ").unwrap_err(), [err("correct_body", "apply.error.required")]);
        assert_eq!(request_body(Kind::Delete, "").unwrap(), "");
        assert_eq!(
            request_body(Kind::Correct, "전화번호가 010-1234-5678 입니다").unwrap(),
            "전화번호가 010-1234-5678 입니다"
        );
        assert!(request_body(Kind::Delete, &"가".repeat(BODY_MAX + 1)).is_err());
        assert_eq!(Kind::parse("delete"), Some(Kind::Delete));
        assert_eq!(Kind::parse("stop"), None);
    }

    #[test]
    fn a_correction_names_each_bad_field() {
        let f = CorrectionForm { contact_name: "김".into(), contact_email: "x".into(), ..Default::default() };
        let fields: Vec<_> = f.parse().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["contact_email", "contact_phone", "note"]);
        let ok = CorrectionForm {
            contact_name: "김민지".into(),
            contact_email: "min@example.com".into(),
            contact_phone: "010 1234 5678".into(),
            note: "전화번호를 고쳤습니다.".into(),
            ..Default::default()
        };
        let c = ok.parse().unwrap();
        assert_eq!((c.contact.phone.as_str(), c.representative), ("010-1234-5678", None));
    }
}
