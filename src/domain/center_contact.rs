//! Where to go and how to reach a center: the form its admin fills (address and room of the
//! one-stop zone, phone, e-mail, directions, what to bring, coordinates) and the map link.
//! Every field may be empty (a center fills them as it learns them); pages leave empty ones out.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::contact::{Email, Phone};
use super::form::{FieldError, err, long_text, text};
use crate::i18n::Lang;

/// The settings form as sent (kept to show it again).
#[derive(Debug, serde::Deserialize, Default, Clone)]
pub struct ContactForm {
    #[serde(default)]
    pub address_ko: String,
    #[serde(default)]
    pub address_en: String,
    #[serde(default)]
    pub place_ko: String,
    #[serde(default)]
    pub place_en: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub directions_ko: String,
    #[serde(default)]
    pub directions_en: String,
    #[serde(default)]
    pub bring_ko: String,
    #[serde(default)]
    pub bring_en: String,
    #[serde(default)]
    pub privacy_officer: String,
    /// Years a closed case is kept (3–10; empty is the 3 the consent states).
    #[serde(default)]
    pub retention_years: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
}

/// A center's details, checked; empty strings are "not given".
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub address_ko: String,
    pub address_en: String,
    pub place_ko: String,
    pub place_en: String,
    pub phone: String,
    pub email: String,
    pub directions_ko: String,
    pub directions_en: String,
    pub bring_ko: String,
    pub bring_en: String,
    /// Both or neither.
    pub coordinates: Option<(f64, f64)>,
    /// The privacy officer: title and name, one line ("경영지원팀장 홍길동").
    pub privacy_officer: String,
    /// How long a closed case is kept, in years (`MIN_RETENTION_YEARS`..=`MAX_RETENTION_YEARS`).
    pub retention_years: i32,
}

impl Default for Contact {
    fn default() -> Self {
        Contact {
            address_ko: String::new(),
            address_en: String::new(),
            place_ko: String::new(),
            place_en: String::new(),
            phone: String::new(),
            email: String::new(),
            directions_ko: String::new(),
            directions_en: String::new(),
            bring_ko: String::new(),
            bring_en: String::new(),
            coordinates: None,
            privacy_officer: String::new(),
            retention_years: MIN_RETENTION_YEARS,
        }
    }
}

/// A closed case is kept at least as long as the consent wording says (3 years: the ministry's
/// performance records are kept as long), and not longer than ten.
pub const MIN_RETENTION_YEARS: i32 = 3;
pub const MAX_RETENTION_YEARS: i32 = 10;

