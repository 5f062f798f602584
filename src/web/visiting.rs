//! "Where to go": a center's address, room, map link, phone, e-mail, directions and what to
//! bring, as the center page, the visit page and the closed-now message show them
//! (`templates/public/visiting.html`).

use crate::db::center_contacts::CenterContact;
use crate::domain::center_contact::Contact;
use crate::i18n::Lang;

pub struct Visiting {
    pub address: String,
    pub place: String,
    pub map_url: Option<String>,
    pub phone: String,
    pub tel: String,
    pub email: String,
    pub directions: String,
    pub bring: String,
    /// The demo's placeholder values: the page says so.
    pub sample: bool,
}

impl Visiting {
    /// Nothing when the center gave no details yet.
    pub fn of(row: &CenterContact, center_name: &str, lang: Lang) -> Option<Self> {
        let c: Contact = row.details();
        if c.is_empty() {
            return None;
        }
        Some(Visiting {
            address: c.address(lang).to_owned(),
            place: c.place(lang).to_owned(),
            map_url: c.map_url(center_name),
            tel: c.tel_href(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            directions: c.directions(lang).to_owned(),
            bring: c.bring(lang).to_owned(),
            sample: row.sample,
        })
    }
}
