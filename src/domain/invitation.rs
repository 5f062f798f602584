//! The admin's invitation form: a new staff member or expert of the center.

use super::Role;
use super::contact::Email;
use super::form::{FieldError, choice_or, err, required_text};

/// The invitation form as sent (kept to show it again).
#[derive(Debug, serde::Deserialize, Default, Clone)]
pub struct InviteForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub zone: String,
}

/// An invitation to send: an expert always with a zone, staff never.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub name: String,
    /// Lower-cased, as accounts are looked up.
    pub email: String,
    pub role: Role,
    pub zone_kind: Option<String>,
}

impl InviteForm {
    pub fn parse(&self) -> Result<Invitation, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = required_text(&mut e, "name", &self.name, 50, "people.name_required");
        let email = self.email.trim().to_lowercase();
        if Email::parse(&email).is_none() {
            e.push(err("email", "people.email_invalid"));
        }
        // Admins are made by `onestop user`, not invited from a page.
        let role = choice_or(
            &mut e,
            "role",
            &self.role,
            |r| match r {
                "staff" => Some(Role::Staff),
                "expert" => Some(Role::Expert),
                _ => None,
            },
            "people.role_required",
        );
        let zone_kind = Some(self.zone.trim().to_owned()).filter(|z| !z.is_empty() && role == Some(Role::Expert));
        if role == Some(Role::Expert) && zone_kind.is_none() {
            e.push(err("zone", "people.zone_required"));
        }
        match (name, role) {
            (Some(name), Some(role)) if e.is_empty() => Ok(Invitation { name, email, role, zone_kind }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expert_needs_a_zone_and_staff_drop_one() {
        let f = InviteForm {
            name: "이도윤".into(),
            email: "Doyun@Center.example".into(),
            role: "expert".into(),
            zone: "".into(),
        };
        let got: Vec<_> = f.parse().unwrap_err().iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(got, [("zone", "people.zone_required")]);
        let staff = InviteForm { role: "staff".into(), zone: "legal".into(), ..f }.parse().unwrap();
        assert_eq!((staff.email.as_str(), staff.role, staff.zone_kind), ("doyun@center.example", Role::Staff, None));
    }

    #[test]
    fn every_field_in_form_order() {
        let f = InviteForm { role: "admin".into(), ..Default::default() };
        let got: Vec<_> = f.parse().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(got, ["name", "email", "role"]);
    }
}