impl ContactForm {
    pub fn parse(&self) -> Result<Contact, Vec<FieldError>> {
        let mut e = Vec::new();
        let line = |e: &mut Vec<FieldError>, field, raw: &str, max| text(e, field, raw, max, false).unwrap_or_default();
        let address_ko = line(&mut e, "address_ko", &self.address_ko, 200);
        let address_en = line(&mut e, "address_en", &self.address_en, 200);
        let place_ko = line(&mut e, "place_ko", &self.place_ko, 100);
        let place_en = line(&mut e, "place_en", &self.place_en, 100);
        let phone = match self.phone.trim() {
            "" => String::new(),
            raw => Phone::parse(raw).map(|p| p.to_string()).unwrap_or_else(|_| {
                e.push(err("phone", "settings.error.phone"));
                String::new()
            }),
        };
        let email = match self.email.trim() {
            "" => String::new(),
            raw => Email::parse(raw).map(|m| m.as_str().to_owned()).unwrap_or_else(|| {
                e.push(err("email", "settings.error.email"));
                String::new()
            }),
        };
        let para =
            |e: &mut Vec<FieldError>, field, raw: &str| long_text(e, field, raw, 1000, false).unwrap_or_default();
        let directions_ko = para(&mut e, "directions_ko", &self.directions_ko);
        let directions_en = para(&mut e, "directions_en", &self.directions_en);
        let bring_ko = para(&mut e, "bring_ko", &self.bring_ko);
        let bring_en = para(&mut e, "bring_en", &self.bring_en);
        let privacy_officer = line(&mut e, "privacy_officer", &self.privacy_officer, 100);
        let retention_years = match self.retention_years.trim() {
            "" => MIN_RETENTION_YEARS,
            raw => match raw.parse::<i32>() {
                Ok(y) if (MIN_RETENTION_YEARS..=MAX_RETENTION_YEARS).contains(&y) => y,
                _ => {
                    e.push(err("retention_years", "settings.error.retention_years"));
                    MIN_RETENTION_YEARS
                }
            },
        };
        let coordinate = |e: &mut Vec<FieldError>, field, raw: &str, limit: f64| match raw.trim() {
            "" => None,
            v => match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
                _ => {
                    e.push(err(field, "settings.error.coordinate"));
                    None
                }
            },
        };
        let lat = coordinate(&mut e, "latitude", &self.latitude, 90.0);
        let lon = coordinate(&mut e, "longitude", &self.longitude, 180.0);
        let coordinates = match (lat, lon, self.latitude.trim().is_empty(), self.longitude.trim().is_empty()) {
            (Some(a), Some(o), _, _) => Some((a, o)),
            (Some(_), None, _, true) => {
                e.push(err("longitude", "settings.error.both_coordinates"));
                None
            }
            (None, Some(_), true, _) => {
                e.push(err("latitude", "settings.error.both_coordinates"));
                None
            }
            _ => None,
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Contact {
            address_ko,
            address_en,
            place_ko,
            place_en,
            phone,
            email,
            directions_ko,
            directions_en,
            bring_ko,
            bring_en,
            coordinates,
            privacy_officer,
            retention_years,
        })
    }
}

impl Contact {
    /// The form filled with these details (the settings page shows them to edit).
    pub fn form(&self) -> ContactForm {
        ContactForm {
            address_ko: self.address_ko.clone(),
            address_en: self.address_en.clone(),
            place_ko: self.place_ko.clone(),
            place_en: self.place_en.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            directions_ko: self.directions_ko.clone(),
            directions_en: self.directions_en.clone(),
            bring_ko: self.bring_ko.clone(),
            bring_en: self.bring_en.clone(),
            latitude: self.coordinates.map(|c| c.0.to_string()).unwrap_or_default(),
            longitude: self.coordinates.map(|c| c.1.to_string()).unwrap_or_default(),
            privacy_officer: self.privacy_officer.clone(),
            retention_years: self.retention_years.to_string(),
        }
    }

    /// A text in the page's language; the Korean one where no English was given.
    fn pick<'a>(lang: Lang, ko: &'a str, en: &'a str) -> &'a str {
        if lang == Lang::En && !en.is_empty() { en } else { ko }
    }

    pub fn address(&self, lang: Lang) -> &str {
        Self::pick(lang, &self.address_ko, &self.address_en)
    }
    pub fn place(&self, lang: Lang) -> &str {
        Self::pick(lang, &self.place_ko, &self.place_en)
    }
    pub fn directions(&self, lang: Lang) -> &str {
        Self::pick(lang, &self.directions_ko, &self.directions_en)
    }
    pub fn bring(&self, lang: Lang) -> &str {
        Self::pick(lang, &self.bring_ko, &self.bring_en)
    }

