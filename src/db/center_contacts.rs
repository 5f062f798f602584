//! Where to go and how to reach a center: one row per center (migration 13 made them all).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::center_contacts;

#[derive(Debug, Clone, Default, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = center_contacts, treat_none_as_null = true)]
pub struct CenterContact {
    pub center_id: i64,
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
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The demo's placeholder values: pages say they are samples.
    pub sample: bool,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<i64>,
    /// Who answers for personal data at the center (the privacy policy names them).
    pub privacy_officer: String,
    /// Years a closed case is kept before its personal data is destroyed.
    pub retention_years: i32,
}

/// The center's details; all empty when none were given.
pub fn of_center(conn: &mut DbConn, center_id: i64) -> QueryResult<CenterContact> {
    Ok(center_contacts::table.find(center_id).select(CenterContact::as_select()).first(conn).optional()?.unwrap_or(
        CenterContact {
            center_id,
            retention_years: crate::domain::center_contact::MIN_RETENTION_YEARS,
            ..CenterContact::default()
        },
    ))
}

/// Replaces the center's details (one statement: the last save wins, nothing is half written).
pub fn save(conn: &mut DbConn, contact: &CenterContact) -> QueryResult<()> {
    let n = diesel::update(center_contacts::table.find(contact.center_id)).set(contact).execute(conn)?;
    if n == 0 {
        diesel::insert_into(center_contacts::table).values(contact).execute(conn)?;
    }
    Ok(())
}

impl CenterContact {
    pub fn details(&self) -> crate::domain::center_contact::Contact {
        crate::domain::center_contact::Contact {
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
            coordinates: self.latitude.zip(self.longitude),
            privacy_officer: self.privacy_officer.clone(),
            retention_years: self.retention_years,
        }
    }

    /// The row for a center's details, as its admin (or the demo, `sample`) saved them.
    pub fn new(
        center_id: i64,
        c: crate::domain::center_contact::Contact,
        sample: bool,
        at: NaiveDateTime,
        by: Option<i64>,
    ) -> Self {
        CenterContact {
            center_id,
            address_ko: c.address_ko,
            address_en: c.address_en,
            place_ko: c.place_ko,
            place_en: c.place_en,
            phone: c.phone,
            email: c.email,
            directions_ko: c.directions_ko,
            directions_en: c.directions_en,
            bring_ko: c.bring_ko,
            bring_en: c.bring_en,
            latitude: c.coordinates.map(|c| c.0),
            longitude: c.coordinates.map(|c| c.1),
            sample,
            updated_at: Some(at),
            updated_by: by,
            privacy_officer: c.privacy_officer,
            retention_years: c.retention_years,
        }
    }
}