    /// "address, room" on one line (the calendar's LOCATION, a mail's fact).
    pub fn where_line(&self, lang: Lang) -> String {
        [self.address(lang), self.place(lang)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
    }

    /// Whether there is anything to show.
    pub fn is_empty(&self) -> bool {
        self.address_ko.is_empty() && self.phone.is_empty() && self.email.is_empty() && self.place_ko.is_empty()
    }

    /// A link to the public map service (Kakao Map's URL scheme): the marker at the coordinates
    /// when they are set, otherwise a search for the Korean address. No script or tile of
    /// theirs is on our pages; this is a plain link.
    pub fn map_url(&self, name: &str) -> Option<String> {
        let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        match self.coordinates {
            Some((lat, lon)) => Some(format!("https://map.kakao.com/link/map/{},{lat},{lon}", enc(name))),
            None if !self.address_ko.is_empty() => {
                Some(format!("https://map.kakao.com/link/search/{}", enc(&self.address_ko)))
            }
            None => None,
        }
    }

    /// `tel:` with digits only.
    pub fn tel_href(&self) -> String {
        format!("tel:{}", self.phone.chars().filter(char::is_ascii_digit).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ContactForm {
        ContactForm {
            address_ko: "경상남도 창원시 의창구 예시로 1".into(),
            phone: "055 123 4567".into(),
            email: "OneStop@Center.Example".into(),
            ..ContactForm::default()
        }
    }

    fn fields(f: &ContactForm) -> Vec<(&'static str, &'static str)> {
        f.parse().unwrap_err().iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn phone_and_email_are_normalised_and_everything_may_be_empty() {
        let c = form().parse().unwrap();
        assert_eq!((c.phone.as_str(), c.email.as_str()), ("055-123-4567", "OneStop@center.example"));
        assert_eq!(c.tel_href(), "tel:0551234567");
        assert_eq!(ContactForm::default().parse().unwrap(), Contact::default());
    }

    #[test]
    fn bad_values_name_their_fields() {
        let f = ContactForm {
            phone: "12".into(),
            email: "no-at".into(),
            latitude: "95".into(),
            address_ko: "줄\n바꿈".into(),
            ..ContactForm::default()
        };
        assert_eq!(
            fields(&f),
            [
                ("address_ko", "apply.error.characters"),
                ("phone", "settings.error.phone"),
                ("email", "settings.error.email"),
                ("latitude", "settings.error.coordinate"),
            ]
        );
        for (raw, ok) in [("2", false), ("11", false), ("삼", false), ("3", true), ("10", true)] {
            let f = ContactForm { retention_years: raw.into(), ..ContactForm::default() };
            assert_eq!(f.parse().is_ok(), ok, "{raw}");
        }
        let five = ContactForm { retention_years: " 5 ".into(), ..ContactForm::default() };
        assert_eq!(five.parse().unwrap().retention_years, 5);
        let half = ContactForm { latitude: "35.2".into(), ..ContactForm::default() };
        assert_eq!(fields(&half), [("longitude", "settings.error.both_coordinates")]);
        let nan = ContactForm { latitude: "NaN".into(), longitude: "inf".into(), ..ContactForm::default() };
        assert_eq!(
            fields(&nan),
            [("latitude", "settings.error.coordinate"), ("longitude", "settings.error.coordinate")]
        );
    }

    #[test]
    fn the_map_link_encodes_what_it_carries() {
        let mut c = form().parse().unwrap();
        assert_eq!(
            c.map_url("센터").unwrap(),
            "https://map.kakao.com/link/search/%EA%B2%BD%EC%83%81%EB%82%A8%EB%8F%84%20%EC%B0%BD%EC%9B%90%EC%8B%9C%20%EC%9D%98%EC%B0%BD%EA%B5%AC%20%EC%98%88%EC%8B%9C%EB%A1%9C%201"
        );
        c.coordinates = Some((35.2281, 128.6811));
        assert_eq!(c.map_url("A,B/C").unwrap(), "https://map.kakao.com/link/map/A%2CB%2FC,35.2281,128.6811");
        assert_eq!(Contact::default().map_url("x"), None);
    }

    #[test]
    fn english_falls_back_to_korean() {
        let c =
            Contact {
                address_ko: "주소".into(), place_ko: "3층".into(), place_en: "3F".into(), ..Contact::default()
            };
        assert_eq!(c.where_line(Lang::En), "주소, 3F");
        assert_eq!(c.where_line(Lang::Ko), "주소, 3층");
    }
}
